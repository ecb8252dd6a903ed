import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { BulkUploadRow } from '../../../src/domain/BulkRegistration.js';
import { RecordCsvFormat } from '../../../src/domain/RecordCsvFormat.js';
import { bulkUploadRows, withColumns } from '../../../src/http/bulkUploadBody.js';
import { BadRequestHttpError } from '../../../src/http/HttpError.js';
import { loadOntologyModel } from '../../../src/ontology/loadOntologyModel.js';
import { ModelQueries } from '../../../src/ontology/modelQueries.js';
import { FMAR } from '../../../src/rdf/namespaces.js';
import { root } from '../../support/fixtures.js';

const csv = new RecordCsvFormat(new ModelQueries(await loadOntologyModel(join(root, 'ontology'))), `${FMAR}Asset`);

async function all(rows: AsyncIterable<BulkUploadRow>): Promise<BulkUploadRow[]> {
  const out: BulkUploadRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

const badRequest = (pattern: RegExp) => (error: unknown) => error instanceof BadRequestHttpError && pattern.test(error.message);

describe('bulkUploadRows: the rows of an upload', () => {
  it('reads NDJSON line by line, skipping blank lines; a bad line rejects only its row', async () => {
    const body = Buffer.from('{"assetName":"A","rowKey":"k1"}\r\n\n   \n[1]\n{"assetName":"B","assetName":"C"}\nnot json\n{"rowKey":7}\n{"assetName":"D"}');
    const upload = bulkUploadRows('ndjson', body, csv);
    assert.equal(upload.count, 6);
    const rows = await all(upload.rows);
    assert.deepEqual(rows[0], { row: 1, body: { assetName: 'A' }, rowKey: 'k1' });
    assert.match(rows[1].errors![0].message, /one JSON object/);
    assert.match(rows[2].errors![0].message, /repeats the key "assetName"/);
    assert.match(rows[3].errors![0].message, /not valid JSON/);
    assert.equal(rows[4].errors![0].field, 'rowKey');
    assert.deepEqual(rows[5], { row: 6, body: { assetName: 'D' } });
  });

  it('refuses an upload that is not UTF-8 or has no rows', () => {
    assert.throws(() => bulkUploadRows('ndjson', Buffer.from([0x7b, 0xff, 0x7d]), csv), badRequest(/UTF-8/));
    assert.throws(() => bulkUploadRows('ndjson', Buffer.from('\n \n'), csv), badRequest(/no rows/));
    assert.throws(() => bulkUploadRows('csv', Buffer.from('asset name\n'), csv), badRequest(/no rows/));
    assert.throws(() => bulkUploadRows('csv', Buffer.from(''), csv), badRequest(/no header/));
  });

  it('reads a JSON-LD @graph or a JSON array; refuses another context, other keys, or a lone record', async () => {
    const upload = bulkUploadRows('json-ld', { '@context': 'https://w3id.org/fmar/context/v1', '@graph': [{ assetName: 'A', rowKey: 'k' }, 'text'] }, csv);
    const rows = await all(upload.rows);
    assert.deepEqual(rows[0], { row: 1, body: { assetName: 'A' }, rowKey: 'k' });
    assert.ok(rows[1].errors);
    assert.equal(bulkUploadRows('json-ld', [{ assetName: 'A' }], csv).count, 1);
    assert.throws(() => bulkUploadRows('json-ld', { '@context': 'https://example.org/ctx', '@graph': [{}] }, csv), badRequest(/@context/));
    assert.throws(() => bulkUploadRows('json-ld', { '@graph': [{}], '@id': 'x' }, csv), badRequest(/only @context and @graph/));
    assert.throws(() => bulkUploadRows('json-ld', { assetName: 'A' }, csv), badRequest(/@graph/));
    assert.throws(() => bulkUploadRows('json-ld', { '@graph': [] }, csv), badRequest(/no rows/));
  });

  it('reads CSV rows with the export\'s header, quoted cells, a BOM and CRLF; rows count from 1 after the header', async () => {
    const text = '\uFEFFasset name,rowKey,capacity justification,FMAR asset ID\r\nA,k1,"one, ""two""\nthree",x\r\n\r\nB,,,\r\nC,k3\r\n';
    const upload = bulkUploadRows('csv', Buffer.from(text), csv);
    assert.equal(upload.count, 3);
    const rows = await all(upload.rows);
    assert.deepEqual(rows[0], { row: 1, body: { assetName: 'A', capacityJustification: 'one, "two"\nthree' }, rowKey: 'k1' });
    assert.deepEqual(rows[1], { row: 2, body: { assetName: 'B' } });
    assert.equal(rows[2].row, 3);
    assert.match(rows[2].errors![0].message, /2 cells where the header has 4/);
    assert.equal(upload.columnOf?.get('capacityJustification'), 'capacity justification');
  });

  it('keeps characters intact across the chunks the CSV is parsed in', async () => {
    const name = '🔋'.repeat(40_000);
    const text = `asset name,capacity justification\r\nA,${name}\r\nB,x${name}\r\n`; // 37 characters before the first pair: 65536 falls inside one
    const rows = await all(bulkUploadRows('csv', Buffer.from(text), csv).rows);
    assert.equal(rows[0].body.capacityJustification, name);
    assert.equal(rows[1].body.capacityJustification, `x${name}`);
  });

  it('refuses CSV with broken quoting or a wrong header before reading any row', () => {
    assert.throws(() => bulkUploadRows('csv', Buffer.from('asset name\n"open\n'), csv), badRequest(/not readable CSV/));
    assert.throws(() => bulkUploadRows('csv', Buffer.from('asset name,shoe size\nA,9\n'), csv), (e: unknown) => e instanceof BadRequestHttpError && (e.extras.errors as { header: string }[])[0].header === 'shoe size');
  });

  it('names the CSV column of errors about a field', () => {
    const columnOf = new Map([['ratedCapacity', 'Rated Capacity']]);
    assert.deepEqual(withColumns([{ severity: 'Violation', field: 'ratedCapacity', message: 'm' }, { severity: 'Violation', message: 'n' }], columnOf), [{ severity: 'Violation', field: 'ratedCapacity', message: 'm', column: 'Rated Capacity' }, { severity: 'Violation', message: 'n' }]);
    assert.deepEqual(withColumns([{ severity: 'Violation', field: 'ratedCapacity', message: 'm' }], undefined), [{ severity: 'Violation', field: 'ratedCapacity', message: 'm' }]);
  });
});
