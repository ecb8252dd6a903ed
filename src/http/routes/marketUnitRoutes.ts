import express, { type Response } from 'express';
import { visibleRecord } from '../../access/recordVisibility.js';
import { compositionAt } from '../../domain/marketUnitMemberships.js';
import { idOf } from '../../domain/MarketUnitService.js';
import { RecordNotFoundError } from '../../domain/errors.js';
import { MARKET_UNIT_KIND } from '../../domain/RecordKind.js';
import type { RecordState } from '../../domain/RecordService.js';
import type { Registry } from '../../registry.js';
import { principalOf, readersOf } from '../authentication.js';
import { BadRequestHttpError } from '../HttpError.js';
import { versionsInIfMatch } from '../negotiate.js';
import type { RecordRepresentation } from '../recordRepresentation.js';

/**
 * Market unit use cases as sub-resources (docs/market-units-and-switching.md): composition changes (UC-03.03)
 * and the composition at any instant, de-registration (UC-03.05), re-assignment (UC-03.02); and the
 * cancellation of a service window. Each answers with what the principal may read of the unit after the change.
 */
export function marketUnitRoutes(registry: Registry, representation: RecordRepresentation): express.Router {
  const router = express.Router();
  const reply = async (res: Response, state: RecordState, extra: Record<string, unknown> = {}) => {
    const seen = visibleRecord(state, readersOf(res));
    res.json({ ...(seen ? await representation.json(seen.quads) : { '@id': state.iri }), ...extra });
  };

  // UC-03.03: {"add": [asset IDs], "remove": [asset IDs]}; If-Match optional (the unit's ETag).
  router.post('/market-units/:id/composition', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { unit, material } = await registry.marketUnits.changeComposition(String(req.params.id), body, versionsInIfMatch(req.get('if-match')), principalOf(res));
    await reply(res, unit, { materialChanges: material });
  });
  // UC-03.01/03.03: who was in the unit at an instant (?at=ISO date-time or date; now when absent).
  router.get('/market-units/:id/composition', async (req, res) => {
    const at = typeof req.query.at === 'string' ? new Date(req.query.at) : new Date();
    if (Number.isNaN(at.getTime())) throw new BadRequestHttpError('at is an ISO 8601 date or date-time, e.g. 2027-01-31T12:00:00Z');
    const unit = await registry.records.get(MARKET_UNIT_KIND, String(req.params.id));
    if (!visibleRecord(unit, readersOf(res))) throw new RecordNotFoundError(unit.iri);
    const members = await compositionAt(registry.store, unit.iri, at);
    res.json({ marketUnit: unit.iri, at: at.toISOString(), members: members.map((m) => ({ membership: m.iri, membershipId: idOf(m.iri), asset: m.asset, assetId: idOf(m.asset), memberSince: m.since, ...(m.until ? { memberUntil: m.until } : {}) })) });
  });
  router.post('/market-units/:id/deregistration', async (req, res) => {
    await reply(res, await registry.marketUnits.deregister(String(req.params.id), principalOf(res)));
  });
  // UC-03.02: {"gainingFSP": organisation ID, "evidence": "..."} (administrator) or {"gainingFSP", "switchId"} (gaining FSP).
  router.post('/market-units/:id/reassignment', async (req, res) => {
    await reply(res, await registry.marketUnits.reassign(String(req.params.id), (req.body ?? {}) as Record<string, unknown>, principalOf(res)));
  });
  router.post('/service-windows/:id/cancellation', async (req, res) => {
    await reply(res, await registry.serviceWindows.cancel(String(req.params.id), principalOf(res)));
  });
  return router;
}
