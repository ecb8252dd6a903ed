import assert from 'node:assert/strict';
import { parse as parseCsv } from 'csv-parse/sync';
import express from 'express';
import request from 'supertest';
import { authenticate } from '../../src/http/authentication.js';
import { problemDetailsHandler } from '../../src/http/problemDetails.js';
import { bulkRoutes } from '../../src/http/routes/bulkRoutes.js';
import { asText, mpan, registerOrganisationWithUsers, type TestOrganisation } from '../support/fspAccounts.js';
import { ADMIN_TOKEN, BASE, embeddedOnly, exampleBody, startTestRegistry, type TestRegistry } from '../support/testRegistry.js';

/**
 * Bulk registration (issue #7): POST /assets/bulk with NDJSON, a JSON-LD @graph or CSV; every row validated and
 * written on its own with a per-row report (JSON or CSV); idempotent retries by row key; the progress resource of
 * an upload run in the background (Prefer: respond-async).
 */
interface ReportRow {
  row: number;
  rowKey?: string;
  status: 'created' | 'existing' | 'rejected';
  assetId?: string;
  errors?: { field?: string; column?: string; message: string }[];
}

describe('Bulk registration of assets', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  let a: TestOrganisation;
  let b: TestOrganisation;
  let asset: Record<string, unknown>;

  before(async () => {
    t = await startTestRegistry();
    a = await registerOrganisationWithUsers(t.app, ['FSP'], ['ASSET_MANAGER', 'DATA_VIEWER']);
    b = await registerOrganisationWithUsers(t.app, ['FSP']);
    asset = await exampleBody('asset');
  });
  after(async () => t.close());

  const ndjson = (rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
  const upload = (headers: Record<string, string>, type: string, body: string | object) => request(t.app).post('/assets/bulk').set(headers).set('Content-Type', type).send(body as string);
  const assetCount = async (headers: Record<string, string>) => {
    const text = (await asText(request(t.app).get('/assets/export').set(headers)).expect(200)).body as string;
    return (parseCsv(text) as string[][]).length - 1;
  };
  const row = (i: number, extra: Record<string, unknown> = {}) => ({ ...asset, assetName: `Bulk ${i}`, serialNumber: `BULK-${Math.random().toString(36).slice(2)}`, ...extra });

  it('registers NDJSON rows each on its own: good rows are created, bad rows rejected with errors naming the field', async () => {
    const lines = `${ndjson([row(1), row(2, { ratedCapacity: 'lots' }), row(3, { assetCategory: 'NOT_A_CATEGORY' })])}{"assetName": broken\n\n${ndjson([row(5, { noSuchField: 1 }), row(6)])}`;
    const res = await upload(a.keys.ASSET_MANAGER, 'application/x-ndjson', lines).expect(200);
    const report = res.body.report as ReportRow[];
    assert.deepEqual(report.map((r) => [r.row, r.status]), [[1, 'created'], [2, 'rejected'], [3, 'rejected'], [4, 'rejected'], [5, 'rejected'], [6, 'created']]);
    assert.deepEqual({ rows: res.body.rows, rowsDone: res.body.rowsDone, accepted: res.body.accepted, created: res.body.created, rejected: res.body.rejected, status: res.body.status }, { rows: 6, rowsDone: 6, accepted: 2, created: 2, rejected: 4, status: 'finished' });
    assert.ok(report[1].errors!.some((e) => e.field === 'ratedCapacity'), JSON.stringify(report[1]));
    assert.ok(report[2].errors!.some((e) => e.field === 'assetCategory'), JSON.stringify(report[2]));
    assert.match(report[3].errors![0].message, /not valid JSON/);
    assert.match(JSON.stringify(report[4].errors), /noSuchField/);
    for (const created of [report[0], report[5]]) {
      const got = await request(t.app).get(`/assets/${created.assetId}`).set(a.keys.DATA_VIEWER).expect(200);
      assert.equal(got.body.responsibleFSP, a.id, 'the uploader\'s organisation is responsible');
      assert.equal(got.body.assetRegistrationStatus, 'PENDING_VALIDATION');
    }
  });

  it('sends every asset it registers through the authenticity checks, as POST /assets does (UC-02.02 step 3)', async function () {
    embeddedOnly(this, 'starts a second registry, which on the shared remote store would reset the first one\'s graphs');
    const checked = await startTestRegistry({ authenticityChecks: true });
    try {
      const fsp = await registerOrganisationWithUsers(checked.app, ['FSP']);
      const res = await request(checked.app).post('/assets/bulk').set(fsp.keys.ASSET_MANAGER).set('Content-Type', 'application/x-ndjson').send(ndjson([row(1), row(2, { ratedCapacity: -1 }), row(3)])).expect(200);
      await checked.registry.assetVerification.idle();
      const ids = (res.body.report as ReportRow[]).filter((r) => r.status === 'created').map((r) => r.assetId);
      assert.equal(ids.length, 2);
      const checks = await request(checked.app).get('/sparql').set('Authorization', `Bearer ${ADMIN_TOKEN}`).set('Accept', 'application/sparql-results+json').query({ query: `PREFIX fmar: <https://w3id.org/fmar/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT DISTINCT ?check ?asset WHERE { ?check a fmar:AuthenticityCheck ; prov:used ?v . ?v prov:specializationOf ?asset }` }).expect(200);
      assert.deepEqual(checks.body.results.bindings.map((b: { asset: { value: string } }) => b.asset.value).sort(), ids.map((id) => `${BASE}assets/${id}`).sort());
    } finally {
      await checked.close();
    }
  });

  it('registers a JSON-LD @graph document, ignoring the fields the registry assigns', async () => {
    const doc = { '@context': 'https://w3id.org/fmar/context/v1', '@graph': [{ ...row(1), '@type': 'Asset', assetId: '01935f3e-8c2a-7d4b-9a1e-3c5d7f9b2e41', responsibleFSP: b.id, registeredOn: '2020-01-01', '@id': 'https://elsewhere.example/assets/x' }, row(2, { effectiveDate: 'tomorrow' })] };
    const res = await upload(a.keys.ASSET_MANAGER, 'application/ld+json', doc).expect(200);
    const report = res.body.report as ReportRow[];
    assert.deepEqual(report.map((r) => r.status), ['created', 'rejected']);
    assert.ok(report[1].errors!.some((e) => e.field === 'effectiveDate'), JSON.stringify(report[1]));
    const got = await request(t.app).get(`/assets/${report[0].assetId}`).set(a.keys.DATA_VIEWER).expect(200);
    assert.notEqual(got.body.assetId, '01935f3e-8c2a-7d4b-9a1e-3c5d7f9b2e41');
    assert.equal(got.body.responsibleFSP, a.id);
    assert.notEqual(got.body.registeredOn, '2020-01-01');
    await upload(a.keys.ASSET_MANAGER, 'application/ld+json', { '@context': 'https://example.org/other', '@graph': [row(3)] }).expect(400);
    await upload(a.keys.ASSET_MANAGER, 'application/ld+json', row(3)).expect(400);
  });

  it('registers CSV with the export\'s columns; errors name the field and the column', async () => {
    const exported = (await asText(request(t.app).get('/assets/export?format=csv').set(a.keys.ASSET_MANAGER)).expect(200)).body as string;
    const [header] = parseCsv(exported) as string[][];
    const cells = (values: Record<string, string>) => header.map((h) => values[h] ?? '');
    const good = { 'asset name': 'From CSV', 'capacity justification': 'Sized for peak, "winter" demand\nsecond line', 'asset category': 'BESS', 'rated capacity': '7.50', 'effective from date': String(asset.effectiveDate), 'DNO connection': 'UKPN_EPN', 'GSP group': '_A', 'import MPAN': mpan('101111111111'), 'serial number': 'CSV-1', 'connection status': 'CONNECTED', 'connection type': 'NON_FIRM', 'commissioning date': String(asset.commissioningDate), 'energy source': 'GRID', 'FMAR asset ID': '01935f3e-8c2a-7d4b-9a1e-3c5d7f9b2e41' };
    const csv = [header, cells(good), cells({ ...good, 'serial number': 'CSV-2', 'asset category': 'NOPE' }), cells({ ...good, 'serial number': 'CSV-3', 'rated capacity': '1,5' })].map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\r\n');
    const res = await upload(a.keys.ASSET_MANAGER, 'text/csv', csv).expect(200);
    const report = res.body.report as ReportRow[];
    assert.deepEqual(report.map((r) => r.status), ['created', 'rejected', 'rejected'], JSON.stringify(report));
    assert.ok(report[1].errors!.some((e) => e.field === 'assetCategory' && e.column === 'asset category'), JSON.stringify(report[1]));
    assert.ok(report[2].errors!.some((e) => e.field === 'ratedCapacity' && e.column === 'rated capacity'), JSON.stringify(report[2]));
    const got = await request(t.app).get(`/assets/${report[0].assetId}`).set(a.keys.DATA_VIEWER).expect(200);
    assert.equal(got.body.capacityJustification, 'Sized for peak, "winter" demand\nsecond line');
    assert.equal(got.body.ratedCapacity, 7.5);
  });

  it('refuses a CSV whose header is not the export\'s, or whose quoting is broken, before writing anything (400)', async () => {
    const before = await assetCount(a.keys.ASSET_MANAGER);
    const unknown = await upload(a.keys.ASSET_MANAGER, 'text/csv', 'asset name,colour\nX,red\n').expect(400);
    assert.equal(unknown.body.errors[0].header, 'colour');
    await upload(a.keys.ASSET_MANAGER, 'text/csv', 'asset name,asset category\n"Unclosed,BESS\n').expect(400);
    await upload(a.keys.ASSET_MANAGER, 'text/csv', 'asset name,assetName\nX,Y\n').expect(400);
    await upload(a.keys.ASSET_MANAGER, 'text/plain', 'hello').expect(415);
    assert.equal(await assetCount(a.keys.ASSET_MANAGER), before);
  });

  it('is idempotent by row key: a retried upload reports the earlier assets and creates no duplicates', async () => {
    const rows: Record<string, unknown>[] = [row(1, { rowKey: 'k-1' }), row(2, { rowKey: 'k-2', ratedCapacity: 6000 }), row(3, { rowKey: 'k-3', ratedCapacity: -1 })];
    const first = (await upload(a.keys.ASSET_MANAGER, 'application/x-ndjson', ndjson(rows)).expect(200)).body.report as ReportRow[];
    assert.deepEqual(first.map((r) => r.status), ['created', 'created', 'rejected']);
    const count = await assetCount(a.keys.ASSET_MANAGER);
    // The retry writes the capacity as a string with decimals: the same value, so the same row.
    rows[1] = { ...rows[1], ratedCapacity: '6000.00' };
    const retry = (await upload(a.keys.ASSET_MANAGER, 'application/x-ndjson', ndjson(rows)).expect(200)).body;
    assert.deepEqual(retry.report.map((r: ReportRow) => r.status), ['existing', 'existing', 'rejected']);
    assert.deepEqual(retry.report.slice(0, 2).map((r: ReportRow) => r.assetId), first.slice(0, 2).map((r) => r.assetId));
    assert.deepEqual([retry.accepted, retry.existing, retry.created], [2, 2, 0]);
    assert.equal(await assetCount(a.keys.ASSET_MANAGER), count, 'no duplicates');
    // The same key with other values is refused, naming rowKey; a key twice in one upload too.
    const changed = (await upload(a.keys.ASSET_MANAGER, 'application/x-ndjson', ndjson([{ ...rows[0], assetName: 'Renamed' }, row(4, { rowKey: 'k-4' }), row(5, { rowKey: 'k-4' })])).expect(200)).body.report as ReportRow[];
    assert.deepEqual(changed.map((r) => r.status), ['rejected', 'created', 'rejected']);
    assert.equal(changed[0].errors![0].field, 'rowKey');
    assert.match(changed[0].errors![0].message, new RegExp(first[0].assetId!));
    assert.match(changed[2].errors![0].message, /repeats row 2/);
    // Keys belong to the organisation: another FSP's k-1 is its own asset.
    const other = (await upload(b.keys.ASSET_MANAGER, 'application/x-ndjson', ndjson([row(1, { rowKey: 'k-1', gspGroup: '_B', dnoConnection: 'NGED_EMID' })])).expect(200)).body.report as ReportRow[];
    assert.equal(other[0].status, 'created');
    assert.notEqual(other[0].assetId, first[0].assetId);
  });

  it('creates no duplicates when a retry arrives while the first upload is still running', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => row(i, { rowKey: `race-${i}` }));
    const count = await assetCount(a.keys.ASSET_MANAGER);
    const [one, two] = await Promise.all([0, 1].map(() => upload(a.keys.ASSET_MANAGER, 'application/x-ndjson', ndjson(rows)).expect(200)));
    const statuses = [...one.body.report, ...two.body.report].map((r: ReportRow) => r.status);
    assert.equal(statuses.filter((s) => s === 'created').length, 40);
    assert.equal(statuses.filter((s) => s === 'existing').length, 40);
    assert.equal(await assetCount(a.keys.ASSET_MANAGER), count + 40);
  });

  it('runs an upload in the background with Prefer: respond-async: 202, then a progress resource with the report', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => row(i, i === 7 ? { ratedCapacity: 0 } : {}));
    const accepted = await upload(a.keys.ASSET_MANAGER, 'application/x-ndjson', ndjson(rows)).set('Prefer', 'respond-async').expect(202);
    assert.equal(accepted.headers['preference-applied'], 'respond-async');
    const location = accepted.headers.location as string;
    assert.match(location, new RegExp(`^${BASE}bulk-uploads/`));
    assert.equal(accepted.body.rows, 30);
    const path = new URL(location).pathname;
    let progress = accepted.body;
    for (let i = 0; progress.status === 'running' && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      progress = (await request(t.app).get(path).set(a.keys.ASSET_MANAGER).expect(200)).body;
      assert.ok(progress.rowsDone <= 30);
    }
    assert.equal(progress.status, 'finished');
    assert.deepEqual([progress.rowsDone, progress.accepted, progress.rejected], [30, 29, 1]);
    assert.equal(progress.report.length, 30);
    assert.equal(progress.report[7].status, 'rejected');
    assert.ok(progress.report[7].errors.some((e: { field?: string }) => e.field === 'ratedCapacity'));
    const csv = await asText(request(t.app).get(path).set(a.keys.ASSET_MANAGER).set('Accept', 'text/csv')).expect(200);
    assert.equal((parseCsv(csv.body as string) as string[][]).length, 31);
    // Only the agent that uploaded (or an administrator) sees the upload.
    await request(t.app).get(path).set(a.keys.DATA_VIEWER).expect(404);
    await request(t.app).get(path).set(b.keys.ASSET_MANAGER).expect(404);
    await request(t.app).get(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    await request(t.app).get('/bulk-uploads/00000000-0000-7000-8000-000000000000').set(a.keys.ASSET_MANAGER).expect(404);
  });

  it('answers with the report as CSV when asked: row, rowKey, status, assetId, errors', async () => {
    const res = await asText(upload(a.keys.ASSET_MANAGER, 'application/x-ndjson', ndjson([row(1, { rowKey: 'csv-report-1' }), row(2, { rowKey: 'csv-report-2', assetCategory: 'NOPE' })])).set('Accept', 'text/csv')).expect(200);
    assert.match(res.headers['content-type'], /^text\/csv/);
    const [header, first, second] = parseCsv(res.body as string) as string[][];
    assert.deepEqual(header, ['row', 'rowKey', 'status', 'assetId', 'errors', 'warnings']);
    assert.deepEqual(first.slice(0, 3), ['1', 'csv-report-1', 'created']);
    assert.match(first[3], /^[0-9a-f-]{36}$/);
    assert.deepEqual(second.slice(0, 4), ['2', 'csv-report-2', 'rejected', '']);
    assert.match(second[4], /^assetCategory: /);
  });

  it('needs a principal that may register assets (401, 403), and refuses uploads it cannot read (406, 413)', async () => {
    await upload({}, 'application/x-ndjson', ndjson([row(1)])).expect(401);
    await upload(a.keys.DATA_VIEWER, 'application/x-ndjson', ndjson([row(1)])).expect(403);
    await upload({ Authorization: `Bearer ${ADMIN_TOKEN}` }, 'application/x-ndjson', ndjson([row(1)])).expect(400);
    await upload(a.keys.ASSET_MANAGER, 'application/x-ndjson', ndjson([row(1)])).set('Accept', 'application/pdf').expect(406);
    await upload(a.keys.ASSET_MANAGER, 'application/x-ndjson', '\n\n').expect(400);
    // A small upload limit, on an app with the same authentication and error handling.
    const small = express();
    small.use(authenticate(t.registry.authenticator, BASE));
    small.use(bulkRoutes(t.registry, { uploadLimitBytes: 1000 }));
    small.use(problemDetailsHandler);
    const tooLarge = await request(small).post('/assets/bulk').set(a.keys.ASSET_MANAGER).set('Content-Type', 'application/x-ndjson').send(ndjson([row(1), row(2), row(3)])).expect(413);
    assert.match(tooLarge.headers['content-type'], /problem\+json/);
  });
});
