import { randomBytes } from 'node:crypto';
import { CONSENT_PURPOSES, CONSENT_REFERENCE_PATTERN, FMAR_ID_PATTERN, isDateTime, MPAN_PATTERN, type ConsentedAsset, type ConsentEvidence } from '../consent/ConsentEvidence.js';

/** A consent as the simulator keeps it: the CCS's answer without the registry's verifiedAt. */
export type SimulatedConsent = Omit<ConsentEvidence, 'verifiedAt'>;

export interface FieldError {
  field: string;
  message: string;
}

/**
 * Reads a POST /consents body (or a --seed entry, which may also set status and withdrawnAt) into a stored
 * consent with status GIVEN, or says what is wrong with each field. Unknown fields are refused, so a typo
 * does not pass silently.
 */
export function readConsent(input: unknown, at: Date, seed = false): SimulatedConsent | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  const o = (input ?? {}) as Record<string, unknown>;
  const known = ['dataSubject', 'fspId', 'assets', 'purposes', 'expiresAt', 'givenAt', 'reference', ...(seed ? ['status', 'withdrawnAt'] : [])];
  for (const key of Object.keys(o)) if (!known.includes(key)) fail(key, `unknown field; expected ${known.join(', ')}`);
  // 18 random bytes are 24 URL-safe characters.
  const reference = o.reference ?? `CCS-${randomBytes(18).toString('base64url')}`;
  if (typeof reference !== 'string' || !CONSENT_REFERENCE_PATTERN.test(reference)) fail('reference', `must match ${CONSENT_REFERENCE_PATTERN.source}`);
  // UC-05.05: GDPR-compliant processing: the consumer is known by a pseudonym only.
  if (typeof o.dataSubject !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(o.dataSubject)) fail('dataSubject', 'must be a pseudonymous reference (letters, digits, . _ : -), never a name');
  if (typeof o.fspId !== 'string' || !FMAR_ID_PATTERN.test(o.fspId)) fail('fspId', 'must be the FMAR Organisation ID (UUID) of the FSP');
  const assets = Array.isArray(o.assets) ? o.assets : [];
  // requirements §11: consent is per consumer × FSP × asset.
  if (!assets.length) fail('assets', 'must list at least one asset');
  for (const [i, entry] of assets.entries()) {
    const a = (entry ?? {}) as Record<string, unknown>;
    const extra = Object.keys(a).filter((k) => k !== 'assetId' && k !== 'mpan');
    if (typeof entry !== 'object' || Array.isArray(entry) || extra.length || (a.assetId === undefined && a.mpan === undefined)) fail(`assets/${i}`, 'must be { assetId?, mpan? } with at least one of them');
    if (a.assetId !== undefined && (typeof a.assetId !== 'string' || !FMAR_ID_PATTERN.test(a.assetId))) fail(`assets/${i}/assetId`, 'must be an FMAR Asset ID (UUID)');
    if (a.mpan !== undefined && (typeof a.mpan !== 'string' || !MPAN_PATTERN.test(a.mpan))) fail(`assets/${i}/mpan`, 'must be a 13-digit MPAN');
  }
  const purposes = Array.isArray(o.purposes) ? o.purposes : [];
  if (!purposes.length || purposes.some((p) => !(CONSENT_PURPOSES as readonly unknown[]).includes(p))) fail('purposes', `must list one or more of ${CONSENT_PURPOSES.join(', ')}`);
  for (const field of ['givenAt', 'expiresAt', ...(seed ? ['withdrawnAt'] : [])]) if (o[field] !== undefined && !isDateTime(o[field])) fail(field, 'must be an ISO 8601 date-time with a time zone');
  const status = o.status ?? 'GIVEN';
  if (!['GIVEN', 'WITHDRAWN', 'REVOKED'].includes(status as string)) fail('status', 'must be GIVEN, WITHDRAWN or REVOKED (EXPIRED follows from expiresAt)');
  if (errors.length) return { errors };
  return {
    reference: reference as string,
    status: status as SimulatedConsent['status'],
    dataSubject: o.dataSubject as string,
    fspId: o.fspId as string,
    assets: (assets as ConsentedAsset[]).map((a) => ({ ...(a.assetId ? { assetId: a.assetId } : {}), ...(a.mpan ? { mpan: a.mpan } : {}) })),
    purposes: [...new Set(purposes as string[])],
    givenAt: (o.givenAt as string | undefined) ?? at.toISOString(),
    ...(o.expiresAt !== undefined ? { expiresAt: o.expiresAt as string } : {}),
    ...(o.withdrawnAt !== undefined ? { withdrawnAt: o.withdrawnAt as string } : {}),
  };
}

/** UC-03.04 step 2: a switch request the consent solution submits for the consumer: { reference, gainingFspId, assetIds }. */
export function switchRequestErrors(o: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of Object.keys(o)) if (!['reference', 'gainingFspId', 'assetIds'].includes(key)) errors.push({ field: key, message: 'unknown field; expected reference, gainingFspId, assetIds' });
  if (typeof o.reference !== 'string' || !CONSENT_REFERENCE_PATTERN.test(o.reference)) errors.push({ field: 'reference', message: 'must be a Consent Reference ID' });
  if (typeof o.gainingFspId !== 'string' || !FMAR_ID_PATTERN.test(o.gainingFspId)) errors.push({ field: 'gainingFspId', message: 'must be the FMAR Organisation ID (UUID) of the gaining FSP' });
  if (!Array.isArray(o.assetIds) || !o.assetIds.length || o.assetIds.some((id) => typeof id !== 'string' || !FMAR_ID_PATTERN.test(id))) errors.push({ field: 'assetIds', message: 'must list one or more FMAR Asset IDs (UUIDs)' });
  return errors;
}
