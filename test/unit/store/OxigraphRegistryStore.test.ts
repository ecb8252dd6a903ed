import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFactory, type Quad } from 'n3';
import { OxigraphRegistryStore } from '../../../src/store/OxigraphRegistryStore.js';
import { CorruptJournalError } from '../../../src/store/rdfPatch.js';
import { PreconditionFailedError } from '../../../src/store/RegistryStore.js';

const { namedNode, literal, quad } = DataFactory;
const g = (n: number) => `https://registry.test/assets/${n}`;
const record = (n: number, name: string): Quad[] => [
  quad(namedNode(g(n)), namedNode('https://w3id.org/fmar/ontology#assetName'), literal(name), namedNode(g(n))),
  quad(namedNode(g(n)), namedNode('https://w3id.org/fmar/ontology#ratedCapacity'), literal(String(n), namedNode('http://www.w3.org/2001/XMLSchema#decimal')), namedNode(g(n))),
];

async function names(store: OxigraphRegistryStore): Promise<string[]> {
  const json = JSON.parse(await store.query('SELECT ?n WHERE { GRAPH ?g { ?s <https://w3id.org/fmar/ontology#assetName> ?n } } ORDER BY ?n', { resultsFormat: 'application/sparql-results+json' })) as { results: { bindings: { n: { value: string } }[] } };
  return json.results.bindings.map((b) => b.n.value);
}

describe('The Oxigraph registry store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fmar-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('commits, reads a graph back, and replaces a graph', async () => {
    const store = await OxigraphRegistryStore.open({ dataDir: dir });
    const first = await store.commit({ add: record(1, 'one') });
    assert.equal(first.sequence, 1);
    assert.equal((await store.readGraph(g(1))).length, 2);
    await store.commit({ replaceGraphs: [g(1)], add: record(1, 'uno').slice(0, 1) });
    assert.deepEqual(await names(store), ['uno']);
    assert.equal((await store.readGraph(g(1))).length, 1);
    await store.close();
  });

  it('applies a transaction only while the quads it requires are there, and refuses it whole otherwise', async () => {
    const store = await OxigraphRegistryStore.open({ dataDir: dir });
    await store.commit({ add: record(1, 'one') });
    const [name] = record(1, 'one');
    await store.commit({ replaceGraphs: [g(1)], add: record(1, 'uno'), requires: [name] });
    await assert.rejects(store.commit({ replaceGraphs: [g(1)], add: record(1, 'eins'), requires: [name] }), PreconditionFailedError);
    assert.deepEqual(await names(store), ['uno']);
    assert.equal(store.head().sequence, 2, 'the refused transaction has no journal record');
    await store.close();
  });

  it('applies concurrent commits to different graphs as one load, each visible once acknowledged', async () => {
    const store = await OxigraphRegistryStore.open({ dataDir: dir });
    const applied: string[] = [];
    store.onPatch((patch) => applied.push(patch.addNQuads ?? ''));
    const commits = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => store.commit({ add: record(n, `asset ${n}`) }));
    const first = await commits[0];
    // The first acknowledgement applies the whole group: every commit queued so far, in one patch.
    assert.equal(first.sequence, 1);
    assert.equal(applied.length, 1);
    assert.equal(applied[0].trim().split('\n').length, 16);
    await Promise.all(commits);
    assert.equal((await names(store)).length, 8);
    await store.close();
  });

  it('works out a commit on a graph a queued commit changes against that change', async () => {
    const store = await OxigraphRegistryStore.open({ dataDir: dir });
    const added = store.commit({ add: record(1, 'one') });
    const renamed = store.commit({ replaceGraphs: [g(1)], add: record(1, 'uno') });
    const kept = store.commit({ add: record(1, 'uno'), requires: [record(1, 'uno')[0]] });
    await Promise.all([added, renamed, kept]);
    const [first, second, third] = await store.readJournal(1, 10);
    assert.equal(first.added.length, 2);
    // Exact patches: the rename removes only the old name (the capacity stays), the last commit changes nothing.
    assert.deepEqual(second.removed.map((q) => q.object.value), ['one']);
    assert.deepEqual(second.added.map((q) => q.object.value), ['uno']);
    assert.deepEqual([third.removed.length, third.added.length], [0, 0]);
    assert.deepEqual(await names(store), ['uno']);
    await store.close();
    const reopened = await OxigraphRegistryStore.open({ dataDir: dir });
    assert.deepEqual(await names(reopened), ['uno']);
    assert.equal((await reopened.readGraph(g(1))).length, 2);
    await reopened.close();
  });

  it('replays a journal of many changes to the same graphs to the same state', async () => {
    const store = await OxigraphRegistryStore.open({ dataDir: dir });
    for (let round = 0; round < 5; round++) {
      await Promise.all([1, 2, 3].map((n) => store.commit({ replaceGraphs: [g(n)], add: record(n, `a${n} round ${round}`) })));
    }
    await store.commit({ replaceGraphs: [g(2)], add: [] });
    const before = await names(store);
    await store.close();
    const reopened = await OxigraphRegistryStore.open({ dataDir: dir });
    assert.deepEqual(await names(reopened), before);
    assert.deepEqual(before, ['a1 round 4', 'a3 round 4']);
    await reopened.close();
  });

  it('recovers exactly the committed state from the journal alone', async () => {
    const store = await OxigraphRegistryStore.open({ dataDir: dir, snapshotEvery: 0 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => store.commit({ add: record(n, `asset ${n}`) })));
    await store.commit({ replaceGraphs: [g(2)], add: record(2, 'renamed') });
    await store.close();
    const reopened = await OxigraphRegistryStore.open({ dataDir: dir });
    assert.deepEqual(await names(reopened), ['asset 1', 'asset 3', 'asset 4', 'asset 5', 'renamed']);
    assert.equal(reopened.head().sequence, 6);
    await reopened.close();
  });

  it('gives the same state from snapshot + journal tail as from the journal alone', async () => {
    const store = await OxigraphRegistryStore.open({ dataDir: dir, snapshotEvery: 0 });
    for (let n = 1; n <= 20; n++) await store.commit({ add: record(n, `a${n}`) });
    await store.snapshot();
    for (let n = 21; n <= 30; n++) await store.commit({ add: record(n, `a${n}`) });
    await store.commit({ replaceGraphs: [g(3)], add: [] });
    const expected = await names(store);
    await store.close();
    const fromSnapshot = await OxigraphRegistryStore.open({ dataDir: dir });
    assert.deepEqual(await names(fromSnapshot), expected);
    await fromSnapshot.close();
    for (const f of ['snapshot-000000000020.nq']) await rm(join(dir, f));
    const fromJournal = await OxigraphRegistryStore.open({ dataDir: dir });
    assert.deepEqual(await names(fromJournal), expected);
    assert.equal(fromJournal.head().sequence, 31);
    await fromJournal.close();
  });

  it('discards a torn last record and keeps every complete one', async () => {
    const store = await OxigraphRegistryStore.open({ dataDir: dir });
    await store.commit({ add: record(1, 'kept') });
    await store.close();
    const journal = join(dir, 'journal.rdfp');
    const complete = (await readFile(journal)).length;
    await appendFile(journal, 'H id <urn:fmar:tx:2> .\nH prev "x" .\nTX .\nA <https://registry.test/assets/9> <https://w3id.org/fmar/ontology#assetName> "half');
    const warnings: string[] = [];
    const reopened = await OxigraphRegistryStore.open({ dataDir: dir, warn: (m) => warnings.push(m) });
    assert.deepEqual(await names(reopened), ['kept']);
    assert.match(warnings.join('\n'), /discarded a torn journal record/);
    assert.equal((await readFile(journal)).length, complete, 'the torn bytes are cut off');
    await reopened.commit({ add: record(2, 'after') });
    await reopened.close();
    const again = await OxigraphRegistryStore.open({ dataDir: dir });
    assert.deepEqual(await names(again), ['after', 'kept']);
    await again.close();
  });

  it('refuses to start on a damaged record that other records follow', async () => {
    const store = await OxigraphRegistryStore.open({ dataDir: dir });
    for (let n = 1; n <= 3; n++) await store.commit({ add: record(n, `a${n}`) });
    await store.close();
    const journal = join(dir, 'journal.rdfp');
    const text = await readFile(journal, 'utf8');
    await writeFile(journal, text.replace('"a2"', '"b2"'));
    await assert.rejects(OxigraphRegistryStore.open({ dataDir: dir }), CorruptJournalError);
  });

  it('ignores a snapshot whose end line is missing and replays the journal instead', async () => {
    const store = await OxigraphRegistryStore.open({ dataDir: dir, snapshotEvery: 0 });
    for (let n = 1; n <= 5; n++) await store.commit({ add: record(n, `a${n}`) });
    await store.snapshot();
    await store.close();
    const snapshot = join(dir, 'snapshot-000000000005.nq');
    const size = (await readFile(snapshot)).length;
    await truncate(snapshot, size - 20);
    const warnings: string[] = [];
    const reopened = await OxigraphRegistryStore.open({ dataDir: dir, warn: (m) => warnings.push(m) });
    assert.equal((await names(reopened)).length, 5);
    assert.match(warnings.join('\n'), /snapshot-000000000005.nq is incomplete or damaged/);
    await reopened.close();
  });

  it('refuses blank nodes, which could not be deleted again', async () => {
    const store = await OxigraphRegistryStore.open({ dataDir: dir });
    await assert.rejects(store.commit({ add: [quad(DataFactory.blankNode('b'), namedNode('http://p'), literal('x'), namedNode(g(1)))] }), /blank nodes/);
    await store.close();
  });
});
