/**
 * What the national Consumer Consent Solution (CCS) says about one Consent Reference ID (UC-05.05).
 * requirements §11: consent is per consumer × FSP × asset, evidenced by a Consent Reference ID from the CCS.
 */
export type ConsentState = 'GIVEN' | 'WITHDRAWN' | 'REVOKED' | 'EXPIRED';

export const CONSENT_STATES: readonly ConsentState[] = ['GIVEN', 'WITHDRAWN', 'REVOKED', 'EXPIRED'];

/** What a consent may be used for (UC-02.02 registration, UC-03.04 switch, §11 data sharing, taking part in services). */
export const CONSENT_PURPOSES = ['ASSET_REGISTRATION', 'ASSET_SWITCH', 'DATA_SHARING', 'FLEXIBILITY_SERVICES'] as const;

/** The Consent Reference IDs this registry accepts: 8 to 128 URL-safe characters, starting with a letter or digit. */
export const CONSENT_REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

/** FMAR Asset and Organisation IDs are UUIDs. */
export const FMAR_ID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The 13-digit core of an MPAN (distributor, unique number, check digit). */
export const MPAN_PATTERN = /^\d{13}$/;

/** An ISO 8601 date-time with a time zone (a time without one is ambiguous) that names a real calendar day and time. */
export function isDateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!match || Number.isNaN(Date.parse(value))) return false;
  // Date.parse rolls 30 February over to March: the day must exist in its month.
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

export interface ConsentedAsset {
  /** FMAR Asset ID (UUID). */
  assetId?: string;
  /** 13-digit MPAN (the core of the supply number). */
  mpan?: string;
}

export interface ConsentEvidence {
  /** Consent Reference ID. */
  reference: string;
  status: ConsentState;
  /** Pseudonymous consumer reference, never a name (UC-05.05: GDPR-compliant processing). */
  dataSubject: string;
  /** The FMAR Organisation ID (UUID) of the FSP the consent is given to. */
  fspId: string;
  assets: ConsentedAsset[];
  /** Codes: ASSET_REGISTRATION, ASSET_SWITCH, DATA_SHARING, FLEXIBILITY_SERVICES. */
  purposes: string[];
  /** ISO 8601 date-time. */
  givenAt: string;
  expiresAt?: string;
  withdrawnAt?: string;
  /** When the registry got this answer (set by the client, never taken from the CCS). */
  verifiedAt: string;
}
