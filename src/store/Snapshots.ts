import { createHash } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from './rdfPatch.js';

/**
 * Snapshot files: N-Quads of the whole store plus the journal position they start from.
 *
 *   # fmar-snapshot sequence=42 hash=<sha256 of record 42> offset=<journal bytes up to record 42>
 *   <N-Quads lines>
 *   # end quads=<n> sha256=<hash of the N-Quads lines>
 *
 * A snapshot may be "fuzzy" (graphs dumped while writes went on); replaying the journal from its sequence
 * is still exact, because journal records are quad-level adds and deletes. A file without a valid end line
 * is ignored.
 */
export interface SnapshotPosition {
  sequence: number;
  hash: string;
  offset: number;
}

export interface SnapshotWriter {
  write(nquads: string): Promise<void>;
  /** Makes the snapshot durable and visible; until then a crash leaves only a temporary file. */
  commit(): Promise<string>;
  abort(): Promise<void>;
}

const NAME = /^snapshot-(\d{12})\.nq$/;

export async function createSnapshot(dir: string, position: SnapshotPosition): Promise<SnapshotWriter> {
  const name = `snapshot-${String(position.sequence).padStart(12, '0')}.nq`;
  const temporary = join(dir, `${name}.tmp`);
  const handle = await open(temporary, 'w');
  const digest = createHash('sha256');
  let quads = 0;
  await handle.write(`# fmar-snapshot sequence=${position.sequence} hash=${position.hash} offset=${position.offset}\n`);
  return {
    async write(nquads) {
      if (!nquads) return;
      digest.update(nquads);
      quads += countLines(nquads);
      await handle.write(nquads);
    },
    async commit() {
      await handle.write(`# end quads=${quads} sha256=${digest.digest('hex')}\n`);
      await handle.sync();
      await handle.close();
      await rename(temporary, join(dir, name));
      const directory = await open(dir, 'r');
      await directory.sync();
      await directory.close();
      return join(dir, name);
    },
    async abort() {
      await handle.close().catch(() => undefined);
      await rm(temporary, { force: true });
    },
  };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export interface LoadedSnapshot {
  position: SnapshotPosition;
  nquads: string;
  file: string;
}

/** The newest snapshot whose end line checks out; damaged ones are reported and skipped. */
export async function latestSnapshot(dir: string, warn: (message: string) => void): Promise<LoadedSnapshot | undefined> {
  const files = (await readdir(dir)).filter((f) => NAME.test(f)).sort().reverse();
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8');
    const header = /^# fmar-snapshot sequence=(\d+) hash=([0-9a-f]{64}) offset=(\d+)\n/.exec(text);
    const footer = /# end quads=(\d+) sha256=([0-9a-f]{64})\n$/.exec(text);
    if (!header || !footer) {
      warn(`snapshot ${file} is incomplete or damaged; trying an older one`);
      continue;
    }
    const nquads = text.slice(header[0].length, footer.index);
    if (sha256(nquads) !== footer[2] || countLines(nquads) !== Number(footer[1])) {
      warn(`snapshot ${file} does not match its checksum; trying an older one`);
      continue;
    }
    return { position: { sequence: Number(header[1]), hash: header[2], offset: Number(header[3]) }, nquads, file };
  }
  return undefined;
}

/** Keeps the newest `keep` snapshots and removes older ones and leftover temporary files. */
export async function pruneSnapshots(dir: string, keep: number): Promise<void> {
  const entries = await readdir(dir);
  for (const f of entries.filter((e) => e.endsWith('.nq.tmp'))) await rm(join(dir, f), { force: true });
  const snapshots = entries.filter((f) => NAME.test(f)).sort().reverse();
  for (const f of snapshots.slice(keep)) await rm(join(dir, f), { force: true });
}
