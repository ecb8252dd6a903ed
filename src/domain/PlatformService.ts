import { authorizeAdministration, authorizeDelegation, authorizeOrganisationChange, authorizePlatformRegistration } from '../access/AccessPolicy.js';
import { actingOrganisation, type Principal } from '../access/Principal.js';
import { AccessDeniedError, InvalidRecordError, RecordNotFoundError, StateConflictError } from './errors.js';
import { ASSET_KIND, DELEGATION_KIND, ORGANISATION_KIND, PLATFORM_KIND } from './RecordKind.js';
import type { RecordService, RecordState } from './RecordService.js';
import { code, codes, value } from './recordValues.js';

/**
 * UC-05.04 Onboard & Manage Third-Party Platforms: an organisation with the PLATFORM role registers a platform
 * (its Platform ID), an FMAR administrator vets it, and FSPs grant and revoke delegations to it. A platform's
 * own API keys are issued through the API key service once it is Active.
 */
export class PlatformService {
  constructor(private readonly args: { records: RecordService; baseIri: string; today?: () => string }) {}

  async register(body: Record<string, unknown>, principal: Principal): Promise<RecordState> {
    const operator = this.organisationIri(typeof body.platformOperator === 'string' ? body.platformOperator : actingOrganisation(principal), 'platformOperator');
    const org = await this.organisation(operator);
    const actor = authorizePlatformRegistration(principal, codes(org, 'organisationRoles'), operator);
    this.requireActive(org, 'organisationStatus', 'the operating organisation');
    return this.args.records.create(PLATFORM_KIND, { ...body, platformOperator: operator }, actor);
  }

  async update(id: string, body: Record<string, unknown>, ifMatch: number[] | '*' | undefined, principal: Principal): Promise<RecordState> {
    const current = await this.args.records.get(PLATFORM_KIND, id);
    const operator = value(current, 'platformOperator')!;
    const actor = authorizeOrganisationChange(principal, operator, 'updating a platform');
    if (body.platformOperator !== undefined && this.organisationIri(String(body.platformOperator), 'platformOperator') !== operator) throw new AccessDeniedError('a platform keeps its operator; register it again under the new operator');
    return this.args.records.replace(PLATFORM_KIND, id, { ...body, platformOperator: operator }, ifMatch, actor);
  }

  /** UC-05.04 rules: technical and security vetting by an FMAR administrator before the platform may act. */
  approve(id: string, principal: Principal): Promise<RecordState> {
    const actor = authorizeAdministration(principal, 'vetting a platform');
    return this.args.records.transition(PLATFORM_KIND, id, { platformStatus: 'ACTIVE' }, actor, 'UC-05.04', (current) => {
      const status = code(current, 'platformStatus');
      if (status !== 'PENDING_VETTING' && status !== 'SUSPENDED') throw new StateConflictError(`the platform is ${status}; only a platform pending vetting or suspended can be approved`, { currentStatus: status });
    });
  }

  /**
   * An FSP delegates specific permissions to an Active platform: which actions, on all its assets or on listed
   * ones (which must be its own), from when and until when. The grantor is the acting organisation.
   */
  async grant(body: Record<string, unknown>, principal: Principal): Promise<RecordState> {
    const grantor = actingOrganisation(principal);
    if (!grantor) throw new AccessDeniedError('a delegation is granted by an organisation: act for it (an administrator names it with FMAR-On-Behalf-Of)');
    const org = await this.organisation(grantor);
    const actor = authorizeDelegation(principal, grantor, codes(org, 'organisationRoles'));
    this.requireActive(org, 'organisationStatus', 'the granting organisation');
    const granteeId = typeof body.grantee === 'string' ? body.grantee.slice(body.grantee.lastIndexOf('/') + 1) : '';
    const platform = await this.args.records.get(PLATFORM_KIND, granteeId).catch((error: unknown) => {
      if (error instanceof RecordNotFoundError) throw new InvalidRecordError('body', 'the grantee is not a registered platform', [{ severity: 'Violation', pointer: '/grantee', field: 'grantee', value: String(body.grantee), message: 'give the Platform ID of a registered platform' }]);
      throw error;
    });
    this.requireActive(platform, 'platformStatus', 'the platform');
    const assets = [body.delegatedAssets ?? []].flat().map(String);
    if (body.appliesToAllAssets === true && assets.length) throw new InvalidRecordError('body', 'a grant covers all assets or listed ones, not both', [{ severity: 'Violation', pointer: '/delegatedAssets', field: 'delegatedAssets', message: 'leave delegatedAssets out when appliesToAllAssets is true' }]);
    if (body.appliesToAllAssets === false && !assets.length) throw new InvalidRecordError('body', 'a grant for listed assets lists at least one', [{ severity: 'Violation', pointer: '/delegatedAssets', field: 'delegatedAssets', message: 'list the assets, or set appliesToAllAssets to true' }]);
    for (const asset of assets) {
      const id = asset.slice(asset.lastIndexOf('/') + 1);
      const state = await this.args.records.get(ASSET_KIND, id).catch(() => undefined);
      // Requirements §10: an FSP delegates only what it holds itself.
      if (!state || value(state, 'responsibleFSP') !== grantor) throw new AccessDeniedError(`asset ${id} is not an asset of the granting FSP`, { field: 'delegatedAssets', value: asset });
    }
    return this.args.records.create(DELEGATION_KIND, { ...body, grantee: platform.iri }, actor);
  }

  /** The grantor (or an administrator) revokes a grant; the platform's next request no longer finds it. */
  async revoke(id: string, principal: Principal): Promise<RecordState> {
    const current = await this.args.records.get(DELEGATION_KIND, id);
    const grantor = value(current, 'grantor')!;
    const actor = authorizeDelegation(principal, grantor, codes(await this.organisation(grantor), 'organisationRoles'));
    const today = this.args.today?.() ?? new Date().toISOString().slice(0, 10);
    return this.args.records.transition(DELEGATION_KIND, id, { delegationStatus: 'REVOKED', revokedOn: today }, actor, 'UC-05.04', (state) => {
      const status = code(state, 'delegationStatus');
      if (status !== 'ACTIVE') throw new StateConflictError(`the delegation is ${status}, not ACTIVE`, { currentStatus: status });
    });
  }

  private organisationIri(given: string | undefined, field: string): string {
    if (!given) throw new InvalidRecordError('body', `name the ${field}`, [{ severity: 'Violation', pointer: `/${field}`, field, message: 'give an organisation ID' }]);
    return /^https?:\/\//.test(given) ? given : `${this.args.baseIri}${ORGANISATION_KIND.path}/${given}`;
  }

  private organisation(iri: string): Promise<RecordState> {
    return this.args.records.get(ORGANISATION_KIND, iri.slice(iri.lastIndexOf('/') + 1));
  }

  private requireActive(state: RecordState, field: string, what: string): void {
    const status = code(state, field);
    if (status !== 'ACTIVE') throw new StateConflictError(`${what} is ${status}, not ACTIVE`, { currentStatus: status });
  }
}
