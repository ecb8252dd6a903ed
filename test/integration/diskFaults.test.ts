import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { JournalFaults } from '../../src/store/Journal.js';
import { OxigraphRegistryStore } from '../../src/store/OxigraphRegistryStore.js';
import { ADMIN_TOKEN, embeddedOnly, exampleBody, startTestRegistry, asAdmin } from '../support/testRegistry.js';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
function errno(code: string): Error {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/** Writes assets until told to stop; returns which were acknowledged (201) and which were refused (503). */
async function writeAssets(app: Parameters<typeof request>[0], fsp: string, from: number, count: number) {
  const acked: string[] = [];
  const refused: number[] = [];
  await Promise.all(Array.from({ length: count }, async (_, i) => {
    const res = await request(app).post('/assets').set(auth).set('FMAR-On-Behalf-Of', fsp).send({ ...(await exampleBody('asset')), assetName: `Asset ${from + i}` });
    if (res.status === 201) acked.push(res.body.assetId as string);
    else refused.push(res.status);
  }));
  return { acked, refused };
}

async function presentAssets(dataDir: string): Promise<Set<string>> {
  const store = await OxigraphRegistryStore.open({ dataDir });
  const json = JSON.parse(await store.query('SELECT ?id WHERE { GRAPH ?g { ?a <https://w3id.org/fmar/ontology#assetId> ?id } }', { resultsFormat: 'application/sparql-results+json' })) as { results: { bindings: { id: { value: string } }[] } };
  await store.close();
  return new Set(json.results.bindings.map((b) => b.id.value));
}

describe('Disk faults during writes', function () {
  this.timeout(120_000);
  before(function () {
    embeddedOnly(this, 'faults of the embedded journal\'s writes and fsyncs, and of the data folder\'s disk');
  });

  for (const [label, faults] of [
    ['a full disk (ENOSPC on write)', (on: () => boolean): JournalFaults => ({ beforeWrite: () => { if (on()) throw errno('ENOSPC'); } })],
    ['a failing fsync (EIO)', (on: () => boolean): JournalFaults => ({ beforeSync: () => { if (on()) throw errno('EIO'); } })],
  ] as const) {
    it(`refuses writes with 503 during ${label}, acknowledges nothing that is not durable, and recovers`, async () => {
      let failing = false;
      const t = await startTestRegistry({ snapshotEvery: 0 }, { journalFaults: faults(() => failing) });
      try {
        const fsp = (await request(t.app).post('/organisations').set(auth).send(await exampleBody('organisation')).expect(201)).body.fmarOrganisationId as string;
        const before = await writeAssets(t.app, fsp, 0, 10);
        failing = true;
        const during = await writeAssets(t.app, fsp, 100, 10);
        assert.equal(during.acked.length, 0, 'nothing is acknowledged while the disk fails');
        assert.ok(during.refused.every((s) => s === 503), `refusals are 503: ${during.refused}`);
        const problem = await request(t.app).post('/assets').set(auth).set('FMAR-On-Behalf-Of', fsp).send(await exampleBody('asset'));
        assert.equal(problem.status, 503);
        assert.match(problem.headers['content-type'], /problem\+json/);
        failing = false;
        await new Promise((r) => setTimeout(r, 300)); // the store reloads from disk
        const after = await writeAssets(t.app, fsp, 200, 10);
        assert.equal(after.acked.length, 10, `writes succeed again: ${after.refused}`);
        // Reads and SPARQL show exactly the acknowledged assets.
        const listed = await asAdmin(t.app).get('/assets?limit=100').expect(200);
        const acknowledged = new Set([...before.acked, ...after.acked]);
        assert.deepEqual(new Set(listed.body.items.map((i: { assetId: string }) => i.assetId)), acknowledged);
        const sparql = await asAdmin(t.app).get('/sparql').query({ query: 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a <https://w3id.org/fmar/ontology#assetId> ?id } }' }).set('Accept', 'application/json').expect(200);
        assert.equal(Number(sparql.body.results.bindings[0].n.value), acknowledged.size);
        await t.registry.close();
        assert.deepEqual(await presentAssets(t.dir), acknowledged, 'acknowledged = present after restart');
      } finally {
        await rm(t.dir, { recursive: true, force: true });
      }
    });
  }

  it('refuses writes on a real full filesystem (tmpfs) and accepts them again once space returns', async function () {
    const mountPoint = await mkdtemp(join(tmpdir(), 'fmar-tinyfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      await rm(mountPoint, { recursive: true, force: true });
      this.skip(); // needs root and mount permission; the injected ENOSPC test above always runs
    }
    const dataDir = join(mountPoint, 'data');
    try {
      const t = await startTestRegistry({ snapshotEvery: 0, dataDir });
      const fsp = (await request(t.app).post('/organisations').set(auth).send(await exampleBody('organisation')).expect(201)).body.fmarOrganisationId as string;
      mkdirSync(join(mountPoint, 'ballast'));
      let ballast = 0;
      try {
        for (;; ballast++) execFileSync('dd', ['if=/dev/zero', `of=${join(mountPoint, 'ballast', String(ballast))}`, 'bs=4k', 'count=1'], { stdio: 'ignore' });
      } catch {
        // the filesystem is full
      }
      // The journal's last page may still hold a write or two; then the disk refuses.
      const acked: string[] = [];
      let refusedWith: number | undefined;
      for (let i = 0; i < 50 && refusedWith === undefined; i++) {
        const res = await writeAssets(t.app, fsp, i, 1);
        acked.push(...res.acked);
        refusedWith = res.refused[0];
      }
      assert.equal(refusedWith, 503, 'a write on a full disk is refused with 503');
      rmSync(join(mountPoint, 'ballast'), { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
      const freed = await writeAssets(t.app, fsp, 100, 5);
      assert.equal(freed.acked.length, 5, `writes after space returns: ${freed.refused}`);
      await t.registry.close();
      assert.deepEqual(await presentAssets(dataDir), new Set([...acked, ...freed.acked]), 'acknowledged = present after restart');
    } finally {
      execFileSync('umount', [mountPoint], { stdio: 'ignore' });
      await rm(mountPoint, { recursive: true, force: true });
    }
  });
});
