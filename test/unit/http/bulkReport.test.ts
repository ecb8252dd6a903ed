import assert from 'node:assert/strict';
import { parse as parseCsv } from 'csv-parse/sync';
import type { BulkReportRow } from '../../../src/domain/BulkRegistration.js';
import { BulkUpload } from '../../../src/domain/BulkUploads.js';
import { BULK_REPORT_CSV_HEADER, bulkReportCsv, bulkReportJson } from '../../../src/http/bulkReport.js';

const REPORT: BulkReportRow[] = [
  { row: 1, rowKey: 'k1', status: 'created', assetId: 'a1', warnings: [{ severity: 'Warning', field: 'importMPAN', message: 'check digit, "soft"' }] },
  { row: 2, status: 'existing', assetId: 'a0' },
  { row: 3, rowKey: 'k3', status: 'rejected', errors: [{ severity: 'Violation', field: 'ratedCapacity', message: 'must be positive' }, { severity: 'Violation', message: 'a second, rowless problem' }] },
];

async function* rows(): AsyncGenerator<BulkReportRow> {
  yield* REPORT;
}

describe('bulk reports', () => {
  it('writes CSV: row, rowKey, status, assetId, then errors and warnings as "field: message" joined by " | "', () => {
    const [header, ...lines] = parseCsv(bulkReportCsv(REPORT)) as string[][];
    assert.deepEqual(header, BULK_REPORT_CSV_HEADER);
    assert.deepEqual(lines, [
      ['1', 'k1', 'created', 'a1', '', 'importMPAN: check digit, "soft"'],
      ['2', '', 'existing', 'a0', '', ''],
      ['3', 'k3', 'rejected', '', 'ratedCapacity: must be positive | row: a second, rowless problem', ''],
    ]);
    const column = parseCsv(bulkReportCsv([{ row: 4, status: 'rejected', errors: [{ severity: 'Violation', field: 'ratedCapacity', column: 'rated capacity', message: 'm' } as never] }])) as string[][];
    assert.equal(column[1][4], 'rated capacity: m', 'the CSV column when the upload was CSV');
  });

  it('gives the progress as JSON, and the report only once the upload has finished', async () => {
    const upload = new BulkUpload('agent', 3);
    const running = bulkReportJson(upload, 'https://registry.test/bulk-uploads/x');
    assert.equal(running['@id'], 'https://registry.test/bulk-uploads/x');
    assert.equal(running.status, 'running');
    assert.equal(running.report, undefined);
    await upload.run(rows());
    const finished = bulkReportJson(upload);
    assert.deepEqual([finished.status, finished.rows, finished.rowsDone, finished.accepted, finished.rejected], ['finished', 3, 3, 2, 1]);
    assert.deepEqual(finished.report, REPORT);
    assert.equal(finished['@id'], undefined);
  });
});
