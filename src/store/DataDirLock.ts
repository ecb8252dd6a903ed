import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One writer per data folder: the embedded store's journal has no other guard, and two processes appending to it
 * (a running registry and `fmar import` on the same FMAR_DATA_DIR) would interleave records and break the hash
 * chain. The lock is a file holding the owner's process id, created exclusively; a lock whose process is gone
 * (kill -9) is taken over. The same process may open the folder again (tests reopen stores in one process).
 */
export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`the data folder ${dataDir} is in use by process ${pid} (a running registry?); stop it, or send the work to it over HTTP`);
    this.name = 'DataDirLockedError';
  }
}

const LOCK = 'registry.lock';

export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (owner === process.pid) return async () => undefined;
      if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) throw new DataDirLockedError(dataDir, owner);
      // A stale lock (its process died without closing the store): take it over.
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not lock the data folder ${dataDir}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
