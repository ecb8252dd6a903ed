import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFactory } from 'n3';
import { accessGraph, accessIndexQuads, indexedActivities, READABLE_BY, readAccessIndex } from '../../../src/access/accessIndex.js';
import type { RecordAudiences } from '../../../src/access/audiences.js';
import { FMAR_ACCESS } from '../../../src/rdf/namespaces.js';
import { OxigraphRegistryStore } from '../../../src/store/OxigraphRegistryStore.js';

const { namedNode, literal, quad } = DataFactory;

const BASE = 'http://registry.test/';
const RECORD = `${BASE}assets/a1`;
const ACT1 = `${BASE}activities/0001`;
const ACT2 = `${BASE}activities/0002`;
const ACT3 = `${BASE}activities/0003`;

const AUDIENCES: RecordAudiences = {
  PUBLIC: ['urn:a:public', 'urn:a:portfolio'],
  RESTRICTED: ['urn:a:portfolio'],
  PERSONAL: ['urn:a:portfolio-personal', 'urn:a:personal-readers'],
  activity: ['urn:a:portfolio', 'urn:a:audit'],
};

const sortedEntries = (index: Map<string, string[]>) => [...index.entries()].map(([g, a]) => [g, [...a].sort()] as const).sort(([x], [y]) => x.localeCompare(y));

describe('accessIndex', () => {
  it('names the index graph after the record', () => {
    assert.equal(accessGraph(RECORD), `${RECORD}#access`);
    assert.equal(READABLE_BY, `${FMAR_ACCESS}readableBy`);
  });

  it('at version 1 covers the three current parts and the activity, all in the record\'s access graph', () => {
    const quads = accessIndexQuads(RECORD, 1, [ACT1], AUDIENCES);
    assert.ok(quads.every((q) => q.graph.value === accessGraph(RECORD) && q.predicate.value === READABLE_BY));
    assert.ok(quads.every((q) => q.subject.termType === 'NamedNode' && q.object.termType === 'NamedNode'));
    assert.deepEqual(sortedEntries(readAccessIndex(quads)), sortedEntries(new Map([
      [RECORD, AUDIENCES.PUBLIC],
      [`${RECORD}#restricted`, AUDIENCES.RESTRICTED],
      [`${RECORD}#personal`, AUDIENCES.PERSONAL],
      [ACT1, AUDIENCES.activity],
    ])));
    assert.equal(quads.length, 2 + 1 + 2 + 2);
  });

  it('at version 3 also covers every part of versions 1 and 2 (not 3: that is the current state), and each activity', () => {
    const quads = accessIndexQuads(RECORD, 3, [ACT1, ACT2, ACT3], AUDIENCES);
    const index = readAccessIndex(quads);
    const expected = new Map<string, string[]>();
    for (const state of [RECORD, `${RECORD}/versions/1`, `${RECORD}/versions/2`]) {
      expected.set(state, AUDIENCES.PUBLIC);
      expected.set(`${state}#restricted`, AUDIENCES.RESTRICTED);
      expected.set(`${state}#personal`, AUDIENCES.PERSONAL);
    }
    for (const activity of [ACT1, ACT2, ACT3]) expected.set(activity, AUDIENCES.activity);
    assert.deepEqual(sortedEntries(index), sortedEntries(expected));
    assert.ok(!index.has(`${RECORD}/versions/3`));
    assert.ok(!index.has(`${RECORD}/versions/0`));
    assert.equal(quads.length, 3 * (2 + 1 + 2) + 3 * 2);
  });

  it('gives the versions the current audiences (the index follows the current owner and areas)', () => {
    const moved: RecordAudiences = { ...AUDIENCES, PUBLIC: ['urn:b:portfolio'], RESTRICTED: ['urn:b:portfolio'] };
    const index = readAccessIndex(accessIndexQuads(RECORD, 2, [ACT1, ACT2], moved));
    assert.deepEqual(index.get(`${RECORD}/versions/1`), ['urn:b:portfolio']);
    assert.deepEqual(index.get(`${RECORD}/versions/1#restricted`), ['urn:b:portfolio']);
  });

  it('lists no graph for a part nobody may read (so only administrators read it)', () => {
    const noPersonal: RecordAudiences = { ...AUDIENCES, PERSONAL: [] };
    const index = readAccessIndex(accessIndexQuads(RECORD, 2, [ACT1], noPersonal));
    assert.ok(!index.has(`${RECORD}#personal`));
    assert.ok(!index.has(`${RECORD}/versions/1#personal`));
    assert.ok(index.has(`${RECORD}/versions/1#restricted`));
  });

  it('lists activities even without versions, and none when there are none', () => {
    const quads = accessIndexQuads(RECORD, 1, [], AUDIENCES);
    assert.deepEqual(indexedActivities(RECORD, readAccessIndex(quads)), []);
    assert.equal(quads.length, 5);
  });

  it('reads an index back: indexedActivities returns exactly the activities written', () => {
    const activities = [ACT1, ACT2, ACT3];
    const index = readAccessIndex(accessIndexQuads(RECORD, 4, activities, AUDIENCES));
    assert.deepEqual([...indexedActivities(RECORD, index)].sort(), activities);
  });

  it('round-trips through a rewrite: the activities read back plus a new one give the next index', () => {
    const v1 = readAccessIndex(accessIndexQuads(RECORD, 1, [ACT1], AUDIENCES));
    const v2 = readAccessIndex(accessIndexQuads(RECORD, 2, [...indexedActivities(RECORD, v1), ACT2], AUDIENCES));
    const v3 = readAccessIndex(accessIndexQuads(RECORD, 3, [...indexedActivities(RECORD, v2), ACT3], AUDIENCES));
    assert.deepEqual([...indexedActivities(RECORD, v3)].sort(), [ACT1, ACT2, ACT3]);
    assert.deepEqual(sortedEntries(v3), sortedEntries(readAccessIndex(accessIndexQuads(RECORD, 3, [ACT1, ACT2, ACT3], AUDIENCES))));
  });

  it('indexedActivities leaves out the record\'s own current and version graphs', () => {
    const index = new Map<string, string[]>([
      [RECORD, ['x']],
      [`${RECORD}#personal`, ['x']],
      [`${RECORD}/versions/1`, ['x']],
      [`${RECORD}/versions/1#restricted`, ['x']],
      [ACT1, ['x']],
    ]);
    assert.deepEqual(indexedActivities(RECORD, index), [ACT1]);
  });

  it('readAccessIndex ignores other predicates and collects every audience of a graph', () => {
    const g = namedNode(accessGraph(RECORD));
    const quads = [
      quad(namedNode(RECORD), namedNode(READABLE_BY), namedNode('urn:a:one'), g),
      quad(namedNode(RECORD), namedNode(`${FMAR_ACCESS}somethingElse`), namedNode('urn:a:two'), g),
      quad(namedNode(RECORD), namedNode('http://www.w3.org/2000/01/rdf-schema#label'), literal('x'), g),
      quad(namedNode(RECORD), namedNode(READABLE_BY), namedNode('urn:a:three'), g),
      quad(namedNode(ACT1), namedNode(READABLE_BY), namedNode('urn:a:audit'), g),
    ];
    const index = readAccessIndex(quads);
    assert.deepEqual(sortedEntries(index), [[ACT1, ['urn:a:audit']], [RECORD, ['urn:a:one', 'urn:a:three']]]);
    assert.equal(readAccessIndex([]).size, 0);
  });

  it('round-trips through a store: the index graph read back is the index written, and survives a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fmar-access-index-'));
    try {
      let store = await OxigraphRegistryStore.open({ dataDir: dir, snapshotEvery: 0 });
      const written = accessIndexQuads(RECORD, 2, [ACT1, ACT2], AUDIENCES);
      await store.commit({ add: written });
      const expected = sortedEntries(readAccessIndex(written));
      assert.deepEqual(sortedEntries(readAccessIndex(await store.readGraph(accessGraph(RECORD)))), expected);
      // Rewritten whole with the next write: the graph holds the new index only.
      const next = accessIndexQuads(RECORD, 3, [...indexedActivities(RECORD, readAccessIndex(await store.readGraph(accessGraph(RECORD)))), ACT3], { ...AUDIENCES, PUBLIC: ['urn:b:portfolio'] });
      await store.commit({ replaceGraphs: [accessGraph(RECORD)], add: next });
      await store.close();
      store = await OxigraphRegistryStore.open({ dataDir: dir });
      const read = readAccessIndex(await store.readGraph(accessGraph(RECORD)));
      assert.deepEqual(sortedEntries(read), sortedEntries(readAccessIndex(next)));
      assert.deepEqual(read.get(RECORD), ['urn:b:portfolio']);
      assert.deepEqual(read.get(`${RECORD}/versions/2`), ['urn:b:portfolio']);
      assert.deepEqual([...indexedActivities(RECORD, read)].sort(), [ACT1, ACT2, ACT3]);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
