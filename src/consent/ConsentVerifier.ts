import type { ConsentedAsset, ConsentEvidence } from './ConsentEvidence.js';

/**
 * Asks the Consumer Consent Solution about a Consent Reference ID in real time (UC-05.05; requirements §11:
 * "verified by real-time API call (validity + scope)").
 */
export interface ConsentVerifier {
  /** The CCS's answer, or undefined when the CCS does not know the reference. Throws ConsentUnavailableError otherwise. */
  verify(reference: string): Promise<ConsentEvidence | undefined>;
}

/**
 * The CCS could not give a trustworthy answer: unreachable, timed out, 5xx, refused our credentials, or answered
 * something malformed. The registry must then refuse the operation that needed consent, never assume it.
 */
export class ConsentUnavailableError extends Error {
  override readonly name = 'ConsentUnavailableError';
}

export type ConsentProblemCode = 'CONSENT_NOT_GIVEN' | 'CONSENT_EXPIRED' | 'CONSENT_OTHER_FSP' | 'CONSENT_OTHER_ASSET' | 'CONSENT_OTHER_PURPOSE';

export interface ConsentProblem {
  code: ConsentProblemCode;
  message: string;
}

export interface ConsentScope {
  /** FMAR Organisation ID (UUID) of the FSP that presents the consent. */
  fspId: string;
  /** The asset the operation is about; with both identifiers, either matching is enough. */
  asset: ConsentedAsset;
  /** One of CONSENT_PURPOSES. */
  purpose: string;
  now: Date;
}

/**
 * Why the consent does not cover this operation; empty when it does. UC-05.05: the registry checks validity
 * and scope; requirements §11: consent is per consumer × FSP × asset.
 */
export function scopeProblems(evidence: ConsentEvidence, scope: ConsentScope): ConsentProblem[] {
  const problems: ConsentProblem[] = [];
  const ref = `consent ${evidence.reference}`;
  const expiresAt = evidence.expiresAt === undefined ? undefined : Date.parse(evidence.expiresAt);
  // An expiry that does not parse counts as passed: unclear consent is no consent.
  const expired = evidence.status === 'EXPIRED' || (expiresAt !== undefined && !(expiresAt > scope.now.getTime()));
  if (expired) {
    problems.push({ code: 'CONSENT_EXPIRED', message: `${ref} expired${evidence.expiresAt ? ` at ${evidence.expiresAt}` : ''}; a consent that has not expired is needed` });
  } else if (evidence.status !== 'GIVEN') {
    // requirements §11: revocation (or withdrawal) ends what the consent allowed.
    problems.push({ code: 'CONSENT_NOT_GIVEN', message: `${ref} is ${evidence.status}${evidence.withdrawnAt ? ` since ${evidence.withdrawnAt}` : ''}; it must be GIVEN` });
  }
  if (!sameId(evidence.fspId, scope.fspId)) {
    // requirements §11: switching needs a new consent for the gaining FSP; another FSP's consent does not do.
    problems.push({ code: 'CONSENT_OTHER_FSP', message: `${ref} is given to FSP ${evidence.fspId}, not to FSP ${scope.fspId}` });
  }
  if (!evidence.assets.some((entry) => covers(entry, scope.asset))) {
    problems.push({ code: 'CONSENT_OTHER_ASSET', message: `${ref} does not cover ${describe(scope.asset)}; it covers ${evidence.assets.map(describe).join(', ') || 'no asset'}` });
  }
  if (!evidence.purposes.includes(scope.purpose)) {
    problems.push({ code: 'CONSENT_OTHER_PURPOSE', message: `${ref} does not include the purpose ${scope.purpose}; it allows ${evidence.purposes.join(', ') || 'nothing'}` });
  }
  return problems;
}

function covers(entry: ConsentedAsset, asset: ConsentedAsset): boolean {
  const byId = entry.assetId !== undefined && asset.assetId !== undefined && sameId(entry.assetId, asset.assetId);
  const byMpan = entry.mpan !== undefined && asset.mpan !== undefined && entry.mpan === asset.mpan;
  return byId || byMpan;
}

/** UUIDs compare case-insensitively (RFC 9562 §4). */
function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function describe(asset: ConsentedAsset): string {
  const parts = [asset.assetId && `asset ${asset.assetId}`, asset.mpan && `MPAN ${asset.mpan}`].filter(Boolean);
  return parts.length ? parts.join(' / ') : 'an asset with neither an asset ID nor an MPAN';
}
