/**
 * Issue #5: the registry on its remote backend (FMAR_STORE=sparql) over a Virtuoso holding N synthetic GB
 * assets (default 100000; `make bench-virtuoso N=1000000` for the 1M run). Measured in one run:
 *  - pre-load: the synthetic portfolio (with market units, bench/syntheticPortfolio.ts) loaded by Virtuoso's
 *    bulk loader, as the baseline rate of the server itself;
 *  - bulk import through the registry (RecordService.createMany on the remote store: JSON Schema, JSON-LD,
 *    SHACL, activity per record, the journal record and head claim in the same update) of BULK (default 5000)
 *    more assets on top of the N: assets/s;
 *  - GET /assets/{id} as JSON-LD with 16 clients over HTTP: req/s, p50, p99;
 *  - the five registry queries through the registry's /sparql (passed to Virtuoso) and straight to Virtuoso.
 * Prints a table and writes bench/results/virtuoso-backend.json.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { configFromEnvironment } from '../src/config.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../src/domain/RecordKind.js';
import { createApp } from '../src/http/createApp.js';
import { projectRoot, sharedDir } from '../src/projectRoot.js';
import { openRegistry } from '../src/registry.js';
import { SparqlHttpClient } from '../src/store/SparqlHttpClient.js';
import { exampleBody } from '../test/support/testRegistry.js';
import { startBenchVirtuoso } from './benchVirtuoso.js';
import { medianMs, timed } from './measure.js';
import { registryQueries } from './registryQueries.js';
import { generateAssetBodies, generatePortfolio, readPortfolioSources, type GeneratedAsset } from './syntheticPortfolio.js';

const N = Number(process.env.N ?? 100_000);
const BULK = Number(process.env.BULK ?? 5000);
const GETS = 2000;
const RUNS = 5;
const root = projectRoot();
const base = 'http://bench.fmar.test/';
const sources = await readPortfolioSources(sharedDir(), root);
// VIRTUOSO_DIR keeps the server's folder: a later run at the same N reuses the loaded portfolio (a 1M
// pre-load takes minutes) and only generates it again to know its assets.
const virtuosoDir = process.env.VIRTUOSO_DIR ?? (await mkdtemp(join(tmpdir(), 'fmar-bench-vbackend-')));
await mkdir(virtuosoDir, { recursive: true });
const marker = join(virtuosoDir, `fmar-preloaded-${N}.json`);
const previous = await readFile(marker, 'utf8').then((t) => JSON.parse(t) as { ms: number }, () => undefined);
const virtuoso = startBenchVirtuoso(virtuosoDir, 8896, 1116, Number(process.env.VIRTUOSO_BUFFERS ?? 680_000));

// Pre-load: files of 20,000 assets, written as generated (the sample of assets kept for GETs and queries).
const sample: GeneratedAsset[] = [];
let quads = 0;
function* files(): Generator<string> {
  let text = '';
  let n = 0;
  for (const item of generatePortfolio(sources, base, N, 42, { marketUnits: true })) {
    text += item.nquads;
    if ('id' in item) {
      if (n % Math.max(1, Math.floor(N / 5000)) === 0) sample.push({ ...item, nquads: '' });
      if (++n % 20_000 === 0) {
        quads += text.split('\n').length - 1;
        yield text;
        text = '';
      }
    }
  }
  quads += text.split('\n').length - 1;
  if (text) yield text;
}
let preloadMs: number;
if (previous) {
  for (const text of files()) void text;
  preloadMs = previous.ms;
} else {
  preloadMs = await virtuoso.bulkLoad(files());
  await writeFile(marker, JSON.stringify({ ms: preloadMs }));
}
console.log(`${previous ? 'reused' : 'pre-loaded'} ${N} assets (${quads} quads) in ${(preloadMs / 1000).toFixed(1)} s`);

const config = { ...configFromEnvironment({ FMAR_STORE: 'sparql', FMAR_SPARQL_QUERY_URL: virtuoso.url, FMAR_GSP_URL: virtuoso.gspUrl, FMAR_GSP_GRAPH_PARAM: 'graph-uri', FMAR_BASE_IRI: base, FMAR_ADMIN_TOKEN: 'bench', FMAR_RATE_LIMIT: '100000000' }), queryTimeoutMs: 300_000, queryRowLimit: 5_000_000 };
const registry = await openRegistry(config);
const admin = { agentIri: `${base}agents/administrator` };
const fsp = await registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
const today = new Date().toISOString().slice(0, 10);
const bulkRows = [...generateAssetBodies(sources, BULK, today, 99)].map((b, i) => ({ row: i + 1, body: b.body }));
let created = 0;
const bulkStarted = performance.now();
for await (const outcome of registry.records.createMany(ASSET_KIND, bulkRows, { ...admin, onBehalfOf: fsp.iri }, { batchSize: 500 })) if (outcome.status === 'created') created++;
const bulkSeconds = (performance.now() - bulkStarted) / 1000;
console.log(`registry bulk import on the remote store: ${created} of ${BULK} in ${bulkSeconds.toFixed(1)} s = ${(created / bulkSeconds).toFixed(0)} assets/s`);

const server = createApp(registry, pino({ level: 'silent' })).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const port = (server.address() as AddressInfo).port;
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const get = (path: string) => new Promise<number>((resolve, reject) => {
  http.get({ port, path, agent, headers: { accept: 'application/ld+json', authorization: 'Bearer bench' } }, (res) => {
    res.resume();
    res.on('end', () => (res.statusCode === 200 ? resolve(200) : reject(new Error(`GET ${path} answered ${res.statusCode}`))));
  }).on('error', reject);
});
const ids = sample.map((a) => a.id);
const gets = await timed('GET /assets/{id} as JSON-LD (16 clients)', GETS, 16, (i) => get(`/assets/${ids[(i * 7919) % ids.length]}`));
console.log(`GET: ${gets.perSecond.toFixed(0)} req/s, p50 ${gets.p50.toFixed(1)} ms, p99 ${gets.p99.toFixed(1)} ms`);

const direct = new SparqlHttpClient();
const sparqlUrl = `http://127.0.0.1:${port}/sparql`;
const withMpan = sample.find((a) => a.importMPAN)!;
// Warm the HTTP path (JIT, lazily loaded modules) before timing: its first requests cost several ms each.
for (let i = 0; i < 300; i++) await direct.request('POST', sparqlUrl, { body: `query=${encodeURIComponent('ASK {}')}`, accept: 'application/sparql-results+json' });
const rows = [];
for (const [name, sparql] of registryQueries(sample[0].fsp, withMpan.importMPAN!, sample[Math.floor(sample.length / 2)].iri)) {
  const ask = (url: string) => async () => {
    const res = await direct.request('POST', url, { body: `query=${encodeURIComponent(sparql)}`, accept: 'application/sparql-results+json', timeoutMs: 600_000 });
    if (res.status !== 200) throw new Error(`${name}: ${url} answered ${res.status} ${res.body.slice(0, 300)}`);
    return (JSON.parse(res.body) as { results: { bindings: unknown[] } }).results.bindings.length;
  };
  const resultRows = await ask(sparqlUrl)();
  const registryMs = await medianMs(RUNS, ask(sparqlUrl));
  const virtuosoMs = await medianMs(RUNS, ask(virtuoso.url));
  rows.push({ name, rows: resultRows, registryMs, virtuosoMs, ratio: registryMs / virtuosoMs });
}
console.log(`FMAR on Virtuoso: ${N} pre-loaded assets + ${created} through the registry, node ${process.version}`);
console.log('query'.padEnd(38), 'rows'.padStart(8), '/sparql ms'.padStart(11), 'Virtuoso ms'.padStart(12), 'ratio'.padStart(6));
for (const r of rows) console.log(r.name.padEnd(38), String(r.rows).padStart(8), r.registryMs.toFixed(1).padStart(11), r.virtuosoMs.toFixed(1).padStart(12), r.ratio.toFixed(2).padStart(6));
await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(join(root, 'bench/results/virtuoso-backend.json'), `${JSON.stringify({
  date: new Date().toISOString(), node: process.version, N, quads,
  preload: { ms: preloadMs, quadsPerSecond: quads / (preloadMs / 1000) },
  bulk: { assets: BULK, created, seconds: bulkSeconds, assetsPerSecond: created / bulkSeconds },
  get: gets, queries: rows,
}, null, 2)}\n`);
server.close();
agent.destroy();
direct.close();
await registry.close();
if (!process.env.VIRTUOSO_DIR) virtuoso.stop();
