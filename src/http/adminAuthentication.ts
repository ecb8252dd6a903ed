import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { UnauthorizedHttpError } from './HttpError.js';

/**
 * Until the access model lands (issue #6), writes need the bootstrap administrator's bearer token
 * (FMAR_ADMIN_TOKEN) and reads are open. Compared in constant time.
 */
export function requireAdmin(token: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    try {
      checkAdmin(req, res, token);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** Throws 401 (with WWW-Authenticate) unless the request carries the administrator's bearer token. */
export function checkAdmin(req: Request, res: Response, token: string): void {
  const expected = Buffer.from(token);
  const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
  const given = Buffer.from(match?.[1] ?? '');
  if (!match || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    res.set('WWW-Authenticate', 'Bearer realm="fmar"');
    throw new UnauthorizedHttpError(match ? 'the bearer token is not valid' : 'writes need Authorization: Bearer <FMAR_ADMIN_TOKEN>');
  }
}
