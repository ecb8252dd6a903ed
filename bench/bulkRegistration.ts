/**
 * Issue #5 benchmark 1 (and issue #7's bulk figure): bulk registration of a synthetic GB portfolio through the
 * registry's bulk path (RecordService.createMany: JSON Schema, JSON-LD, SHACL on the workers, PROV activity per
 * record, journal synced once per batch) next to a raw Oxigraph `load` of exactly the quads the registry
 * wrote, measured by a child process of the same run. N (default 10000) sets the asset count; BATCH the rows per transaction.
 * Prints a table and writes bench/results/bulk-registration.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnvironment } from '../src/config.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../src/domain/RecordKind.js';
import type { BulkRow } from '../src/domain/RecordService.js';
import { projectRoot, sharedDir } from '../src/projectRoot.js';
import { openRegistry } from '../src/registry.js';
import { exampleBody } from '../test/support/testRegistry.js';
import { dumpNQuads, measureRawLoad } from './rawOxigraphLoad.js';
import { generateAssetBodies, readPortfolioSources } from './syntheticPortfolio.js';

const N = Number(process.env.N ?? 10_000);
const BATCH = Number(process.env.BATCH ?? 256);
const root = projectRoot();
const dir = await mkdtemp(join(tmpdir(), 'fmar-bench-bulk-'));
const config = { ...configFromEnvironment({ FMAR_DATA_DIR: dir, FMAR_BASE_IRI: 'http://localhost:8080/', FMAR_ADMIN_TOKEN: 'bench' }), snapshotEvery: 0 };
const registry = await openRegistry(config);
const admin = { agentIri: 'http://localhost:8080/agents/administrator' };
const sources = await readPortfolioSources(sharedDir(), root);
const today = new Date().toISOString().slice(0, 10);

const organisation = await exampleBody('organisation');
const fsps: string[] = [];
for (const [i, f] of sources.fspWeights.entries()) {
  fsps.push((await registry.records.create(ORGANISATION_KIND, { ...organisation, organisationLegalName: f.name, organisationRegistrationNumber: String(10_000_000 + i) }, admin)).iri);
}
const byFsp = new Map<number, BulkRow[]>();
let row = 0;
for (const { fsp, body } of generateAssetBodies(sources, N, today)) (byFsp.get(fsp) ?? byFsp.set(fsp, []).get(fsp)!).push({ row: ++row, body });

// Warm-up (JIT, worker pools) on a separate small portfolio, not counted.
for await (const o of registry.records.createMany(ASSET_KIND, [...generateAssetBodies(sources, 300, today, 7)].map((b, i) => ({ row: i, body: b.body })), { ...admin, onBehalfOf: fsps[0] })) void o;

const headBefore = registry.store.head().sequence;
const rejected = new Map<string, number>();
let created = 0;
let warnings = 0;
const started = performance.now();
for (const [fsp, rows] of byFsp) {
  for await (const outcome of registry.records.createMany(ASSET_KIND, rows, { ...admin, onBehalfOf: fsps[fsp] }, { batchSize: BATCH })) {
    if (outcome.status === 'created') {
      created++;
      if (outcome.warnings.length) warnings++;
    } else {
      const reason = outcome.error.results[0]?.message ?? outcome.error.message;
      rejected.set(reason, (rejected.get(reason) ?? 0) + 1);
    }
  }
}
const bulkSeconds = (performance.now() - started) / 1000;
const transactions = registry.store.head().sequence - headBefore;

// Baseline: the very quads the registry now holds, written out and loaded into a fresh raw Oxigraph store by a
// child process of this run (bench/rawOxigraphLoad.ts: a fresh WebAssembly heap), in loads of about BATCH
// assets each, like the registry's batches. Earlier runs loaded it in this process, after the registry, which
// flattered the ratio 2-3x at 10k and never finished at 100k.
const dump = join(dir, 'store.nq');
const lines = await dumpNQuads(registry.embedded!, dump);
const { seconds: rawSeconds, quads: rawQuads } = await measureRawLoad(dump, lines, Math.ceil(N / BATCH));
const quads = rawQuads;
const assetsInStore = await registry.records.count(ASSET_KIND);

const result = {
  date: new Date().toISOString(),
  node: process.version,
  N,
  batch: BATCH,
  created,
  warnings,
  rejected: Object.fromEntries(rejected),
  transactions,
  quads,
  quadsPerAsset: quads / assetsInStore,
  registryAssetsPerSecond: created / bulkSeconds,
  rawAssetsPerSecond: assetsInStore / rawSeconds,
  rawQuadsPerSecond: quads / rawSeconds,
  ratio: created / bulkSeconds / (assetsInStore / rawSeconds),
};
console.log(`FMAR bulk registration, N=${N} synthetic GB assets (${sources.fspWeights.length} FSPs), batches of ${BATCH}, node ${process.version}`);
console.log(`registry bulk path: ${created} created (${warnings} with warnings, ${N - created} rejected) in ${bulkSeconds.toFixed(1)} s = ${result.registryAssetsPerSecond.toFixed(0)} assets/s, ${transactions} transactions`);
if (rejected.size) console.log('rejections:', Object.fromEntries(rejected));
console.log(`raw Oxigraph load of the same ${quads} quads (${result.quadsPerAsset.toFixed(1)} per asset incl. activity): ${rawSeconds.toFixed(2)} s = ${result.rawAssetsPerSecond.toFixed(0)} assets/s (${result.rawQuadsPerSecond.toFixed(0)} quads/s)`);
console.log(`ratio registry / raw: ${result.ratio.toFixed(3)}`);
await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(join(root, 'bench/results/bulk-registration.json'), `${JSON.stringify(result, null, 2)}\n`);
await registry.close();
await rm(dir, { recursive: true, force: true });
