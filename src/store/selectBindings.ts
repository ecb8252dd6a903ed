import type { QueryOptions, RegistryStore } from './RegistryStore.js';

/** A SPARQL result term as the SPARQL 1.1 JSON results format writes it. */
export interface BindingTerm {
  type: string;
  value: string;
  datatype?: string;
  'xml:lang'?: string;
}

/** Runs a SELECT on any store and returns its solutions (SPARQL 1.1 Query Results JSON, parsed). */
export async function selectBindings(store: Pick<RegistryStore, 'query'>, sparql: string, dataset: Omit<QueryOptions, 'resultsFormat'> = {}): Promise<Record<string, BindingTerm>[]> {
  const json = JSON.parse(await store.query(sparql, { ...dataset, resultsFormat: 'application/sparql-results+json' })) as { results: { bindings: Record<string, BindingTerm>[] } };
  return json.results.bindings;
}
