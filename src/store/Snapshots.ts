import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

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
  file: string;
  /** The N-Quads body in chunks of whole lines (a large snapshot does not fit in one JavaScript string). */
  chunks(): AsyncIterable<string>;
}

interface SnapshotFrame {
  position: SnapshotPosition;
  bodyStart: number;
  bodyEnd: number;
  quads: number;
  sha256: string;
}

/** Reads a snapshot's first and last lines without reading the body. */
async function readFrame(path: string): Promise<SnapshotFrame | undefined> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, 300));
    await handle.read(head, 0, head.length, 0);
    const tailLength = Math.min(size, 200);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    const header = /^# fmar-snapshot sequence=(\d+) hash=([0-9a-f]{64}) offset=(\d+)\n/.exec(head.toString('utf8'));
    const tailText = tail.toString('utf8');
    const footer = /(?:^|\n)(# end quads=(\d+) sha256=([0-9a-f]{64})\n)$/.exec(tailText);
    if (!header || !footer) return undefined;
    return {
      position: { sequence: Number(header[1]), hash: header[2], offset: Number(header[3]) },
      bodyStart: Buffer.byteLength(header[0]),
      bodyEnd: size - Buffer.byteLength(footer[1]),
      quads: Number(footer[2]),
      sha256: footer[3],
    };
  } finally {
    await handle.close();
  }
}

/** The body in chunks that end at line ends. */
async function* bodyChunks(path: string, frame: SnapshotFrame): AsyncIterable<string> {
  if (frame.bodyEnd <= frame.bodyStart) return;
  let carry = '';
  for await (const piece of createReadStream(path, { start: frame.bodyStart, end: frame.bodyEnd - 1, encoding: 'utf8', highWaterMark: 8 << 20 })) {
    const text = carry + (piece as string);
    const cut = text.lastIndexOf('\n') + 1;
    carry = text.slice(cut);
    if (cut) yield text.slice(0, cut);
  }
  if (carry) yield carry;
}

/** Checks one snapshot file (end line, line count, checksum), reading it in chunks. */
export async function checkSnapshot(dir: string, file: string): Promise<{ snapshot?: LoadedSnapshot; problem?: string }> {
  const path = join(dir, file);
  const frame = await readFrame(path);
  if (!frame) return { problem: 'incomplete or damaged (no header or end line)' };
  const digest = createHash('sha256');
  let lines = 0;
  for await (const chunk of bodyChunks(path, frame)) {
    digest.update(chunk);
    lines += countLines(chunk);
  }
  if (digest.digest('hex') !== frame.sha256 || lines !== frame.quads) return { problem: 'its content does not match its own checksum' };
  return { snapshot: { position: frame.position, file, chunks: () => bodyChunks(path, frame) } };
}

export async function listSnapshots(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => NAME.test(f)).sort();
}

/** The newest snapshot that checks out; damaged ones are reported and skipped. */
export async function latestSnapshot(dir: string, warn: (message: string) => void): Promise<LoadedSnapshot | undefined> {
  for (const file of (await listSnapshots(dir)).reverse()) {
    const { snapshot, problem } = await checkSnapshot(dir, file);
    if (snapshot) return snapshot;
    warn(`snapshot ${file} is ${problem === 'its content does not match its own checksum' ? 'not matching its checksum' : 'incomplete or damaged'}; trying an older one`);
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
