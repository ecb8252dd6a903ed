import { FMAR } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';
import { OrganisationMatcher } from './OrganisationMatcher.js';

/**
 * The organisations registered in FMAR (UC-01.02), current versions only, as candidates for linking the parties
 * that imported files name: their legal and trading names, and their Companies House number.
 */
export async function registeredOrganisations(store: Pick<RegistryStore, 'query'>, baseIri: string): Promise<OrganisationMatcher> {
  const rows = await selectBindings(store, `SELECT ?org ?name ?number WHERE {
    GRAPH ?org { ?org a <${FMAR}Organisation> . { ?org <${FMAR}organisationLegalName> ?name } UNION { ?org <${FMAR}organisationTradingName> ?name } OPTIONAL { ?org <${FMAR}organisationRegistrationNumber> ?number } }
    FILTER (STRSTARTS(STR(?org), ${JSON.stringify(`${baseIri}organisations/`)}))
  }`);
  const byOrg = new Map<string, { names: Set<string>; number?: string }>();
  for (const row of rows) {
    const entry = byOrg.get(row.org.value) ?? { names: new Set<string>() };
    entry.names.add(row.name.value);
    if (row.number) entry.number = row.number.value;
    byOrg.set(row.org.value, entry);
  }
  const matcher = new OrganisationMatcher();
  for (const [iri, { names, number }] of byOrg) matcher.add({ iri, names: [...names], ...(number ? { identifiers: { companiesHouse: number } } : {}) });
  return matcher;
}
