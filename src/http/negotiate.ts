import type { Request } from 'express';
import { NotAcceptableHttpError } from './HttpError.js';

/** The representations of a record, in server preference order (JSON-LD first). */
export const RECORD_MEDIA_TYPES = ['application/ld+json', 'application/json', 'text/turtle', 'application/n-triples', 'application/n-quads', 'application/trig', 'text/html'] as const;
export type RecordMediaType = (typeof RECORD_MEDIA_TYPES)[number];

/** Short names used in ETags, so each representation of a version has its own strong validator. */
export const MEDIA_TYPE_TAG: Record<RecordMediaType, string> = {
  'application/ld+json': 'jsonld',
  'application/json': 'json',
  'text/turtle': 'ttl',
  'application/n-triples': 'nt',
  'application/n-quads': 'nq',
  'application/trig': 'trig',
  'text/html': 'html',
};

export function negotiate<T extends string>(req: Request, offered: readonly T[]): T {
  const chosen = req.accepts([...offered]);
  if (!chosen) throw new NotAcceptableHttpError(`none of the requested media types is available: ${req.get('accept')}`, { available: offered });
  return chosen as T;
}

/** ETag of one representation of one version: "v{version}.{tag}" (RFC 9110 §8.8.3). */
export function etagFor(version: number, mediaType: RecordMediaType): string {
  return `"v${version}.${MEDIA_TYPE_TAG[mediaType]}"`;
}

/**
 * If-Match (RFC 9110 §13.1.1) as the record versions it names: '*' for any, undefined when absent.
 * Any representation's ETag of a version names that version. Weak tags never match (strong comparison).
 */
export function versionsInIfMatch(header: string | undefined): number[] | '*' | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  return [...header.matchAll(/(W\/)?"v(\d+)(?:\.[a-z]+)?"/g)].filter((m) => !m[1]).map((m) => Number(m[2]));
}
