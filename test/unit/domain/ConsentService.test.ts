import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { audience } from '../../../src/access/audiences.js';
import { signCallback } from '../../../src/consent/CallbackSignature.js';
import type { ConsentEvidence } from '../../../src/consent/ConsentEvidence.js';
import { ConsentUnavailableError } from '../../../src/consent/ConsentVerifier.js';
import { CallbackRejectedError, ConsentRefusedError, ConsentService, FMAR_CONSENT_CALLBACKS } from '../../../src/domain/ConsentService.js';
import { ASSET_KIND, CONSENT_KIND } from '../../../src/domain/RecordKind.js';
import type { RecordState } from '../../../src/domain/RecordService.js';
import { code, codes, value } from '../../../src/domain/recordValues.js';
import { mpan } from '../../support/fspAccounts.js';
import { ADMIN, asset, organisation } from '../../support/domainRecords.js';
import { RecordedConsentVerifier } from '../../support/RecordedConsentVerifier.js';
import { BASE, startTestRegistry, type TestRegistry } from '../../support/testRegistry.js';

const NOW = new Date('2030-06-15T12:00:00.000Z');
const SECRET = 'consent-service-unit-secret';
const REFERENCE = 'CCS-unit-test-0001';

const idOf = (iri: string) => iri.slice(iri.lastIndexOf('/') + 1);

describe('ConsentService', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let fspA: RecordState;
  let fspB: RecordState;
  let verifier: RecordedConsentVerifier;
  let consents: ConsentService;

  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
    fspA = await organisation(t.registry, ['FSP']);
    fspB = await organisation(t.registry, ['FSP']);
  });
  beforeEach(() => {
    verifier = new RecordedConsentVerifier();
    consents = new ConsentService({ records: t.registry.records, store: t.registry.store, baseIri: BASE, verifier, callbackSecret: SECRET, now: () => NOW });
  });
  after(() => t.close());

  /** The CCS's answer for REFERENCE: GIVEN to FSP A for asset `a1` and ASSET_REGISTRATION, unless overridden. */
  function evidence(over: Partial<ConsentEvidence> = {}): ConsentEvidence {
    return { reference: REFERENCE, status: 'GIVEN', dataSubject: 'consumer-0001', fspId: idOf(fspA.iri), assets: [{ assetId: 'a1' }], purposes: ['ASSET_REGISTRATION'], givenAt: '2030-01-01T00:00:00.000Z', verifiedAt: NOW.toISOString(), ...over };
  }

  const one = (assetId: string, mpanCore?: string) => ({ iri: `${BASE}assets/${assetId}`, identifiers: { assetId, ...(mpanCore ? { mpan: mpanCore } : {}) } });

  describe('verify (UC-05.05)', () => {
    const refused = (reason: string, check: (e: ConsentRefusedError) => void = () => undefined) => (e: unknown) => {
      assert.ok(e instanceof ConsentRefusedError, String(e));
      assert.equal(e.reason, reason);
      check(e);
      return true;
    };

    it('refuses every consent as unverifiable when no consent solution is configured', async () => {
      const unconfigured = new ConsentService({ records: t.registry.records, store: t.registry.store, baseIri: BASE });
      await assert.rejects(unconfigured.verify(REFERENCE, fspA.iri, [one('a1')], 'ASSET_REGISTRATION'), refused('CONSENT_UNVERIFIABLE', (e) => assert.match(e.message, /no Consumer Consent Solution is configured/)));
    });

    it('refuses a consent as unverifiable when the consent solution cannot answer', async () => {
      verifier.answers.set(REFERENCE, new ConsentUnavailableError('timed out after 5000 ms'));
      await assert.rejects(consents.verify(REFERENCE, fspA.iri, [one('a1')], 'ASSET_REGISTRATION'), refused('CONSENT_UNVERIFIABLE', (e) => {
        assert.match(e.message, new RegExp(`could not verify consent ${REFERENCE}: timed out after 5000 ms`));
        assert.deepEqual(e.problems, []);
      }));
      assert.deepEqual(verifier.asked, [REFERENCE]);
    });

    it('lets other failures of the verifier through unchanged', async () => {
      const bug = new TypeError('a bug in the verifier');
      verifier.answers.set(REFERENCE, bug);
      await assert.rejects(consents.verify(REFERENCE, fspA.iri, [one('a1')], 'ASSET_REGISTRATION'), (e: unknown) => e === bug);
    });

    it('refuses a reference the consent solution does not know as not found', async () => {
      await assert.rejects(consents.verify(REFERENCE, fspA.iri, [one('a1')], 'ASSET_REGISTRATION'), refused('CONSENT_NOT_FOUND', (e) => assert.match(e.message, /does not know consent CCS-unit-test-0001/)));
    });

    it('names one problem per failed check per asset, once each', async () => {
      verifier.answers.set(REFERENCE, evidence());
      await assert.rejects(consents.verify(REFERENCE, fspB.iri, [one('a1'), one('a2'), one('a1')], 'ASSET_SWITCH'), refused('CONSENT_INVALID', (e) => {
        assert.deepEqual(e.problems.map((p) => [p.code, p.asset]), [
          ['CONSENT_OTHER_FSP', 'a1'],
          ['CONSENT_OTHER_PURPOSE', 'a1'],
          ['CONSENT_OTHER_FSP', 'a2'],
          ['CONSENT_OTHER_ASSET', 'a2'],
          ['CONSENT_OTHER_PURPOSE', 'a2'],
        ]);
        assert.equal(e.message, `consent ${REFERENCE} does not cover this: ${e.problems.map((p) => p.message).join('; ')}`);
      }));
    });

    it('refuses a consent that expired by its clock, or is not given', async () => {
      verifier.answers.set(REFERENCE, evidence({ expiresAt: '2030-06-15T11:59:59.000Z' }));
      await assert.rejects(consents.verify(REFERENCE, fspA.iri, [one('a1')], 'ASSET_REGISTRATION'), refused('CONSENT_INVALID', (e) => assert.deepEqual(e.problems.map((p) => p.code), ['CONSENT_EXPIRED'])));
      verifier.answers.set(REFERENCE, evidence({ status: 'REVOKED', withdrawnAt: '2030-06-01T00:00:00.000Z' }));
      await assert.rejects(consents.verify(REFERENCE, fspA.iri, [one('a1')], 'ASSET_REGISTRATION'), refused('CONSENT_INVALID', (e) => assert.deepEqual(e.problems.map((p) => p.code), ['CONSENT_NOT_GIVEN'])));
    });

    it('returns the evidence of a consent that covers the FSP, every asset (by ID or MPAN) and the purpose', async () => {
      const given = evidence({ fspId: idOf(fspA.iri).toUpperCase(), assets: [{ assetId: 'a1' }, { mpan: mpan('101234567890') }], purposes: ['ASSET_REGISTRATION', 'ASSET_SWITCH'], expiresAt: '2030-06-15T12:00:01.000Z' });
      verifier.answers.set(REFERENCE, given);
      assert.equal(await consents.verify(REFERENCE, fspA.iri, [one('a1'), one('a9', mpan('101234567890'))], 'ASSET_SWITCH'), given);
    });
  });

  describe('Consent records', () => {
    it('makes one GIVEN record per asset from the evidence, read by the consented FSP', async () => {
      const [a1, a2] = [await asset(t.registry, fspA.iri, '101234567100'), await asset(t.registry, fspA.iri, '101234567101')];
      const given = evidence({ purposes: ['ASSET_REGISTRATION', 'FLEXIBILITY_SERVICES'], expiresAt: '2031-01-01T00:00:00.000Z' });
      const changes = consents.consentRecords(given, fspA.iri, [a1.iri, a2.iri]);
      const base = { consentReference: REFERENCE, dataSubject: 'consumer-0001', consentFSP: fspA.iri, consentPurposes: ['ASSET_REGISTRATION', 'FLEXIBILITY_SERVICES'], consentStatus: 'GIVEN', consentGivenAt: '2030-01-01T00:00:00.000Z', consentExpiresAt: '2031-01-01T00:00:00.000Z' };
      assert.deepEqual(changes, [{ create: CONSENT_KIND, body: { ...base, consentAsset: a1.iri } }, { create: CONSENT_KIND, body: { ...base, consentAsset: a2.iri } }]);
      assert.equal('consentExpiresAt' in (consents.consentRecords(evidence(), fspA.iri, [a1.iri])[0] as { body: object }).body, false, 'no expiry when the consent has none');
      const [stored] = await t.registry.records.writeTogether(changes, { ...ADMIN, onBehalfOf: fspA.iri });
      assert.equal(code(stored, 'consentStatus'), 'GIVEN');
      assert.deepEqual(codes(stored, 'consentPurposes').sort(), ['ASSET_REGISTRATION', 'FLEXIBILITY_SERVICES']);
      assert.ok(stored.access.get(stored.iri)?.includes(audience.portfolio(fspA.iri)));
      assert.deepEqual(stored.access.get(`${stored.iri}#personal`), [audience.portfolioPersonal(fspA.iri)]);
    });
  });

  describe('callbacks (readCallback)', () => {
    const body = (fields: Record<string, unknown>) => JSON.stringify({ eventId: `evt-${Math.random().toString(36).slice(2)}`, type: 'ConsentRevoked', reference: REFERENCE, occurredAt: '2030-06-15T11:59:00.000Z', ...fields });
    const read = (raw: string, signature: string | undefined = signCallback(SECRET, raw, NOW), service = consents) => service.readCallback(Buffer.from(raw), signature);
    const rejected = (status: number, pattern: RegExp) => (e: unknown) => e instanceof CallbackRejectedError && e.status === status && pattern.test(e.message);

    it('refuses every callback (401) when no callback secret is configured', async () => {
      const closed = new ConsentService({ records: t.registry.records, store: t.registry.store, baseIri: BASE, verifier, now: () => NOW });
      const raw = body({});
      await assert.rejects(read(raw, signCallback(SECRET, raw, NOW), closed), rejected(401, /FMAR_CONSENT_CALLBACK_SECRET is not set/));
    });

    it('refuses a missing, wrong, tampered or stale signature (401)', async () => {
      const raw = body({});
      await assert.rejects(read(raw, ''), rejected(401, /header is missing/));
      await assert.rejects(read(raw, 'v1=abc'), rejected(401, /malformed/));
      await assert.rejects(read(raw, signCallback('another-secret', raw, NOW)), rejected(401, /does not match/));
      await assert.rejects(read(raw.replace(REFERENCE, 'CCS-unit-test-0002'), signCallback(SECRET, raw, NOW)), rejected(401, /does not match/));
      await assert.rejects(read(raw, signCallback(SECRET, raw, new Date(NOW.getTime() - 301_000))), rejected(401, /301 s old/));
      await assert.rejects(read(raw, signCallback(SECRET, raw, new Date(NOW.getTime() + 301_000))), rejected(401, /in the future/));
      assert.equal((await read(raw, signCallback(SECRET, raw, new Date(NOW.getTime() - 300_000)))).reference, REFERENCE, '300 s is within the tolerance');
    });

    it('refuses a signed body that is not JSON, lacks a field or has an unknown type (400)', async () => {
      for (const raw of ['{not json', JSON.stringify({ type: 'ConsentRevoked', reference: REFERENCE }), body({ reference: undefined }), body({ reference: '' }), body({ type: 'ConsentExpired' }), body({ eventId: 'e'.repeat(201) })]) {
        await assert.rejects(read(raw), (e: unknown) => e instanceof CallbackRejectedError && e.status === 400, raw.slice(0, 60));
      }
      assert.equal((await read(body({ eventId: 'e'.repeat(200) }))).eventId.length, 200);
    });

    it('reads a well-formed callback, keeping only string asset IDs and defaulting occurredAt to now', async () => {
      const raw = JSON.stringify({ eventId: 'evt-switch-1', type: 'SwitchRequested', reference: REFERENCE, gainingFspId: idOf(fspB.iri), assetIds: ['a1', 7, 'a2', null] });
      assert.deepEqual(await read(raw), { eventId: 'evt-switch-1', type: 'SwitchRequested', reference: REFERENCE, occurredAt: NOW.toISOString(), gainingFspId: idOf(fspB.iri), assetIds: ['a1', 'a2'] });
      const revoked = JSON.stringify({ eventId: 'evt-revoked-1', type: 'ConsentWithdrawn', reference: REFERENCE, occurredAt: '2030-06-15T11:00:00.000Z' });
      assert.deepEqual(await read(revoked), { eventId: 'evt-revoked-1', type: 'ConsentWithdrawn', reference: REFERENCE, occurredAt: '2030-06-15T11:00:00.000Z' });
    });

    it('refuses a processed eventId (409) only once its marker is committed, and checks the signature first', async () => {
      const raw = body({ eventId: 'evt-replay-1' });
      await read(raw);
      await read(raw);
      const marker = consents.processedMarker('evt-replay-1', 'ConsentRevoked');
      const graph = `${BASE}consent-callbacks/${createHash('sha256').update('evt-replay-1').digest('hex')}`;
      assert.deepEqual(marker.map((q) => [q.graph.value, q.predicate.value.slice(FMAR_CONSENT_CALLBACKS.length), q.object.value]), [[graph, 'eventId', 'evt-replay-1'], [graph, 'type', 'ConsentRevoked'], [graph, 'processedAt', NOW.toISOString()]]);
      await t.registry.store.commit({ add: marker });
      await assert.rejects(read(raw), rejected(409, /evt-replay-1 was processed before: replays are refused/));
      await assert.rejects(read(raw, ''), rejected(401, /missing/), 'an unsigned replay is refused for its signature');
      assert.equal((await read(body({ eventId: 'evt-replay-2' }))).eventId, 'evt-replay-2');
    });
  });

  describe('revocation (revocationChanges)', () => {
    it('revokes the GIVEN records of the reference and suspends only the assets of the consent\'s FSP that rest on it', async () => {
      const R = 'CCS-unit-revoke-01';
      const owned = (point: string, reference = R, fsp = fspA) => asset(t.registry, fsp.iri, point, { consumerOwned: true, consentReference: reference });
      const restsOnIt = await owned('101234567200');
      const otherReference = await owned('101234567201', 'CCS-unit-revoke-02');
      const withB = await owned('101234567202', R, fspB);
      const gone = await owned('101234567203');
      await t.registry.records.transition(ASSET_KIND, gone.id, { assetRegistrationStatus: 'DE_REGISTERED', deRegistrationReason: 'DECOMMISSIONED', deRegisteredOn: '2030-06-01' }, ADMIN, 'UC-02.03');
      const suspended = await owned('101234567204');
      await t.registry.records.transition(ASSET_KIND, suspended.id, { assetRegistrationStatus: 'SUSPENDED_CONSENT_REVOKED' }, ADMIN, 'UC-05.05');
      const revokedBefore = await owned('101234567205');
      const given = evidence({ reference: R, assets: [] });
      const written = await t.registry.records.writeTogether(consents.consentRecords(given, fspA.iri, [restsOnIt, otherReference, withB, gone, suspended, revokedBefore].map((a) => a.iri)), { ...ADMIN, onBehalfOf: fspA.iri });
      const ended = written[5];
      await t.registry.records.transition(CONSENT_KIND, ended.id, { consentStatus: 'REVOKED', consentWithdrawnAt: '2030-03-01T00:00:00.000Z' }, ADMIN, 'UC-05.05');
      await t.registry.records.writeTogether(consents.consentRecords(evidence({ reference: 'CCS-unit-revoke-03' }), fspA.iri, [restsOnIt.iri]), { ...ADMIN, onBehalfOf: fspA.iri });

      const at = '2030-06-15T11:00:00.000Z';
      const { changes, consents: found, suspendedAssets } = await consents.revocationChanges(R, 'REVOKED', at);
      assert.deepEqual(found.map((c) => c.id).sort(), written.map((c) => c.id).sort(), 'every Consent record of the reference, and only those');
      const consentChanges = changes.filter((c) => 'transition' in c && c.transition === CONSENT_KIND);
      assert.deepEqual(consentChanges.map((c) => ('transition' in c ? c.id : '')).sort(), written.slice(0, 5).map((c) => c.id).sort());
      for (const c of consentChanges) assert.deepEqual('transition' in c && [c.useCase, c.changes], ['UC-05.05', { consentStatus: 'REVOKED', consentWithdrawnAt: at }]);
      assert.deepEqual(changes.filter((c) => 'transition' in c && c.transition === ASSET_KIND), [{ transition: ASSET_KIND, id: restsOnIt.id, useCase: 'UC-05.05', changes: { assetRegistrationStatus: 'SUSPENDED_CONSENT_REVOKED' } }]);
      assert.deepEqual(suspendedAssets, [restsOnIt.id]);

      await t.registry.records.writeTogether(changes, consents.callbackActor(fspA.iri));
      assert.equal(code(await t.registry.records.get(ASSET_KIND, restsOnIt.id), 'assetRegistrationStatus'), 'SUSPENDED_CONSENT_REVOKED');
      assert.equal(code(await t.registry.records.get(ASSET_KIND, withB.id), 'assetRegistrationStatus'), 'PENDING_VALIDATION');
      assert.equal(code(await t.registry.records.get(ASSET_KIND, gone.id), 'assetRegistrationStatus'), 'DE_REGISTERED');
      const revoked = await t.registry.records.get(CONSENT_KIND, written[0].id);
      assert.deepEqual([code(revoked, 'consentStatus'), Date.parse(value(revoked, 'consentWithdrawnAt')!)], ['REVOKED', Date.parse(at)]);
      assert.deepEqual((await consents.revocationChanges(R, 'REVOKED', at)).changes, [], 'a second revocation changes nothing');
    });

    it('never dates a withdrawal before the consent was given, and withdraws with WITHDRAWN', async () => {
      const R = 'CCS-unit-revoke-04';
      const a = await asset(t.registry, fspA.iri, '101234567206', { consumerOwned: true, consentReference: R });
      const [record] = await t.registry.records.writeTogether(consents.consentRecords(evidence({ reference: R, givenAt: '2030-05-01T00:00:00.000Z' }), fspA.iri, [a.iri]), { ...ADMIN, onBehalfOf: fspA.iri });
      const { changes } = await consents.revocationChanges(R, 'WITHDRAWN', '2030-04-01T00:00:00.000Z');
      assert.equal(changes.length, 2, 'the consent and its asset');
      assert.deepEqual(changes[1], { transition: ASSET_KIND, id: a.id, useCase: 'UC-05.05', changes: { assetRegistrationStatus: 'SUSPENDED_CONSENT_REVOKED' } });
      const [change] = changes;
      assert.ok('transition' in change && change.transition === CONSENT_KIND && change.id === record.id);
      assert.equal(change.changes.consentStatus, 'WITHDRAWN');
      // The given time as stored (a store may write 2030-05-01T00:00:00Z for ...00.000Z).
      assert.equal(Date.parse(String(change.changes.consentWithdrawnAt)), Date.parse('2030-05-01T00:00:00.000Z'));
    });
  });
});
