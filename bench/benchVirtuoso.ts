/**
 * A Virtuoso for the benchmarks: its own folder and ports (so its data is only the benchmark's), a cache sized
 * for the data (Debian's default is 80 MB), result sets large enough not to truncate answers, and loading
 * through Virtuoso's bulk loader (ld_dir + rdf_loader_run over N-Quads files), its fast path: SPARQL
 * INSERT DATA over HTTP measured ~6,500 quads/s.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../src/projectRoot.js';

export interface BenchVirtuoso {
  url: string;
  gspUrl: string;
  /** Loads N-Quads (one string per file) with the bulk loader; resolves with the wall time in ms. */
  bulkLoad(files: Iterable<string>): Promise<number>;
  stop(): void;
}

export function startBenchVirtuoso(dir: string, httpPort: number, sqlPort: number, buffers = 340_000): BenchVirtuoso {
  execFileSync(join(projectRoot(), '.ci/start-virtuoso'), [dir, String(httpPort), String(sqlPort)], { stdio: 'ignore', env: { ...process.env, VIRTUOSO_BUFFERS: String(buffers), VIRTUOSO_MAX_ROWS: '5000000', VIRTUOSO_THREADS: '32' } });
  const isql = (sql: string) => execFileSync('isql-vt', [String(sqlPort), 'dba', 'dba', `exec=${sql}`], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return {
    url: `http://127.0.0.1:${httpPort}/sparql`,
    gspUrl: `http://127.0.0.1:${httpPort}/sparql-graph-crud`,
    async bulkLoad(files) {
      const folder = join(dir, `load-${Date.now()}`);
      await mkdir(folder, { recursive: true });
      let n = 0;
      for (const text of files) await writeFile(join(folder, `part-${String(n++).padStart(5, '0')}.nq`), text);
      const t = performance.now();
      isql(`ld_dir('${folder}', '*.nq', 'http://bench.fmar.test/unnamed'); rdf_loader_run(); checkpoint;`);
      const errors = isql(`SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;`);
      if (/\.nq/.test(errors)) throw new Error(`Virtuoso bulk load failed: ${errors.slice(0, 500)}`);
      return performance.now() - t;
    },
    stop() {
      try {
        execFileSync('pkill', ['-f', join(dir, 'virtuoso.ini')], { stdio: 'ignore' });
      } catch {
        // already stopped
      }
    },
  };
}
