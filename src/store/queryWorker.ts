/**
 * A worker thread holding a read replica of the store for SPARQL. Oxigraph's query() is synchronous and
 * cannot be cancelled, so queries run here: when one runs past its deadline the main thread terminates
 * this worker and starts a fresh one, and the server keeps answering meanwhile.
 */
import { parentPort } from 'node:worker_threads';
import oxigraph from 'oxigraph';
import { applyOxigraphPatch, type OxigraphPatch } from './oxigraphText.js';

export type WorkerRequest =
  | { type: 'load'; nquads: string }
  | { type: 'patch'; patch: OxigraphPatch }
  | { type: 'query'; id: number; sparql: string; resultsFormat: string; defaultGraphs?: string[]; namedGraphs?: string[] };

export type WorkerResponse = { type: 'result'; id: number; result: string } | { type: 'error'; id: number; message: string };

const store = new oxigraph.Store();
const port = parentPort!;

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'load') {
    if (message.nquads) store.load(message.nquads, { format: 'application/n-quads', lenient: true });
    return;
  }
  if (message.type === 'patch') {
    applyOxigraphPatch(store, message.patch);
    return;
  }
  try {
    const named = (iris?: string[]) => iris?.map((i) => oxigraph.namedNode(i));
    const result = store.query(message.sparql, {
      results_format: message.resultsFormat,
      ...(message.defaultGraphs ? { default_graph: named(message.defaultGraphs) } : { use_default_graph_as_union: true }),
      ...(message.namedGraphs ? { named_graphs: named(message.namedGraphs) } : {}),
    });
    port.postMessage({ type: 'result', id: message.id, result: String(result) } satisfies WorkerResponse);
  } catch (error) {
    port.postMessage({ type: 'error', id: message.id, message: (error as Error).message } satisfies WorkerResponse);
  }
});
