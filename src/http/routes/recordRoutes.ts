import express, { type Request, type Response } from 'express';
import type { RecordKind } from '../../domain/RecordKind.js';
import { isHttpIri } from '../../rdf/iri.js';
import type { Actor, RecordService, RecordState } from '../../domain/RecordService.js';
import { BadRequestHttpError, UnsupportedMediaTypeHttpError } from '../HttpError.js';
import { RECORD_MEDIA_TYPES, etagFor, negotiate, versionsInIfMatch, type RecordMediaType } from '../negotiate.js';
import type { RecordRepresentation } from '../recordRepresentation.js';
import { renderRecordPage } from '../recordPage.js';

export interface RecordRoutesArgs {
  kind: RecordKind;
  records: RecordService;
  representation: RecordRepresentation;
  baseIri: string;
  requireWriter: express.RequestHandler;
  /** The agent IRI of the bootstrap administrator, until principals arrive (issue #6). */
  adminAgent: string;
}

const JSON_BODY_TYPES = ['application/json', 'application/ld+json'];

/**
 * REST for one record kind: POST /{path}, GET /{path} (cursor pages, filters on coded fields),
 * GET and PUT /{path}/{id}, GET /{path}/{id}/history and /{path}/{id}/versions/{n}.
 */
export function recordRoutes(args: RecordRoutesArgs): express.Router {
  const { kind, records } = args;
  const router = express.Router();
  const base = `/${kind.path}`;

  router.post(base, args.requireWriter, async (req, res) => {
    const state = await records.create(kind, jsonBody(req), actor(req, args));
    res.status(201).location(state.iri);
    await send(req, res, args, state);
  });

  router.get(base, async (req, res) => {
    const limit = req.query.limit === undefined ? 20 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new BadRequestHttpError('limit must be a whole number from 1 to 100');
    const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
    const filters: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.query)) {
      if (key === 'limit' || key === 'cursor') continue;
      if (typeof value !== 'string') throw new BadRequestHttpError(`query parameter ${key} must be given once`);
      filters[key] = value;
    }
    const page = await records.list(kind, { limit, after: cursor, filters });
    if (page.more && page.last) {
      const next = new URLSearchParams({ ...filters, limit: String(limit), cursor: page.last });
      res.set('Link', `<${args.baseIri}${kind.path}?${next}>; rel="next"`);
    }
    const items = await Promise.all(page.items.map(async (item) => withoutContext(await args.representation.json(item.quads))));
    res.type('application/ld+json').json({ '@context': 'https://w3id.org/fmar/context/v1', '@id': `${args.baseIri}${req.originalUrl.slice(1)}`, items, ...(page.more ? { next: page.last } : {}) });
  });

  router.get(`${base}/:id`, async (req, res) => {
    await send(req, res, args, await records.get(kind, String(req.params.id)));
  });

  router.put(`${base}/:id`, args.requireWriter, async (req, res) => {
    const state = await records.replace(kind, String(req.params.id), jsonBody(req), versionsInIfMatch(req.get('if-match')), actor(req, args));
    await send(req, res, args, state);
  });

  router.get(`${base}/:id/history`, async (req, res) => {
    const history = await records.history(kind, String(req.params.id));
    res.json({ record: records.recordIri(kind, String(req.params.id)), versions: history });
  });

  router.get(`${base}/:id/versions/:version`, async (req, res) => {
    const version = Number(req.params.version);
    if (!Number.isInteger(version) || version < 1) throw new BadRequestHttpError('a version is a whole number from 1');
    await send(req, res, args, await records.getVersion(kind, String(req.params.id), version));
  });

  return router;
}

function jsonBody(req: Request): Record<string, unknown> {
  if (!req.is(JSON_BODY_TYPES)) throw new UnsupportedMediaTypeHttpError(`send the record as ${JSON_BODY_TYPES.join(' or ')}, not ${req.get('content-type') ?? 'no content type'}`, { accepted: JSON_BODY_TYPES });
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw new BadRequestHttpError('the body must be one JSON object (a record)');
  return req.body as Record<string, unknown>;
}

/** The acting organisation, for kinds whose records belong to one (FMAR-On-Behalf-Of: ID or IRI). */
function actor(req: Request, args: RecordRoutesArgs): Actor {
  const header = req.get('fmar-on-behalf-of');
  if (!header) {
    if (args.kind.responsibleOrganisationField && req.method === 'POST') {
      throw new BadRequestHttpError(`a new ${args.kind.className} belongs to a flexibility service provider: name it with the FMAR-On-Behalf-Of header (its organisation ID)`);
    }
    return { agentIri: args.adminAgent };
  }
  const iri = /^https?:\/\//.test(header) ? header : `${args.baseIri}organisations/${header}`;
  if (!isHttpIri(iri)) throw new BadRequestHttpError('FMAR-On-Behalf-Of must be an organisation ID or IRI');
  return { agentIri: args.adminAgent, onBehalfOf: iri };
}

async function send(req: Request, res: Response, args: RecordRoutesArgs, state: RecordState): Promise<void> {
  const mediaType: RecordMediaType = negotiate(req, RECORD_MEDIA_TYPES);
  res.set('ETag', etagFor(state.version, mediaType)).vary('Accept');
  if (mediaType === 'application/ld+json' || mediaType === 'application/json') {
    res.type(mediaType).send(JSON.stringify(await args.representation.json(state.quads)));
  } else if (mediaType === 'text/html') {
    res.type('text/html').send(renderRecordPage(args.kind, state, await args.representation.json(state.quads), args.baseIri));
  } else {
    res.type(mediaType).send(await args.representation.text(state.quads, mediaType));
  }
}

function withoutContext(node: Record<string, unknown>): Record<string, unknown> {
  const { '@context': _context, ...rest } = node;
  return rest;
}
