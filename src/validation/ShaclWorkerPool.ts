import { Worker } from 'node:worker_threads';
import { Writer, type Quad } from 'n3';
import type { ShaclEngineName } from './shaclEngineName.js';
import type { ValidationReport } from './ValidationReport.js';

/** What the record service needs from a validator: an in-process one (compiled or shacl-engine) or this pool. */
export interface RecordValidator {
  validate(quads: Quad[]): Promise<ValidationReport>;
  close?(): Promise<void>;
}

const WORKER_URL = new URL(`./shaclWorker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * SHACL validation on worker threads (one per core by default), each with the shapes compiled once by the
 * chosen engine (FMAR_SHACL_ENGINE). Records go out as N-Quads and come back as reports; each request goes
 * to the worker with the fewest in flight.
 */
export class ShaclWorkerPool implements RecordValidator {
  private readonly workers: { worker: Worker; inFlight: number }[] = [];
  private readonly pending = new Map<number, { resolve: (r: ValidationReport) => void; reject: (e: Error) => void; slot: { inFlight: number } }>();
  private nextId = 1;

  constructor(shapesTurtle: string, fieldNames: Map<string, string>, size: number, engine: ShaclEngineName = 'compiled') {
    for (let i = 0; i < size; i++) {
      const workerData = { shapes: shapesTurtle, fieldNames: [...fieldNames], engine };
      const worker = WORKER_URL.pathname.endsWith('.ts')
        ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`, { eval: true, workerData })
        : new Worker(WORKER_URL, { workerData });
      worker.unref();
      const slot = { worker, inFlight: 0 };
      worker.on('message', (message: { id: number; report?: ValidationReport; error?: string }) => {
        const waiting = this.pending.get(message.id);
        if (!waiting) return;
        this.pending.delete(message.id);
        waiting.slot.inFlight--;
        if (message.report) waiting.resolve(message.report);
        else waiting.reject(new Error(`SHACL validation failed: ${message.error}`));
      });
      worker.on('error', (error) => {
        for (const [id, waiting] of this.pending) {
          if (waiting.slot === slot) {
            this.pending.delete(id);
            waiting.reject(error);
          }
        }
      });
      this.workers.push(slot);
    }
  }

  validate(quads: Quad[]): Promise<ValidationReport> {
    const writer = new Writer({ format: 'N-Quads' });
    const nquads = quads.map((q) => writer.quadToString(q.subject, q.predicate, q.object, q.graph)).join('');
    const slot = this.workers.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    const id = this.nextId++;
    slot.inFlight++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, nquads });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
