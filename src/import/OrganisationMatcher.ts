import { nameVariantsEvidence, organisationNameKey } from '../domain/organisationNames.js';

/** An organisation already known to the registry (or to the import), by IRI, with every name it is known by. */
export interface OrganisationCandidate {
  iri: string;
  /** Its legal name and any declared aliases ("Octopus" for "Octopus Energy Limited" only when declared). */
  names: string[];
  /** Identifier scheme -> value, e.g. { elexonPartyId: 'FLEXTRCY', companiesHouse: '01234567' }. */
  identifiers?: Record<string, string>;
}

export type OrganisationMatch =
  | { status: 'matched'; iri: string; method: 'identifier' | 'exact-name' | 'normalised-name'; matchedName: string; evidence: string[] }
  | { status: 'ambiguous'; candidates: string[]; key: string }
  | { status: 'unmatched'; key: string };

interface Known {
  names: Set<string>;
  identifiers: Map<string, string>;
}

/**
 * Finds which known organisation a published name (and any identifiers published with it) stands for. In order:
 * 1. the same identifier (same scheme, same value, compared verbatim after trimming);
 * 2. exactly the same name, as written;
 * 3. the same organisationNameKey ("BSR Applications Ltd" for "BSR Applications Limited").
 * Two candidates at the first step that finds any is 'ambiguous': nothing is guessed. Informal names ("Octopus" in
 * UKPN's dispatches, data README file 3, for Elexon's "Octopus Energy Limited") match only through a declared alias
 * (a further name of the candidate). A candidate holding another value of a given identifier scheme is never
 * matched by name.
 */
export class OrganisationMatcher {
  private readonly known = new Map<string, Known>();
  private readonly byIdentifier = new Map<string, Set<string>>();
  private readonly byName = new Map<string, Set<string>>();
  private readonly byKey = new Map<string, Set<string>>();

  /** Adds a candidate; adding one IRI again adds its further names and identifiers. */
  add(candidate: OrganisationCandidate): void {
    const known = this.known.get(candidate.iri) ?? { names: new Set<string>(), identifiers: new Map<string, string>() };
    this.known.set(candidate.iri, known);
    for (const name of candidate.names) {
      known.names.add(name);
      addTo(this.byName, name, candidate.iri);
      addTo(this.byKey, organisationNameKey(name), candidate.iri);
    }
    for (const [scheme, raw] of Object.entries(candidate.identifiers ?? {})) {
      const value = raw.trim();
      const held = known.identifiers.get(scheme);
      if (held !== undefined && held !== value) throw new Error(`${candidate.iri} has two ${scheme} identifiers: ${held} and ${value}`);
      known.identifiers.set(scheme, value);
      addTo(this.byIdentifier, identifierKey(scheme, value), candidate.iri);
    }
  }

  match(name: string, identifiers: Record<string, string> = {}): OrganisationMatch {
    const key = organisationNameKey(name);
    const given = Object.entries(identifiers).map(([scheme, value]) => [scheme, value.trim()] as const).filter(([, value]) => value !== '');

    const byIdentifier = new Set(given.flatMap(([scheme, value]) => [...(this.byIdentifier.get(identifierKey(scheme, value)) ?? [])]));
    if (byIdentifier.size > 1) return { status: 'ambiguous', candidates: [...byIdentifier].sort(), key };
    if (byIdentifier.size === 1) {
      const iri = [...byIdentifier][0];
      const evidence = given.filter(([scheme, value]) => this.known.get(iri)!.identifiers.get(scheme) === value).map(([scheme, value]) => `${scheme}=${value}`);
      const matchedName = this.closestName(iri, name);
      // The name as published, beside the identifier: a variant of a known name (its rules), or another name.
      const nameEvidence = nameVariantsEvidence(name, matchedName);
      return { status: 'matched', iri, method: 'identifier', matchedName, evidence: [...evidence, ...(nameEvidence ?? ['name differs'])] };
    }
    if (key === '') return { status: 'unmatched', key };

    // A candidate that holds another value of a given identifier scheme is another organisation, whatever its name.
    const consistent = (iri: string) => given.every(([scheme, value]) => (this.known.get(iri)!.identifiers.get(scheme) ?? value) === value);
    const exact = [...(this.byName.get(name) ?? [])].filter(consistent);
    if (exact.length > 1) return { status: 'ambiguous', candidates: exact.sort(), key };
    if (exact.length === 1) return { status: 'matched', iri: exact[0], method: 'exact-name', matchedName: name, evidence: [] };

    const normalised = [...(this.byKey.get(key) ?? [])].filter(consistent);
    if (normalised.length > 1) return { status: 'ambiguous', candidates: normalised.sort(), key };
    if (normalised.length === 1) {
      const matchedName = this.closestName(normalised[0], name);
      return { status: 'matched', iri: normalised[0], method: 'normalised-name', matchedName, evidence: nameVariantsEvidence(name, matchedName) ?? [] };
    }
    return { status: 'unmatched', key };
  }

  /** The candidate's name nearest the given one: itself, else the one with its key needing the fewest rules, else its first. */
  private closestName(iri: string, name: string): string {
    const names = [...this.known.get(iri)!.names];
    if (names.includes(name)) return name;
    const variants = names.map((n) => ({ n, evidence: nameVariantsEvidence(name, n) })).filter((v) => v.evidence !== undefined);
    variants.sort((a, b) => a.evidence!.length - b.evidence!.length);
    return variants[0]?.n ?? names[0] ?? name;
  }
}

function identifierKey(scheme: string, value: string): string {
  return `${scheme}\u0000${value}`;
}

function addTo(index: Map<string, Set<string>>, key: string, iri: string): void {
  const set = index.get(key) ?? new Set<string>();
  set.add(iri);
  index.set(key, set);
}
