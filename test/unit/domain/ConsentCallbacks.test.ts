import assert from 'node:assert/strict';
import { signCallback } from '../../../src/consent/CallbackSignature.js';
import type { ConsentEvidence } from '../../../src/consent/ConsentEvidence.js';
import { ConsentCallbacks } from '../../../src/domain/ConsentCallbacks.js';
import { CallbackRejectedError, ConsentService } from '../../../src/domain/ConsentService.js';
import { ASSET_KIND, CONSENT_KIND, SWITCH_KIND } from '../../../src/domain/RecordKind.js';
import type { RecordState } from '../../../src/domain/RecordService.js';
import { code } from '../../../src/domain/recordValues.js';
import { SwitchService } from '../../../src/domain/SwitchService.js';
import { ADMIN, asset, organisation, userOf } from '../../support/domainRecords.js';
import { RecordedConsentVerifier } from '../../support/RecordedConsentVerifier.js';
import { BASE, startTestRegistry, type TestRegistry } from '../../support/testRegistry.js';

const SECRET = 'consent-callbacks-unit-secret';

const idOf = (iri: string) => iri.slice(iri.lastIndexOf('/') + 1);

/** UC-05.05 revocation callbacks, processed by ConsentCallbacks over the test registry's records. */
describe('ConsentCallbacks', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let fspA: RecordState;
  let fspB: RecordState;
  let verifier: RecordedConsentVerifier;
  let consents: ConsentService;
  let switches: SwitchService;
  let callbacks: ConsentCallbacks;
  let seq = 0;

  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0, switchNoticeSeconds: 10_000_000, switchPollMs: 3_600_000 });
    fspA = await organisation(t.registry, ['FSP']);
    fspB = await organisation(t.registry, ['FSP']);
    verifier = new RecordedConsentVerifier();
    consents = new ConsentService({ records: t.registry.records, store: t.registry.store, baseIri: BASE, verifier, callbackSecret: SECRET });
    switches = new SwitchService({ records: t.registry.records, store: t.registry.store, baseIri: BASE, consents, units: t.registry.marketUnits, noticeSeconds: 3600 });
    callbacks = new ConsentCallbacks({ consents, switches, records: t.registry.records });
  });
  after(() => t.close());

  function evidence(reference: string, fsp: RecordState, assets: RecordState[], purposes: string[]): ConsentEvidence {
    const e: ConsentEvidence = { reference, status: 'GIVEN', dataSubject: `consumer-${seq}`, fspId: idOf(fsp.iri), assets: assets.map((a) => ({ assetId: a.id })), purposes, givenAt: '2020-01-01T00:00:00.000Z', verifiedAt: new Date().toISOString() };
    verifier.answers.set(reference, e);
    return e;
  }

  /** A consumer-owned asset of FSP A on a consent to A, with its Consent record. */
  async function consumerAsset(): Promise<{ asset: RecordState; reference: string; consent: RecordState }> {
    const reference = `CCS-callback-unit-${String(++seq).padStart(3, '0')}`;
    const a = await asset(t.registry, fspA.iri, `1012345674${String(seq).padStart(2, '0')}`, { consumerOwned: true, consentReference: reference });
    const [consent] = await t.registry.records.writeTogether(consents.consentRecords(evidence(reference, fspA, [a], ['ASSET_REGISTRATION']), fspA.iri, [a.iri]), { ...ADMIN, onBehalfOf: fspA.iri });
    return { asset: a, reference, consent };
  }

  function revocation(reference: string, eventId = `evt-${reference}`): [Buffer, string] {
    const body = JSON.stringify({ eventId, type: 'ConsentRevoked', reference, occurredAt: new Date().toISOString() });
    return [Buffer.from(body), signCallback(SECRET, body)];
  }

  it('rejects the switch waiting on a revoked consent, with the processed marker, in one transaction', async () => {
    const { asset: a, consent: consentToA, reference: toA } = await consumerAsset();
    const toB = `CCS-callback-unit-b${++seq}`;
    evidence(toB, fspB, [a], ['ASSET_SWITCH']);
    const sw = await switches.request({ assets: [a.id], consentReference: toB }, userOf(fspB.iri, ['FSP']));
    const [consentToB] = await consents.consentsWithReference(toB);
    const before = t.registry.store.head().sequence;
    const outcome = await callbacks.process(...revocation(toB));
    assert.equal(t.registry.store.head().sequence, before + 1);
    assert.deepEqual(outcome, { type: 'ConsentRevoked', reference: toB, consents: [consentToB.id], suspendedAssets: [], rejectedSwitches: [sw.id] });
    assert.equal(code(await t.registry.records.get(SWITCH_KIND, sw.id), 'switchRejectionReason'), 'CONSENT_REVOKED');
    assert.equal(code(await t.registry.records.get(ASSET_KIND, a.id), 'assetRegistrationStatus'), 'PENDING_VALIDATION', 'the asset rests on its consent to A');
    await assert.rejects(callbacks.process(...revocation(toB)), (e: unknown) => e instanceof CallbackRejectedError && e.status === 409);

    const suspended = await callbacks.process(...revocation(toA));
    assert.deepEqual(suspended, { type: 'ConsentRevoked', reference: toA, consents: [consentToA.id], suspendedAssets: [a.id], rejectedSwitches: [] });
    assert.equal(code(await t.registry.records.get(ASSET_KIND, a.id), 'assetRegistrationStatus'), 'SUSPENDED_CONSENT_REVOKED');
  });
  it('processes one of two overlapping deliveries of the same event, and refuses the other as a replay', async () => {
    const { consent, reference } = await consumerAsset();
    const [body, signature] = revocation(reference);
    const results = await Promise.allSettled([callbacks.process(body, signature), callbacks.process(body, signature)]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const refusal = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
    assert.ok(refusal instanceof CallbackRejectedError && refusal.status === 409, String(refusal));
    assert.equal((await t.registry.records.get(CONSENT_KIND, consent.id)).version, 2);
  });
});
