/**
 * A worker thread that validates records against the FMAR shapes, so that SHACL runs on every core. Receives
 * the shapes and the engine once, then N-Quads per record; answers the report.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Parser } from 'n3';
import { openShapesValidator } from './openShapesValidator.js';
import type { ShaclEngineName } from './shaclEngineName.js';

const { shapes, fieldNames, engine } = workerData as { shapes: string; fieldNames: [string, string][]; engine: ShaclEngineName };
// The main thread has already chosen the engine (and warned if the shapes could not be compiled).
const { validator } = openShapesValidator(engine, new Parser({ baseIRI: 'https://w3id.org/fmar/shapes' }).parse(shapes), new Map(fieldNames));
const port = parentPort!;

port.on('message', async (message: { id: number; nquads: string }) => {
  try {
    const quads = new Parser({ format: 'N-Quads' }).parse(message.nquads);
    const report = validator.validateSync?.(quads) ?? (await validator.validate(quads));
    port.postMessage({ id: message.id, report });
  } catch (error) {
    port.postMessage({ id: message.id, error: (error as Error).message });
  }
});
