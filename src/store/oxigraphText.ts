import { Writer, type Quad } from 'n3';
import oxigraph from 'oxigraph';
import type { PatchRecord } from './rdfPatch.js';

/**
 * Text crossings into and out of Oxigraph (never its term objects: measured 50x slower): a patch as one
 * SPARQL Update, graphs as N-Quads. Shared by the store, snapshots, replicas and the audit verifier.
 */
export function patchToUpdate(record: Pick<PatchRecord, 'removed' | 'added'>): string | undefined {
  const parts: string[] = [];
  if (record.removed.length) parts.push(`DELETE DATA { ${graphBlocks(record.removed)} }`);
  if (record.added.length) parts.push(`INSERT DATA { ${graphBlocks(record.added)} }`);
  return parts.length ? parts.join(' ;\n') : undefined;
}

/**
 * Quads as `GRAPH <g> { ... }` blocks for SPARQL Update DATA sections and templates (no '.' between blocks:
 * Virtuoso refuses it, and the grammar allows leaving it out).
 */
export function graphBlocks(quads: Quad[]): string {
  const byGraph = new Map<string, string[]>();
  const writer = new Writer({ format: 'N-Triples' });
  for (const q of quads) {
    const lines = byGraph.get(q.graph.value) ?? [];
    lines.push(writer.quadToString(q.subject, q.predicate, q.object));
    byGraph.set(q.graph.value, lines);
  }
  return [...byGraph].map(([graph, lines]) => `GRAPH <${graph}> { ${lines.join('')} }`).join(' ');
}

export function graphNames(store: oxigraph.Store): string[] {
  return (store.query('SELECT DISTINCT ?g WHERE { GRAPH ?g { } }') as Map<string, { value: string }>[]).map((b) => b.get('g')!.value);
}

/** One graph as N-Quads: Oxigraph dumps a graph as N-Triples; the graph name is appended to each line. */
export function graphNQuads(store: oxigraph.Store, graph: string): string {
  return store.dump({ format: 'application/n-triples', from_graph_name: oxigraph.namedNode(graph) }).replace(/ \.\n/g, ` <${graph}> .\n`);
}
