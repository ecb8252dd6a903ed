import { authorizeAssetWrite } from '../access/AccessPolicy.js';
import type { Quad } from 'n3';
import type { Principal } from '../access/Principal.js';
import { FMAR, FMAR_CODE } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';
import type { ConsentCallback, ConsentService } from './ConsentService.js';
import { ConsentRefusedError } from './ConsentService.js';
import { AuthenticationError, InvalidRecordError, RecordNotFoundError, StateConflictError, type InvalidRecordResult } from './errors.js';
import { activeMembershipsOfAsset, currentMembersOf, type Membership } from './marketUnitMemberships.js';
import { handedOver, idOf, type MarketUnitService } from './MarketUnitService.js';
import { ASSET_KIND, MARKET_UNIT_KIND, ORGANISATION_KIND, SWITCH_KIND } from './RecordKind.js';
import type { Actor, RecordChange, RecordService, RecordState } from './RecordService.js';
import { code, value, values } from './recordValues.js';

export interface SwitchServiceArgs {
  records: RecordService;
  store: RegistryStore;
  baseIri: string;
  consents: ConsentService;
  units: MarketUnitService;
  /** FMAR_SWITCH_NOTICE_SECONDS: the losing FSP's notice period (UC-03.04 step 4; requirements §19 leaves it open). */
  noticeSeconds: number;
  now?: () => Date;
  /** Told about failures of the background completion (a log). */
  onError?: (error: unknown, switchId: string) => void;
}

type RejectionReason = 'CONSENT_NOT_FOUND' | 'CONSENT_INVALID' | 'CONSENT_REVOKED' | 'CONSENT_UNVERIFIABLE' | 'SERVICE_WINDOW_CONFLICT' | 'ASSET_NOT_SWITCHABLE';

/** The switch was rejected (422): its record, in status REJECTED, says why. */
export class SwitchRejectedError extends Error {
  constructor(readonly state: RecordState, readonly reason: RejectionReason, message: string) {
    super(message);
    this.name = 'SwitchRejectedError';
  }
}

/**
 * UC-03.04 Process Owner-Initiated Asset Switch Between FSPs, as a visible state machine (requirements §9):
 *
 *   REQUESTED -> CONSENT_VERIFIED -> NOTICE_PERIOD -> COMPLETED
 *        \               \                  \-> REJECTED (consent revoked, service window, asset changed)
 *         \-> REJECTED    \-> REJECTED (a confirmed service window of another FSP)
 *   (consent not found, invalid or unverifiable)
 *
 * Each step is a new version of the switch with its activity. The losing FSP reads the switch (and so gets its
 * events in the feed and its webhooks) from the moment it is requested. When the notice period ends the
 * consent is verified again and the assets are relinked in one transaction: each asset to the gaining FSP; a
 * unit whose assets all move follows them (UC-03.02); otherwise the assets leave the losing FSP's unit (UC-03.03).
 */
export class SwitchService {
  constructor(private readonly args: SwitchServiceArgs) {}

  private now(): Date {
    return this.args.now?.() ?? new Date();
  }

  /** The agent recorded for the registry's own steps (the end of a notice period). */
  get registryAgent(): string {
    return `${this.args.baseIri}agents/registry`;
  }

  /** A gaining FSP (or its platform, with REQUEST_ASSET_SWITCH) asks: `{ "assets": [FMAR Asset IDs], "consentReference": "..." }`. */
  async request(body: Record<string, unknown>, principal: Principal): Promise<RecordState> {
    if (principal.kind === 'anonymous') throw new AuthenticationError('requesting a switch needs credentials');
    const actor = authorizeAssetWrite(principal, 'REQUEST_ASSET_SWITCH');
    return this.submit(actor.onBehalfOf!, body.assets, body.consentReference, actor);
  }

  /** UC-03.04 "Gaining FSP (or CCS directly) sends Switch Asset": a verified SwitchRequested callback. */
  async requestFromConsentSolution(callback: ConsentCallback): Promise<RecordState> {
    let gaining: RecordState;
    try {
      gaining = await this.args.records.get(ORGANISATION_KIND, callback.gainingFspId ?? '');
    } catch (error) {
      if (error instanceof RecordNotFoundError) throw new InvalidRecordError('body', 'the gaining FSP is not a registered organisation', [{ severity: 'Violation', field: 'gainingFspId', value: callback.gainingFspId, message: 'give the FMAR Organisation ID of the gaining FSP' }]);
      throw error;
    }
    return this.submit(gaining.iri, callback.assetIds, callback.reference, this.args.consents.callbackActor(gaining.iri), this.args.consents.processedMarker(callback.eventId, callback.type));
  }

  private async submit(gaining: string, assetsGiven: unknown, reference: unknown, actor: Actor, marker: Quad[] = []): Promise<RecordState> {
    const assets = await this.switchableAssets(assetsGiven, gaining);
    if (typeof reference !== 'string' || !reference) throw new InvalidRecordError('body', 'a switch needs the consumer\'s consent', [{ severity: 'Violation', pointer: '/consentReference', field: 'consentReference', message: 'give the Consent Reference ID the consumer\'s consent to the gaining FSP produced (requirements §11)' }]);
    const losing = value(assets[0], 'responsibleFSP')!;
    // Step 1, REQUESTED: the record exists from here, readable by both FSPs.
    const [requested] = await this.args.records.writeTogether([{ create: SWITCH_KIND, body: { switchedAssets: assets.map((a) => a.iri), consentReference: reference }, system: { losingFSP: losing } }], actor, marker);
    // Step 2: the consent, verified in real time with the Consumer Consent Solution (UC-05.05).
    let evidence;
    try {
      evidence = await this.args.consents.verify(reference, gaining, assets.map((a) => ({ iri: a.iri, identifiers: this.args.consents.identifiersOf(a) })), 'ASSET_SWITCH');
    } catch (error) {
      if (error instanceof ConsentRefusedError) throw await this.reject(requested, error.reason, error.message, actor);
      throw error;
    }
    const [verified] = await this.args.records.writeTogether([
      { transition: SWITCH_KIND, id: requested.id, useCase: 'UC-03.04', changes: { switchStatus: 'CONSENT_VERIFIED' } },
      ...this.args.consents.consentRecords(evidence, gaining, assets.map((a) => a.iri)),
    ], actor);
    // W2: reject a switch while another FSP holds a confirmed service window for an asset.
    const conflicts = await this.serviceWindowConflicts(assets.map((a) => a.iri), gaining);
    if (conflicts.length) throw await this.reject(verified, 'SERVICE_WINDOW_CONFLICT', `another FSP holds confirmed service windows for the assets: ${conflicts.join(', ')}`, actor);
    // Step 3: the losing FSP is notified (it reads the switch; the feed and its webhooks carry the change) and the notice period runs.
    const endsAt = new Date(this.now().getTime() + this.args.noticeSeconds * 1000).toISOString();
    const noticed = await this.args.records.transition(SWITCH_KIND, verified.id, { switchStatus: 'NOTICE_PERIOD', noticePeriodEndsAt: endsAt }, actor, 'UC-03.04');
    if (this.args.noticeSeconds <= 0) return this.complete(noticed.id);
    return noticed;
  }

  /** Completes every switch whose notice period has ended (the scheduler calls this). */
  async completeDue(): Promise<number> {
    const rows = await selectBindings(this.args.store, `SELECT ?s WHERE { GRAPH ?s { ?s <${FMAR}switchStatus> <${FMAR_CODE}SwitchStatus/NOTICE_PERIOD> ; <${FMAR}noticePeriodEndsAt> ?end } FILTER (?end <= "${this.now().toISOString()}"^^<http://www.w3.org/2001/XMLSchema#dateTime>) } ORDER BY ?end`);
    let done = 0;
    for (const row of rows) {
      try {
        await this.complete(idOf(row.s.value));
        done++;
      } catch (error) {
        if (!(error instanceof SwitchRejectedError)) this.args.onError?.(error, idOf(row.s.value));
      }
    }
    return done;
  }

  /**
   * Step 4: the consent is verified again (it may have been revoked during the notice period), the assets
   * and windows checked again, then the assets are relinked, with their units, in one transaction.
   */
  async complete(id: string): Promise<RecordState> {
    const sw = await this.args.records.get(SWITCH_KIND, id);
    if (code(sw, 'switchStatus') !== 'NOTICE_PERIOD') throw new StateConflictError(`the switch is ${code(sw, 'switchStatus')}`, { currentStatus: code(sw, 'switchStatus') });
    const gaining = value(sw, 'gainingFSP')!;
    const losing = value(sw, 'losingFSP')!;
    const reference = value(sw, 'consentReference')!;
    const actor: Actor = { agentIri: this.registryAgent, onBehalfOf: gaining };
    const assetIris = values(sw, 'switchedAssets');
    const assets = await Promise.all(assetIris.map((iri) => this.args.records.get(ASSET_KIND, idOf(iri))));
    const moved = assets.filter((a) => value(a, 'responsibleFSP') !== losing || code(a, 'assetRegistrationStatus') === 'DE_REGISTERED');
    if (moved.length) throw await this.reject(sw, 'ASSET_NOT_SWITCHABLE', `assets changed since the request (de-registered or moved to another FSP): ${moved.map((a) => a.id).join(', ')}`, actor);
    try {
      await this.args.consents.verify(reference, gaining, assets.map((a) => ({ iri: a.iri, identifiers: this.args.consents.identifiersOf(a) })), 'ASSET_SWITCH');
    } catch (error) {
      if (!(error instanceof ConsentRefusedError)) throw error;
      // The registry never relinks on a consent it could not verify: an unavailable CCS leaves the switch waiting.
      if (error.reason === 'CONSENT_UNVERIFIABLE') throw error;
      throw await this.reject(sw, error.reason === 'CONSENT_INVALID' ? 'CONSENT_REVOKED' : error.reason, error.message, actor);
    }
    const conflicts = await this.serviceWindowConflicts(assetIris, gaining);
    if (conflicts.length) throw await this.reject(sw, 'SERVICE_WINDOW_CONFLICT', `another FSP holds confirmed service windows for the assets: ${conflicts.join(', ')}`, actor);
    const at = this.now().toISOString();
    const changes: RecordChange[] = [
      { transition: SWITCH_KIND, id, useCase: 'UC-03.04', changes: { switchStatus: 'COMPLETED', switchCompletedAt: at }, guard: (latest) => {
        if (code(latest, 'switchStatus') !== 'NOTICE_PERIOD') throw new StateConflictError(`the switch is ${code(latest, 'switchStatus')}`, { currentStatus: code(latest, 'switchStatus') });
      } },
      ...assets.map((a): RecordChange => ({
        transition: ASSET_KIND,
        id: a.id,
        useCase: 'UC-03.04',
        changes: {
          ...handedOver(a, gaining),
          // The asset now rests on the consumer's consent to the gaining FSP.
          consentReference: reference,
          ...(code(a, 'assetRegistrationStatus') === 'SUSPENDED_CONSENT_REVOKED' ? { assetRegistrationStatus: 'PENDING_VALIDATION' } : {}),
        },
      })),
      ...(await this.unitChanges(assetIris, gaining, actor, id)),
    ];
    const [completed] = await this.args.records.writeTogether(changes, actor);
    return completed;
  }

  /**
   * UC-03.04 step 4 for units: a unit all of whose current assets move follows them to the gaining FSP
   * (UC-03.02); a unit that keeps other assets loses the switched ones (UC-03.03).
   */
  private async unitChanges(assetIris: string[], gaining: string, actor: Actor, switchId: string): Promise<RecordChange[]> {
    const switched = new Set(assetIris);
    const byUnit = new Map<string, Membership[]>();
    for (const asset of assetIris) for (const m of await activeMembershipsOfAsset(this.args.store, asset)) byUnit.set(m.unit, [...(byUnit.get(m.unit) ?? []), m]);
    const changes: RecordChange[] = [];
    for (const [unitIri, leaving] of byUnit) {
      const unit = await this.args.records.get(MARKET_UNIT_KIND, idOf(unitIri));
      const members = await currentMembersOf(this.args.store, unitIri);
      if (members.every((m) => switched.has(m.asset))) changes.push(...(await this.args.units.planReassignment(unit, members, gaining, 'UC-03.04', `switch ${switchId}`, switched)));
      else changes.push(...(await this.args.units.planComposition(unit, members, [], leaving, actor, 'UC-03.04', { byOwnerSwitch: true })).changes);
    }
    return changes;
  }

  /** UC-05.05: a revoked consent rejects the switches waiting on it (in the revocation's own transaction). */
  async rejectionsForRevokedConsent(reference: string, detail: string): Promise<RecordChange[]> {
    const rows = await selectBindings(this.args.store, `SELECT DISTINCT ?s WHERE {
      GRAPH ?g { ?s <${FMAR}consentReference> ${JSON.stringify(reference)} }
      GRAPH ?s { ?s <${FMAR}switchStatus> ?status } VALUES ?status { <${FMAR_CODE}SwitchStatus/REQUESTED> <${FMAR_CODE}SwitchStatus/CONSENT_VERIFIED> <${FMAR_CODE}SwitchStatus/NOTICE_PERIOD> }
      FILTER (STRSTARTS(STR(?s), ${JSON.stringify(`${this.args.baseIri}${SWITCH_KIND.path}/`)}) && (?g = ?s || STRSTARTS(STR(?g), CONCAT(STR(?s), "#")))) }`);
    return rows.map((r) => ({ transition: SWITCH_KIND, id: idOf(r.s.value), useCase: 'UC-03.04', changes: this.rejection('CONSENT_REVOKED', detail) }));
  }

  private rejection(reason: RejectionReason, detail: string): Record<string, unknown> {
    return { switchStatus: 'REJECTED', switchRejectionReason: reason, switchRejectionDetail: detail.slice(0, 2000), switchCompletedAt: this.now().toISOString() };
  }

  private async reject(sw: RecordState, reason: RejectionReason, detail: string, actor: Actor): Promise<SwitchRejectedError> {
    const state = await this.args.records.transition(SWITCH_KIND, sw.id, this.rejection(reason, detail), actor, 'UC-03.04');
    return new SwitchRejectedError(state, reason, detail);
  }

  /** Confirmed windows not yet over, held by another FSP, on the assets or on units they are members of. */
  private async serviceWindowConflicts(assetIris: string[], gaining: string): Promise<string[]> {
    const values = assetIris.map((a) => `<${a}>`).join(' ');
    const rows = await selectBindings(this.args.store, `SELECT DISTINCT ?w WHERE {
      VALUES ?asset { ${values} }
      { GRAPH ?w { ?w <${FMAR}contractedAsset> ?asset } }
      UNION
      { GRAPH ?m { ?m <${FMAR}memberAsset> ?asset ; <${FMAR}ofMarketUnit> ?unit FILTER NOT EXISTS { ?m <${FMAR}memberUntil> ?until } } GRAPH ?w { ?w <${FMAR}contractedUnit> ?unit } }
      GRAPH ?w { ?w <${FMAR}serviceWindowStatus> <${FMAR_CODE}ServiceWindowStatus/CONFIRMED> ; <${FMAR}windowEnd> ?end ; <${FMAR}contractHolder> ?holder }
      FILTER (?holder != <${gaining}> && ?end > "${this.now().toISOString()}"^^<http://www.w3.org/2001/XMLSchema#dateTime>)
      FILTER (STRSTARTS(STR(?w), ${JSON.stringify(`${this.args.baseIri}service-windows/`)})) } ORDER BY ?w`);
    return rows.map((r) => idOf(r.w.value));
  }

  /** The assets named, checked: registered, not de-registered, not already the gaining FSP's, all of one losing FSP. */
  private async switchableAssets(given: unknown, gaining: string): Promise<RecordState[]> {
    if (!Array.isArray(given) || !given.length || given.some((g) => typeof g !== 'string' || !g)) {
      throw new InvalidRecordError('body', 'a switch names the assets to move', [{ severity: 'Violation', pointer: '/assets', field: 'assets', message: 'give a non-empty array of FMAR Asset IDs (look them up by MPAN or serial number: GET /assets/lookup)' }]);
    }
    const ids = [...new Set((given as string[]).map((g) => g.slice(g.lastIndexOf('/') + 1)))];
    const problems: InvalidRecordResult[] = [];
    const assets: RecordState[] = [];
    for (const [i, id] of ids.entries()) {
      try {
        const a = await this.args.records.get(ASSET_KIND, id);
        if (code(a, 'assetRegistrationStatus') === 'DE_REGISTERED') problems.push({ severity: 'Violation', pointer: `/assets/${i}`, field: 'assets', value: id, message: 'the asset is de-registered' });
        else if (value(a, 'responsibleFSP') === gaining) problems.push({ severity: 'Violation', pointer: `/assets/${i}`, field: 'assets', value: id, message: 'the asset is already with the gaining FSP' });
        else assets.push(a);
      } catch (error) {
        if (!(error instanceof RecordNotFoundError)) throw error;
        problems.push({ severity: 'Violation', pointer: `/assets/${i}`, field: 'assets', value: id, message: 'no registered asset has this FMAR Asset ID' });
      }
    }
    const losing = new Set(assets.map((a) => value(a, 'responsibleFSP')));
    if (losing.size > 1) problems.push({ severity: 'Violation', pointer: '/assets', field: 'assets', message: 'the assets are with several FSPs: request one switch per losing FSP' });
    if (problems.length) throw new InvalidRecordError('body', `${problems.length} problem(s) with the assets to switch`, problems);
    return assets;
  }
}
