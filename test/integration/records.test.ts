import assert from 'node:assert/strict';
import request from 'supertest';
import { ADMIN_TOKEN, BASE, exampleBody, startTestRegistry, type TestRegistry, asAdmin } from '../support/testRegistry.js';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe('REST for organisations and assets', () => {
  let t: TestRegistry;
  let fspId: string;
  before(async () => {
    t = await startTestRegistry();
    const org = await request(t.app).post('/organisations').set(auth).send(await exampleBody('organisation')).expect(201);
    fspId = org.body.fmarOrganisationId as string;
  });
  after(async () => t.close());

  async function createAsset(patch: Record<string, unknown> = {}) {
    return request(t.app).post('/assets').set(auth).set('FMAR-On-Behalf-Of', fspId).send({ ...(await exampleBody('asset')), ...patch });
  }

  describe('registering an organisation (UC-01.02)', () => {
    it('answers 201 with Location, ETag, a system ID and status Pending Approval', async () => {
      const res = await request(t.app).post('/organisations').set(auth).type('application/ld+json').send(JSON.stringify(await exampleBody('organisation'))).expect(201);
      assert.match(res.body.fmarOrganisationId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(res.headers.location, `${BASE}organisations/${res.body.fmarOrganisationId}`);
      assert.equal(res.headers.etag, '"v1.jsonld"');
      assert.equal(res.body.organisationStatus, 'PENDING_APPROVAL');
      assert.deepEqual([...res.body.organisationRoles].sort(), ['AGGREGATOR', 'FSP']);
    });

    it('gives a body without @context the FMAR context (application/json)', async () => {
      const { '@context': _context, ...plain } = await exampleBody('organisation');
      const res = await request(t.app).post('/organisations').set(auth).type('application/json').send(plain).expect(201);
      assert.equal(res.body['@context'], 'https://w3id.org/fmar/context/v1');
      assert.equal(res.body.organisationLegalName, plain.organisationLegalName);
    });

    it('updates an organisation with If-Match, lists organisations and reads them as N-Quads', async () => {
      const created = (await request(t.app).post('/organisations').set(auth).send(await exampleBody('organisation')).expect(201)).body as Record<string, unknown>;
      const id = created.fmarOrganisationId as string;
      const updated = await request(t.app).put(`/organisations/${id}`).set(auth).set('If-Match', '"v1.nq"').send({ ...created, organisationTradingName: 'Green Park Energy' });
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      assert.equal(updated.body.organisationStatus, 'PENDING_APPROVAL');
      const listed = await asAdmin(t.app).get('/organisations?organisationStatus=PENDING_APPROVAL&limit=100').expect(200);
      assert.ok(listed.body.items.some((o: { fmarOrganisationId: string; organisationTradingName: string }) => o.fmarOrganisationId === id && o.organisationTradingName === 'Green Park Energy'));
      const nquads = await asAdmin(t.app).get(`/organisations/${id}`).set('Accept', 'application/n-quads').buffer(true).parse((r, cb) => {
        let text = '';
        r.on('data', (c: Buffer) => (text += c.toString()));
        r.on('end', () => cb(null, text));
      }).expect(200);
      assert.match(nquads.body as string, /"alex.morgan@greenpark-flex.example" <http:\/\/registry.test\/organisations\/[^>]+#personal> \./);
    });

    it('refuses an asset write without credentials (401, problem+json)', async () => {
      const res = await request(t.app).post('/assets').send(await exampleBody('asset')).expect(401);
      assert.match(res.headers['content-type'], /application\/problem\+json/);
      assert.equal(res.body.status, 401);
    });
  });

  describe('registering an asset (UC-02.02)', () => {
    it('mints a UUID v7, returns it in Location and body, and links the FSP', async () => {
      const res = await createAsset();
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.match(res.body.assetId, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(res.headers.location, `${BASE}assets/${res.body.assetId}`);
      assert.equal(res.body.responsibleFSP, fspId);
      assert.equal(res.body.assetRegistrationStatus, 'PENDING_VALIDATION');
      assert.equal(res.body.ratedCapacity, 5000);
    });

    it('needs to know which FSP the asset belongs to', async () => {
      const res = await request(t.app).post('/assets').set(auth).send(await exampleBody('asset')).expect(400);
      assert.match(res.body.detail, /FMAR-On-Behalf-Of/);
    });

    it('refuses an invalid asset with 422, every SHACL result, and writes nothing', async () => {
      const before = t.registry.store.head();
      // Cross-field rules pass the JSON Schema and are caught by SHACL.
      const res = await createAsset({ genCapacity: 9999, exportMPAN: '1012345678903' });
      assert.equal(res.status, 422);
      assert.equal(res.body.title, 'Validation Failed');
      const fields = (res.body.errors as { field: string; severity: string; message: string }[]).map((e) => e.field);
      assert.ok(fields.includes('importMPAN') && fields.includes('genCapacity'), JSON.stringify(res.body.errors));
      assert.deepEqual(t.registry.store.head(), before);
    });

    it('refuses a body that breaks the JSON Schema with pointers, before any RDF', async () => {
      const res = await createAsset({ importMPAN: '12 34', ratedCapacty: 5 });
      assert.equal(res.status, 422);
      assert.equal(res.body.title, 'Invalid Body');
      const pointers = (res.body.errors as { pointer: string }[]).map((e) => e.pointer);
      assert.ok(pointers.includes('/importMPAN') && pointers.includes('/ratedCapacty'), JSON.stringify(res.body.errors));
    });

    it('refuses fields the registry assigns', async () => {
      const res = await createAsset({ assetRegistrationStatus: 'VERIFIED' });
      assert.equal(res.status, 422);
      assert.match(JSON.stringify(res.body.errors), /assetRegistrationStatus is set by the registry/);
    });
  });

  describe('reading a record', () => {
    let id: string;
    before(async () => {
      id = (await createAsset()).body.assetId as string;
    });

    for (const [accept, type, check] of [
      ['application/ld+json', 'application/ld+json', /"assetCategory":"BESS"/],
      ['text/turtle', 'text/turtle', /fmar:assetCategory <https:\/\/w3id.org\/fmar\/ontology\/code\/AssetCategory\/BESS>/],
      ['application/n-triples', 'application/n-triples', /<https:\/\/w3id.org\/fmar\/ontology#importMPAN> "1012345678903" \./],
      ['application/n-quads', 'application/n-quads', /"1012345678903" <http:\/\/registry.test\/assets\/[^>]+#personal> \./],
      ['application/trig', 'application/trig', /#personal>/],
      ['text/html', 'text/html', /<h1>Asset <code>/],
    ] as const) {
      it(`answers ${accept} with an ETag`, async () => {
        const res = await asAdmin(t.app).get(`/assets/${id}`).set('Accept', accept).buffer(true).parse((r, cb) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString()));
          r.on('end', () => cb(null, text));
        });
        assert.equal(res.status, 200);
        assert.match(res.headers['content-type'], new RegExp(type.replace('+', '\\+')));
        assert.match(res.headers.etag, /^"v1\.[a-z]+"$/);
        assert.match(res.body as string, check);
      });
    }

    it('answers 406 for a media type it cannot produce, and 404 for an unknown ID', async () => {
      await asAdmin(t.app).get(`/assets/${id}`).set('Accept', 'image/png').expect(406);
      const res = await asAdmin(t.app).get('/assets/01935f3e-0000-7000-8000-000000000000').expect(404);
      assert.match(res.headers['content-type'], /problem\+json/);
    });

    it('does not serve an organisation under /assets', async () => {
      await asAdmin(t.app).get(`/assets/${fspId}`).expect(404);
    });
  });

  describe('replacing an asset (UC-02.04)', () => {
    let id: string;
    let current: Record<string, unknown>;
    before(async () => {
      const res = await createAsset();
      id = res.body.assetId as string;
      current = res.body as Record<string, unknown>;
    });

    it('needs If-Match (428) and refuses a stale one (412)', async () => {
      await request(t.app).put(`/assets/${id}`).set(auth).send({ ...current, assetName: 'Renamed' }).expect(428);
      await request(t.app).put(`/assets/${id}`).set(auth).set('If-Match', '"v7.jsonld"').send({ ...current, assetName: 'Renamed' }).expect(412);
    });

    it('accepts the body it served back with a changed field, keeps the system fields, bumps the version', async () => {
      const res = await request(t.app).put(`/assets/${id}`).set(auth).set('If-Match', '"v1.jsonld"').send({ ...current, assetName: 'Renamed battery' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.headers.etag, '"v2.jsonld"');
      assert.equal(res.body.assetName, 'Renamed battery');
      assert.equal(res.body.recordVersion, 2);
      assert.equal(res.body.assetId, id);
      assert.equal(res.body.registeredOn, current.registeredOn);
      assert.equal(res.body.responsibleFSP, fspId);
    });

    it('keeps the superseded version readable and lists versions with their activities', async () => {
      const old = await asAdmin(t.app).get(`/assets/${id}/versions/1`).expect(200);
      assert.equal(old.body.assetName, 'Green Park BESS 01');
      const history = await asAdmin(t.app).get(`/assets/${id}/history`).expect(200);
      const versions = history.body.versions as { version: number; useCase: string; agents: string[] }[];
      assert.deepEqual(versions.map((v) => [v.version, v.useCase]), [[1, 'UC-02.02'], [2, 'UC-02.04']]);
      assert.ok(versions[1].agents.includes(`${BASE}agents/administrator`));
    });

    it('lets only one of two updates naming the same version win', async () => {
      const latest = (await asAdmin(t.app).get(`/assets/${id}`)).body as Record<string, unknown>;
      const etag = `"v${latest.recordVersion}.jsonld"`;
      const [a, b] = await Promise.all(['A', 'B'].map((n) => request(t.app).put(`/assets/${id}`).set(auth).set('If-Match', etag).send({ ...latest, assetName: `Writer ${n}` })));
      assert.deepEqual([a.status, b.status].sort(), [200, 412]);
    });
  });

  describe('listing assets', () => {
    before(async () => {
      for (const category of ['EV_CHARGER', 'EV_CHARGER', 'EV_CHARGER']) {
        await createAsset({ assetCategory: category, fuelType_DemandTechType: 'EV', fuelType_EnergySource: undefined, ratedCapacity: 7, installedCapacity: 7, genCapacity: undefined, demandCapacity: 7, exportMPAN: undefined, energyStorageCapacity: undefined, connectionType: 'FIRM' }).then((r) => assert.equal(r.status, 201, JSON.stringify(r.body)));
      }
    });

    it('pages with a cursor and a Link header, and filters on coded fields', async () => {
      const first = await asAdmin(t.app).get('/assets?assetCategory=EV_CHARGER&limit=2').expect(200);
      assert.equal(first.body.items.length, 2);
      const link = /<([^>]+)>; rel="next"/.exec(first.headers.link)![1];
      const second = await asAdmin(t.app).get(link.slice(BASE.length - 1)).expect(200);
      assert.equal(second.body.items.length, 1);
      assert.equal(second.headers.link, undefined);
      const ids = [...first.body.items, ...second.body.items].map((i: { assetId: string }) => i.assetId);
      assert.equal(new Set(ids).size, 3);
      assert.ok([...first.body.items, ...second.body.items].every((i: { assetCategory: string }) => i.assetCategory === 'EV_CHARGER'));
    });

    it('filters on links and on text fields too', async () => {
      const byFsp = await asAdmin(t.app).get(`/assets?responsibleFSP=${fspId}&assetCategory=EV_CHARGER`).expect(200);
      assert.equal(byFsp.body.items.length, 3);
      const none = await asAdmin(t.app).get('/assets?responsibleFSP=00000000-0000-4000-8000-000000000000').expect(200);
      assert.equal(none.body.items.length, 0);
      const byCode = await asAdmin(t.app).get('/assets?friendlyCode=BESS-GreenPark-01&limit=100').expect(200);
      assert.ok(byCode.body.items.length >= 1 && byCode.body.items.every((i: { friendlyCode: string }) => i.friendlyCode === 'BESS-GreenPark-01'));
    });

    it('says which filters exist when given an unknown one', async () => {
      const res = await asAdmin(t.app).get('/assets?colour=red').expect(422);
      assert.match(JSON.stringify(res.body.errors), /assetCategory/);
    });
  });

  describe('bad input', () => {
    it('malformed JSON: 400', async () => {
      const res = await request(t.app).post('/assets').set(auth).set('FMAR-On-Behalf-Of', fspId).type('application/json').send('{"assetName": ').expect(400);
      assert.match(res.body.detail, /not valid JSON/);
    });
    it('wrong content type: 415', async () => {
      await request(t.app).post('/assets').set(auth).set('FMAR-On-Behalf-Of', fspId).type('text/plain').send('assetName=x').expect(415);
    });
    it('a body over the size limit: 413', async () => {
      await request(t.app).post('/assets').set(auth).set('FMAR-On-Behalf-Of', fspId).type('application/json').send(JSON.stringify({ assetName: 'x'.repeat(2_000_000) })).expect(413);
    });
    it('a remote @context: 400, never fetched', async () => {
      const res = await createAsset({ '@context': 'http://127.0.0.1:9/evil.jsonld' });
      assert.equal(res.status, 400);
      assert.match(res.body.detail, /remote JSON-LD context/);
    });
    it('a link that is neither a record ID nor an IRI: 422 with its pointer', async () => {
      const res = await createAsset({ organisationId: 'javascript:alert(1) x' });
      assert.equal(res.status, 422);
      assert.ok((res.body.errors as { pointer: string }[]).some((e) => e.pointer === '/organisationId'), JSON.stringify(res.body.errors));
    });
    it('statements about another record: 422', async () => {
      const res = await createAsset({ organisationId: { '@id': `${BASE}organisations/x`, assetName: 'hijack' } });
      assert.equal(res.status, 422);
    });
  });
});
