import { DataFactory, type Quad } from 'n3';
import { FMAR } from '../rdf/namespaces.js';
import type { OrganisationMatcher } from './OrganisationMatcher.js';

const { namedNode, literal, quad } = DataFactory;

/** The properties that record a reference party's link to a registered organisation: written only by partyMatchQuads. */
export const MATCH_PROPERTIES = [`${FMAR}matchedOrganisation`, `${FMAR}matchMethod`, `${FMAR}matchEvidence`];

/**
 * What one graph of a reference party says of the registered FMAR organisation it names (issue #9: "organisation
 * matching ... with the match and its evidence recorded"): for the first of its names, in order, that the matcher
 * matches or finds ambiguous, the organisation with the method and the evidence, or why none was linked. Nothing for
 * a party no registered organisation matches. The same quads whether an import or a later re-link computes them, so
 * that each sees the other's as unchanged.
 */
export function partyMatchQuads(matcher: OrganisationMatcher, party: string, graph: string, names: readonly string[], identifiers: Record<string, string>): Quad[] {
  const s = namedNode(party);
  const g = namedNode(graph);
  for (const name of [...names].sort()) {
    const match = matcher.match(name, identifiers);
    if (match.status === 'matched') {
      return [
        quad(s, namedNode(`${FMAR}matchedOrganisation`), namedNode(match.iri), g),
        quad(s, namedNode(`${FMAR}matchMethod`), literal(match.method), g),
        quad(s, namedNode(`${FMAR}matchEvidence`), literal(`"${name}" matched "${match.matchedName}"${match.evidence.length ? ` (${match.evidence.join(', ')})` : ''}`), g),
      ];
    }
    if (match.status === 'ambiguous') return [quad(s, namedNode(`${FMAR}matchEvidence`), literal(`"${name}" is ambiguous: ${match.candidates.join(', ')} (not linked)`), g)];
  }
  return [];
}

/** "elexonPartyId:FLEXTRCY" -> { elexonPartyId: 'FLEXTRCY' }. */
export function identifiersOf(values: readonly string[]): Record<string, string> {
  return Object.fromEntries(values.map((v) => v.split(/:(.*)/s).slice(0, 2) as [string, string]));
}
