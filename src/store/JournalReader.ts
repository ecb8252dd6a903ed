import { open } from 'node:fs/promises';
import { scanJournal, type ParsedRecord } from './rdfPatch.js';

const CHECKPOINT_EVERY = 256;
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Reads acknowledged records of the embedded journal from a given sequence, for the change feed. It remembers
 * where every 256th record starts (learnt at recovery, on commit and while reading), so a read seeks near its
 * start instead of scanning from the beginning, and reads the file in 4 MB chunks: memory stays bounded
 * whatever the journal's size.
 */
export class JournalReader {
  /** Sequence -> byte offset of the record's start, for sequences 1, 257, 513... */
  private readonly checkpoints = new Map<number, number>([[1, 0]]);

  constructor(private readonly path: string) {}

  /** Notes where a record starts. */
  note(sequence: number, start: number): void {
    if (sequence % CHECKPOINT_EVERY === 1) this.checkpoints.set(sequence, start);
  }

  /** Records `fromSequence`.. (at most `limit`), none past `durable` (sequence and byte length acknowledged). */
  async read(fromSequence: number, limit: number, durable: { sequence: number; offset: number }): Promise<ParsedRecord[]> {
    const from = Math.max(1, fromSequence);
    if (from > durable.sequence || limit <= 0) return [];
    let checkpoint = 1;
    for (const sequence of this.checkpoints.keys()) if (sequence <= from && sequence > checkpoint) checkpoint = sequence;
    let position = this.checkpoints.get(checkpoint)!;
    const out: ParsedRecord[] = [];
    const handle = await open(this.path, 'r');
    try {
      let pending = Buffer.alloc(0);
      let pendingStart = position;
      while (out.length < limit && position < durable.offset) {
        const size = Math.min(CHUNK_BYTES, durable.offset - position);
        const chunk = Buffer.alloc(size);
        const { bytesRead } = await handle.read(chunk, 0, size, position);
        if (!bytesRead) break;
        position += bytesRead;
        pending = pending.length ? Buffer.concat([pending, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
        const { records } = scanJournal(pending);
        for (const record of records) {
          this.note(record.sequence, pendingStart + record.start);
          if (record.sequence >= from && record.sequence <= durable.sequence && out.length < limit) out.push(record);
        }
        const consumed = records.length ? records[records.length - 1].end : 0;
        pending = pending.subarray(consumed);
        pendingStart += consumed;
      }
    } finally {
      await handle.close();
    }
    return out;
  }
}
