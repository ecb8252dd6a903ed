import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { signCallback } from '../../src/consent/CallbackSignature.js';
import { startConsentSimulator, type RunningConsentSimulator } from '../support/consentSimulatorProcess.js';
import { mpan, registerOrganisationWithUsers, type TestOrganisation } from '../support/fspAccounts.js';
import { asAdmin, embeddedOnly, exampleBody, startTestRegistry, type TestRegistry } from '../support/testRegistry.js';

const SECRET = 'switch-test-callback-secret';
const TOKEN = 'switch-test-ccs-token';
const NOTICE_SECONDS = 2;

/**
 * Issue #8 end to end over real HTTP: the consent solution simulator runs as its own process; the registry
 * verifies consents with it (UC-05.05), receives its signed callbacks, and runs owner-initiated switches through
 * their state machine (UC-03.04) with a short notice period.
 */
describe('Consumer consent and owner-initiated switches (UC-05.05, UC-03.04)', function () {
  this.timeout(180_000);
  let t: TestRegistry;
  let server: Server;
  let ccs: RunningConsentSimulator;
  let fspA: TestOrganisation;
  let fspB: TestOrganisation;
  let dno: TestOrganisation;
  let seq = 0;
  const A = () => fspA.keys.ASSET_MANAGER;
  const B = () => fspB.keys.ASSET_MANAGER;

  before(async () => {
    // The registry's port first (the simulator calls back to it), then the simulator, then the registry itself.
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    ccs = await startConsentSimulator({ callbackUrl: `http://127.0.0.1:${port}/consent/callbacks`, callbackSecret: SECRET, token: TOKEN });
    t = await startTestRegistry({ consentUrl: ccs.url, consentToken: TOKEN, consentCallbackSecret: SECRET, switchNoticeSeconds: NOTICE_SECONDS, switchPollMs: 100 });
    server.on('request', t.app);
    fspA = await registerOrganisationWithUsers(t.app, ['FSP']);
    fspB = await registerOrganisationWithUsers(t.app, ['FSP']);
    dno = await registerOrganisationWithUsers(t.app, ['DNO'], ['ASSET_MANAGER'], { networkAreas: ['_A'] });
  });
  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
    await ccs?.stop();
  });

  /** A consent in the simulator: to `fspId` for `assets` and `purposes`. */
  async function consent(fspId: string, assets: { assetId?: string; mpan?: string }[], purposes: string[], extra: Record<string, unknown> = {}): Promise<string> {
    const res = await request(ccs.url).post('/consents').send({ dataSubject: `consumer-${++seq}`, fspId, assets, purposes, ...extra }).expect(201);
    return res.body.reference as string;
  }

  /** A consumer-owned asset of FSP A, registered on a consent to A for its MPAN. */
  async function consumerAsset(point = `1012345670${String(++seq).padStart(2, '0')}`): Promise<{ id: string; mpan: string; reference: string }> {
    const meter = mpan(point);
    const reference = await consent(fspA.id, [{ mpan: meter }], ['ASSET_REGISTRATION', 'FLEXIBILITY_SERVICES']);
    const { exportMPAN: _e, genCapacity: _g, demandCapacity: _d, installedCapacity: _i, ...body } = await exampleBody('asset');
    const res = await request(t.app).post('/assets').set(A()).send({ ...body, assetName: `Home battery ${seq}`, serialNumber: `HB-${seq}-${Date.now()}`, importMPAN: meter, consumerOwned: true, consentReference: reference });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { id: res.body.assetId, mpan: meter, reference };
  }

  async function untilStatus(id: string, status: string, who = B()): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await request(t.app).get(`/switches/${id}`).set(who).expect(200);
      if (res.body.switchStatus === status) return res.body;
      if (Date.now() > deadline) assert.fail(`switch ${id} stayed ${res.body.switchStatus}, expected ${status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('registers a consumer-owned asset only on a consent the consent solution verifies, and keeps the consent (UC-02.02, UC-05.05)', async () => {
    const { id, reference } = await consumerAsset();
    const consents = await request(t.app).get('/consents').query({ consentAsset: id }).set(A()).expect(200);
    assert.equal(consents.body.items.length, 1);
    assert.equal(consents.body.items[0].consentStatus, 'GIVEN');
    assert.equal(consents.body.items[0].consentReference, reference);
    assert.deepEqual([consents.body.items[0].consentPurposes].flat().sort(), ['ASSET_REGISTRATION', 'FLEXIBILITY_SERVICES']);
    assert.ok(consents.body.items[0].dataSubject, 'the owning FSP reads the pseudonymous data subject');
    await request(t.app).get(`/consents/${consents.body.items[0].consentId}`).set(B()).expect(404);
    const { exportMPAN: _e, genCapacity: _g, demandCapacity: _d, installedCapacity: _i, ...body } = await exampleBody('asset');
    const meter = mpan('101234567111');
    const count = async () => (await request(t.app).get('/assets/lookup').query({ importMPAN: meter }).set(A()).expect(200)).body.matches.length as number;
    const before = await count();
    const attempt = (extra: Record<string, unknown>) => request(t.app).post('/assets').set(A()).send({ ...body, importMPAN: meter, consumerOwned: true, ...extra });
    const missing = await attempt({}).expect(422);
    assert.equal(missing.body.errors[0].field, 'consentReference');
    const unknown = await attempt({ consentReference: 'CCS-never-issued-0001' }).expect(422);
    assert.equal(unknown.body.reason, 'CONSENT_NOT_FOUND');
    const toB = await attempt({ consentReference: await consent(fspB.id, [{ mpan: meter }], ['ASSET_REGISTRATION']) }).expect(422);
    assert.equal(toB.body.reason, 'CONSENT_INVALID');
    assert.match(toB.body.errors[0].message, /CONSENT_OTHER_FSP/);
    const otherMeter = await attempt({ consentReference: await consent(fspA.id, [{ mpan: mpan('101234567112') }], ['ASSET_REGISTRATION']) }).expect(422);
    assert.match(otherMeter.body.errors[0].message, /CONSENT_OTHER_ASSET/);
    const purpose = await attempt({ consentReference: await consent(fspA.id, [{ mpan: meter }], ['DATA_SHARING']) }).expect(422);
    assert.match(purpose.body.errors[0].message, /CONSENT_OTHER_PURPOSE/);
    const expired = await attempt({ consentReference: await consent(fspA.id, [{ mpan: meter }], ['ASSET_REGISTRATION'], { givenAt: '2025-01-01T00:00:00Z', expiresAt: '2025-06-01T00:00:00Z' }) }).expect(422);
    assert.match(expired.body.errors[0].message, /CONSENT_EXPIRED/);
    assert.equal(await count(), before, 'nothing was stored');
    assert.equal(before, 0);
    // Bulk registration does not take consumer-owned assets (their consent is verified one at a time).
    const bulk = await request(t.app).post('/assets/bulk').set(A()).type('application/x-ndjson').send(`${JSON.stringify({ ...body, importMPAN: meter, consumerOwned: true, consentReference: 'CCS-whatever-0001' })}\n`).expect(200);
    assert.equal(bulk.body.report[0].status, 'rejected');
    assert.equal(bulk.body.report[0].errors[0].field, 'consumerOwned');
  });

  it('refuses a consumer-owned registration when the consent solution cannot answer (503), and never trusts the reference', async function () {
    embeddedOnly(this, 'a second registry on the shared remote store would reset the first one\'s graphs');
    const dark = await startTestRegistry({ consentUrl: 'http://127.0.0.1:9', consentTimeoutMs: 500 });
    try {
      const fsp = await registerOrganisationWithUsers(dark.app, ['FSP']);
      const { exportMPAN: _e, ...body } = await exampleBody('asset');
      const res = await request(dark.app).post('/assets').set(fsp.keys.ASSET_MANAGER).send({ ...body, consumerOwned: true, consentReference: 'CCS-unreachable-001' }).expect(503);
      assert.match(res.body.detail, /could not verify/);
      const none = await startTestRegistry({ consentUrl: undefined });
      try {
        const fsp2 = await registerOrganisationWithUsers(none.app, ['FSP']);
        const refused = await request(none.app).post('/assets').set(fsp2.keys.ASSET_MANAGER).send({ ...body, consumerOwned: true, consentReference: 'CCS-unconfigured-01' }).expect(503);
        assert.match(refused.body.detail, /no Consumer Consent Solution is configured/);
      } finally {
        await none.close();
      }
    } finally {
      await dark.close();
    }
  });

  it('switches an asset through requested, consent verified, notice period and completed; its single-asset unit follows it', async () => {
    const asset = await consumerAsset();
    const unit = `SW-UNIT-${++seq}`;
    await request(t.app).post('/market-units').set(A()).send({ marketUnitType: 'SPU', marketUnitId: unit, assets: [asset.id] }).expect(201);
    const feedA = (await request(t.app).get('/feed').set(A()).expect(200)).body.next;
    // The gaining FSP knows the MPAN; it looks up the FMAR Asset ID (issue #7) and asks with the consumer's new consent.
    const found = await request(t.app).get('/assets/lookup').query({ importMPAN: asset.mpan }).set(B()).expect(200);
    assert.deepEqual(found.body.matches.map((m: { assetId: string }) => m.assetId), [asset.id]);
    const reference = await consent(fspB.id, [{ assetId: asset.id }], ['ASSET_SWITCH', 'FLEXIBILITY_SERVICES']);
    const requested = await request(t.app).post('/switches').set(B()).send({ assets: [asset.id], consentReference: reference }).expect(201);
    assert.equal(requested.body.switchStatus, 'NOTICE_PERIOD');
    assert.equal(requested.body.gainingFSP, fspB.id);
    assert.equal(requested.body.losingFSP, fspA.id);
    assert.ok(Date.parse(requested.body.noticePeriodEndsAt) > Date.now());
    const id = requested.body.switchId as string;
    // The losing FSP is notified: it reads the switch and gets its events.
    await request(t.app).get(`/switches/${id}`).set(A()).expect(200);
    await request(t.app).get(`/switches/${id}`).set(dno.keys.ASSET_MANAGER).expect(404);
    const events = (await request(t.app).get('/feed').query({ after: feedA }).set(A()).expect(200)).body.items as { type: string; record: string; statusTo?: string }[];
    assert.ok(events.some((e) => e.record.endsWith(id) && e.statusTo === 'NOTICE_PERIOD'), JSON.stringify(events));
    const done = await untilStatus(id, 'COMPLETED');
    assert.ok(done.switchCompletedAt);
    const moved = await request(t.app).get(`/assets/${asset.id}`).set(B()).expect(200);
    assert.equal(moved.body.responsibleFSP, fspB.id);
    assert.equal(moved.body.consentReference, reference);
    assert.deepEqual([moved.body.previousResponsibleFSPs].flat(), [fspA.id]);
    await request(t.app).get(`/assets/${asset.id}`).set(A()).expect(404);
    const followed = await request(t.app).get(`/market-units/${unit}`).set(B()).expect(200);
    assert.equal(followed.body.responsibleFSP, fspB.id);
    assert.equal(followed.body.reassignmentEvidence, `switch ${id}`);
    // Each step is an activity: the switch's history has the four states.
    const history = await request(t.app).get(`/switches/${id}/history`).set(B()).expect(200);
    assert.equal(history.body.versions.length, 4);
    const states = await Promise.all([1, 2, 3, 4].map(async (v) => (await request(t.app).get(`/switches/${id}/versions/${v}`).set(B()).expect(200)).body.switchStatus));
    assert.deepEqual(states, ['REQUESTED', 'CONSENT_VERIFIED', 'NOTICE_PERIOD', 'COMPLETED']);
    // The gaining FSP's consent is kept as a Consent record for the asset.
    const kept = await request(t.app).get('/consents').query({ consentAsset: asset.id }).set(B()).expect(200);
    assert.ok(kept.body.items.some((c: { consentReference: string }) => c.consentReference === reference));
  });

  it('takes a switched asset out of a larger unit, which stays with the losing FSP (UC-03.03)', async () => {
    const one = await consumerAsset();
    const two = await consumerAsset();
    const unit = `SW-SPG-${++seq}`;
    await request(t.app).post('/market-units').set(A()).send({ marketUnitType: 'SPG', marketUnitId: unit, assets: [one.id, two.id] }).expect(201);
    const reference = await consent(fspB.id, [{ mpan: one.mpan }], ['ASSET_SWITCH']);
    const requested = await request(t.app).post('/switches').set(B()).send({ assets: [one.id], consentReference: reference }).expect(201);
    await untilStatus(requested.body.switchId, 'COMPLETED');
    const left = await request(t.app).get(`/market-units/${unit}`).set(A()).expect(200);
    assert.equal(left.body.responsibleFSP, fspA.id);
    // An SPG left behind one accounting point is kept, flagged for its FSP and the operators to re-assess.
    assert.equal(left.body.marketUnitStatus, 'REASSESSMENT_REQUIRED');
    const members = await request(t.app).get(`/market-units/${unit}/composition`).set(A()).expect(200);
    assert.deepEqual(members.body.members.map((m: { assetId: string }) => m.assetId), [two.id]);
  });

  it('rejects a switch whose consent is unknown, for another FSP or expired, and one blocked by a confirmed service window', async () => {
    const asset = await consumerAsset();
    const ask = (consentReference: string) => request(t.app).post('/switches').set(B()).send({ assets: [asset.id], consentReference });
    const unknown = await ask('CCS-never-issued-0002').expect(422);
    assert.equal(unknown.body.reason, 'CONSENT_NOT_FOUND');
    assert.equal((await request(t.app).get(`/switches/${unknown.body.switchId}`).set(A()).expect(200)).body.switchRejectionReason, 'CONSENT_NOT_FOUND');
    const forA = await ask(asset.reference).expect(422);
    assert.equal(forA.body.reason, 'CONSENT_INVALID');
    const rejected = await request(t.app).get(`/switches/${forA.body.switchId}`).set(B()).expect(200);
    assert.equal(rejected.body.switchStatus, 'REJECTED');
    assert.match(rejected.body.switchRejectionDetail, /CONSENT|not to FSP|given to FSP/);
    const expired = await ask(await consent(fspB.id, [{ assetId: asset.id }], ['ASSET_SWITCH'], { givenAt: '2025-01-01T00:00:00Z', expiresAt: '2025-02-01T00:00:00Z' })).expect(422);
    assert.equal(expired.body.reason, 'CONSENT_INVALID');
    // W2: FSP A holds a confirmed service window for the asset.
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const end = new Date(Date.now() + 7_200_000).toISOString();
    await request(t.app).post('/service-windows').set(dno.keys.ASSET_MANAGER).send({ contractedAsset: asset.id, windowStart: start, windowEnd: end }).expect(201);
    const blocked = await ask(await consent(fspB.id, [{ assetId: asset.id }], ['ASSET_SWITCH'])).expect(422);
    assert.equal(blocked.body.reason, 'SERVICE_WINDOW_CONFLICT');
    const versions = (await request(t.app).get(`/switches/${blocked.body.switchId}/history`).set(B()).expect(200)).body.versions;
    assert.equal(versions.length, 3, 'requested, consent verified, rejected');
    assert.equal((await request(t.app).get(`/assets/${asset.id}`).set(A()).expect(200)).body.responsibleFSP, fspA.id);
    // Bad requests store nothing: no assets, someone else's own asset, an anonymous caller.
    await request(t.app).post('/switches').set(B()).send({ assets: [], consentReference: 'CCS-whatever-0003' }).expect(422);
    await request(t.app).post('/switches').set(A()).send({ assets: [asset.id], consentReference: asset.reference }).expect(422);
    await request(t.app).post('/switches').send({ assets: [asset.id], consentReference: asset.reference }).expect(401);
  });

  it('rejects a switch whose consent is revoked during the notice period, and suspends assets whose consent is revoked', async () => {
    const asset = await consumerAsset();
    const reference = await consent(fspB.id, [{ assetId: asset.id }], ['ASSET_SWITCH']);
    const requested = await request(t.app).post('/switches').set(B()).send({ assets: [asset.id], consentReference: reference }).expect(201);
    const revoked = await request(ccs.url).post(`/consents/${reference}/revocation`).expect(200);
    assert.equal(revoked.body.callback.delivered, true, JSON.stringify(revoked.body));
    const rejected = await untilStatus(requested.body.switchId, 'REJECTED');
    assert.equal(rejected.switchRejectionReason, 'CONSENT_REVOKED');
    assert.equal((await request(t.app).get(`/assets/${asset.id}`).set(A()).expect(200)).body.responsibleFSP, fspA.id);
    // UC-05.05: the owner's consent to A revoked: the asset is suspended, its Consent record revoked.
    const withdrawn = await request(ccs.url).post(`/consents/${asset.reference}/revocation`).expect(200);
    assert.equal(withdrawn.body.callback.status, 200);
    const suspended = await request(t.app).get(`/assets/${asset.id}`).set(A()).expect(200);
    assert.equal(suspended.body.assetRegistrationStatus, 'SUSPENDED_CONSENT_REVOKED');
    const record = (await request(t.app).get('/consents').query({ consentAsset: asset.id }).set(A()).expect(200)).body.items.find((c: { consentReference: string }) => c.consentReference === asset.reference);
    assert.equal(record.consentStatus, 'REVOKED');
    assert.ok(record.consentWithdrawnAt);
  });

  it('accepts only signed, fresh, first-time callbacks', async () => {
    const body = JSON.stringify({ eventId: `evt-${Date.now()}`, type: 'ConsentRevoked', reference: 'CCS-not-ours-000001', occurredAt: new Date().toISOString() });
    const post = (signature?: string, payload = body) => {
      const r = request(t.app).post('/consent/callbacks').set('Content-Type', 'application/json');
      return (signature ? r.set('FMAR-Signature', signature) : r).send(payload);
    };
    await post().expect(401);
    await post(signCallback('wrong-secret', body)).expect(401);
    await post(signCallback(SECRET, body, new Date(Date.now() - 3_600_000))).expect(401);
    await post(signCallback(SECRET, body), body.replace('CCS-not-ours', 'CCS-tampered')).expect(401);
    const ok = await post(signCallback(SECRET, body)).expect(200);
    assert.deepEqual(ok.body.suspendedAssets, []);
    const replay = await post(signCallback(SECRET, body)).expect(409);
    assert.match(replay.body.detail, /replays are refused/);
    await post(signCallback(SECRET, '{"eventId":"x"}'), '{"eventId":"x"}').expect(400);
  });

  it('takes a switch submitted by the consent solution itself (UC-03.04 "or CCS directly")', async () => {
    const asset = await consumerAsset();
    const reference = await consent(fspB.id, [{ assetId: asset.id }], ['ASSET_SWITCH']);
    const res = await request(ccs.url).post('/switch-requests').send({ reference, gainingFspId: fspB.id, assetIds: [asset.id] }).expect(201);
    assert.equal(res.body.switchStatus, 'NOTICE_PERIOD');
    const history = await request(t.app).get(`/switches/${res.body.switchId}/history`).set(B()).expect(200);
    assert.ok(history.body.versions[0].agents.some((a: string) => a.endsWith('/agents/consent-solution')), JSON.stringify(history.body.versions[0]));
    await untilStatus(res.body.switchId, 'COMPLETED');
    // An administrator reads every switch.
    await asAdmin(t.app).get(`/switches/${res.body.switchId}`).expect(200);
  });
});
