import assert from 'node:assert/strict';
import request from 'supertest';
import { ADMIN_TOKEN, BASE, exampleBody, onRemoteStore, startTestRegistry, type TestRegistry, asAdmin } from '../support/testRegistry.js';

// Only this registry's graphs: on the remote backend the endpoint sees every graph of the (shared) server.
const SELECT_ASSETS = `PREFIX fmar: <https://w3id.org/fmar/ontology#> SELECT ?name WHERE { GRAPH ?g { ?a fmar:assetName ?name } FILTER (STRSTARTS(STR(?g), "${BASE}")) } ORDER BY ?name`;

function text(res: request.Response, cb: (err: Error | null, body: string) => void): void {
  let body = '';
  res.on('data', (c: Buffer) => (body += c.toString()));
  res.on('end', () => cb(null, body));
}

describe('The SPARQL endpoint', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  before(async () => {
    t = await startTestRegistry({ queryTimeoutMs: 1500, queryRowLimit: 3 });
    const org = await request(t.app).post('/organisations').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(await exampleBody('organisation')).expect(201);
    for (const name of ['Alpha battery', 'Bravo battery']) {
      await request(t.app).post('/assets').set('Authorization', `Bearer ${ADMIN_TOKEN}`).set('FMAR-On-Behalf-Of', org.body.fmarOrganisationId).send({ ...(await exampleBody('asset')), assetName: name }).expect(201);
    }
  });
  after(async () => t.close());

  it('answers GET query= with SPARQL JSON results and sees committed writes', async () => {
    const res = await asAdmin(t.app).get('/sparql').query({ query: SELECT_ASSETS }).set('Accept', 'application/sparql-results+json').expect(200);
    assert.deepEqual(res.body.results.bindings.map((b: { name: { value: string } }) => b.name.value), ['Alpha battery', 'Bravo battery']);
  });

  it('answers POST form and POST application/sparql-query', async () => {
    const form = await asAdmin(t.app).post('/sparql').type('form').send({ query: SELECT_ASSETS }).set('Accept', 'application/sparql-results+json').expect(200);
    assert.equal(form.body.results.bindings.length, 2);
    const direct = await asAdmin(t.app).post('/sparql').type('application/sparql-query').send(SELECT_ASSETS).set('Accept', 'application/sparql-results+json').expect(200);
    assert.equal(direct.body.results.bindings.length, 2);
  });

  for (const [accept, pattern] of [
    ['application/sparql-results+xml', /<literal>Alpha battery<\/literal>/],
    ['text/csv', /^name\r\nAlpha battery\r\nBravo battery\r\n$/],
    ['text/tab-separated-values', /^\?name\n"Alpha battery"\n/],
  ] as const) {
    it(`writes results as ${accept}`, async () => {
      const res = await asAdmin(t.app).get('/sparql').query({ query: SELECT_ASSETS }).set('Accept', accept).buffer(true).parse(text).expect(200);
      assert.match(res.body as string, pattern);
    });
  }

  it('answers CONSTRUCT as Turtle and ASK as a boolean', async () => {
    const construct = await asAdmin(t.app).get('/sparql').query({ query: 'CONSTRUCT { ?a ?p ?o } WHERE { GRAPH ?g { ?a a <https://w3id.org/fmar/ontology#Asset> ; ?p ?o } }' }).set('Accept', 'text/turtle').buffer(true).parse(text).expect(200);
    assert.match(construct.body as string, /Alpha battery/);
    const ask = await asAdmin(t.app).get('/sparql').query({ query: 'ASK { GRAPH ?g { ?a a <https://w3id.org/fmar/ontology#Asset> } }' }).set('Accept', 'application/sparql-results+json').expect(200);
    assert.equal(ask.body.boolean, true);
  });

  it('restricts the dataset with default-graph-uri', async () => {
    const res = await asAdmin(t.app).get('/sparql').query({ query: 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }', 'default-graph-uri': 'http://registry.test/nothing' }).set('Accept', 'application/json').expect(200);
    assert.equal(res.body.results.bindings[0].n.value, '0');
  });

  it('caps rows and says so', async () => {
    const res = await asAdmin(t.app).get('/sparql').query({ query: 'SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }' }).set('Accept', 'application/json').expect(200);
    assert.equal(res.body.results.bindings.length, 3);
    assert.equal(res.headers['fmar-result-truncated'], 'rows=3');
  });

  it('stops a query past its deadline while REST keeps answering fast', async () => {
    const heavy = 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?s1 ?p1 ?o1 } GRAPH ?b { ?s2 ?p2 ?o2 } GRAPH ?c { ?s3 ?p3 ?o3 } GRAPH ?d { ?s4 ?p4 ?o4 } }';
    const started = Date.now();
    const slow = asAdmin(t.app).get('/sparql').query({ query: heavy }).set('Accept', 'application/json');
    await new Promise((r) => setTimeout(r, 200));
    const restStart = Date.now();
    await asAdmin(t.app).get('/organisations?limit=1').expect(200);
    const restMs = Date.now() - restStart;
    const res = await slow;
    assert.equal(res.status, 503);
    assert.equal(res.body.title, 'Query Timeout');
    assert.ok(Date.now() - started < 10_000, 'the query was stopped');
    assert.ok(restMs < 1000, `REST answered in ${restMs} ms while the query ran`);
    // The replica is rebuilt and answers the next query.
    const after = await asAdmin(t.app).get('/sparql').query({ query: SELECT_ASSETS }).set('Accept', 'application/json').expect(200);
    assert.equal(after.body.results.bindings.length, 2);
  });

  it('reports a syntax error as 400', async () => {
    const bad = await asAdmin(t.app).get('/sparql').query({ query: 'SELECT ?x WHERE { ?x ' }).expect(400);
    assert.match(bad.headers['content-type'], /problem\+json/);
  });

  describe('SPARQL Update', () => {
    const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    const REF = 'http://registry.test/reference/dno-contacts';
    // Earlier queries' access-log entries are written once a second: write them first, so that the journal heads
    // compared below move only by these tests' own requests.
    beforeEach(() => t.registry.accessLog.flush());

    it('is refused without the administrator token (401)', async () => {
      await request(t.app).post('/sparql').type('application/sparql-update').send(`INSERT DATA { GRAPH <${REF}> { <urn:a> <urn:b> "c" } }`).expect(401);
      await request(t.app).post('/sparql').type('form').send({ update: 'DROP ALL' }).expect(401);
    });

    it('lets an administrator change a non-record graph, journaled with an activity', async () => {
      const before = t.registry.store.head().sequence;
      const insert = await request(t.app).post('/sparql').set(admin).type('application/sparql-update')
        .send(`PREFIX ex: <http://example.org/> INSERT DATA { GRAPH <${REF}> { ex:UKPN ex:flexMailbox "flex@ukpn.example" ; ex:area "EPN" } }`).expect(200);
      assert.equal(insert.body.added, 2);
      const change = await request(t.app).post('/sparql').set(admin).type('form')
        .send({ update: `PREFIX ex: <http://example.org/> WITH <${REF}> DELETE { ?s ex:area ?a } INSERT { ?s ex:area "UKPN_EPN" } WHERE { ?s ex:area ?a }` }).expect(200);
      assert.deepEqual([change.body.added, change.body.removed], [1, 1]);
      assert.equal(t.registry.store.head().sequence, before + 2);
      const check = await asAdmin(t.app).get('/sparql').query({ query: `SELECT ?a WHERE { GRAPH <${REF}> { ?s <http://example.org/area> ?a } }` }).set('Accept', 'application/json').expect(200);
      assert.deepEqual(check.body.results.bindings.map((b: { a: { value: string } }) => b.a.value), ['UKPN_EPN']);
      const activity = await asAdmin(t.app).get('/sparql').query({ query: `ASK { GRAPH <${change.body.activities[0]}> { ?a <https://w3id.org/fmar/ontology#useCase> "UC-05.03" } }` }).set('Accept', 'application/json').expect(200);
      assert.equal(activity.body.boolean, true);
      await request(t.app).post('/sparql').set(admin).type('application/sparql-update').send(`DROP GRAPH <${REF}>`).expect(200);
    });

    it('never touches record graphs (403) and refuses LOAD and the default graph (400)', async () => {
      const before = t.registry.store.head();
      const drop = await request(t.app).post('/sparql').set(admin).type('application/sparql-update').send('DROP ALL').expect(403);
      assert.match(drop.body.detail, /only through the REST API/);
      await request(t.app).post('/sparql').set(admin).type('application/sparql-update').send('DELETE WHERE { GRAPH ?g { ?s <https://w3id.org/fmar/ontology#assetName> ?n } }').expect(403);
      await request(t.app).post('/sparql').set(admin).type('application/sparql-update').send('LOAD <http://example.org/data.ttl>').expect(400);
      await request(t.app).post('/sparql').set(admin).type('application/sparql-update').send('INSERT DATA { <urn:a> <urn:b> "c" }').expect(400);
      assert.deepEqual(t.registry.store.head(), before);
    });

    it('never changes the journal graphs (403), nor on a remote store a graph outside the base IRI (403)', async () => {
      const before = t.registry.store.head();
      const journal = await request(t.app).post('/sparql').set(admin).type('application/sparql-update').send(`INSERT DATA { GRAPH <${BASE}.well-known/fmar/journal/1> { <urn:a> <urn:b> "c" } }`).expect(403);
      assert.match(journal.body.detail, /only through the REST API/);
      assert.deepEqual(t.registry.store.head(), before);
      // A remote server may hold other registries' graphs and its own system graphs: never the registry's to change.
      const foreign = await request(t.app).post('/sparql').set(admin).type('application/sparql-update').send('INSERT DATA { GRAPH <http://elsewhere.test/reference> { <urn:a> <urn:b> "c" } }');
      assert.equal(foreign.status, onRemoteStore ? 403 : 200, JSON.stringify(foreign.body));
      if (onRemoteStore) assert.deepEqual(t.registry.store.head(), before);
      else await request(t.app).post('/sparql').set(admin).type('application/sparql-update').send('DROP GRAPH <http://elsewhere.test/reference>').expect(200);
    });
  });

  it('describes itself (SPARQL 1.1 Service Description) and offers a form to browsers', async () => {
    const sd = await asAdmin(t.app).get('/sparql').set('Accept', 'text/turtle').buffer(true).parse(text).expect(200);
    assert.match(sd.body as string, /sd:supportedLanguage sd:SPARQL11Query/);
    const html = await asAdmin(t.app).get('/sparql').set('Accept', 'text/html').expect(200);
    assert.match(html.text, /new Yasgui/);
    const script = await asAdmin(t.app).get('/static/yasgui/yasgui.min.js').expect(200);
    assert.ok(script.text.length > 100_000);
  });
});
