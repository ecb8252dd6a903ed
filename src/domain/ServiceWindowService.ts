import { authorizeSystemOperatorWrite } from '../access/AccessPolicy.js';
import type { Principal } from '../access/Principal.js';
import { AccessDeniedError, AuthenticationError, InvalidRecordError, RecordNotFoundError, StateConflictError } from './errors.js';
import { idOf } from './MarketUnitService.js';
import { ASSET_KIND, MARKET_UNIT_KIND, SERVICE_WINDOW_KIND } from './RecordKind.js';
import type { RecordService, RecordState } from './RecordService.js';
import { code, value } from './recordValues.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { actingSystemOperator, areasOfRecord } from './systemOperators.js';

/**
 * Service windows: a system operator records the period for which it confirmed a contract with an FSP for a
 * market unit or an asset in its area. While a confirmed window runs or is still to come, the asset cannot be
 * switched to another FSP (UC-03.04, W2) and the unit cannot be de-registered (UC-03.05). The contract itself
 * lives in the operator's systems; FMAR holds the window, its holder and the operator's reference.
 */
export class ServiceWindowService {
  constructor(private readonly args: { records: RecordService; store: RegistryStore; baseIri: string }) {}

  /** Body: `contractedUnit` or `contractedAsset` (an ID), `windowStart`, `windowEnd`, optional `contractReference`. */
  async confirm(body: Record<string, unknown>, principal: Principal): Promise<RecordState> {
    if (principal.kind === 'anonymous') throw new AuthenticationError('recording service windows needs credentials');
    const target = await this.target(body);
    const operator = await actingSystemOperator(this.args.records, principal, 'service windows');
    const actor = authorizeSystemOperatorWrite(principal, operator, await areasOfRecord(this.args.store, this.args.baseIri, target.iri), 'recording service windows');
    const holder = value(target, 'responsibleFSP');
    const link = target.iri.includes(`/${MARKET_UNIT_KIND.path}/`) ? { contractedUnit: target.iri } : { contractedAsset: target.iri };
    const fields = Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'contractedUnit' && k !== 'contractedAsset'));
    const [window] = await this.args.records.writeTogether([{ create: SERVICE_WINDOW_KIND, body: { ...fields, ...link }, system: { contractHolder: holder } }], actor);
    return window;
  }

  /** The operator that confirmed a window cancels it; a cancelled window no longer blocks anything. */
  async cancel(id: string, principal: Principal): Promise<RecordState> {
    if (principal.kind === 'anonymous') throw new AuthenticationError('cancelling service windows needs credentials');
    const window = await this.args.records.get(SERVICE_WINDOW_KIND, id);
    const operator = await actingSystemOperator(this.args.records, principal, 'service windows');
    if (value(window, 'procuredByOperator') !== operator.iri) throw new AccessDeniedError('a service window is cancelled by the system operator that confirmed it');
    const target = value(window, 'contractedUnit') ?? value(window, 'contractedAsset')!;
    const actor = authorizeSystemOperatorWrite(principal, operator, await areasOfRecord(this.args.store, this.args.baseIri, target), 'cancelling service windows');
    return this.args.records.transition(SERVICE_WINDOW_KIND, id, { serviceWindowStatus: 'CANCELLED' }, actor, 'UC-03.04', (latest) => {
      if (code(latest, 'serviceWindowStatus') !== 'CONFIRMED') throw new StateConflictError('the window is already cancelled', { currentStatus: code(latest, 'serviceWindowStatus') });
    });
  }

  private async target(body: Record<string, unknown>): Promise<RecordState> {
    const unit = body.contractedUnit;
    const asset = body.contractedAsset;
    if ((unit === undefined) === (asset === undefined) || (unit !== undefined && typeof unit !== 'string') || (asset !== undefined && typeof asset !== 'string')) {
      throw new InvalidRecordError('body', 'a service window is for one market unit or one asset', [{ severity: 'Violation', field: unit === undefined ? 'contractedAsset' : 'contractedUnit', message: 'give exactly one of contractedUnit (a market unit ID) and contractedAsset (an FMAR Asset ID)' }]);
    }
    const [kind, given, field] = unit !== undefined ? [MARKET_UNIT_KIND, unit as string, 'contractedUnit'] : [ASSET_KIND, asset as string, 'contractedAsset'];
    try {
      return await this.args.records.get(kind, idOf(given));
    } catch (error) {
      if (error instanceof RecordNotFoundError) throw new InvalidRecordError('body', `no ${kind === ASSET_KIND ? 'asset' : 'market unit'} ${idOf(given)}`, [{ severity: 'Violation', field, value: given, message: 'give the ID of a registered record' }]);
      throw error;
    }
  }
}
