import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLockedError, lockDataDir } from '../../../src/store/DataDirLock.js';
import { OxigraphRegistryStore } from '../../../src/store/OxigraphRegistryStore.js';

describe('The data folder lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fmar-lock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('refuses a folder another live process holds, naming it', async () => {
    // The parent process (mocha's runner or the shell) is alive and is not this process.
    await writeFile(join(dir, 'registry.lock'), String(process.ppid));
    await assert.rejects(OxigraphRegistryStore.open({ dataDir: dir }), (error: unknown) => error instanceof DataDirLockedError && error.pid === process.ppid && /in use by process/.test(error.message));
  });

  it('takes over the lock of a process that died without closing the store (kill -9)', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
    await writeFile(join(dir, 'registry.lock'), String(dead));
    const store = await OxigraphRegistryStore.open({ dataDir: dir });
    assert.equal((await readFile(join(dir, 'registry.lock'), 'utf8')).trim(), String(process.pid));
    await store.close();
    await assert.rejects(stat(join(dir, 'registry.lock')), /ENOENT/, 'closing the store releases the lock');
  });

  it('lets the same process open its folder again', async () => {
    const release = await lockDataDir(dir);
    const again = await lockDataDir(dir);
    await again();
    await release();
  });
});
