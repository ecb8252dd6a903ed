import { createHash } from 'node:crypto';
import { DataFactory, type Quad } from 'n3';
import { verifyCallbackSignature } from '../consent/CallbackSignature.js';
import type { ConsentedAsset, ConsentEvidence } from '../consent/ConsentEvidence.js';
import { ConsentUnavailableError, scopeProblems, type ConsentVerifier } from '../consent/ConsentVerifier.js';
import { FMAR, XSD } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';
import { InvalidRecordError, StateConflictError } from './errors.js';
import { idOf } from './MarketUnitService.js';
import { ASSET_KIND, CONSENT_KIND } from './RecordKind.js';
import type { Actor, RecordChange, RecordService, RecordState } from './RecordService.js';
import { code, value } from './recordValues.js';

const { namedNode, literal, quad } = DataFactory;

/** The registry's own vocabulary for processed consent callbacks (replay protection), not part of the ontology. */
export const FMAR_CONSENT_CALLBACKS = 'https://w3id.org/fmar/consent-callbacks#';

/** Why a consent did not verify: not known to the CCS, not covering the operation, or the CCS could not answer. */
export type ConsentRefusalReason = 'CONSENT_NOT_FOUND' | 'CONSENT_INVALID' | 'CONSENT_UNVERIFIABLE';

export class ConsentRefusedError extends Error {
  constructor(readonly reason: ConsentRefusalReason, message: string, readonly problems: { code: string; message: string; asset?: string }[] = []) {
    super(message);
    this.name = 'ConsentRefusedError';
  }
}

/** The callback was not signed by the CCS, or was signed too long ago, or was already processed (401/409). */
export class CallbackRejectedError extends Error {
  constructor(message: string, readonly status: 401 | 400 | 409) {
    super(message);
    this.name = 'CallbackRejectedError';
  }
}

/** A verified CCS callback, for the services that act on it. */
export interface ConsentCallback {
  eventId: string;
  type: 'ConsentRevoked' | 'ConsentWithdrawn' | 'SwitchRequested';
  reference: string;
  occurredAt: string;
  gainingFspId?: string;
  assetIds?: string[];
}

export interface ConsentServiceArgs {
  records: RecordService;
  store: RegistryStore;
  baseIri: string;
  /** Undefined when no Consumer Consent Solution is configured (FMAR_CONSENT_URL): every consent is then unverifiable. */
  verifier?: ConsentVerifier;
  /** FMAR_CONSENT_CALLBACK_SECRET: the HMAC secret the CCS signs callbacks with; callbacks are refused without it. */
  callbackSecret?: string;
  now?: () => Date;
}

/**
 * Consumer consent (UC-05.05; requirements §11). The registry never trusts a Consent Reference ID it has not
 * verified with the Consumer Consent Solution in real time: validity (given, not expired) and scope (this FSP,
 * this asset, this purpose). A verified consent is kept as a Consent record per consumer x FSP x asset (DPV
 * terms). Revocations arrive as signed callbacks: the consent becomes REVOKED (or WITHDRAWN), the FSP's assets
 * that rested on it become "Suspended - Consent Revoked", and switches waiting on it are rejected.
 */
export class ConsentService {
  constructor(private readonly args: ConsentServiceArgs) {}

  private now(): Date {
    return this.args.now?.() ?? new Date();
  }

  /** The agent recorded for what the CCS triggers (revocations, switch requests). */
  get consentSolutionAgent(): string {
    return `${this.args.baseIri}agents/consent-solution`;
  }

  /**
   * Verifies `reference` for the FSP (organisation IRI), the assets and the purpose; returns the CCS's evidence
   * or throws ConsentRefusedError with a problem per failed check.
   */
  async verify(reference: string, fsp: string, assets: { iri?: string; identifiers: ConsentedAsset }[], purpose: string): Promise<ConsentEvidence> {
    if (!this.args.verifier) throw new ConsentRefusedError('CONSENT_UNVERIFIABLE', 'no Consumer Consent Solution is configured (FMAR_CONSENT_URL): the registry never accepts a consent it cannot verify');
    let evidence: ConsentEvidence | undefined;
    try {
      evidence = await this.args.verifier.verify(reference);
    } catch (error) {
      if (error instanceof ConsentUnavailableError) throw new ConsentRefusedError('CONSENT_UNVERIFIABLE', `the Consumer Consent Solution could not verify consent ${reference}: ${error.message}`);
      throw error;
    }
    if (!evidence) throw new ConsentRefusedError('CONSENT_NOT_FOUND', `the Consumer Consent Solution does not know consent ${reference}`);
    const now = this.now();
    const problems = assets.flatMap((a) => scopeProblems(evidence, { fspId: idOf(fsp), asset: a.identifiers, purpose, now }).map((p) => ({ ...p, ...(a.iri ? { asset: idOf(a.iri) } : {}) })));
    const unique = [...new Map(problems.map((p) => [`${p.code} ${p.asset ?? ''}`, p])).values()];
    if (unique.length) throw new ConsentRefusedError('CONSENT_INVALID', `consent ${reference} does not cover this: ${unique.map((p) => p.message).join('; ')}`, unique);
    return evidence;
  }

  /** The Consent records of a verified consent, one per asset (requirements §11: consumer x FSP x asset). */
  consentRecords(evidence: ConsentEvidence, fsp: string, assetIris: string[]): RecordChange[] {
    return assetIris.map((asset) => ({
      create: CONSENT_KIND,
      body: {
        consentReference: evidence.reference,
        dataSubject: evidence.dataSubject,
        consentFSP: fsp,
        consentAsset: asset,
        consentPurposes: evidence.purposes,
        consentStatus: 'GIVEN',
        consentGivenAt: evidence.givenAt,
        ...(evidence.expiresAt ? { consentExpiresAt: evidence.expiresAt } : {}),
      },
    }));
  }

  /**
   * A signed callback from the CCS, checked: HMAC over the raw body with the shared secret, a timestamp within
   * five minutes, a well-formed body, an eventId not processed before (replays are refused, 409).
   */
  async readCallback(rawBody: Buffer, signature: string | undefined): Promise<ConsentCallback> {
    if (!this.args.callbackSecret) throw new CallbackRejectedError('consent callbacks are not accepted: FMAR_CONSENT_CALLBACK_SECRET is not set', 401);
    const check = verifyCallbackSignature(this.args.callbackSecret, signature, rawBody, this.now());
    if (!check.ok) throw new CallbackRejectedError(`the callback is not signed by the Consumer Consent Solution: ${check.reason}`, 401);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new CallbackRejectedError('the callback body is not JSON', 400);
    }
    const text = (k: string) => (typeof body[k] === 'string' && body[k] ? (body[k] as string) : undefined);
    const eventId = text('eventId');
    const type = text('type');
    const reference = text('reference');
    if (!eventId || eventId.length > 200 || !reference || !['ConsentRevoked', 'ConsentWithdrawn', 'SwitchRequested'].includes(type ?? '')) {
      throw new CallbackRejectedError('the callback needs eventId, reference and a type of ConsentRevoked, ConsentWithdrawn or SwitchRequested', 400);
    }
    await this.refuseReplay(eventId);
    const assetIds = Array.isArray(body.assetIds) ? body.assetIds.filter((a): a is string => typeof a === 'string') : undefined;
    return { eventId, type: type as ConsentCallback['type'], reference, occurredAt: text('occurredAt') ?? this.now().toISOString(), ...(text('gainingFspId') ? { gainingFspId: text('gainingFspId') } : {}), ...(assetIds ? { assetIds } : {}) };
  }

  /** The quads that mark a callback processed; committed with what it caused, so a replay after a crash is refused too. */
  processedMarker(eventId: string, type: string): Quad[] {
    const g = namedNode(this.callbackGraph(eventId));
    return [
      quad(g, namedNode(`${FMAR_CONSENT_CALLBACKS}eventId`), literal(eventId), g),
      quad(g, namedNode(`${FMAR_CONSENT_CALLBACKS}type`), literal(type), g),
      quad(g, namedNode(`${FMAR_CONSENT_CALLBACKS}processedAt`), literal(this.now().toISOString(), namedNode(`${XSD}dateTime`)), g),
    ];
  }

  private callbackGraph(eventId: string): string {
    return `${this.args.baseIri}consent-callbacks/${createHash('sha256').update(eventId).digest('hex')}`;
  }

  /** Refuses (409) an event whose processed marker is stored. */
  async refuseReplay(eventId: string): Promise<void> {
    if (await this.processed(eventId)) throw new CallbackRejectedError(`callback ${eventId} was processed before: replays are refused`, 409);
  }

  private async processed(eventId: string): Promise<boolean> {
    return (await this.args.store.readGraph(this.callbackGraph(eventId))).length > 0;
  }

  /**
   * UC-05.05 revocation: the writes that end a consent. Its Consent records become REVOKED or WITHDRAWN; each
   * asset that rested on it (its consentReference, with the consent's FSP still responsible) becomes
   * SUSPENDED_CONSENT_REVOKED. Switches waiting on the consent are rejected by the caller (SwitchService).
   */
  async revocationChanges(reference: string, status: 'REVOKED' | 'WITHDRAWN', at: string): Promise<{ changes: RecordChange[]; consents: RecordState[]; suspendedAssets: string[] }> {
    const consents = await this.consentsWithReference(reference);
    const changes: RecordChange[] = [];
    const suspended: string[] = [];
    for (const consent of consents.filter((c) => code(c, 'consentStatus') === 'GIVEN')) {
      const withdrawnAt = Date.parse(at) >= Date.parse(value(consent, 'consentGivenAt') ?? '') ? at : value(consent, 'consentGivenAt');
      changes.push({ transition: CONSENT_KIND, id: consent.id, useCase: 'UC-05.05', changes: { consentStatus: status, consentWithdrawnAt: withdrawnAt }, guard: (latest) => {
        if (code(latest, 'consentStatus') !== 'GIVEN') throw new StateConflictError(`consent ${reference} is already ${code(latest, 'consentStatus')}`, { currentStatus: code(latest, 'consentStatus') });
      } });
      const assetIri = value(consent, 'consentAsset');
      if (!assetIri) continue;
      const asset = await this.args.records.get(ASSET_KIND, idOf(assetIri));
      const restsOnIt = value(asset, 'consentReference') === reference && value(asset, 'responsibleFSP') === value(consent, 'consentFSP');
      const assetStatus = code(asset, 'assetRegistrationStatus');
      // UC-05.05: "CCS later sends webhook on revocation -> ARM sets asset status Suspended - Consent Revoked".
      if (restsOnIt && assetStatus !== 'DE_REGISTERED' && assetStatus !== 'SUSPENDED_CONSENT_REVOKED' && !suspended.includes(asset.id)) {
        changes.push({ transition: ASSET_KIND, id: asset.id, useCase: 'UC-05.05', changes: { assetRegistrationStatus: 'SUSPENDED_CONSENT_REVOKED' } });
        suspended.push(asset.id);
      }
    }
    return { changes, consents, suspendedAssets: suspended };
  }

  /** The Consent records holding a Consent Reference ID. */
  async consentsWithReference(reference: string): Promise<RecordState[]> {
    const prefix = `${this.args.baseIri}${CONSENT_KIND.path}/`;
    // The reference is restricted data: it sits in the record's restricted graph, never read from a version graph.
    const rows = await selectBindings(this.args.store, `SELECT DISTINCT ?c WHERE { GRAPH ?g { ?c <${FMAR}consentReference> ${JSON.stringify(reference)} } FILTER (STRSTARTS(STR(?c), ${JSON.stringify(prefix)}) && (?g = ?c || STRSTARTS(STR(?g), CONCAT(STR(?c), "#")))) } ORDER BY ?c`);
    return Promise.all([...new Set(rows.map((r) => r.c.value))].map((iri) => this.args.records.get(CONSENT_KIND, idOf(iri))));
  }

  /** The actor of what a callback causes: the consent solution, for the FSP the consent was given to. */
  callbackActor(onBehalfOf?: string): Actor {
    return { agentIri: this.consentSolutionAgent, ...(onBehalfOf ? { onBehalfOf } : {}) };
  }

  /** Asset identifiers the CCS knows an asset by (FMAR Asset ID and its MPANs). */
  identifiersOf(asset: RecordState): ConsentedAsset {
    const mpan = value(asset, 'importMPAN') ?? value(asset, 'exportMPAN');
    return { assetId: asset.id, ...(mpan ? { mpan } : {}) };
  }

  /** UC-02.02 precondition for a registration body: the identifiers the consent must cover (the asset has no ID yet). */
  static identifiersOfBody(body: Record<string, unknown>, assetId: string): ConsentedAsset {
    const mpan = typeof body.importMPAN === 'string' ? body.importMPAN : typeof body.exportMPAN === 'string' ? body.exportMPAN : undefined;
    return { assetId, ...(mpan ? { mpan } : {}) };
  }

  /** A field-level 422 for a registration or update whose consent did not verify. */
  static asInvalidRecord(error: ConsentRefusedError, reference: string): InvalidRecordError {
    return new InvalidRecordError('body', error.message, (error.problems.length ? error.problems : [{ code: error.reason, message: error.message }]).map((p) => ({ severity: 'Violation', pointer: '/consentReference', field: 'consentReference', value: reference, message: `${p.code}: ${p.message}` })));
  }
}
