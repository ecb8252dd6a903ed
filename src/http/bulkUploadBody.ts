import { Readable } from 'node:stream';
import type { Request } from 'express';
import { parse as parseCsvStream } from 'csv-parse';
import { parse as parseCsvSync } from 'csv-parse/sync';
import type { BulkUploadRow } from '../domain/BulkRegistration.js';
import type { InvalidRecordResult } from '../domain/errors.js';
import { CsvHeaderError, ROW_KEY_COLUMN, type CsvHeaderMapping, type RecordCsvFormat } from '../domain/RecordCsvFormat.js';
import { FMAR_CONTEXT_URL } from '../rdf/namespaces.js';
import { BadRequestHttpError, UnsupportedMediaTypeHttpError } from './HttpError.js';
import { checkJsonBody, JsonBodyRejectedError } from './strictJson.js';

/** The media types POST /assets/bulk reads. */
export const BULK_UPLOAD_TYPES = ['application/x-ndjson', 'text/csv', 'application/ld+json', 'application/json'] as const;
export type BulkUploadFormat = 'ndjson' | 'csv' | 'json-ld';

/** The rows of an upload, how many there are, and (CSV) which column each field came from. */
export interface BulkUploadRows {
  format: BulkUploadFormat;
  count: number;
  rows: AsyncIterable<BulkUploadRow>;
  /** JSON name -> the header the upload gave it, to name columns in a CSV upload's errors. */
  columnOf?: Map<string, string>;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const CSV_READ_OPTIONS = { bom: true, relax_column_count: true, skip_empty_lines: true } as const;

export function bulkUploadFormat(req: Request): BulkUploadFormat {
  const type = req.is([...BULK_UPLOAD_TYPES]);
  if (!type) throw new UnsupportedMediaTypeHttpError(`send the rows as ${BULK_UPLOAD_TYPES.join(', ')}, not ${req.get('content-type') ?? 'no content type'}`, { accepted: BULK_UPLOAD_TYPES });
  const charset = /;\s*charset=("?)([^";]+)\1/i.exec(req.get('content-type') ?? '')?.[2];
  if (charset && !/^utf-?8$/i.test(charset)) throw new UnsupportedMediaTypeHttpError(`send the rows in UTF-8, not ${charset}`, { accepted: BULK_UPLOAD_TYPES });
  return type === 'application/x-ndjson' ? 'ndjson' : type === 'text/csv' ? 'csv' : 'json-ld';
}

/**
 * The rows of an upload whose body has been read: NDJSON and CSV from the raw body (a Buffer), a JSON-LD
 * document (`@graph`, or a JSON array of records) from the parsed JSON. Anything wrong with the upload as a
 * whole (not UTF-8, a CSV header that is not the export's columns, broken CSV quoting, no rows) is a 400
 * before any row is written; anything wrong with one row rejects that row only.
 */
export function bulkUploadRows(format: BulkUploadFormat, body: unknown, csv: RecordCsvFormat): BulkUploadRows {
  if (format === 'json-ld') return graphRows(body);
  if (!Buffer.isBuffer(body)) throw new BadRequestHttpError('the upload has no body');
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw new BadRequestHttpError('the upload is not valid UTF-8');
  }
  return format === 'ndjson' ? ndjsonRows(text) : csvRows(text, csv);
}

/** NDJSON: one JSON object per line; blank lines are skipped. A line that is not a JSON object rejects that row. */
function ndjsonRows(text: string): BulkUploadRows {
  const count = [...nonBlankLines(text)].length;
  if (!count) throw new BadRequestHttpError('the upload has no rows');
  async function* rows(): AsyncGenerator<BulkUploadRow> {
    let row = 0;
    for (const line of nonBlankLines(text)) {
      row++;
      let parsed: unknown;
      try {
        checkJsonBody(Buffer.from(line));
        parsed = JSON.parse(line);
      } catch (error) {
        const message = error instanceof JsonBodyRejectedError ? error.message.replace('the body', 'the line') : `the line is not valid JSON: ${(error as Error).message}`;
        yield { row, body: {}, errors: [{ severity: 'Violation', message }] };
        continue;
      }
      yield recordRow(row, parsed);
    }
  }
  return { format: 'ndjson', count, rows: rows() };
}

function* nonBlankLines(text: string): Generator<string> {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    if (line.trim()) yield line;
    start = end + 1;
  }
}

/** A JSON-LD document with `@graph` (the top-level `@context`, if any, must be the FMAR context), or a JSON array. */
function graphRows(body: unknown): BulkUploadRows {
  let items: unknown[];
  if (Array.isArray(body)) items = body;
  else if (body && typeof body === 'object' && Array.isArray((body as Record<string, unknown>)['@graph'])) {
    const context = (body as Record<string, unknown>)['@context'];
    if (context !== undefined && context !== FMAR_CONTEXT_URL) throw new BadRequestHttpError(`the document's @context must be "${FMAR_CONTEXT_URL}" (contexts are never fetched) or absent`);
    const extra = Object.keys(body).filter((k) => k !== '@context' && k !== '@graph');
    if (extra.length) throw new BadRequestHttpError(`a bulk JSON-LD document holds only @context and @graph, not ${extra.join(', ')}`);
    items = (body as Record<string, unknown>)['@graph'] as unknown[];
  } else throw new BadRequestHttpError('send a JSON-LD document with "@graph": [ records ], or a JSON array of records');
  if (!items.length) throw new BadRequestHttpError('the upload has no rows');
  async function* rows(): AsyncGenerator<BulkUploadRow> {
    for (const [i, item] of items.entries()) yield recordRow(i + 1, item);
  }
  return { format: 'json-ld', count: items.length, rows: rows() };
}

/** A JSON row: an object whose `rowKey`, if any, is the client's key (a string) and the rest the record body. */
function recordRow(row: number, item: unknown): BulkUploadRow {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return { row, body: {}, errors: [{ severity: 'Violation', message: 'a row is one JSON object (a record)' }] };
  const { [ROW_KEY_COLUMN]: rowKey, ...body } = item as Record<string, unknown>;
  if (rowKey === undefined) return { row, body };
  if (typeof rowKey !== 'string') return { row, body, errors: [{ severity: 'Violation', field: ROW_KEY_COLUMN, value: JSON.stringify(rowKey), message: 'a row key is a string' }] };
  return { row, body, rowKey };
}

/**
 * CSV with the export's columns. The whole file is parsed once first without keeping the records (broken
 * quoting or a wrong header refuses the upload before anything is written, and the rows are counted), then
 * again as a stream as the rows are registered.
 */
function csvRows(text: string, csv: RecordCsvFormat): BulkUploadRows {
  let header: string[] | undefined;
  let count = 0;
  try {
    parseCsvSync(text, { ...CSV_READ_OPTIONS, on_record: (record: string[]) => {
      if (header) count++;
      else header = record;
      return null;
    } });
  } catch (error) {
    throw new BadRequestHttpError(`the upload is not readable CSV: ${(error as Error).message}`);
  }
  if (!header) throw new BadRequestHttpError('the upload has no header row');
  let mapping: CsvHeaderMapping;
  try {
    mapping = csv.readHeader(header);
  } catch (error) {
    if (error instanceof CsvHeaderError) throw new BadRequestHttpError(error.message, { errors: error.problems });
    throw error;
  }
  if (!count) throw new BadRequestHttpError('the upload has a header but no rows');
  const columnOf = new Map<string, string>();
  mapping.forEach((m, i) => {
    if (m.kind !== 'rowKey') columnOf.set(m.column.jsonName, header![i]);
  });
  async function* rows(): AsyncGenerator<BulkUploadRow> {
    const parser = Readable.from(chunksOf(text)).pipe(parseCsvStream(CSV_READ_OPTIONS));
    let row = -1;
    for await (const cells of parser as AsyncIterable<string[]>) {
      row++;
      if (row === 0) continue;
      const { body, rowKey, errors } = csv.record(mapping, cells);
      yield { row, body, ...(rowKey !== undefined ? { rowKey } : {}), ...(errors.length ? { errors } : {}) };
    }
  }
  return { format: 'csv', count, rows: rows(), columnOf };
}

/** The text in pieces (never splitting a surrogate pair), so the CSV stream parses as the rows are consumed rather than all at once. */
function* chunksOf(text: string, size = 64 * 1024): Generator<string> {
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield text.slice(start, end);
    start = end;
  }
}

/** Names the CSV column of each error that names a field, so a spreadsheet user finds the cell. */
export function withColumns(errors: InvalidRecordResult[], columnOf: Map<string, string> | undefined): (InvalidRecordResult & { column?: string })[] {
  if (!columnOf) return errors;
  return errors.map((e) => (e.field && columnOf.has(e.field) ? { ...e, column: columnOf.get(e.field) } : e.field === ROW_KEY_COLUMN ? { ...e, column: ROW_KEY_COLUMN } : e));
}
