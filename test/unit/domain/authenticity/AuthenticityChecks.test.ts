import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AuthenticityChecks, type AuthenticityChecksArgs, type AuthenticityResult } from '../../../../src/domain/authenticity/AuthenticityChecks.js';
import { RecordedResponseVerifier } from '../../../../src/domain/authenticity/RecordedResponseVerifier.js';
import type { VerificationRequest, VerificationResponse, Verifier } from '../../../../src/domain/authenticity/Verifier.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../../../../src/domain/RecordKind.js';
import type { RecordState } from '../../../../src/domain/RecordService.js';
import { importIntoRegistry } from '../../../../src/import/importIntoRegistry.js';
import { projectRoot } from '../../../../src/projectRoot.js';
import { fixturesDir } from '../../../support/fixtures.js';
import { BASE, exampleBody, startTestRegistry, type TestRegistry } from '../../../support/testRegistry.js';

/** Fictional MPAN cores with right check digits (distributor 10: Eastern Power Networks, GSP group _A). */
const MPAN = { a: '1055555555012', b: '1055555555021', c: '1055555555030', d: '1055555555040', e: '1055555555059', f: '1055555555068' };

describe('AuthenticityChecks on assets registered through RecordService', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let fspA: RecordState;
  let fspB: RecordState;
  const admin = { agentIri: `${BASE}agents/administrator` };

  beforeEach(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
    fspA = await t.registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
    fspB = await t.registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
  });
  afterEach(() => t.close());

  /** The docs/examples battery with right check digits; no friendly code and no serial number unless given. */
  async function register(fsp: RecordState, changes: Record<string, unknown> = {}): Promise<RecordState> {
    const body: Record<string, unknown> = { ...(await exampleBody('asset')), importMPAN: MPAN.a, exportMPAN: MPAN.b, friendlyCode: undefined, serialNumber: undefined, ...changes };
    for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
    return t.registry.records.create(ASSET_KIND, body, { ...admin, onBehalfOf: fsp.iri });
  }
  function checks(args: Partial<AuthenticityChecksArgs> = {}): AuthenticityChecks {
    return new AuthenticityChecks({ store: t.registry.store, model: t.registry.model, baseIri: BASE, ...args });
  }
  const only = (result: AuthenticityResult, check: string) => result.findings.filter((f) => f.check === check).map((f) => [f.attribute, f.outcome]);

  it('verifies an asset whose MPANs, identifiers and friendly code all check out, each finding with its source', async () => {
    const asset = await register(fspA, { friendlyCode: 'BESS-GreenPark-01', serialNumber: 'ESS5000-2026-00042' });
    const result = await checks().check(asset);
    assert.equal(result.asset, asset.iri);
    assert.equal(result.version, 1);
    assert.equal(result.status, 'VERIFIED');
    assert.deepEqual(only(result, 'MPAN_CHECK_DIGIT'), [['importMPAN', 'confirmed'], ['exportMPAN', 'confirmed']]);
    assert.deepEqual(only(result, 'MPAN_DISTRIBUTOR'), [['importMPAN', 'confirmed'], ['importMPAN', 'confirmed'], ['exportMPAN', 'confirmed'], ['exportMPAN', 'confirmed']]);
    assert.deepEqual(only(result, 'DUPLICATE_IDENTIFIER'), [['importMPAN', 'confirmed'], ['exportMPAN', 'confirmed'], ['serialNumber', 'confirmed']]);
    assert.deepEqual(only(result, 'FRIENDLY_CODE_UNIQUE'), [['friendlyCode', 'confirmed']]);
    assert.ok(result.sources.includes(`${BASE}assets/`) && result.sources.includes('https://w3id.org/fmar/ontology/code/DNOCode'));
    for (const f of result.findings) assert.doesNotMatch(f.reason, new RegExp(`${MPAN.a}|${MPAN.b}`), 'no reason repeats an MPAN');
  });

  it('queries an MPAN with a wrong check digit (the documentation example\'s)', async () => {
    const asset = await register(fspA, { importMPAN: '1012345678901', exportMPAN: MPAN.b });
    const result = await checks().check(asset);
    assert.equal(result.status, 'QUERY');
    const digit = result.findings.find((f) => f.check === 'MPAN_CHECK_DIGIT' && f.attribute === 'importMPAN')!;
    assert.equal(digit.outcome, 'query');
    assert.match(digit.reason, /is 1, but its first twelve digits call for 3/);
  });

  it('warns, without querying, when the MPAN\'s distributor names another licence area than dnoConnection', async () => {
    // 1911111111110: distributor 19, South Eastern Power Networks (GSP group _J); the asset says Eastern (_A).
    const asset = await register(fspA, { importMPAN: undefined, exportMPAN: '1911111111110' });
    const result = await checks().check(asset);
    assert.deepEqual(only(result, 'MPAN_DISTRIBUTOR'), [['exportMPAN', 'warning'], ['exportMPAN', 'warning']]);
    assert.match(result.findings.find((f) => f.check === 'MPAN_DISTRIBUTOR')!.reason, /names UKPN_SPN, not dnoConnection UKPN_EPN/);
    assert.equal(result.status, 'VERIFIED', 'a soft check (asset-attributes.csv: warn if mismatch)');
  });

  it('queries an MPAN another organisation\'s asset holds, until the provider justifies it; the same organisation may reuse it', async () => {
    const first = await register(fspA, { importMPAN: undefined, exportMPAN: MPAN.c, serialNumber: 'SN-FIRST-0001' });
    const sameOrganisation = await register(fspA, { importMPAN: undefined, exportMPAN: MPAN.c, serialNumber: 'SN-SAME-0001' });
    assert.deepEqual(only(await checks().check(sameOrganisation), 'DUPLICATE_IDENTIFIER'), [['exportMPAN', 'confirmed'], ['serialNumber', 'confirmed']], 'one FSP may have several assets behind one meter');

    const second = await register(fspB, { importMPAN: MPAN.c, exportMPAN: MPAN.d, serialNumber: 'SN-SECOND-0001' });
    const result = await checks().check(second);
    assert.deepEqual(only(result, 'DUPLICATE_IDENTIFIER'), [['importMPAN', 'query'], ['exportMPAN', 'confirmed'], ['serialNumber', 'confirmed']]);
    const duplicate = result.findings.find((f) => f.check === 'DUPLICATE_IDENTIFIER' && f.outcome === 'query')!;
    assert.deepEqual(duplicate.conflictingRecords, [first.iri, sameOrganisation.iri].sort());
    assert.match(duplicate.reason, /2 assets of another organisation already hold this importMPAN: give a duplicateJustification/);
    assert.equal(result.status, 'QUERY');

    const justified = await register(fspB, { importMPAN: MPAN.c, exportMPAN: MPAN.e, serialNumber: 'SN-THIRD-0001', duplicateJustification: 'The site changed FSP on 2027-01-01; the former FSP de-registers its record.' });
    const overridden = await checks().check(justified);
    assert.deepEqual(only(overridden, 'DUPLICATE_IDENTIFIER'), [['importMPAN', 'warning'], ['exportMPAN', 'confirmed'], ['serialNumber', 'confirmed']]);
    assert.match(overridden.findings.find((f) => f.outcome === 'warning')!.reason, /duplicateJustification allows it/);
    assert.equal(overridden.status, 'VERIFIED');
  });

  it('queries a serial number of the same manufacturer in another organisation, and reports it with a shared MPAN', async () => {
    const first = await register(fspA, { importMPAN: undefined, exportMPAN: MPAN.a, serialNumber: 'ESS5000-2026-00042', manufacturer: 'Example Storage Systems' });
    const sameMaker = await register(fspB, { importMPAN: undefined, exportMPAN: MPAN.b, serialNumber: 'ESS5000-2026-00042', manufacturer: 'EXAMPLE storage-systems' });
    const result = await checks().check(sameMaker);
    assert.deepEqual(only(result, 'DUPLICATE_IDENTIFIER'), [['exportMPAN', 'confirmed'], ['serialNumber', 'query']]);
    assert.deepEqual(result.findings.find((f) => f.attribute === 'serialNumber' && f.check === 'DUPLICATE_IDENTIFIER')!.conflictingRecords, [first.iri]);

    const otherMaker = await register(fspB, { importMPAN: undefined, exportMPAN: MPAN.c, serialNumber: 'ESS5000-2026-00042', manufacturer: 'Another Inverter Company' });
    assert.deepEqual(only(await checks().check(otherMaker), 'DUPLICATE_IDENTIFIER'), [['exportMPAN', 'confirmed'], ['serialNumber', 'confirmed']], 'serials are unique only per manufacturer');

    // MPAN + serial number (UC-001 de-duplication): the serial is reported with the MPAN, whatever the manufacturer says.
    const both = await register(fspB, { importMPAN: undefined, exportMPAN: MPAN.a, serialNumber: 'ESS5000-2026-00042', manufacturer: 'Another Inverter Company' });
    assert.deepEqual(only(await checks().check(both), 'DUPLICATE_IDENTIFIER'), [['exportMPAN', 'query'], ['serialNumber', 'query']]);
  });

  it('counts neither superseded versions nor de-registered assets as holders of an identifier', async () => {
    const first = await register(fspA, { importMPAN: undefined, exportMPAN: MPAN.a, serialNumber: 'SN-MOVED-0001' });
    await t.registry.records.replace(ASSET_KIND, first.id, { ...(await exampleBody('asset')), importMPAN: undefined, exportMPAN: MPAN.b, serialNumber: 'SN-MOVED-0002' }, '*', { ...admin, onBehalfOf: fspA.iri });
    const reusesOld = await register(fspB, { importMPAN: undefined, exportMPAN: MPAN.a, serialNumber: 'SN-MOVED-0001' });
    assert.deepEqual(only(await checks().check(reusesOld), 'DUPLICATE_IDENTIFIER'), [['exportMPAN', 'confirmed'], ['serialNumber', 'confirmed']], 'version 1 of the first asset still holds them, but it is superseded');

    const reusesCurrent = await register(fspB, { importMPAN: undefined, exportMPAN: MPAN.b, serialNumber: 'SN-OTHER-0001' });
    assert.deepEqual(only(await checks().check(reusesCurrent), 'DUPLICATE_IDENTIFIER')[0], ['exportMPAN', 'query']);
    await t.registry.records.transition(ASSET_KIND, first.id, { assetRegistrationStatus: 'DE_REGISTERED', deRegistrationReason: 'END_OF_CONTRACT', deRegisteredOn: new Date().toISOString().slice(0, 10) }, admin, 'UC-02.03');
    assert.deepEqual(only(await checks().check(reusesCurrent), 'DUPLICATE_IDENTIFIER')[0], ['exportMPAN', 'confirmed'], 'a de-registered asset gives its MPAN back');
  });

  it('queries a friendly code another asset of the same FSP uses, in any case; another FSP may use it', async () => {
    const first = await register(fspA, { friendlyCode: 'BESS-GreenPark-01' });
    const clash = await register(fspA, { importMPAN: MPAN.c, exportMPAN: MPAN.d, serialNumber: 'SN-CLASH-0001', friendlyCode: 'bess-greenpark-01' });
    const result = await checks().check(clash);
    assert.deepEqual(only(result, 'FRIENDLY_CODE_UNIQUE'), [['friendlyCode', 'query']]);
    assert.deepEqual(result.findings.find((f) => f.check === 'FRIENDLY_CODE_UNIQUE')!.conflictingRecords, [first.iri]);
    assert.equal(result.status, 'QUERY');
    const elsewhere = await register(fspB, { importMPAN: MPAN.e, exportMPAN: MPAN.f, serialNumber: 'SN-ELSEWHERE-01', friendlyCode: 'BESS-GreenPark-01' });
    assert.deepEqual(only(await checks().check(elsewhere), 'FRIENDLY_CODE_UNIQUE'), [['friendlyCode', 'confirmed']]);
    assert.deepEqual(only(await checks().check(first), 'FRIENDLY_CODE_UNIQUE'), [['friendlyCode', 'query']], 'the first holder is told too: the code is not unique');
  });

  describe('with the UKPN Embedded Capacity Register imported', () => {
    beforeEach(async () => {
      // 19 real rows of the 2025-08 register (docs/import/ecr.md), imported as `fmar import ecr` does.
      const file = join(projectRoot(), 'test/fixtures/import-ecr/ukpn-ecr-excerpt.csv');
      const { summary } = await importIntoRegistry(t.registry, 'ecr', await readFile(file), 'ukpn-ecr-excerpt.csv');
      assert.equal(summary.rejected, 0);
    });
    /** Line 78 of the published ECR (line 9 of the excerpt): a connected 10 MW battery in Eastern Power Networks' area. */
    const line78 = { ecrReference: 'UKPN-ECR-9ac41a9acb2e', ratedCapacity: 10000, installedCapacity: 10000, genCapacity: 10000, demandCapacity: 10000, energyStorageCapacity: undefined };

    it('confirms an asset that is what its imported ECR entry says, naming the entry and the row it was read from', async () => {
      const asset = await register(fspA, line78);
      const result = await checks().check(asset);
      assert.deepEqual(result.findings.filter((f) => f.check.startsWith('ECR_')).map((f) => [f.attribute, f.outcome]), [['ecrReference', 'confirmed'], ['assetCategory', 'confirmed'], ['ratedCapacity', 'confirmed'], ['dnoConnection', 'confirmed'], ['gspGroup', 'confirmed']]);
      const entry = `${BASE}reference/ecr/ukpn/9ac41a9acb2e`;
      assert.ok(result.sources.includes(entry));
      assert.match(result.findings.find((f) => f.check === 'ECR_REFERENCE')!.reason, /entry UKPN-ECR-9ac41a9acb2e \(DOMINIC PETRE OF HUTTON BATTERY BANK, row 8 \(line 9\) of the published file\) \(Connected\)/);
      assert.equal(result.status, 'VERIFIED');
    });

    it('queries a capacity beyond the tolerance, which is configurable', async () => {
      const asset = await register(fspA, { ...line78, ratedCapacity: 12000, installedCapacity: 12000 });
      const strict = await checks().check(asset);
      assert.deepEqual(only(strict, 'ECR_CAPACITY'), [['ratedCapacity', 'query']]);
      assert.equal(strict.status, 'QUERY');
      const lenient = await checks({ capacityTolerance: 0.25 }).check(asset);
      assert.deepEqual(only(lenient, 'ECR_CAPACITY'), [['ratedCapacity', 'confirmed']]);
      assert.equal(lenient.status, 'VERIFIED');
      assert.throws(() => checks({ capacityTolerance: 1.5 }), /tolerance/);
    });

    it('queries a reference naming no entry of a register the registry holds, and only warns for one it does not hold', async () => {
      const missing = await register(fspA, { ...line78, ecrReference: 'UKPN-ECR-000000000000' });
      const result = await checks().check(missing);
      assert.deepEqual(only(result, 'ECR_REFERENCE'), [['ecrReference', 'query']]);
      assert.match(result.findings.find((f) => f.check === 'ECR_REFERENCE')!.reason, /UKPN-ECR-\{12 hex digits\}/);
      const legacy = await register(fspA, { ...line78, ecrReference: 'UKPN-ECR-row-78', importMPAN: MPAN.e, exportMPAN: MPAN.f });
      assert.deepEqual(only(await checks().check(legacy), 'ECR_REFERENCE'), [['ecrReference', 'query']], 'line references are gone with the line-numbered copy');
      const otherDno = await register(fspA, { ...line78, ecrReference: 'NGED-ECR-row-78', importMPAN: MPAN.c, exportMPAN: MPAN.d });
      const unchecked = await checks().check(otherDno);
      assert.deepEqual(only(unchecked, 'ECR_REFERENCE'), [['ecrReference', 'warning']]);
      assert.match(unchecked.findings.find((f) => f.check === 'ECR_REFERENCE')!.reason, /holds no Embedded Capacity Register of NGED/);
      assert.equal(unchecked.status, 'VERIFIED');
    });
  });

  it('only warns about an ECR reference while the registry holds no register', async () => {
    const asset = await register(fspA, { ecrReference: 'UKPN-ECR-9ac41a9acb2e' });
    assert.deepEqual(only(await checks().check(asset), 'ECR_REFERENCE'), [['ecrReference', 'warning']]);
  });

  describe('with external verifiers', () => {
    let ecoes: RecordedResponseVerifier;
    let oem: RecordedResponseVerifier;
    beforeEach(async () => {
      ecoes = await RecordedResponseVerifier.fromFile(join(fixturesDir, 'authenticity/ecoes-mpan-responses.json'));
      oem = await RecordedResponseVerifier.fromFile(join(fixturesDir, 'authenticity/oem-serial-responses.json'));
    });
    const verified = (result: AuthenticityResult) => result.findings.filter((f) => f.check === 'EXTERNAL_VERIFIER').map((f) => [f.attribute, f.outcome, f.source, Boolean(f.inconclusive)]);

    it('sends each source the subjects it verifies, with the declared facts, and confirms what they confirm', async () => {
      const asset = await register(fspA, { importMPAN: '1012345678903', exportMPAN: '1098765432106', serialNumber: 'ESS5000-2026-00042' });
      const result = await checks({ verifiers: [ecoes, oem] }).check(asset);
      assert.deepEqual(verified(result), [
        ['importMPAN', 'confirmed', 'https://www.ecoes.co.uk/', false],
        ['exportMPAN', 'confirmed', 'https://www.ecoes.co.uk/', false],
        ['serialNumber', 'confirmed', 'https://oem-registry.example/', false],
      ]);
      assert.equal(result.findings.find((f) => f.check === 'EXTERNAL_VERIFIER')!.checkedAt.toISOString(), '2026-11-20T09:00:00.000Z', 'when the source answered');
      assert.equal(result.status, 'VERIFIED');
    });

    it('queries an identifier a source does not know or contradicts', async () => {
      const unknown = await register(fspA, { importMPAN: '1000000000012', exportMPAN: '1098765432106', serialNumber: 'ESS9999-0000-00001' });
      const result = await checks({ verifiers: [ecoes, oem] }).check(unknown);
      assert.deepEqual(verified(result).map(([a, o]) => [a, o]), [['importMPAN', 'query'], ['exportMPAN', 'confirmed'], ['serialNumber', 'query']]);
      assert.equal(result.status, 'QUERY');
      const otherModel = await register(fspB, { importMPAN: '1012345678903', exportMPAN: MPAN.f, serialNumber: 'ESS5000-2026-00043', assetModel: 'ESS-7000', duplicateJustification: 'The import meter is shared with the neighbouring site of the other FSP.' });
      const mismatch = await checks({ verifiers: [oem] }).check(otherModel);
      assert.deepEqual(verified(mismatch).map(([a, o]) => [a, o]), [['serialNumber', 'query']]);
      assert.match(mismatch.findings.find((f) => f.check === 'EXTERNAL_VERIFIER')!.reason, /assetModel is "ESS-5000", not "ESS-7000"/);
    });

    it('leaves the asset pending when a source cannot be consulted (down, failing, or too slow), unless something is queried anyway', async () => {
      const asset = await register(fspA, { importMPAN: '1000000000021', exportMPAN: '1098765432106', serialNumber: 'ESS5000-2026-00042' });
      const down = await checks({ verifiers: [ecoes] }).check(asset);
      assert.deepEqual(verified(down).map(([a, o, , i]) => [a, o, i]), [['importMPAN', 'warning', true], ['exportMPAN', 'confirmed', false]]);
      assert.equal(down.status, 'PENDING_VALIDATION');

      const failing: Verifier = { source: 'https://failing.example/', subjects: ['mpan'], verify: async () => { throw new Error('connection refused'); } };
      const unanswered: Verifier = { source: 'https://slow.example/', subjects: ['serial-number'], verify: () => new Promise<VerificationResponse>(() => undefined) };
      const result = await checks({ verifiers: [failing, unanswered], verifierTimeoutMs: 50 }).check(asset);
      const outcomes = result.findings.filter((f) => f.check === 'EXTERNAL_VERIFIER');
      assert.ok(outcomes.every((f) => f.outcome === 'warning' && f.inconclusive));
      assert.match(outcomes.find((f) => f.source === 'https://failing.example/')!.reason, /could not be consulted: connection refused/);
      assert.match(outcomes.find((f) => f.source === 'https://slow.example/')!.reason, /did not answer within 50 ms/);
      assert.equal(result.status, 'PENDING_VALIDATION');

      const alsoWrong = await register(fspA, { importMPAN: '1000000000021', exportMPAN: '1098765432109', serialNumber: 'SN-WRONG-0001' });
      assert.equal((await checks({ verifiers: [ecoes] }).check(alsoWrong)).status, 'QUERY', 'a query outranks a pending check');
    });

    it('asks only for what the asset declares', async () => {
      const asked: VerificationRequest[] = [];
      const listening: Verifier = { source: 'https://listening.example/', subjects: ['mpan', 'serial-number', 'organisation'], verify: async (request) => { asked.push(request); return { outcome: 'confirmed', source: 'https://listening.example/', detail: 'ok', checkedAt: new Date() }; } };
      const asset = await register(fspA, { importMPAN: undefined, exportMPAN: MPAN.a, serialNumber: undefined, assetModel: undefined });
      await checks({ verifiers: [listening] }).check(asset);
      assert.deepEqual(asked, [{ subject: 'mpan', identifier: MPAN.a, expected: { gspGroup: '_A' } }]);
    });
  });
});
