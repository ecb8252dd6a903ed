/**
 * Soak run (`make soak`, not CI): a real `fmar serve` child process on loopback, several clients mixing
 * writes, reads, list pages and SPARQL for SOAK_SECONDS (default 300). Reports throughput per kind, every
 * non-2xx status (5xx must be zero), and the server's RSS at start and end next to the quads it gained.
 * Writes bench/results/soak.json.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/projectRoot.js';
import { exampleBody } from '../test/support/testRegistry.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const PORT = Number(process.env.SOAK_PORT ?? 18_080);
const root = projectRoot();
const dataDir = await mkdtemp(join(tmpdir(), 'fmar-soak-'));
const token = 'soak-token';
// A bounded old space makes V8 collect instead of growing lazily: RSS then shows retained memory, and a
// leak would end the run with an out-of-memory crash instead of hiding in a large heap.
const MAX_OLD_SPACE_MB = Number(process.env.SOAK_MAX_OLD_SPACE_MB ?? 384);
const server = spawn(process.execPath, [`--max-old-space-size=${MAX_OLD_SPACE_MB}`, '--import', 'tsx', join(root, 'src/cli/fmar.ts'), 'serve'], {
  env: { ...process.env, PORT: String(PORT), FMAR_DATA_DIR: dataDir, FMAR_ADMIN_TOKEN: token, FMAR_SAMPLE_DATA: 'true', LOG_LEVEL: 'warn', FMAR_SNAPSHOT_EVERY: '2000', FMAR_RATE_LIMIT: '100000000' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

function call(method: string, path: string, body?: string, extraHeaders: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  // The soak reads as the administrator: reads need credentials (docs/access.md).
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...extraHeaders };
  return new Promise((resolve, reject) => {
    const req = http.request({ port: PORT, host: '127.0.0.1', method, path, agent, headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function rssKiB(): Promise<number> {
  const status = await readFile(`/proc/${server.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

async function quadCount(): Promise<number> {
  const res = await call('GET', `/sparql?query=${encodeURIComponent('SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }')}`, undefined, { accept: 'application/sparql-results+json' });
  return Number((JSON.parse(res.text) as { results: { bindings: { n: { value: string } }[] } }).results.bindings[0].n.value);
}

for (let i = 0; ; i++) {
  try {
    if ((await call('GET', '/health')).status === 200) break;
  } catch {
    if (i > 300) throw new Error('the server did not start');
  }
  await new Promise((r) => setTimeout(r, 100));
}
const fsp = (JSON.parse((await call('GET', '/organisations?limit=1')).text) as { items: { fmarOrganisationId: string }[] }).items[0].fmarOrganisationId;
const knownAssets = (JSON.parse((await call('GET', '/assets?limit=100')).text) as { items: { assetId: string }[] }).items.map((i) => i.assetId);
const asset = await exampleBody('asset');
const startRss = await rssKiB();
const startQuads = await quadCount();
const counts: Record<string, { ok: number; statuses: Record<number, number>; ms: number }> = {};
const deadline = Date.now() + SECONDS * 1000;
let n = 0;

async function client(kind: string, op: () => Promise<{ status: number }>): Promise<void> {
  counts[kind] ??= { ok: 0, statuses: {}, ms: 0 };
  while (Date.now() < deadline) {
    const t = performance.now();
    const { status } = await op();
    counts[kind].ms += performance.now() - t;
    if (status < 300) counts[kind].ok++;
    else counts[kind].statuses[status] = (counts[kind].statuses[status] ?? 0) + 1;
  }
}

const writer = () => client('POST /assets', async () => {
  const i = n++;
  const res = await call('POST', '/assets', JSON.stringify({ ...asset, assetName: `Soak ${i}`, importMPAN: `10${String(i).padStart(11, '0')}` }), { authorization: `Bearer ${token}`, 'fmar-on-behalf-of': fsp });
  if (res.status === 201) knownAssets.push((JSON.parse(res.text) as { assetId: string }).assetId);
  return res;
});
const reader = () => client('GET /assets/{id}', () => call('GET', `/assets/${knownAssets[Math.floor(Math.random() * knownAssets.length)]}`, undefined, { accept: Math.random() < 0.5 ? 'application/ld+json' : 'text/turtle' }));
const lister = () => client('GET /assets?page', () => call('GET', `/assets?limit=20&assetCategory=BESS${Math.random() < 0.5 ? '' : `&cursor=${knownAssets[Math.floor(Math.random() * knownAssets.length)]}`}`));
const sparql = () => client('SPARQL', () => call('GET', `/sparql?query=${encodeURIComponent('PREFIX fmar: <https://w3id.org/fmar/ontology#> SELECT ?c (COUNT(?a) AS ?n) (SUM(?kw) AS ?total) WHERE { GRAPH ?a { ?a fmar:assetCategory ?c ; fmar:ratedCapacity ?kw } } GROUP BY ?c')}`, undefined, { accept: 'application/sparql-results+json' }));

const WRITERS = Number(process.env.SOAK_WRITERS ?? 4);
await Promise.all([...Array.from({ length: WRITERS }, writer), reader(), reader(), reader(), reader(), lister(), lister(), sparql(), sparql()]);
const endRss = await rssKiB();
const endQuads = await quadCount();
const fiveXX = Object.values(counts).reduce((sum, c) => sum + Object.entries(c.statuses).filter(([s]) => Number(s) >= 500).reduce((a, [, v]) => a + v, 0), 0);
const audit = JSON.parse((await call('GET', '/audit/verify')).text) as { ok: boolean; verifiedHead: { sequence: number } };
console.log(`soak: ${SECONDS} s, ${WRITERS + 8} clients (${WRITERS} writers, 4 readers, 2 listers, 2 SPARQL) on loopback`);
console.log('kind'.padEnd(18), 'ok'.padStart(8), 'per s'.padStart(8), 'mean ms'.padStart(9), ' other statuses');
for (const [kind, c] of Object.entries(counts)) {
  const total = c.ok + Object.values(c.statuses).reduce((a, b) => a + b, 0);
  console.log(kind.padEnd(18), String(c.ok).padStart(8), (c.ok / SECONDS).toFixed(1).padStart(8), (c.ms / total).toFixed(1).padStart(9), ' ', JSON.stringify(c.statuses));
}
const perQuad = ((endRss - startRss) * 1024) / Math.max(1, endQuads - startQuads);
console.log(`5xx: ${fiveXX}; RSS ${(startRss / 1024).toFixed(0)} MiB -> ${(endRss / 1024).toFixed(0)} MiB for ${endQuads - startQuads} quads added (${perQuad.toFixed(0)} bytes of RSS per added quad); audit ${audit.ok ? 'intact' : 'BROKEN'} at transaction ${audit.verifiedHead.sequence}`);
await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(join(root, 'bench/results/soak.json'), `${JSON.stringify({ date: new Date().toISOString(), seconds: SECONDS, counts, fiveXX, rssKiB: { start: startRss, end: endRss }, quads: { start: startQuads, end: endQuads }, bytesPerAddedQuad: perQuad, audit }, null, 2)}\n`);
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
agent.destroy();
await rm(dataDir, { recursive: true, force: true });
process.exit(fiveXX === 0 && audit.ok ? 0 : 1);
