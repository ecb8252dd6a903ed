import { stringify } from 'csv-stringify/sync';
import type { BulkReportRow } from '../domain/BulkRegistration.js';
import type { BulkUpload } from '../domain/BulkUploads.js';
import type { InvalidRecordResult } from '../domain/errors.js';
import { CSV_WRITE_OPTIONS } from './assetExportWriters.js';

/** The media types a bulk report is given in (JSON first). */
export const BULK_REPORT_TYPES = ['application/json', 'text/csv'] as const;

export const BULK_REPORT_CSV_HEADER = ['row', 'rowKey', 'status', 'assetId', 'errors', 'warnings'];

/** The upload's progress, and its per-row report once it has finished, as JSON. */
export function bulkReportJson(upload: BulkUpload, location?: string): Record<string, unknown> {
  const progress = upload.progress();
  return { ...(location ? { '@id': location } : {}), ...progress, ...(upload.finished ? { report: upload.report } : {}) };
}

/**
 * The per-row report as CSV: row, rowKey, status, assetId, then the errors (of a rejected row) and warnings (of
 * an accepted one), each written `field: message` (the CSV column when the upload was CSV) and separated by ` | `.
 */
export function bulkReportCsv(report: BulkReportRow[]): string {
  const rows = report.map((r) => [
    String(r.row),
    r.rowKey ?? '',
    r.status,
    r.status === 'rejected' ? '' : r.assetId,
    r.status === 'rejected' ? describe(r.errors) : '',
    r.status === 'created' && r.warnings ? describe(r.warnings) : '',
  ]);
  return stringify([BULK_REPORT_CSV_HEADER, ...rows], CSV_WRITE_OPTIONS);
}

function describe(results: (InvalidRecordResult & { column?: string })[]): string {
  return results.map((e) => `${e.column ?? e.field ?? e.path ?? 'row'}: ${e.message}`).join(' | ');
}
