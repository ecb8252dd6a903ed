import { DataFactory, Parser, Writer, type Quad, type Term } from 'n3';
import oxigraph from 'oxigraph';
import sparqljs from 'sparqljs';
import { InvalidRecordError, StateConflictError } from './errors.js';

const { quad, defaultGraph } = DataFactory;
const SOLID = 'http://www.w3.org/ns/solid/terms#';

/**
 * UC-02.04 for RDF clients: a change to one record as SPARQL Update (INSERT DATA, DELETE DATA, DELETE/INSERT WHERE)
 * or as an N3 Patch (the Solid Protocol's text/n3 patch: solid:where, solid:deletes, solid:inserts). Either is
 * applied to the record's triples in a scratch store and gives the record's next triples, which then go through
 * the same use case as PUT (schemas, shapes, versioning, If-Match). Written here because no RDF/JS library
 * applies N3 Patches; the SPARQL side is Oxigraph's own engine.
 */
export function applySparqlUpdate(triples: Quad[], update: string): Quad[] {
  let parsed: sparqljs.Update;
  try {
    const result = new sparqljs.Parser().parse(update);
    if (result.type !== 'update') throw new Error('not an update');
    parsed = result;
  } catch (error) {
    throw refused(`the SPARQL Update does not parse: ${(error as Error).message}`);
  }
  for (const op of parsed.updates) {
    const kind = 'updateType' in op ? op.updateType : op.type;
    // One record's triples: no graphs, no loading, no clearing.
    if (!['insert', 'delete', 'insertdelete', 'deletewhere'].includes(kind)) throw refused(`${kind.toUpperCase()} is not a change to a record: use INSERT DATA, DELETE DATA or DELETE/INSERT ... WHERE`);
    if (JSON.stringify(op).includes('"type":"graph"') || ('using' in op && op.using)) throw refused('a record patch works on the record\'s own triples: leave GRAPH and USING out');
  }
  const store = scratch(triples);
  try {
    store.update(update);
  } catch (error) {
    throw refused(`the SPARQL Update failed: ${(error as Error).message}`);
  }
  return readBack(store);
}

/** Solid Protocol §5.3.1 N3 Patch: exactly one solid:InsertDeletePatch; its where clause must match exactly once; deletes must exist. */
export function applyN3Patch(triples: Quad[], text: string, baseIri: string): Quad[] {
  let quads: Quad[];
  try {
    quads = new Parser({ format: 'text/n3', baseIRI: baseIri }).parse(text);
  } catch (error) {
    throw refused(`the N3 Patch does not parse: ${(error as Error).message}`);
  }
  const patches = quads.filter((q) => q.predicate.value === `${SOLID}inserts` || q.predicate.value === `${SOLID}deletes` || q.predicate.value === `${SOLID}where`).map((q) => q.subject.value);
  if (new Set(patches).size !== 1) throw refused('an N3 Patch holds exactly one patch resource with solid:inserts, solid:deletes and/or solid:where');
  const formula = (p: string) => {
    const f = quads.find((q) => q.predicate.value === `${SOLID}${p}`)?.object;
    return f ? quads.filter((q) => q.graph.equals(f)) : [];
  };
  const where = formula('where');
  const deletes = formula('deletes');
  const inserts = formula('inserts');
  const store = scratch(triples);
  let binding: Map<string, Term> = new Map();
  if (where.length) {
    const bindings = JSON.parse(String(store.query(`SELECT * WHERE { ${where.map(sparqlTriple).join(' ')} } LIMIT 2`, { results_format: 'application/sparql-results+json' }))) as { results: { bindings: Record<string, { type: string; value: string; datatype?: string; 'xml:lang'?: string }>[] } };
    if (bindings.results.bindings.length !== 1) throw new StateConflictError(`the patch's solid:where matched ${bindings.results.bindings.length === 0 ? 'nothing' : 'more than once'}; it must match exactly once (Solid Protocol §5.3.1)`);
    binding = new Map(Object.entries(bindings.results.bindings[0]).map(([k, v]) => [k, v.type === 'uri' ? DataFactory.namedNode(v.value) : DataFactory.literal(v.value, v['xml:lang'] ?? (v.datatype ? DataFactory.namedNode(v.datatype) : undefined))]));
  }
  const bind = (t: Term): Term => (t.termType === 'Variable' ? (binding.get(t.value) ?? t) : t);
  const ground = (qs: Quad[]) => qs.map((q) => {
    const g = quad(bind(q.subject) as Quad['subject'], bind(q.predicate) as Quad['predicate'], bind(q.object) as Quad['object'], defaultGraph());
    if ([g.subject, g.predicate, g.object].some((t) => t.termType === 'Variable' || t.termType === 'BlankNode')) throw refused('inserts and deletes may use only variables bound by solid:where, and no blank nodes');
    return g;
  });
  const toDelete = ground(deletes);
  const toInsert = ground(inserts);
  const writer = new Writer({ format: 'N-Triples' });
  for (const d of toDelete) {
    if (!store.query(`ASK { ${writer.quadToString(d.subject, d.predicate, d.object).trim()} }`)) throw new StateConflictError('a triple the patch deletes is not in the record (Solid Protocol §5.3.1: the patch fails whole)');
  }
  const text2 = (qs: Quad[]) => qs.map((q) => writer.quadToString(q.subject, q.predicate, q.object)).join('');
  if (toDelete.length) store.update(`DELETE DATA { ${text2(toDelete)} }`);
  if (toInsert.length) store.update(`INSERT DATA { ${text2(toInsert)} }`);
  return readBack(store);
}

function scratch(triples: Quad[]): oxigraph.Store {
  const store = new oxigraph.Store();
  const writer = new Writer({ format: 'N-Triples' });
  store.load(triples.map((q) => writer.quadToString(q.subject, q.predicate, q.object)).join(''), { format: 'application/n-triples' });
  return store;
}

function readBack(store: oxigraph.Store): Quad[] {
  return new Parser({ format: 'N-Triples' }).parse(String(store.dump({ format: 'application/n-triples', from_graph_name: oxigraph.defaultGraph() })));
}

function sparqlTriple(q: Quad): string {
  const term = (t: Term) => (t.termType === 'Variable' ? `?${t.value}` : new Writer({ format: 'N-Triples' }).quadToString(t as Quad['subject'], DataFactory.namedNode('urn:x'), DataFactory.namedNode('urn:x')).split(' ')[0]);
  const object = q.object.termType === 'Variable' ? `?${q.object.value}` : new Writer({ format: 'N-Triples' }).quadToString(DataFactory.namedNode('urn:s'), DataFactory.namedNode('urn:p'), q.object).trim().replace(/^<urn:s> <urn:p> /, '').replace(/ \.$/, '');
  return `${term(q.subject)} ${term(q.predicate)} ${object} .`;
}

function refused(message: string): InvalidRecordError {
  return new InvalidRecordError('body', message, [{ severity: 'Violation', message }]);
}
