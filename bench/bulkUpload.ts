/**
 * Issue #7 bulk registration over HTTP: POST /assets/bulk of N (default 10000) synthetic GB assets as NDJSON,
 * each row with a row key (so the idempotency lookups and key writes are counted), one upload per FSP, through a
 * real HTTP server in this process; next to a raw Oxigraph `load` of exactly the quads the registry wrote (records,
 * activities, access index, row keys), loaded by a child process of the same run (bench/rawOxigraphLoad.ts). Then a retry of the same uploads (every row already
 * registered: nothing written) and GET /assets/export?format=csv of everything, for reference.
 * Prints assets/s and the ratio, and writes bench/results/bulk-upload.json. The authenticity checks are off unless
 * CHECKS=true. BATCH is not configurable here: the route's batch (256 rows) is what clients get.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { configFromEnvironment } from '../src/config.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../src/domain/RecordKind.js';
import { createApp } from '../src/http/createApp.js';
import { projectRoot, sharedDir } from '../src/projectRoot.js';
import { openRegistry } from '../src/registry.js';
import { exampleBody } from '../test/support/testRegistry.js';
import { dumpNQuads, measureRawLoad } from './rawOxigraphLoad.js';
import { generateAssetBodies, readPortfolioSources } from './syntheticPortfolio.js';

const N = Number(process.env.N ?? 10_000);
const root = projectRoot();
const dir = await mkdtemp(join(tmpdir(), 'fmar-bench-bulk-upload-'));
const token = 'bench-admin';
// The authenticity checks (UC-02.02 step 3) run after the response, one asset at a time; they are off here, as in
// bench/bulkRegistration.ts, so that the figure is the registration path itself. CHECKS=true includes them.
const checks = process.env.CHECKS === 'true';
const config = { ...configFromEnvironment({ FMAR_DATA_DIR: dir, FMAR_BASE_IRI: 'http://localhost:8080/', FMAR_ADMIN_TOKEN: token, FMAR_RATE_LIMIT: '1000000', FMAR_AUTHENTICITY_CHECKS: String(checks) }), snapshotEvery: 0 };
const registry = await openRegistry(config);
const server = createApp(registry, pino({ level: 'silent' })).listen(0);
await new Promise((r) => server.once('listening', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const admin = { agentIri: `${config.baseIri}agents/administrator` };
const sources = await readPortfolioSources(sharedDir(), root);
const today = new Date().toISOString().slice(0, 10);

const organisation = await exampleBody('organisation');
const fsps: string[] = [];
for (const [i, f] of sources.fspWeights.entries()) {
  fsps.push((await registry.records.create(ORGANISATION_KIND, { ...organisation, organisationLegalName: f.name, organisationRegistrationNumber: String(10_000_000 + i) }, admin)).id);
}

/** One NDJSON upload per FSP, every row with its own key. */
function uploads(count: number, seed: number, keyPrefix: string): Map<number, string> {
  const lines = new Map<number, string[]>();
  let row = 0;
  for (const { fsp, body } of generateAssetBodies(sources, count, today, seed)) (lines.get(fsp) ?? lines.set(fsp, []).get(fsp)!).push(JSON.stringify({ ...body, rowKey: `${keyPrefix}-${++row}` }));
  return new Map([...lines].map(([fsp, l]) => [fsp, `${l.join('\n')}\n`]));
}

interface Report { rows: number; created: number; existing: number; rejected: number; report: { status: string; errors?: { message: string }[] }[] }

async function post(fsp: number, body: string): Promise<Report> {
  const res = await fetch(`${url}/assets/bulk`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'FMAR-On-Behalf-Of': fsps[fsp], 'Content-Type': 'application/x-ndjson' }, body });
  if (res.status !== 200) throw new Error(`POST /assets/bulk answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
  return (await res.json()) as Report;
}

// Warm-up (JIT, worker pools, the route's codecs) on a separate small portfolio, not counted.
for (const [fsp, body] of uploads(300, 7, 'warm-up')) await post(fsp, body);

const bodies = uploads(N, 42, 'row');
const megabytes = [...bodies.values()].reduce((s, b) => s + Buffer.byteLength(b), 0) / 1e6;
const headBefore = registry.store.head().sequence;
const rejected = new Map<string, number>();
let created = 0;
const started = performance.now();
for (const [fsp, body] of bodies) {
  const report = await post(fsp, body);
  created += report.created;
  for (const r of report.report) {
    if (r.status !== 'rejected') continue;
    const reason = r.errors?.[0]?.message ?? 'unknown';
    rejected.set(reason, (rejected.get(reason) ?? 0) + 1);
  }
}
const uploadSeconds = (performance.now() - started) / 1000;
await registry.assetVerification.idle();
const checkedSeconds = (performance.now() - started) / 1000;
const transactions = registry.store.head().sequence - headBefore;

// The same uploads again: every keyed row is found and reported as existing; nothing is written.
const retryStarted = performance.now();
let existing = 0;
for (const [fsp, body] of bodies) existing += (await post(fsp, body)).existing;
const retrySeconds = (performance.now() - retryStarted) / 1000;

// The whole registry exported as CSV (administrator: every asset), read as the client receives it.
const exportStarted = performance.now();
const exported = await fetch(`${url}/assets/export?format=csv`, { headers: { Authorization: `Bearer ${token}` } });
let exportBytes = 0;
for await (const chunk of exported.body as unknown as AsyncIterable<Uint8Array>) exportBytes += chunk.length;
const exportSeconds = (performance.now() - exportStarted) / 1000;
const assetsInStore = await registry.records.count(ASSET_KIND);

// Baseline: the very quads the registry now holds, written out and loaded into a fresh raw Oxigraph store by a
// child process of this run (bench/rawOxigraphLoad.ts), in loads of about 256 assets each, like the route's batches.
const dump = join(dir, 'store.nq');
const lines = await dumpNQuads(registry.embedded!, dump);
const { seconds: rawSeconds, quads: rawQuads } = await measureRawLoad(dump, lines, Math.ceil(N / 256));

const result = {
  date: new Date().toISOString(),
  node: process.version,
  N,
  authenticityChecks: checks,
  uploads: bodies.size,
  uploadMegabytes: Number(megabytes.toFixed(1)),
  created,
  rejected: Object.fromEntries(rejected),
  transactions,
  quads: rawQuads,
  quadsPerAsset: rawQuads / assetsInStore,
  uploadAssetsPerSecond: created / uploadSeconds,
  rawAssetsPerSecond: assetsInStore / rawSeconds,
  ratio: created / uploadSeconds / (assetsInStore / rawSeconds),
  ...(checks ? { checkedAssetsPerSecond: created / checkedSeconds } : {}),
  retryRowsPerSecond: existing / retrySeconds,
  retryExisting: existing,
  exportAssets: assetsInStore,
  exportMegabytes: Number((exportBytes / 1e6).toFixed(1)),
  exportAssetsPerSecond: assetsInStore / exportSeconds,
};
console.log(`FMAR POST /assets/bulk, N=${N} synthetic GB assets as NDJSON with row keys (${bodies.size} uploads, ${result.uploadMegabytes} MB), node ${process.version}`);
console.log(`HTTP bulk upload: ${created} created (${N - created} rejected) in ${uploadSeconds.toFixed(1)} s = ${result.uploadAssetsPerSecond.toFixed(0)} assets/s, ${transactions} transactions`);
if (rejected.size) console.log('rejections:', Object.fromEntries(rejected));
console.log(`raw Oxigraph load of the same ${rawQuads} quads (${result.quadsPerAsset.toFixed(1)} per asset incl. activity, access index, row key): ${rawSeconds.toFixed(2)} s = ${result.rawAssetsPerSecond.toFixed(0)} assets/s`);
console.log(`ratio HTTP bulk / raw: ${result.ratio.toFixed(3)}`);
if (checks) console.log(`authenticity checks done ${checkedSeconds.toFixed(1)} s after the first upload began = ${(created / checkedSeconds).toFixed(0)} assets/s registered and checked`);
console.log(`retry of the same uploads: ${existing} rows reported existing in ${retrySeconds.toFixed(1)} s = ${result.retryRowsPerSecond.toFixed(0)} rows/s`);
console.log(`GET /assets/export?format=csv: ${assetsInStore} assets, ${result.exportMegabytes} MB in ${exportSeconds.toFixed(1)} s = ${result.exportAssetsPerSecond.toFixed(0)} assets/s`);
await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(join(root, 'bench/results/bulk-upload.json'), `${JSON.stringify(result, null, 2)}\n`);
server.close();
await registry.close();
await rm(dir, { recursive: true, force: true });
