/**
 * Issue #5, benchmarks 5 and 6: RSS per asset of the registry's store next to raw Oxigraph holding the same
 * quads, at several sizes, each measured in a fresh child process; and the restart time (snapshot + journal
 * replay) at the largest size. SIZES (default 10000,50000) sets the sizes, e.g. SIZES=10000,100000,250000.
 * Prints a table and writes bench/results/memory-restart.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from 'n3';
import oxigraph from 'oxigraph';
import { projectRoot, sharedDir } from '../src/projectRoot.js';
import { OxigraphRegistryStore } from '../src/store/OxigraphRegistryStore.js';
import { generatePortfolio, readPortfolioSources } from './syntheticPortfolio.js';

const mode = process.argv[2];

async function portfolioChunks(count: number): Promise<string[]> {
  const sources = await readPortfolioSources(sharedDir(), projectRoot());
  const chunks: string[] = [];
  let current = '';
  let n = 0;
  for (const item of generatePortfolio(sources, 'http://bench.fmar.test/', count)) {
    current += item.nquads;
    if ('id' in item && ++n % 2000 === 0) {
      chunks.push(current);
      current = '';
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

const rssMiB = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1048576;
};

if (mode === 'raw' || mode === 'registry') {
  // Child: load `count` assets one way, print RSS before and after and the quad count.
  const count = Number(process.argv[3]);
  const chunks = await portfolioChunks(count);
  const before = rssMiB();
  let quads = 0;
  let after = 0;
  if (mode === 'raw') {
    const store = new oxigraph.Store();
    for (const c of chunks) store.load(c, { format: 'application/n-quads' });
    quads = store.size;
    after = rssMiB();
  } else {
    const dir = process.argv[4];
    const store = await OxigraphRegistryStore.open({ dataDir: dir, snapshotEvery: 0 });
    for (const c of chunks) await store.commit({ add: new Parser({ format: 'N-Quads' }).parse(c) });
    quads = store.size;
    chunks.length = 0;
    // Measured before the snapshot: dumping for it raises WebAssembly memory's high-water mark, which never shrinks.
    after = rssMiB();
    await store.snapshot();
    await store.close();
  }
  console.log(JSON.stringify({ before, after, quads }));
  process.exit(0);
}
if (mode === 'restart') {
  const t = performance.now();
  const store = await OxigraphRegistryStore.open({ dataDir: process.argv[3] });
  console.log(JSON.stringify({ ms: performance.now() - t, quads: store.size, sequence: store.head().sequence }));
  process.exit(0);
}

const sizes = (process.env.SIZES ?? '10000,50000').split(',').map(Number);
const self = fileURLToPath(import.meta.url);
const child = (...args: string[]) => JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', self, ...args], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!) as Record<string, number>;
const rows = [];
let restart: Record<string, number> | undefined;
for (const size of sizes) {
  const raw = child('raw', String(size));
  const dir = await mkdtemp(join(tmpdir(), 'fmar-bench-mem-'));
  const registry = child('registry', String(size), dir);
  const row = {
    assets: size,
    quads: raw.quads,
    rawBytesPerAsset: ((raw.after - raw.before) * 1048576) / size,
    registryBytesPerAsset: ((registry.after - registry.before) * 1048576) / size,
  };
  rows.push({ ...row, ratio: row.registryBytesPerAsset / row.rawBytesPerAsset });
  if (size === sizes[sizes.length - 1]) restart = child('restart', dir);
  await rm(dir, { recursive: true, force: true });
}
console.log(`FMAR memory and restart, node ${process.version} (each size in fresh processes; RSS after a forced GC)`);
console.log('assets'.padStart(8), 'quads'.padStart(9), 'raw B/asset'.padStart(12), 'registry B/asset'.padStart(17), 'ratio'.padStart(6));
for (const r of rows) console.log(String(r.assets).padStart(8), String(r.quads).padStart(9), r.rawBytesPerAsset.toFixed(0).padStart(12), r.registryBytesPerAsset.toFixed(0).padStart(17), r.ratio.toFixed(2).padStart(6));
if (restart) console.log(`restart at ${sizes[sizes.length - 1]} assets (${restart.quads} quads, snapshot + journal): ${(restart.ms / 1000).toFixed(1)} s`);
await mkdir(join(projectRoot(), 'bench/results'), { recursive: true });
await writeFile(join(projectRoot(), 'bench/results/memory-restart.json'), `${JSON.stringify({ date: new Date().toISOString(), rows, restart }, null, 2)}\n`);
