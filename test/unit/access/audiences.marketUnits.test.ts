import assert from 'node:assert/strict';
import { DataFactory, type Quad } from 'n3';
import { audience, mayRead, principalAudiences, recordAudiences, type RecordAudiences } from '../../../src/access/audiences.js';
import type { Principal } from '../../../src/access/Principal.js';
import { FMAR, FMAR_CODE, RDF } from '../../../src/rdf/namespaces.js';
import { assertAudiences } from '../../support/audienceAssertions.js';

const { namedNode, literal, quad } = DataFactory;

const BASE = 'http://registry.test/';
const FSP = `${BASE}organisations/fsp`;
const OLD_FSP = `${BASE}organisations/old-fsp`;
const OLDER_FSP = `${BASE}organisations/older-fsp`;
const GAINING = `${BASE}organisations/gaining`;
const DNO = `${BASE}organisations/dno`;
const UNIT = `${BASE}market-units/GP-SITE-1`;
const ASSET = `${BASE}assets/a1`;
const NO_DNO_AREAS: ReadonlyMap<string, string> = new Map();
const gsp = (code: string) => `${FMAR_CODE}GSPGroup/${code}`;

/** The quads of a record: its types and properties (IRIs unless they do not look like one). */
function recordQuads(iri: string, classNames: string[], properties: Record<string, string | string[]>): Quad[] {
  const g = namedNode(iri);
  const out = classNames.map((c) => quad(namedNode(iri), namedNode(`${RDF}type`), namedNode(`${FMAR}${c}`), g));
  for (const [name, values] of Object.entries(properties)) {
    for (const v of [values].flat()) out.push(quad(namedNode(iri), namedNode(`${FMAR}${name}`), /^https?:/.test(v) ? namedNode(v) : literal(v), g));
  }
  return out;
}

const audiencesOf = (className: string, iri: string, classes: string[], properties: Record<string, string | string[]>) => recordAudiences(BASE, `${FMAR}${className}`, iri, recordQuads(iri, classes, properties), NO_DNO_AREAS);


function user(organisationIri: string, organisationRoles: string[], extra: Partial<Principal> = {}): Principal {
  return { kind: 'user', agentIri: `${organisationIri}-user`, organisationIri, organisationRoles, userRoles: ['ASSET_MANAGER'], networkAreas: [], operatedPlatforms: [], credentialId: 'test', ...extra };
}

/** recordAudiences for the records of issue #8 (docs/access.md, the table of record audiences). */
describe('audiences of market units, switches, service windows, consents and qualifications', () => {
  describe('a market unit', () => {
    const unit = () => audiencesOf('MarketUnit', UNIT, ['ServiceProvidingUnit', 'MarketUnit'], { responsibleFSP: FSP, unitGspGroups: [gsp('_A'), gsp('_B')], previousResponsibleFSPs: [OLD_FSP, OLDER_FSP] });

    it('is read by its FSP, its readers, the system operators of its areas and (public part) the regulator', () => {
      const readers = [audience.portfolio(FSP), audience.record(UNIT), audience.area(BASE, '_A'), audience.area(BASE, '_B')];
      assertAudiences(unit(), {
        PUBLIC: [...readers, audience.regulator(BASE)],
        RESTRICTED: readers,
        PERSONAL: [audience.portfolioPersonal(FSP), audience.recordPersonal(UNIT), audience.areaPersonal(BASE, '_A'), audience.areaPersonal(BASE, '_B')],
        activity: [...readers, audience.portfolio(OLD_FSP), audience.portfolio(OLDER_FSP), audience.audit(BASE)],
      });
    });

    it('leaves its previous FSPs its audit trail, not its data (UC-03.02)', () => {
      const a = unit();
      const losing = principalAudiences(user(OLD_FSP, ['FSP']), BASE);
      assert.equal(mayRead(losing, a.activity), true);
      for (const part of [a.PUBLIC, a.RESTRICTED, a.PERSONAL]) assert.equal(mayRead(losing, part), false);
    });

    it('opens its accounting point (personal) to an area\'s system operator only with a stated purpose', () => {
      const a = unit();
      const dno = user(DNO, ['DNO'], { networkAreas: ['_B'] });
      assert.equal(mayRead(principalAudiences(dno, BASE), a.PUBLIC), true);
      assert.equal(mayRead(principalAudiences(dno, BASE), a.PERSONAL), false);
      assert.equal(mayRead(principalAudiences({ ...dno, statedPurpose: 'network planning' }, BASE), a.PERSONAL), true);
      assert.equal(mayRead(principalAudiences(user(DNO, ['DNO'], { networkAreas: ['_C'] }), BASE), a.PUBLIC), false);
    });

    it('is recognised by either concrete class, and without an FSP is read by its own readers and areas only', () => {
      const spg = audiencesOf('ServiceProvidingGroup', UNIT, [], { unitGspGroups: gsp('_A') });
      assertAudiences(spg, {
        PUBLIC: [audience.record(UNIT), audience.area(BASE, '_A'), audience.regulator(BASE)],
        RESTRICTED: [audience.record(UNIT), audience.area(BASE, '_A')],
        PERSONAL: [audience.recordPersonal(UNIT), audience.areaPersonal(BASE, '_A')],
        activity: [audience.record(UNIT), audience.area(BASE, '_A'), audience.audit(BASE)],
      });
      assert.deepEqual(audiencesOf('Thing', UNIT, ['ServiceProvidingUnit'], { responsibleFSP: FSP }).RESTRICTED.sort(), [audience.portfolio(FSP), audience.record(UNIT)].sort());
    });
  });

  it('gives a membership only the regulator and the audit trail of its own (its unit\'s readers are added when it is written)', () => {
    const m = `${BASE}memberships/m1`;
    assertAudiences(audiencesOf('MarketUnitMembership', m, ['MarketUnitMembership'], { ofMarketUnit: UNIT, memberAsset: ASSET }), { PUBLIC: [audience.regulator(BASE)], RESTRICTED: [], PERSONAL: [], activity: [audience.audit(BASE)] });
  });

  it('gives a switch to both FSPs and the regulator, never to anyone else (UC-03.04)', () => {
    const s = `${BASE}switches/s1`;
    const parties = [audience.portfolio(GAINING), audience.portfolio(FSP)];
    assertAudiences(audiencesOf('AssetSwitch', s, ['AssetSwitch'], { gainingFSP: GAINING, losingFSP: FSP, switchedAssets: ASSET }), { PUBLIC: [...parties, audience.regulator(BASE)], RESTRICTED: parties, PERSONAL: [], activity: [...parties, audience.audit(BASE)] });
    const held = principalAudiences(user(DNO, ['DNO'], { networkAreas: ['_A'] }), BASE);
    assert.equal(mayRead(held, audiencesOf('AssetSwitch', s, ['AssetSwitch'], { gainingFSP: GAINING, losingFSP: FSP }).PUBLIC), false, 'a system operator does not read switches');
  });

  it('gives a service window to the operator that confirmed it, the holder and the regulator', () => {
    const w = `${BASE}service-windows/w1`;
    const parties = [audience.members(DNO), audience.portfolio(FSP)];
    assertAudiences(audiencesOf('ServiceWindow', w, ['ServiceWindow'], { procuredByOperator: DNO, contractHolder: FSP, contractedUnit: UNIT }), { PUBLIC: [...parties, audience.regulator(BASE)], RESTRICTED: parties, PERSONAL: [], activity: [...parties, audience.audit(BASE)] });
  });

  it('gives a consent to the consented FSP, with the data subject (personal) to it alone', () => {
    const c = `${BASE}consents/c1`;
    assertAudiences(audiencesOf('Consent', c, ['Consent'], { consentFSP: FSP, consentAsset: ASSET, consentReference: 'CCS-00000001', dataSubject: 'consumer-1' }), {
      PUBLIC: [audience.portfolio(FSP), audience.regulator(BASE)],
      RESTRICTED: [audience.portfolio(FSP)],
      PERSONAL: [audience.portfolioPersonal(FSP)],
      activity: [audience.portfolio(FSP), audience.audit(BASE)],
    });
    assert.equal(mayRead(principalAudiences(user(`${BASE}organisations/regulator`, ['REGULATOR']), BASE), audiencesOf('Consent', c, ['Consent'], { consentFSP: FSP }).RESTRICTED), false, 'the regulator does not read the consent reference');
  });

  it('gives a qualification to the assessing operator and the regulator (the unit\'s readers are added when it is written)', () => {
    const q = `${BASE}qualifications/q1`;
    assertAudiences(audiencesOf('Qualification', q, ['Qualification'], { assessedBy: DNO, qualifiedUnit: UNIT }), {
      PUBLIC: [audience.members(DNO), audience.regulator(BASE)],
      RESTRICTED: [audience.members(DNO)],
      PERSONAL: [],
      activity: [audience.members(DNO), audience.audit(BASE)],
    });
  });

  it('gives an asset\'s previous FSPs its activities only (UC-03.04)', () => {
    const a = audiencesOf('Asset', ASSET, ['Asset'], { responsibleFSP: GAINING, previousResponsibleFSPs: FSP, gspGroup: gsp('_A') });
    const losing = audience.portfolio(FSP);
    assert.ok(a.activity.includes(losing));
    assert.ok(!a.PUBLIC.includes(losing) && !a.RESTRICTED.includes(losing));
    assert.ok(!a.PERSONAL.includes(audience.portfolioPersonal(FSP)));
    assert.ok(a.PUBLIC.includes(audience.portfolio(GAINING)));
  });
});
