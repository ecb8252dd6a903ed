import { createHash } from 'node:crypto';
import type { ModelQueries } from '../ontology/modelQueries.js';
import { XSD } from '../rdf/namespaces.js';
import type { BulkRowKeys } from './BulkRowKeys.js';
import type { InvalidRecordResult } from './errors.js';
import { batchesOf, pipelined } from './batchPipeline.js';
import { ASSET_KIND } from './RecordKind.js';
import type { Actor, BulkRow, RecordService } from './RecordService.js';

/** One row of an upload, as the format reader found it: its position, body and row key, or why it could not be read. */
export interface BulkUploadRow {
  /** 1 for the first record of the upload (CSV: the first row after the header). */
  row: number;
  body: Record<string, unknown>;
  rowKey?: string;
  /** Problems reading the row (bad JSON, wrong cell count...): the row is rejected with them. */
  errors?: InvalidRecordResult[];
}

/** What became of one row: registered now, registered by an earlier upload with the same row key, or refused. */
export type BulkReportRow =
  | { row: number; rowKey?: string; status: 'created'; assetId: string; warnings?: InvalidRecordResult[] }
  | { row: number; rowKey?: string; status: 'existing'; assetId: string }
  | { row: number; rowKey?: string; status: 'rejected'; errors: InvalidRecordResult[] };

export interface BulkRegistrationArgs {
  records: RecordService;
  keys: BulkRowKeys;
  model: ModelQueries;
  baseIri: string;
  /** Rows registered per batch: validated together, then committed together, the next batch validated meanwhile (default 256, as createMany). */
  batchSize?: number;
}

const ROW_KEY_LIMIT = 200;

/**
 * Bulk registration of assets (issue #7, UC-02.02 for many): every row is validated and written on its own
 * through `RecordService.createMany`, as POST /assets would write it, and reported on its own.
 *
 * - Fields the registry assigns (`assetId`, status, dates, version, `responsibleFSP`, `@id`) are dropped from
 *   every row, so that an export can be uploaded back; the uploader's organisation becomes responsible.
 * - A row with a `rowKey` is registered once per organisation: a later row with the same key and the same
 *   values reports the asset registered before (`existing`) and writes nothing; with other values it is
 *   refused, naming the field `rowKey`. A key repeated within one upload is refused too.
 * - The key is committed in its asset's own transaction: an asset is never durable without its key, so a retry
 *   after a crash finds every key whose asset exists.
 */
export class BulkRegistration {
  private readonly systemFields: Set<string>;
  private readonly numericFields: Set<string>;

  constructor(private readonly args: BulkRegistrationArgs) {
    const properties = args.model.propertiesOf(ASSET_KIND.classIri);
    this.systemFields = new Set(['@id', ...properties.filter((p) => p.systemAssigned).map((p) => p.jsonName)]);
    this.numericFields = new Set(properties.filter((p) => p.range === `${XSD}decimal` || p.range === `${XSD}integer`).map((p) => p.jsonName));
  }

  /** Registers the rows for the actor (its organisation is the responsible FSP); one report row per row, in order. */
  async *register(rows: Iterable<BulkUploadRow> | AsyncIterable<BulkUploadRow>, actor: Actor): AsyncGenerator<BulkReportRow> {
    const keysInUpload = new Map<string, number>();
    // Batches start in upload order (a repeated row key is caught by the first row's batch, synchronously).
    yield* pipelined(batchesOf(rows, this.args.batchSize ?? 256), (batch) => this.registerBatch(batch, actor, keysInUpload));
  }

  private async registerBatch(rows: BulkUploadRow[], actor: Actor, keysInUpload: Map<string, number>): Promise<BulkReportRow[]> {
    const organisation = actor.onBehalfOf ?? actor.agentIri;
    const report = new Map<number, BulkReportRow>();
    const candidates: { row: BulkUploadRow; body: Record<string, unknown>; rowHash?: string }[] = [];
    for (const row of rows) {
      const keyed = row.rowKey === undefined ? {} : { rowKey: row.rowKey };
      const problems = [...(row.errors ?? []), ...rowKeyProblems(row.rowKey)];
      // requirements §11: a consumer-owned asset is registered on a consent verified in real time, one at a time.
      if (row.body.consumerOwned === true || row.body.consumerOwned === 'true') problems.push({ severity: 'Violation', field: 'consumerOwned', value: 'true', message: 'consumer-owned assets are registered with POST /assets, where the consumer\'s consent is verified with the Consumer Consent Solution' });
      const first = row.rowKey === undefined ? undefined : keysInUpload.get(row.rowKey);
      if (first !== undefined) problems.push({ severity: 'Violation', field: 'rowKey', value: row.rowKey, message: `the row key repeats row ${first} of this upload; give every row its own key` });
      if (row.rowKey !== undefined && first === undefined) keysInUpload.set(row.rowKey, row.row);
      if (problems.length) {
        report.set(row.row, { row: row.row, ...keyed, status: 'rejected', errors: problems });
        continue;
      }
      const body = this.withoutSystemFields(row.body);
      candidates.push({ row, body, ...(row.rowKey === undefined ? {} : { rowHash: this.rowHash(body) }) });
    }
    const rowKeys = candidates.flatMap((c) => (c.row.rowKey === undefined ? [] : [c.row.rowKey]));
    const release = await this.args.keys.reserve(organisation, rowKeys);
    try {
      const known = await this.args.keys.lookup(organisation, rowKeys);
      const toCreate: (BulkRow & { rowKey?: string; rowHash?: string })[] = [];
      for (const c of candidates) {
        const before = c.row.rowKey === undefined ? undefined : known.get(c.row.rowKey);
        if (!before) toCreate.push({ row: c.row.row, body: c.body, rowKey: c.row.rowKey, rowHash: c.rowHash });
        else if (before.rowHash === c.rowHash) report.set(c.row.row, { row: c.row.row, rowKey: c.row.rowKey, status: 'existing', assetId: this.assetId(before.assetIri) });
        else report.set(c.row.row, { row: c.row.row, rowKey: c.row.rowKey, status: 'rejected', errors: [{ severity: 'Violation', field: 'rowKey', value: c.row.rowKey, message: `the row key was used before for asset ${this.assetId(before.assetIri)} with other values; a retry must send the same values, a new asset needs a new key` }] });
      }
      const keyed = new Map(toCreate.map((r) => [r.row, r]));
      const rows = toCreate.map(({ row, body, rowKey, rowHash }): BulkRow => ({
        row,
        body,
        ...(rowKey === undefined ? {} : { also: (assetIri: string) => this.args.keys.quads(organisation, actor.agentIri, [{ rowKey, assetIri, rowHash: rowHash! }]) }),
      }));
      for await (const outcome of this.args.records.createMany(ASSET_KIND, rows, actor, { batchSize: Math.max(1, toCreate.length) })) {
        const { rowKey } = keyed.get(outcome.row)!;
        const key = rowKey === undefined ? {} : { rowKey };
        if (outcome.status === 'created') {
          report.set(outcome.row, { row: outcome.row, ...key, status: 'created', assetId: outcome.id, ...(outcome.warnings.length ? { warnings: outcome.warnings } : {}) });
        } else {
          report.set(outcome.row, { row: outcome.row, ...key, status: 'rejected', errors: outcome.error.results.length ? outcome.error.results : [{ severity: 'Violation', message: outcome.error.message }] });
        }
      }
    } finally {
      release();
    }
    return rows.map((r) => report.get(r.row)!);
  }

  private withoutSystemFields(body: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(body).filter(([k]) => !this.systemFields.has(k)));
  }

  /**
   * A digest of the row's values that does not depend on how the upload wrote them: keys sorted, values as
   * text, numbers by value (5000, "5000" and "5000.00" are one capacity), `@context` and `@type` left out.
   */
  rowHash(body: Record<string, unknown>): string {
    const canonical = Object.keys(body)
      .filter((k) => k !== '@context' && k !== '@type' && body[k] !== null && body[k] !== undefined)
      .sort()
      .map((k) => [k, [body[k]].flat().map((v) => (this.numericFields.has(k) && Number.isFinite(Number(v)) && String(v).trim() !== '' ? String(Number(v)) : String(v)))]);
    return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
  }

  private assetId(iri: string): string {
    return iri.slice(`${this.args.baseIri}${ASSET_KIND.path}/`.length);
  }
}

/** A row key is a client's identifier of the row: up to 200 printable characters. */
function rowKeyProblems(rowKey: string | undefined): InvalidRecordResult[] {
  if (rowKey === undefined) return [];
  if (!rowKey.length || rowKey.length > ROW_KEY_LIMIT || /[\u0000-\u001f\u007f]/.test(rowKey)) {
    return [{ severity: 'Violation', field: 'rowKey', value: rowKey.slice(0, ROW_KEY_LIMIT), message: `a row key is 1 to ${ROW_KEY_LIMIT} printable characters` }];
  }
  return [];
}
