import express, { type Request } from 'express';
import { DataFactory } from 'n3';
import { LOOKUP_FIELDS } from '../../domain/AssetService.js';
import { CATEGORY_SCHEMA_KIND } from '../../domain/RecordKind.js';
import type { Registry } from '../../registry.js';
import type { RecordState } from '../../domain/RecordService.js';
import { principalOf } from '../authentication.js';
import { BadRequestHttpError } from '../HttpError.js';
import type { RecordRepresentation } from '../recordRepresentation.js';

/**
 * Lifecycle transitions as sub-resources (POST, no body unless stated), each a use case with its activity:
 * organisation approval (UC-01.02) and de-registration (UC-01.04), user activation (UC-01.01, with the
 * activation code) and deactivation (UC-01.04), platform approval after vetting and delegation revocation
 * (UC-05.04), asset de-registration (UC-02.03); and the asset lookup by external identifier, which must be
 * matched before /assets/{id}. Each transition answers with the record's new state (the user's activation also
 * with its first API key).
 */
export function lifecycleRoutes(registry: Registry, representation: RecordRepresentation): express.Router {
  const router = express.Router();
  const reply = async (state: RecordState, extra: Record<string, unknown> = {}) => ({ ...(await representation.json(state.quads)), ...extra });

  router.post('/organisations/:id/approval', async (req, res) => {
    res.json(await reply(await registry.organisations.approve(String(req.params.id), principalOf(res))));
  });
  router.post('/organisations/:id/deregistration', async (req, res) => {
    const outcome = await registry.organisations.deregister(String(req.params.id), principalOf(res));
    res.json(await reply(outcome.organisation, { deactivatedUsers: outcome.users, withdrawnPlatforms: outcome.platforms, revokedDelegations: outcome.delegations }));
  });
  router.post('/users/:id/activation', async (req, res) => {
    const code = stringField(req, 'activationCode');
    const { user, apiKey } = await registry.users.activate(String(req.params.id), code);
    res.json(await reply(user, { apiKey: apiKey.token, apiKeyId: apiKey.keyId, apiKeyExpiresAt: apiKey.expiresAt }));
  });
  router.post('/users/:id/deactivation', async (req, res) => {
    res.json(await reply(await registry.users.deactivate(String(req.params.id), principalOf(res))));
  });
  router.post('/platforms/:id/approval', async (req, res) => {
    res.json(await reply(await registry.platforms.approve(String(req.params.id), principalOf(res))));
  });
  // UC-02.03: soft de-registration with its reason.
  router.post('/assets/:id/deregistration', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    res.json(await reply(await registry.assets.deregister(String(req.params.id), body.deRegistrationReason, principalOf(res))));
  });
  // Issue #7: a gaining FSP finds the FMAR Asset ID by an identifier it holds (IDs only; reading follows the policy).
  router.get('/assets/lookup', async (req, res) => {
    const given = Object.entries(req.query).filter(([, v]) => typeof v === 'string') as [string, string][];
    if (given.length !== 1) throw new BadRequestHttpError(`give exactly one identifier: ?${Object.keys(LOOKUP_FIELDS).join('=...|')}=...`);
    const [field, identifier] = given[0];
    const matches = await registry.assets.lookup(field, identifier, principalOf(res));
    registry.accessLog.record({ principal: principalOf(res), channel: 'REST', query: `asset lookup by ${field}`, at: new Date() });
    res.json({ field, matches });
  });
  // UC-02.01: deprecating a category's current schema version closes the category to new registrations.
  router.post('/category-schemas/:id/deprecation', async (req, res) => {
    res.json(await reply(await registry.categories.deprecate(principalOf(res), String(req.params.id))));
  });
  // The SHACL of a category schema version, for anyone to read and validate against.
  router.get('/category-schemas/:id/shapes', async (req, res) => {
    const schema = await registry.records.get(CATEGORY_SCHEMA_KIND, String(req.params.id));
    const quads = await registry.store.readGraph(`${schema.iri}/shapes`);
    res.type('text/turtle').send(await representation.text(quads.map((q) => DataFactory.quad(q.subject, q.predicate, q.object)), 'text/turtle'));
  });
  router.post('/delegations/:id/revocation', async (req, res) => {
    res.json(await reply(await registry.platforms.revoke(String(req.params.id), principalOf(res))));
  });
  return router;
}

function stringField(req: Request, name: string): string {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  if (typeof value !== 'string' || !value) throw new BadRequestHttpError(`send {"${name}": "..."} as JSON`);
  return value;
}
