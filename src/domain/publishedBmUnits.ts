import { FMAR, RDF } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';
import type { InvalidRecordResult } from './errors.js';

/**
 * The BSC's registration of a BM unit, as `fmar import bm-units` keeps it (docs/import/bm-units.md): the published
 * unit `{base}reference/bm-units/{BM Unit ID}` and its lead party, a reference party keyed by its Elexon Party ID and
 * linked to the registered FMAR organisation it names when one matched (fmar:matchedOrganisation, with its method
 * and evidence).
 */
export interface PublishedBmUnit {
  iri: string;
  bmuId: string;
  leadParty?: {
    iri: string;
    names: string[];
    identifiers: string[];
    matchedOrganisation?: string;
    matchEvidence?: string;
  };
}

/** Where every published BM unit's graph lives. */
export function bmUnitsPrefix(baseIri: string): string {
  return `${baseIri}reference/bm-units/`;
}

/** The IRI (and graph) of the published BM unit with this BM Unit ID, as `fmar import bm-units` writes it. */
export function bmUnitIri(baseIri: string, bmUnitId: string): string {
  return `${bmUnitsPrefix(baseIri)}${encodeURIComponent(bmUnitId)}`;
}

/** The published BM unit with this BM Unit ID, if the registry holds the Elexon register. */
export async function readPublishedBmUnit(store: Pick<RegistryStore, 'query'>, baseIri: string, bmUnitId: string): Promise<PublishedBmUnit | undefined> {
  const rows = await selectBindings(store, `SELECT ?unit ?party ?name ?identifier ?organisation ?evidence WHERE {
    GRAPH ?unit { ?unit <${RDF}type> <${FMAR}BmUnit> ; <${FMAR}bmuId> ${JSON.stringify(bmUnitId)} . OPTIONAL { ?unit <${FMAR}bmuLeadParty> ?party } }
    FILTER(STRSTARTS(STR(?unit), ${JSON.stringify(bmUnitsPrefix(baseIri))}))
    OPTIONAL { GRAPH ?partyGraph { ?party <${FMAR}partyName> ?name } }
    OPTIONAL { GRAPH ?idGraph { ?party <${FMAR}partyIdentifier> ?identifier } }
    OPTIONAL { GRAPH ?matchGraph { ?party <${FMAR}matchedOrganisation> ?organisation . OPTIONAL { ?party <${FMAR}matchEvidence> ?evidence } } }
  } ORDER BY ?unit ?name`);
  if (!rows.length) return undefined;
  const first = rows.filter((r) => r.unit.value === rows[0].unit.value);
  const party = first.find((r) => r.party)?.party?.value;
  const distinct = (name: string) => [...new Set(first.map((r) => r[name]?.value).filter((v): v is string => v !== undefined))];
  return {
    iri: rows[0].unit.value,
    bmuId: bmUnitId,
    ...(party ? { leadParty: { iri: party, names: distinct('name'), identifiers: distinct('identifier'), matchedOrganisation: distinct('organisation')[0], matchEvidence: distinct('evidence')[0] } } : {}),
  };
}

/**
 * The rule a market unit's bmUnitId meets against the BSC registration (requirements §2, the ACER/GB table: an SPU
 * is a BSC Primary BMU, an SPG one or more secondary v_/2__ BMUs; requirements §10: a provider acts for its own units
 * only): when the registry holds the published BM unit and its lead party is a registered organisation, that
 * organisation is the unit's FSP. Where the registry cannot tell (no register imported, a unit registered after the
 * 2022-06 edition, a lead party that matched no organisation), nothing is refused: the published data is evidence of a
 * contradiction, never of consent.
 */
export function bmUnitLeadPartyProblem(unit: PublishedBmUnit | undefined, fsp: string): InvalidRecordResult | undefined {
  const party = unit?.leadParty;
  if (!unit || !party?.matchedOrganisation || party.matchedOrganisation === fsp) return undefined;
  const partyId = party.identifiers.find((i) => i.startsWith('elexonPartyId:'))?.slice('elexonPartyId:'.length);
  return {
    severity: 'Violation',
    pointer: '/bmUnitId',
    field: 'bmUnitId',
    value: unit.bmuId,
    message: `the BSC registration of BM unit ${unit.bmuId} (${unit.iri}) names its lead party ${party.names[0] ?? party.iri}${partyId ? ` (Elexon Party ID ${partyId})` : ''}, which is the registered organisation ${party.matchedOrganisation}${party.matchEvidence ? ` (${party.matchEvidence})` : ''}, not the unit's FSP ${fsp}: a provider names its own BM units; if the register is out of date, raise a data dispute`,
    sourceShape: 'requirements §2 (SPU/SPG as BSC BMUs), §10 (own units only)',
  };
}
