import { AccessDeniedError, AuthenticationError, IncompleteRequestError } from '../domain/errors.js';
import type { Actor } from '../domain/RecordService.js';
import { SYSTEM_OPERATOR_ROLES } from './audiences.js';
import { actingOrganisation, isAdministrator, isOrganisationAdministrator, type Principal } from './Principal.js';

/**
 * Who may take which action (requirements §10; docs/access.md has the table). Reads are decided by audiences
 * (audiences.ts); this module decides writes and the few read actions that are not per graph (export).
 * Every function returns the Actor to record in the activity or throws: AuthenticationError (401) when the
 * action needs credentials and there are none, AccessDeniedError (403) naming the rule otherwise.
 */
/** Actions on an FSP's portfolio; each is a DelegatedAction code a platform's grant may hold (UC-05.04). */
export type AssetAction = 'REGISTER_ASSET' | 'UPDATE_ASSET' | 'DEREGISTER_ASSET' | 'MANAGE_MARKET_UNITS' | 'REQUEST_ASSET_SWITCH';

/** Organisation roles that hold a portfolio of assets (requirements §2: FSPs, aggregators). */
export const PORTFOLIO_ROLES = ['FSP', 'AGGREGATOR'];

function needsCredentials(p: Principal, what: string): void {
  if (p.kind === 'anonymous') throw new AuthenticationError(`${what} needs credentials: send Authorization: Bearer <API key or token>`);
}

/** The activity's agent and the organisation it acted for. */
export function actorOf(p: Principal): Actor {
  const onBehalfOf = actingOrganisation(p);
  return { agentIri: p.agentIri, ...(onBehalfOf ? { onBehalfOf } : {}) };
}

/**
 * Assets: FSPs create, update and de-register only their own (requirements §10); within an FSP, organisation
 * administrators and asset managers write, data viewers only read (§7 user roles); a platform only within an
 * active grant covering the action and the asset (UC-05.04); an administrator for the organisation it names.
 * `owner` is the asset's responsible FSP (undefined for a registration), `asset` its IRI.
 */
export function authorizeAssetWrite(p: Principal, action: AssetAction, owner?: string, asset?: string): Actor {
  needsCredentials(p, 'writing assets');
  if (isAdministrator(p)) {
    // An administrator (the bootstrap token or an FMAR_ADMINISTRATOR user) writes for the FSP it names, never for its own organisation.
    const organisation = p.actingFor?.organisationIri;
    if (!organisation && !owner) throw new IncompleteRequestError('a new asset belongs to a flexibility service provider: name it with the FMAR-On-Behalf-Of header (its organisation ID)');
    return { agentIri: p.agentIri, onBehalfOf: organisation ?? owner };
  }
  if (p.kind === 'platform') {
    const grant = p.actingFor?.delegation;
    if (!grant) throw new AccessDeniedError('a platform writes assets only for an FSP that delegated it: name the FSP with FMAR-On-Behalf-Of');
    if (!grant.actions.includes(action)) throw new AccessDeniedError(`the delegation from ${grant.grantorIri} does not include ${action} (it grants ${grant.actions.join(', ')})`, { reason: 'action-not-delegated' });
    if (owner && owner !== grant.grantorIri) throw new AccessDeniedError('the asset does not belong to the FSP the platform acts for');
    if (asset && !grant.allAssets && !grant.assets.includes(asset)) throw new AccessDeniedError('the delegation does not cover this asset', { reason: 'asset-not-delegated' });
    return { agentIri: p.agentIri, onBehalfOf: grant.grantorIri };
  }
  if (!p.organisationRoles.some((r) => PORTFOLIO_ROLES.includes(r))) throw new AccessDeniedError(`only flexibility service providers (or aggregators) hold assets; this organisation's roles are ${p.organisationRoles.join(', ') || 'none'}`);
  if (!p.userRoles.some((r) => r === 'ORGANISATION_ADMINISTRATOR' || r === 'ASSET_MANAGER')) throw new AccessDeniedError('writing assets needs the ASSET_MANAGER or ORGANISATION_ADMINISTRATOR user role; DATA_VIEWER reads only');
  if (owner && owner !== p.organisationIri) throw new AccessDeniedError('an FSP changes only its own assets');
  return { agentIri: p.agentIri, onBehalfOf: p.organisationIri };
}

/** UC-01.02: anyone may apply to register an organisation; it stays Pending Approval until an administrator approves. */
export function authorizeOrganisationRegistration(p: Principal): Actor {
  return { agentIri: p.agentIri };
}

/** UC-01.03, UC-01.04: the organisation's own administrators, or an FMAR administrator. */
export function authorizeOrganisationChange(p: Principal, organisation: string, what: string): Actor {
  needsCredentials(p, what);
  if (isAdministrator(p)) return { agentIri: p.agentIri, onBehalfOf: organisation };
  if (isOrganisationAdministrator(p, organisation)) return { agentIri: p.agentIri, onBehalfOf: organisation };
  throw new AccessDeniedError(`${what} is for the organisation's administrators (user role ORGANISATION_ADMINISTRATOR) or an FMAR administrator`);
}

/** Requirements §10: only FMAR administrators approve organisations and vet platforms, and change administrator-only fields. */
export function authorizeAdministration(p: Principal, what: string): Actor {
  needsCredentials(p, what);
  if (!isAdministrator(p)) throw new AccessDeniedError(`${what} is for FMAR administrators`);
  return { agentIri: p.agentIri, ...(p.actingFor ? { onBehalfOf: p.actingFor.organisationIri } : {}) };
}

/** UC-01.01: an organisation administrator manages the users of their own organisation; an FMAR administrator any. */
export function authorizeUserManagement(p: Principal, organisation: string): Actor {
  return authorizeOrganisationChange(p, organisation, 'managing users');
}

/** A user's own API keys, or those of the users or platforms their organisation administers. */
export function authorizeCredentialManagement(p: Principal, holder: string, holderOrganisation: string): Actor {
  needsCredentials(p, 'managing API keys');
  if (p.kind === 'user' && p.agentIri === holder) return { agentIri: p.agentIri, onBehalfOf: holderOrganisation };
  return authorizeOrganisationChange(p, holderOrganisation, "managing another holder's API keys");
}

/** UC-05.04: a platform is registered by an organisation holding the PLATFORM role (its administrators), or by an FMAR administrator for one. */
export function authorizePlatformRegistration(p: Principal, operatorRoles: string[], operator: string): Actor {
  const actor = authorizeOrganisationChange(p, operator, 'registering a platform');
  if (!operatorRoles.includes('PLATFORM')) throw new AccessDeniedError('only an organisation with the PLATFORM role operates platforms; an administrator can add the role (UC-01.03)');
  return actor;
}

/** UC-05.04: an FSP (its administrators) grants and revokes delegations of its own permissions. */
export function authorizeDelegation(p: Principal, grantor: string, grantorRoles: string[]): Actor {
  const actor = authorizeOrganisationChange(p, grantor, 'granting or revoking a delegation');
  if (!grantorRoles.some((r) => PORTFOLIO_ROLES.includes(r))) throw new AccessDeniedError('only flexibility service providers (or aggregators) delegate asset permissions');
  return actor;
}

/** UC-02.05: exports need credentials; a platform needs EXPORT_ASSETS in its grant. The content is what the principal may read. */
export function authorizeExport(p: Principal): void {
  needsCredentials(p, 'exporting data');
  if (p.kind === 'platform' && !p.actingFor?.delegation?.actions.includes('EXPORT_ASSETS')) {
    throw new AccessDeniedError('a platform exports for an FSP that delegated EXPORT_ASSETS to it: name the FSP with FMAR-On-Behalf-Of', { reason: 'action-not-delegated' });
  }
}

/**
 * UC-02.06, requirements §10: a system operator writes connection limits only for assets in its network area
 * (its users with ORGANISATION_ADMINISTRATOR or ASSET_MANAGER; an administrator acting for it). `operator` is the
 * system operator's organisation with its roles and areas; `assetAreas` the GSP groups of the asset.
 */
export function authorizeConnectionLimit(p: Principal, operator: { iri: string; roles: string[]; areas: string[] }, assetAreas: string[]): Actor {
  return authorizeSystemOperatorWrite(p, operator, assetAreas, 'setting connection limits');
}

/**
 * requirements §10: system operators write (connection limits, qualification outcomes, service windows) only
 * for what lies in their network area; their users with ORGANISATION_ADMINISTRATOR or ASSET_MANAGER, or an
 * administrator acting for the operator. `areas`: the GSP groups of the asset or unit written about.
 */
export function authorizeSystemOperatorWrite(p: Principal, operator: { iri: string; roles: string[]; areas: string[] }, areas: string[], what: string): Actor {
  needsCredentials(p, what);
  if (!operator.roles.some((r) => SYSTEM_OPERATOR_ROLES.includes(r))) throw new AccessDeniedError(`${what} is for system operators (DNO, IDNO, TO, SYSTEM_OPERATOR)`);
  if (!areas.some((a) => operator.areas.includes(a))) throw new AccessDeniedError(`it is not in the system operator's network area (${operator.areas.join(', ') || 'none'}); its area is ${areas.join(', ') || 'unknown'}`);
  if (isAdministrator(p)) return { agentIri: p.agentIri, onBehalfOf: operator.iri };
  if (p.kind !== 'user' || p.organisationIri !== operator.iri) throw new AccessDeniedError(`a system operator does ${what} for itself`);
  if (!p.userRoles.some((r) => r === 'ORGANISATION_ADMINISTRATOR' || r === 'ASSET_MANAGER')) throw new AccessDeniedError(`${what} needs the ASSET_MANAGER or ORGANISATION_ADMINISTRATOR user role`);
  return { agentIri: p.agentIri, onBehalfOf: operator.iri };
}
