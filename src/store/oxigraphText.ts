import { Writer, type Quad } from 'n3';
import oxigraph from 'oxigraph';
import { nquadLine, type PatchRecord } from './rdfPatch.js';

/*
 * Text crossings into and out of Oxigraph (never its term objects: measured 50x slower): a patch as a
 * DELETE DATA and N-Quads to load, graphs as N-Quads. Shared by the store, snapshots, replicas and the audit verifier.
 */

/**
 * A patch as Oxigraph applies it: removals as one SPARQL DELETE DATA, additions as N-Quads for `load`, its
 * streaming parser (no slower than INSERT DATA per record, measured, and it does not hold a whole SPARQL text
 * and its parse for a large addition). Plain strings, so it can be posted to replica workers.
 */
export interface OxigraphPatch {
  deleteUpdate?: string;
  addNQuads?: string;
}

export function patchToOxigraph(record: Pick<PatchRecord, 'removed' | 'added'>, addedLines: string[] = record.added.map(nquadLine)): OxigraphPatch {
  return {
    ...(record.removed.length ? { deleteUpdate: `DELETE DATA { ${graphBlocks(record.removed)} }` } : {}),
    ...(addedLines.length ? { addNQuads: `${addedLines.join('\n')}\n` } : {}),
  };
}

/**
 * Patches of graph-disjoint records as one (the order among them does not matter): the removals as one
 * SPARQL request of several DELETE DATA operations, the additions as one N-Quads text.
 */
export function mergePatches(patches: OxigraphPatch[]): OxigraphPatch {
  if (patches.length === 1) return patches[0];
  const deletes = patches.flatMap((p) => (p.deleteUpdate ? [p.deleteUpdate] : []));
  const adds = patches.flatMap((p) => (p.addNQuads ? [p.addNQuads] : []));
  return { ...(deletes.length ? { deleteUpdate: deletes.join(' ;\n') } : {}), ...(adds.length ? { addNQuads: adds.join('') } : {}) };
}

/** Removals first, then additions: the order of the patch record. */
export function applyOxigraphPatch(store: oxigraph.Store, patch: OxigraphPatch): void {
  if (patch.deleteUpdate) store.update(patch.deleteUpdate);
  if (patch.addNQuads) store.load(patch.addNQuads, { format: 'application/n-quads' });
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
