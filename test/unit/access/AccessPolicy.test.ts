import assert from 'node:assert/strict';
import {
  actorOf,
  authorizeAdministration,
  authorizeAssetWrite,
  authorizeCredentialManagement,
  authorizeDelegation,
  authorizeExport,
  authorizeOrganisationChange,
  authorizeOrganisationRegistration,
  authorizePlatformRegistration,
  authorizeUserManagement,
  type AssetAction,
} from '../../../src/access/AccessPolicy.js';
import { ANONYMOUS_AGENT, anonymousPrincipal, type DelegationInfo, type Principal } from '../../../src/access/Principal.js';
import { AccessDeniedError, AuthenticationError, IncompleteRequestError } from '../../../src/domain/errors.js';

const BASE = 'http://registry.test/';
const FSP = `${BASE}organisations/fsp`;
const OTHER_FSP = `${BASE}organisations/other-fsp`;
const MF = `${BASE}organisations/elexon`;
const PLATFORM_ORG = `${BASE}organisations/platform-co`;
const PLATFORM = `${BASE}platforms/p1`;
const ADMIN_AGENT = `${BASE}agents/administrator`;
const ASSET = `${BASE}assets/a1`;
const OTHER_ASSET = `${BASE}assets/a2`;
const USER = `${BASE}users/u1`;
const OTHER_USER = `${BASE}users/u2`;

function user(organisationIri: string, organisationRoles: string[], userRoles: string[], agentIri = USER): Principal {
  return { kind: 'user', agentIri, organisationIri, organisationRoles, userRoles, networkAreas: [], operatedPlatforms: [], credentialId: 'api-key:test' };
}

const admin = (actingFor?: string): Principal => ({
  kind: 'administrator',
  agentIri: ADMIN_AGENT,
  organisationRoles: [],
  userRoles: [],
  networkAreas: [],
  operatedPlatforms: [],
  credentialId: 'bootstrap-administrator',
  ...(actingFor ? { actingFor: { organisationIri: actingFor } } : {}),
});

function platform(delegation?: Partial<DelegationInfo>, actingForOnly?: string): Principal {
  const base: Principal = { kind: 'platform', agentIri: PLATFORM, organisationIri: PLATFORM_ORG, organisationRoles: ['PLATFORM'], userRoles: [], networkAreas: [], operatedPlatforms: [], credentialId: 'api-key:platform' };
  if (delegation) return { ...base, actingFor: { organisationIri: FSP, delegation: { grantIri: `${BASE}delegations/d1`, grantorIri: FSP, actions: [], allAssets: false, assets: [], ...delegation } } };
  if (actingForOnly) return { ...base, actingFor: { organisationIri: actingForOnly } };
  return base;
}

const anonymous = anonymousPrincipal('192.0.2.1');
const fspAdmin = user(FSP, ['FSP'], ['ORGANISATION_ADMINISTRATOR']);
const fspManager = user(FSP, ['FSP'], ['ASSET_MANAGER']);
const fspViewer = user(FSP, ['FSP'], ['DATA_VIEWER']);
const aggregatorManager = user(FSP, ['AGGREGATOR'], ['ASSET_MANAGER']);
const mfAdmin = user(MF, ['MARKET_FACILITATOR'], ['FMAR_ADMINISTRATOR']);
const fspFmarAdmin = user(FSP, ['FSP'], ['FMAR_ADMINISTRATOR']);
const dnoAdmin = user(`${BASE}organisations/dno`, ['DNO'], ['ORGANISATION_ADMINISTRATOR']);
const regulator = user(`${BASE}organisations/ofgem`, ['REGULATOR'], ['ORGANISATION_ADMINISTRATOR']);

function denied(reason?: string) {
  return (error: unknown) => {
    assert.ok(error instanceof AccessDeniedError, `expected AccessDeniedError, got ${String(error)}`);
    if (reason) assert.equal(error.extras.reason, reason);
    return true;
  };
}
const unauthenticated = (error: unknown) => error instanceof AuthenticationError;

describe('AccessPolicy', () => {
  describe('actorOf', () => {
    it('records a user acting for their own organisation', () => {
      assert.deepEqual(actorOf(fspManager), { agentIri: USER, onBehalfOf: FSP });
    });
    it('records an administrator acting for the organisation named, or for nobody', () => {
      assert.deepEqual(actorOf(admin(FSP)), { agentIri: ADMIN_AGENT, onBehalfOf: FSP });
      assert.deepEqual(actorOf(admin()), { agentIri: ADMIN_AGENT });
    });
    it('records a platform acting for its grantor, and without one acting for nobody', () => {
      assert.deepEqual(actorOf(platform({ actions: ['READ_ASSET'] })), { agentIri: PLATFORM, onBehalfOf: FSP });
      assert.deepEqual(actorOf(platform()), { agentIri: PLATFORM });
    });
    it('records the anonymous agent alone', () => {
      assert.deepEqual(actorOf(anonymous), { agentIri: ANONYMOUS_AGENT });
    });
  });

  describe('authorizeAssetWrite', () => {
    const actions: AssetAction[] = ['REGISTER_ASSET', 'UPDATE_ASSET', 'DEREGISTER_ASSET'];

    it('needs credentials', () => {
      for (const action of actions) assert.throws(() => authorizeAssetWrite(anonymous, action), unauthenticated);
    });

    it('lets FSP and aggregator administrators and asset managers write their own assets, for their organisation', () => {
      for (const p of [fspAdmin, fspManager, aggregatorManager]) {
        assert.deepEqual(authorizeAssetWrite(p, 'REGISTER_ASSET'), { agentIri: USER, onBehalfOf: FSP });
        assert.deepEqual(authorizeAssetWrite(p, 'UPDATE_ASSET', FSP, ASSET), { agentIri: USER, onBehalfOf: FSP });
        assert.deepEqual(authorizeAssetWrite(p, 'DEREGISTER_ASSET', FSP, ASSET), { agentIri: USER, onBehalfOf: FSP });
      }
    });

    it('refuses a DATA_VIEWER every write', () => {
      for (const action of actions) assert.throws(() => authorizeAssetWrite(fspViewer, action, action === 'REGISTER_ASSET' ? undefined : FSP, ASSET), denied());
    });

    it('refuses an FSP another FSP\'s asset', () => {
      assert.throws(() => authorizeAssetWrite(fspManager, 'UPDATE_ASSET', OTHER_FSP, ASSET), denied());
      assert.throws(() => authorizeAssetWrite(fspAdmin, 'DEREGISTER_ASSET', OTHER_FSP, ASSET), denied());
    });

    it('refuses organisations that hold no portfolio (DNO, regulator, platform operator)', () => {
      assert.throws(() => authorizeAssetWrite(dnoAdmin, 'REGISTER_ASSET'), denied());
      assert.throws(() => authorizeAssetWrite(regulator, 'REGISTER_ASSET'), denied());
      assert.throws(() => authorizeAssetWrite(user(PLATFORM_ORG, ['PLATFORM'], ['ORGANISATION_ADMINISTRATOR']), 'UPDATE_ASSET', PLATFORM_ORG, ASSET), denied());
    });

    it('lets an administrator write for the organisation it names or the asset\'s owner', () => {
      assert.deepEqual(authorizeAssetWrite(admin(FSP), 'REGISTER_ASSET'), { agentIri: ADMIN_AGENT, onBehalfOf: FSP });
      assert.deepEqual(authorizeAssetWrite(admin(), 'UPDATE_ASSET', FSP, ASSET), { agentIri: ADMIN_AGENT, onBehalfOf: FSP });
      assert.equal(authorizeAssetWrite(mfAdmin, 'DEREGISTER_ASSET', OTHER_FSP, ASSET).agentIri, USER, 'a Market Facilitator administrator may write any FSP\'s asset');
    });

    it('asks an administrator registering an asset to name the FSP', () => {
      assert.throws(() => authorizeAssetWrite(admin(), 'REGISTER_ASSET'), IncompleteRequestError);
    });

    it('does not treat an FMAR_ADMINISTRATOR user of an FSP as an administrator', () => {
      assert.throws(() => authorizeAssetWrite(fspFmarAdmin, 'UPDATE_ASSET', OTHER_FSP, ASSET), denied());
      assert.throws(() => authorizeAssetWrite(fspFmarAdmin, 'REGISTER_ASSET'), denied(), 'FMAR_ADMINISTRATOR is no asset-writing user role outside the Market Facilitator');
    });

    it('lets a platform write what its grant covers, for the grantor', () => {
      const all = platform({ actions: ['REGISTER_ASSET', 'UPDATE_ASSET', 'DEREGISTER_ASSET'], allAssets: true });
      assert.deepEqual(authorizeAssetWrite(all, 'REGISTER_ASSET'), { agentIri: PLATFORM, onBehalfOf: FSP });
      assert.deepEqual(authorizeAssetWrite(all, 'UPDATE_ASSET', FSP, OTHER_ASSET), { agentIri: PLATFORM, onBehalfOf: FSP });
      const listed = platform({ actions: ['UPDATE_ASSET'], allAssets: false, assets: [ASSET] });
      assert.deepEqual(authorizeAssetWrite(listed, 'UPDATE_ASSET', FSP, ASSET), { agentIri: PLATFORM, onBehalfOf: FSP });
    });

    it('refuses a platform an action its grant does not delegate', () => {
      const readOnly = platform({ actions: ['READ_ASSET'], allAssets: true });
      for (const action of actions) assert.throws(() => authorizeAssetWrite(readOnly, action, FSP, ASSET), denied('action-not-delegated'));
      assert.throws(() => authorizeAssetWrite(platform({ actions: ['UPDATE_ASSET'], allAssets: true }), 'DEREGISTER_ASSET', FSP, ASSET), denied('action-not-delegated'));
    });

    it('refuses a platform an asset its grant does not list', () => {
      const listed = platform({ actions: ['UPDATE_ASSET', 'DEREGISTER_ASSET'], allAssets: false, assets: [ASSET] });
      assert.throws(() => authorizeAssetWrite(listed, 'UPDATE_ASSET', FSP, OTHER_ASSET), denied('asset-not-delegated'));
      assert.throws(() => authorizeAssetWrite(listed, 'DEREGISTER_ASSET', FSP, OTHER_ASSET), denied('asset-not-delegated'));
    });

    it('refuses a platform an asset of another FSP than its grantor', () => {
      const all = platform({ actions: ['UPDATE_ASSET'], allAssets: true });
      assert.throws(() => authorizeAssetWrite(all, 'UPDATE_ASSET', OTHER_FSP, ASSET), denied());
      const listed = platform({ actions: ['UPDATE_ASSET'], allAssets: false, assets: [ASSET] });
      assert.throws(() => authorizeAssetWrite(listed, 'UPDATE_ASSET', OTHER_FSP, ASSET), denied(), 'even an asset the grant lists, once it belongs to someone else');
    });

    it('refuses a platform acting for nobody', () => {
      assert.throws(() => authorizeAssetWrite(platform(), 'REGISTER_ASSET'), denied());
      assert.throws(() => authorizeAssetWrite(platform(undefined, FSP), 'REGISTER_ASSET'), denied());
    });
  });

  describe('authorizeOrganisationRegistration', () => {
    it('lets anyone apply, recording who', () => {
      assert.deepEqual(authorizeOrganisationRegistration(anonymous), { agentIri: ANONYMOUS_AGENT });
      assert.deepEqual(authorizeOrganisationRegistration(fspViewer), { agentIri: USER });
      assert.deepEqual(authorizeOrganisationRegistration(admin()), { agentIri: ADMIN_AGENT });
    });
  });

  describe('authorizeOrganisationChange and authorizeUserManagement', () => {
    for (const [name, authorize] of [
      ['authorizeOrganisationChange', (p: Principal, o: string) => authorizeOrganisationChange(p, o, 'updating an organisation')],
      ['authorizeUserManagement', (p: Principal, o: string) => authorizeUserManagement(p, o)],
    ] as const) {
      describe(name, () => {
        it('needs credentials', () => {
          assert.throws(() => authorize(anonymous, FSP), unauthenticated);
        });
        it('lets the organisation\'s administrators act for it', () => {
          assert.deepEqual(authorize(fspAdmin, FSP), { agentIri: USER, onBehalfOf: FSP });
        });
        it('lets FMAR administrators act for any organisation', () => {
          assert.deepEqual(authorize(admin(), FSP), { agentIri: ADMIN_AGENT, onBehalfOf: FSP });
          assert.deepEqual(authorize(admin(OTHER_FSP), FSP), { agentIri: ADMIN_AGENT, onBehalfOf: FSP }, 'the organisation changed, not the one in the header');
          assert.deepEqual(authorize(mfAdmin, FSP), { agentIri: USER, onBehalfOf: FSP });
        });
        it('refuses other users of the organisation and administrators of other organisations', () => {
          assert.throws(() => authorize(fspManager, FSP), denied());
          assert.throws(() => authorize(fspViewer, FSP), denied());
          assert.throws(() => authorize(fspAdmin, OTHER_FSP), denied());
          assert.throws(() => authorize(fspFmarAdmin, OTHER_FSP), denied());
          assert.throws(() => authorize(fspFmarAdmin, FSP), denied(), 'FMAR_ADMINISTRATOR outside the Market Facilitator is no organisation administrator either');
        });
        it('refuses platforms', () => {
          assert.throws(() => authorize(platform({ actions: ['READ_ASSET', 'UPDATE_ASSET'], allAssets: true }), FSP), denied());
        });
      });
    }
  });

  describe('authorizeAdministration', () => {
    it('needs credentials', () => {
      assert.throws(() => authorizeAdministration(anonymous, 'approving an organisation'), unauthenticated);
    });
    it('lets the bootstrap administrator in, acting for the organisation it names if any', () => {
      assert.deepEqual(authorizeAdministration(admin(), 'approving'), { agentIri: ADMIN_AGENT });
      assert.deepEqual(authorizeAdministration(admin(FSP), 'approving'), { agentIri: ADMIN_AGENT, onBehalfOf: FSP });
    });
    it('lets an FMAR_ADMINISTRATOR user of a MARKET_FACILITATOR organisation in', () => {
      assert.deepEqual(authorizeAdministration(mfAdmin, 'approving'), { agentIri: USER });
    });
    it('refuses an FMAR_ADMINISTRATOR user of another organisation, and other users of the Market Facilitator', () => {
      assert.throws(() => authorizeAdministration(fspFmarAdmin, 'approving'), denied());
      assert.throws(() => authorizeAdministration(user(MF, ['MARKET_FACILITATOR'], ['ORGANISATION_ADMINISTRATOR']), 'approving'), denied());
      assert.throws(() => authorizeAdministration(user(FSP, ['FSP', 'REGULATOR'], ['FMAR_ADMINISTRATOR']), 'approving'), denied());
    });
    it('refuses everyone else', () => {
      for (const p of [fspAdmin, fspManager, dnoAdmin, regulator, platform({ actions: ['READ_ASSET'], allAssets: true })]) assert.throws(() => authorizeAdministration(p, 'approving'), denied());
    });
    it('names the action in the refusal', () => {
      assert.throws(() => authorizeAdministration(fspAdmin, 'vetting a platform'), /vetting a platform/);
    });
  });

  describe('authorizeCredentialManagement', () => {
    it('needs credentials', () => {
      assert.throws(() => authorizeCredentialManagement(anonymous, USER, FSP), unauthenticated);
    });
    it('lets any user manage their own keys, whatever their role', () => {
      assert.deepEqual(authorizeCredentialManagement(fspViewer, USER, FSP), { agentIri: USER, onBehalfOf: FSP });
    });
    it('lets organisation administrators manage the keys of the organisation\'s users and platforms', () => {
      assert.deepEqual(authorizeCredentialManagement(fspAdmin, OTHER_USER, FSP), { agentIri: USER, onBehalfOf: FSP });
      const platformAdmin = user(PLATFORM_ORG, ['PLATFORM'], ['ORGANISATION_ADMINISTRATOR']);
      assert.deepEqual(authorizeCredentialManagement(platformAdmin, PLATFORM, PLATFORM_ORG), { agentIri: USER, onBehalfOf: PLATFORM_ORG });
    });
    it('lets FMAR administrators manage anyone\'s keys', () => {
      assert.deepEqual(authorizeCredentialManagement(admin(), OTHER_USER, FSP), { agentIri: ADMIN_AGENT, onBehalfOf: FSP });
    });
    it('refuses other users\' keys to non-administrators and to administrators of other organisations', () => {
      assert.throws(() => authorizeCredentialManagement(fspManager, OTHER_USER, FSP), denied());
      assert.throws(() => authorizeCredentialManagement(fspAdmin, OTHER_USER, OTHER_FSP), denied());
    });
    it('refuses a platform its own keys (its operator\'s administrators manage them)', () => {
      assert.throws(() => authorizeCredentialManagement(platform(), PLATFORM, PLATFORM_ORG), denied());
    });
  });

  describe('authorizePlatformRegistration', () => {
    it('lets a PLATFORM organisation\'s administrators and FMAR administrators register a platform for it', () => {
      const platformAdmin = user(PLATFORM_ORG, ['PLATFORM'], ['ORGANISATION_ADMINISTRATOR']);
      assert.deepEqual(authorizePlatformRegistration(platformAdmin, ['PLATFORM'], PLATFORM_ORG), { agentIri: USER, onBehalfOf: PLATFORM_ORG });
      assert.deepEqual(authorizePlatformRegistration(admin(), ['PLATFORM', 'FSP'], PLATFORM_ORG), { agentIri: ADMIN_AGENT, onBehalfOf: PLATFORM_ORG });
    });
    it('refuses an operator without the PLATFORM role, even to an administrator', () => {
      assert.throws(() => authorizePlatformRegistration(fspAdmin, ['FSP'], FSP), denied());
      assert.throws(() => authorizePlatformRegistration(admin(), ['FSP'], FSP), denied());
    });
    it('refuses non-administrators and the anonymous', () => {
      assert.throws(() => authorizePlatformRegistration(anonymous, ['PLATFORM'], PLATFORM_ORG), unauthenticated);
      assert.throws(() => authorizePlatformRegistration(user(PLATFORM_ORG, ['PLATFORM'], ['ASSET_MANAGER']), ['PLATFORM'], PLATFORM_ORG), denied());
      assert.throws(() => authorizePlatformRegistration(fspAdmin, ['PLATFORM'], PLATFORM_ORG), denied());
    });
  });

  describe('authorizeDelegation', () => {
    it('lets an FSP\'s (or aggregator\'s) administrators and FMAR administrators delegate for it', () => {
      assert.deepEqual(authorizeDelegation(fspAdmin, FSP, ['FSP']), { agentIri: USER, onBehalfOf: FSP });
      assert.deepEqual(authorizeDelegation(fspAdmin, FSP, ['AGGREGATOR']), { agentIri: USER, onBehalfOf: FSP });
      assert.deepEqual(authorizeDelegation(admin(), FSP, ['FSP']), { agentIri: ADMIN_AGENT, onBehalfOf: FSP });
    });
    it('refuses a grantor without a portfolio role', () => {
      assert.throws(() => authorizeDelegation(dnoAdmin, `${BASE}organisations/dno`, ['DNO']), denied());
      assert.throws(() => authorizeDelegation(admin(), FSP, ['ASSET_OWNER']), denied());
    });
    it('refuses asset managers, other organisations, platforms and the anonymous', () => {
      assert.throws(() => authorizeDelegation(fspManager, FSP, ['FSP']), denied());
      assert.throws(() => authorizeDelegation(fspAdmin, OTHER_FSP, ['FSP']), denied());
      assert.throws(() => authorizeDelegation(platform({ actions: ['READ_ASSET', 'REGISTER_ASSET'], allAssets: true }), FSP, ['FSP']), denied());
      assert.throws(() => authorizeDelegation(anonymous, FSP, ['FSP']), unauthenticated);
    });
  });

  describe('authorizeExport', () => {
    it('needs credentials', () => {
      assert.throws(() => authorizeExport(anonymous), unauthenticated);
    });
    it('lets users and administrators export (what they may read)', () => {
      for (const p of [fspViewer, dnoAdmin, regulator, admin(), mfAdmin]) assert.doesNotThrow(() => authorizeExport(p));
    });
    it('lets a platform export for an FSP only with EXPORT_ASSETS in the grant', () => {
      assert.doesNotThrow(() => authorizeExport(platform({ actions: ['READ_ASSET', 'EXPORT_ASSETS'], allAssets: true })));
      assert.throws(() => authorizeExport(platform({ actions: ['READ_ASSET'], allAssets: true })), denied('action-not-delegated'));
      assert.throws(() => authorizeExport(platform(undefined, FSP)), denied('action-not-delegated'));
    });
  });
});
