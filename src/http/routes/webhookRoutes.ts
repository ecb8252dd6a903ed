import express from 'express';
import type { Registry } from '../../registry.js';
import { principalOf } from '../authentication.js';

/**
 * Webhooks (issue #7, docs/feed.md): POST /webhooks {url, eventTypes} subscribes the caller's organisation and
 * shows the signing secret once; GET /webhooks lists its subscriptions; GET /webhooks/{id}/deliveries shows the
 * outcome of each delivery; DELETE /webhooks/{id} ends one.
 */
export function webhookRoutes(registry: Registry): express.Router {
  const router = express.Router();
  router.post('/webhooks', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const created = await registry.webhooks.subscribe(principalOf(res), { url: body.url, eventTypes: body.eventTypes });
    res.status(201).location(created.iri).set('Cache-Control', 'no-store').json({ ...created, note: 'the secret is shown once: verify FMAR-Signature (t=..., v1=HMAC-SHA256 of "{t}.{body}") with it' });
  });
  router.get('/webhooks', async (_req, res) => {
    res.json({ items: await registry.webhooks.list(principalOf(res)) });
  });
  router.get('/webhooks/:id/deliveries', async (req, res) => {
    res.json(await registry.webhooks.deliveries(principalOf(res), String(req.params.id)));
  });
  router.delete('/webhooks/:id', async (req, res) => {
    await registry.webhooks.unsubscribe(principalOf(res), String(req.params.id));
    res.status(204).end();
  });
  return router;
}
