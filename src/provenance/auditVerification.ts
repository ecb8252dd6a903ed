import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import oxigraph from 'oxigraph';
import { applyOxigraphPatch, graphNames, graphNQuads, patchToOxigraph } from '../store/oxigraphText.js';
import { checkSnapshot, listSnapshots } from '../store/Snapshots.js';
import { GENESIS_HASH, scanJournal, type ParsedRecord } from '../store/rdfPatch.js';

/**
 * Tamper evidence (requirements §12): every journal record carries the SHA-256 of its predecessor and of its
 * own body. Verification recomputes the chain from the first record, names the first transaction that no
 * longer matches, and checks that every snapshot holds exactly the state the journal gives at its position.
 * The head hash it reports is what an outside party can keep to detect a rewrite of the newest records.
 */
export interface AuditReport {
  ok: boolean;
  records: number;
  head: { sequence: number; hash: string };
  firstAltered?: { sequence: number; offset: number; reason: string };
  tornTail?: { offset: number; bytes: number };
  snapshots: { file: string; sequence: number; ok: boolean; reason?: string }[];
}

export const JOURNAL_FILE = 'journal.rdfp';

/** Checks the hash chain of already-scanned records; the first break names the altered transaction. */
export function checkChain(records: ParsedRecord[], from = { sequence: 0, hash: GENESIS_HASH }): { head: { sequence: number; hash: string }; firstAltered?: AuditReport['firstAltered'] } {
  let head = from;
  for (const record of records) {
    if (record.sequence !== head.sequence + 1) {
      return { head, firstAltered: { sequence: head.sequence + 1, offset: record.start, reason: `expected transaction ${head.sequence + 1} here, found ${record.sequence}` } };
    }
    if (record.previousHash !== head.hash) {
      // Record k+1 stores the hash of record k: a mismatch means record k (or this header) was changed.
      return { head, firstAltered: { sequence: head.sequence, offset: record.start, reason: `transaction ${record.sequence} records a different hash for transaction ${head.sequence}: one of them was altered` } };
    }
    head = { sequence: record.sequence, hash: record.hash };
  }
  return { head };
}

export async function verifyAudit(dataDir: string, options: { checkSnapshots?: boolean } = {}): Promise<AuditReport> {
  const bytes = await readFile(join(dataDir, JOURNAL_FILE)).catch(() => Buffer.alloc(0));
  const scan = scanJournal(bytes);
  const chain = checkChain(scan.records);
  const report: AuditReport = { ok: true, records: scan.records.length, head: chain.head, snapshots: [] };
  if (chain.firstAltered) report.firstAltered = chain.firstAltered;
  else if (scan.problem?.kind === 'damaged') {
    report.firstAltered = { sequence: chain.head.sequence + 1, offset: scan.problem.offset, reason: `transaction ${chain.head.sequence + 1}: ${scan.problem.reason}` };
  } else if (scan.problem) report.tornTail = { offset: scan.problem.offset, bytes: bytes.length - scan.problem.offset };
  if (options.checkSnapshots !== false) report.snapshots = await verifySnapshots(dataDir, scan.records);
  report.ok = !report.firstAltered && report.snapshots.every((s) => s.ok);
  return report;
}

/**
 * A snapshot is right when recovering from it gives what the whole journal gives: snapshot + the records
 * after its position must equal the replay of every record. (Snapshots may be fuzzy, so comparing with the
 * replay up to their position alone would be wrong.)
 */
async function verifySnapshots(dataDir: string, records: ParsedRecord[]): Promise<AuditReport['snapshots']> {
  const files = await listSnapshots(dataDir);
  const results: AuditReport['snapshots'] = [];
  if (!files.length) return results;
  const expected = stateHash(replay(new oxigraph.Store(), records));
  for (const file of files) {
    const { snapshot, problem } = await checkSnapshot(dataDir, file);
    const sequence = snapshot?.position.sequence ?? Number(/(\d{12})/.exec(file)![1]);
    if (!snapshot) {
      results.push({ file, sequence, ok: false, reason: problem });
      continue;
    }
    const record = records[sequence - 1];
    if (sequence > 0 && (!record || record.hash !== snapshot.position.hash)) {
      results.push({ file, sequence, ok: false, reason: `it names a hash for transaction ${sequence} that the journal does not have` });
      continue;
    }
    const recovered = new oxigraph.Store();
    for await (const chunk of snapshot.chunks()) recovered.load(chunk, { format: 'application/n-quads', lenient: true });
    const ok = stateHash(replay(recovered, records.slice(sequence))) === expected;
    results.push({ file, sequence, ok, ...(ok ? {} : { reason: 'recovering from it would not give the state the journal gives' }) });
  }
  return results;
}

function replay(store: oxigraph.Store, records: ParsedRecord[]): oxigraph.Store {
  for (const record of records) applyOxigraphPatch(store, patchToOxigraph(record));
  return store;
}

/** SHA-256 of the sorted N-Quads of a store: equal states hash equal. */
export function stateHash(store: oxigraph.Store): string {
  const lines = graphNames(store).flatMap((g) => graphNQuads(store, g).split('\n')).filter(Boolean).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
