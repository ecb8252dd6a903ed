import { copyFile, readFile, rename, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { JOURNAL_FILE, verifyAudit, type AuditReport } from '../provenance/auditVerification.js';
import { backupDataDir, restoreDataDir } from '../store/backup.js';
import { scanJournal } from '../store/rdfPatch.js';

/** `fmar verify-audit`: recompute the hash chain and check every snapshot; exit 1 when anything is altered. */
export async function verifyAuditCommand(dataDir: string, json: boolean): Promise<number> {
  const report = await verifyAudit(dataDir);
  if (json) console.log(JSON.stringify(report, null, 2));
  else console.log(describe(report));
  return report.ok ? 0 : 1;
}

function describe(report: AuditReport): string {
  const lines = [`journal: ${report.records} transactions verified, head ${report.head.sequence} ${report.head.hash}`];
  if (report.firstAltered) lines.push(`ALTERED: transaction ${report.firstAltered.sequence} (byte ${report.firstAltered.offset}): ${report.firstAltered.reason}`);
  if (report.tornTail) lines.push(`torn tail: ${report.tornTail.bytes} bytes at byte ${report.tornTail.offset} (an unacknowledged write cut short; recovery drops it)`);
  for (const s of report.snapshots) lines.push(`snapshot ${s.file} (transaction ${s.sequence}): ${s.ok ? 'matches the journal' : `WRONG: ${s.reason}`}`);
  lines.push(report.ok ? 'audit trail intact' : 'audit trail NOT intact');
  return lines.join('\n');
}

/**
 * `fmar recover`: explains what a damaged data folder can be restored to, and with --apply makes it so:
 * the journal is kept up to the last good transaction (the original is kept beside it) and snapshots that
 * are wrong or beyond that point are set aside.
 */
export async function recoverCommand(dataDir: string, apply: boolean): Promise<number> {
  const report = await verifyAudit(dataDir);
  console.log(describe(report));
  const keepUpTo = report.firstAltered ? report.firstAltered.sequence - 1 : report.head.sequence;
  const badSnapshots = report.snapshots.filter((s) => !s.ok || s.sequence > keepUpTo);
  if (report.ok && !report.tornTail) {
    console.log('nothing to recover: the registry starts from this folder as it is');
    return 0;
  }
  const lost = report.firstAltered ? `transactions from ${report.firstAltered.sequence} on (${report.records - keepUpTo} verified after it cannot be trusted without it)` : 'only the torn tail';
  console.log(`the registry can be restored to transaction ${keepUpTo}; lost: ${lost}${badSnapshots.length ? `; snapshots set aside: ${badSnapshots.map((s) => s.file).join(', ')}` : ''}`);
  console.log('restore the lost transactions from a backup (fmar restore) if you have one; their hashes are in the activity graphs of any replica');
  if (!apply) {
    console.log('run again with --apply to do this (the damaged journal is kept as journal.rdfp.damaged)');
    return report.ok ? 0 : 1;
  }
  const journal = join(dataDir, JOURNAL_FILE);
  await copyFile(journal, `${journal}.damaged`);
  const records = scanJournal(await readFile(journal)).records;
  await truncate(journal, keepUpTo === 0 ? 0 : records[keepUpTo - 1].end);
  for (const s of badSnapshots) await rename(join(dataDir, s.file), join(dataDir, `${s.file}.invalid`));
  console.log(`done: journal cut to transaction ${keepUpTo}`);
  return 0;
}

export async function backupCommand(dataDir: string, target: string): Promise<number> {
  const manifest = await backupDataDir(dataDir, target);
  console.log(`backed up ${manifest.journalBytes} journal bytes and ${manifest.snapshots.length} snapshot(s) to ${target}`);
  return 0;
}

export async function restoreCommand(backup: string, dataDir: string): Promise<number> {
  await restoreDataDir(backup, dataDir);
  const report = await verifyAudit(dataDir);
  console.log(describe(report));
  return report.ok ? 0 : 1;
}
