/**
 * Who is asking: the authenticated agent, the organisation it belongs to, the roles that decide what it may
 * do, and (for administrators and platforms) the organisation it acts for. Built per request by the
 * Authenticator from the registry's own records, so a deactivated user or organisation stops at once.
 */
export type PrincipalKind = 'administrator' | 'user' | 'platform' | 'anonymous';

/** A platform's active delegation grant from the organisation it acts for (UC-05.04). */
export interface DelegationInfo {
  grantIri: string;
  grantorIri: string;
  /** DelegatedAction codes, e.g. READ_ASSET, REGISTER_ASSET. */
  actions: string[];
  allAssets: boolean;
  /** Asset IRIs, when the grant does not cover all assets. */
  assets: string[];
}

export interface Principal {
  kind: PrincipalKind;
  /** The agent recorded in activities: a user, a platform, the bootstrap administrator, or anonymous. */
  agentIri: string;
  /** The organisation the agent belongs to (a user's organisation, a platform's operator). */
  organisationIri?: string;
  /** OrganisationRole codes of that organisation (FSP, DNO, REGULATOR...). */
  organisationRoles: string[];
  /** UserRole codes of the user (ORGANISATION_ADMINISTRATOR, ASSET_MANAGER, DATA_VIEWER, FMAR_ADMINISTRATOR). */
  userRoles: string[];
  /** GSP group codes a system operator serves (fmar:networkAreas). */
  networkAreas: string[];
  /** Platforms the user's organisation operates (their IRIs). */
  operatedPlatforms: string[];
  /** Identifies the credential for rate limits and logs; never the secret. */
  credentialId: string;
  /** An administrator or a platform acting for an organisation (FMAR-On-Behalf-Of). */
  actingFor?: { organisationIri: string; delegation?: DelegationInfo };
  /** FMAR-Purpose: the need stated for reading personal data outside the owning organisation. */
  statedPurpose?: string;
}

export const ANONYMOUS_AGENT = 'https://w3id.org/fmar/access#anonymous';

export function anonymousPrincipal(clientAddress: string): Principal {
  return { kind: 'anonymous', agentIri: ANONYMOUS_AGENT, organisationRoles: [], userRoles: [], networkAreas: [], operatedPlatforms: [], credentialId: `anonymous:${clientAddress}` };
}

/**
 * Requirements §10: the FMAR Administrator (Elexon) has the highest permissions. That is the bootstrap
 * administrator, or a user with the FMAR_ADMINISTRATOR role in an organisation that is the Market Facilitator.
 */
export function isAdministrator(p: Principal): boolean {
  return p.kind === 'administrator' || (p.kind === 'user' && p.userRoles.includes('FMAR_ADMINISTRATOR') && p.organisationRoles.includes('MARKET_FACILITATOR'));
}

/** The organisation whose data a write changes: a user's own, or the one an administrator or platform acts for. */
export function actingOrganisation(p: Principal): string | undefined {
  return p.actingFor?.organisationIri ?? (p.kind === 'user' ? p.organisationIri : undefined);
}

/** Whether the user administers their organisation (UC-01.01: the organisation administrator manages users). */
export function isOrganisationAdministrator(p: Principal, organisationIri: string): boolean {
  return p.kind === 'user' && p.organisationIri === organisationIri && p.userRoles.includes('ORGANISATION_ADMINISTRATOR');
}
