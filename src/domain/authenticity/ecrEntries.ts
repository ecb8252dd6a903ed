import type { Quad } from 'n3';
import { DCTERMS, FMAR, PROV, RDF } from '../../rdf/namespaces.js';
import type { RegistryStore } from '../../store/RegistryStore.js';
import { selectBindings } from '../../store/selectBindings.js';

/**
 * The entries of DNO Embedded Capacity Registers the registry holds, as the authenticity checks read them (UC-02.02
 * step 4: "DNO connection data" as a trusted source; requirements §4: ECR IDs are aliases of an FMAR asset).
 *
 * There is one ECR in the registry: the entries `fmar import ecr` writes (src/import/sources/ecrImporter.ts, issue
 * #9), one named graph per entry, `{base}reference/ecr/{operator}/{12 hex digits}`, public like all reference data,
 * with the row of the published file each was read from (`prov:wasDerivedFrom {file}#row-N`, its row and line). An
 * entry answers to `{OPERATOR}-ECR-{the same 12 hex digits}`, a reference that stays the same across editions of the
 * register (the key is the site, not the line: docs/import/ecr.md), and to the register's own Reference where the row
 * gives one. An asset's ecrReference names an entry by either.
 */
export interface EcrTechnologyEntry {
  iri: string;
  /** Which of the register's column groups (1 to 3) it was read from. */
  slot: number;
  energySource?: string;
  conversionTechnology?: string;
  /** kW, exact decimal text (the register publishes MW). */
  capacityKw?: string;
  /** AssetCategory notation, e.g. BESS. */
  assetCategory?: string;
}

export interface EcrEntry {
  iri: string;
  references: string[];
  connectionStatus?: string;
  /** kW, exact decimal text. */
  registeredCapacityKw?: string;
  /** As published, e.g. Eastern Power Networks (EPN). */
  licenceArea?: string;
  /** DNOCode notation, e.g. UKPN_EPN. */
  dnoArea?: string;
  siteName?: string;
  technologies: EcrTechnologyEntry[];
  /** The row of the published file the entry was last read from, where the store records it. */
  source?: { file: string; row: number; line: number };
}

/** Where every ECR entry's graph lives. */
export function ecrGraphsPrefix(baseIri: string): string {
  return `${baseIri}reference/ecr/`;
}

/** The IRI (and graph) of the entry with the given key hash in an operator's register. */
export function ecrEntryIri(baseIri: string, operator: string, keyHash: string): string {
  return `${ecrGraphsPrefix(baseIri)}${operator.toLowerCase()}/${keyHash}`;
}

/** The reference an entry answers to in every edition: `{OPERATOR}-ECR-{key hash}`. */
export function ecrEntryReference(operator: string, keyHash: string): string {
  return `${operator.toUpperCase()}-ECR-${keyHash}`;
}

/** Whether a reference is the key reference an entry answers to in every edition (not the register's own Reference). */
export function isEcrKeyReference(reference: string): boolean {
  return /^[A-Z]+-ECR-[0-9a-f]{12}$/.test(reference);
}

/** The operator a reference of the form `{OPERATOR}-ECR-…` names, upper case; undefined for a register's own Reference. */
export function operatorOfEcrReference(reference: string): string | undefined {
  return /^([A-Za-z]+)-ECR-/.exec(reference.trim())?.[1]?.toUpperCase();
}

/** An entry from the quads of its graph (as the importer writes them, or as the store returns them). */
export function ecrEntryFromQuads(iri: string, quads: readonly Quad[]): EcrEntry {
  const about = (subject: string) => quads.filter((q) => q.subject.value === subject);
  const one = (subject: string, property: string) => about(subject).find((q) => q.predicate.value === `${FMAR}${property}`)?.object.value;
  const code = (value?: string) => (value === undefined ? undefined : value.slice(value.lastIndexOf('/') + 1));
  const own = about(iri);
  const technologies = own
    .filter((q) => q.predicate.value === `${FMAR}ecrTechnology`)
    .map((q): EcrTechnologyEntry => {
      const t = q.object.value;
      return {
        iri: t,
        slot: Number(one(t, 'ecrTechnologySlot')),
        energySource: one(t, 'ecrEnergySource'),
        conversionTechnology: one(t, 'ecrConversionTechnology'),
        capacityKw: one(t, 'ecrTechnologyCapacity'),
        assetCategory: code(one(t, 'ecrAssetCategory')),
      };
    })
    .sort((a, b) => a.slot - b.slot);
  const derivation = own.find((q) => q.predicate.value === `${PROV}wasDerivedFrom`)?.object.value;
  const rowOf = derivation ? about(derivation) : [];
  const number = (property: string) => rowOf.find((q) => q.predicate.value === `${FMAR}${property}`)?.object.value;
  const file = rowOf.find((q) => q.predicate.value === `${DCTERMS}isPartOf`)?.object.value;
  return {
    iri,
    references: own.filter((q) => q.predicate.value === `${FMAR}ecrEntryReference`).map((q) => q.object.value).sort(),
    connectionStatus: one(iri, 'ecrConnectionStatus'),
    registeredCapacityKw: one(iri, 'ecrRegisteredCapacity'),
    licenceArea: one(iri, 'ecrLicenceArea'),
    dnoArea: code(one(iri, 'ecrDnoArea')),
    siteName: one(iri, 'ecrSiteName'),
    technologies,
    ...(file && number('sourceRow') && number('sourceLine') ? { source: { file, row: Number(number('sourceRow')), line: Number(number('sourceLine')) } } : {}),
  };
}

/**
 * The entry an ecrReference names, read from the store: the first in IRI order when two registers' own References
 * coincide (an `{OPERATOR}-ECR-…` reference names one entry only).
 */
export async function readEcrEntry(store: Pick<RegistryStore, 'query' | 'readGraph'>, baseIri: string, reference: string): Promise<EcrEntry | undefined> {
  const rows = await selectBindings(store, `SELECT ?entry WHERE {
    GRAPH ?entry { ?entry <${FMAR}ecrEntryReference> ${JSON.stringify(reference.trim())} ; <${RDF}type> <${FMAR}EcrEntry> }
    FILTER(STRSTARTS(STR(?entry), ${JSON.stringify(ecrGraphsPrefix(baseIri))}))
  } ORDER BY ?entry LIMIT 1`);
  if (!rows.length) return undefined;
  const iri = rows[0].entry.value;
  return ecrEntryFromQuads(iri, await store.readGraph(iri));
}

/** Whether the store holds any entry of the operator's register (so that a reference naming none is a query, not "not checked"). */
export async function holdsEcrOf(store: Pick<RegistryStore, 'query'>, baseIri: string, operator: string): Promise<boolean> {
  const rows = await selectBindings(store, `SELECT ?entry WHERE {
    GRAPH ?entry { ?entry <${RDF}type> <${FMAR}EcrEntry> }
    FILTER(STRSTARTS(STR(?entry), ${JSON.stringify(`${ecrGraphsPrefix(baseIri)}${operator.toLowerCase()}/`)}))
  } LIMIT 1`);
  return rows.length > 0;
}
