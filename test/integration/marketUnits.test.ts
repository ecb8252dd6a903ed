import assert from 'node:assert/strict';
import request from 'supertest';
import { mpan, registerOrganisationWithUsers, type TestOrganisation } from '../support/fspAccounts.js';
import { asAdmin, embeddedOnly, exampleBody, startTestRegistry, type TestRegistry } from '../support/testRegistry.js';

/**
 * Market units (issue #8): UC-03.01 create (SPU/SPG rules), UC-03.03 composition with materiality, the
 * composition at any past instant over REST and SPARQL, UC-03.05 de-registration and its blockers
 * (qualifications, service windows), UC-03.02 re-assignment with qualifications and audit on both sides.
 */
describe('Market units (UC-03.01, 03.02, 03.03, 03.05)', function () {
  this.timeout(180_000);
  let t: TestRegistry;
  let fspA: TestOrganisation;
  let fspB: TestOrganisation;
  let dnoA: TestOrganisation;
  let dnoB: TestOrganisation;
  let asset: Record<string, unknown>;
  const A = () => fspA.keys.ASSET_MANAGER;
  let seq = 0;

  before(async () => {
    t = await startTestRegistry();
    fspA = await registerOrganisationWithUsers(t.app, ['FSP'], ['ASSET_MANAGER', 'DATA_VIEWER']);
    fspB = await registerOrganisationWithUsers(t.app, ['FSP'], ['ASSET_MANAGER']);
    dnoA = await registerOrganisationWithUsers(t.app, ['DNO'], ['ASSET_MANAGER'], { networkAreas: ['_A'] });
    dnoB = await registerOrganisationWithUsers(t.app, ['DNO'], ['ASSET_MANAGER'], { networkAreas: ['_B'] });
    asset = await exampleBody('asset');
  });
  after(async () => t.close());

  /** Registers an asset of FSP A (or `who`) behind the accounting point whose MPAN starts with `point` (12 digits). */
  async function register(point: string, extra: Record<string, unknown> = {}, who = A()): Promise<string> {
    const { exportMPAN: _e, genCapacity: _g, demandCapacity: _d, installedCapacity: _i, ...body } = asset;
    const res = await request(t.app).post('/assets').set(who).send({ ...body, assetName: `Unit member ${++seq}`, serialNumber: `SER-${seq}-${Date.now()}`, importMPAN: mpan(point), ...extra });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.assetId as string;
  }

  const unitId = () => `UNIT-${++seq}`;

  it('creates an SPU from assets behind one accounting point, with a membership per asset (UC-03.01)', async () => {
    const a1 = await register('101234567890');
    const a2 = await register('101234567890', { ratedCapacity: 1000 });
    const id = unitId();
    const created = await request(t.app).post('/market-units').set(A()).send({ marketUnitType: 'SPU', marketUnitId: id, marketUnitName: 'Green Park site', assets: [a1, a2] }).expect(201);
    assert.equal(created.body.marketUnitId, id);
    assert.deepEqual([created.body['@type']].flat().sort(), ['MarketUnit', 'ServiceProvidingUnit']);
    assert.equal(created.body.marketUnitStatus, 'ACTIVE');
    assert.equal(created.body.responsibleFSP, fspA.id);
    assert.deepEqual([created.body.unitGspGroups].flat(), ['_A']);
    assert.match(String(created.body.unitAccountingPoint), /1012345678904?$|10123456789\d\d$/);
    const now = await request(t.app).get(`/market-units/${id}/composition`).set(A()).expect(200);
    assert.deepEqual(now.body.members.map((m: { assetId: string }) => m.assetId).sort(), [a1, a2].sort());
    // The memberships are records of their own, read by whoever reads the unit.
    const membership = now.body.members[0].membershipId as string;
    const read = await request(t.app).get(`/memberships/${membership}`).set(fspA.keys.DATA_VIEWER).expect(200);
    assert.equal(read.body.ofMarketUnit, id);
    await request(t.app).get(`/memberships/${membership}`).set(fspB.keys.ASSET_MANAGER).expect(404);
    await request(t.app).get(`/market-units/${id}`).set(fspB.keys.ASSET_MANAGER).expect(404);
    // The system operator of the unit's area reads it; another area's does not. Its accounting point (an MPAN) is personal.
    const dno = await request(t.app).get(`/market-units/${id}`).set(dnoA.keys.ASSET_MANAGER).expect(200);
    assert.equal(dno.body.unitAccountingPoint, undefined);
    await request(t.app).get(`/market-units/${id}`).set(dnoB.keys.ASSET_MANAGER).expect(404);
    // Its FSP renames it (PUT sends back what it read; PATCH a merge patch); it stays an SPU and a market unit.
    const read1 = await request(t.app).get(`/market-units/${id}`).set(A()).expect(200);
    const renamedRes = await request(t.app).put(`/market-units/${id}`).set(A()).set('If-Match', '"v1.jsonld"').send({ ...read1.body, marketUnitName: 'Green Park site (renamed)' });
    assert.equal(renamedRes.status, 200, JSON.stringify(renamedRes.body));
    const renamed = renamedRes;
    assert.equal(renamed.body.marketUnitName, 'Green Park site (renamed)');
    assert.deepEqual([renamed.body['@type']].flat().sort(), ['MarketUnit', 'ServiceProvidingUnit']);
    const patched = await request(t.app).patch(`/market-units/${id}`).set(A()).set('If-Match', '"v2.jsonld"').type('application/merge-patch+json').send({ bmUnitId: 'V__GPARK001' }).expect(200);
    assert.equal(patched.body.bmUnitId, 'V__GPARK001');
    assert.equal(patched.body.marketUnitName, 'Green Park site (renamed)');
    await request(t.app).put(`/market-units/${id}`).set(A()).set('If-Match', '"v3.jsonld"').send({ ...read1.body, assets: [a1] }).expect(422);
    await request(t.app).put(`/market-units/${id}`).set(fspB.keys.ASSET_MANAGER).set('If-Match', '"v3.jsonld"').send({ ...read1.body, marketUnitName: 'Hijack' }).expect(403);
    assert.equal((await request(t.app).get('/market-units').query({ limit: 100 }).set(A()).expect(200)).body.items.filter((u: { marketUnitId: string }) => u.marketUnitId === id).length, 1);
    // IDs are never reused.
    const again = await request(t.app).post('/market-units').set(A()).send({ marketUnitType: 'SPU', marketUnitId: id, assets: [a1] }).expect(409);
    assert.equal(again.body.existingId, id);
  });

  it('checks the type rule: an SPU is one accounting point, an SPG more than one', async () => {
    const p1 = await register('101234567891');
    const p2 = await register('101234567892');
    const spu = await request(t.app).post('/market-units').set(A()).send({ marketUnitType: 'SPU', marketUnitId: unitId(), assets: [p1, p2] }).expect(422);
    assert.match(spu.body.detail, /one accounting point/);
    assert.match(spu.body.errors[0].message, /SPG/);
    const lone = await request(t.app).post('/market-units').set(A()).send({ marketUnitType: 'SPG', marketUnitId: unitId(), assets: [p1] }).expect(422);
    assert.match(lone.body.detail, /more than one accounting point/);
    const spg = await request(t.app).post('/market-units').set(A()).send({ marketUnitType: 'SPG', marketUnitId: unitId(), marketUnitName: 'Aggregated portfolio', assets: [p1, p2] }).expect(201);
    assert.deepEqual([spg.body['@type']].flat().sort(), ['MarketUnit', 'ServiceProvidingGroup']);
    assert.equal(spg.body.unitAccountingPoint, undefined);
    const typeless = await request(t.app).post('/market-units').set(A()).send({ marketUnitId: unitId(), assets: [p1] }).expect(422);
    assert.equal(typeless.body.errors[0].field, 'marketUnitType');
    const empty = await request(t.app).post('/market-units').set(A()).send({ marketUnitType: 'SPU', marketUnitId: unitId(), assets: [] }).expect(422);
    assert.equal(empty.body.errors[0].field, 'assets');
  });

  it('refuses assets that are not the FSP\'s own, not active, unknown or listed twice, and principals who may not group them', async () => {
    const mine = await register('101234567893');
    const theirs = await register('101234567893', {}, fspB.keys.ASSET_MANAGER);
    const gone = await register('101234567893');
    await request(t.app).post(`/assets/${gone}/deregistration`).set(A()).send({ deRegistrationReason: 'DECOMMISSIONED' }).expect(200);
    const res = await request(t.app).post('/market-units').set(A()).send({ marketUnitType: 'SPU', marketUnitId: unitId(), assets: [mine, theirs, gone, '01935f3e-0000-7000-8000-000000000000', mine] }).expect(422);
    const messages = res.body.errors.map((e: { pointer: string; message: string }) => `${e.pointer} ${e.message}`);
    assert.deepEqual(messages.map((m: string) => m.split(' ')[0]), ['/assets/1', '/assets/2', '/assets/3', '/assets/4']);
    assert.match(messages[0], /not in this FSP's portfolio/);
    assert.match(messages[1], /DE_REGISTERED/);
    assert.match(messages[2], /no registered asset/);
    assert.match(messages[3], /twice/);
    await request(t.app).post('/market-units').send({ marketUnitType: 'SPU', marketUnitId: unitId(), assets: [mine] }).expect(401);
    await request(t.app).post('/market-units').set(fspA.keys.DATA_VIEWER).send({ marketUnitType: 'SPU', marketUnitId: unitId(), assets: [mine] }).expect(403);
    await request(t.app).post('/market-units').set(dnoA.keys.ASSET_MANAGER).send({ marketUnitType: 'SPU', marketUnitId: unitId(), assets: [mine] }).expect(403);
  });

  it('changes the composition; a material change needs re-assessment and tells the area\'s system operators (UC-03.03)', async () => {
    const small = await register('101234567894', { ratedCapacity: 100 });
    const small2 = await register('101234567895', { ratedCapacity: 100 });
    const id = unitId();
    await request(t.app).post('/market-units').set(A()).send({ marketUnitType: 'SPG', marketUnitId: id, assets: [small, small2] }).expect(201);
    const feedBefore = (await request(t.app).get('/feed').set(dnoA.keys.ASSET_MANAGER).expect(200)).body.next;
    // Adding 5 kW to 200 kW is within the 10% share: not material.
    const tiny = await register('101234567896', { ratedCapacity: 5 });
    const minor = await request(t.app).post(`/market-units/${id}/composition`).set(A()).send({ add: [tiny] }).expect(200);
    assert.deepEqual(minor.body.materialChanges, []);
    assert.equal(minor.body.marketUnitStatus, 'ACTIVE');
    const big = await register('101234567897', { ratedCapacity: 5000 });
    const major = await request(t.app).post(`/market-units/${id}/composition`).set(A()).set('If-Match', '"v2.jsonld"').send({ add: [big], remove: [small] }).expect(200);
    assert.deepEqual(major.body.materialChanges, ['ratedCapacity']);
    assert.equal(major.body.marketUnitStatus, 'REASSESSMENT_REQUIRED');
    await request(t.app).post(`/market-units/${id}/composition`).set(A()).set('If-Match', '"v1.jsonld"').send({ remove: [tiny] }).expect(412);
    const events = (await request(t.app).get('/feed').query({ after: feedBefore }).set(dnoA.keys.ASSET_MANAGER).expect(200)).body.items as { type: string; record: string; statusTo?: string }[];
    assert.ok(events.some((e) => e.type === 'ev:MarketUnitStatusChanged' && e.record.endsWith(`/${id}`) && e.statusTo === 'REASSESSMENT_REQUIRED'), JSON.stringify(events));
    const other = (await request(t.app).get('/feed').query({ after: feedBefore }).set(dnoB.keys.ASSET_MANAGER).expect(200)).body.items as { record: string }[];
    assert.ok(!other.some((e) => e.record.endsWith(`/${id}`)), 'another area\'s operator is not told');
    // The area's operator re-assesses the unit: recording its outcome makes the unit active again.
    await request(t.app).post('/qualifications').set(dnoA.keys.ASSET_MANAGER).send({ qualifiedUnit: id, forProductVersion: 'http://registry.test/product-versions/PEAK-1', qualificationFacet: 'PRODUCT', qualificationStatus: 'QUALIFIED', validFrom: new Date().toISOString().slice(0, 10) }).expect(201);
    assert.equal((await request(t.app).get(`/market-units/${id}`).set(A()).expect(200)).body.marketUnitStatus, 'ACTIVE');
    const wrong = await request(t.app).post(`/market-units/${id}/composition`).set(A()).send({ remove: [small] }).expect(422);
    assert.match(wrong.body.detail, /not a member/);
    const all = await request(t.app).get(`/market-units/${id}/composition`).set(A()).expect(200);
    const emptied = await request(t.app).post(`/market-units/${id}/composition`).set(A()).send({ remove: all.body.members.map((m: { assetId: string }) => m.assetId) }).expect(409);
    assert.match(emptied.body.remedy, /de-register/);
    await request(t.app).post(`/market-units/${id}/composition`).set(fspB.keys.ASSET_MANAGER).send({ add: [tiny] }).expect(403);
  });

  it('answers the composition at any past instant, over REST and SPARQL, and refuses to de-register a member asset', async () => {
    const a1 = await register('101234567898');
    const a2 = await register('101234567899');
    const id = unitId();
    await request(t.app).post('/market-units').set(A()).send({ marketUnitType: 'SPG', marketUnitId: id, assets: [a1, a2] }).expect(201);
    const between = new Date();
    await new Promise((r) => setTimeout(r, 20));
    const a3 = await register('101234567880');
    await request(t.app).post(`/market-units/${id}/composition`).set(A()).send({ add: [a3], remove: [a1] }).expect(200);
    const then = await request(t.app).get(`/market-units/${id}/composition`).query({ at: between.toISOString() }).set(A()).expect(200);
    assert.deepEqual(then.body.members.map((m: { assetId: string }) => m.assetId).sort(), [a1, a2].sort());
    const now = await request(t.app).get(`/market-units/${id}/composition`).set(A()).expect(200);
    assert.deepEqual(now.body.members.map((m: { assetId: string }) => m.assetId).sort(), [a2, a3].sort());
    await request(t.app).get(`/market-units/${id}/composition`).query({ at: 'yesterday' }).set(A()).expect(400);
    await request(t.app).get(`/market-units/${id}/composition`).set(fspB.keys.ASSET_MANAGER).expect(404);
    const sparql = (at: string) => `PREFIX fmar: <https://w3id.org/fmar/ontology#>
      PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
      SELECT ?asset WHERE {
        GRAPH ?m { ?m fmar:ofMarketUnit <http://registry.test/market-units/${id}> ; fmar:memberAsset ?asset ; fmar:memberSince ?since .
          OPTIONAL { ?m fmar:memberUntil ?until } }
        FILTER (?since <= "${at}"^^xsd:dateTime && (!BOUND(?until) || ?until > "${at}"^^xsd:dateTime))
      } ORDER BY ?asset`;
    for (const who of [A(), dnoA.keys.ASSET_MANAGER]) {
      const past = await request(t.app).post('/sparql').set(who).type('application/sparql-query').set('Accept', 'application/sparql-results+json').send(sparql(between.toISOString())).expect(200);
      assert.deepEqual(past.body.results.bindings.map((b: { asset: { value: string } }) => b.asset.value.split('/').pop()).sort(), [a1, a2].sort());
    }
    const outsider = await request(t.app).post('/sparql').set(dnoB.keys.ASSET_MANAGER).type('application/sparql-query').set('Accept', 'application/sparql-results+json').send(sparql(between.toISOString())).expect(200);
    assert.equal(outsider.body.results.bindings.length, 0);
    // UC-02.03: a current member cannot be de-registered; a former member can.
    const refused = await request(t.app).post(`/assets/${a2}/deregistration`).set(A()).send({ deRegistrationReason: 'DECOMMISSIONED' }).expect(409);
    assert.deepEqual(refused.body.blockers.activeMarketUnits, [`http://registry.test/market-units/${id}`]);
    await request(t.app).post(`/assets/${a1}/deregistration`).set(A()).send({ deRegistrationReason: 'DECOMMISSIONED' }).expect(200);
  });

  it('refuses de-registration while a qualification is in force or a confirmed service window runs, then de-registers (UC-03.05)', async () => {
    const a1 = await register('101234567881');
    const id = unitId();
    await request(t.app).post('/market-units').set(A()).send({ marketUnitType: 'SPU', marketUnitId: id, assets: [a1] }).expect(201);
    const today = new Date().toISOString().slice(0, 10);
    const qualification = await request(t.app).post('/qualifications').set(dnoA.keys.ASSET_MANAGER).send({ qualifiedUnit: id, forProductVersion: 'http://registry.test/product-versions/PEAK-1', qualificationFacet: 'PRODUCT', qualificationStatus: 'QUALIFIED', validFrom: today }).expect(201);
    assert.equal(qualification.body.assessedBy, dnoA.id);
    await request(t.app).post('/qualifications').set(dnoB.keys.ASSET_MANAGER).send({ qualifiedUnit: id, forProductVersion: 'http://registry.test/product-versions/PEAK-1', qualificationFacet: 'PRODUCT', qualificationStatus: 'APPLIED' }).expect(403);
    await request(t.app).get(`/qualifications/${qualification.body.qualificationId}`).set(A()).expect(200);
    const start = new Date(Date.now() + 86_400_000).toISOString();
    const end = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const window = await request(t.app).post('/service-windows').set(dnoA.keys.ASSET_MANAGER).send({ contractedUnit: id, windowStart: start, windowEnd: end, contractReference: 'UKPN-SF-2027-001' }).expect(201);
    assert.equal(window.body.contractHolder, fspA.id);
    assert.equal(window.body.serviceWindowStatus, 'CONFIRMED');
    await request(t.app).post('/service-windows').set(dnoA.keys.ASSET_MANAGER).send({ contractedUnit: id, windowStart: end, windowEnd: start }).expect(422);
    const blocked = await request(t.app).post(`/market-units/${id}/deregistration`).set(A()).expect(409);
    assert.deepEqual(blocked.body.blockers.activeQualifications, [qualification.body.qualificationId]);
    assert.deepEqual(blocked.body.blockers.confirmedServiceWindows, [window.body.serviceWindowId]);
    await request(t.app).put(`/qualifications/${qualification.body.qualificationId}`).set(dnoA.keys.ASSET_MANAGER).set('If-Match', '"v1.jsonld"').send({ qualifiedUnit: id, forProductVersion: 'http://registry.test/product-versions/PEAK-1', qualificationFacet: 'PRODUCT', qualificationStatus: 'WITHDRAWN', validFrom: today }).expect(200);
    await request(t.app).post(`/service-windows/${window.body.serviceWindowId}/cancellation`).set(dnoB.keys.ASSET_MANAGER).expect(403);
    await request(t.app).post(`/service-windows/${window.body.serviceWindowId}/cancellation`).set(dnoA.keys.ASSET_MANAGER).expect(200);
    const done = await request(t.app).post(`/market-units/${id}/deregistration`).set(A()).expect(200);
    assert.equal(done.body.marketUnitStatus, 'DE_REGISTERED');
    await request(t.app).post(`/market-units/${id}/deregistration`).set(A()).expect(409);
    // The asset stays registered and joins a new unit.
    const composition = await request(t.app).get(`/market-units/${id}/composition`).set(A()).expect(200);
    assert.equal(composition.body.members.length, 0);
    await request(t.app).post('/market-units').set(A()).send({ marketUnitType: 'SPU', marketUnitId: unitId(), assets: [a1] }).expect(201);
  });

  it('re-assigns a unit to a new FSP with its assets and qualifications; the losing FSP keeps the audit trail (UC-03.02)', async () => {
    const a1 = await register('101234567882');
    const id = unitId();
    await request(t.app).post('/market-units').set(A()).send({ marketUnitType: 'SPU', marketUnitId: id, assets: [a1] }).expect(201);
    const q = await request(t.app).post('/qualifications').set(dnoA.keys.ASSET_MANAGER).send({ qualifiedUnit: id, forProductVersion: 'http://registry.test/product-versions/PEAK-1', qualificationFacet: 'PRODUCT', qualificationStatus: 'QUALIFIED', validFrom: new Date().toISOString().slice(0, 10) }).expect(201);
    // The gaining FSP alone has no evidence; an administrator states it.
    await request(t.app).post(`/market-units/${id}/reassignment`).set(fspB.keys.ASSET_MANAGER).send({ gainingFSP: fspB.id }).expect(422);
    await request(t.app).post(`/market-units/${id}/reassignment`).set(fspB.keys.ASSET_MANAGER).send({ gainingFSP: fspB.id, switchId: '01935f3e-0000-7000-8000-000000000000' }).expect(403);
    await asAdmin(t.app).post(`/market-units/${id}/reassignment`).send({ gainingFSP: fspB.id }).expect(422);
    await asAdmin(t.app).post(`/market-units/${id}/reassignment`).send({ gainingFSP: dnoA.id, evidence: 'portfolio sale PS-1' }).expect(422);
    const moved = await asAdmin(t.app).post(`/market-units/${id}/reassignment`).send({ gainingFSP: fspB.id, evidence: 'portfolio sale, agreement PS-2027-004' }).expect(200);
    assert.equal(moved.body.responsibleFSP, fspB.id);
    assert.equal(moved.body.reassignmentEvidence, 'portfolio sale, agreement PS-2027-004');
    assert.deepEqual([moved.body.previousResponsibleFSPs].flat(), [fspA.id]);
    const B = fspB.keys.ASSET_MANAGER;
    await request(t.app).get(`/market-units/${id}`).set(B).expect(200);
    await request(t.app).get(`/market-units/${id}`).set(A()).expect(404);
    const asset = await request(t.app).get(`/assets/${a1}`).set(B).expect(200);
    assert.equal(asset.body.responsibleFSP, fspB.id);
    const members = await request(t.app).get(`/market-units/${id}/composition`).set(B).expect(200);
    await request(t.app).get(`/memberships/${members.body.members[0].membershipId}`).set(B).expect(200);
    await request(t.app).get(`/memberships/${members.body.members[0].membershipId}`).set(A()).expect(404);
    // Qualifications are transferred (FMAR_QUALIFICATION_TRANSFER=transfer, the default).
    const moved2 = await request(t.app).get(`/qualifications/${q.body.qualificationId}`).set(B).expect(200);
    assert.equal(moved2.body.qualificationStatus, 'QUALIFIED');
    await request(t.app).get(`/qualifications/${q.body.qualificationId}`).set(A()).expect(404);
    // Audit on both sides: the losing FSP still reads the unit's activities, the re-assignment included.
    const auditA = await request(t.app).post('/sparql').set(A()).type('application/sparql-query').set('Accept', 'application/sparql-results+json')
      .send(`PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX fmar: <https://w3id.org/fmar/ontology#> SELECT ?useCase WHERE { GRAPH ?a { ?a prov:generated ?v ; fmar:useCase ?useCase . ?v prov:specializationOf <http://registry.test/market-units/${id}> } } ORDER BY ?useCase`).expect(200);
    assert.deepEqual(auditA.body.results.bindings.map((b: { useCase: { value: string } }) => b.useCase.value), ['UC-03.01', 'UC-03.02']);
  });

  it('withdraws qualifications on re-assignment when the rule says so (FMAR_QUALIFICATION_TRANSFER=withdraw)', async function () {
    embeddedOnly(this, 'a second registry on the shared remote store would reset the first one\'s graphs');
    const other = await startTestRegistry({ qualificationTransfer: 'withdraw' });
    try {
      const fsp1 = await registerOrganisationWithUsers(other.app, ['FSP']);
      const fsp2 = await registerOrganisationWithUsers(other.app, ['FSP']);
      const dno = await registerOrganisationWithUsers(other.app, ['DNO'], ['ASSET_MANAGER'], { networkAreas: ['_A'] });
      const { exportMPAN: _e, ...body } = asset;
      const a = await request(other.app).post('/assets').set(fsp1.keys.ASSET_MANAGER).send({ ...body, importMPAN: mpan('101234567883') }).expect(201);
      await request(other.app).post('/market-units').set(fsp1.keys.ASSET_MANAGER).send({ marketUnitType: 'SPU', marketUnitId: 'W-1', assets: [a.body.assetId] }).expect(201);
      const q = await request(other.app).post('/qualifications').set(dno.keys.ASSET_MANAGER).send({ qualifiedUnit: 'W-1', forProductVersion: 'http://registry.test/product-versions/PEAK-1', qualificationFacet: 'PRODUCT', qualificationStatus: 'QUALIFIED', validFrom: new Date().toISOString().slice(0, 10) }).expect(201);
      await asAdmin(other.app).post('/market-units/W-1/reassignment').send({ gainingFSP: fsp2.id, evidence: 'merger M-1' }).expect(200);
      const after = await request(other.app).get(`/qualifications/${q.body.qualificationId}`).set(fsp2.keys.ASSET_MANAGER).expect(200);
      assert.equal(after.body.qualificationStatus, 'WITHDRAWN');
    } finally {
      await other.close();
    }
  });
});
