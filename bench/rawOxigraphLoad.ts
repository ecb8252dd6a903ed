/**
 * The baseline of the bulk benchmarks: a raw Oxigraph `load` of exactly the quads the registry wrote, in a
 * fresh process. Oxigraph's WebAssembly memory never shrinks, so a raw store loaded in the process that just
 * ran the registry pays for the registry's heap (at 100k assets it did not finish in 30 minutes); a child
 * process started by the same benchmark run measures the load itself.
 *
 * As a module: `dumpNQuads` writes the registry's store to a file; `measureRawLoad` runs this file as a child
 * on it. As a child: `tsx bench/rawOxigraphLoad.ts FILE LOADS` reads FILE line by line into LOADS texts, times
 * their loads into a new store and prints `{"seconds", "quads"}`.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import oxigraph from 'oxigraph';
import type { OxigraphRegistryStore } from '../src/store/OxigraphRegistryStore.js';

/** Writes every quad of the store to `file` as N-Quads, chunk by chunk; returns the number of lines. */
export async function dumpNQuads(store: OxigraphRegistryStore, file: string): Promise<number> {
  const out = createWriteStream(file);
  let lines = 0;
  for (const chunk of store.dumpChunks()) {
    for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) lines++;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return lines;
}

/** Loads `file` into a fresh Oxigraph store in a child process, in `loads` loads of equal line counts. */
export async function measureRawLoad(file: string, lines: number, loads: number): Promise<{ seconds: number; quads: number }> {
  const child = spawn(process.execPath, ['--max-old-space-size=16384', '--import', 'tsx', fileURLToPath(import.meta.url), file, String(Math.ceil(lines / loads))], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`the raw load exited with ${code}`);
  return JSON.parse(text.trim().split('\n').at(-1)!);
}

async function child(file: string, perLoad: number): Promise<void> {
  const texts: string[] = [];
  let lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line) continue;
    lines.push(line);
    if (lines.length >= perLoad) {
      texts.push(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length) texts.push(`${lines.join('\n')}\n`);
  const store = new oxigraph.Store();
  const started = performance.now();
  for (const t of texts) store.load(t, { format: 'application/n-quads' });
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ seconds, quads: store.size }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await child(process.argv[2], Number(process.argv[3]));
