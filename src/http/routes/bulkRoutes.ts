import express, { type Request, type Response } from 'express';
import { authorizeAssetWrite } from '../../access/AccessPolicy.js';
import { isAdministrator } from '../../access/Principal.js';
import { BulkRegistration, type BulkReportRow } from '../../domain/BulkRegistration.js';
import { BulkRowKeys } from '../../domain/BulkRowKeys.js';
import { BulkUpload, BulkUploads, type BulkUploadsOptions } from '../../domain/BulkUploads.js';
import { ASSET_KIND } from '../../domain/RecordKind.js';
import type { Actor } from '../../domain/RecordService.js';
import { RecordCsvFormat } from '../../domain/RecordCsvFormat.js';
import type { Registry } from '../../registry.js';
import { principalOf } from '../authentication.js';
import { BULK_REPORT_TYPES, bulkReportCsv, bulkReportJson } from '../bulkReport.js';
import { bulkUploadFormat, bulkUploadRows, withColumns, type BulkUploadFormat } from '../bulkUploadBody.js';
import { NotAcceptableHttpError, NotFoundHttpError } from '../HttpError.js';
import { negotiate } from '../negotiate.js';

interface BulkRequest {
  actor: Actor;
  format: BulkUploadFormat;
  reportType: (typeof BULK_REPORT_TYPES)[number];
}

export interface BulkRoutesOptions extends BulkUploadsOptions {
  /** Largest NDJSON or CSV upload in bytes (default 256 MiB). JSON-LD bodies are read by the app's JSON parser, within FMAR_BODY_LIMIT. */
  uploadLimitBytes?: number;
  /** Rows registered per batch (default 256). */
  batchSize?: number;
}

/**
 * Bulk registration of assets (issue #7):
 * - POST /assets/bulk with NDJSON, a JSON-LD `@graph` document or CSV with the export's columns: every row is
 *   validated and written on its own; the answer is the per-row report (JSON, or CSV by Accept).
 * - With `Prefer: respond-async` (RFC 7240 §4.1) the upload runs in the background: 202 with Location
 *   /bulk-uploads/{id}, whose GET shows the rows done, accepted and rejected and, once finished, the report.
 * Rows with a `rowKey` are registered once per organisation, so a retried upload creates no duplicates.
 */
export function bulkRoutes(registry: Registry, options: BulkRoutesOptions = {}): express.Router {
  const router = express.Router();
  const csv = new RecordCsvFormat(registry.model, ASSET_KIND.classIri);
  const keys = new BulkRowKeys({ store: registry.store, baseIri: registry.config.baseIri });
  const bulk = new BulkRegistration({ records: registry.records, keys, model: registry.model, baseIri: registry.config.baseIri, batchSize: options.batchSize });
  const uploads = new BulkUploads(options);
  const raw = express.raw({ type: ['application/x-ndjson', 'text/csv'], limit: options.uploadLimitBytes ?? 256 * 1024 * 1024 });

  router.post(
    '/assets/bulk',
    // UC-02.02, requirements §10: the same right as POST /assets (an FSP's writers, a delegate with REGISTER_ASSET, an
    // administrator naming the FSP). Authorised, and the formats checked, before the body is read: a refused client need not send the file.
    (req, res, next) => {
      res.locals.bulk = { actor: authorizeAssetWrite(principalOf(res), 'REGISTER_ASSET'), format: bulkUploadFormat(req), reportType: negotiate(req, BULK_REPORT_TYPES) } satisfies BulkRequest;
      next();
    },
    raw,
    async (req, res) => {
      const { actor, format, reportType } = res.locals.bulk as BulkRequest;
      const upload = bulkUploadRows(format, req.body, csv);
      const job = new BulkUpload(principalOf(res).agentIri, upload.count);
      const outcomes = withErrorColumns(withAuthenticityChecks(bulk.register(upload.rows, actor), registry), upload.columnOf);
      if (prefersAsync(req)) {
        uploads.start(job, outcomes, (error) => req.log?.error({ err: error, upload: job.id }, 'bulk upload failed'));
        const location = `${registry.config.baseIri}bulk-uploads/${job.id}`;
        res.status(202).location(location).set('Preference-Applied', 'respond-async').set('Retry-After', '1').json(bulkReportJson(job, location));
        return;
      }
      await job.run(outcomes);
      sendReport(res, job, reportType);
    },
  );

  router.get('/bulk-uploads/:id', (req, res) => {
    const job = uploads.get(String(req.params.id));
    const principal = principalOf(res);
    // Only the agent that uploaded (or an administrator) sees an upload; to anyone else it does not exist.
    if (!job || (job.owner !== principal.agentIri && !isAdministrator(principal))) throw new NotFoundHttpError(`no bulk upload ${req.params.id}`);
    const reportType = negotiate(req, BULK_REPORT_TYPES);
    if (reportType === 'text/csv' && !job.finished) throw new NotAcceptableHttpError('the CSV report exists once the upload has finished; ask for application/json to see its progress', { progress: job.progress() });
    if (!job.finished) res.set('Retry-After', '1');
    sendReport(res, job, reportType, `${registry.config.baseIri}bulk-uploads/${job.id}`);
  });

  return router;
}

function sendReport(res: Response, job: BulkUpload, type: (typeof BULK_REPORT_TYPES)[number], location?: string): void {
  res.vary('Accept');
  if (type === 'text/csv') res.type('text/csv').set('Content-Disposition', `attachment; filename="fmar-bulk-${job.id}.csv"`).send(bulkReportCsv(job.report));
  else res.json(bulkReportJson(job, location));
}

/** RFC 7240 §4.1: the client prefers an asynchronous response. */
function prefersAsync(req: Request): boolean {
  return (req.get('prefer') ?? '').split(',').some((p) => p.split(';')[0].trim().toLowerCase() === 'respond-async');
}

/** UC-02.02 step 3: every asset the upload registers goes through the authenticity checks after it is durable, as with POST /assets. */
async function* withAuthenticityChecks(outcomes: AsyncIterable<BulkReportRow>, registry: Registry): AsyncGenerator<BulkReportRow> {
  for await (const o of outcomes) {
    if (o.status === 'created') registry.assetVerification.schedule(o.assetId, 'UC-02.02');
    yield o;
  }
}

async function* withErrorColumns(outcomes: AsyncIterable<BulkReportRow>, columnOf: Map<string, string> | undefined): AsyncGenerator<BulkReportRow> {
  for await (const o of outcomes) {
    if (columnOf && o.status === 'rejected') yield { ...o, errors: withColumns(o.errors, columnOf) };
    else if (columnOf && o.status === 'created' && o.warnings) yield { ...o, warnings: withColumns(o.warnings, columnOf) };
    else yield o;
  }
}
