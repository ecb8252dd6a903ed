import { authorizeAssetWrite } from '../access/AccessPolicy.js';
import { ASSET_KIND, CATEGORY_SCHEMA_KIND, CONNECTION_LIMIT_KIND, CONSENT_KIND, DELEGATION_KIND, MARKET_UNIT_KIND, MEMBERSHIP_KIND, ORGANISATION_KIND, PLATFORM_KIND, QUALIFICATION_KIND, SERVICE_WINDOW_KIND, SWITCH_KIND, USER_KIND, type RecordKind } from '../domain/RecordKind.js';
import { value } from '../domain/recordValues.js';
import type { Registry } from '../registry.js';
import type { RecordWrites } from './routes/recordRoutes.js';

/** Which use case serves POST and PUT of each kind (the services authorise and record the activity). */
export function recordWrites(registry: Registry, kind: RecordKind): RecordWrites {
  const { records } = registry;
  switch (kind) {
    case ORGANISATION_KIND:
      return {
        create: async (body, principal) => ({ state: await registry.organisations.register(body, principal) }),
        replace: (id, body, ifMatch, principal) => registry.organisations.update(id, body, ifMatch, principal),
      };
    case USER_KIND:
      return {
        create: async (body, principal) => {
          const { user, activation } = await registry.users.register(body, principal);
          return { state: user, shownOnce: { activationCode: activation.token, activationExpiresAt: activation.expiresAt } };
        },
        replace: (id, body, ifMatch, principal) => registry.users.update(id, body, ifMatch, principal),
      };
    case PLATFORM_KIND:
      return {
        create: async (body, principal) => ({ state: await registry.platforms.register(body, principal) }),
        replace: (id, body, ifMatch, principal) => registry.platforms.update(id, body, ifMatch, principal),
      };
    case DELEGATION_KIND:
      return {
        create: async (body, principal) => ({ state: await registry.platforms.grant(body, principal) }),
        replaceRefusal: 'a delegation is not edited: revoke it (POST /delegations/{id}/revocation) and grant a new one',
      };
    case ASSET_KIND:
      return {
        // UC-02.02, requirements §10: FSPs register their own assets; platforms within their grant.
        create: async (body, principal) => {
          const state = await registry.assets.register(body, principal);
          // UC-02.02 step 3: the authenticity checks run after the response.
          registry.assetVerification.schedule(state.id, 'UC-02.02');
          return { state };
        },
        // UC-02.04: only the responsible FSP (or its delegate, or an administrator) updates an asset.
        replace: async (id, body, ifMatch, principal) => {
          const current = await records.get(ASSET_KIND, id);
          const actor = authorizeAssetWrite(principal, 'UPDATE_ASSET', value(current, 'responsibleFSP'), current.iri);
          // requirements §11: a new consent reference is verified before it is stored.
          const recordConsent = await registry.assets.consentForUpdate(current, body, value(current, 'responsibleFSP')!);
          const updated = await records.replace(ASSET_KIND, id, body, ifMatch, actor, (latest) => {
            authorizeAssetWrite(principal, 'UPDATE_ASSET', value(latest, 'responsibleFSP'), latest.iri);
          });
          // UC-02.04: an MPAN change re-runs the authenticity checks.
          if (['importMPAN', 'exportMPAN'].some((f) => value(current, f) !== value(updated, f))) registry.assetVerification.schedule(id, 'UC-02.04');
          await recordConsent?.();
          return updated;
        },
      };
    case CONNECTION_LIMIT_KIND:
      return {
        // UC-02.06: a system operator sets and changes limits on assets in its area.
        create: async (body, principal) => ({ state: await registry.connectionLimits.set(body, principal) }),
        replace: (id, body, ifMatch, principal) => registry.connectionLimits.update(id, body, ifMatch, principal),
      };
    case CATEGORY_SCHEMA_KIND:
      return {
        // UC-02.01: an administrator publishes a version: {"schemaForCategory": "BESS", "shapes": "<SHACL in Turtle>"}.
        create: async (body, principal) => ({ state: await registry.categories.publish(principal, body) }),
        replaceRefusal: 'a category schema version never changes: publish a new version (POST /category-schemas) or deprecate this one (POST /category-schemas/{id}/deprecation)',
      };
    case MARKET_UNIT_KIND:
      return {
        // UC-03.01: {"marketUnitType": "SPU" | "SPG", "marketUnitId", "marketUnitName", "assets": [FMAR Asset IDs]}.
        create: async (body, principal) => ({ state: await registry.marketUnits.create(body, principal) }),
        replace: (id, body, ifMatch, principal) => registry.marketUnits.update(id, body, ifMatch, principal),
      };
    case MEMBERSHIP_KIND:
      return {
        createRefusal: 'memberships are written with their unit: POST /market-units (UC-03.01) or POST /market-units/{id}/composition (UC-03.03)',
        replaceRefusal: 'memberships change with their unit\'s composition: POST /market-units/{id}/composition',
      };
    case SWITCH_KIND:
      return {
        // UC-03.04: {"assets": [FMAR Asset IDs], "consentReference": "..."} by the gaining FSP.
        create: async (body, principal) => ({ state: await registry.switches.request(body, principal) }),
        replaceRefusal: 'a switch moves through its states by itself (consent verified, notice period, completed or rejected)',
      };
    case SERVICE_WINDOW_KIND:
      return {
        create: async (body, principal) => ({ state: await registry.serviceWindows.confirm(body, principal) }),
        replaceRefusal: 'a confirmed service window is not edited: cancel it (POST /service-windows/{id}/cancellation) and confirm a new one',
      };
    case CONSENT_KIND:
      return {
        createRefusal: 'consents are recorded by the registry when it verifies a Consent Reference ID with the Consumer Consent Solution (UC-05.05)',
        replaceRefusal: 'a consent changes only in the Consumer Consent Solution; revocations reach the registry as signed callbacks',
      };
    case QUALIFICATION_KIND:
      return {
        create: async (body, principal) => ({ state: await registry.qualifications.record(body, principal) }),
        replace: (id, body, ifMatch, principal) => registry.qualifications.update(id, body, ifMatch, principal),
      };
    default:
      throw new Error(`no writes are defined for ${kind.className}`);
  }
}
