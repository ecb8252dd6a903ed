import assert from 'node:assert/strict';
import { ASSET_KIND, ORGANISATION_KIND } from '../../../src/domain/RecordKind.js';
import { FRIENDLY_CODE_KEY } from '../../../src/domain/friendlyCodeKey.js';
import type { BulkOutcome } from '../../../src/domain/RecordService.js';
import { exampleBody, startTestRegistry, type TestRegistry } from '../../support/testRegistry.js';

describe('RecordService bulk registration (createMany)', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  const admin = { agentIri: 'http://registry.test/agents/administrator' };
  beforeEach(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
  });
  afterEach(() => t.close());

  async function collect(outcomes: AsyncIterable<BulkOutcome>): Promise<BulkOutcome[]> {
    const all: BulkOutcome[] = [];
    for await (const o of outcomes) all.push(o);
    return all;
  }

  it('accepts and rejects each row on its own, in row order, and stores only the accepted ones', async () => {
    const fsp = await t.registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
    const asset = await exampleBody('asset');
    const rows = Array.from({ length: 7 }, (_, i) => ({
      row: i + 1,
      body: i === 2 ? { ...asset, ratedCapacity: -5 } : i === 5 ? { ...asset, assetCategory: 'NOT_A_CATEGORY' } : { ...asset, assetName: `Bulk battery ${i}` },
    }));
    const before = t.registry.store.head().sequence;
    const outcomes = await collect(t.registry.records.createMany(ASSET_KIND, rows, { ...admin, onBehalfOf: fsp.iri }, { batchSize: 3 }));
    assert.deepEqual(outcomes.map((o) => [o.row, o.status]), [[1, 'created'], [2, 'created'], [3, 'rejected'], [4, 'created'], [5, 'created'], [6, 'rejected'], [7, 'created']]);
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    assert.ok(rejected.every((o) => o.status === 'rejected' && o.error.results.length > 0), 'each rejection says why');
    assert.equal(t.registry.store.head().sequence - before, 5, 'one transaction per accepted row');
    for (const o of outcomes) {
      if (o.status !== 'created') continue;
      const read = await t.registry.records.get(ASSET_KIND, o.id);
      assert.equal(read.version, 1);
      assert.equal((await t.registry.records.history(ASSET_KIND, o.id)).length, 1, 'each record has its own registration activity');
    }
    assert.equal(await t.registry.records.count(ASSET_KIND), 5);
  });

  it('writes nothing when every row of a batch is rejected', async () => {
    const before = t.registry.store.head().sequence;
    const outcomes = await collect(t.registry.records.createMany(ORGANISATION_KIND, [{ row: 1, body: { organisationLegalName: 'Only a name' } }], admin));
    assert.equal(outcomes[0].status, 'rejected');
    assert.equal(t.registry.store.head().sequence, before);
  });
});

describe('RecordService access index', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  const admin = { agentIri: 'http://registry.test/agents/administrator' };
  beforeEach(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
  });
  afterEach(() => t.close());

  it('writes an index with every write that follows the record (owner, versions, activities)', async () => {
    const fsp = await t.registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
    const created = await t.registry.records.create(ASSET_KIND, await exampleBody('asset'), { ...admin, onBehalfOf: fsp.iri });
    assert.ok(created.access.get(created.iri)?.includes(`${fsp.iri}#portfolio`));
    assert.ok(created.access.get(`${created.iri}#personal`)?.includes(`${fsp.iri}#portfolio-personal`));
    assert.ok(!created.access.get(`${created.iri}#personal`)?.includes('http://registry.test/audiences/regulator'), 'regulators read no personal values');
    const current = await t.registry.records.get(ASSET_KIND, created.id);
    const replaced = await t.registry.records.replace(ASSET_KIND, created.id, { ...(await exampleBody('asset')), assetName: 'Renamed' }, [current.version], admin);
    assert.ok(replaced.access.has(`${created.iri}/versions/1`), 'the superseded version is indexed');
    assert.equal([...replaced.access.keys()].filter((g) => g.includes('/activities/')).length, 2, 'both activities are indexed');
  });

  it('rebuilds a missing index from the record, its versions and its activities', async () => {
    const fsp = await t.registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
    const created = await t.registry.records.create(ASSET_KIND, await exampleBody('asset'), { ...admin, onBehalfOf: fsp.iri });
    const replaced = await t.registry.records.replace(ASSET_KIND, created.id, { ...(await exampleBody('asset')), assetName: 'Renamed' }, '*', admin);
    await t.registry.store.commit({ replaceGraphs: [`${created.iri}#access`], add: [] });
    assert.deepEqual(await t.registry.records.recordsWithoutAccessIndex(ASSET_KIND), [created.id]);
    assert.equal((await t.registry.records.get(ASSET_KIND, created.id)).access.size, 0);
    await t.registry.records.rebuildAccessIndex(ASSET_KIND, created.id);
    assert.deepEqual(await t.registry.records.recordsWithoutAccessIndex(ASSET_KIND), []);
    const rebuilt = (await t.registry.records.get(ASSET_KIND, created.id)).access;
    const sorted = (m: Map<string, string[]>) => [...m.entries()].map(([g, a]) => [g, [...a].sort()]).sort();
    assert.deepEqual(sorted(rebuilt), sorted(replaced.access));
  });

  it('keeps the folded friendly code beside the index, and writes it for records stored before it was kept', async () => {
    const fsp = await t.registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
    const created = await t.registry.records.create(ASSET_KIND, { ...(await exampleBody('asset')), friendlyCode: 'BESS-GreenPark-01' }, { ...admin, onBehalfOf: fsp.iri });
    const keys = async () => (await t.registry.store.readGraph(`${created.iri}#access`)).filter((q) => q.predicate.value === FRIENDLY_CODE_KEY).map((q) => q.object.value);
    assert.deepEqual(await keys(), ['bess-greenpark-01']);
    await t.registry.records.replace(ASSET_KIND, created.id, { ...(await exampleBody('asset')), friendlyCode: 'BESS-Other' }, '*', admin);
    assert.deepEqual(await keys(), ['bess-other']);
    // A record whose index has no key (written before keys were kept) is listed for a rebuild, which adds it.
    const index = await t.registry.store.readGraph(`${created.iri}#access`);
    await t.registry.store.commit({ replaceGraphs: [`${created.iri}#access`], add: index.filter((q) => q.predicate.value !== FRIENDLY_CODE_KEY) });
    assert.deepEqual(await t.registry.records.recordsWithoutAccessIndex(ASSET_KIND), [created.id]);
    await t.registry.records.rebuildAccessIndex(ASSET_KIND, created.id);
    assert.deepEqual(await keys(), ['bess-other']);
    assert.deepEqual(await t.registry.records.recordsWithoutAccessIndex(ASSET_KIND), []);
  });
});
