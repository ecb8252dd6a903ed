import { createHash } from 'node:crypto';
import { Parser, Writer, type Quad } from 'n3';

/**
 * Journal records in RDF Patch style (https://afs.github.io/rdf-delta/rdf-patch.html):
 *
 *   H id <urn:fmar:tx:42> .
 *   H prev "<sha256 of the previous record>" .
 *   H time "2026-11-26T23:50:00.000Z" .
 *   H body "<sha256 of the lines from TX to TC>" .
 *   TX .
 *   D <s> <p> <o> <g> .
 *   A <s> <p> <o> <g> .
 *   TC .
 *
 * A record is complete only when it ends with "TC ." and its body hash matches; anything else at the end
 * of the journal is a torn write and is discarded, never half-applied.
 */
export interface PatchRecord {
  sequence: number;
  previousHash: string;
  time: string;
  removed: Quad[];
  added: Quad[];
}

export const GENESIS_HASH = '0'.repeat(64);

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** N-Quads has no prefixes: one writer serves every line. */
const lineWriter = new Writer({ format: 'N-Quads' });

/** A quad as one N-Quads line, without its line end. */
export function nquadLine(q: Quad): string {
  return lineWriter.quadToString(q.subject, q.predicate, q.object, q.graph).trimEnd();
}

/** The record's text and hash. `addedLines`: the added quads as N-Quads lines, when the caller has them already. */
export function writePatchRecord(record: PatchRecord, addedLines: string[] = record.added.map(nquadLine)): { text: string; hash: string } {
  const body = ['TX .', ...record.removed.map((q) => `D ${nquadLine(q)}`), ...addedLines.map((line) => `A ${line}`), 'TC .'].join('\n') + '\n';
  const header = [
    `H id <urn:fmar:tx:${record.sequence}> .`,
    `H prev "${record.previousHash}" .`,
    `H time "${record.time}" .`,
    `H body "${sha256(body)}" .`,
  ].join('\n') + '\n';
  const text = header + body;
  return { text, hash: sha256(text) };
}

export class CorruptJournalError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'CorruptJournalError';
  }
}

export interface ParsedRecord extends PatchRecord {
  hash: string;
  /** Byte offsets of the record in the journal file. */
  start: number;
  end: number;
}

export interface JournalScan {
  records: ParsedRecord[];
  /** Where reading stopped early, and why: a torn tail (nothing complete after it) or a damaged record. */
  problem?: { offset: number; kind: 'torn' | 'damaged'; reason: string };
}

/** Reads every complete record of a journal, stopping at the first incomplete or damaged one. */
export function scanJournal(buffer: Buffer, startOffset = 0): JournalScan {
  const records: ParsedRecord[] = [];
  let offset = startOffset;
  while (offset < buffer.length) {
    const tc = buffer.indexOf('\nTC .\n', offset);
    const end = tc === -1 ? -1 : tc + '\nTC .\n'.length;
    const text = end === -1 ? undefined : buffer.subarray(offset, end).toString('utf8');
    const record = text === undefined ? undefined : tryParseRecord(text);
    if (!record) {
      // Incomplete or damaged: a torn write only if nothing complete follows it.
      const followed = end !== -1 && end < buffer.length && buffer.indexOf('\nTC .\n', end) !== -1;
      const reason = end === -1 ? 'the record has no end (TC .)' : 'the record does not match its body hash or is malformed';
      return { records, problem: { offset, kind: followed ? 'damaged' : 'torn', reason } };
    }
    records.push({ ...record, hash: sha256(text!), start: offset, end });
    offset = end;
  }
  return { records };
}

/**
 * Reads every complete record of a journal. A record that is incomplete at the very end is reported as a
 * torn tail (its offset), so the caller can cut it off; a damaged record followed by others is corruption.
 */
export function parseJournal(buffer: Buffer, startOffset = 0): { records: ParsedRecord[]; tornAt?: number } {
  const { records, problem } = scanJournal(buffer, startOffset);
  if (problem?.kind === 'damaged') throw new CorruptJournalError(`journal record at byte ${problem.offset} is damaged and is followed by other records`, problem.offset);
  return { records, tornAt: problem?.offset };
}

function tryParseRecord(text: string): PatchRecord | undefined {
  const lines = text.split('\n');
  const header = new Map<string, string>();
  let i = 0;
  for (; i < lines.length && lines[i].startsWith('H '); i++) {
    const match = /^H (\w+) (?:<([^>]*)>|"([^"]*)") \.$/.exec(lines[i]);
    if (!match) return undefined;
    header.set(match[1], match[2] ?? match[3]);
  }
  const body = lines.slice(i).join('\n');
  if (lines[i] !== 'TX .' || header.get('body') !== sha256(body)) return undefined;
  const sequence = Number(/^urn:fmar:tx:(\d+)$/.exec(header.get('id') ?? '')?.[1]);
  const previousHash = header.get('prev');
  const time = header.get('time');
  if (!Number.isInteger(sequence) || !previousHash || !time) return undefined;
  const removed: string[] = [];
  const added: string[] = [];
  for (const line of lines.slice(i + 1, -2)) {
    if (line.startsWith('A ')) added.push(line.slice(2));
    else if (line.startsWith('D ')) removed.push(line.slice(2));
    else return undefined;
  }
  const parse = (nquads: string[]): Quad[] => (nquads.length ? new Parser({ format: 'N-Quads' }).parse(nquads.join('\n')) : []);
  return { sequence, previousHash, time, removed: parse(removed), added: parse(added) };
}

