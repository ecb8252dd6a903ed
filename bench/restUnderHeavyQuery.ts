/**
 * Issue #5, benchmark 7: REST GET latency while a heavy SPARQL query runs into its deadline, next to the
 * same GETs with no query running, in one process (a real listening server, 8 keep-alive clients).
 * Writes bench/results/rest-under-heavy-query.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { configFromEnvironment } from '../src/config.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../src/domain/RecordKind.js';
import { createApp } from '../src/http/createApp.js';
import { listen } from '../src/http/listen.js';
import { projectRoot } from '../src/projectRoot.js';
import { openRegistry } from '../src/registry.js';
import { exampleBody } from '../test/support/testRegistry.js';

const SECONDS = Number(process.env.SECONDS_EACH ?? 10);
const dir = await mkdtemp(join(tmpdir(), 'fmar-bench-heavy-'));
const config = { ...configFromEnvironment({ FMAR_DATA_DIR: dir, FMAR_BASE_IRI: 'http://localhost:8080/', FMAR_ADMIN_TOKEN: 'bench', FMAR_RATE_LIMIT: '100000000' }), snapshotEvery: 0, queryTimeoutMs: 2000, port: 0 };
const registry = await openRegistry(config);
const admin = { agentIri: 'http://localhost:8080/agents/administrator' };
const fsp = await registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
const ids: string[] = [];
for (let i = 0; i < 200; i++) ids.push((await registry.records.create(ASSET_KIND, { ...(await exampleBody('asset')), assetName: `Heavy ${i}` }, { ...admin, onBehalfOf: fsp.iri })).id);
const server = listen(createApp(registry, pino({ level: 'silent' })), config);
await new Promise((r) => server.once('listening', r));
const port = (server.address() as AddressInfo).port;
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const get = (path: string, accept = 'application/ld+json') => new Promise<number>((resolve, reject) => {
  http.get({ port, path, agent, headers: { accept, authorization: 'Bearer bench' } }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode!));
  }).on('error', reject);
});

async function measure(withHeavyQuery: boolean) {
  const deadline = Date.now() + SECONDS * 1000;
  const latencies: number[] = [];
  let queries = 0;
  const heavy = 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?s1 ?p1 ?o1 } GRAPH ?b { ?s2 ?p2 ?o2 } GRAPH ?c { ?s3 ?p3 ?o3 } }';
  const heavyLoop = async () => {
    while (withHeavyQuery && Date.now() < deadline) {
      const status = await get(`/sparql?query=${encodeURIComponent(heavy)}`, 'application/sparql-results+json');
      if (status === 503) queries++;
    }
  };
  const client = async () => {
    while (Date.now() < deadline) {
      const t = performance.now();
      await get(`/assets/${ids[Math.floor(Math.random() * ids.length)]}`);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all([heavyLoop(), ...Array.from({ length: 8 }, client)]);
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.floor((q / 100) * (latencies.length - 1))];
  return { requests: latencies.length, perSecond: latencies.length / SECONDS, p50: p(50), p99: p(99), stoppedQueries: queries };
}

const baseline = await measure(false);
const underLoad = await measure(true);
console.log(`REST GET /assets/{id}, 8 clients, ${SECONDS} s each, node ${process.version}`);
console.log('condition'.padEnd(44), 'req/s'.padStart(7), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8));
console.log('no query running'.padEnd(44), baseline.perSecond.toFixed(0).padStart(7), baseline.p50.toFixed(1).padStart(8), baseline.p99.toFixed(1).padStart(8));
console.log(`heavy query stopped at 2 s (${underLoad.stoppedQueries} times)`.padEnd(44), underLoad.perSecond.toFixed(0).padStart(7), underLoad.p50.toFixed(1).padStart(8), underLoad.p99.toFixed(1).padStart(8));
await mkdir(join(projectRoot(), 'bench/results'), { recursive: true });
await writeFile(join(projectRoot(), 'bench/results/rest-under-heavy-query.json'), `${JSON.stringify({ date: new Date().toISOString(), baseline, underLoad }, null, 2)}\n`);
server.close();
agent.destroy();
await registry.close();
await rm(dir, { recursive: true, force: true });
