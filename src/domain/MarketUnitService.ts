import { authorizeAssetWrite, PORTFOLIO_ROLES } from '../access/AccessPolicy.js';
import { isAdministrator, type Principal } from '../access/Principal.js';
import { FMAR, FMAR_CODE } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';
import { AccessDeniedError, AuthenticationError, InvalidRecordError, RecordNotFoundError, StateConflictError, VersionConflictError, type InvalidRecordResult } from './errors.js';
import { currentMembersOf, type Membership } from './marketUnitMemberships.js';
import { ASSET_KIND, MARKET_UNIT_KIND, MEMBERSHIP_KIND, ORGANISATION_KIND, QUALIFICATION_KIND, SPG_KIND, SPU_KIND, SWITCH_KIND } from './RecordKind.js';
import type { Actor, RecordChange, RecordService, RecordState } from './RecordService.js';
import { code, codes, value, values } from './recordValues.js';
import { bmUnitLeadPartyProblem, readPublishedBmUnit } from './publishedBmUnits.js';
import { areasOfRecord } from './systemOperators.js';

/** What happens to a unit's qualifications when it moves to another FSP (UC-03.02: "transferred per rules"). */
export type QualificationTransferRule = 'transfer' | 'withdraw';

export interface MarketUnitServiceArgs {
  records: RecordService;
  store: RegistryStore;
  baseIri: string;
  /** UC-03.03: a composition change is material when the unit's rated capacity moves by more than this share (0.1). */
  materialCapacityShare?: number;
  /** FMAR_QUALIFICATION_TRANSFER: `transfer` (qualifications stay with the unit, the default) or `withdraw`. */
  qualificationTransfer?: QualificationTransferRule;
  now?: () => Date;
}

/** The facts of a member asset the unit rules need. */
interface MemberFacts {
  state: RecordState;
  accountingPoint?: string;
  areas: string[];
  capacity: number;
  category?: string;
}

/** Asset statuses that may join a unit (UC-03.01 pre-condition "registered and active"; docs/market-units-and-switching.md). */
const JOINABLE_STATUSES = ['VERIFIED', 'PENDING_VALIDATION'];

/**
 * Market units (PSQM, UC-03.01, UC-03.02, UC-03.03, UC-03.05): an FSP groups its own active assets into a
 * service providing unit (SPU: every asset behind one accounting point) or group (SPG: more than one accounting
 * point). Each membership is its own record with memberSince/memberUntil, so the composition at any past
 * instant can be answered. Every change is one transaction: the unit, its memberships and the records whose
 * readers follow the unit (memberships, qualifications) are written together (RecordService.writeTogether).
 */
export class MarketUnitService {
  private readonly share: number;

  constructor(private readonly args: MarketUnitServiceArgs) {
    this.share = args.materialCapacityShare ?? 0.1;
  }

  private now(): Date {
    return this.args.now?.() ?? new Date();
  }

  unitIri(id: string): string {
    return this.args.records.recordIri(MARKET_UNIT_KIND, id);
  }

  /**
   * UC-03.01 Create Market Unit. Body: the unit's fields (marketUnitId, marketUnitName, bmUnitId...), its type
   * (`marketUnitType`: SPU or SPG, or `@type`) and `assets`, the FMAR Asset IDs to group.
   */
  async create(body: Record<string, unknown>, principal: Principal): Promise<RecordState> {
    if (principal.kind === 'anonymous') throw new AuthenticationError('creating market units needs credentials');
    const { assets: given, marketUnitType, '@type': type, ...fields } = body;
    const kind = unitKindOf(marketUnitType ?? type);
    const id = typeof fields.marketUnitId === 'string' ? fields.marketUnitId : undefined;
    if (!id) throw new InvalidRecordError('body', 'a market unit needs its ID', [{ severity: 'Violation', pointer: '/marketUnitId', field: 'marketUnitId', message: 'give the unit a unique name/ID (UC-03.01): 1 to 64 letters, digits, . _ -' }]);
    const actor = authorizeAssetWrite(principal, 'MANAGE_MARKET_UNITS');
    const fsp = actor.onBehalfOf!;
    await this.checkBmUnit(fields.bmUnitId, fsp);
    const members = await this.joiningAssets(assetIdsOf(given), fsp, principal, []);
    // UC-03.01 rule: at least one asset.
    if (!members.length) throw new InvalidRecordError('body', 'a market unit groups at least one asset', [{ severity: 'Violation', pointer: '/assets', field: 'assets', message: 'list the FMAR Asset IDs of one or more of your active assets' }]);
    const point = this.checkTypeRule(kind === SPU_KIND ? 'SPU' : 'SPG', members, fields.unitAccountingPoint);
    const at = this.now().toISOString();
    const unitIri = this.unitIri(id);
    const [unit] = await this.args.records.writeTogether([
      {
        create: kind,
        id,
        // The body as its JSON Schema reads it (its class and, for an SPU, the accounting point the assets gave);
        // the kind adds fmar:MarketUnit (RecordKind.alsoTypedAs).
        body: { ...fields, marketUnitId: id, '@type': kind.className, ...(point ? { unitAccountingPoint: point } : {}) },
        system: { unitGspGroups: areasOf(members) },
      },
      ...members.map((m): RecordChange => ({ create: MEMBERSHIP_KIND, body: { ofMarketUnit: unitIri, memberAsset: m.state.iri }, system: { memberSince: at } })),
    ], actor);
    return unit;
  }

  /** Changes to the unit's own descriptive fields (name, BM unit ID) by its FSP: UC-03.03 keeps the composition endpoint for assets. */
  async update(id: string, body: Record<string, unknown>, ifMatch: number[] | '*' | undefined, principal: Principal): Promise<RecordState> {
    const current = await this.args.records.get(MARKET_UNIT_KIND, id);
    const actor = authorizeAssetWrite(principal, 'MANAGE_MARKET_UNITS', value(current, 'responsibleFSP'));
    const { assets, marketUnitType, '@id': sentId, ...fields } = body;
    // A client may send back the @id it read; the unit's ID (its IRI) never changes.
    if (sentId !== undefined && sentId !== current.iri) throw new InvalidRecordError('body', 'a unit keeps its ID', [{ severity: 'Violation', pointer: '/@id', field: '@id', value: String(sentId), message: `leave @id out or send ${current.iri}` }]);
    if (fields.marketUnitId !== undefined && fields.marketUnitId !== id) throw new InvalidRecordError('body', 'a unit keeps its ID', [{ severity: 'Violation', pointer: '/marketUnitId', field: 'marketUnitId', value: String(fields.marketUnitId), message: `the unit's ID is ${id}: IDs never change` }]);
    if (assets !== undefined || marketUnitType !== undefined) throw new InvalidRecordError('body', 'a unit\'s assets and type are not changed by PUT', [{ severity: 'Violation', field: assets !== undefined ? 'assets' : 'marketUnitType', message: 'change the assets with POST /market-units/{id}/composition; a unit keeps its type' }]);
    const point = value(current, 'unitAccountingPoint');
    // Sent back as read (the record ID of the accounting point, or its IRI), it may stay; it may not change.
    if (fields.unitAccountingPoint !== undefined && fields.unitAccountingPoint !== point && !point?.endsWith(`/${String(fields.unitAccountingPoint)}`)) throw new InvalidRecordError('body', 'the accounting point follows the unit\'s assets', [{ severity: 'Violation', field: 'unitAccountingPoint', message: 'an SPU\'s accounting point is that of its assets; it is not changed by PUT' }]);
    // A new BM unit ID is checked against the BSC registration; one the unit already had is not re-judged on every edit.
    if (fields.bmUnitId !== value(current, 'bmUnitId')) await this.checkBmUnit(fields.bmUnitId, value(current, 'responsibleFSP')!);
    // Replaced as its concrete class (its JSON Schema); the kind keeps fmar:MarketUnit on it.
    const kind = current.quads.some((q) => q.subject.value === current.iri && q.object.value === SPU_KIND.classIri) ? SPU_KIND : SPG_KIND;
    return this.args.records.replace(kind, id, { ...fields, marketUnitId: id, '@type': kind.className, ...(point ? { unitAccountingPoint: point } : {}) }, ifMatch, actor, (latest) => {
      authorizeAssetWrite(principal, 'MANAGE_MARKET_UNITS', value(latest, 'responsibleFSP'));
      if (code(latest, 'marketUnitStatus') === 'DE_REGISTERED') throw new StateConflictError('the unit is de-registered', { currentStatus: 'DE_REGISTERED' });
    });
  }

  /**
   * UC-03.03 Update Market Unit Composition: `add` and `remove` FMAR Asset IDs. The type rule is checked on the
   * new composition; a material change (docs) sets the unit to Re-assessment Required, which system operators
   * see in the feed as MarketUnitStatusChanged.
   */
  async changeComposition(id: string, change: { add?: unknown; remove?: unknown }, ifMatch: number[] | '*' | undefined, principal: Principal): Promise<{ unit: RecordState; material: string[] }> {
    if (principal.kind === 'anonymous') throw new AuthenticationError('changing market units needs credentials');
    const unit = await this.args.records.get(MARKET_UNIT_KIND, id);
    const fsp = value(unit, 'responsibleFSP')!;
    const actor = authorizeAssetWrite(principal, 'MANAGE_MARKET_UNITS', fsp);
    if (ifMatch !== undefined && ifMatch !== '*' && !ifMatch.includes(unit.version)) throw new VersionConflictError(unit.version);
    const add = assetIdsOf(change.add ?? [], 'add');
    const remove = assetIdsOf(change.remove ?? [], 'remove');
    if (!add.length && !remove.length) throw new InvalidRecordError('body', 'nothing to change', [{ severity: 'Violation', field: 'add', message: 'give `add` and/or `remove`: lists of FMAR Asset IDs' }]);
    const current = await currentMembersOf(this.args.store, unit.iri);
    const removing = remove.map((assetId) => {
      const m = current.find((c) => c.asset === this.args.records.recordIri(ASSET_KIND, assetId));
      if (!m) throw new InvalidRecordError('body', `asset ${assetId} is not a member of the unit`, [{ severity: 'Violation', pointer: '/remove', field: 'remove', value: assetId, message: 'remove only current members' }]);
      return m;
    });
    const joining = await this.joiningAssets(add, fsp, principal, current.map((c) => c.asset));
    const plan = await this.planComposition(unit, current, joining, removing, actor, 'UC-03.03');
    const [written] = await this.args.records.writeTogether(plan.changes, actor);
    return { unit: written, material: plan.material };
  }

  /**
   * The writes of a composition change (UC-03.03), also used by switches (UC-03.04): the unit's new version
   * (GSP groups, accounting point, status when material), ended and new memberships, and the continuing
   * memberships and qualifications re-indexed for the unit's readers. `byOwnerSwitch`: the change comes from a
   * consumer's switch, which the unit's type rule does not stop.
   */
  async planComposition(unit: RecordState, current: Membership[], joining: MemberFacts[], leaving: Membership[], actor: Actor, useCase: string, options: { byOwnerSwitch?: boolean } = {}): Promise<{ changes: RecordChange[]; material: string[] }> {
    const leavingAssets = new Set(leaving.map((m) => m.asset));
    const staying = current.filter((m) => !leavingAssets.has(m.asset));
    if (!staying.length && !joining.length) {
      throw new StateConflictError('a market unit keeps at least one asset (UC-03.01)', { remedy: 'de-register the unit instead (POST /market-units/{id}/deregistration)' });
    }
    const before = await Promise.all(current.map((m) => this.factsOf(m.asset)));
    const after = [...before.filter((f) => !leavingAssets.has(f.state.iri)), ...joining];
    const type = unit.quads.some((q) => q.subject.value === unit.iri && q.object.value === `${FMAR}ServiceProvidingUnit`) ? 'SPU' : 'SPG';
    // An owner's switch (UC-03.04) is not held up by the losing FSP's unit: an SPG left behind one accounting
    // point is kept and flagged for re-assessment (the change is material), for its FSP to regroup.
    const point = options.byOwnerSwitch ? this.accountingPointIfSingle(type, after) : this.checkTypeRule(type, after, undefined);
    const material = this.materialChanges(before, after);
    const status = code(unit, 'marketUnitStatus');
    const at = this.now().toISOString();
    const changes: RecordChange[] = [
      {
        transition: MARKET_UNIT_KIND,
        id: unit.id,
        useCase,
        changes: {
          unitGspGroups: areasOf(after),
          ...(point ? { unitAccountingPoint: point } : {}),
          // UC-03.03: a material change needs the system operators to re-assess the unit.
          ...(material.length && status === 'ACTIVE' ? { marketUnitStatus: 'REASSESSMENT_REQUIRED' } : {}),
        },
        guard: (latest) => {
          if (latest.version !== unit.version) throw new VersionConflictError(latest.version);
          if (code(latest, 'marketUnitStatus') === 'DE_REGISTERED') throw new StateConflictError('the unit is de-registered', { currentStatus: 'DE_REGISTERED' });
        },
      },
      ...leaving.map((m): RecordChange => ({ transition: MEMBERSHIP_KIND, id: idOf(m.iri), useCase, changes: { memberUntil: laterThan(m.since, at) } })),
      ...joining.map((f): RecordChange => ({ create: MEMBERSHIP_KIND, useCase, body: { ofMarketUnit: unit.iri, memberAsset: f.state.iri }, system: { memberSince: at } })),
      ...staying.map((m): RecordChange => ({ reindex: MEMBERSHIP_KIND, id: idOf(m.iri) })),
      ...(await this.qualificationsOf(unit.iri)).map((q): RecordChange => ({ reindex: QUALIFICATION_KIND, id: idOf(q.iri) })),
    ];
    return { changes, material };
  }

  /**
   * UC-03.05 De-register Market Unit: refused (409, with the blockers) while the unit holds a qualification
   * that is in force or a confirmed service window that has not ended; otherwise the unit is De-registered and
   * its memberships end. Its assets stay registered and can join other units.
   */
  async deregister(id: string, principal: Principal): Promise<RecordState> {
    if (principal.kind === 'anonymous') throw new AuthenticationError('de-registering market units needs credentials');
    const unit = await this.args.records.get(MARKET_UNIT_KIND, id);
    const actor = authorizeAssetWrite(principal, 'MANAGE_MARKET_UNITS', value(unit, 'responsibleFSP'));
    if (code(unit, 'marketUnitStatus') === 'DE_REGISTERED') throw new StateConflictError('the unit is already de-registered', { currentStatus: 'DE_REGISTERED' });
    const blockers = await this.deregistrationBlockers(unit.iri);
    if (blockers.qualifications.length || blockers.serviceWindows.length) {
      throw new StateConflictError(`the unit holds ${blockers.qualifications.length} qualification(s) in force and ${blockers.serviceWindows.length} confirmed service window(s)`, {
        blockers: { activeQualifications: blockers.qualifications, confirmedServiceWindows: blockers.serviceWindows },
        remedy: 'withdraw the qualifications and wait for (or cancel) the service windows first (UC-03.05)',
      });
    }
    const at = this.now().toISOString();
    const members = await currentMembersOf(this.args.store, unit.iri);
    const [written] = await this.args.records.writeTogether([
      { transition: MARKET_UNIT_KIND, id, useCase: 'UC-03.05', changes: { marketUnitStatus: 'DE_REGISTERED' }, guard: (latest) => {
        if (code(latest, 'marketUnitStatus') === 'DE_REGISTERED') throw new StateConflictError('the unit is already de-registered', { currentStatus: 'DE_REGISTERED' });
      } },
      ...members.map((m): RecordChange => ({ transition: MEMBERSHIP_KIND, id: idOf(m.iri), useCase: 'UC-03.05', changes: { memberUntil: laterThan(m.since, at) } })),
    ], actor);
    return written;
  }

  /**
   * UC-03.02 Re-assign Market Unit to a new FSP. An FMAR administrator re-assigns any unit, stating the
   * evidence (a portfolio sale, a merger); the gaining FSP itself only with a completed switch (UC-03.04) that
   * moved every asset of the unit to it. The unit's member assets move with it; its qualifications follow the
   * configured rule (FMAR_QUALIFICATION_TRANSFER); the losing FSP keeps the unit's audit trail.
   */
  async reassign(id: string, body: { gainingFSP?: unknown; evidence?: unknown; switchId?: unknown }, principal: Principal): Promise<RecordState> {
    if (principal.kind === 'anonymous') throw new AuthenticationError('re-assigning market units needs credentials');
    const unit = await this.args.records.get(MARKET_UNIT_KIND, id);
    if (code(unit, 'marketUnitStatus') === 'DE_REGISTERED') throw new StateConflictError('the unit is de-registered', { currentStatus: 'DE_REGISTERED' });
    const losing = value(unit, 'responsibleFSP')!;
    const gaining = await this.gainingOrganisation(body.gainingFSP);
    if (gaining === losing) throw new StateConflictError('the unit is already with that FSP');
    const members = await currentMembersOf(this.args.store, unit.iri);
    let actor: Actor;
    let evidence: string;
    if (isAdministrator(principal)) {
      // UC-03.02 rules: prevent unauthorised transfers: an administrator states the evidence it acted on.
      if (typeof body.evidence !== 'string' || body.evidence.trim().length < 3) throw new InvalidRecordError('body', 'a re-assignment states its evidence', [{ severity: 'Violation', field: 'evidence', message: 'describe the authorised trigger (a completed switch, a portfolio sale, a merger) and its reference' }]);
      actor = { agentIri: principal.agentIri, onBehalfOf: gaining };
      evidence = body.evidence.trim();
    } else {
      actor = authorizeAssetWrite(principal, 'MANAGE_MARKET_UNITS');
      if (actor.onBehalfOf !== gaining) throw new AccessDeniedError('a unit is re-assigned by an FMAR administrator or by the gaining FSP itself');
      evidence = await this.switchEvidence(body.switchId, gaining, losing, members);
    }
    const [written] = await this.args.records.writeTogether(await this.planReassignment(unit, members, gaining, 'UC-03.02', evidence), actor);
    return written;
  }

  /**
   * The writes that move a unit (and its member assets that are not yet with the gaining FSP) to another FSP,
   * with its memberships re-indexed and its qualifications moved by the configured rule. Used by UC-03.02 and
   * by a switch whose assets are all of the unit (UC-03.04).
   */
  async planReassignment(unit: RecordState, members: Membership[], gaining: string, useCase: string, evidence: string, skipAssets: ReadonlySet<string> = new Set()): Promise<RecordChange[]> {
    const changes: RecordChange[] = [{ transition: MARKET_UNIT_KIND, id: unit.id, useCase, changes: { ...handedOver(unit, gaining), reassignmentEvidence: evidence } }];
    for (const m of members) {
      if (skipAssets.has(m.asset)) continue;
      const asset = await this.args.records.get(ASSET_KIND, idOf(m.asset));
      if (value(asset, 'responsibleFSP') !== gaining) changes.push({ transition: ASSET_KIND, id: asset.id, useCase, changes: handedOver(asset, gaining) });
      changes.push({ reindex: MEMBERSHIP_KIND, id: idOf(m.iri) });
    }
    for (const q of await this.qualificationsOf(unit.iri)) {
      // UC-03.02: qualifications are transferred per rules (FMAR_QUALIFICATION_TRANSFER).
      if ((this.args.qualificationTransfer ?? 'transfer') === 'withdraw' && ['APPLIED', 'UNDER_ASSESSMENT', 'QUALIFIED'].includes(q.status)) changes.push({ transition: QUALIFICATION_KIND, id: idOf(q.iri), useCase, changes: { qualificationStatus: 'WITHDRAWN' } });
      else changes.push({ reindex: QUALIFICATION_KIND, id: idOf(q.iri) });
    }
    return changes;
  }

  /** What stops a de-registration: qualifications in force and confirmed service windows not yet over. */
  async deregistrationBlockers(unitIri: string): Promise<{ qualifications: string[]; serviceWindows: string[] }> {
    const today = this.now().toISOString().slice(0, 10);
    const qualifications = (await this.qualificationsOf(unitIri)).filter((q) => q.status === 'QUALIFIED' && (!q.validTo || q.validTo > today)).map((q) => idOf(q.iri));
    const windows = await selectBindings(this.args.store, `SELECT ?w WHERE { GRAPH ?w { ?w <${FMAR}contractedUnit> <${unitIri}> ; <${FMAR}serviceWindowStatus> <${FMAR_CODE}ServiceWindowStatus/CONFIRMED> ; <${FMAR}windowEnd> ?end } FILTER (?end > "${this.now().toISOString()}"^^<http://www.w3.org/2001/XMLSchema#dateTime>) } ORDER BY ?w`);
    return { qualifications, serviceWindows: windows.map((w) => idOf(w.w.value)) };
  }

  /** The unit's qualifications as stored now. */
  private async qualificationsOf(unitIri: string): Promise<{ iri: string; status: string; validTo?: string }[]> {
    const rows = await selectBindings(this.args.store, `SELECT ?q ?status ?to WHERE { GRAPH ?q { ?q <${FMAR}qualifiedUnit> <${unitIri}> ; <${FMAR}qualificationStatus> ?status . OPTIONAL { ?q <${FMAR}validTo> ?to } } } ORDER BY ?q`);
    return rows.map((r) => ({ iri: r.q.value, status: r.status.value.slice(r.status.value.lastIndexOf('/') + 1), ...(r.to ? { validTo: r.to.value } : {}) }));
  }

  /** A bmUnitId whose published BSC registration names another registered organisation as lead party is refused (publishedBmUnits.ts). */
  private async checkBmUnit(bmUnitId: unknown, fsp: string): Promise<void> {
    if (typeof bmUnitId !== 'string' || !bmUnitId) return;
    const problem = bmUnitLeadPartyProblem(await readPublishedBmUnit(this.args.store, this.args.baseIri, bmUnitId), fsp);
    if (problem) throw new InvalidRecordError('body', `BM unit ${bmUnitId} is led by another registered organisation`, [problem]);
  }

  /** The assets to add, checked: registered, the FSP's own, joinable, not already members, covered by a platform's grant. */
  async joiningAssets(ids: string[], fsp: string, principal: Principal, alreadyMembers: string[]): Promise<MemberFacts[]> {
    const problems: InvalidRecordResult[] = [];
    const facts: MemberFacts[] = [];
    const seen = new Set<string>();
    for (const [i, assetId] of ids.entries()) {
      const pointer = `/assets/${i}`;
      if (seen.has(assetId)) {
        problems.push({ severity: 'Violation', pointer, field: 'assets', value: assetId, message: 'the asset is listed twice' });
        continue;
      }
      seen.add(assetId);
      let state: RecordState;
      try {
        state = await this.args.records.get(ASSET_KIND, assetId);
      } catch (error) {
        if (!(error instanceof RecordNotFoundError)) throw error;
        problems.push({ severity: 'Violation', pointer, field: 'assets', value: assetId, message: 'no registered asset has this FMAR Asset ID' });
        continue;
      }
      // requirements §10: FSPs group only their own assets; a platform only those its grant covers.
      if (value(state, 'responsibleFSP') !== fsp) {
        problems.push({ severity: 'Violation', pointer, field: 'assets', value: assetId, message: 'the asset is not in this FSP\'s portfolio' });
        continue;
      }
      if (principal.kind === 'platform') authorizeAssetWrite(principal, 'MANAGE_MARKET_UNITS', fsp, state.iri);
      const status = code(state, 'assetRegistrationStatus') ?? '';
      // UC-03.01 pre-condition: constituent assets are registered and active.
      if (!JOINABLE_STATUSES.includes(status)) {
        problems.push({ severity: 'Violation', pointer, field: 'assets', value: assetId, message: `the asset is ${status}: only ${JOINABLE_STATUSES.join(' or ')} assets join units` });
        continue;
      }
      if (alreadyMembers.includes(state.iri)) {
        problems.push({ severity: 'Violation', pointer, field: 'assets', value: assetId, message: 'the asset is already a member of the unit' });
        continue;
      }
      facts.push(await this.factsFrom(state));
    }
    if (problems.length) throw new InvalidRecordError('body', `${problems.length} of the assets cannot join the unit`, problems);
    return facts;
  }

  /**
   * The type rule (UC-03.01; requirements §3): an SPU's assets all sit behind one accounting point, an SPG's
   * behind more than one. Every member needs a known accounting point (its accountingPoint, else its import
   * MPAN, else its export MPAN). Returns the SPU's accounting point.
   */
  checkTypeRule(type: 'SPU' | 'SPG', members: MemberFacts[], declared: unknown): string | undefined {
    const unknown = members.filter((m) => !m.accountingPoint);
    if (unknown.length) throw new InvalidRecordError('body', 'every asset of a market unit needs an accounting point', unknown.map((m) => ({ severity: 'Violation', field: 'assets', value: m.state.id, message: 'the asset has no accountingPoint, importMPAN or exportMPAN: add one to it first' })));
    const points = [...new Set(members.map((m) => m.accountingPoint!))];
    if (type === 'SPU' && points.length > 1) {
      throw new InvalidRecordError('body', `a service providing unit sits behind one accounting point; these assets are behind ${points.length}`, [{ severity: 'Violation', field: 'assets', message: 'group assets of several accounting points as an SPG (marketUnitType SPG), or keep to one accounting point', sourceShape: 'UC-03.01 SPU rule' }]);
    }
    if (type === 'SPG' && points.length < 2) {
      throw new InvalidRecordError('body', 'a service providing group spans more than one accounting point; these assets are all behind one', [{ severity: 'Violation', field: 'assets', message: 'create an SPU (marketUnitType SPU) for assets behind a single accounting point', sourceShape: 'UC-03.01 SPG rule' }]);
    }
    if (type !== 'SPU') {
      if (declared !== undefined) throw new InvalidRecordError('body', 'a service providing group has no single accounting point', [{ severity: 'Violation', pointer: '/unitAccountingPoint', field: 'unitAccountingPoint', value: String(declared), message: 'leave unitAccountingPoint out: an SPG spans several accounting points' }]);
      return undefined;
    }
    if (declared !== undefined && declared !== points[0] && !points[0].endsWith(`/${String(declared)}`)) {
      throw new InvalidRecordError('body', 'the declared accounting point is not the assets\'', [{ severity: 'Violation', field: 'unitAccountingPoint', message: 'leave unitAccountingPoint out: the registry sets it from the assets' }]);
    }
    return points[0];
  }

  /** An SPU's single accounting point, without enforcing the SPG rule (for changes an owner's switch forces). */
  private accountingPointIfSingle(type: 'SPU' | 'SPG', members: MemberFacts[]): string | undefined {
    const points = [...new Set(members.flatMap((m) => (m.accountingPoint ? [m.accountingPoint] : [])))];
    return type === 'SPU' && points.length === 1 ? points[0] : undefined;
  }

  /**
   * UC-03.03 materiality (requirements §19 leaves it open; docs/market-units-and-switching.md): the unit's rated
   * capacity moving by more than the configured share, a technology (asset category) gained or lost, or a GSP
   * group gained or lost.
   */
  materialChanges(before: MemberFacts[], after: MemberFacts[]): string[] {
    const material: string[] = [];
    const sum = (list: MemberFacts[]) => list.reduce((n, f) => n + f.capacity, 0);
    const [was, is] = [sum(before), sum(after)];
    if (was === 0 ? is !== 0 : Math.abs(is - was) / was > this.share) material.push('ratedCapacity');
    const same = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));
    if (!same(new Set(before.flatMap((f) => (f.category ? [f.category] : []))), new Set(after.flatMap((f) => (f.category ? [f.category] : []))))) material.push('assetCategory');
    if (!same(new Set(areasOf(before)), new Set(areasOf(after)))) material.push('unitGspGroups');
    return material;
  }

  async factsOf(assetIri: string): Promise<MemberFacts> {
    return this.factsFrom(await this.args.records.get(ASSET_KIND, idOf(assetIri)));
  }

  private async factsFrom(state: RecordState): Promise<MemberFacts> {
    const mpan = value(state, 'importMPAN') ?? value(state, 'exportMPAN');
    const point = value(state, 'accountingPoint') ?? (mpan ? `${this.args.baseIri}accounting-points/${mpan}` : undefined);
    const areas = await areasOfRecord(this.args.store, this.args.baseIri, state.iri);
    return { state, accountingPoint: point, areas, capacity: Number(value(state, 'ratedCapacity') ?? 0) || 0, category: code(state, 'assetCategory') };
  }

  private async gainingOrganisation(given: unknown): Promise<string> {
    const id = typeof given === 'string' ? given.slice(given.lastIndexOf('/') + 1) : '';
    try {
      const org = await this.args.records.get(ORGANISATION_KIND, id);
      if (code(org, 'organisationStatus') !== 'ACTIVE') throw new StateConflictError('the gaining FSP is not an active organisation', { currentStatus: code(org, 'organisationStatus') });
      if (!codes(org, 'organisationRoles').some((r) => PORTFOLIO_ROLES.includes(r))) throw new InvalidRecordError('body', 'the gaining organisation is not an FSP', [{ severity: 'Violation', field: 'gainingFSP', value: id, message: 'name an organisation with the FSP or AGGREGATOR role' }]);
      return org.iri;
    } catch (error) {
      if (error instanceof RecordNotFoundError) throw new InvalidRecordError('body', 'the gaining FSP is not a registered organisation', [{ severity: 'Violation', field: 'gainingFSP', value: id || undefined, message: 'give the FMAR Organisation ID of the gaining FSP' }]);
      throw error;
    }
  }

  /** UC-03.02 for a gaining FSP: a completed switch from the losing FSP that moved every current member to it. */
  private async switchEvidence(switchId: unknown, gaining: string, losing: string, members: Membership[]): Promise<string> {
    const refuse = (message: string) => new AccessDeniedError(`the gaining FSP re-assigns a unit only on a completed switch of all its assets: ${message}`);
    if (typeof switchId !== 'string' || !switchId) throw new InvalidRecordError('body', 'the evidence of a gaining FSP is a completed switch', [{ severity: 'Violation', field: 'switchId', message: 'give the ID of the completed switch that moved the unit\'s assets to you' }]);
    let sw: RecordState;
    try {
      sw = await this.args.records.get(SWITCH_KIND, switchId);
    } catch (error) {
      if (error instanceof RecordNotFoundError) throw refuse(`no switch ${switchId}`);
      throw error;
    }
    if (code(sw, 'switchStatus') !== 'COMPLETED') throw refuse(`switch ${switchId} is ${code(sw, 'switchStatus')}`);
    if (value(sw, 'gainingFSP') !== gaining || value(sw, 'losingFSP') !== losing) throw refuse(`switch ${switchId} is not from the unit's FSP to you`);
    const switched = new Set(values(sw, 'switchedAssets'));
    const missing = members.filter((m) => !switched.has(m.asset));
    if (missing.length) throw refuse(`${missing.length} of the unit's assets were not in switch ${switchId}`);
    return `switch ${switchId}`;
  }
}

function unitKindOf(type: unknown) {
  const t = Array.isArray(type) ? type.find((x) => x !== 'MarketUnit') : type;
  if (t === 'SPU' || t === 'ServiceProvidingUnit') return SPU_KIND;
  if (t === 'SPG' || t === 'ServiceProvidingGroup') return SPG_KIND;
  throw new InvalidRecordError('body', 'a market unit is an SPU or an SPG', [{ severity: 'Violation', pointer: '/marketUnitType', field: 'marketUnitType', value: t === undefined ? undefined : String(t), message: 'marketUnitType is SPU (all assets behind one accounting point) or SPG (several accounting points)' }]);
}

/** FMAR Asset IDs (or asset IRIs) from a list in the body. */
function assetIdsOf(given: unknown, field = 'assets'): string[] {
  if (given === undefined) return [];
  if (!Array.isArray(given) || given.some((g) => typeof g !== 'string' || !g)) throw new InvalidRecordError('body', `${field} is a list of FMAR Asset IDs`, [{ severity: 'Violation', pointer: `/${field}`, field, message: 'give an array of FMAR Asset IDs (or asset IRIs)' }]);
  return (given as string[]).map((g) => g.slice(g.lastIndexOf('/') + 1));
}

function areasOf(members: MemberFacts[]): string[] {
  return [...new Set(members.flatMap((m) => m.areas))].sort();
}

/**
 * The fields that hand a unit or an asset over to another FSP (UC-03.02, UC-03.04): the new responsible FSP, and
 * the one it leaves added to the previous ones, who keep its audit trail.
 */
export function handedOver(state: RecordState, gaining: string): { responsibleFSP: string; previousResponsibleFSPs: string[] } {
  const owner = value(state, 'responsibleFSP');
  return { responsibleFSP: gaining, previousResponsibleFSPs: [...new Set([...values(state, 'previousResponsibleFSPs'), ...(owner ? [owner] : [])])] };
}

export function idOf(iri: string): string {
  return iri.slice(iri.lastIndexOf('/') + 1);
}

/** memberUntil must be after memberSince: a membership ended in the millisecond it began ends one millisecond later. */
function laterThan(since: string, at: string): string {
  return Date.parse(at) > Date.parse(since) ? at : new Date(Date.parse(since) + 1).toISOString();
}
