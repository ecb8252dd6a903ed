import assert from 'node:assert/strict';
import { audience } from '../../../src/access/audiences.js';
import { assetExportPages } from '../../../src/domain/AssetExport.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../../../src/domain/RecordKind.js';
import type { BulkOutcome } from '../../../src/domain/RecordService.js';
import { BASE, exampleBody, startTestRegistry, type TestRegistry } from '../../support/testRegistry.js';

describe('assetExportPages', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  const owned: Record<string, string[]> = { a: [], b: [] };
  const fsps: Record<string, string> = {};
  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
    const admin = { agentIri: `${BASE}agents/administrator` };
    const asset = await exampleBody('asset');
    for (const [name, count] of [['a', 25], ['b', 3]] as const) {
      fsps[name] = (await t.registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin)).iri;
      const rows = Array.from({ length: count }, (_, i) => ({ row: i + 1, body: { ...asset, assetName: `${name} ${i}` } }));
      for await (const o of t.registry.records.createMany(ASSET_KIND, rows, { ...admin, onBehalfOf: fsps[name] }) as AsyncIterable<BulkOutcome>) if (o.status === 'created') owned[name].push(o.id);
    }
  });
  after(() => t.close());

  it('reads one page at a time, only when asked, in ID order', async () => {
    const pages = assetExportPages(t.registry.records, { pageSize: 10 });
    const first = await pages.next();
    assert.equal(first.done, false);
    assert.equal(first.value!.length, 10, 'one page, not the whole portfolio');
    const ids = first.value!.map((a) => a.id);
    for (let next = await pages.next(); !next.done; next = await pages.next()) ids.push(...next.value.map((a) => a.id));
    assert.deepEqual(ids, [...owned.a, ...owned.b].sort());
  });

  it('keeps the assets and parts the readers may read: an FSP\'s portfolio, without another FSP\'s assets', async () => {
    const portfolio = [audience.portfolio(fsps.b), audience.portfolioPersonal(fsps.b), audience.public(BASE)];
    const ids: string[] = [];
    for await (const page of assetExportPages(t.registry.records, { readers: portfolio, pageSize: 2 })) {
      ids.push(...page.map((a) => a.id));
      for (const a of page) assert.ok(a.quads.some((q) => q.graph.value.endsWith('#personal')), 'the owner reads its personal part');
    }
    assert.deepEqual(ids, [...owned.b].sort());
    const outsider: string[] = [];
    for await (const page of assetExportPages(t.registry.records, { readers: [audience.public(BASE)] })) outsider.push(...page.map((a) => a.id));
    assert.deepEqual(outsider, []);
  });
});
