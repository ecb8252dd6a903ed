import assert from 'node:assert/strict';
import { parse as parseCsv } from 'csv-parse/sync';
import { Parser } from 'n3';
import express from 'express';
import request from 'supertest';
import { authenticate } from '../../src/http/authentication.js';
import { problemDetailsHandler } from '../../src/http/problemDetails.js';
import { RecordRepresentation } from '../../src/http/recordRepresentation.js';
import { assetExportRoutes } from '../../src/http/routes/assetExportRoutes.js';
import { FMAR } from '../../src/rdf/namespaces.js';
import { asText, mpan, registerOrganisationWithUsers, type TestOrganisation } from '../support/fspAccounts.js';
import { BASE, asAdmin, exampleBody, startTestRegistry, type TestRegistry } from '../support/testRegistry.js';

/**
 * UC-02.05 Export Asset Data (issue #7): GET /assets/export in CSV, JSON-LD, Turtle and N-Quads, by ?format= or
 * Accept; only the assets the principal may read (the same policy as REST); credentials required; logged.
 */
describe('Asset export (UC-02.05)', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  let a: TestOrganisation;
  let b: TestOrganisation;
  const ids: Record<string, string> = {};

  before(async () => {
    t = await startTestRegistry();
    a = await registerOrganisationWithUsers(t.app, ['FSP'], ['ASSET_MANAGER', 'DATA_VIEWER']);
    b = await registerOrganisationWithUsers(t.app, ['FSP']);
    const base = await exampleBody('asset');
    ids.a1 = (await request(t.app).post('/assets').set(a.keys.ASSET_MANAGER).send({ ...base, assetName: 'A one', importMPAN: mpan('101234567890'), serialNumber: 'A-ONE-1', friendlyCode: 'A-1' }).expect(201)).body.assetId;
    ids.a2 = (await request(t.app).post('/assets').set(a.keys.ASSET_MANAGER).send({ ...base, assetName: 'A two', assetCategory: 'SOLAR_PV', fuelType_EnergySource: 'SOLAR', importMPAN: mpan('101234567891'), exportMPAN: mpan('101234567892'), serialNumber: 'A-TWO-2', friendlyCode: 'A-2', energyStorageCapacity: undefined }).expect(201)).body.assetId;
    ids.b1 = (await request(t.app).post('/assets').set(b.keys.ASSET_MANAGER).send({ ...base, assetName: 'B one', gspGroup: '_B', dnoConnection: 'NGED_EMID', importMPAN: mpan('111234567890'), serialNumber: 'B-ONE-1' }).expect(201)).body.assetId;
  });
  after(async () => t.close());

  const exportAs = (headers: Record<string, string>, query = '', accept?: string) => {
    const req = request(t.app).get(`/assets/export${query}`).set(headers);
    return asText(accept ? req.set('Accept', accept) : req);
  };

  it('exports CSV by default: one row per readable asset, headed by the ontology labels, codes as codes and links as IDs', async () => {
    const res = await exportAs(a.keys.DATA_VIEWER).expect(200);
    assert.match(res.headers['content-type'], /^text\/csv/);
    assert.match(res.headers['content-disposition'], /fmar-assets\.csv/);
    const [header, ...rows] = parseCsv(res.body as string) as string[][];
    assert.equal(header[0], 'FMAR asset ID');
    assert.ok(header.includes('asset name') && header.includes('import MPAN') && header.includes('asset category') && header.includes('responsible FSP'), header.join(', '));
    assert.equal(rows.length, 2);
    const cell = (row: string[], column: string) => row[header.indexOf(column)];
    const byId = new Map(rows.map((r) => [cell(r, 'FMAR asset ID'), r]));
    assert.deepEqual([...byId.keys()].sort(), [ids.a1, ids.a2].sort());
    const a2 = byId.get(ids.a2)!;
    assert.equal(cell(a2, 'asset name'), 'A two');
    assert.equal(cell(a2, 'asset category'), 'SOLAR_PV');
    assert.equal(cell(a2, 'responsible FSP'), a.id);
    assert.equal(cell(a2, 'export MPAN'), mpan('101234567892'), 'the FSP sees its own personal values');
    assert.equal(cell(a2, 'rated capacity'), '5000');
    assert.equal(cell(a2, 'energy storage capacity'), '', 'an absent value is an empty cell');
    assert.equal(cell(byId.get(ids.a1)!, 'energy storage capacity'), '10000');
  });

  it('never shows FSP A the assets of FSP B, nor B those of A; an administrator exports them all', async () => {
    const idsIn = async (headers: Record<string, string>) => ((parseCsv((await exportAs(headers).expect(200)).body as string, { columns: true }) as Record<string, string>[]).map((r) => r['FMAR asset ID'])).sort();
    assert.deepEqual(await idsIn(a.keys.ASSET_MANAGER), [ids.a1, ids.a2].sort());
    assert.deepEqual(await idsIn(b.keys.ASSET_MANAGER), [ids.b1]);
    const all = await idsIn({ Authorization: 'Bearer test-admin-token' });
    for (const id of Object.values(ids)) assert.ok(all.includes(id));
    for (const format of ['jsonld', 'turtle', 'nquads']) {
      const text = (await exportAs(b.keys.ASSET_MANAGER, `?format=${format}`).expect(200)).body as string;
      assert.ok(text.includes(ids.b1) && !text.includes(ids.a1) && !text.includes(ids.a2), `${format} as B`);
    }
  });

  it('cuts each asset to the parts the principal may read: a DNO sees its area\'s assets without MPANs unless it states a purpose', async () => {
    const dno = await registerOrganisationWithUsers(t.app, ['DNO'], ['DATA_VIEWER'], { networkAreas: ['_A'] });
    const rowsAs = async (headers: Record<string, string>) => parseCsv((await exportAs(headers).expect(200)).body as string, { columns: true }) as Record<string, string>[];
    const plain = await rowsAs(dno.keys.DATA_VIEWER);
    assert.deepEqual(plain.map((r) => r['FMAR asset ID']).sort(), [ids.a1, ids.a2].sort(), 'the assets in its area, not B\'s in _B');
    assert.ok(plain.every((r) => r['import MPAN'] === '' && r['asset name'] !== ''), 'no personal values without a stated purpose');
    const withPurpose = await rowsAs({ ...dno.keys.DATA_VIEWER, 'FMAR-Purpose': 'connection-management' });
    assert.deepEqual(withPurpose.map((r) => r['import MPAN']).sort(), [mpan('101234567890'), mpan('101234567891')].sort());
  });

  it('refuses the anonymous public (401) and a malformed request (400, 406, 422) before sending anything', async () => {
    const anonymous = await request(t.app).get('/assets/export').expect(401);
    assert.match(anonymous.headers['content-type'], /problem\+json/);
    await request(t.app).get('/assets/export?format=xml').set(a.keys.ASSET_MANAGER).expect(400);
    await request(t.app).get('/assets/export').set(a.keys.ASSET_MANAGER).set('Accept', 'application/pdf').expect(406);
    const badFilter = await request(t.app).get('/assets/export?noSuchField=1').set(a.keys.ASSET_MANAGER).expect(422);
    assert.match(badFilter.body.detail, /cannot filter/);
  });

  it('gives JSON-LD: the FMAR context and a @graph of the records as GET /assets/{id} shows them', async () => {
    const res = await exportAs(a.keys.ASSET_MANAGER, '?format=jsonld').expect(200);
    assert.match(res.headers['content-type'], /^application\/ld\+json/);
    const doc = JSON.parse(res.body as string) as { '@context': string; '@graph': Record<string, unknown>[] };
    assert.equal(doc['@context'], 'https://w3id.org/fmar/context/v1');
    assert.equal(doc['@graph'].length, 2);
    const single = (await request(t.app).get(`/assets/${ids.a1}`).set(a.keys.ASSET_MANAGER).expect(200)).body as Record<string, unknown>;
    const { '@context': _c, ...expected } = single;
    assert.deepEqual(doc['@graph'].find((n) => n.assetId === ids.a1), expected);
  });

  it('gives Turtle (graphs merged) and N-Quads (the records\' own graphs), by ?format= or by Accept', async () => {
    const turtle = await exportAs(a.keys.ASSET_MANAGER, '', 'text/turtle').expect(200);
    assert.match(turtle.headers['content-type'], /^text\/turtle/);
    const triples = new Parser({ format: 'text/turtle' }).parse(turtle.body as string);
    assert.deepEqual([...new Set(triples.map((q) => q.subject.value))].sort(), [`${BASE}assets/${ids.a1}`, `${BASE}assets/${ids.a2}`].sort());
    assert.ok(triples.some((q) => q.predicate.value.endsWith('#importMPAN')));
    const nquads = await exportAs(a.keys.ASSET_MANAGER, '?format=nquads').expect(200);
    assert.match(nquads.headers['content-type'], /^application\/n-quads/);
    const quads = new Parser({ format: 'application/n-quads' }).parse(nquads.body as string);
    assert.equal(quads.length, triples.length);
    const graphs = new Set(quads.map((q) => q.graph.value));
    assert.ok(graphs.has(`${BASE}assets/${ids.a1}`) && graphs.has(`${BASE}assets/${ids.a1}#personal`) && graphs.has(`${BASE}assets/${ids.a1}#restricted`), [...graphs].join(' '));
  });

  it('applies the same filters as GET /assets', async () => {
    const res = await exportAs(a.keys.ASSET_MANAGER, '?assetCategory=SOLAR_PV').expect(200);
    const rows = parseCsv(res.body as string, { columns: true }) as Record<string, string>[];
    assert.deepEqual(rows.map((r) => r['FMAR asset ID']), [ids.a2]);
  });

  it('streams page by page: an export over many pages is the same file as one in a single page, in ID order', async () => {
    const base = await exampleBody('asset');
    const more: string[] = [];
    for (let i = 0; i < 20; i++) more.push((await request(t.app).post('/assets').set(b.keys.ASSET_MANAGER).send({ ...base, assetName: `B many ${i}`, gspGroup: '_B', dnoConnection: 'NGED_EMID', serialNumber: `B-MANY-${i}` }).expect(201)).body.assetId);
    // The same routes with pages of 3 assets, on an app with the same authentication and error handling.
    const paged = express();
    paged.use(authenticate(t.registry.authenticator, BASE));
    paged.use(assetExportRoutes(t.registry, new RecordRepresentation(t.registry.model, t.registry.documentLoader, { fmar: FMAR }), { pageSize: 3 }));
    paged.use(problemDetailsHandler);
    for (const format of ['csv', 'jsonld', 'turtle', 'nquads']) {
      const whole = (await exportAs(b.keys.ASSET_MANAGER, `?format=${format}`).expect(200)).body as string;
      const inPages = (await asText(request(paged).get(`/assets/export?format=${format}`).set(b.keys.ASSET_MANAGER)).expect(200)).body as string;
      assert.equal(inPages, whole, format);
    }
    const rows = parseCsv((await exportAs(b.keys.ASSET_MANAGER).expect(200)).body as string, { columns: true }) as Record<string, string>[];
    assert.deepEqual(rows.map((r) => r['FMAR asset ID']), [ids.b1, ...more].sort());
  });

  it('logs each export as a data access of the principal (UC-05.01)', async () => {
    await exportAs(a.keys.DATA_VIEWER, '?format=turtle').expect(200);
    await t.registry.accessLog.flush();
    const logged = await asAdmin(t.app).get('/sparql').query({ query: `PREFIX access: <https://w3id.org/fmar/access#>
      SELECT ?query WHERE { ?e a access:DataAccess ; access:channel "export" ; access:query ?query }` }).set('Accept', 'application/sparql-results+json').expect(200);
    const queries = (logged.body.results.bindings as { query: { value: string } }[]).map((b) => b.query.value);
    assert.ok(queries.includes('GET /assets/export?format=turtle'), queries.join('\n'));
  });
});
