import { CONSENT_STATES, FMAR_ID_PATTERN, isDateTime, MPAN_PATTERN, type ConsentedAsset, type ConsentEvidence, type ConsentState } from './ConsentEvidence.js';
import { ConsentUnavailableError, type ConsentVerifier } from './ConsentVerifier.js';

export interface HttpConsentVerifierArgs {
  /** Base URL of the Consumer Consent Solution's API, e.g. http://127.0.0.1:8091. */
  url: string;
  /** Bearer token the registry presents to read consents (none sent when unset). */
  token?: string;
  /** Per request, including the body (default 5000 ms). */
  timeoutMs?: number;
  /** Clock for verifiedAt (default the system clock). */
  now?: () => Date;
}

/**
 * UC-05.05 step "ARM calls CCS in real time to check validity and scope": `GET {url}/consents/{reference}`.
 * 200 is read strictly into ConsentEvidence, 404 means the CCS does not know the reference; anything else is
 * a ConsentUnavailableError, so the registry refuses rather than trusts (docs/consent.md).
 */
export class HttpConsentVerifier implements ConsentVerifier {
  private readonly baseUrl: string;

  constructor(private readonly args: HttpConsentVerifierArgs) {
    this.baseUrl = args.url.replace(/\/+$/, '');
  }

  async verify(reference: string): Promise<ConsentEvidence | undefined> {
    const timeoutMs = this.args.timeoutMs ?? 5000;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.args.token) headers.authorization = `Bearer ${this.args.token}`;
    let status: number;
    let text: string;
    try {
      // redirect: 'manual': a redirect is an answer we do not expect, and must not carry the token elsewhere.
      const res = await fetch(`${this.baseUrl}/consents/${encodeURIComponent(reference)}`, { headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      status = res.status;
      text = await res.text();
    } catch (error) {
      const e = error as Error & { cause?: Error };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new ConsentUnavailableError(`the Consumer Consent Solution did not answer within ${timeoutMs} ms`, { cause: error });
      throw new ConsentUnavailableError(`the Consumer Consent Solution could not be reached: ${e.cause?.message ?? e.message}`, { cause: error });
    }
    if (status === 404) return undefined;
    if (status === 401 || status === 403) throw new ConsentUnavailableError(`the Consumer Consent Solution refused the registry's credentials (HTTP ${status}); check the CCS token`);
    if (status !== 200) throw new ConsentUnavailableError(`the Consumer Consent Solution answered HTTP ${status} instead of 200 or 404`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ConsentUnavailableError('the Consumer Consent Solution answered with a body that is not JSON');
    }
    return readEvidence(json, reference, (this.args.now ?? (() => new Date()))().toISOString());
  }
}

/** Only the known fields, each checked: a CCS answer we cannot read fully is not evidence of consent. */
function readEvidence(json: unknown, reference: string, verifiedAt: string): ConsentEvidence {
  const problems: string[] = [];
  const o = (json !== null && typeof json === 'object' && !Array.isArray(json) ? json : {}) as Record<string, unknown>;
  if (o !== json) problems.push('the body is not a JSON object');
  const text = (name: string, pattern?: RegExp) => {
    const value = o[name];
    if (typeof value !== 'string' || !value || (pattern && !pattern.test(value))) problems.push(`${name} must be ${pattern ? 'a well-formed' : 'a non-empty'} string`);
  };
  const date = (name: string, optional: boolean) => {
    if (optional && o[name] === undefined) return;
    if (!isDateTime(o[name])) problems.push(`${name} must be an ISO 8601 date-time with a time zone`);
  };
  text('reference');
  // The answer must be about the reference asked for, not another consent.
  if (typeof o.reference === 'string' && o.reference !== reference) problems.push(`reference is ${JSON.stringify(o.reference)}, not the one asked for`);
  if (!CONSENT_STATES.includes(o.status as ConsentState)) problems.push(`status must be one of ${CONSENT_STATES.join(', ')}`);
  text('dataSubject');
  text('fspId', FMAR_ID_PATTERN);
  const assets = Array.isArray(o.assets) ? o.assets.map(readAsset) : [];
  if (!assets.length || assets.includes(undefined)) problems.push('assets must be a non-empty list of { assetId (UUID) and/or mpan (13 digits) }');
  const purposes = o.purposes;
  if (!Array.isArray(purposes) || !purposes.length || purposes.some((p) => typeof p !== 'string' || !p)) problems.push('purposes must be a non-empty list of codes');
  date('givenAt', false);
  date('expiresAt', true);
  date('withdrawnAt', true);
  if (problems.length) throw new ConsentUnavailableError(`the Consumer Consent Solution answered a malformed consent: ${problems.join('; ')}`);
  return {
    reference,
    status: o.status as ConsentState,
    dataSubject: o.dataSubject as string,
    fspId: o.fspId as string,
    assets: assets as ConsentedAsset[],
    purposes: [...(purposes as string[])],
    givenAt: o.givenAt as string,
    ...(o.expiresAt !== undefined ? { expiresAt: o.expiresAt as string } : {}),
    ...(o.withdrawnAt !== undefined ? { withdrawnAt: o.withdrawnAt as string } : {}),
    verifiedAt,
  };
}

function readAsset(entry: unknown): ConsentedAsset | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  const { assetId, mpan } = entry as Record<string, unknown>;
  if (assetId === undefined && mpan === undefined) return undefined;
  if (assetId !== undefined && (typeof assetId !== 'string' || !FMAR_ID_PATTERN.test(assetId))) return undefined;
  if (mpan !== undefined && (typeof mpan !== 'string' || !MPAN_PATTERN.test(mpan))) return undefined;
  return { ...(assetId !== undefined ? { assetId } : {}), ...(mpan !== undefined ? { mpan } : {}) } as ConsentedAsset;
}
