/**
 * A child process for crash tests: opens the store in argv[2] and commits records 1..n as fast as it can,
 * several in flight at once, printing "ack N" when record N is acknowledged. The parent kills it.
 */
import { DataFactory } from 'n3';
import { OxigraphRegistryStore } from '../../src/store/OxigraphRegistryStore.js';

const { namedNode, literal, quad } = DataFactory;
const store = await OxigraphRegistryStore.open({ dataDir: process.argv[2], snapshotEvery: Number(process.argv[3] ?? 0) });
let next = store.head().sequence + 1;
const inFlight = 8;
async function writer(): Promise<void> {
  for (;;) {
    const n = next++;
    const graph = namedNode(`https://registry.test/assets/${n}`);
    process.stdout.write(`start ${n}\n`);
    await store.commit({ add: [quad(graph, namedNode('https://w3id.org/fmar/ontology#assetName'), literal(`asset ${n}`), graph)] });
    process.stdout.write(`ack ${n}\n`);
  }
}
await Promise.all(Array.from({ length: inFlight }, writer));
