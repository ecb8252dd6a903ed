import type { ConsentCallback, ConsentService } from './ConsentService.js';
import { value } from './recordValues.js';
import type { RecordService, RecordState } from './RecordService.js';
import type { SwitchService } from './SwitchService.js';

/** What a processed callback did. */
export type ConsentCallbackOutcome =
  | { type: 'ConsentRevoked' | 'ConsentWithdrawn'; reference: string; consents: string[]; suspendedAssets: string[]; rejectedSwitches: string[] }
  | { type: 'SwitchRequested'; switch: RecordState };

/**
 * The Consumer Consent Solution's signed callbacks (UC-05.05, UC-03.04), checked by ConsentService.readCallback:
 * - ConsentRevoked / ConsentWithdrawn: the consent's records end, the assets resting on it are suspended and the
 *   switches waiting on it rejected, all in one transaction with the callback's processed marker;
 * - SwitchRequested: the consent solution submits a switch for the consumer (UC-03.04 "or CCS directly").
 */
export class ConsentCallbacks {
  constructor(private readonly args: { consents: ConsentService; switches: SwitchService; records: RecordService }) {}

  /** Callbacks being processed, by eventId: a second delivery of the same event waits, then finds it processed. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  async process(rawBody: Buffer, signature: string | undefined): Promise<ConsentCallbackOutcome> {
    // Signature and shape first (no lock for what is refused anyway), then one delivery of an event at a time:
    // the replay check is made again inside, so overlapping retries of one event are processed once.
    const callback = await this.args.consents.readCallback(rawBody, signature);
    const { eventId } = callback;
    for (let running = this.inFlight.get(eventId); running; running = this.inFlight.get(eventId)) await running.catch(() => undefined);
    const work = this.args.consents.refuseReplay(eventId).then(() => this.processOnce(callback));
    this.inFlight.set(eventId, work);
    try {
      return await work;
    } finally {
      if (this.inFlight.get(eventId) === work) this.inFlight.delete(eventId);
    }
  }

  private async processOnce(callback: ConsentCallback): Promise<ConsentCallbackOutcome> {
    if (callback.type === 'SwitchRequested') return { type: 'SwitchRequested', switch: await this.args.switches.requestFromConsentSolution(callback) };
    const status = callback.type === 'ConsentRevoked' ? 'REVOKED' : 'WITHDRAWN';
    const { changes, consents, suspendedAssets } = await this.args.consents.revocationChanges(callback.reference, status, callback.occurredAt);
    const rejections = await this.args.switches.rejectionsForRevokedConsent(callback.reference, `consent ${callback.reference} was ${status.toLowerCase()} by the consumer (${callback.occurredAt})`);
    const fsp = consents.map((c) => value(c, 'consentFSP')).find(Boolean);
    await this.args.records.writeTogether([...changes, ...rejections], this.args.consents.callbackActor(fsp), this.args.consents.processedMarker(callback.eventId, callback.type));
    return {
      type: callback.type,
      reference: callback.reference,
      consents: consents.filter((c) => changes.some((ch) => 'transition' in ch && ch.id === c.id)).map((c) => c.id),
      suspendedAssets,
      rejectedSwitches: rejections.map((r) => ('transition' in r ? r.id : '')),
    };
  }
}
