import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of the Consumer Consent Solution's callbacks to the registry (UC-05.05: "CCS later sends webhook
 * on revocation"; requirements §11: revocation arrives as a webhook). Same scheme as the registry's own
 * webhooks (WebhookService): header `FMAR-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
 * Several v1 entries may be sent while a secret is rotated; one match is enough.
 *
 * This checks origin and freshness only. A captured callback can be replayed within the tolerance: every
 * callback body carries an `eventId`, and the registry refuses one it has already processed (it keeps the ids).
 */
export type CallbackSignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/** The FMAR-Signature header value for this body, signed at `at` (default now). */
export function signCallback(secret: string, body: string, at: Date = new Date()): string {
  if (!secret) throw new Error('a callback secret is needed to sign');
  const timestamp = Math.floor(at.getTime() / 1000);
  return `t=${timestamp},v1=${hmac(secret, timestamp, body).toString('hex')}`;
}

/**
 * Checks the FMAR-Signature header against the raw request body (the bytes received, before any JSON parsing).
 * Refuses a missing or malformed header, a timestamp more than toleranceSeconds from now in either direction
 * (clock skew or a replay), and a signature that does not match.
 */
export function verifyCallbackSignature(secret: string, header: string | undefined, rawBody: string | Buffer, now: Date = new Date(), toleranceSeconds = 300): CallbackSignatureCheck {
  if (!secret) return { ok: false, reason: 'no callback secret is configured, so no signature can be trusted' };
  if (!header) return { ok: false, reason: 'the FMAR-Signature header is missing' };
  const parsed = parseHeader(header);
  if ('reason' in parsed) return { ok: false, reason: `the FMAR-Signature header is malformed: ${parsed.reason}` };
  const expected = hmac(secret, parsed.timestamp, rawBody);
  // Every candidate is 32 bytes (checked by parseHeader), as timingSafeEqual requires.
  if (!parsed.signatures.some((candidate) => timingSafeEqual(candidate, expected))) {
    return { ok: false, reason: 'the signature does not match the body (wrong secret, or the body was changed)' };
  }
  const skew = Math.floor(now.getTime() / 1000) - parsed.timestamp;
  if (Math.abs(skew) > toleranceSeconds) {
    return { ok: false, reason: `the signature timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}; at most ${toleranceSeconds} s is accepted` };
  }
  return { ok: true, timestamp: parsed.timestamp };
}

function hmac(secret: string, timestamp: number, body: string | Buffer): Buffer {
  // The raw bytes as received: re-encoding a parsed body could change them.
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/** `t=<digits>` once, `v1=<64 hex>` one or more times; other schemes (v0...) are ignored, as Stripe does. */
function parseHeader(header: string): { timestamp: number; signatures: Buffer[] } | { reason: string } {
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { reason: `"${part.trim().slice(0, 40)}" is not key=value` };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined) return { reason: 't appears more than once' };
      if (!/^\d{1,12}$/.test(value)) return { reason: 't must be unix seconds' };
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) return { reason: 'v1 must be 64 hexadecimal digits (HMAC-SHA256)' };
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  if (timestamp === undefined) return { reason: 'no t= timestamp' };
  if (!signatures.length) return { reason: 'no v1= signature' };
  return { timestamp, signatures };
}
