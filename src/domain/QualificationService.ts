import { authorizeSystemOperatorWrite } from '../access/AccessPolicy.js';
import type { Principal } from '../access/Principal.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { AccessDeniedError, AuthenticationError, InvalidRecordError, RecordNotFoundError, StateConflictError } from './errors.js';
import { idOf } from './MarketUnitService.js';
import { MARKET_UNIT_KIND, QUALIFICATION_KIND } from './RecordKind.js';
import type { RecordService, RecordState } from './RecordService.js';
import { code, value } from './recordValues.js';
import { actingSystemOperator, areasOfRecord } from './systemOperators.js';

/**
 * UC-04.02 Record Market Unit Qualification Status, as far as units need it (issue #8): a system operator of
 * one of the unit's areas records the outcome of its assessment (status, facet, validity); the same operator
 * updates it. An outcome (qualified or failed) for a unit awaiting re-assessment after a material composition
 * change (UC-03.03) makes it active again. Qualifications in force block a unit's de-registration (UC-03.05) and move with a re-assigned
 * unit by the configured rule (UC-03.02). The product catalogue (UC-04.01) comes with its own issue: the
 * product version is referenced, not checked.
 */
export class QualificationService {
  constructor(private readonly args: { records: RecordService; store: RegistryStore; baseIri: string; now?: () => Date }) {}

  async record(body: Record<string, unknown>, principal: Principal): Promise<RecordState> {
    if (principal.kind === 'anonymous') throw new AuthenticationError('recording qualifications needs credentials');
    const unit = await this.unit(body.qualifiedUnit);
    const operator = await actingSystemOperator(this.args.records, principal, 'qualification outcomes');
    const actor = authorizeSystemOperatorWrite(principal, operator, await areasOfRecord(this.args.store, this.args.baseIri, unit.iri), 'recording qualification outcomes');
    // UC-03.03: a unit whose composition changed materially is active again once a system operator has recorded
    // the outcome of its re-assessment (qualified or failed), in the same transaction as the outcome.
    const reassessed = code(unit, 'marketUnitStatus') === 'REASSESSMENT_REQUIRED' && ['QUALIFIED', 'FAILED'].includes(String(body.qualificationStatus));
    const [state] = await this.args.records.writeTogether([
      { create: QUALIFICATION_KIND, body: { ...body, qualifiedUnit: unit.iri }, system: { outcomeRecordedAt: this.now() } },
      ...(reassessed ? [{ transition: MARKET_UNIT_KIND, id: unit.id, useCase: 'UC-04.02', changes: { marketUnitStatus: 'ACTIVE' }, guard: (latest: RecordState) => {
        if (code(latest, 'marketUnitStatus') !== 'REASSESSMENT_REQUIRED') throw new StateConflictError('the unit is no longer awaiting re-assessment; record the outcome again', { currentStatus: code(latest, 'marketUnitStatus') });
      } }] : []),
    ], actor);
    return state;
  }

  async update(id: string, body: Record<string, unknown>, ifMatch: number[] | '*' | undefined, principal: Principal): Promise<RecordState> {
    if (principal.kind === 'anonymous') throw new AuthenticationError('recording qualifications needs credentials');
    const current = await this.args.records.get(QUALIFICATION_KIND, id);
    const operator = await actingSystemOperator(this.args.records, principal, 'qualification outcomes');
    if (value(current, 'assessedBy') !== operator.iri) throw new AccessDeniedError('a qualification outcome is changed by the system operator that assessed it');
    const unitIri = value(current, 'qualifiedUnit')!;
    if (body.qualifiedUnit !== undefined && idOf(String(body.qualifiedUnit)) !== idOf(unitIri)) throw new AccessDeniedError('a qualification stays with its unit');
    const actor = authorizeSystemOperatorWrite(principal, operator, await areasOfRecord(this.args.store, this.args.baseIri, unitIri), 'recording qualification outcomes');
    return this.args.records.replace(QUALIFICATION_KIND, id, { ...body, qualifiedUnit: unitIri, assessedBy: operator.iri }, ifMatch, actor);
  }

  private now(): string {
    return (this.args.now?.() ?? new Date()).toISOString();
  }

  private async unit(given: unknown): Promise<RecordState> {
    try {
      return await this.args.records.get(MARKET_UNIT_KIND, typeof given === 'string' ? idOf(given) : '');
    } catch (error) {
      if (error instanceof RecordNotFoundError) throw new InvalidRecordError('body', 'the qualified unit is not a registered market unit', [{ severity: 'Violation', pointer: '/qualifiedUnit', field: 'qualifiedUnit', value: given === undefined ? undefined : String(given), message: 'give the ID of a registered market unit' }]);
      throw error;
    }
  }
}
