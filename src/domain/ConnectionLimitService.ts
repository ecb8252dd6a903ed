import { authorizeConnectionLimit } from '../access/AccessPolicy.js';
import type { Principal } from '../access/Principal.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { AccessDeniedError, AuthenticationError, InvalidRecordError, RecordNotFoundError } from './errors.js';
import { ASSET_KIND, CONNECTION_LIMIT_KIND } from './RecordKind.js';
import type { RecordService, RecordState } from './RecordService.js';
import { value } from './recordValues.js';
import { actingSystemOperator, areasOfRecord } from './systemOperators.js';

/**
 * UC-02.06 Manage Connection Limit (GICM): a system operator records a limit (non-firm terms, ANM zone, export
 * and import limits in kW, validity) on an asset in its network area. The limit is readable by whoever may read
 * the asset (RecordKind.readableWith), so the FSP sees it, and its ConnectionLimitRegistered/Updated events reach
 * the FSP through the feed and webhooks.
 */
export class ConnectionLimitService {
  constructor(private readonly args: { records: RecordService; store: RegistryStore; baseIri: string }) {}

  async set(body: Record<string, unknown>, principal: Principal): Promise<RecordState> {
    if (principal.kind === 'anonymous') throw new AuthenticationError('setting connection limits needs credentials');
    const asset = await this.asset(body.limitedAsset);
    const actor = authorizeConnectionLimit(principal, await actingSystemOperator(this.args.records, principal, 'connection limits'), await areasOfRecord(this.args.store, this.args.baseIri, asset.iri));
    return this.args.records.create(CONNECTION_LIMIT_KIND, { ...body, limitedAsset: asset.iri }, actor);
  }

  async update(id: string, body: Record<string, unknown>, ifMatch: number[] | '*' | undefined, principal: Principal): Promise<RecordState> {
    if (principal.kind === 'anonymous') throw new AuthenticationError('changing connection limits needs credentials');
    const current = await this.args.records.get(CONNECTION_LIMIT_KIND, id);
    const operator = await actingSystemOperator(this.args.records, principal, 'connection limits');
    if (value(current, 'limitSetBy') !== operator.iri) throw new AccessDeniedError('a connection limit is changed by the system operator that set it');
    const asset = await this.asset(value(current, 'limitedAsset'));
    if (body.limitedAsset !== undefined && !String(asset.iri).endsWith(String(body.limitedAsset).slice(String(body.limitedAsset).lastIndexOf('/') + 1))) throw new AccessDeniedError('a limit stays on its asset: set a new limit for another asset');
    const actor = authorizeConnectionLimit(principal, operator, await areasOfRecord(this.args.store, this.args.baseIri, asset.iri));
    return this.args.records.replace(CONNECTION_LIMIT_KIND, id, { ...body, limitedAsset: asset.iri }, ifMatch, actor);
  }

  private async asset(given: unknown): Promise<RecordState> {
    const id = typeof given === 'string' ? given.slice(given.lastIndexOf('/') + 1) : '';
    try {
      return await this.args.records.get(ASSET_KIND, id);
    } catch (error) {
      if (error instanceof RecordNotFoundError) throw new InvalidRecordError('body', 'the limited asset is not a registered asset', [{ severity: 'Violation', pointer: '/limitedAsset', field: 'limitedAsset', value: given === undefined ? undefined : String(given), message: 'give the FMAR Asset ID of a registered asset' }]);
      throw error;
    }
  }
}
