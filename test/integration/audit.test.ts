import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataFactory, Writer } from 'n3';
import oxigraph from 'oxigraph';
import request from 'supertest';
import { stateHash, verifyAudit } from '../../src/provenance/auditVerification.js';
import { FMAR } from '../../src/rdf/namespaces.js';
import { backupDataDir, restoreDataDir } from '../../src/store/backup.js';
import { OxigraphRegistryStore } from '../../src/store/OxigraphRegistryStore.js';
import { sha256 } from '../../src/store/rdfPatch.js';
import { root } from '../support/fixtures.js';
import { ADMIN_TOKEN, BASE, embeddedOnly, exampleBody, onRemoteStore, remoteSparql, startTestRegistry, type TestRegistry, asAdmin } from '../support/testRegistry.js';

const run = promisify(execFile);
async function fmar(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(root, 'src/cli/fmar.ts'), ...args], { cwd: root });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

async function storeHash(dataDir: string): Promise<string> {
  const store = await OxigraphRegistryStore.open({ dataDir, snapshotEvery: 0 });
  const copy = new oxigraph.Store();
  for (const chunk of store.dumpChunks()) copy.load(chunk, { format: 'application/n-quads' });
  await store.close();
  return stateHash(copy);
}

describe('Tamper evidence, recovery and backup', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

  /**
   * Rewrites journal record `sequence` where the backend keeps it, as someone with write access to the storage
   * would: in the embedded store's journal file, or in the remote store's journal graph of that transaction.
   */
  async function editJournalRecord(sequence: number, edit: (record: string) => string): Promise<void> {
    if (!onRemoteStore) {
      const journal = join(t.dir, 'journal.rdfp');
      const text = await readFile(journal, 'utf8');
      const start = text.indexOf(`H id <urn:fmar:tx:${sequence}>`);
      const next = text.indexOf(`H id <urn:fmar:tx:${sequence + 1}>`);
      const end = next === -1 ? text.length : next;
      await writeFile(journal, text.slice(0, start) + edit(text.slice(start, end)) + text.slice(end));
      return;
    }
    const graph = `${BASE}.well-known/fmar/journal/${sequence}`;
    const [row] = (await remoteSparql('query', `SELECT ?p WHERE { GRAPH <${graph}> { <${graph}> <${FMAR}patch> ?p } }`)).results.bindings;
    const { namedNode, literal } = DataFactory;
    const triple = new Writer({ format: 'N-Triples' }).quadToString(namedNode(graph), namedNode(`${FMAR}patch`), literal(edit(row.p.value)));
    await remoteSparql('update', `DELETE { GRAPH <${graph}> { <${graph}> <${FMAR}patch> ?p } } WHERE { GRAPH <${graph}> { <${graph}> <${FMAR}patch> ?p } } ;\nINSERT DATA { GRAPH <${graph}> { ${triple} } }`);
  }

  beforeEach(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
    const org = await request(t.app).post('/organisations').set(auth).send(await exampleBody('organisation')).expect(201);
    for (let i = 0; i < 6; i++) {
      await request(t.app).post('/assets').set(auth).set('FMAR-On-Behalf-Of', org.body.fmarOrganisationId).send({ ...(await exampleBody('asset')), assetName: `Battery ${i}` }).expect(201);
      if (i === 2) await t.registry.embedded?.snapshot();
    }
  });
  afterEach(async () => t.close());

  it('verifies an untouched trail in the running server', async () => {
    const status = await asAdmin(t.app).get('/audit/verify').expect(200);
    assert.equal(status.body.ok, true);
    assert.deepEqual(status.body.verifiedHead, status.body.journalHead);
    assert.equal(status.body.verifiedHead.sequence, 7);
  });

  it('verifies an untouched trail and its snapshots from the command line', async function () {
    embeddedOnly(this, 'fmar verify-audit reads the data folder; on a remote store GET /audit/verify checks the chain');
    const cli = await fmar('verify-audit', '--data-dir', t.dir);
    assert.equal(cli.code, 0, cli.stdout);
    assert.match(cli.stdout, /journal: 7 transactions verified/);
    assert.match(cli.stdout, /snapshot snapshot-000000000004.nq \(transaction 4\): matches the journal/);
  });

  it('catches one changed byte in an old transaction and names it', async () => {
    await editJournalRecord(3, (record) => record.replace('Battery 1', 'Battery 7'));
    const status = await asAdmin(t.app).get('/audit/verify').expect(500);
    assert.equal(status.body.ok, false);
    assert.equal(status.body.firstAltered.sequence, 3);
    if (onRemoteStore) return; // the rest checks the data folder's own tools
    const report = await verifyAudit(t.dir);
    assert.equal(report.ok, false);
    assert.equal(report.firstAltered?.sequence, 3);
    const cli = await fmar('verify-audit', '--data-dir', t.dir);
    assert.equal(cli.code, 1);
    assert.match(cli.stdout, /ALTERED: transaction 3/);
  });

  it('catches a rewritten transaction whose own hash was fixed up, through the next one', async () => {
    await editJournalRecord(3, (original) => {
      const record = original.replace('Battery 1', 'Battery 9');
      const body = record.slice(record.indexOf('TX .'));
      return record.replace(/H body "[0-9a-f]{64}"/, `H body "${sha256(body)}"`);
    });
    const status = await asAdmin(t.app).get('/audit/verify').expect(500);
    assert.equal(status.body.firstAltered.sequence, 3);
    assert.match(status.body.firstAltered.reason, /transaction 4 records a different hash for transaction 3/);
    if (onRemoteStore) return; // the rest checks the data folder's own tools
    const report = await verifyAudit(t.dir);
    assert.equal(report.firstAltered?.sequence, 3);
    assert.match(report.firstAltered!.reason, /transaction 4 records a different hash for transaction 3/);
  });

  it('explains what a damaged folder can be restored to, and restores it with --apply', async function () {
    embeddedOnly(this, 'fmar recover repairs the data folder; a remote store is restored with the server\'s own backup');
    await t.registry.close();
    const journal = join(t.dir, 'journal.rdfp');
    const bytes = await readFile(journal);
    bytes[bytes.indexOf('Battery 4') + 8] = 'X'.charCodeAt(0);
    await writeFile(journal, bytes);
    await assert.rejects(OxigraphRegistryStore.open({ dataDir: t.dir }), /damaged/);
    const explain = await fmar('recover', '--data-dir', t.dir);
    assert.match(explain.stdout, /can be restored to transaction 5/);
    const applied = await fmar('recover', '--data-dir', t.dir, '--apply');
    assert.equal(applied.code, 0, applied.stdout);
    const store = await OxigraphRegistryStore.open({ dataDir: t.dir });
    assert.equal(store.head().sequence, 5);
    await store.close();
    await rm(t.dir, { recursive: true, force: true });
    t = await startTestRegistry({ snapshotEvery: 0 }); // afterEach closes a fresh one
  });

  it('backs up while writes go on and restores into a fresh registry with the same state', async function () {
    embeddedOnly(this, 'fmar backup/restore copy the data folder; a remote store is backed up by the server');
    const org = (await asAdmin(t.app).get('/organisations').expect(200)).body.items[0].fmarOrganisationId as string;
    const writes = Promise.all(Array.from({ length: 20 }, async (_, i) => request(t.app).post('/assets').set(auth).set('FMAR-On-Behalf-Of', org).send({ ...(await exampleBody('asset')), assetName: `Late ${i}` })));
    const backupDir = await mkdtemp(join(tmpdir(), 'fmar-backup-'));
    const restoredDir = await mkdtemp(join(tmpdir(), 'fmar-restored-'));
    await backupDataDir(t.dir, join(backupDir, 'b'));
    await writes;
    await restoreDataDir(join(backupDir, 'b'), join(restoredDir, 'data'));
    const restored = await verifyAudit(join(restoredDir, 'data'));
    assert.equal(restored.ok, true);
    // The restored folder holds a prefix of the live journal; restoring the final state gives an equal store.
    const finalBackup = join(backupDir, 'final');
    // The GET above read personal data: its access-log entry is written within a second (AccessLog); write it now.
    await t.registry.accessLog.flush();
    await backupDataDir(t.dir, finalBackup);
    await restoreDataDir(finalBackup, join(restoredDir, 'final'));
    await t.registry.close();
    assert.equal(await storeHash(join(restoredDir, 'final')), await storeHash(t.dir));
    await rm(backupDir, { recursive: true, force: true });
    await rm(restoredDir, { recursive: true, force: true });
    await rm(t.dir, { recursive: true, force: true });
    t = await startTestRegistry({ snapshotEvery: 0 });
  });
});
