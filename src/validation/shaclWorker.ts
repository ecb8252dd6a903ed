/**
 * A worker thread that validates records against the FMAR shapes, so that SHACL (the largest cost of a write)
 * runs on every core. Receives the shapes once, then N-Quads per record; answers the report.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Parser } from 'n3';
import { ShaclValidator } from './ShaclValidator.js';

const { shapes, fieldNames } = workerData as { shapes: string; fieldNames: [string, string][] };
const validator = new ShaclValidator(new Parser({ baseIRI: 'https://w3id.org/fmar/shapes' }).parse(shapes), { fieldNames: new Map(fieldNames) });
const port = parentPort!;

port.on('message', async (message: { id: number; nquads: string }) => {
  try {
    const report = await validator.validate(new Parser({ format: 'N-Quads' }).parse(message.nquads));
    port.postMessage({ id: message.id, report });
  } catch (error) {
    port.postMessage({ id: message.id, error: (error as Error).message });
  }
});
