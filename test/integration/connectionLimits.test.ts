import assert from 'node:assert/strict';
import request from 'supertest';
import { asAdmin, exampleBody, startTestRegistry, type TestRegistry } from '../support/testRegistry.js';

/** UC-02.06 Manage Connection Limit: system operators in the asset's area set limits; the FSP sees them. */
describe('Connection limits (UC-02.06)', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  const who: Record<string, Record<string, string>> = {};
  const org: Record<string, string> = {};
  let asset: Record<string, unknown>;
  const today = new Date().toISOString().slice(0, 10);

  async function member(name: string, roles: string[], userRoles: string[], extra: Record<string, unknown> = {}): Promise<void> {
    if (!org[name]) {
      const res = await asAdmin(t.app).post('/organisations').send({ ...(await exampleBody('organisation')), organisationRoles: roles, ...extra }).expect(201);
      await asAdmin(t.app).post(`/organisations/${res.body.fmarOrganisationId}/approval`).expect(200);
      org[name] = res.body.fmarOrganisationId;
    }
    const user = await asAdmin(t.app).post('/users').send({ organisation: org[name], userGivenName: 'C', userFamilyName: 'L', userEmail: `${name}.${userRoles[0]}@example.org`.toLowerCase(), userRoles }).expect(201);
    const activated = await request(t.app).post(`/users/${user.body.userId}/activation`).send({ activationCode: user.body.activationCode }).expect(200);
    who[`${name}${userRoles[0] === 'DATA_VIEWER' ? 'Viewer' : ''}`] = { Authorization: `Bearer ${activated.body.apiKey}` };
  }

  before(async () => {
    t = await startTestRegistry();
    await member('fsp', ['FSP'], ['ASSET_MANAGER']);
    await member('otherFsp', ['FSP'], ['ASSET_MANAGER']);
    await member('dnoA', ['DNO'], ['ASSET_MANAGER'], { networkAreas: ['_A'] });
    await member('dnoA', ['DNO'], ['DATA_VIEWER']);
    await member('dnoB', ['DNO'], ['ASSET_MANAGER'], { networkAreas: ['_B'] });
    asset = (await request(t.app).post('/assets').set(who.fsp).send({ ...(await exampleBody('asset')), assetName: 'Limited battery' }).expect(201)).body;
  });
  after(async () => t.close());

  const limit = () => ({ limitedAsset: asset.assetId, limitType: 'NON_FIRM', anmZone: 'ANM-7', exportLimit: 500, importLimit: 200, validFrom: today, limitReason: 'thermal constraint at the primary' });

  it('lets only a system operator serving the asset\'s area set a limit', async () => {
    const created = await request(t.app).post('/connection-limits').set(who.dnoA).send(limit()).expect(201);
    assert.equal(created.body.limitSetBy, org.dnoA);
    assert.equal(created.body.limitedAsset, asset.assetId);
    assert.equal(created.body.exportLimit, 500);
    for (const [name, status] of [['dnoB', 403], ['fsp', 403], ['dnoAViewer', 403], ['anonymous', 401]] as const) {
      const res = await request(t.app).post('/connection-limits').set(who[name] ?? {}).send(limit());
      assert.equal(res.status, status, `${name}: ${JSON.stringify(res.body)}`);
    }
    await request(t.app).post('/connection-limits').set(who.dnoA).send({ ...limit(), limitedAsset: '00000000-0000-7000-8000-000000000000' }).expect(422);
    await request(t.app).post('/connection-limits').set(who.dnoA).send({ ...limit(), limitType: 'WHATEVER' }).expect(422);
    // An administrator acts for the system operator it names.
    await asAdmin(t.app).post('/connection-limits').set('FMAR-On-Behalf-Of', org.dnoA).send(limit()).expect(201);
  });

  it('makes limits part of the asset view for those who may read the asset, and tells the FSP through the feed', async () => {
    const view = await request(t.app).get(`/assets/${asset.assetId}`).query({ include: 'connectionLimits' }).set(who.fsp).expect(200);
    assert.ok(view.body.connectionLimits.length >= 1);
    assert.equal(view.body.connectionLimits[0].anmZone, 'ANM-7');
    assert.equal(view.body['@context'][1].connectionLimits['@reverse'], 'https://w3id.org/fmar/ontology#limitedAsset');
    const id = view.body.connectionLimits[0].connectionLimitId as string;
    await request(t.app).get(`/connection-limits/${id}`).set(who.fsp).expect(200);
    await request(t.app).get(`/connection-limits/${id}`).set(who.otherFsp).expect(404);
    await request(t.app).get(`/connection-limits/${id}`).set(who.dnoB).expect(404);
    const feed = await request(t.app).get('/feed').set(who.fsp).expect(200);
    assert.ok(feed.body.items.some((e: { type: string; record: string }) => e.type === 'ev:ConnectionLimitRegistered' && e.record.endsWith(id)));
  });

  it('lets the setting system operator change its limit, with If-Match', async () => {
    const view = await request(t.app).get(`/assets/${asset.assetId}`).query({ include: 'connectionLimits' }).set(who.fsp).expect(200);
    const current = view.body.connectionLimits[0] as Record<string, unknown>;
    const id = current.connectionLimitId as string;
    const updated = await request(t.app).put(`/connection-limits/${id}`).set(who.dnoA).set('If-Match', '"v1.jsonld"').send({ ...limit(), exportLimit: 350 }).expect(200);
    assert.equal(updated.body.exportLimit, 350);
    await request(t.app).put(`/connection-limits/${id}`).set(who.dnoB).set('If-Match', '"v2.jsonld"').send({ ...limit(), exportLimit: 1 }).expect(403);
    await request(t.app).put(`/connection-limits/${id}`).set(who.fsp).set('If-Match', '"v2.jsonld"').send({ ...limit(), exportLimit: 1 }).expect(403);
  });
});
