import { signCallback } from '../consent/CallbackSignature.js';

export interface DeliveryOutcome {
  delivered: boolean;
  /** The receiver's last HTTP status, if it answered. */
  status?: number;
  attempts: number;
  error?: string;
  /** The receiver's last answer, relayed by POST /switch-requests. */
  contentType?: string;
  text?: string;
}

export interface DeliveryArgs {
  url: string;
  secret: string;
  /** Waits between attempts; one more attempt than waits. */
  retryDelaysMs: number[];
  /** Per attempt. */
  timeoutMs: number;
}

/**
 * POSTs one JSON body with an FMAR-Signature header (CallbackSignature), signing each attempt afresh so a
 * late retry is not refused as stale. Network errors, timeouts, 408, 429 and 5xx are retried; other answers
 * are final. The body (and its eventId) stays the same, so the registry can drop a repeat it already processed.
 */
export async function deliverSigned(body: string, args: DeliveryArgs): Promise<DeliveryOutcome> {
  for (let attempts = 1; ; attempts++) {
    let outcome: DeliveryOutcome;
    try {
      const res = await fetch(args.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'fmar-signature': signCallback(args.secret, body) },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(args.timeoutMs),
      });
      const text = await res.text();
      outcome = { delivered: res.ok, status: res.status, attempts, contentType: res.headers.get('content-type') ?? undefined, text, ...(res.ok ? {} : { error: `the receiver answered ${res.status}` }) };
      if (res.ok || !(res.status >= 500 || res.status === 408 || res.status === 429)) return outcome;
    } catch (error) {
      const e = error as Error & { cause?: Error };
      outcome = { delivered: false, attempts, error: e.name === 'TimeoutError' ? `no answer within ${args.timeoutMs} ms` : (e.cause?.message ?? e.message) };
    }
    if (attempts > args.retryDelaysMs.length) return outcome;
    await new Promise((resolve) => setTimeout(resolve, args.retryDelaysMs[attempts - 1]));
  }
}
