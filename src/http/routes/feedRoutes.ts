import express from 'express';
import { FMAR_EVENTS, type FeedEvent } from '../../domain/ChangeFeed.js';
import { FMAR_CONTEXT_URL, PROV } from '../../rdf/namespaces.js';
import type { Registry } from '../../registry.js';
import { readersOf } from '../authentication.js';
import { BadRequestHttpError } from '../HttpError.js';

/** The feed's own terms, on top of the FMAR context: events are PROV activities typed by the events vocabulary. */
const FEED_CONTEXT = {
  ev: FMAR_EVENTS,
  prov: PROV,
  items: { '@id': 'ev:items', '@container': '@list' },
  next: 'ev:next',
  more: 'ev:more',
  position: 'ev:position',
  activity: '@id',
  type: '@type',
  record: { '@id': 'ev:record', '@type': '@id' },
  recordType: 'ev:recordType',
  version: 'ev:version',
  useCase: 'ev:useCase',
  agent: { '@id': 'prov:wasAssociatedWith', '@type': '@id' },
  onBehalfOf: { '@id': 'prov:actedOnBehalfOf', '@type': '@id' },
  at: { '@id': 'prov:startedAtTime', '@type': 'http://www.w3.org/2001/XMLSchema#dateTime' },
  statusFrom: 'ev:statusFrom',
  statusTo: 'ev:statusTo',
  changedFields: { '@id': 'ev:changedField', '@container': '@set' },
  materialFields: { '@id': 'ev:materialField', '@container': '@set' },
};

/**
 * GET /feed?after={position}&limit={n}&type={EventType,...}: registry events in journal order (docs/feed.md),
 * only those the caller may read. `next` is the cursor to send as `after`; it is stable (a journal sequence).
 */
export function feedRoutes(registry: Registry): express.Router {
  const router = express.Router();
  router.get('/feed', async (req, res) => {
    const after = req.query.after === undefined ? 0 : Number(req.query.after);
    if (!Number.isInteger(after) || after < 0) throw new BadRequestHttpError('after is a position (a whole number from 0) from a previous page\'s next');
    const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new BadRequestHttpError('limit must be a whole number from 1 to 1000');
    const types = typeof req.query.type === 'string' ? new Set(req.query.type.split(',').map((t) => t.trim()).filter(Boolean)) : undefined;
    const page = await registry.feed.page(after, limit, readersOf(res), types);
    const query = (position: number) => new URLSearchParams({ after: String(position), limit: String(limit), ...(types ? { type: [...types].join(',') } : {}) });
    if (page.more) res.set('Link', `<${registry.config.baseIri}feed?${query(page.next)}>; rel="next"`);
    res.type('application/ld+json').json({
      '@context': [FMAR_CONTEXT_URL, FEED_CONTEXT],
      '@id': `${registry.config.baseIri}${req.originalUrl.slice(1)}`,
      items: page.events.map((e: FeedEvent) => ({ ...e, type: `ev:${e.type}` })),
      next: page.next,
      more: page.more,
    });
  });
  return router;
}
