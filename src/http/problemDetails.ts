import type { NextFunction, Request, Response } from 'express';
import { AccessDeniedError, AuthenticationError, DuplicateRecordError, IncompleteRequestError, InvalidRecordError, RecordNotFoundError, StateConflictError, VersionConflictError, VersionRequiredError } from '../domain/errors.js';
import { CallbackRejectedError, ConsentRefusedError } from '../domain/ConsentService.js';
import { SwitchRejectedError } from '../domain/SwitchService.js';
import { StoreUnavailableError } from '../store/RegistryStore.js';
import { JsonBodyRejectedError } from './strictJson.js';
import { BadRequestHttpError, ConflictHttpError, ForbiddenHttpError, HttpError, NotFoundHttpError, UnauthorizedHttpError, PayloadTooLargeHttpError, PreconditionFailedHttpError, PreconditionRequiredHttpError, ServiceUnavailableHttpError, UnprocessableEntityHttpError, UnsupportedMediaTypeHttpError } from './HttpError.js';

/** Maps any error to an HttpError: domain errors by kind, body-parser errors by type, the rest 500. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof InvalidRecordError) {
    const title = { body: 'Invalid Body', 'json-ld': 'Invalid JSON-LD', shacl: 'Validation Failed' }[error.stage];
    if (error.stage === 'json-ld' && /remote JSON-LD context/.test(error.message)) return new BadRequestHttpError(error.message, { errors: error.results });
    return new UnprocessableEntityHttpError(title, error.message, { errors: error.results });
  }
  if (error instanceof RecordNotFoundError) return new NotFoundHttpError(error.message);
  if (error instanceof VersionConflictError) return new PreconditionFailedHttpError(error.message);
  if (error instanceof VersionRequiredError) return new PreconditionRequiredHttpError(error.message);
  if (error instanceof AccessDeniedError) return new ForbiddenHttpError(error.message, error.extras);
  if (error instanceof IncompleteRequestError) return new BadRequestHttpError(error.message);
  if (error instanceof AuthenticationError) return new UnauthorizedHttpError(error.message);
  if (error instanceof DuplicateRecordError) return new ConflictHttpError('Duplicate Record', error.message, { existingId: error.existingId, existing: error.existingIri, matchedOn: error.matchedOn });
  if (error instanceof StateConflictError) return new ConflictHttpError('State Conflict', error.message, error.extras);
  if (error instanceof StoreUnavailableError) return new ServiceUnavailableHttpError(error.message);
  // UC-05.05: a consent the Consumer Consent Solution could not answer for is refused, never assumed (503); one it
  // denies is a 422 naming each failed check.
  if (error instanceof ConsentRefusedError) {
    if (error.reason === 'CONSENT_UNVERIFIABLE') return new ServiceUnavailableHttpError(error.message);
    return new UnprocessableEntityHttpError('Consent Not Verified', error.message, { reason: error.reason, errors: error.problems.map((p) => ({ severity: 'Violation', field: 'consentReference', message: `${p.code}: ${p.message}`, ...(p.asset ? { value: p.asset } : {}) })) });
  }
  // UC-03.04: the switch exists, in status REJECTED, with its reason.
  if (error instanceof SwitchRejectedError) return new UnprocessableEntityHttpError('Switch Rejected', error.message, { switch: error.state.iri, switchId: error.state.id, reason: error.reason });
  if (error instanceof CallbackRejectedError) return new HttpError(error.status, { 401: 'Unauthorized', 400: 'Bad Request', 409: 'Conflict' }[error.status], error.message);
  const bodyError = error as { type?: string; status?: number; message?: string; expose?: boolean };
  // Errors of body-parser's verify hook (strict JSON checks) reach here as themselves, typed entity.verify.failed.
  if (error instanceof JsonBodyRejectedError) return new BadRequestHttpError(error.message);
  switch (bodyError.type) {
    case 'entity.parse.failed': return new BadRequestHttpError(`the body is not valid JSON: ${bodyError.message}`);
    case 'entity.too.large': return new PayloadTooLargeHttpError(`the body is larger than the limit (${bodyError.message})`);
    case 'charset.unsupported':
    case 'encoding.unsupported': return new UnsupportedMediaTypeHttpError(`${bodyError.message}; send UTF-8 JSON`);
    case 'request.aborted': return new BadRequestHttpError('the request was aborted before the body arrived');
  }
  if (bodyError.expose && bodyError.status && bodyError.status < 500) return new HttpError(bodyError.status, 'Bad Request', bodyError.message ?? 'bad request');
  return new HttpError(500, 'Internal Server Error', 'the registry hit an unexpected error; it has been logged');
}

/** RFC 9457: every error leaves as application/problem+json. */
export function problemDetailsHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  const http = toHttpError(error);
  if (http.status >= 500) (req as Request & { log?: { error: (o: unknown, m: string) => void } }).log?.error({ err: error }, 'request failed');
  if (res.headersSent) return;
  // RFC 9110 §11.6.1: a 401 names the scheme the client should use.
  if (http.status === 401 && !res.get('WWW-Authenticate')) res.set('WWW-Authenticate', 'Bearer realm="fmar"');
  res.status(http.status).type('application/problem+json').send(
    JSON.stringify({ type: http.type, title: http.title, status: http.status, detail: http.message, instance: req.originalUrl, ...http.extras }),
  );
}
