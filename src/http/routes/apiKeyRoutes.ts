import express from 'express';
import type { Registry } from '../../registry.js';
import { principalOf } from '../authentication.js';
import { BadRequestHttpError } from '../HttpError.js';

/**
 * API keys (issue #6): POST /api-keys issues one (for the caller, or for `holder`: a user or platform the caller
 * administers) and shows its secret once; GET /api-keys lists them without secrets; DELETE revokes at once.
 */
export function apiKeyRoutes(registry: Registry): express.Router {
  const router = express.Router();
  router.post('/api-keys', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequestHttpError('send {"holder"?, "label"?, "expiresOn"?} as JSON');
    const unknown = Object.keys(body).filter((k) => !['holder', 'label', 'expiresOn'].includes(k));
    if (unknown.length) throw new BadRequestHttpError(`unknown field(s) ${unknown.join(', ')}: an API key request has holder, label and expiresOn`);
    const issued = await registry.apiKeys.issue(principalOf(res), { holder: optional(body.holder), label: optional(body.label), expiresOn: optional(body.expiresOn) });
    res.status(201).location(issued.iri).set('Cache-Control', 'no-store').json({ keyId: issued.keyId, apiKey: issued.token, holder: issued.holder, label: issued.label, expiresAt: issued.expiresAt, issuedAt: issued.issuedAt, note: 'the key is shown once; the registry keeps only a salted hash' });
  });
  router.get('/api-keys', async (req, res) => {
    res.json({ items: await registry.apiKeys.list(principalOf(res), typeof req.query.holder === 'string' ? req.query.holder : undefined) });
  });
  router.delete('/api-keys/:keyId', async (req, res) => {
    res.json(await registry.apiKeys.revoke(principalOf(res), String(req.params.keyId)));
  });
  return router;
}

function optional(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadRequestHttpError('holder, label and expiresOn are strings');
  return value;
}
