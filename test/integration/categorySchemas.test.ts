import assert from 'node:assert/strict';
import request from 'supertest';
import { asAdmin, exampleBody, startTestRegistry, type TestRegistry } from '../support/testRegistry.js';

/** UC-02.01 Maintain Asset Categories: versioned SHACL schemas per category, applied at registration. */
describe('Asset category schemas (UC-02.01)', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  let fsp: Record<string, string>;

  const shapes = (minCapacity: number) => `@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix fmar: <https://w3id.org/fmar/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<urn:bess> a sh:NodeShape ; sh:targetClass fmar:Asset ;
  sh:property [ sh:path fmar:energyStorageCapacity ; sh:minCount 1 ; sh:message "a battery declares its energy storage capacity" ] ;
  sh:property [ sh:path fmar:ratedCapacity ; sh:minInclusive ${minCapacity} ; sh:message "a battery in this category is rated at least ${minCapacity} kW" ] .`;

  before(async () => {
    t = await startTestRegistry();
    const org = await asAdmin(t.app).post('/organisations').send({ ...(await exampleBody('organisation')), organisationRoles: ['FSP'] }).expect(201);
    await asAdmin(t.app).post(`/organisations/${org.body.fmarOrganisationId}/approval`).expect(200);
    const user = await asAdmin(t.app).post('/users').send({ organisation: org.body.fmarOrganisationId, userGivenName: 'C', userFamilyName: 'S', userEmail: 'cat@example.org', userRoles: ['ASSET_MANAGER'] }).expect(201);
    const activated = await request(t.app).post(`/users/${user.body.userId}/activation`).send({ activationCode: user.body.activationCode }).expect(200);
    fsp = { Authorization: `Bearer ${activated.body.apiKey}` };
  });
  after(async () => t.close());

  it('publishes versions (administrators only), refuses shapes that target nothing or do not parse, and serves the SHACL', async () => {
    await request(t.app).post('/category-schemas').set(fsp).send({ schemaForCategory: 'BESS', shapes: shapes(1000) }).expect(403);
    await asAdmin(t.app).post('/category-schemas').send({ schemaForCategory: 'BESS', shapes: 'not turtle at all {' }).expect(422);
    await asAdmin(t.app).post('/category-schemas').send({ schemaForCategory: 'BESS', shapes: '@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:x> a sh:NodeShape .' }).expect(422);
    const v1 = await asAdmin(t.app).post('/category-schemas').send({ schemaForCategory: 'BESS', shapes: shapes(1000) }).expect(201);
    assert.deepEqual([v1.body.schemaVersion, v1.body.schemaStatus], [1, 'ACTIVE']);
    const turtle = await request(t.app).get(`/category-schemas/${v1.body.categorySchemaId}/shapes`).expect(200);
    assert.match(turtle.text, /energyStorageCapacity/);
    await asAdmin(t.app).put(`/category-schemas/${v1.body.categorySchemaId}`).set('If-Match', '"v1.jsonld"').send(v1.body).expect(405);
  });

  it('validates a registration against the category\'s current version too, and records the version', async () => {
    const { energyStorageCapacity: _omit, ...withoutStorage } = await exampleBody('asset');
    const refused = await request(t.app).post('/assets').set(fsp).send({ ...withoutStorage, assetCategory: 'BESS' }).expect(422);
    assert.ok(refused.body.errors.some((e: { field?: string; message: string }) => e.field === 'energyStorageCapacity' && /energy storage capacity/.test(e.message)), JSON.stringify(refused.body.errors));
    const accepted = await request(t.app).post('/assets').set(fsp).send({ ...(await exampleBody('asset')), assetCategory: 'BESS' }).expect(201);
    const schemas = await request(t.app).get('/category-schemas').expect(200);
    const v1 = schemas.body.items.find((s: { schemaVersion: number }) => s.schemaVersion === 1);
    assert.equal(accepted.body.validatedAgainst, v1.categorySchemaId);
  });

  it('never invalidates registered assets: a stricter version applies to new writes; a deprecated category takes no new registrations', async () => {
    const before = await request(t.app).post('/assets').set(fsp).send({ ...(await exampleBody('asset')), assetCategory: 'BESS' });
    assert.equal(before.status, 201, JSON.stringify(before.body));
    const v2 = await asAdmin(t.app).post('/category-schemas').send({ schemaForCategory: 'BESS', shapes: shapes(6000) }).expect(201);
    assert.equal(v2.body.schemaVersion, 2);
    // The asset registered under version 1 is still readable as it was, with its version.
    const read = await request(t.app).get(`/assets/${before.body.assetId}`).set(fsp).expect(200);
    assert.notEqual(read.body.validatedAgainst, v2.body.categorySchemaId);
    // New registrations meet version 2.
    await request(t.app).post('/assets').set(fsp).send({ ...(await exampleBody('asset')), assetCategory: 'BESS' }).expect(422);
    const updated = await request(t.app).put(`/assets/${before.body.assetId}`).set(fsp).set('If-Match', read.headers.etag).send({ ...read.body, ratedCapacity: 7000, installedCapacity: 7000 }).expect(200);
    assert.equal(updated.body.validatedAgainst, v2.body.categorySchemaId, 'an update is validated against, and records, the current version');
    await asAdmin(t.app).post(`/category-schemas/${v2.body.categorySchemaId}/deprecation`).expect(200);
    const closed = await request(t.app).post('/assets').set(fsp).send({ ...(await exampleBody('asset')), assetCategory: 'BESS', ratedCapacity: 7000, installedCapacity: 7000 }).expect(422);
    assert.match(closed.body.detail, /deprecated/);
    // Registered assets of the category can still be updated.
    const current = await request(t.app).get(`/assets/${before.body.assetId}`).set(fsp).expect(200);
    await request(t.app).put(`/assets/${before.body.assetId}`).set(fsp).set('If-Match', current.headers.etag).send({ ...current.body, assetName: 'Still fine' }).expect(200);
    // Other categories are untouched.
    const other = await request(t.app).post('/assets').set(fsp).send({ ...(await exampleBody('asset')), assetCategory: 'SOLAR_PV', energyStorageCapacity: undefined });
    assert.equal(other.status, 201, JSON.stringify(other.body));
  });
});
