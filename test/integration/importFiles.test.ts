import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { OxigraphRegistryStore } from '../../src/store/OxigraphRegistryStore.js';
import { registerOrganisationWithUsers } from '../support/fspAccounts.js';
import { root } from '../support/fixtures.js';
import { ADMIN_TOKEN, BASE, embeddedOnly, startTestRegistry, type TestRegistry } from '../support/testRegistry.js';

const run = promisify(execFile);
const ECR = join(root, 'test/fixtures/import-ecr/ukpn-ecr-excerpt.csv');

async function fmar(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(root, 'src/cli/fmar.ts'), ...args], { cwd: root, env: { ...process.env, FMAR_BASE_IRI: BASE, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** fmar import (issue #9): into a data folder from the command line, and into a running registry over HTTP. */
describe('Importing published files', function () {
  this.timeout(180_000);

  describe('POST /imports/{kind}', () => {
    let t: TestRegistry;
    before(async () => {
      t = await startTestRegistry({ snapshotEvery: 0 });
    });
    after(() => t.close());
    const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

    it('imports a file for an administrator and answers with the summary and the row report', async () => {
      const res = await request(t.app).post('/imports/ecr?file=ukpn-ecr-excerpt.csv').set(admin).set('Content-Type', 'text/csv').send(await readFile(ECR)).expect(200);
      assert.equal(res.body.summary.rows, 19);
      assert.equal(res.body.summary.file, 'ukpn-ecr-excerpt.csv');
      assert.equal(res.body.rows.length, 19);
      // Reference data is public: an anonymous reader finds the entries through SPARQL.
      const sparql = await request(t.app).post('/sparql').set('Content-Type', 'application/sparql-query').set('Accept', 'application/sparql-results+json').send('SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a <https://w3id.org/fmar/ontology#EcrEntry> }').expect(200);
      assert.equal(sparql.body.results.bindings[0].n.value, '19');
    });

    it('gives the row report as CSV when asked', async () => {
      const res = await request(t.app).post('/imports/ecr').set(admin).set('Accept', 'text/csv').set('Content-Type', 'application/octet-stream').send(await readFile(ECR)).expect(200);
      assert.match(res.text, /^row,line,outcome,records,changes,warnings,errors/);
      assert.match(res.text, /unchanged/);
    });

    it('refuses anyone but an administrator, an unknown kind and an unreadable file, importing nothing', async () => {
      const fsp = await registerOrganisationWithUsers(t.app, ['FSP']);
      await request(t.app).post('/imports/ecr').set('Content-Type', 'text/csv').send('x').expect(401);
      await request(t.app).post('/imports/ecr').set(fsp.keys.ASSET_MANAGER).set('Content-Type', 'text/csv').send('x').expect(403);
      await request(t.app).post('/imports/shipping-forecast').set(admin).set('Content-Type', 'text/csv').send('x').expect(404);
      const lines = (await readFile(ECR, 'utf8')).split('\r\n');
      const broken = [lines[0], lines[1], `${lines[2]},one field too many`, ''].join('\r\n');
      const head = t.registry.store.head().sequence;
      const res = await request(t.app).post('/imports/ecr').set(admin).set('Content-Type', 'text/csv').send(broken).expect(422);
      assert.equal(res.body.line, 3);
      assert.equal(t.registry.store.head().sequence, head, 'nothing written');
    });
  });

  describe('fmar import', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'fmar-import-cli-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('imports into a data folder, writes the report as JSON and CSV, and changes nothing the second time', async function () {
      embeddedOnly(this, 'imports into an embedded data folder');
      const first = await fmar(['import', 'ecr', ECR, '--data-dir', dir, '--report', join(dir, 'report')]);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /19 rows/);
      assert.match(first.stdout, /accepted 19 \(with warnings 0\), rejected 0/);
      const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { summary: { entities: { created: number } } };
      assert.ok(report.summary.entities.created > 19);
      assert.equal((await readFile(join(dir, 'report.csv'), 'utf8')).trim().split('\n').length, 20);
      const again = await fmar(['import', 'ecr', ECR, '--data-dir', dir]);
      assert.match(again.stdout, /records: created 0, updated 0, unchanged \d+/);
    });

    it('refuses a data folder a running registry holds', async function () {
      embeddedOnly(this, 'the lock of an embedded data folder');
      const store = await OxigraphRegistryStore.open({ dataDir: dir });
      try {
        // The lock names this test process; the command runs in another one.
        const res = await fmar(['import', 'ecr', ECR, '--data-dir', dir]);
        assert.notEqual(res.code, 0);
        assert.match(res.stderr, /in use by process \d+/);
      } finally {
        await store.close();
      }
    });

    it('imports into a running registry with --url and an administrator token', async () => {
      const t = await startTestRegistry({ snapshotEvery: 0 });
      const server: Server = createServer(t.app).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const res = await fmar(['import', 'ecr', ECR, '--url', url, '--token', ADMIN_TOKEN, '--report', join(dir, 'remote')]);
        assert.equal(res.code, 0, res.stderr);
        assert.match(res.stdout, /19 rows/);
        assert.ok((await readFile(join(dir, 'remote.csv'), 'utf8')).startsWith('row,line,outcome'));
        const refused = await fmar(['import', 'ecr', ECR, '--url', url, '--token', 'wrong']);
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /answered 401/);
      } finally {
        server.close();
        await t.close();
      }
    });
  });
});
