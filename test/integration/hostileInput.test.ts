import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { listen } from '../../src/http/listen.js';
import { ADMIN_TOKEN, exampleBody, startTestRegistry, type TestRegistry, asAdmin } from '../support/testRegistry.js';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * Hostile input (issue #4): each case gets a specific 4xx and leaves the store exactly as it was.
 */
describe('Hostile input', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let fsp: string;
  before(async () => {
    t = await startTestRegistry({ queryTimeoutMs: 1000 });
    fsp = (await request(t.app).post('/organisations').set(auth).send(await exampleBody('organisation')).expect(201)).body.fmarOrganisationId as string;
  });
  after(async () => t.close());

  // Bodies go out as the exact bytes given (superagent would serialise a Buffer as JSON).
  const post = (body: string | Buffer, type = 'application/json') => request(t.app).post('/assets').set(auth).set('FMAR-On-Behalf-Of', fsp).set('Content-Type', type).serialize((b: unknown) => b as string).send(body as string);

  async function refused(label: string, make: () => Promise<request.Response>, status: number, detail?: RegExp) {
    const before = t.registry.store.head();
    const res = await make();
    assert.equal(res.status, status, `${label}: ${res.status} ${JSON.stringify(res.body)}`);
    assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/, label);
    if (detail) assert.match(JSON.stringify(res.body), detail, label);
    assert.deepEqual(t.registry.store.head(), before, `${label}: the store changed`);
  }

  it('malformed and truncated JSON: 400', async () => {
    const body = JSON.stringify(await exampleBody('asset'));
    await refused('malformed', () => post('{"assetName": "x",, }'), 400, /not valid JSON/);
    await refused('truncated', () => post(body.slice(0, body.length / 2)), 400, /not valid JSON/);
  });

  it('JSON-LD with a remote context (400), an inline or recursive context, or one that redefines FMAR terms (422)', async () => {
    const asset = await exampleBody('asset');
    await refused('remote', () => post(JSON.stringify({ ...asset, '@context': 'https://attacker.example/ctx.jsonld' })), 400, /remote JSON-LD context/);
    await refused('recursive', () => post(JSON.stringify({ ...asset, '@context': [{ '@context': { '@context': 'https://w3id.org/fmar/context/v1' } }] })), 422);
    await refused('redefining', () => post(JSON.stringify({ ...asset, '@context': ['https://w3id.org/fmar/context/v1', { assetName: 'http://attacker.example/name' }] })), 422);
  });

  it('a huge @graph or many records in one body: 413 or 422', async () => {
    const asset = await exampleBody('asset');
    await refused('@graph', () => post(JSON.stringify({ '@context': 'https://w3id.org/fmar/context/v1', '@graph': Array.from({ length: 2000 }, () => asset) })), 413);
    await refused('@graph small', () => post(JSON.stringify({ '@context': 'https://w3id.org/fmar/context/v1', '@graph': [asset, asset] })), 422, /@graph/);
  });

  it('deeply nested objects: 400 or 422, never a crash', async () => {
    const deep = `{"assetName": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const before = t.registry.store.head();
    const res = await post(deep);
    assert.ok(res.status === 400 || res.status === 422, `status ${res.status}`);
    assert.deepEqual(t.registry.store.head(), before);
    await refused('nested record', () => post(JSON.stringify({ ...({} as object), assetName: { a: { b: { c: { d: 'x' } } } } })), 422);
  });

  it('control characters in strings: 422 on the field', async () => {
    await refused('control', async () => post(JSON.stringify({ ...(await exampleBody('asset')), assetName: 'Bad\u0000name\u001b[31m' })), 422, /assetName/);
  });

  it('bodies that are not UTF-8 or that repeat a key: 400; other charsets: 415', async () => {
    const bytes = Buffer.concat([Buffer.from('{"assetName": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    await refused('not utf-8', () => post(bytes), 400, /not valid UTF-8/);
    await refused('duplicate key', async () => post(`{"assetName": "a", "assetName": "b", "assetCategory": "BESS"}`), 400, /repeats the key/);
    await refused('latin1', () => post('{"assetName": "x"}', 'application/json; charset=latin1'), 415);
  });

  it('IRIs with spaces or javascript: and numeric overflow: 422 on the field', async () => {
    const asset = await exampleBody('asset');
    await refused('space in a link', () => post(JSON.stringify({ ...asset, organisationId: 'a b' })), 422, /organisationId/);
    await refused('javascript: link', () => post(JSON.stringify({ ...asset, organisationId: 'javascript:alert(1)' })), 422, /organisationId/);
    const org = await exampleBody('organisation');
    await refused('javascript: website', () => request(t.app).post('/organisations').set(auth).send({ ...org, organisationWebsite: 'javascript:alert(1)' }), 422, /organisationWebsite/);
    const { energyStorageCapacity: _storage, ...withoutStorage } = asset;
    await refused('overflow', () => post(`${JSON.stringify(withoutStorage).slice(0, -1)}, "energyStorageCapacity": 1e400}`), 422, /energyStorageCapacity/);
    await refused('huge exponent string', () => post(JSON.stringify({ ...asset, ratedCapacity: '1e21' })), 422, /ratedCapacity/);
  });

  it('wrong content types (415) and bodies over the limit (413)', async () => {
    await refused('form', () => post('assetName=x', 'application/x-www-form-urlencoded'), 415);
    await refused('xml', () => post('<asset/>', 'application/xml'), 415);
    await refused('too big', () => post(JSON.stringify({ assetName: 'x'.repeat(1_100_000) })), 413);
  });

  it('SPARQL that is malformed (400), enormous (400) or built to run forever (503 within the deadline)', async () => {
    await refused('malformed', () => asAdmin(t.app).get('/sparql').query({ query: 'SELEKT * WHERE { ?s ?p ?o }' }), 400);
    await refused('enormous', () => request(t.app).post('/sparql').type('application/sparql-query').send(`SELECT * WHERE { ${'?s ?p ?o . '.repeat(12_000)} }`), 400, /longer than 100,000/);
    const started = Date.now();
    await refused('forever', () => asAdmin(t.app).get('/sparql').query({ query: 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?a1 ?b1 ?c1 } GRAPH ?b { ?a2 ?b2 ?c2 } GRAPH ?c { ?a3 ?b3 ?c3 } GRAPH ?d { ?a4 ?b4 ?c4 } GRAPH ?e { ?a5 ?b5 ?c5 } }' }), 503, /Query Timeout/);
    assert.ok(Date.now() - started < 8_000);
  });

  it('a slow client that never finishes its headers is cut off by the server', async () => {
    const server = listen(t.app, { port: 0, requestTimeoutMs: 2_000, headersTimeoutMs: 500 });
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const started = Date.now();
      const socket = connect(port, '127.0.0.1', () => socket.write('POST /assets HTTP/1.1\r\nHost: x\r\n'));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('close', () => (answer.startsWith('HTTP/1.1 408') || answer === '' ? resolve(Date.now() - started) : reject(new Error(answer))));
      setTimeout(() => reject(new Error('the server kept the slow connection open')), 5_000);
    });
    server.close();
    assert.ok(closedAfter < 3_000, `closed after ${closedAfter} ms`);
  });
});
