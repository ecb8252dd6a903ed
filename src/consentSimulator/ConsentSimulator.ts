import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Express, type Request } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { BadRequestHttpError, ConflictHttpError, HttpError, NotFoundHttpError, ServiceUnavailableHttpError, UnauthorizedHttpError } from '../http/HttpError.js';
import { problemDetailsHandler } from '../http/problemDetails.js';
import { checkJsonBody } from '../http/strictJson.js';
import { readConsent, switchRequestErrors, type SimulatedConsent } from './consentRequests.js';
import { deliverSigned } from './signedDelivery.js';

export interface ConsentSimulatorArgs {
  /** Bearer token the registry must present to read consents; reads are open when unset. */
  token?: string;
  /** The registry's callback endpoint; revocations, withdrawals and switch requests are POSTed there. */
  callbackUrl?: string;
  /** HMAC secret of the FMAR-Signature header (required with callbackUrl). */
  callbackSecret?: string;
  /** Consents to preload: POST /consents bodies, optionally with status and withdrawnAt. */
  seed?: unknown[];
  /** Waits between callback attempts (default 200, 400, 800, 1600 ms: five attempts). */
  retryDelaysMs?: number[];
  /** Per callback attempt (default 5000 ms). */
  callbackTimeoutMs?: number;
  now?: () => Date;
  logger?: Logger;
}

/** What POST /consents/:reference/revocation (or /withdrawal) says about the callback to the registry. */
export interface CallbackReport {
  delivered: boolean;
  status?: number;
  attempts: number;
  error?: string;
}

/**
 * A stand-in for the national Consumer Consent Solution (UC-05.05) with in-memory state, so tests and
 * `make run` exercise the registry's real HTTP path. It is NOT the RECCo CCS, whose API is not published
 * (requirements §11); POST /consents is an unauthenticated test/admin endpoint. Contract: docs/consent.md.
 */
export function createConsentSimulator(args: ConsentSimulatorArgs = {}): Express {
  if (args.callbackUrl && !args.callbackSecret) throw new Error('a callback URL needs a callback secret to sign with');
  const now = args.now ?? (() => new Date());
  const consents = new Map<string, SimulatedConsent>();
  for (const [i, entry] of (args.seed ?? []).entries()) {
    const consent = readConsent(entry, now(), true);
    if ('errors' in consent) throw new Error(`seed consent ${i}: ${consent.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
    consents.set(consent.reference, consent);
  }
  // A consent past its expiry is reported EXPIRED, whatever was stored.
  const view = (consent: SimulatedConsent): SimulatedConsent =>
    consent.status === 'GIVEN' && consent.expiresAt && Date.parse(consent.expiresAt) <= now().getTime() ? { ...consent, status: 'EXPIRED' } : { ...consent };
  const find = (reference: string) => {
    const consent = consents.get(reference);
    if (!consent) throw new NotFoundHttpError(`no consent has the reference ${reference}`);
    return consent;
  };
  const notify = (event: Record<string, unknown>) =>
    args.callbackUrl
      ? deliverSigned(JSON.stringify(event), { url: args.callbackUrl, secret: args.callbackSecret!, retryDelaysMs: args.retryDelaysMs ?? [200, 400, 800, 1600], timeoutMs: args.callbackTimeoutMs ?? 5000 })
      : undefined;

  const app = express();
  app.disable('x-powered-by');
  if (args.logger) app.use(pinoHttp({ logger: args.logger, quietReqLogger: true, redact: { paths: ['req.headers.authorization'], censor: '[redacted]' } }));
  app.use(express.json({ limit: '100kb', strict: true, verify: (_req, _res, buffer) => checkJsonBody(buffer) }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', consents: consents.size });
  });

  app.get('/consents/:reference', (req, res) => {
    if (args.token && !sameSecret(bearerToken(req), args.token)) {
      res.set('WWW-Authenticate', 'Bearer realm="consent-simulator"');
      throw new UnauthorizedHttpError('reading consents needs the bearer token of the consent solution');
    }
    res.json(view(find(req.params.reference)));
  });

  app.post('/consents', (req, res) => {
    const consent = readConsent(jsonObject(req), now());
    if ('errors' in consent) throw new BadRequestHttpError('the consent is not valid', { errors: consent.errors });
    if (consents.has(consent.reference)) throw new ConflictHttpError('Duplicate Consent', `a consent with the reference ${consent.reference} exists already`);
    consents.set(consent.reference, consent);
    res.status(201).location(`/consents/${encodeURIComponent(consent.reference)}`).json(view(consent));
  });

  for (const [path, status, type] of [['revocation', 'REVOKED', 'ConsentRevoked'], ['withdrawal', 'WITHDRAWN', 'ConsentWithdrawn']] as const) {
    app.post(`/consents/:reference/${path}`, async (req, res) => {
      const consent = find(req.params.reference);
      if (consent.status === 'REVOKED' || consent.status === 'WITHDRAWN') throw new ConflictHttpError('State Conflict', `consent ${consent.reference} is already ${consent.status} (since ${consent.withdrawnAt})`);
      const changed: SimulatedConsent = { ...consent, status, withdrawnAt: now().toISOString() };
      consents.set(changed.reference, changed);
      // UC-05.05: "CCS later sends webhook on revocation" (requirements §11); the registry suspends the assets.
      const sent = await notify({ eventId: randomUUID(), type, reference: changed.reference, fspId: changed.fspId, assets: changed.assets, occurredAt: changed.withdrawnAt });
      const callback: CallbackReport = sent
        ? { delivered: sent.delivered, attempts: sent.attempts, ...(sent.status !== undefined ? { status: sent.status } : {}), ...(sent.error ? { error: sent.error } : {}) }
        : { delivered: false, attempts: 0, error: 'no callback URL is configured' };
      res.json({ consent: view(changed), callback });
    });
  }

  // UC-03.04 step 2: the gaining FSP "(or CCS directly)" sends the switch; the simulator forwards it unchecked
  // (the registry verifies the consent) and relays the registry's answer.
  app.post('/switch-requests', async (req, res) => {
    const body = jsonObject(req);
    const errors = switchRequestErrors(body);
    if (errors.length) throw new BadRequestHttpError('the switch request is not valid', { errors });
    const sent = await notify({ eventId: randomUUID(), type: 'SwitchRequested', reference: body.reference, gainingFspId: body.gainingFspId, assetIds: body.assetIds, occurredAt: now().toISOString() });
    if (!sent) throw new ServiceUnavailableHttpError('no callback URL is configured, so the switch request cannot be forwarded');
    if (sent.status === undefined) throw new HttpError(502, 'Bad Gateway', `the registry could not be reached after ${sent.attempts} attempts: ${sent.error}`);
    res.status(sent.status).type(sent.contentType ?? 'application/json').send(sent.text);
  });

  app.use((req) => {
    throw new NotFoundHttpError(`the consent simulator has no ${req.method} ${req.path}`);
  });
  app.use(problemDetailsHandler);
  return app;
}

function jsonObject(req: Request): Record<string, unknown> {
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) throw new BadRequestHttpError('send a JSON object with Content-Type: application/json');
  return req.body as Record<string, unknown>;
}

function bearerToken(req: Request): string {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
}

/** Constant-time comparison of secrets of any length (their SHA-256 digests have the same length). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
