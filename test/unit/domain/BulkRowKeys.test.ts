import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BulkRowKeys, FMAR_BULK } from '../../../src/domain/BulkRowKeys.js';
import { OxigraphRegistryStore } from '../../../src/store/OxigraphRegistryStore.js';

const BASE = 'https://registry.test/';
const FSP_A = `${BASE}organisations/a`;
const FSP_B = `${BASE}organisations/b`;

describe('BulkRowKeys: client row keys -> registered assets', () => {
  let dir: string;
  let store: OxigraphRegistryStore;
  let keys: BulkRowKeys;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fmar-keys-'));
    store = await OxigraphRegistryStore.open({ dataDir: dir });
    keys = new BulkRowKeys({ store, baseIri: BASE });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the keys recorded for an organisation, and only those', async () => {
    await keys.record(FSP_A, `${BASE}users/u`, [{ rowKey: 'k1', assetIri: `${BASE}assets/1`, rowHash: 'h1' }, { rowKey: 'k2', assetIri: `${BASE}assets/2`, rowHash: 'h2' }]);
    const found = await keys.lookup(FSP_A, ['k1', 'k2', 'k3']);
    assert.deepEqual([...found.values()].sort((x, y) => x.rowKey.localeCompare(y.rowKey)), [{ rowKey: 'k1', assetIri: `${BASE}assets/1`, rowHash: 'h1' }, { rowKey: 'k2', assetIri: `${BASE}assets/2`, rowHash: 'h2' }]);
    assert.equal((await keys.lookup(FSP_B, ['k1'])).size, 0, 'keys are per organisation');
    assert.equal((await keys.lookup(FSP_A, [])).size, 0);
  });

  it('keeps each key in its own graph under {base}bulk-keys/, named by a hash of organisation and key', async () => {
    const graph = keys.graphOf(FSP_A, 'k1');
    assert.match(graph, /^https:\/\/registry\.test\/bulk-keys\/[0-9a-f]{64}$/);
    assert.notEqual(keys.graphOf(FSP_B, 'k1'), graph);
    assert.notEqual(keys.graphOf(FSP_A, 'k1 '), graph);
    await keys.record(FSP_A, `${BASE}users/u`, [{ rowKey: 'k1', assetIri: `${BASE}assets/1`, rowHash: 'h1' }]);
    const quads = await store.readGraph(graph);
    assert.ok(quads.some((q) => q.predicate.value === `${FMAR_BULK}rowKey` && q.object.value === 'k1'));
    assert.ok(quads.some((q) => q.predicate.value === `${FMAR_BULK}organisation` && q.object.value === FSP_A));
  });

  it('keeps odd keys intact (quotes, unicode, spaces)', async () => {
    const odd = 'row "7" — ünïcode \\ key';
    await keys.record(FSP_A, `${BASE}users/u`, [{ rowKey: odd, assetIri: `${BASE}assets/7`, rowHash: 'h' }]);
    assert.equal((await keys.lookup(FSP_A, [odd])).get(odd)?.assetIri, `${BASE}assets/7`);
  });

  it('makes a second reservation of the same keys wait until the first is released; other keys do not wait', async () => {
    const releaseFirst = await keys.reserve(FSP_A, ['k1', 'k2']);
    const order: string[] = [];
    const second = keys.reserve(FSP_A, ['k2', 'k3']).then((release) => {
      order.push('second');
      release();
    });
    const otherFsp = keys.reserve(FSP_B, ['k2']).then((release) => {
      order.push('other organisation');
      release();
    });
    await otherFsp;
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(order, ['other organisation']);
    order.push('first released');
    releaseFirst();
    await second;
    assert.deepEqual(order, ['other organisation', 'first released', 'second']);
    (await keys.reserve(FSP_A, ['k1', 'k2', 'k3']))();
  });
});
