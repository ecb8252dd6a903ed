/**
 * Registry write and read throughput next to raw Oxigraph on the same quads, in one process (issue #3).
 *   writes: RecordService.create (JSON Schema + JSON-LD + SHACL + provenance + journal fsync) vs Oxigraph load
 *   HTTP:   POST /assets with 16 concurrent keep-alive clients vs raw Oxigraph graph replacement of the same
 *           quads (issue #5 benchmark 2); GET /assets/{id} as JSON-LD and Turtle vs a trivial express GET (3)
 *   reads:  one record's graphs from the registry store vs Oxigraph dump of the same graph
 * Prints a table and writes bench/results/registry-throughput.json. N=... sets the record count.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { Writer } from 'n3';
import oxigraph from 'oxigraph';
import { pino } from 'pino';
import { configFromEnvironment } from '../src/config.js';
import type { Principal } from '../src/access/Principal.js';
import { ASSET_KIND } from '../src/domain/RecordKind.js';
import { createApp } from '../src/http/createApp.js';
import { projectRoot } from '../src/projectRoot.js';
import { openRegistry } from '../src/registry.js';
import { exampleBody } from '../test/support/testRegistry.js';
import { timed } from './measure.js';

const N = Number(process.env.N ?? 1000);
const CONCURRENCY = 16;
const root = projectRoot();
const dir = await mkdtemp(join(tmpdir(), 'fmar-bench-'));
const config = { ...configFromEnvironment({ FMAR_DATA_DIR: dir, FMAR_BASE_IRI: 'http://localhost:8080/', FMAR_ADMIN_TOKEN: 'bench', FMAR_RATE_LIMIT: '100000000' }), snapshotEvery: 0 };
const registry = await openRegistry(config);
const admin = { agentIri: 'http://localhost:8080/agents/administrator' };
const administrator: Principal = { kind: 'administrator', agentIri: admin.agentIri, organisationRoles: [], userRoles: [], networkAreas: [], operatedPlatforms: [], credentialId: 'bench' };
// An approved FSP with an activated user whose API key reads over HTTP, as an FSP would (issue #6).
const fsp = await registry.organisations.register(await exampleBody('organisation'), administrator);
await registry.organisations.approve(fsp.id, administrator);
const fspUser = await registry.users.register({ organisation: fsp.iri, userGivenName: 'Bench', userFamilyName: 'Reader', userEmail: 'bench@example.org', userRoles: ['ASSET_MANAGER'] }, administrator);
const fspKey = (await registry.users.activate(fspUser.user.id, fspUser.activation.token)).apiKey.token;
const assetBody = await exampleBody('asset');
const mpan = (i: number) => `10${String(i).padStart(11, '0')}`;
// Every asset its own identifiers, as in a real portfolio: with the example's friendly code and serial number on
// every asset, each background authenticity check found thousands of duplicates and the checks, not the requests,
// filled the event loop (earlier figures of this bench).
const body = (i: number) => ({ ...assetBody, assetName: `Bench battery ${i}`, importMPAN: mpan(i), exportMPAN: mpan(i + 5_000_000), friendlyCode: `BENCH-${i}`, serialNumber: `BENCH-SN-${i}` });

// 1. Writes in-process, sequential and 16 at a time (group commit shares fsyncs).
const created: string[] = [];
const serviceSequential = await timed('registry create (in-process, 1 at a time)', N, 1, async (i) => created.push((await registry.records.create(ASSET_KIND, body(i), { ...admin, onBehalfOf: fsp.iri })).id));
const serviceConcurrent = await timed('registry create (in-process, 16 at a time)', N, CONCURRENCY, async (i) => created.push((await registry.records.create(ASSET_KIND, body(N + i), { ...admin, onBehalfOf: fsp.iri })).id));

// Baseline: the same records' quads loaded into a raw Oxigraph store, one record per load.
const writer = () => new Writer({ format: 'N-Quads' });
const recordTexts = await Promise.all(created.slice(0, N).map(async (id) => {
  const state = await registry.records.get(ASSET_KIND, id);
  const w = writer();
  return state.quads.map((q) => w.quadToString(q.subject, q.predicate, q.object, q.graph)).join('');
}));
const raw = new oxigraph.Store();
const rawLoad = await timed('raw Oxigraph load of the same quads (1 record per load)', N, 1, async (i) => raw.load(recordTexts[i], { format: 'application/n-quads' }));
// Issue #5 benchmark 2's baseline: replacing a record's graph in raw Oxigraph (drop it, load the same quads).
const rawReplace = await timed('raw Oxigraph graph replacement (drop + load, same quads)', N, CONCURRENCY, async (i) => {
  raw.update(`DROP SILENT GRAPH <http://localhost:8080/assets/${created[i]}>`);
  raw.load(recordTexts[i], { format: 'application/n-quads' });
});

// 2. Reads: one record (its graphs).
const readRegistry = await timed('registry read of one record (3 graphs)', N, 1, async (i) => registry.records.get(ASSET_KIND, created[i]));
const readRaw = await timed('raw Oxigraph dump of the same record graph', N, 1, async (i) => raw.dump({ format: 'application/n-triples', from_graph_name: oxigraph.namedNode(`http://localhost:8080/assets/${created[i]}`) }));

// 3. HTTP with 16 keep-alive clients.
const app = createApp(registry, pino({ level: 'silent' }));
const server = app.listen(0);
const trivial = express().get('/x', (_req, res) => res.json({ '@context': 'https://w3id.org/fmar/context/v1', assetName: 'x', ratedCapacity: 5 })).listen(0);
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function call(port: number, method: string, path: string, payload?: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, method, path, agent, headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(payload);
  });
}
const port = (server.address() as AddressInfo).port;
const trivialPort = (trivial.address() as AddressInfo).port;
const fspId = fsp.id;
const httpPost = await timed('HTTP POST /assets (16 clients)', N, CONCURRENCY, async (i) => {
  const status = await call(port, 'POST', '/assets', JSON.stringify(body(3 * N + i)), { authorization: 'Bearer bench', 'fmar-on-behalf-of': fspId });
  if (status !== 201) throw new Error(`POST answered ${status}`);
});
const ok = async (status: Promise<number>) => {
  if ((await status) !== 200) throw new Error(`GET answered ${await status}`);
};
// Reads authenticate (API key: one graph read and a hash), load the principal's records, filter by the access
// index, and log personal values read (a buffer push): all of it is in these figures.
const httpGet = await timed('HTTP GET /assets/{id} as JSON-LD, FSP API key (16 clients)', N, CONCURRENCY, async (i) => ok(call(port, 'GET', `/assets/${created[i]}`, undefined, { accept: 'application/ld+json', authorization: `Bearer ${fspKey}` })));
const httpGetTurtle = await timed('HTTP GET /assets/{id} as Turtle, FSP API key (16 clients)', N, CONCURRENCY, async (i) => ok(call(port, 'GET', `/assets/${created[i]}`, undefined, { accept: 'text/turtle', authorization: `Bearer ${fspKey}` })));
const httpGetAdmin = await timed('HTTP GET /assets/{id} as JSON-LD, administrator token (16 clients)', N, CONCURRENCY, async (i) => ok(call(port, 'GET', `/assets/${created[i]}`, undefined, { accept: 'application/ld+json', authorization: 'Bearer bench' })));
const httpTrivial = await timed('trivial express JSON GET (16 clients)', N, CONCURRENCY, async () => call(trivialPort, 'GET', '/x'));

const rows = [serviceSequential, serviceConcurrent, rawLoad, rawReplace, readRegistry, readRaw, httpPost, httpGet, httpGetTurtle, httpGetAdmin, httpTrivial];
console.log(`FMAR registry throughput, N=${N} records, node ${process.version}`);
console.log('operation'.padEnd(62), 'ops/s'.padStart(9), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8));
for (const r of rows) console.log(r.label.padEnd(62), r.perSecond.toFixed(0).padStart(9), r.p50.toFixed(2).padStart(8), r.p99.toFixed(2).padStart(8));
const ratios = {
  writeVsRawLoad: serviceConcurrent.perSecond / rawLoad.perSecond,
  readVsRawDump: readRegistry.perSecond / readRaw.perSecond,
  httpGetVsTrivial: httpGet.perSecond / httpTrivial.perSecond,
  httpGetTurtleVsTrivial: httpGetTurtle.perSecond / httpTrivial.perSecond,
  httpPostVsRawReplace: httpPost.perSecond / rawReplace.perSecond,
  /** What an API key's authentication and the principal's records cost over the bootstrap token (issue #6). */
  httpGetApiKeyVsAdminToken: httpGet.perSecond / httpGetAdmin.perSecond,
};
console.log('ratios:', Object.entries(ratios).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', '));
await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(join(root, 'bench/results/registry-throughput.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, N, rows, ratios }, null, 2)}\n`);
server.close();
trivial.close();
agent.destroy();
await registry.close();
await rm(dir, { recursive: true, force: true });
