import assert from 'node:assert/strict';
import type { Principal } from '../../../src/access/Principal.js';
import type { ConsentEvidence } from '../../../src/consent/ConsentEvidence.js';
import { ConsentUnavailableError } from '../../../src/consent/ConsentVerifier.js';
import { ConsentRefusedError, ConsentService } from '../../../src/domain/ConsentService.js';
import { ASSET_KIND, SERVICE_WINDOW_KIND, SWITCH_KIND } from '../../../src/domain/RecordKind.js';
import type { RecordState } from '../../../src/domain/RecordService.js';
import { code, codes, value } from '../../../src/domain/recordValues.js';
import { SwitchService } from '../../../src/domain/SwitchService.js';
import { ADMIN, asset, organisation, userOf } from '../../support/domainRecords.js';
import { RecordedConsentVerifier } from '../../support/RecordedConsentVerifier.js';
import { BASE, startTestRegistry, type TestRegistry } from '../../support/testRegistry.js';

const NOTICE_SECONDS = 3600;
const HOUR = 3_600_000;

const idOf = (iri: string) => iri.slice(iri.lastIndexOf('/') + 1);

/**
 * UC-03.04 switches driven by a clock the test controls: a SwitchService of its own (notice period one hour,
 * `now` = fakeNow) over the test registry's records, store and units, with a recorded consent solution. The
 * registry's own scheduler never runs here (a poll of one hour, and a notice period of months).
 */
describe('SwitchService', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let fspA: RecordState;
  let fspB: RecordState;
  let dno: RecordState;
  let principalB: Principal;
  let verifier: RecordedConsentVerifier;
  let switches: SwitchService;
  let fakeNow: Date;
  let errors: { error: unknown; id: string }[];
  let seq = 0;
  let point = 300;

  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0, switchNoticeSeconds: 10_000_000, switchPollMs: HOUR });
    fspA = await organisation(t.registry, ['FSP']);
    fspB = await organisation(t.registry, ['FSP']);
    dno = await organisation(t.registry, ['DNO'], { networkAreas: ['_A'] });
    principalB = userOf(fspB.iri, ['FSP']);
    verifier = new RecordedConsentVerifier();
    const now = () => fakeNow;
    const consents = new ConsentService({ records: t.registry.records, store: t.registry.store, baseIri: BASE, verifier, now });
    switches = new SwitchService({ records: t.registry.records, store: t.registry.store, baseIri: BASE, consents, units: t.registry.marketUnits, noticeSeconds: NOTICE_SECONDS, now, onError: (error, id) => errors.push({ error, id }) });
  });
  beforeEach(() => {
    fakeNow = new Date();
    errors = [];
  });
  after(() => t.close());

  const later = (ms: number) => new Date(fakeNow.getTime() + ms);
  const reference = () => `CCS-switch-unit-${String(++seq).padStart(4, '0')}`;
  const assetOfA = () => asset(t.registry, fspA.iri, `101234567${++point}`);

  /** The consent solution's answer: GIVEN to FSP B for the assets, for switching. */
  function consentToB(ref: string, assets: RecordState[], over: Partial<ConsentEvidence> = {}): ConsentEvidence {
    const evidence: ConsentEvidence = { reference: ref, status: 'GIVEN', dataSubject: `consumer-${seq}`, fspId: idOf(fspB.iri), assets: assets.map((a) => ({ assetId: a.id })), purposes: ['ASSET_SWITCH'], givenAt: '2020-01-01T00:00:00.000Z', verifiedAt: fakeNow.toISOString(), ...over };
    verifier.answers.set(ref, evidence);
    return evidence;
  }

  /** FSP B asks to switch `assets` on a consent to it; the switch is in its notice period. */
  async function requestSwitch(assets: RecordState[], ref = reference()): Promise<RecordState> {
    if (!verifier.answers.has(ref)) consentToB(ref, assets);
    const sw = await switches.request({ assets: assets.map((a) => a.id), consentReference: ref }, principalB);
    assert.equal(code(sw, 'switchStatus'), 'NOTICE_PERIOD');
    return sw;
  }

  const get = (sw: RecordState) => t.registry.records.get(SWITCH_KIND, sw.id);

  it('completes only the switches whose notice period has ended, at its end exactly', async () => {
    const [a1, a2] = [await assetOfA(), await assetOfA()];
    const t0 = fakeNow;
    const first = await requestSwitch([a1]);
    assert.equal(Date.parse(value(first, 'noticePeriodEndsAt')!), t0.getTime() + HOUR);
    fakeNow = new Date(t0.getTime() + HOUR / 2);
    const second = await requestSwitch([a2]);
    fakeNow = new Date(t0.getTime() + HOUR - 1);
    assert.equal(await switches.completeDue(), 0);
    fakeNow = new Date(t0.getTime() + HOUR);
    assert.equal(await switches.completeDue(), 1);
    const done = await get(first);
    assert.equal(code(done, 'switchStatus'), 'COMPLETED');
    assert.equal(Date.parse(value(done, 'switchCompletedAt')!), fakeNow.getTime());
    assert.equal(code(await get(second), 'switchStatus'), 'NOTICE_PERIOD');
    const moved = await t.registry.records.get(ASSET_KIND, a1.id);
    assert.deepEqual([value(moved, 'responsibleFSP'), codes(moved, 'previousResponsibleFSPs'), value(moved, 'consentReference')], [fspB.iri, [idOf(fspA.iri)], value(first, 'consentReference')]);
    assert.equal(value(await t.registry.records.get(ASSET_KIND, a2.id), 'responsibleFSP'), fspA.iri);
    fakeNow = new Date(t0.getTime() + 2 * HOUR);
    assert.equal(await switches.completeDue(), 1);
    assert.equal(code(await get(second), 'switchStatus'), 'COMPLETED');
    assert.equal(await switches.completeDue(), 0);
    assert.deepEqual(errors, []);
  });

  it('puts an asset suspended for a revoked consent back to pending validation on its new consent', async () => {
    const a = await assetOfA();
    await t.registry.records.transition(ASSET_KIND, a.id, { assetRegistrationStatus: 'SUSPENDED_CONSENT_REVOKED' }, ADMIN, 'UC-05.05');
    const sw = await requestSwitch([a]);
    fakeNow = later(HOUR);
    assert.equal(await switches.completeDue(), 1);
    const moved = await t.registry.records.get(ASSET_KIND, a.id);
    assert.deepEqual([code(moved, 'assetRegistrationStatus'), value(moved, 'responsibleFSP'), value(moved, 'consentReference')], ['PENDING_VALIDATION', fspB.iri, value(sw, 'consentReference')]);
  });

  it('leaves a switch in its notice period while the consent solution cannot answer, and completes it once it can', async () => {
    const a = await assetOfA();
    const ref = reference();
    const evidence = consentToB(ref, [a]);
    const sw = await requestSwitch([a], ref);
    verifier.answers.set(ref, new ConsentUnavailableError('the Consumer Consent Solution did not answer within 5000 ms'));
    fakeNow = later(HOUR + 1000);
    assert.equal(await switches.completeDue(), 0);
    const waiting = await get(sw);
    assert.deepEqual([code(waiting, 'switchStatus'), waiting.version], ['NOTICE_PERIOD', 3]);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].id, sw.id);
    assert.ok(errors[0].error instanceof ConsentRefusedError && errors[0].error.reason === 'CONSENT_UNVERIFIABLE', String(errors[0].error));
    assert.equal(value(await t.registry.records.get(ASSET_KIND, a.id), 'responsibleFSP'), fspA.iri, 'nothing is relinked on an unverified consent');
    verifier.answers.set(ref, evidence);
    fakeNow = later(60_000);
    assert.equal(await switches.completeDue(), 1);
    assert.equal(code(await get(sw), 'switchStatus'), 'COMPLETED');
    assert.equal(value(await t.registry.records.get(ASSET_KIND, a.id), 'responsibleFSP'), fspB.iri);
  });

  it('rejects a switch whose asset was de-registered during the notice period, without asking for the consent again', async () => {
    const a = await assetOfA();
    const ref = reference();
    const sw = await requestSwitch([a], ref);
    await t.registry.records.transition(ASSET_KIND, a.id, { assetRegistrationStatus: 'DE_REGISTERED', deRegistrationReason: 'DECOMMISSIONED', deRegisteredOn: fakeNow.toISOString().slice(0, 10) }, { ...ADMIN, onBehalfOf: fspA.iri }, 'UC-02.03');
    const asked = verifier.asked.filter((r) => r === ref).length;
    fakeNow = later(HOUR);
    assert.equal(await switches.completeDue(), 0);
    const rejected = await get(sw);
    assert.deepEqual([code(rejected, 'switchStatus'), code(rejected, 'switchRejectionReason')], ['REJECTED', 'ASSET_NOT_SWITCHABLE']);
    assert.match(value(rejected, 'switchRejectionDetail')!, new RegExp(`de-registered or moved to another FSP\\): ${a.id}$`));
    assert.equal(verifier.asked.filter((r) => r === ref).length, asked);
    assert.deepEqual(errors, [], 'a rejection is an outcome, not a failure');
    assert.deepEqual((await t.registry.records.history(SWITCH_KIND, sw.id)).map((h) => h.useCase), ['UC-03.04', 'UC-03.04', 'UC-03.04', 'UC-03.04']);
    assert.equal(value(await t.registry.records.get(ASSET_KIND, a.id), 'responsibleFSP'), fspA.iri);
  });

  it('rejects a switch whose consent was revoked during the notice period as CONSENT_REVOKED', async () => {
    const a = await assetOfA();
    const ref = reference();
    const sw = await requestSwitch([a], ref);
    consentToB(ref, [a], { status: 'REVOKED', withdrawnAt: fakeNow.toISOString() });
    fakeNow = later(HOUR);
    assert.equal(await switches.completeDue(), 0);
    const rejected = await get(sw);
    assert.deepEqual([code(rejected, 'switchStatus'), code(rejected, 'switchRejectionReason')], ['REJECTED', 'CONSENT_REVOKED']);
    assert.match(value(rejected, 'switchRejectionDetail')!, /is REVOKED/);
  });

  it('rejects a switch when the losing FSP holds a confirmed service window by its end', async () => {
    const a = await assetOfA();
    const sw = await requestSwitch([a]);
    const end = later(2 * HOUR).toISOString();
    const [window] = await t.registry.records.writeTogether([{ create: SERVICE_WINDOW_KIND, body: { contractedAsset: a.iri, windowStart: later(HOUR / 2).toISOString(), windowEnd: end }, system: { contractHolder: fspA.iri } }], { ...ADMIN, onBehalfOf: dno.iri });
    fakeNow = later(HOUR);
    assert.equal(await switches.completeDue(), 0);
    const rejected = await get(sw);
    assert.deepEqual([code(rejected, 'switchStatus'), code(rejected, 'switchRejectionReason')], ['REJECTED', 'SERVICE_WINDOW_CONFLICT']);
    assert.match(value(rejected, 'switchRejectionDetail')!, new RegExp(window.id));
  });

  it('finds, for a revoked consent, only the open switches that wait on it', async () => {
    const [done, open, waiting, closed, other] = [await assetOfA(), await assetOfA(), await assetOfA(), await assetOfA(), await assetOfA()];
    const ref = reference();
    consentToB(ref, [done, open, waiting, closed]);
    const completed = await requestSwitch([done], ref);
    fakeNow = later(HOUR);
    assert.equal(await switches.completeDue(), 1);
    assert.equal(code(await get(completed), 'switchStatus'), 'COMPLETED');
    const inNotice = await requestSwitch([open], ref);
    const actorB = { ...ADMIN, onBehalfOf: fspB.iri };
    const [requested] = await t.registry.records.writeTogether([{ create: SWITCH_KIND, body: { switchedAssets: [waiting.iri], consentReference: ref }, system: { losingFSP: fspA.iri } }], actorB);
    const [rejected] = await t.registry.records.writeTogether([{ create: SWITCH_KIND, body: { switchedAssets: [closed.iri], consentReference: ref }, system: { losingFSP: fspA.iri } }], actorB);
    await t.registry.records.transition(SWITCH_KIND, rejected.id, { switchStatus: 'REJECTED', switchRejectionReason: 'SERVICE_WINDOW_CONFLICT', switchRejectionDetail: 'a window', switchCompletedAt: fakeNow.toISOString() }, actorB, 'UC-03.04');
    const elsewhere = await requestSwitch([other]);
    const detail = `consent ${ref} was revoked by the consumer ${'.'.repeat(2500)}`;
    const changes = await switches.rejectionsForRevokedConsent(ref, detail);
    const rejection = { switchStatus: 'REJECTED', switchRejectionReason: 'CONSENT_REVOKED', switchRejectionDetail: detail.slice(0, 2000), switchCompletedAt: fakeNow.toISOString() };
    assert.deepEqual(
      [...changes].sort((x, y) => ('transition' in x && 'transition' in y ? x.id.localeCompare(y.id) : 0)),
      [inNotice.id, requested.id].sort().map((id) => ({ transition: SWITCH_KIND, id, useCase: 'UC-03.04', changes: rejection })),
    );
    await t.registry.records.writeTogether(changes, ADMIN);
    for (const sw of [inNotice, requested]) assert.equal(code(await get(sw), 'switchRejectionReason'), 'CONSENT_REVOKED');
    assert.equal(code(await get(elsewhere), 'switchStatus'), 'NOTICE_PERIOD');
    assert.deepEqual(await switches.rejectionsForRevokedConsent(ref, 'again'), []);
  });
});
