import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OxigraphRegistryStore } from '../../src/store/OxigraphRegistryStore.js';
import { root } from '../support/fixtures.js';
import { embeddedOnly } from '../support/testRegistry.js';

/** Runs the writer child until it has acknowledged `acks` writes, kills it with SIGKILL, and reports what it said. */
async function writeThenKill(dataDir: string, acks: number, snapshotEvery = 0): Promise<{ acked: Set<number>; started: Set<number> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/storeWriter.ts'), dataDir, String(snapshotEvery)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const acked = new Set<number>();
  const started = new Set<number>();
  let buffer = '';
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited early: ${code ?? signal}`))));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const [word, n] = line.split(' ');
        (word === 'ack' ? acked : started).add(Number(n));
        if (acked.size >= acks && !child.killed) child.kill('SIGKILL');
      }
    });
  });
  return { acked, started };
}

async function present(dataDir: string): Promise<Set<number>> {
  const store = await OxigraphRegistryStore.open({ dataDir });
  const json = JSON.parse(await store.query('SELECT ?g WHERE { GRAPH ?g { } }', { resultsFormat: 'application/sparql-results+json' })) as { results: { bindings: { g: { value: string } }[] } };
  await store.close();
  return new Set(json.results.bindings.map((b) => Number(b.g.value.split('/').pop())));
}

describe('The store under SIGKILL', function () {
  this.timeout(180_000);
  before(function () {
    embeddedOnly(this, 'kill -9 of a process writing the embedded store, recovered from its journal and snapshots');
  });
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fmar-crash-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [label, snapshotEvery] of [['journal only', 0], ['with snapshots every 50 writes', 50]] as const) {
    it(`keeps every acknowledged write across kill -9 and restarts (${label})`, async () => {
      let acknowledged = new Set<number>();
      for (let round = 1; round <= 3; round++) {
        const { acked, started } = await writeThenKill(dir, 150 * round, snapshotEvery);
        acknowledged = new Set([...acknowledged, ...acked]);
        const after = await present(dir);
        const lost = [...acknowledged].filter((n) => !after.has(n));
        assert.deepEqual(lost, [], `round ${round}: acknowledged writes lost`);
        const extra = [...after].filter((n) => !acknowledged.has(n));
        assert.ok(extra.every((n) => started.has(n)), `round ${round}: records present that were never written: ${extra}`);
        // Writes that were durable but not yet acknowledged when the process died are kept too: count them as done.
        acknowledged = after;
      }
      assert.ok(acknowledged.size >= 150 * 3 - 1);
    });
  }

  it('survives a restart loop, killed while snapshots are being written (snapshot every 3 writes)', async () => {
    let acknowledged = new Set<number>();
    for (let round = 1; round <= 8; round++) {
      // Kill soon after start: sometimes before the first acknowledgement, often in the middle of a snapshot.
      const { acked, started } = await writeThenKill(dir, acknowledged.size + 1 + (round % 3) * 10, 3);
      acknowledged = new Set([...acknowledged, ...acked]);
      const after = await present(dir);
      assert.deepEqual([...acknowledged].filter((n) => !after.has(n)), [], `round ${round}: acknowledged writes lost`);
      assert.ok([...after].every((n) => acknowledged.has(n) || started.has(n)), `round ${round}: unknown records present`);
      acknowledged = after;
    }
    // Whatever snapshots the kills let through are right, and a new one taken now agrees with the journal.
    const store = await OxigraphRegistryStore.open({ dataDir: dir });
    await store.snapshot();
    await store.close();
    const { verifyAudit } = await import('../../src/provenance/auditVerification.js');
    const report = await verifyAudit(dir);
    assert.equal(report.firstAltered, undefined, JSON.stringify(report));
    assert.ok(report.snapshots.length > 0 && report.snapshots.every((s) => s.ok), JSON.stringify(report.snapshots));
  });
});
