import express, { type Request, type Response } from 'express';
import { DataFactory } from 'n3';
import { applyN3Patch, applySparqlUpdate } from '../../domain/recordPatches.js';
import { ASSET_KIND, CONNECTION_LIMIT_KIND, type RecordKind } from '../../domain/RecordKind.js';
import { FMAR_CONTEXT_URL } from '../../rdf/namespaces.js';
import type { AccessLog } from '../../access/AccessLog.js';
import type { Principal } from '../../access/Principal.js';
import { visibleRecord } from '../../access/recordVisibility.js';
import { RecordNotFoundError } from '../../domain/errors.js';
import type { RecordService, RecordState } from '../../domain/RecordService.js';
import { principalOf, readersOf } from '../authentication.js';
import { BadRequestHttpError, HttpError, UnsupportedMediaTypeHttpError } from '../HttpError.js';
import { RECORD_MEDIA_TYPES, etagFor, negotiate, versionsInIfMatch, type RecordMediaType } from '../negotiate.js';
import type { RecordRepresentation } from '../recordRepresentation.js';
import { renderRecordPage } from '../recordPage.js';

/** The use cases behind a kind's writes: each authorises the principal and records the activity. */
export interface RecordWrites {
  /** The new record, and anything shown once beside it (an activation code). */
  create?(body: Record<string, unknown>, principal: Principal): Promise<{ state: RecordState; shownOnce?: Record<string, unknown> }>;
  /** Why POST is not offered, when `create` is absent (the registry writes these records itself). */
  createRefusal?: string;
  /** Undefined when the kind is not replaced whole (the response says what to do instead). */
  replace?(id: string, body: Record<string, unknown>, ifMatch: number[] | '*' | undefined, principal: Principal): Promise<RecordState>;
  /** Why PUT is not offered, when `replace` is absent. */
  replaceRefusal?: string;
}

export interface RecordRoutesArgs {
  kind: RecordKind;
  records: RecordService;
  representation: RecordRepresentation;
  baseIri: string;
  writes: RecordWrites;
  accessLog: AccessLog;
}

const JSON_BODY_TYPES = ['application/json', 'application/ld+json'];
const RDF_PATCH_TYPES = ['application/sparql-update', 'text/n3'] as const;

/**
 * REST for one record kind: POST /{path}, GET /{path} (cursor pages, filters on coded fields),
 * GET and PUT /{path}/{id}, GET /{path}/{id}/history and /{path}/{id}/versions/{n}.
 */
export function recordRoutes(args: RecordRoutesArgs): express.Router {
  const { kind, records } = args;
  const router = express.Router();
  const base = `/${kind.path}`;

  router.post(base, async (req, res) => {
    if (!args.writes.create) throw new HttpError(405, 'Method Not Allowed', args.writes.createRefusal ?? `${kind.className} records are not created directly`);
    const { state, shownOnce } = await args.writes.create(jsonBody(req), principalOf(res));
    res.status(201).location(state.iri);
    await send(req, res, args, state, shownOnce);
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
    const page = await records.list(kind, { limit, after: cursor, filters, readers: readersOf(res) });
    if (page.more && page.last) {
      const next = new URLSearchParams({ ...filters, limit: String(limit), cursor: page.last });
      res.set('Link', `<${args.baseIri}${kind.path}?${next}>; rel="next"`);
    }
    const items = await Promise.all(page.items.map(async (item) => withoutContext(await args.representation.json(visible(res, args, item).quads))));
    res.type('application/ld+json').json({ '@context': 'https://w3id.org/fmar/context/v1', '@id': `${args.baseIri}${req.originalUrl.slice(1)}`, items, ...(page.more ? { next: page.last } : {}) });
  });

  router.get(`${base}/:id`, async (req, res) => {
    const state = await records.get(kind, String(req.params.id));
    // UC-02.06: connection limits are part of the asset's view on request (?include=connectionLimits), as the
    // reverse of fmar:limitedAsset; only the limits the caller may read.
    if (req.query.include === 'connectionLimits' && kind === ASSET_KIND && negotiate(req, RECORD_MEDIA_TYPES).endsWith('json')) {
      const seen = visible(res, args, state);
      const limits = await records.list(CONNECTION_LIMIT_KIND, { limit: 100, filters: { limitedAsset: state.id }, readers: readersOf(res) });
      const items = await Promise.all(limits.items.map(async (l) => withoutContext(await args.representation.json(visibleRecord(l, readersOf(res))!.quads))));
      res.set('ETag', etagFor(seen.version, 'application/ld+json')).vary('Accept');
      res.type('application/ld+json').send(JSON.stringify({ ...(await args.representation.json(seen.quads)), '@context': [FMAR_CONTEXT_URL, { connectionLimits: { '@reverse': 'https://w3id.org/fmar/ontology#limitedAsset' } }], connectionLimits: items }));
      return;
    }
    await send(req, res, args, state);
  });

  router.put(`${base}/:id`, async (req, res) => {
    if (!args.writes.replace) throw new HttpError(405, 'Method Not Allowed', args.writes.replaceRefusal ?? `${kind.className} records are not replaced whole`);
    const state = await args.writes.replace(String(req.params.id), jsonBody(req), versionsInIfMatch(req.get('if-match')), principalOf(res));
    await send(req, res, args, state);
  });

  // UC-02.04: partial update, with If-Match, as a JSON Merge Patch (RFC 7396) of the record's JSON-LD view, or for RDF
  // clients as SPARQL Update or an N3 Patch (Solid Protocol) of its triples. The patch applies to the whole stored
  // record (not the caller's view of it), then goes through the same use case as PUT.
  router.patch(`${base}/:id`, express.text({ type: [...RDF_PATCH_TYPES], limit: '1mb' }), async (req, res) => {
    if (!args.writes.replace) throw new HttpError(405, 'Method Not Allowed', args.writes.replaceRefusal ?? `${kind.className} records are not changed in part`);
    const current = await records.get(kind, String(req.params.id));
    let merged: Record<string, unknown>;
    if (req.is('application/merge-patch+json')) {
      if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw new BadRequestHttpError('a merge patch is one JSON object');
      const { '@context': _context, ...view } = await args.representation.json(current.quads);
      merged = mergePatch(view, req.body as Record<string, unknown>) as Record<string, unknown>;
    } else if (req.is([...RDF_PATCH_TYPES])) {
      const text = typeof req.body === 'string' ? req.body : '';
      const triples = current.quads.map((q) => DataFactory.quad(q.subject, q.predicate, q.object));
      const next = req.is('application/sparql-update') ? applySparqlUpdate(triples, text) : applyN3Patch(triples, text, current.iri);
      const { '@context': _context, ...json } = await args.representation.json(next);
      merged = json;
    } else {
      throw new UnsupportedMediaTypeHttpError(`send application/merge-patch+json, application/sparql-update or text/n3, not ${req.get('content-type') ?? 'no content type'}`, { accepted: ['application/merge-patch+json', ...RDF_PATCH_TYPES] });
    }
    const state = await args.writes.replace(String(req.params.id), merged, versionsInIfMatch(req.get('if-match')), principalOf(res));
    await send(req, res, args, state);
  });

  router.get(`${base}/:id/history`, async (req, res) => {
    visible(res, args, await records.get(kind, String(req.params.id)));
    const history = await records.history(kind, String(req.params.id), readersOf(res));
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

/**
 * The part of a record the principal may read (404 when they may not read it at all, so that a record's
 * existence is not disclosed); reading personal values is logged (UC-05.01).
 */
function visible(res: Response, args: RecordRoutesArgs, state: RecordState, logPersonal = true): RecordState {
  const seen = visibleRecord(state, readersOf(res));
  if (!seen) throw new RecordNotFoundError(state.iri);
  if (logPersonal && seen.personalGraphs.length) args.accessLog.record({ principal: principalOf(res), channel: 'REST', graphs: seen.personalGraphs, at: new Date() });
  return { ...state, quads: seen.quads };
}

/** Sends a record as negotiated; a write's own response echoes what was sent, which is not logged as a read. */
async function send(req: Request, res: Response, args: RecordRoutesArgs, written: RecordState, shownOnce?: Record<string, unknown>): Promise<void> {
  const state = visible(res, args, written, req.method === 'GET');
  const mediaType: RecordMediaType = negotiate(req, RECORD_MEDIA_TYPES);
  res.set('ETag', etagFor(state.version, mediaType)).vary('Accept');
  if (mediaType === 'application/ld+json' || mediaType === 'application/json') {
    res.type(mediaType).send(JSON.stringify({ ...(await args.representation.json(state.quads)), ...shownOnce }));
  } else if (mediaType === 'text/html') {
    res.type('text/html').send(renderRecordPage(args.kind, state, await args.representation.json(state.quads), args.baseIri));
  } else {
    if (shownOnce) res.set('FMAR-Shown-Once', JSON.stringify(shownOnce));
    res.type(mediaType).send(await args.representation.text(state.quads, mediaType));
  }
}

function withoutContext(node: Record<string, unknown>): Record<string, unknown> {
  const { '@context': _context, ...rest } = node;
  return rest;
}

/** RFC 7396 §2: objects merge member by member, null removes a member, anything else replaces the target. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}
