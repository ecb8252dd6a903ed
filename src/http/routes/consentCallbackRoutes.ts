import express from 'express';
import { ConsentCallbacks } from '../../domain/ConsentCallbacks.js';
import type { Registry } from '../../registry.js';
import type { RecordRepresentation } from '../recordRepresentation.js';

/**
 * POST /consent/callbacks: the Consumer Consent Solution's signed callbacks (docs/consent.md). Mounted before
 * the JSON body parser: the HMAC is over the raw bytes, so the body is read raw here. No bearer credentials:
 * the signature is the credential, and an unsigned, stale or replayed callback changes nothing (401, 409).
 */
export function consentCallbackRoutes(registry: Registry, representation: RecordRepresentation): express.Router {
  const router = express.Router();
  const callbacks = new ConsentCallbacks({ consents: registry.consents, switches: registry.switches, records: registry.records });
  router.post('/consent/callbacks', express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    const outcome = await callbacks.process(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.get('fmar-signature'));
    if (outcome.type === 'SwitchRequested') {
      res.status(201).location(outcome.switch.iri).json(await representation.json(outcome.switch.quads));
      return;
    }
    res.json(outcome);
  });
  return router;
}
