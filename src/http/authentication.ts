import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Authenticator } from '../access/Authenticator.js';
import { principalAudiences } from '../access/audiences.js';
import type { Principal } from '../access/Principal.js';
import { TooManyRequestsHttpError } from './HttpError.js';

/**
 * Every request is authenticated first (issue #6): the principal, built from the Authorization,
 * FMAR-On-Behalf-Of and FMAR-Purpose headers, is kept in res.locals for the routes. No credentials make the
 * anonymous public principal; bad credentials are a 401, never a silent downgrade to anonymous.
 */
export function authenticate(authenticator: Authenticator, baseIri: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    authenticator
      .authenticate({ authorization: req.get('authorization'), onBehalfOf: req.get('fmar-on-behalf-of'), purpose: req.get('fmar-purpose'), clientAddress: req.ip ?? 'unknown' })
      .then((principal) => {
        res.locals.principal = principal;
        res.locals.readers = principalAudiences(principal, baseIri);
        next();
      }, next);
  };
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

/** The principal's audiences; undefined for an administrator, who reads everything. */
export function readersOf(res: Response): string[] | undefined {
  return res.locals.readers as string[] | undefined;
}

/**
 * Rate limits per credential (per client address without one), in a one-minute window, with the
 * RateLimit headers of draft-ietf-httpapi-ratelimit-headers so clients can pace themselves.
 */
export function rateLimitPerCredential(limits: { perCredential: number; anonymous: number }): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: (_req: Request, res: Response) => (principalOf(res).kind === 'anonymous' ? limits.anonymous : limits.perCredential),
    keyGenerator: (_req: Request, res: Response) => principalOf(res).credentialId,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req: Request, _res: Response, next: NextFunction) => next(new TooManyRequestsHttpError('too many requests for this credential in the last minute; wait for the RateLimit-Reset seconds')),
  });
}
