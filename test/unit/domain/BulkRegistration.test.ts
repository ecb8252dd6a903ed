import assert from 'node:assert/strict';
import { BulkRegistration, type BulkReportRow, type BulkUploadRow } from '../../../src/domain/BulkRegistration.js';
import { BulkRowKeys } from '../../../src/domain/BulkRowKeys.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../../../src/domain/RecordKind.js';
import { BASE, exampleBody, startTestRegistry, type TestRegistry } from '../../support/testRegistry.js';

describe('BulkRegistration', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let bulk: BulkRegistration;
  let actor: { agentIri: string; onBehalfOf: string };
  let asset: Record<string, unknown>;
  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
    const admin = { agentIri: `${BASE}agents/administrator` };
    const fsp = await t.registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
    actor = { ...admin, onBehalfOf: fsp.iri };
    asset = await exampleBody('asset');
    bulk = new BulkRegistration({ records: t.registry.records, keys: new BulkRowKeys({ store: t.registry.store, baseIri: BASE }), model: t.registry.model, baseIri: BASE, batchSize: 2 });
  });
  after(() => t.close());

  async function register(rows: BulkUploadRow[]): Promise<BulkReportRow[]> {
    const report: BulkReportRow[] = [];
    for await (const r of bulk.register(rows, actor)) report.push(r);
    return report;
  }

  it('digests a row by its values, not by how they are written', () => {
    const h = (body: Record<string, unknown>) => bulk.rowHash(body);
    assert.equal(h({ ratedCapacity: 5000, assetName: 'X' }), h({ assetName: 'X', ratedCapacity: '5000.00', '@context': 'https://w3id.org/fmar/context/v1', '@type': 'Asset' }));
    assert.notEqual(h({ ratedCapacity: 5000 }), h({ ratedCapacity: 5000.01 }));
    assert.notEqual(h({ assetName: '5000' }), h({ assetName: '5000.00' }), 'only numeric fields compare by value');
    assert.notEqual(h({ assetName: 'X' }), h({ assetName: 'X', friendlyCode: 'F' }));
    assert.equal(h({ assetName: 'X', friendlyCode: null }), h({ assetName: 'X' }));
  });

  it('reports every row in upload order across batches, with the assets it created', async () => {
    const report = await register([
      { row: 1, body: { ...asset, assetName: 'U1' } },
      { row: 2, body: {}, errors: [{ severity: 'Violation', message: 'the line is not valid JSON' }] },
      { row: 3, body: { ...asset, ratedCapacity: -1 } },
      { row: 4, body: { ...asset, assetName: 'U4' } },
      { row: 5, body: { ...asset, assetName: 'U5' } },
    ]);
    assert.deepEqual(report.map((r) => [r.row, r.status]), [[1, 'created'], [2, 'rejected'], [3, 'rejected'], [4, 'created'], [5, 'created']]);
    for (const r of report) if (r.status === 'created') assert.equal((await t.registry.records.get(ASSET_KIND, r.assetId)).id, r.assetId);
  });

  it('drops the fields the registry assigns, so an exported record registers anew', async () => {
    const [r] = await register([{ row: 1, body: { ...asset, '@id': `${BASE}assets/elsewhere`, assetId: '01935f3e-8c2a-7d4b-9a1e-3c5d7f9b2e41', recordVersion: 9, assetRegistrationStatus: 'VERIFIED', registeredOn: '2020-01-01' } }]);
    assert.equal(r.status, 'created', JSON.stringify(r));
    assert.notEqual(r.status === 'created' && r.assetId, '01935f3e-8c2a-7d4b-9a1e-3c5d7f9b2e41');
  });

  it('refuses malformed row keys and keys repeated within an upload (across batches), naming rowKey', async () => {
    const report = await register([
      { row: 1, body: { ...asset }, rowKey: 'same' },
      { row: 2, body: { ...asset }, rowKey: '' },
      { row: 3, body: { ...asset }, rowKey: 'x'.repeat(201) },
      { row: 4, body: { ...asset }, rowKey: 'tab\there' },
      { row: 5, body: { ...asset }, rowKey: 'same' },
    ]);
    assert.deepEqual(report.map((r) => r.status), ['created', 'rejected', 'rejected', 'rejected', 'rejected']);
    for (const r of report.slice(1)) assert.equal(r.status === 'rejected' && r.errors[0].field, 'rowKey');
    assert.match(JSON.stringify(report[4]), /repeats row 1/);
  });

  it('reports a key registered by an earlier upload as existing, without writing', async () => {
    const [first] = await register([{ row: 1, body: { ...asset, assetName: 'Keyed' }, rowKey: 'keyed-1' }]);
    const head = t.registry.store.head().sequence;
    const [again] = await register([{ row: 1, body: { ...asset, assetName: 'Keyed', ratedCapacity: '5000.0' }, rowKey: 'keyed-1' }]);
    assert.equal(again.status, 'existing');
    assert.equal(again.status === 'existing' && again.assetId, first.status === 'created' && first.assetId);
    assert.equal(t.registry.store.head().sequence, head, 'nothing written');
  });

  it('commits each row key in its asset\'s own transaction, so no asset is ever durable without its key', async () => {
    const keys = new BulkRowKeys({ store: t.registry.store, baseIri: BASE });
    const head = t.registry.store.head().sequence;
    const report = await register([
      { row: 1, body: { ...asset, assetName: 'Atomic 1' }, rowKey: 'atomic-1' },
      { row: 2, body: { ...asset, assetName: 'Atomic 2' }, rowKey: 'atomic-2' },
      { row: 3, body: { ...asset, assetName: 'Unkeyed' } },
    ]);
    assert.deepEqual(report.map((r) => r.status), ['created', 'created', 'created']);
    const transactions = await t.registry.store.readJournal(head + 1, 100);
    assert.equal(transactions.length, 3, 'one transaction per registration, none for the keys alone');
    for (const r of report) {
      const assetIri = `${BASE}assets/${r.status === 'created' && r.assetId}`;
      const tx = transactions.find((x) => x.added.some((q) => q.graph.value === assetIri));
      assert.ok(tx, `the transaction registering row ${r.row}`);
      const keyGraphs = new Set(tx.added.filter((q) => q.graph.value.startsWith(`${BASE}bulk-keys/`)).map((q) => q.graph.value));
      assert.deepEqual([...keyGraphs], r.rowKey === undefined ? [] : [keys.graphOf(actor.onBehalfOf, r.rowKey)]);
    }
  });
});
