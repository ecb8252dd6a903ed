import assert from 'node:assert/strict';
import request from 'supertest';
import { asAdmin, embeddedOnly, exampleBody, startTestRegistry, type TestRegistry } from '../support/testRegistry.js';

/**
 * Issue #7 (in part): the change feed (events in journal order, stable cursor, filtered by access), asset
 * de-registration (UC-02.03) and lookup by external identifier.
 */
type Headers = Record<string, string>;

describe('Asset events: feed, de-registration, lookup', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  const who: Record<string, Headers> = {};
  const org: Record<string, string> = {};

  async function registerOrganisation(name: string, roles: string[], extra: Record<string, unknown> = {}): Promise<void> {
    const res = await asAdmin(t.app).post('/organisations').send({ ...(await exampleBody('organisation')), organisationRoles: roles, ...extra }).expect(201);
    await asAdmin(t.app).post(`/organisations/${res.body.fmarOrganisationId}/approval`).expect(200);
    org[name] = res.body.fmarOrganisationId;
    const user = await asAdmin(t.app).post('/users').send({ organisation: org[name], userGivenName: 'Sam', userFamilyName: 'Tester', userEmail: `${name.toLowerCase()}@example.org`, userRoles: ['ORGANISATION_ADMINISTRATOR'] }).expect(201);
    const activated = await request(t.app).post(`/users/${user.body.userId}/activation`).send({ activationCode: user.body.activationCode }).expect(200);
    who[name] = { Authorization: `Bearer ${activated.body.apiKey}` };
  }

  async function feed(h: Headers, after = 0, limit = 1000, type?: string): Promise<{ items: Record<string, unknown>[]; next: number; more: boolean }> {
    return (await request(t.app).get('/feed').set(h).query({ after, limit, ...(type ? { type } : {}) }).expect(200)).body;
  }

  const assetEvents = (items: Record<string, unknown>[]) => items.filter((e) => e.recordType === 'Asset');

  before(async () => {
    t = await startTestRegistry();
    await registerOrganisation('A', ['FSP']);
    await registerOrganisation('B', ['FSP']);
    await registerOrganisation('DNO', ['DNO'], { networkAreas: ['_A'] });
  });
  after(async () => t.close());

  it('records registration, updates (with material fields), status changes and de-registration as events in journal order', async () => {
    const a1 = (await request(t.app).post('/assets').set(who.A).send({ ...(await exampleBody('asset')), assetName: 'Feed one' }).expect(201)).body;
    const b1 = (await request(t.app).post('/assets').set(who.B).send({ ...(await exampleBody('asset')), assetName: 'Feed B', gspGroup: '_B', dnoConnection: 'NGED_EMID', importMPAN: '1112345678906' }).expect(201)).body;
    const renamed = (await request(t.app).put(`/assets/${a1.assetId}`).set(who.A).set('If-Match', '"v1.jsonld"').send({ ...a1, assetName: 'Feed one renamed' }).expect(200)).body;
    // UC-02.04: capacity up by 20% (> 10%) and a new MPAN are material; the name is not.
    await request(t.app).put(`/assets/${a1.assetId}`).set(who.A).set('If-Match', '"v2.jsonld"').send({ ...renamed, ratedCapacity: 6000, importMPAN: '1012345678912' }).expect(200);
    await request(t.app).put(`/assets/${a1.assetId}`).set(who.A).set('If-Match', '"v3.jsonld"').send({ ...renamed, ratedCapacity: 6100, importMPAN: '1012345678912' }).expect(200);
    await request(t.app).post(`/assets/${a1.assetId}/deregistration`).set(who.A).send({ deRegistrationReason: 'END_OF_CONTRACT' }).expect(200);

    const all = assetEvents((await feed({ Authorization: 'Bearer test-admin-token' })).items);
    const ofA1 = all.filter((e) => e.record === a1['@id']);
    assert.deepEqual(ofA1.map((e) => e.type), ['ev:AssetRegistered', 'ev:AssetUpdated', 'ev:AssetUpdated', 'ev:AssetUpdated', 'ev:AssetDeRegistered']);
    assert.deepEqual(ofA1[1].changedFields, ['assetName']);
    assert.deepEqual(ofA1[1].materialFields, []);
    assert.deepEqual(ofA1[2].materialFields, ['importMPAN', 'ratedCapacity']);
    assert.deepEqual(ofA1[3].changedFields, ['ratedCapacity']);
    assert.deepEqual(ofA1[3].materialFields, [], 'a 1.7% capacity change is not material');
    assert.deepEqual([ofA1[4].statusFrom, ofA1[4].statusTo], ['PENDING_VALIDATION', 'DE_REGISTERED']);
    assert.equal(ofA1[4].useCase, 'UC-02.03');
    const positions = all.map((e) => e.position as number);
    assert.deepEqual(positions, [...positions].sort((x, y) => x - y), 'journal order');
    assert.ok(all.some((e) => e.record === b1['@id']));

    // Filtered by what the reader may see.
    const asA = assetEvents((await feed(who.A)).items);
    assert.deepEqual(new Set(asA.map((e) => e.record)), new Set([a1['@id']]));
    const asB = assetEvents((await feed(who.B)).items);
    assert.deepEqual(new Set(asB.map((e) => e.record)), new Set([b1['@id']]));
    const asDno = assetEvents((await feed(who.DNO)).items);
    assert.deepEqual(new Set(asDno.map((e) => e.record)), new Set([a1['@id']]), 'the DNO of GSP group _A sees the events of assets there');
    assert.equal((await feed({})).items.length, 0, 'the public sees no events');
    // Filtered by type.
    const deregistered = assetEvents((await feed(who.A, 0, 1000, 'AssetDeRegistered')).items);
    assert.deepEqual(deregistered.map((e) => e.record), [a1['@id']]);
  });

  it('pages with a stable cursor: pages add up to the whole, and a cursor continues with what came later', async () => {
    const whole = (await feed(who.A)).items;
    const paged: Record<string, unknown>[] = [];
    let after = 0;
    for (let guard = 0; guard < 100; guard++) {
      const page = await feed(who.A, after, 2);
      paged.push(...page.items);
      after = page.next;
      if (!page.more) break;
    }
    assert.deepEqual(paged.map((e) => e['@id'] ?? e.activity), whole.map((e) => e['@id'] ?? e.activity));
    const later = (await request(t.app).post('/assets').set(who.A).send({ ...(await exampleBody('asset')), assetName: 'Later' }).expect(201)).body;
    const next = await feed(who.A, after);
    assert.deepEqual(assetEvents(next.items).map((e) => [e.type, e.record]), [['ev:AssetRegistered', later['@id']]]);
  });

  it('serves the same feed after a restart (read back from the journal file)', async function () {
    embeddedOnly(this, 'reopens the embedded data folder');
    const before = await feed({ Authorization: 'Bearer test-admin-token' });
    const dir = t.dir;
    await t.registry.close();
    t = await startTestRegistry({ dataDir: dir });
    const after = await feed({ Authorization: 'Bearer test-admin-token' });
    assert.deepEqual(after.items.slice(0, before.items.length), before.items);
  });

  it('refuses de-registration without a reason, twice, or by another FSP; keeps the record and its ID', async () => {
    const asset = (await request(t.app).post('/assets').set(who.A).send({ ...(await exampleBody('asset')), assetName: 'To retire' }).expect(201)).body;
    await request(t.app).post(`/assets/${asset.assetId}/deregistration`).set(who.A).send({}).expect(422);
    await request(t.app).post(`/assets/${asset.assetId}/deregistration`).set(who.A).send({ deRegistrationReason: 'BORED' }).expect(422);
    await request(t.app).post(`/assets/${asset.assetId}/deregistration`).set(who.B).send({ deRegistrationReason: 'DECOMMISSIONED' }).expect(403);
    const done = await request(t.app).post(`/assets/${asset.assetId}/deregistration`).set(who.A).send({ deRegistrationReason: 'DECOMMISSIONED' }).expect(200);
    assert.equal(done.body.assetRegistrationStatus, 'DE_REGISTERED');
    assert.equal(done.body.deRegistrationReason, 'DECOMMISSIONED');
    await request(t.app).post(`/assets/${asset.assetId}/deregistration`).set(who.A).send({ deRegistrationReason: 'DECOMMISSIONED' }).expect(409);
    const read = await request(t.app).get(`/assets/${asset.assetId}`).set(who.A).expect(200);
    assert.equal(read.body.assetId, asset.assetId);
  });

  it('refuses de-registration while the asset is an active member of a market unit (UC-02.03)', async () => {
    const asset = (await request(t.app).post('/assets').set(who.A).send({ ...(await exampleBody('asset')), assetName: 'In a unit' }).expect(201)).body;
    const unit = (await request(t.app).post('/market-units').set(who.A).send({ marketUnitType: 'SPU', marketUnitId: 'EVENTS-UNIT-1', assets: [asset.assetId] }).expect(201)).body['@id'];
    const refused = await request(t.app).post(`/assets/${asset.assetId}/deregistration`).set(who.A).send({ deRegistrationReason: 'NO_LONGER_FLEXIBLE' }).expect(409);
    assert.deepEqual(refused.body.blockers.activeMarketUnits, [unit]);
    assert.match(refused.body.remedy, /market units/);
  });

  it('updates part of an asset with a JSON Merge Patch and If-Match (UC-02.04), keeping the other fields', async () => {
    const asset = (await request(t.app).post('/assets').set(who.A).send({ ...(await exampleBody('asset')), assetName: 'Patchable', importMPAN: '1012345678912' }).expect(201)).body;
    const patched = await request(t.app).patch(`/assets/${asset.assetId}`).set(who.A).set('If-Match', '"v1.jsonld"').type('application/merge-patch+json').send({ assetName: 'Patched', friendlyCode: 'PATCH-1' }).expect(200);
    assert.equal(patched.body.assetName, 'Patched');
    assert.equal(patched.body.friendlyCode, 'PATCH-1');
    assert.equal(patched.body.importMPAN, '1012345678912', 'fields the patch does not name stay');
    assert.equal(patched.body.recordVersion, 2);
    const removed = await request(t.app).patch(`/assets/${asset.assetId}`).set(who.A).set('If-Match', '"v2.jsonld"').type('application/merge-patch+json').send({ friendlyCode: null }).expect(200);
    assert.equal(removed.body.friendlyCode, undefined, 'null removes a field');
    await request(t.app).patch(`/assets/${asset.assetId}`).set(who.A).set('If-Match', '"v1.jsonld"').type('application/merge-patch+json').send({ assetName: 'Stale' }).expect(412);
    await request(t.app).patch(`/assets/${asset.assetId}`).set(who.A).type('application/merge-patch+json').send({ assetName: 'No version' }).expect(428);
    await request(t.app).patch(`/assets/${asset.assetId}`).set(who.A).set('If-Match', '"v3.jsonld"').type('application/json').send({ assetName: 'Wrong type' }).expect(415);
    await request(t.app).patch(`/assets/${asset.assetId}`).set(who.B).set('If-Match', '"v3.jsonld"').type('application/merge-patch+json').send({ assetName: 'Not mine' }).expect(403);
    const invalid = await request(t.app).patch(`/assets/${asset.assetId}`).set(who.A).set('If-Match', '"v3.jsonld"').type('application/merge-patch+json').send({ ratedCapacity: -1 }).expect(422);
    assert.ok(invalid.body.errors.some((e: { field?: string }) => e.field === 'ratedCapacity'));
  });

  it('updates an asset with SPARQL Update or an N3 Patch of its triples (RDF clients, UC-02.04)', async () => {
    const asset = (await request(t.app).post('/assets').set(who.A).send({ ...(await exampleBody('asset')), assetName: 'RDF patched' }).expect(201)).body;
    const s = `<${asset['@id']}>`;
    const fmar = 'https://w3id.org/fmar/ontology#';
    const sparql = await request(t.app).patch(`/assets/${asset.assetId}`).set(who.A).set('If-Match', '"v1.jsonld"').type('application/sparql-update')
      .send(`PREFIX fmar: <${fmar}> DELETE { ${s} fmar:assetName ?n } INSERT { ${s} fmar:assetName "Renamed by SPARQL" } WHERE { ${s} fmar:assetName ?n }`);
    assert.equal(sparql.status, 200, JSON.stringify(sparql.body));
    assert.equal(sparql.body.assetName, 'Renamed by SPARQL');
    assert.equal(sparql.body.recordVersion, 2);
    const n3 = await request(t.app).patch(`/assets/${asset.assetId}`).set(who.A).set('If-Match', '"v2.jsonld"').type('text/n3')
      .send(`@prefix solid: <http://www.w3.org/ns/solid/terms#> . @prefix fmar: <${fmar}> .
        _:patch a solid:InsertDeletePatch ; solid:where { ${s} fmar:assetName ?name } ; solid:deletes { ${s} fmar:assetName ?name } ; solid:inserts { ${s} fmar:assetName "Renamed by N3" } .`);
    assert.equal(n3.status, 200, JSON.stringify(n3.body));
    assert.deepEqual([n3.body.assetName, n3.body.friendlyCode, n3.body.recordVersion], ['Renamed by N3', asset.friendlyCode, 3]);
    // Failure paths: a delete that is not there (409), a graph (422), another subject (422), a system field (422), stale version (412).
    await request(t.app).patch(`/assets/${asset.assetId}`).set(who.A).set('If-Match', '"v3.jsonld"').type('text/n3')
      .send(`@prefix solid: <http://www.w3.org/ns/solid/terms#> . _:p a solid:InsertDeletePatch ; solid:deletes { ${s} <${fmar}assetName> "Not the name" } .`).expect(409);
    await request(t.app).patch(`/assets/${asset.assetId}`).set(who.A).set('If-Match', '"v3.jsonld"').type('application/sparql-update').send(`INSERT DATA { GRAPH <urn:g> { ${s} <${fmar}assetName> "x" } }`).expect(422);
    await request(t.app).patch(`/assets/${asset.assetId}`).set(who.A).set('If-Match', '"v3.jsonld"').type('application/sparql-update').send(`INSERT DATA { <urn:other> <${fmar}assetName> "x" }`).expect(422);
    await request(t.app).patch(`/assets/${asset.assetId}`).set(who.A).set('If-Match', '"v3.jsonld"').type('application/sparql-update').send(`DELETE { ${s} <${fmar}assetRegistrationStatus> ?x } INSERT { ${s} <${fmar}assetRegistrationStatus> <https://w3id.org/fmar/ontology/code/AssetRegistrationStatus/VERIFIED> } WHERE { ${s} <${fmar}assetRegistrationStatus> ?x }`).expect(422);
    await request(t.app).patch(`/assets/${asset.assetId}`).set(who.A).set('If-Match', '"v1.jsonld"').type('application/sparql-update').send(`INSERT DATA { ${s} <${fmar}mrid> "x" }`).expect(412);
  });

  it('finds FMAR Asset IDs by external identifier, for any authenticated caller, IDs only', async () => {
    const asset = (await request(t.app).post('/assets').set(who.A).send({ ...(await exampleBody('asset')), assetName: 'Findable', importMPAN: '1098765432103', serialNumber: 'SN-LOOKUP-1' }).expect(201)).body;
    const byMpan = await request(t.app).get('/assets/lookup').set(who.B).query({ importMPAN: '1098765432103' }).expect(200);
    assert.deepEqual(byMpan.body.matches.map((m: { assetId: string }) => m.assetId), [asset.assetId]);
    assert.equal(Object.keys(byMpan.body.matches[0]).includes('assetName'), false);
    const bySerial = await request(t.app).get('/assets/lookup').set(who.B).query({ serialNumber: 'SN-LOOKUP-1' }).expect(200);
    assert.equal(bySerial.body.matches[0].assetId, asset.assetId);
    assert.deepEqual((await request(t.app).get('/assets/lookup').set(who.B).query({ importMPAN: '1000000000000' }).expect(200)).body.matches, []);
    await request(t.app).get('/assets/lookup').query({ importMPAN: '1098765432103' }).expect(401);
    await request(t.app).get('/assets/lookup').set(who.B).query({ assetName: 'Findable' }).expect(422);
    // B still cannot read the asset itself.
    await request(t.app).get(`/assets/${asset.assetId}`).set(who.B).expect(404);
  });
});
