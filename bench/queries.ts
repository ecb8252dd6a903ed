/**
 * Issue #5, benchmark 4 (and the bulk load it needs): a synthetic GB portfolio (bench/syntheticPortfolio.ts)
 * loaded into raw Oxigraph, into the registry's journaled store, and into Virtuoso; then five registry
 * queries (assets of one FSP, capacity by category and GSP group, assets by MPAN, units of one FSP with their
 * members, history of one asset) timed through the registry's SPARQL path (worker replica), the registry's
 * /sparql over HTTP, raw in-process Oxigraph, and Virtuoso over HTTP. The engine comparison is registry vs
 * raw (both in process); the server comparison is /sparql vs Virtuoso (both over HTTP). N (default 20000) sets the asset count; FMAR_BENCH_VIRTUOSO=0 skips Virtuoso.
 * Prints a table and writes bench/results/queries.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser, Writer } from 'n3';
import { pino } from 'pino';
import oxigraph from 'oxigraph';
import { projectRoot, sharedDir } from '../src/projectRoot.js';
import { startBenchVirtuoso } from './benchVirtuoso.js';
import { medianMs } from './measure.js';
import { registryQueries } from './registryQueries.js';
import { accessIndexQuads } from '../src/access/accessIndex.js';
import { principalAudiences, recordAudiences } from '../src/access/audiences.js';
import type { Principal } from '../src/access/Principal.js';
import { restrictQuery } from '../src/access/restrictQuery.js';
import { FMAR } from '../src/rdf/namespaces.js';
import { configFromEnvironment } from '../src/config.js';
import { createApp } from '../src/http/createApp.js';
import { openRegistry } from '../src/registry.js';
import { OxigraphRegistryStore } from '../src/store/OxigraphRegistryStore.js';
import { SparqlHttpClient } from '../src/store/SparqlHttpClient.js';
import { generatePortfolio, readPortfolioSources, type GeneratedAsset } from './syntheticPortfolio.js';

const N = Number(process.env.N ?? 20_000);
const CHUNK = 1000;
const RUNS = 9;
const root = projectRoot();
const base = 'http://bench.fmar.test/';
const sources = await readPortfolioSources(sharedDir(), root);

const chunks: string[] = [];
const assets: GeneratedAsset[] = [];
let current = '';
let inChunk = 0;
// The registry's store also gets each asset's access index, as the registry writes it (docs/access.md), so that
// an FSP's restricted SPARQL can be timed; the raw store gets the records only.
const accessChunks: string[] = [];
let accessText = '';
const indexWriter = new Writer({ format: 'N-Quads' });
for (const item of generatePortfolio(sources, base, N, 42, { marketUnits: true })) {
  current += item.nquads;
  if ('id' in item) {
    const recordQuads = new Parser({ format: 'N-Quads' }).parse(item.nquads);
    const index = accessIndexQuads(item.iri, 1, [], recordAudiences(base, `${FMAR}Asset`, item.iri, recordQuads, new Map()));
    accessText += index.map((q) => indexWriter.quadToString(q.subject, q.predicate, q.object, q.graph)).join('');
    if (inChunk + 1 === CHUNK) {
      accessChunks.push(accessText);
      accessText = '';
    }
    assets.push({ ...item, nquads: '' });
    if (++inChunk === CHUNK) {
      chunks.push(current);
      current = '';
      inChunk = 0;
    }
  }
}
if (current) chunks.push(current);
if (accessText) accessChunks.push(accessText);
const quads = chunks.reduce((n, c) => n + c.split('\n').length - 1, 0);

const time = (f: () => void) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};

// Load: raw Oxigraph vs the registry's journaled store (same quads; journal fsync per transaction of 1000 assets).
const raw = new oxigraph.Store();
const rawLoadMs = chunks.reduce((ms, c) => ms + time(() => raw.load(c, { format: 'application/n-quads' })), 0);
const dir = await mkdtemp(join(tmpdir(), 'fmar-bench-q-'));
const store = await OxigraphRegistryStore.open({ dataDir: dir, snapshotEvery: 0 });
let storeLoadMs = 0;
for (const c of chunks) {
  const t = performance.now();
  await store.commit({ add: new Parser({ format: 'N-Quads' }).parse(c) });
  storeLoadMs += performance.now() - t;
}
for (const c of accessChunks) await store.commit({ add: new Parser({ format: 'N-Quads' }).parse(c) });
await store.snapshot();
await store.close();
// The registry itself on that store, serving /sparql over HTTP (the path a data consumer uses).
const registry = await openRegistry({ ...configFromEnvironment({ FMAR_DATA_DIR: dir, FMAR_BASE_IRI: base, FMAR_ADMIN_TOKEN: 'bench', FMAR_RATE_LIMIT: '100000000' }), snapshotEvery: 0, queryRowLimit: 1_000_000, queryTimeoutMs: 120_000 });
const server = createApp(registry, pino({ level: 'silent' })).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const sparqlUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sparql`;
const httpClient = new SparqlHttpClient();
const replica = registry.queries;

// Virtuoso on its own ports and folder, so its data is only this portfolio; loaded with its bulk loader.
let virtuoso: { client: SparqlHttpClient; url: string; loadMs: number; stop(): void } | undefined;
if (process.env.FMAR_BENCH_VIRTUOSO !== '0') {
  try {
    const server = startBenchVirtuoso(await mkdtemp(join(tmpdir(), 'fmar-bench-virtuoso-')), 8895, 1115);
    virtuoso = { client: new SparqlHttpClient(), url: server.url, loadMs: await server.bulkLoad(chunks), stop: server.stop };
  } catch (error) {
    console.warn(`Virtuoso skipped: ${(error as Error).message}`);
  }
}

const fsp = assets[0].fsp;
const mpan = assets.find((a) => a.importMPAN)!.importMPAN!;
const one = assets[Math.floor(assets.length / 2)].iri;
const queries = registryQueries(fsp, mpan, one);

// Warm the HTTP path (JIT, lazily loaded modules) before timing: its first requests cost several ms each.
const asAdministrator = 'Bearer bench';
for (let i = 0; i < 300; i++) await httpClient.request('POST', sparqlUrl, { body: `query=${encodeURIComponent('ASK {}')}`, accept: 'application/sparql-results+json', authorization: asAdministrator });
// The same queries as the FSP they are about: rewritten to its readable graphs (issue #6), run on the same replica.
const fspPrincipal: Principal = { kind: 'user', agentIri: `${base}users/bench`, organisationIri: fsp, organisationRoles: ['FSP'], userRoles: ['DATA_VIEWER'], networkAreas: [], operatedPlatforms: [], credentialId: 'bench' };
const fspAudiences = principalAudiences(fspPrincipal, base)!;
const rows = [];
for (const [name, sparql] of queries) {
  const rawMs = await medianMs(RUNS, () => raw.query(sparql, { results_format: 'application/sparql-results+json', use_default_graph_as_union: true }));
  const registryMs = await medianMs(RUNS, () => replica.query({ sparql, resultsFormat: 'application/sparql-results+json' }, 60_000));
  const httpMs = await medianMs(RUNS, async () => {
    const res = await httpClient.request('POST', sparqlUrl, { body: `query=${encodeURIComponent(sparql)}`, accept: 'application/sparql-results+json', authorization: asAdministrator });
    if (res.status !== 200) throw new Error(`/sparql answered ${res.status}: ${res.body.slice(0, 200)}`);
  });
  const virtuosoMs = virtuoso ? await medianMs(RUNS, () => virtuoso!.client.request('POST', virtuoso!.url, { body: `query=${encodeURIComponent(sparql)}`, accept: 'application/sparql-results+json' })) : undefined;
  let restrictedRows = 0;
  let restrictedMs: number | undefined;
  try {
    const restricted = restrictQuery(sparql, { audiences: fspAudiences });
    restrictedMs = await medianMs(RUNS, async () => {
      restrictedRows = (JSON.parse(await replica.query({ sparql: restricted, resultsFormat: 'application/sparql-results+json' }, 60_000)) as { results: { bindings: unknown[] } }).results.bindings.length;
    });
  } catch (error) {
    console.warn(`${name}: not run as the FSP (${(error as Error).message})`);
  }
  rows.push({ name, rawMs, registryMs, httpMs, virtuosoMs, restrictedMs, restrictedRows, registryVsRaw: registryMs / rawMs, restrictedVsRegistry: restrictedMs ? restrictedMs / registryMs : undefined, httpVsVirtuoso: virtuosoMs ? httpMs / virtuosoMs : undefined });
}

console.log(`FMAR queries: ${N} synthetic assets (${quads} quads), median of ${RUNS} runs, node ${process.version}`);
console.log(`load: raw Oxigraph ${(quads / (rawLoadMs / 1000)).toFixed(0)} quads/s; registry store (journaled, no validation) ${(quads / (storeLoadMs / 1000)).toFixed(0)} quads/s (${(rawLoadMs / storeLoadMs).toFixed(2)} of raw)${virtuoso ? `; Virtuoso bulk loader ${(quads / (virtuoso.loadMs / 1000)).toFixed(0)} quads/s` : ''}`);
console.log('in ms; "registry" = its SPARQL engine path (worker replica), "/sparql" = the same over HTTP; Virtuoso over HTTP');
console.log('"as FSP" = the same query rewritten to the FSP\'s readable graphs (access index join), on the replica');
console.log('query'.padEnd(38), 'raw'.padStart(8), 'registry'.padStart(9), '/sparql'.padStart(8), 'Virtuoso'.padStart(9), 'as FSP'.padStart(8), 'reg/raw'.padStart(8), 'FSP/reg'.padStart(8), 'http/Virt'.padStart(10));
for (const r of rows) {
  console.log(r.name.padEnd(38), r.rawMs.toFixed(2).padStart(8), r.registryMs.toFixed(2).padStart(9), r.httpMs.toFixed(2).padStart(8), (r.virtuosoMs?.toFixed(2) ?? '-').padStart(9), (r.restrictedMs?.toFixed(2) ?? '-').padStart(8), r.registryVsRaw.toFixed(2).padStart(8), (r.restrictedVsRegistry?.toFixed(2) ?? '-').padStart(8), (r.httpVsVirtuoso?.toFixed(2) ?? '-').padStart(10));
}
await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(join(root, 'bench/results/queries.json'), `${JSON.stringify({ date: new Date().toISOString(), N, quads, rawLoadMs, storeLoadMs, virtuosoLoadMs: virtuoso?.loadMs, rows }, null, 2)}\n`);
server.close();
httpClient.close();
await registry.close();
virtuoso?.client.close();
await rm(dir, { recursive: true, force: true });
virtuoso?.stop();
