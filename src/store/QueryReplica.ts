import { Worker } from 'node:worker_threads';
import type { QueryRequest, QueryRunner } from './QueryRunner.js';
import type { WorkerRequest, WorkerResponse } from './queryWorker.js';
import type { OxigraphPatch } from './oxigraphText.js';

/**
 * Runs SPARQL queries in a worker thread on a replica that follows the store's committed patches. A query
 * past its deadline is stopped by terminating the worker; a new replica is seeded from the store before
 * the next query runs. One query runs at a time per replica; others wait their turn.
 */
export class QueryTimeoutError extends Error {
  constructor(readonly timeoutMs: number, message = `the query ran longer than ${timeoutMs} ms and was stopped`) {
    super(message);
    this.name = 'QueryTimeoutError';
  }
}

export class QuerySyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}

export interface ReplicaSource {
  /** The whole store as N-Quads chunks (graph by graph). */
  dumpChunks(): Iterable<string>;
  /** Calls back with each committed patch as a SPARQL Update; returns an unsubscribe function. */
  onPatch(listener: (patch: OxigraphPatch) => void): () => void;
  /** Calls back when the source's state was rebuilt from disk; the replica then reseeds. */
  onReset(listener: () => void): () => void;
}


const WORKER_URL = new URL(`./queryWorker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

export class QueryReplica implements QueryRunner {
  private worker!: Worker;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: () => void;
  private readonly unsubscribeReset: () => void;
  private closed = false;
  private needsReseed = false;

  constructor(private readonly source: ReplicaSource) {
    this.spawn();
    this.unsubscribe = source.onPatch((patch) => this.post({ type: 'patch', patch }));
    // Reseeded before the next query; a query already running finishes on the old replica.
    this.unsubscribeReset = source.onReset(() => {
      this.needsReseed = true;
    });
  }

  /** Starts a worker and loads the current state; patches committed later follow in order. */
  private spawn(): void {
    // From TypeScript sources (tests, tsx), the worker registers tsx itself before importing its module.
    this.worker = WORKER_URL.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`, { eval: true })
      : new Worker(WORKER_URL);
    this.worker.unref();
    // A replica that dies between queries is replaced; one that dies during a query fails that query.
    this.worker.on('error', () => undefined);
    for (const nquads of this.source.dumpChunks()) this.post({ type: 'load', nquads });
  }

  private post(message: WorkerRequest): void {
    this.worker.postMessage(message);
  }

  query(request: QueryRequest, timeoutMs: number): Promise<string> {
    const run = this.queue.catch(() => undefined).then(() => this.runOne(request, timeoutMs));
    this.queue = run;
    return run;
  }

  private runOne(request: QueryRequest, timeoutMs: number): Promise<string> {
    if (this.closed) return Promise.reject(new Error('the query replica is closed'));
    if (this.needsReseed) {
      this.needsReseed = false;
      void this.worker.terminate();
      this.spawn();
    }
    const id = this.nextId++;
    const worker = this.worker;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        // The only way to stop a synchronous Oxigraph query: end its thread, then seed a new replica.
        void worker.terminate();
        if (!this.closed) this.spawn();
        reject(new QueryTimeoutError(timeoutMs));
      }, timeoutMs);
      const onMessage = (message: WorkerResponse) => {
        if (message.id !== id) return;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (message.type === 'result') resolve(message.result);
        else reject(new QuerySyntaxError(message.message));
      };
      const onError = (error: Error) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        if (!this.closed) this.spawn();
        reject(error);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      this.post({ type: 'query', id, ...request });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    this.unsubscribeReset();
    await this.worker.terminate();
  }
}
