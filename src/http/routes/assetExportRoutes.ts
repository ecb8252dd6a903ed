import express, { type Request } from 'express';
import { authorizeExport } from '../../access/AccessPolicy.js';
import { assetExportPages } from '../../domain/AssetExport.js';
import { ASSET_KIND } from '../../domain/RecordKind.js';
import { RecordCsvFormat } from '../../domain/RecordCsvFormat.js';
import { FlatRecordCodec } from '../../rdf/FlatRecordCodec.js';
import { FMAR_CONTEXT_URL } from '../../rdf/namespaces.js';
import type { Registry } from '../../registry.js';
import { ASSET_EXPORT_EXTENSIONS, ASSET_EXPORT_FORMATS, assetExportWriter, type AssetExportFormat } from '../assetExportWriters.js';
import { principalOf, readersOf } from '../authentication.js';
import { BadRequestHttpError } from '../HttpError.js';
import { negotiate } from '../negotiate.js';
import type { RecordRepresentation } from '../recordRepresentation.js';
import { writeWithBackPressure } from '../writeWithBackPressure.js';

/**
 * UC-02.05 Export Asset Data: GET /assets/export?format=csv|jsonld|turtle|nquads (or by Accept; CSV when the
 * client takes anything). The assets the principal may read, each cut to its readable parts, by the same policy
 * as REST (docs/access.md), optionally filtered as GET /assets is (`?assetCategory=BESS`). Streamed page by page,
 * reading the next page only once the client has drained the last, so memory stays at one page whatever the
 * portfolio's size. Needs credentials (a platform: EXPORT_ASSETS in its grant) and is logged (UC-05.01).
 * Registered before the record routes so that `export` is not taken for an asset ID.
 */
/**
 * Assets per page. Each page is one `RecordService.list` query, whose cost grows with the number of assets in the
 * store (about 75 ms at 5k assets on the embedded store, measured), so large pages keep a 100k export from
 * spending most of its time re-running that query; a page of 1000 is a few MB of quads at most.
 */
const EXPORT_PAGE_SIZE = 1000;

export function assetExportRoutes(registry: Registry, representation: RecordRepresentation, options: { pageSize?: number } = {}): express.Router {
  const router = express.Router();
  const csv = new RecordCsvFormat(registry.model, ASSET_KIND.classIri);
  // Values as written (decimals keep their lexical form in CSV cells).
  const lexicalJson = FlatRecordCodec.load(registry.documentLoader, { contextUrl: FMAR_CONTEXT_URL, nativeTypes: new Map() });

  router.get('/assets/export', async (req, res) => {
    const principal = principalOf(res);
    // UC-02.05, requirements §10: credentials needed; a platform only with EXPORT_ASSETS delegated.
    authorizeExport(principal);
    const format = exportFormat(req);
    const { format: _format, ...rest } = req.query;
    const filters: Record<string, string> = {};
    for (const [key, value] of Object.entries(rest)) {
      if (typeof value !== 'string') throw new BadRequestHttpError(`query parameter ${key} must be given once`);
      filters[key] = value;
    }
    const pages = assetExportPages(registry.records, { readers: readersOf(res), filters, pageSize: options.pageSize ?? EXPORT_PAGE_SIZE });
    // The first page is read before anything is sent, so that a bad filter is still a proper error response.
    let next = await pages.next();
    const writer = assetExportWriter(format, { csv, lexicalJson: await lexicalJson, json: (a) => representation.json(a.quads) });
    registry.accessLog.record({ principal, channel: 'export', query: `GET ${req.originalUrl}`, at: new Date() });
    res.type(ASSET_EXPORT_FORMATS[format]).vary('Accept').set('Content-Disposition', `attachment; filename="fmar-assets.${ASSET_EXPORT_EXTENSIONS[format]}"`);
    try {
      if (!(await writeWithBackPressure(res, writer.start()))) return;
      while (!next.done) {
        if (!(await writeWithBackPressure(res, await writer.page(next.value)))) return void (await pages.return(undefined));
        next = await pages.next();
      }
      res.end(await writer.end());
    } catch (error) {
      // Headers (and part of the file) are out: cut the connection so the client cannot take a partial file for a whole one.
      req.log?.error({ err: error }, 'asset export failed part-way');
      res.destroy(error as Error);
    }
  });

  return router;
}

/** `?format=` when given (400 for an unknown one), else the Accept header (406 when none is offered). */
function exportFormat(req: Request): AssetExportFormat {
  const asked = req.query.format;
  if (asked !== undefined) {
    if (typeof asked !== 'string' || !(asked in ASSET_EXPORT_FORMATS)) throw new BadRequestHttpError(`format is one of ${Object.keys(ASSET_EXPORT_FORMATS).join(', ')}`);
    return asked as AssetExportFormat;
  }
  const mediaType = negotiate(req, Object.values(ASSET_EXPORT_FORMATS));
  return (Object.keys(ASSET_EXPORT_FORMATS) as AssetExportFormat[]).find((f) => ASSET_EXPORT_FORMATS[f] === mediaType)!;
}
