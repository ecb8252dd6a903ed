import assert from 'node:assert/strict';
import { DataFactory, type Quad } from 'n3';
import { audience, holdsPersonalAudience, mayRead, principalAudiences, recordAudiences, type RecordAudiences } from '../../../src/access/audiences.js';
import { anonymousPrincipal, type DelegationInfo, type Principal } from '../../../src/access/Principal.js';
import { FMAR, FMAR_CODE, RDF } from '../../../src/rdf/namespaces.js';
import { assertAudiences, sorted } from '../../support/audienceAssertions.js';

const { namedNode, literal, quad } = DataFactory;

const BASE = 'http://registry.test/';
const OTHER_BASE = 'http://other-registry.test/';
const ORG = `${BASE}organisations/o1`;
const OWNER_ORG = `${BASE}organisations/owner`;
const GRANTEE = `${BASE}platforms/p1`;
const USER = `${BASE}users/u1`;
const ASSET = `${BASE}assets/a1`;
const OTHER_ASSET = `${BASE}assets/a2`;
const DNO_AREAS: ReadonlyMap<string, string> = new Map([
  ['UKPN_EPN', '_A'],
  ['NGED_EMIDS', '_B'],
]);

/** The quads of a record's public part: its type and some properties (IRIs unless given as literals). */
function recordQuads(iri: string, className: string | undefined, properties: Record<string, string | string[]>): Quad[] {
  const g = namedNode(iri);
  const out: Quad[] = [];
  if (className) out.push(quad(namedNode(iri), namedNode(`${RDF}type`), namedNode(`${FMAR}${className}`), g));
  for (const [name, values] of Object.entries(properties)) {
    for (const v of [values].flat()) out.push(quad(namedNode(iri), namedNode(`${FMAR}${name}`), /^https?:/.test(v) ? namedNode(v) : literal(v), g));
  }
  return out;
}

function principal(overrides: Partial<Principal>): Principal {
  return { kind: 'user', agentIri: USER, organisationIri: ORG, organisationRoles: [], userRoles: [], networkAreas: [], operatedPlatforms: [], credentialId: 'test', ...overrides };
}

function platform(delegation?: DelegationInfo): Principal {
  return {
    kind: 'platform',
    agentIri: GRANTEE,
    organisationIri: `${BASE}organisations/platform-operator`,
    organisationRoles: ['PLATFORM'],
    userRoles: [],
    networkAreas: [],
    operatedPlatforms: [],
    credentialId: 'platform-key',
    ...(delegation ? { actingFor: { organisationIri: delegation.grantorIri, delegation } } : {}),
  };
}


describe('audiences', () => {
  describe('audience IRIs', () => {
    it('puts the fixed audiences under the registry base, so two bases never share one', () => {
      const fixed = (base: string) => [audience.public(base), audience.regulator(base), audience.audit(base), audience.area(base, '_A'), audience.areaPersonal(base, '_A')];
      for (const a of fixed(BASE)) assert.ok(a.startsWith(BASE), a);
      for (const a of fixed(OTHER_BASE)) assert.ok(a.startsWith(OTHER_BASE), a);
      const mine = new Set(fixed(BASE));
      assert.deepEqual(fixed(OTHER_BASE).filter((a) => mine.has(a)), []);
      assert.equal(audience.public(BASE), `${BASE}audiences/public`);
      assert.equal(audience.area(BASE, '_A'), `${BASE}audiences/areas/_A`);
      assert.equal(audience.areaPersonal(BASE, '_A'), `${BASE}audiences/areas/_A/personal`);
    });

    it('derives organisation and record audiences from the IRI they belong to', () => {
      assert.equal(audience.members(ORG), `${ORG}#members`);
      assert.equal(audience.personal(ORG), `${ORG}#personal-data`);
      assert.equal(audience.portfolio(ORG), `${ORG}#portfolio`);
      assert.equal(audience.portfolioPersonal(ORG), `${ORG}#portfolio-personal`);
      assert.equal(audience.ownedAssets(ORG), `${ORG}#owned-assets`);
      assert.equal(audience.record(ASSET), `${ASSET}#readers`);
      assert.equal(audience.recordPersonal(ASSET), `${ASSET}#personal-readers`);
      assert.equal(audience.platform(GRANTEE), `${GRANTEE}#platform`);
    });
  });

  describe('recordAudiences', () => {
    it('Organisation: public part for everyone, members and regulator; personal part for its personal-data audience only', () => {
      const a = recordAudiences(BASE, `${FMAR}Organisation`, ORG, recordQuads(ORG, 'Organisation', {}), DNO_AREAS);
      assertAudiences(a, {
        PUBLIC: [audience.public(BASE), audience.members(ORG), audience.regulator(BASE)],
        RESTRICTED: [audience.members(ORG), audience.regulator(BASE)],
        PERSONAL: [audience.personal(ORG)],
        activity: [audience.members(ORG), audience.audit(BASE)],
      });
    });

    it('recognises the kind from rdf:type when the class argument is something else', () => {
      const a = recordAudiences(BASE, `${FMAR}Thing`, ORG, recordQuads(ORG, 'Organisation', {}), DNO_AREAS);
      assert.ok(a.PUBLIC.includes(audience.public(BASE)));
      assert.deepEqual(a.PERSONAL, [audience.personal(ORG)]);
    });

    it('ignores rdf:type statements about other subjects', () => {
      const quads = recordQuads(`${BASE}organisations/elsewhere`, 'Organisation', {});
      const a = recordAudiences(BASE, `${FMAR}Thing`, ORG, quads, DNO_AREAS);
      assertAudiences(a, { PUBLIC: [], RESTRICTED: [], PERSONAL: [], activity: [audience.audit(BASE)] });
    });

    it('User: its organisation and the user, never the public or the regulator', () => {
      const a = recordAudiences(BASE, `${FMAR}User`, USER, recordQuads(USER, 'User', { userOrganisation: ORG }), DNO_AREAS);
      assertAudiences(a, {
        PUBLIC: [audience.members(ORG), audience.record(USER)],
        RESTRICTED: [audience.members(ORG), audience.record(USER)],
        PERSONAL: [audience.personal(ORG), audience.recordPersonal(USER)],
        activity: [audience.members(ORG), audience.audit(BASE)],
      });
      assert.ok(!a.PUBLIC.includes(audience.public(BASE)));
    });

    it('User without an organisation: only the user (and the audit trail for activities)', () => {
      const a = recordAudiences(BASE, `${FMAR}User`, USER, recordQuads(USER, 'User', {}), DNO_AREAS);
      assertAudiences(a, {
        PUBLIC: [audience.record(USER)],
        RESTRICTED: [audience.record(USER)],
        PERSONAL: [audience.recordPersonal(USER)],
        activity: [audience.audit(BASE)],
      });
    });

    it('Platform: public directory entry; restricted for its operator and itself; personal for the operator', () => {
      const a = recordAudiences(BASE, `${FMAR}Platform`, GRANTEE, recordQuads(GRANTEE, 'Platform', { platformOperator: ORG }), DNO_AREAS);
      assertAudiences(a, {
        PUBLIC: [audience.public(BASE), audience.members(ORG), audience.platform(GRANTEE), audience.regulator(BASE)],
        RESTRICTED: [audience.members(ORG), audience.platform(GRANTEE)],
        PERSONAL: [audience.personal(ORG)],
        activity: [audience.members(ORG), audience.platform(GRANTEE), audience.audit(BASE)],
      });
    });

    it('DelegationGrant: the grantor, the grantee platform and the regulator; no personal part', () => {
      const grant = `${BASE}delegations/d1`;
      const a = recordAudiences(BASE, `${FMAR}DelegationGrant`, grant, recordQuads(grant, 'DelegationGrant', { grantor: ORG, grantee: GRANTEE }), DNO_AREAS);
      assertAudiences(a, {
        PUBLIC: [audience.members(ORG), audience.platform(GRANTEE), audience.regulator(BASE)],
        RESTRICTED: [audience.members(ORG), audience.platform(GRANTEE)],
        PERSONAL: [],
        activity: [audience.members(ORG), audience.platform(GRANTEE), audience.audit(BASE)],
      });
      assert.ok(!a.PUBLIC.includes(audience.public(BASE)), 'delegations are not in the public directory');
    });

    it('Asset with a gspGroup: portfolio, readers, its area and the regulator (public part only)', () => {
      const a = recordAudiences(BASE, `${FMAR}Asset`, ASSET, recordQuads(ASSET, 'Asset', { responsibleFSP: ORG, gspGroup: `${FMAR_CODE}GSPGroup/_C` }), DNO_AREAS);
      const readers = [audience.portfolio(ORG), audience.record(ASSET), audience.area(BASE, '_C')];
      assertAudiences(a, {
        PUBLIC: [...readers, audience.regulator(BASE)],
        RESTRICTED: readers,
        PERSONAL: [audience.portfolioPersonal(ORG), audience.recordPersonal(ASSET), audience.areaPersonal(BASE, '_C')],
        activity: [...readers, audience.audit(BASE)],
      });
    });

    it('Asset with only a dnoConnection: the area is the DNO licence area\'s GSP group', () => {
      const a = recordAudiences(BASE, `${FMAR}Asset`, ASSET, recordQuads(ASSET, 'Asset', { responsibleFSP: ORG, dnoConnection: `${FMAR_CODE}DNOCode/NGED_EMIDS` }), DNO_AREAS);
      assert.ok(a.PUBLIC.includes(audience.area(BASE, '_B')));
      assert.ok(a.RESTRICTED.includes(audience.area(BASE, '_B')));
      assert.ok(a.PERSONAL.includes(audience.areaPersonal(BASE, '_B')));
      assert.ok(!a.PUBLIC.some((x) => x.includes('NGED_EMIDS')), 'the DNO code itself is no area');
    });

    it('Asset with a gspGroup and a dnoConnection in another area: both areas', () => {
      const a = recordAudiences(BASE, `${FMAR}Asset`, ASSET, recordQuads(ASSET, 'Asset', { responsibleFSP: ORG, gspGroup: `${FMAR_CODE}GSPGroup/_C`, dnoConnection: `${FMAR_CODE}DNOCode/UKPN_EPN` }), DNO_AREAS);
      assert.deepEqual(sorted(a.RESTRICTED.filter((x) => x.includes('/areas/'))), sorted([audience.area(BASE, '_A'), audience.area(BASE, '_C')]));
      assert.deepEqual(sorted(a.PERSONAL.filter((x) => x.includes('/areas/'))), sorted([audience.areaPersonal(BASE, '_A'), audience.areaPersonal(BASE, '_C')]));
    });

    it('Asset whose gspGroup and dnoConnection agree: the area once', () => {
      const a = recordAudiences(BASE, `${FMAR}Asset`, ASSET, recordQuads(ASSET, 'Asset', { gspGroup: `${FMAR_CODE}GSPGroup/_A`, dnoConnection: `${FMAR_CODE}DNOCode/UKPN_EPN` }), DNO_AREAS);
      assert.equal(a.RESTRICTED.filter((x) => x === audience.area(BASE, '_A')).length, 1);
    });

    it('Asset connected to a network with no licence area (an IDNO): no area audience', () => {
      const a = recordAudiences(BASE, `${FMAR}Asset`, ASSET, recordQuads(ASSET, 'Asset', { responsibleFSP: ORG, dnoConnection: `${FMAR_CODE}DNOCode/SOME_IDNO` }), DNO_AREAS);
      assert.deepEqual(a.PUBLIC.filter((x) => x.includes('/areas/')), []);
      assert.deepEqual(a.PERSONAL.filter((x) => x.includes('/areas/')), []);
    });

    it('Asset with a legal owner: the owner\'s owned-assets audience reads the non-personal parts only', () => {
      const a = recordAudiences(BASE, `${FMAR}Asset`, ASSET, recordQuads(ASSET, 'Asset', { responsibleFSP: ORG, assetOwner: OWNER_ORG }), DNO_AREAS);
      assert.ok(a.PUBLIC.includes(audience.ownedAssets(OWNER_ORG)));
      assert.ok(a.RESTRICTED.includes(audience.ownedAssets(OWNER_ORG)));
      assert.ok(!a.PERSONAL.includes(audience.ownedAssets(OWNER_ORG)));
      assert.ok(!a.PERSONAL.some((x) => x.startsWith(OWNER_ORG)), 'the owner gets no personal audience');
    });

    it('Asset: the areas come from the base given (two registries, disjoint area audiences)', () => {
      const quads = recordQuads(ASSET, 'Asset', { responsibleFSP: ORG, gspGroup: `${FMAR_CODE}GSPGroup/_A` });
      const here = recordAudiences(BASE, `${FMAR}Asset`, ASSET, quads, DNO_AREAS);
      const there = recordAudiences(OTHER_BASE, `${FMAR}Asset`, ASSET, quads, DNO_AREAS);
      const fixed = (a: RecordAudiences) => [...a.PUBLIC, ...a.PERSONAL, ...a.activity].filter((x) => x.includes('/audiences/'));
      assert.ok(fixed(here).length >= 4);
      const hereSet = new Set(fixed(here));
      assert.deepEqual(fixed(there).filter((x) => hereSet.has(x)), []);
    });

    it('a kind without rules is readable by administrators only, its activities by the audit trail', () => {
      const dispute = `${BASE}disputes/d1`;
      assertAudiences(recordAudiences(BASE, `${FMAR}Dispute`, dispute, recordQuads(dispute, 'Dispute', { raisedBy: ORG }), DNO_AREAS), {
        PUBLIC: [],
        RESTRICTED: [],
        PERSONAL: [],
        activity: [audience.audit(BASE)],
      });
    });
  });

  describe('principalAudiences', () => {
    it('administrators hold no list: they read everything', () => {
      assert.equal(principalAudiences(principal({ kind: 'administrator', organisationIri: undefined }), BASE), undefined);
      const mf = principal({ organisationRoles: ['MARKET_FACILITATOR'], userRoles: ['FMAR_ADMINISTRATOR'] });
      assert.equal(principalAudiences(mf, BASE), undefined);
    });

    it('an FMAR_ADMINISTRATOR user of an organisation that is not the Market Facilitator is not an administrator', () => {
      const held = principalAudiences(principal({ organisationRoles: ['FSP'], userRoles: ['FMAR_ADMINISTRATOR'] }), BASE);
      assert.ok(held);
      assert.ok(!held.includes(audience.regulator(BASE)));
    });

    it('an FSP user holds its organisation\'s members, personal, portfolio audiences and its own record', () => {
      const held = principalAudiences(principal({ organisationRoles: ['FSP'], userRoles: ['ASSET_MANAGER'] }), BASE)!;
      assert.deepEqual(sorted(held), sorted([
        audience.public(BASE),
        audience.members(ORG),
        audience.personal(ORG),
        audience.portfolio(ORG),
        audience.portfolioPersonal(ORG),
        audience.record(USER),
        audience.recordPersonal(USER),
      ]));
    });

    it('an FSP user reads its own assets (personal part too) but not another FSP\'s', () => {
      const held = principalAudiences(principal({ organisationRoles: ['FSP'] }), BASE)!;
      const own = recordAudiences(BASE, `${FMAR}Asset`, ASSET, recordQuads(ASSET, 'Asset', { responsibleFSP: ORG, gspGroup: `${FMAR_CODE}GSPGroup/_A` }), DNO_AREAS);
      const other = recordAudiences(BASE, `${FMAR}Asset`, OTHER_ASSET, recordQuads(OTHER_ASSET, 'Asset', { responsibleFSP: OWNER_ORG, gspGroup: `${FMAR_CODE}GSPGroup/_A` }), DNO_AREAS);
      assert.ok(mayRead(held, own.PUBLIC) && mayRead(held, own.RESTRICTED) && mayRead(held, own.PERSONAL) && mayRead(held, own.activity));
      assert.ok(!mayRead(held, other.PUBLIC) && !mayRead(held, other.RESTRICTED) && !mayRead(held, other.PERSONAL) && !mayRead(held, other.activity));
    });

    it('an asset owner holds its owned-assets audience', () => {
      const held = principalAudiences(principal({ organisationIri: OWNER_ORG, organisationRoles: ['ASSET_OWNER'] }), BASE)!;
      assert.ok(held.includes(audience.ownedAssets(OWNER_ORG)));
      const asset = recordAudiences(BASE, `${FMAR}Asset`, ASSET, recordQuads(ASSET, 'Asset', { responsibleFSP: ORG, assetOwner: OWNER_ORG }), DNO_AREAS);
      assert.ok(mayRead(held, asset.PUBLIC) && mayRead(held, asset.RESTRICTED));
      assert.ok(!mayRead(held, asset.PERSONAL), 'no personal values of an asset it does not manage');
      const notOwner = principalAudiences(principal({ organisationIri: OWNER_ORG, organisationRoles: ['FSP'] }), BASE)!;
      assert.ok(!notOwner.includes(audience.ownedAssets(OWNER_ORG)));
    });

    for (const role of ['DNO', 'IDNO', 'TO', 'SYSTEM_OPERATOR']) {
      it(`a system operator (${role}) without a stated purpose holds its areas, not their personal audiences`, () => {
        const held = principalAudiences(principal({ organisationRoles: [role], networkAreas: ['_A', '_B'] }), BASE)!;
        assert.ok(held.includes(audience.area(BASE, '_A')));
        assert.ok(held.includes(audience.area(BASE, '_B')));
        assert.ok(!held.includes(audience.areaPersonal(BASE, '_A')));
        assert.ok(!held.includes(audience.areaPersonal(BASE, '_B')));
        assert.ok(!held.includes(audience.area(BASE, '_C')));
      });
    }

    it('a system operator with a stated purpose also holds the personal audiences of its areas', () => {
      const held = principalAudiences(principal({ organisationRoles: ['DNO'], networkAreas: ['_A'], statedPurpose: 'connection-management' }), BASE)!;
      assert.ok(held.includes(audience.area(BASE, '_A')));
      assert.ok(held.includes(audience.areaPersonal(BASE, '_A')));
      assert.ok(!held.includes(audience.areaPersonal(BASE, '_B')));
    });

    it('a system operator reads asset data in its areas (personal values only with a purpose), nothing outside them', () => {
      const inArea = recordAudiences(BASE, `${FMAR}Asset`, ASSET, recordQuads(ASSET, 'Asset', { responsibleFSP: OWNER_ORG, dnoConnection: `${FMAR_CODE}DNOCode/UKPN_EPN` }), DNO_AREAS);
      const outside = recordAudiences(BASE, `${FMAR}Asset`, OTHER_ASSET, recordQuads(OTHER_ASSET, 'Asset', { responsibleFSP: OWNER_ORG, gspGroup: `${FMAR_CODE}GSPGroup/_P` }), DNO_AREAS);
      const dno = principal({ organisationRoles: ['DNO'], networkAreas: ['_A'] });
      const without = principalAudiences(dno, BASE)!;
      const withPurpose = principalAudiences({ ...dno, statedPurpose: 'planning' }, BASE)!;
      assert.ok(mayRead(without, inArea.PUBLIC) && mayRead(without, inArea.RESTRICTED));
      assert.ok(!mayRead(without, inArea.PERSONAL));
      assert.ok(mayRead(withPurpose, inArea.PERSONAL));
      assert.ok(!mayRead(withPurpose, outside.PUBLIC) && !mayRead(withPurpose, outside.PERSONAL));
    });

    it('network areas without a system operator role give no area audience', () => {
      const held = principalAudiences(principal({ organisationRoles: ['FSP'], networkAreas: ['_A'], statedPurpose: 'x' }), BASE)!;
      assert.ok(!held.some((a) => a.includes('/areas/')));
    });

    for (const role of ['REGULATOR', 'MARKET_FACILITATOR']) {
      it(`a regulator (${role}) holds regulator and audit: non-personal data and activities, no personal data`, () => {
        const held = principalAudiences(principal({ organisationIri: `${BASE}organisations/ofgem`, organisationRoles: [role], userRoles: ['DATA_VIEWER'] }), BASE)!;
        assert.ok(held.includes(audience.regulator(BASE)));
        assert.ok(held.includes(audience.audit(BASE)));
        const asset = recordAudiences(BASE, `${FMAR}Asset`, ASSET, recordQuads(ASSET, 'Asset', { responsibleFSP: ORG, gspGroup: `${FMAR_CODE}GSPGroup/_A` }), DNO_AREAS);
        assert.ok(mayRead(held, asset.PUBLIC));
        assert.ok(mayRead(held, asset.activity));
        assert.ok(!mayRead(held, asset.PERSONAL));
        const org = recordAudiences(BASE, `${FMAR}Organisation`, ORG, recordQuads(ORG, 'Organisation', {}), DNO_AREAS);
        assert.ok(mayRead(held, org.RESTRICTED));
        assert.ok(!mayRead(held, org.PERSONAL));
      });
    }

    it('a user of an organisation operating platforms holds those platforms\' audiences', () => {
      const held = principalAudiences(principal({ organisationRoles: ['PLATFORM'], operatedPlatforms: [GRANTEE] }), BASE)!;
      assert.ok(held.includes(audience.platform(GRANTEE)));
    });

    it('a platform without a grant holds public and its own platform audience', () => {
      assert.deepEqual(sorted(principalAudiences(platform(), BASE)!), sorted([audience.public(BASE), audience.platform(GRANTEE)]));
    });

    it('a platform whose grant covers all assets with READ_ASSET holds the grantor\'s portfolio audiences', () => {
      const held = principalAudiences(platform({ grantIri: `${BASE}delegations/d1`, grantorIri: ORG, actions: ['READ_ASSET', 'UPDATE_ASSET'], allAssets: true, assets: [] }), BASE)!;
      assert.deepEqual(sorted(held), sorted([audience.public(BASE), audience.platform(GRANTEE), audience.portfolio(ORG), audience.portfolioPersonal(ORG)]));
      assert.ok(!held.includes(audience.members(ORG)), 'the grant opens the portfolio, not the organisation');
    });

    it('a platform whose grant lists assets holds those assets\' readers audiences only', () => {
      const held = principalAudiences(platform({ grantIri: `${BASE}delegations/d1`, grantorIri: ORG, actions: ['READ_ASSET'], allAssets: false, assets: [ASSET] }), BASE)!;
      assert.deepEqual(sorted(held), sorted([audience.public(BASE), audience.platform(GRANTEE), audience.record(ASSET), audience.recordPersonal(ASSET)]));
      const listed = recordAudiences(BASE, `${FMAR}Asset`, ASSET, recordQuads(ASSET, 'Asset', { responsibleFSP: ORG }), DNO_AREAS);
      const unlisted = recordAudiences(BASE, `${FMAR}Asset`, OTHER_ASSET, recordQuads(OTHER_ASSET, 'Asset', { responsibleFSP: ORG }), DNO_AREAS);
      assert.ok(mayRead(held, listed.PUBLIC) && mayRead(held, listed.PERSONAL));
      assert.ok(!mayRead(held, unlisted.PUBLIC) && !mayRead(held, unlisted.PERSONAL));
    });

    it('a platform whose grant does not include READ_ASSET reads no assets of the grantor', () => {
      const held = principalAudiences(platform({ grantIri: `${BASE}delegations/d1`, grantorIri: ORG, actions: ['REGISTER_ASSET', 'UPDATE_ASSET'], allAssets: true, assets: [ASSET] }), BASE)!;
      assert.deepEqual(sorted(held), sorted([audience.public(BASE), audience.platform(GRANTEE)]));
    });

    it('a platform reads its own record and its delegations', () => {
      const held = principalAudiences(platform(), BASE)!;
      const own = recordAudiences(BASE, `${FMAR}Platform`, GRANTEE, recordQuads(GRANTEE, 'Platform', { platformOperator: ORG }), DNO_AREAS);
      const grant = `${BASE}delegations/d1`;
      const delegation = recordAudiences(BASE, `${FMAR}DelegationGrant`, grant, recordQuads(grant, 'DelegationGrant', { grantor: ORG, grantee: GRANTEE }), DNO_AREAS);
      assert.ok(mayRead(held, own.RESTRICTED) && !mayRead(held, own.PERSONAL));
      assert.ok(mayRead(held, delegation.PUBLIC) && mayRead(held, delegation.RESTRICTED));
    });

    it('the anonymous principal holds public only', () => {
      const held = principalAudiences(anonymousPrincipal('127.0.0.1'), BASE)!;
      assert.deepEqual(held, [audience.public(BASE)]);
      const org = recordAudiences(BASE, `${FMAR}Organisation`, ORG, recordQuads(ORG, 'Organisation', {}), DNO_AREAS);
      assert.ok(mayRead(held, org.PUBLIC));
      assert.ok(!mayRead(held, org.RESTRICTED) && !mayRead(held, org.PERSONAL) && !mayRead(held, org.activity));
    });

    it('holds the public audience of its own base only', () => {
      const held = principalAudiences(anonymousPrincipal('127.0.0.1'), OTHER_BASE)!;
      const org = recordAudiences(BASE, `${FMAR}Organisation`, ORG, recordQuads(ORG, 'Organisation', {}), DNO_AREAS);
      assert.ok(!mayRead(held, org.PUBLIC), 'another registry\'s public directory is not this registry\'s');
      const dno = principal({ organisationRoles: ['DNO', 'REGULATOR'], networkAreas: ['_A'], statedPurpose: 'p' });
      const here = principalAudiences(dno, BASE)!.filter((a) => a.includes('/audiences/'));
      const there = new Set(principalAudiences(dno, OTHER_BASE)!.filter((a) => a.includes('/audiences/')));
      assert.equal(here.length, 5);
      assert.deepEqual(here.filter((a) => there.has(a)), []);
    });

    it('lists each audience once', () => {
      const held = principalAudiences(principal({ organisationRoles: ['REGULATOR', 'MARKET_FACILITATOR', 'DNO', 'SYSTEM_OPERATOR'], networkAreas: ['_A', '_A'] }), BASE)!;
      assert.equal(new Set(held).size, held.length);
    });
  });

  describe('mayRead', () => {
    it('is true when the sets meet, false when they do not', () => {
      assert.equal(mayRead(['a', 'b'], ['c', 'b']), true);
      assert.equal(mayRead(['a', 'b'], ['c', 'd']), false);
      assert.equal(mayRead([], ['a']), false);
      assert.equal(mayRead(['a'], []), false);
    });

    it('lets administrators (undefined) read everything, even graphs without an index entry', () => {
      assert.equal(mayRead(undefined, ['x']), true);
      assert.equal(mayRead(undefined, undefined), true);
      assert.equal(mayRead(undefined, []), true);
    });

    it('refuses a graph without audiences to everyone else', () => {
      assert.equal(mayRead(['a'], undefined), false);
    });
  });

  describe('holdsPersonalAudience', () => {
    it('is true for administrators', () => {
      assert.equal(holdsPersonalAudience(undefined), true);
    });

    it('is true for each kind of personal audience', () => {
      assert.equal(holdsPersonalAudience([audience.public(BASE), audience.personal(ORG)]), true);
      assert.equal(holdsPersonalAudience([audience.portfolioPersonal(ORG)]), true);
      assert.equal(holdsPersonalAudience([audience.recordPersonal(ASSET)]), true);
      assert.equal(holdsPersonalAudience([audience.areaPersonal(BASE, '_A')]), true);
    });

    it('is false for non-personal audiences', () => {
      assert.equal(holdsPersonalAudience([]), false);
      assert.equal(holdsPersonalAudience([audience.public(BASE), audience.regulator(BASE), audience.audit(BASE), audience.members(ORG), audience.portfolio(ORG), audience.ownedAssets(ORG), audience.record(ASSET), audience.area(BASE, '_A'), audience.platform(GRANTEE)]), false);
    });

    it('agrees with principalAudiences: FSP users and operators with a purpose yes; regulators, operators without a purpose, the public no', () => {
      assert.equal(holdsPersonalAudience(principalAudiences(principal({ organisationRoles: ['FSP'] }), BASE)), true);
      assert.equal(holdsPersonalAudience(principalAudiences(principal({ organisationRoles: ['DNO'], networkAreas: ['_A'], statedPurpose: 'p' }), BASE)!.filter((a) => !a.startsWith(ORG) && !a.startsWith(USER))), true);
      assert.equal(holdsPersonalAudience(principalAudiences(principal({ organisationRoles: ['DNO'], networkAreas: ['_A'] }), BASE)!.filter((a) => !a.startsWith(ORG) && !a.startsWith(USER))), false);
      assert.equal(holdsPersonalAudience(principalAudiences(anonymousPrincipal('x'), BASE)), false);
      assert.equal(holdsPersonalAudience(principalAudiences(platform(), BASE)), false);
    });
  });
});
