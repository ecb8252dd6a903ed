import { copyFile, mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Backup and restore of a data directory, safe while the registry runs: snapshots are immutable once
 * published and the journal only grows, so copying the snapshots first and then the journal up to its
 * current length gives a consistent set (a record being appended at that moment is a torn tail that
 * recovery cuts off; it was not yet acknowledged).
 */
const SNAPSHOT = /^snapshot-\d{12}\.nq$/;

export interface BackupManifest {
  createdAt: string;
  journalBytes: number;
  snapshots: string[];
}

export async function backupDataDir(dataDir: string, target: string): Promise<BackupManifest> {
  await mkdir(target, { recursive: true });
  if ((await readdir(target)).length) throw new Error(`${target} is not empty; back up into a new folder`);
  const snapshots = (await readdir(dataDir)).filter((f) => SNAPSHOT.test(f)).sort();
  for (const file of snapshots) await copyFile(join(dataDir, file), join(target, file));
  await copyFile(join(dataDir, 'registry.json'), join(target, 'registry.json'));
  const journal = join(dataDir, 'journal.rdfp');
  const { size } = await stat(journal).catch(() => ({ size: 0 }));
  const buffer = Buffer.alloc(size);
  if (size) {
    const handle = await open(journal, 'r');
    await handle.read(buffer, 0, size, 0);
    await handle.close();
  }
  const out = await open(join(target, 'journal.rdfp'), 'w');
  await out.write(buffer);
  await out.sync();
  await out.close();
  const manifest = { createdAt: new Date().toISOString(), journalBytes: size, snapshots };
  await writeFile(join(target, 'backup.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export async function restoreDataDir(backup: string, dataDir: string): Promise<BackupManifest> {
  const manifest = JSON.parse(await readFile(join(backup, 'backup.json'), 'utf8')) as BackupManifest;
  await mkdir(dataDir, { recursive: true });
  if ((await readdir(dataDir)).length) throw new Error(`${dataDir} is not empty; restore into an empty data folder`);
  for (const file of [...manifest.snapshots, 'registry.json', 'journal.rdfp']) await copyFile(join(backup, file), join(dataDir, file));
  return manifest;
}
