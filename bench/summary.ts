/**
 * The issue #5 benchmark table: reads the JSON results the benchmarks wrote under bench/results/ and prints
 * each measurement next to its baseline, the ratio and the target, and whether it is met. Writes
 * bench/results/summary.json and bench/results/summary.md (the table as Markdown, for closing notes).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../src/projectRoot.js';

const results = join(projectRoot(), 'bench/results');
async function read<T>(name: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(join(results, name), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

interface Row { item: string; measured: string; baseline: string; ratio: string; target: string; met: boolean | undefined; date?: string }
const rows: Row[] = [];
const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

const bulk = await read<{ date: string; N: number; registryAssetsPerSecond: number; rawAssetsPerSecond: number; ratio: number; quadsPerAsset: number }>('bulk-registration.json');
if (bulk) rows.push({ item: `1. bulk registration, ${bulk.N} assets`, measured: `${f0(bulk.registryAssetsPerSecond)} assets/s`, baseline: `raw load ${f0(bulk.rawAssetsPerSecond)} assets/s`, ratio: f2(bulk.ratio), target: '>= 0.5 of raw (issue #7: >= 0.3)', met: bulk.ratio >= 0.5, date: bulk.date });

type Op = { label: string; perSecond: number; p50: number; p99: number };
const tp = await read<{ date: string; rows: Op[] }>('registry-throughput.json');
if (tp) {
  const op = (prefix: string) => tp.rows.find((r) => r.label.startsWith(prefix));
  const post = op('HTTP POST');
  const replace = op('raw Oxigraph graph replacement');
  const getJson = op('HTTP GET /assets/{id} as JSON-LD');
  const getTurtle = op('HTTP GET /assets/{id} as Turtle');
  const trivial = op('trivial express');
  if (post) rows.push({ item: '2. POST one asset, 16 clients', measured: `${f0(post.perSecond)} req/s, p50 ${f1(post.p50)} / p99 ${f1(post.p99)} ms`, baseline: replace ? `raw graph replacement ${f0(replace.perSecond)}/s` : '-', ratio: replace ? f2(post.perSecond / replace.perSecond) : '-', target: '>= 1000 req/s, p99 <= 25 ms', met: post.perSecond >= 1000 && post.p99 <= 25, date: tp.date });
  if (getJson && trivial) rows.push({ item: '3. GET one asset as JSON-LD', measured: `${f0(getJson.perSecond)} req/s, p99 ${f1(getJson.p99)} ms`, baseline: `trivial express ${f0(trivial.perSecond)} req/s`, ratio: f2(getJson.perSecond / trivial.perSecond), target: '>= 0.6 of trivial', met: getJson.perSecond / trivial.perSecond >= 0.6, date: tp.date });
  if (getTurtle && trivial) rows.push({ item: '3. GET one asset as Turtle', measured: `${f0(getTurtle.perSecond)} req/s, p99 ${f1(getTurtle.p99)} ms`, baseline: `trivial express ${f0(trivial.perSecond)} req/s`, ratio: f2(getTurtle.perSecond / trivial.perSecond), target: '>= 0.6 of trivial', met: getTurtle.perSecond / trivial.perSecond >= 0.6, date: tp.date });
}

const q = await read<{ date: string; N: number; rows: { name: string; rawMs: number; registryMs: number; httpMs?: number; virtuosoMs?: number }[] }>('queries.json');
if (q) {
  const fasterThanVirtuoso = q.rows.filter((r) => r.virtuosoMs !== undefined && (r.httpMs ?? r.registryMs) < r.virtuosoMs).length;
  for (const r of q.rows) {
    rows.push({ item: `4. SPARQL: ${r.name} (${q.N} assets)`, measured: `${f2(r.registryMs)} ms (/sparql ${r.httpMs !== undefined ? f2(r.httpMs) : '-'} ms)`, baseline: `raw ${f2(r.rawMs)} ms, Virtuoso ${r.virtuosoMs !== undefined ? f2(r.virtuosoMs) : '-'} ms`, ratio: f2(r.registryMs / r.rawMs), target: '<= 1.3x raw', met: r.registryMs / r.rawMs <= 1.3, date: q.date });
  }
  rows.push({ item: '4. SPARQL: faster than Virtuoso (over HTTP)', measured: `${fasterThanVirtuoso} of ${q.rows.length} queries`, baseline: 'Virtuoso 7.2', ratio: '-', target: '>= 4 of 5', met: fasterThanVirtuoso >= 4, date: q.date });
}

const mem = await read<{ date: string; rows: { assets: number; rawBytesPerAsset: number; registryBytesPerAsset: number; ratio: number }[]; restart?: { ms: number; quads: number } }>('memory-restart.json');
if (mem) {
  for (const r of mem.rows) rows.push({ item: `5. RSS per asset at ${r.assets}`, measured: `${f0(r.registryBytesPerAsset)} B`, baseline: `raw ${f0(r.rawBytesPerAsset)} B`, ratio: f2(r.ratio), target: '<= 1.3x raw', met: r.ratio <= 1.3, date: mem.date });
  const largest = mem.rows.at(-1)?.assets;
  if (mem.restart) rows.push({ item: `6. restart at ${largest} assets`, measured: `${f1(mem.restart.ms / 1000)} s (${mem.restart.quads} quads)`, baseline: '-', ratio: '-', target: '<= 60 s at 250k', met: (largest ?? 0) >= 250_000 ? mem.restart.ms <= 60_000 : undefined, date: mem.date });
}

const heavy = await read<{ date: string; baseline: { p99: number }; underLoad: { p99: number; stoppedQueries: number } }>('rest-under-heavy-query.json');
if (heavy) rows.push({ item: '7. REST p99 while a heavy query runs', measured: `${f1(heavy.underLoad.p99)} ms (${heavy.underLoad.stoppedQueries} queries stopped at the deadline)`, baseline: `idle ${f1(heavy.baseline.p99)} ms`, ratio: f2(heavy.underLoad.p99 / heavy.baseline.p99), target: '<= 50 ms', met: heavy.underLoad.p99 <= 50, date: heavy.date });

const remote = await read<{ date: string; N: number; bulk: { assetsPerSecond: number; created: number }; preload: { quadsPerSecond: number }; get: { perSecond: number; p99: number }; queries: { name: string; registryMs: number; virtuosoMs: number }[] }>('virtuoso-backend.json');
if (remote) {
  rows.push({ item: `remote backend (Virtuoso, ${remote.N} assets): bulk import`, measured: `${f0(remote.bulk.assetsPerSecond)} assets/s (${remote.bulk.created} assets)`, baseline: `Virtuoso bulk loader ${f0(remote.preload.quadsPerSecond)} quads/s`, ratio: '-', target: '-', met: undefined, date: remote.date });
  rows.push({ item: `remote backend (Virtuoso, ${remote.N} assets): GET JSON-LD`, measured: `${f0(remote.get.perSecond)} req/s, p99 ${f1(remote.get.p99)} ms`, baseline: '-', ratio: '-', target: '-', met: undefined, date: remote.date });
  for (const r of remote.queries) rows.push({ item: `remote backend (Virtuoso, ${remote.N} assets): ${r.name}`, measured: `${f1(r.registryMs)} ms via /sparql`, baseline: `Virtuoso direct ${f1(r.virtuosoMs)} ms`, ratio: f2(r.registryMs / r.virtuosoMs), target: '-', met: undefined, date: remote.date });
}

const mark = (m: boolean | undefined) => (m === undefined ? 'n/a' : m ? 'yes' : 'NO');
const header = ['benchmark', 'measured', 'baseline', 'ratio', 'target', 'met'];
const table = rows.map((r) => [r.item, r.measured, r.baseline, r.ratio, r.target, mark(r.met)]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
console.log('FMAR benchmarks (issue #5), from bench/results/');
console.log(header.map((h, i) => h.padEnd(widths[i])).join('  '));
for (const t of table) console.log(t.map((c, i) => c.padEnd(widths[i])).join('  '));
const md = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...table.map((t) => `| ${t.join(' | ')} |`)].join('\n');
await writeFile(join(results, 'summary.md'), `${md}\n`);
await writeFile(join(results, 'summary.json'), `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
