import assert from 'node:assert/strict';
import { DataFactory } from 'n3';
import request from 'supertest';
import { pino } from 'pino';
import { configFromEnvironment } from '../../src/config.js';
import { createApp } from '../../src/http/createApp.js';
import { RemoteAuditMonitor } from '../../src/provenance/RemoteAuditMonitor.js';
import { openRegistry } from '../../src/registry.js';
import { SparqlRegistryStore } from '../../src/store/SparqlRegistryStore.js';
import { VirtuosoWriteLock } from '../../src/store/VirtuosoWriteLock.js';
import { ADMIN_TOKEN, exampleBody, asAdmin } from '../support/testRegistry.js';

/**
 * The remote SPARQL backend against a real server: set FMAR_TEST_SPARQL_URL (e.g. a Virtuoso started by
 * .ci/start-virtuoso, which .ci/run does) to run it. Each test uses its own base IRI in the shared server.
 */
const queryUrl = process.env.FMAR_TEST_SPARQL_URL;
const gspUrl = process.env.FMAR_TEST_GSP_URL ?? queryUrl?.replace(/\/sparql$/, '/sparql-graph-crud');
const gspGraphParameter = process.env.FMAR_TEST_GSP_GRAPH_PARAM ?? 'graph-uri';
const { namedNode, literal, quad } = DataFactory;

(queryUrl ? describe : describe.skip)(`The remote SPARQL store (${queryUrl ?? 'FMAR_TEST_SPARQL_URL not set'})`, function () {
  this.timeout(60_000);
  const freshBase = () => `http://remote-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.test/`;

  it('commits, reads, replaces, and keeps a verified chain; one node\'s concurrent commits get consecutive positions', async () => {
    const base = freshBase();
    const store = await SparqlRegistryStore.open({ queryUrl: queryUrl!, updateUrl: queryUrl!, gspUrl: gspUrl!, gspGraphParameter, baseIri: base });
    const g = (n: number) => namedNode(`${base}assets/${n}`);
    const receipts = await Promise.all(Array.from({ length: 12 }, (_, n) => store.commit({ add: [quad(g(n), namedNode(`${base}p`), literal(`v${n}`), g(n))] })));
    const positions = [...new Set(receipts.map((r) => r.sequence))].sort((a, b) => a - b);
    assert.deepEqual(positions, Array.from({ length: positions.length }, (_, i) => i + 1), 'consecutive positions (queued commits may share one)');
    const last = await store.commit({ replaceGraphs: [`${base}assets/3`], add: [quad(g(3), namedNode(`${base}p`), literal('changed'), g(3))] });
    assert.equal(last.sequence, positions.length + 1);
    assert.deepEqual((await store.readGraph(`${base}assets/3`)).map((q) => q.object.value), ['changed']);
    const status = await new RemoteAuditMonitor(store, base).verify();
    assert.equal(status.ok, true);
    assert.equal(status.verifiedHead.sequence, last.sequence);
    await store.close();
  });

  it('serves REST and SPARQL on the remote backend', async () => {
    const base = freshBase();
    const config = { ...configFromEnvironment({ FMAR_BASE_IRI: base, FMAR_ADMIN_TOKEN: ADMIN_TOKEN, FMAR_STORE: 'sparql', FMAR_SPARQL_QUERY_URL: queryUrl, FMAR_GSP_URL: gspUrl, FMAR_GSP_GRAPH_PARAM: gspGraphParameter, FMAR_AUTHENTICITY_CHECKS: 'false' }) };
    const registry = await openRegistry(config);
    const app = createApp(registry, pino({ level: 'silent' }));
    const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    try {
      const org = await request(app).post('/organisations').set(auth).send(await exampleBody('organisation')).expect(201);
      const asset = await request(app).post('/assets').set(auth).set('FMAR-On-Behalf-Of', org.body.fmarOrganisationId).send(await exampleBody('asset'));
      assert.equal(asset.status, 201, JSON.stringify(asset.body));
      const read = await asAdmin(app).get(`/assets/${asset.body.assetId}`).expect(200);
      assert.equal(read.body.ratedCapacity, 5000);
      const put = await request(app).put(`/assets/${asset.body.assetId}`).set(auth).set('If-Match', '"v1.jsonld"').send({ ...read.body, assetName: 'Remote battery' });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const history = await asAdmin(app).get(`/assets/${asset.body.assetId}/history`).expect(200);
      assert.deepEqual(history.body.versions.map((v: { version: number }) => v.version), [1, 2]);
      const list = await asAdmin(app).get('/assets?assetCategory=BESS').expect(200);
      assert.equal(list.body.items.length, 1);
      const sparql = await asAdmin(app).get('/sparql').query({ query: `SELECT ?n WHERE { GRAPH <${base}assets/${asset.body.assetId}> { ?a <https://w3id.org/fmar/ontology#assetName> ?n } }` }).set('Accept', 'application/json').expect(200);
      assert.equal(sparql.body.results.bindings[0].n.value, 'Remote battery');
      // Three writes, then the access log of the personal reads above: AccessLog writes once a second, so how many
      // transactions it took depends on how long the requests took (one to three seen), not on the registry.
      await registry.accessLog.flush();
      const audit = await asAdmin(app).get('/audit/verify').expect(200);
      assert.equal(audit.body.ok, true);
      const records = await registry.store.readJournal(1, 100);
      const isAccessLog = (r: (typeof records)[number]) => r.added.length > 0 && r.added.every((q) => q.graph.value.startsWith(`${base}access-log/`));
      const accessLogRecords = records.filter(isAccessLog).length;
      assert.ok(accessLogRecords >= 1, 'the personal reads are logged');
      assert.equal(records.length - accessLogRecords, 3, 'the three writes, each one transaction');
      assert.equal(audit.body.verifiedHead.sequence, records.length, `head ${audit.body.verifiedHead.sequence}`);
      assert.deepEqual(audit.body.verifiedHead, audit.body.journalHead);
    } finally {
      await registry.close();
    }
  });

  it('packs queued transactions into one update, never two that touch the same graph', async () => {
    const base = freshBase();
    const store = await SparqlRegistryStore.open({ queryUrl: queryUrl!, updateUrl: queryUrl!, gspUrl: gspUrl!, gspGraphParameter, baseIri: base });
    const g = (n: number) => namedNode(`${base}assets/${n}`);
    const p = namedNode(`${base}p`);
    const commits = [
      ...Array.from({ length: 20 }, (_, n) => store.commit({ add: [quad(g(n), p, literal(`v${n}`), g(n))] })),
      // Ten replacements of one graph, queued in order: each must see the one before, so the last one wins.
      ...Array.from({ length: 10 }, (_, n) => store.commit({ replaceGraphs: [`${base}assets/same`], add: [quad(g(999), p, literal(`r${n}`), namedNode(`${base}assets/same`))] })),
    ];
    const receipts = await Promise.all(commits);
    const positions = new Set(receipts.map((r) => r.sequence));
    assert.ok(positions.size < 20, `queued transactions were packed (${positions.size} journal records for 30 commits)`);
    assert.ok(positions.size >= 10, 'the ten replacements of one graph each have their own record');
    assert.deepEqual((await store.readGraph(`${base}assets/same`)).map((q) => q.object.value), ['r9']);
    const status = await new RemoteAuditMonitor(store, base).verify();
    assert.equal(status.ok, true, JSON.stringify(status));
    await store.close();
  });

  it('two API nodes writing at once never fork the chain (Virtuoso write lock)', async () => {
    const base = freshBase();
    const open = () => SparqlRegistryStore.open({ queryUrl: queryUrl!, updateUrl: queryUrl!, gspUrl: gspUrl!, gspGraphParameter, baseIri: base });
    const nodes = [await open(), await open()];
    assert.deepEqual(nodes.map((n) => n.writeLockKind), ['virtuoso', 'virtuoso'], 'Virtuoso is detected from its Server header');
    const g = (node: number, n: number) => namedNode(`${base}assets/${node}-${n}`);
    const receipts = await Promise.all(nodes.flatMap((store, node) => Array.from({ length: 20 }, (_, n) => store.commit({ add: [quad(g(node, n), namedNode(`${base}p`), literal(`v${n}`), g(node, n))] }))));
    const positions = [...new Set(receipts.map((r) => r.sequence))].sort((a, b) => a - b);
    assert.deepEqual(positions, Array.from({ length: positions.length }, (_, i) => i + 1), 'one sequence of positions for both nodes, no gaps, no position twice');
    for (let n = 0; n < 20; n++) for (const node of [0, 1]) assert.equal((await nodes[1 - node].readGraph(`${base}assets/${node}-${n}`)).length, 1, 'every commit of either node is visible to the other');
    const status = await new RemoteAuditMonitor(nodes[0], base).verify();
    assert.equal(status.ok, true, JSON.stringify(status));
    assert.equal(status.verifiedHead.sequence, positions.at(-1));
    for (const n of nodes) await n.close();
  });

  it('two API nodes accepting a PUT of the same version: one wins, the other gets 412 (no lost update)', async () => {
    const base = freshBase();
    const config = { ...configFromEnvironment({ FMAR_BASE_IRI: base, FMAR_ADMIN_TOKEN: ADMIN_TOKEN, FMAR_STORE: 'sparql', FMAR_SPARQL_QUERY_URL: queryUrl, FMAR_GSP_URL: gspUrl, FMAR_GSP_GRAPH_PARAM: gspGraphParameter, FMAR_AUTHENTICITY_CHECKS: 'false' }), validationWorkers: 0 };
    const registries = [await openRegistry(config), await openRegistry(config)];
    const apps = registries.map((r) => createApp(r, pino({ level: 'silent' })));
    const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    try {
      const org = await request(apps[0]).post('/organisations').set(auth).send(await exampleBody('organisation')).expect(201);
      const asset = await request(apps[0]).post('/assets').set(auth).set('FMAR-On-Behalf-Of', org.body.fmarOrganisationId).send(await exampleBody('asset')).expect(201);
      const read = await asAdmin(apps[1]).get(`/assets/${asset.body.assetId}`).expect(200);
      const puts = await Promise.all(apps.map((app, i) => request(app).put(`/assets/${asset.body.assetId}`).set(auth).set('If-Match', '"v1.jsonld"').send({ ...read.body, assetName: `Renamed by node ${i}` })));
      assert.deepEqual(puts.map((p) => p.status).sort(), [200, 412], JSON.stringify(puts.map((p) => p.body)));
      const winner = puts.find((p) => p.status === 200)!;
      const now = await asAdmin(apps[1]).get(`/assets/${asset.body.assetId}`).expect(200);
      assert.equal(now.body.assetName, winner.body.assetName);
      assert.equal(now.body.recordVersion, 2);
      const history = await asAdmin(apps[0]).get(`/assets/${asset.body.assetId}/history`).expect(200);
      assert.deepEqual(history.body.versions.map((v: { version: number }) => v.version), [1, 2]);
    } finally {
      for (const r of registries) await r.close();
    }
  });

  it('without the lock, Virtuoso lets two nodes claim one position, and the store reports the fork instead of hiding it', async () => {
    const base = freshBase();
    const open = () => SparqlRegistryStore.open({ queryUrl: queryUrl!, updateUrl: queryUrl!, gspUrl: gspUrl!, gspGraphParameter, baseIri: base, writeLock: 'none' });
    const nodes = [await open(), await open()];
    const g = (node: number, n: number) => namedNode(`${base}assets/${node}-${n}`);
    const outcomes = await Promise.allSettled(nodes.flatMap((store, node) => Array.from({ length: 20 }, (_, n) => store.commit({ add: [quad(g(node, n), namedNode(`${base}p`), literal(`v${n}`), g(node, n))] }))));
    const forks = outcomes.filter((o) => o.status === 'rejected' && /claimed by \d+ writers/.test(String(o.reason)));
    assert.ok(forks.length > 0, 'the race this lock exists for is real on this server');
    for (const n of nodes) await n.close();
  });

  it('the write lock excludes, queues, and passes over a holder that died', async () => {
    const base = freshBase();
    const store = await SparqlRegistryStore.open({ queryUrl: queryUrl!, updateUrl: queryUrl!, gspUrl: gspUrl!, gspGraphParameter, baseIri: base });
    const selectValue = async (sparql: string) => {
      const res = await store.query(sparql, { resultsFormat: 'application/sparql-results+json' });
      return Number((JSON.parse(res) as { results: { bindings: { v: { value: string } }[] } }).results.bindings[0].v.value);
    };
    const locks = Array.from({ length: 3 }, () => new VirtuosoWriteLock({ selectValue, baseIri: base, leaseMs: 400 }));
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(Array.from({ length: 15 }, async (_, i) => {
      const release = await locks[i % 3].acquire();
      inside++;
      most = Math.max(most, inside);
      await new Promise((resolve) => setTimeout(resolve, 2));
      order.push(i);
      inside--;
      await release();
    }));
    assert.equal(most, 1, 'never two holders at once');
    assert.equal(order.length, 15);
    // A holder that never releases nor beats (a killed node; its beat period is a quarter of its own long
    // lease) stops holding for the others once their lease passes without a change.
    await new VirtuosoWriteLock({ selectValue, baseIri: base, leaseMs: 600_000 }).acquire();
    const started = Date.now();
    const release = await locks[0].acquire();
    assert.ok(Date.now() - started >= 300, 'the waiter waited for the lease');
    await release();
    await store.close();
  });
});
