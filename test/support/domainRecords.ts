import type { Principal } from '../../src/access/Principal.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../../src/domain/RecordKind.js';
import type { Actor, RecordState } from '../../src/domain/RecordService.js';
import type { Registry } from '../../src/registry.js';
import { mpan } from './fspAccounts.js';
import { BASE, exampleBody } from './testRegistry.js';

/**
 * Records for unit tests that call domain services directly (no HTTP): organisations and assets written
 * through RecordService, and principals built literally, as the authenticator would build them.
 */
export const ADMIN: Actor = { agentIri: `${BASE}agents/administrator` };

/** An organisation with `organisationRoles` (and `extra` fields, e.g. a system operator's networkAreas). */
export async function organisation(registry: Registry, organisationRoles: string[], extra: Record<string, unknown> = {}): Promise<RecordState> {
  return registry.records.create(ORGANISATION_KIND, { ...(await exampleBody('organisation')), organisationRoles, ...extra }, ADMIN);
}

let assetCounter = 0;

/**
 * An asset of `fsp` (PENDING_VALIDATION, area _A through its DNO and GSP group) behind the accounting point of
 * the MPAN whose first 12 digits are `point`; `extra` overrides fields (`importMPAN: undefined` drops it).
 */
export async function asset(registry: Registry, fsp: string, point = '101234567890', extra: Record<string, unknown> = {}): Promise<RecordState> {
  const { exportMPAN: _e, genCapacity: _g, demandCapacity: _d, installedCapacity: _i, ...body } = await exampleBody('asset');
  const fields: Record<string, unknown> = { ...body, assetName: `Unit test asset ${++assetCounter}`, serialNumber: `UT-${assetCounter}-${Date.now()}`, importMPAN: mpan(point), ...extra };
  for (const [k, v] of Object.entries(fields)) if (v === undefined) delete fields[k];
  return registry.records.create(ASSET_KIND, fields, { ...ADMIN, onBehalfOf: fsp });
}

/** A user of `organisationIri` with the ASSET_MANAGER role (or `userRoles`), as the authenticator builds it. */
export function userOf(organisationIri: string, organisationRoles: string[], extra: Partial<Principal> = {}): Principal {
  return {
    kind: 'user',
    agentIri: `${BASE}users/${organisationIri.slice(organisationIri.lastIndexOf('/') + 1)}-manager`,
    organisationIri,
    organisationRoles,
    userRoles: ['ASSET_MANAGER'],
    networkAreas: [],
    operatedPlatforms: [],
    credentialId: `test-${organisationIri}`,
    ...extra,
  };
}
