import { Writer, type Quad } from 'n3';
import { PreconditionFailedError, type StoreTransaction } from './RegistryStore.js';

/**
 * A transaction as the exact change it makes to the current state: removals that exist, additions that do
 * not. Both backends journal and apply this, so replay and audit see only real changes.
 */
/** N-Quads has no prefixes: one writer serves every key. */
const keyWriter = new Writer({ format: 'N-Quads' });

/** A quad's identity: its N-Quads line, with its line end (what `Writer.quadToString` gives). */
export function quadKey(q: Quad): string {
  return keyWriter.quadToString(q.subject, q.predicate, q.object, q.graph);
}

/** The graphs a transaction touches: the ones it replaces, the ones its quads belong to, the ones it requires. */
export function touchedGraphs(transaction: StoreTransaction): Set<string> {
  return new Set<string>([...(transaction.replaceGraphs ?? []), ...transaction.add.map((q) => q.graph.value), ...(transaction.remove ?? []).map((q) => q.graph.value), ...(transaction.requires ?? []).map((q) => q.graph.value)]);
}

export async function exactPatch(transaction: StoreTransaction, readGraph: (graph: string) => Quad[] | Promise<Quad[]>): Promise<{ removed: Quad[]; added: Quad[] }> {
  const current = new Map<string, Map<string, Quad>>();
  for (const graph of touchedGraphs(transaction)) current.set(graph, new Map((await readGraph(graph)).map((q) => [quadKey(q), q])));
  return patchAgainst(transaction, current);
}

/**
 * The synchronous core, for a backend that can read its state without waiting. `addedLines`: the added quads
 * as N-Quads lines (their keys without the line end), so that they are serialised once.
 */
export function patchAgainst(transaction: StoreTransaction, current: Map<string, Map<string, Quad>>): { removed: Quad[]; added: Quad[]; addedLines: string[] } {
  for (const q of transaction.requires ?? []) if (!current.get(q.graph.value)!.has(quadKey(q))) throw new PreconditionFailedError(q);
  const removed = new Map<string, Quad>();
  for (const graph of transaction.replaceGraphs ?? []) for (const [key, q] of current.get(graph)!) removed.set(key, q);
  for (const q of transaction.remove ?? []) if (current.get(q.graph.value)!.has(quadKey(q))) removed.set(quadKey(q), q);
  const added = new Map<string, Quad>();
  for (const q of transaction.add) {
    if (q.graph.termType !== 'NamedNode') throw new Error('every quad of a transaction belongs to a named graph');
    if (q.subject.termType === 'BlankNode' || q.object.termType === 'BlankNode') throw new Error('blank nodes must be skolemised before they reach the store');
    const key = quadKey(q);
    if (removed.has(key)) removed.delete(key);
    else if (!current.get(q.graph.value)!.has(key)) added.set(key, q);
  }
  return { removed: [...removed.values()], added: [...added.values()], addedLines: [...added.keys()].map((key) => key.slice(0, -1)) };
}
