import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { UnauthorizedHttpError } from './HttpError.js';

/**
 * Until the access model lands (issue #6), writes need the bootstrap administrator's bearer token
 * (FMAR_ADMIN_TOKEN) and reads are open. Compared in constant time.
 */
export function requireAdmin(token: string) {
  const expected = Buffer.from(token);
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    const given = Buffer.from(match?.[1] ?? '');
    if (!match || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.set('WWW-Authenticate', 'Bearer realm="fmar"');
      next(new UnauthorizedHttpError(match ? 'the bearer token is not valid' : 'writes need Authorization: Bearer <FMAR_ADMIN_TOKEN>'));
      return;
    }
    next();
  };
}
