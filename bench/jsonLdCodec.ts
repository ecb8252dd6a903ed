/**
 * The JSON-LD codec of flat records (src/rdf/FlatRecordCodec.ts) next to jsonld.js, its reference, per record:
 *   write: body -> quads, FlatRecordCodec.toQuads vs jsonLdToQuads (jsonld.js expand + toRDF, safe mode)
 *   read:  a stored record's quads (3 graphs) -> compacted JSON, FlatRecordCodec.toCompactJson vs
 *          writeCompactJsonLd (jsonld.js fromRDF + compact) with RecordRepresentation's native numbers
 *   HTTP:  GET /assets/{id} as JSON-LD with the codec, with its fast path switched off (the jsonld.js path),
 *          as Turtle, and a trivial express JSON GET, 16 keep-alive clients, and the store read a GET starts
 *          with (RecordService.get, in-process) (HTTP=0 skips this part)
 * on the docs/examples records and the data/sample records, as RecordService builds them. Every codec result
 * is first checked equal to jsonld.js's. Prints a table and writes bench/results/json-ld-codec.json.
 * ROUNDS=... sets the rounds over the records (default 1000), REQUESTS=... the HTTP requests per row (default 4000).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { DataFactory, type Quad } from 'n3';
import { pino } from 'pino';
import { configFromEnvironment } from '../src/config.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../src/domain/RecordKind.js';
import { createApp } from '../src/http/createApp.js';
import { generateContext } from '../src/ontology/contextGenerator.js';
import { loadOntologyModel } from '../src/ontology/loadOntologyModel.js';
import { ModelQueries } from '../src/ontology/modelQueries.js';
import { projectRoot } from '../src/projectRoot.js';
import { partGraph } from '../src/provenance/recordGraphs.js';
import { createLocalDocumentLoader } from '../src/rdf/documentLoader.js';
import { FlatRecordCodec, type NativeType } from '../src/rdf/FlatRecordCodec.js';
import { jsonLdToQuads } from '../src/rdf/jsonLdToQuads.js';
import { FMAR_CONTEXT_URL, XSD } from '../src/rdf/namespaces.js';
import { writeCompactJsonLd } from '../src/rdf/serializeRdf.js';
import { openRegistry } from '../src/registry.js';
import { exampleBody } from '../test/support/testRegistry.js';
import { timed, type Timing } from './measure.js';

const ROUNDS = Number(process.env.ROUNDS ?? 1000);
const REQUESTS = Number(process.env.REQUESTS ?? 4000);
const CONCURRENCY = 16;
const BASE = 'http://localhost:8080/';
const root = projectRoot();
const model = new ModelQueries(await loadOntologyModel(join(root, 'ontology')));
const loader = createLocalDocumentLoader({ [FMAR_CONTEXT_URL]: generateContext(model.model, BASE) });
const nativeTypes = new Map<string, NativeType>();
for (const p of model.model.properties) {
  if (p.range === `${XSD}decimal` || p.range === `${XSD}integer`) nativeTypes.set(p.jsonName, 'number');
  if (p.range === `${XSD}boolean`) nativeTypes.set(p.jsonName, 'boolean');
}
const codec = await FlatRecordCodec.load(loader, { nativeTypes });

/** RecordRepresentation.json before the codec. */
async function jsonldCompact(quads: Quad[]): Promise<Record<string, unknown>> {
  return codec.nativeValues(await writeCompactJsonLd(quads, FMAR_CONTEXT_URL, loader));
}

interface Sample { kind: string; document: Record<string, unknown>; iri: string; stored: Quad[] }

async function sample(kind: 'Asset' | 'Organisation', path: string, body: Record<string, unknown>, n: number): Promise<Sample> {
  const iri = `${BASE}${path}/0193a1b2-0000-7000-8000-${String(n).padStart(12, '0')}`;
  const { '@context': _c, '@id': _i, ...fields } = body;
  const system = kind === 'Asset' ? { assetId: iri.slice(-36), assetRegistrationStatus: 'PENDING_VALIDATION' } : { fmarOrganisationId: iri.slice(-36), organisationStatus: 'ACTIVE' };
  const document = { ...fields, ...system, registeredOn: '2026-11-20', lastUpdatedOn: '2026-11-20', recordVersion: 1, '@context': FMAR_CONTEXT_URL, '@id': iri, '@type': kind };
  const quads = await jsonLdToQuads(document, loader);
  const stored = quads.map((q) => DataFactory.quad(q.subject, q.predicate, q.object, DataFactory.namedNode(partGraph(iri, model.model.properties.find((p) => p.iri === q.predicate.value)?.sensitivity ?? 'PUBLIC'))));
  return { kind, document, iri, stored };
}

const samples: Sample[] = [];
samples.push(await sample('Asset', 'assets', JSON.parse(await readFile(join(root, 'docs/examples/asset.jsonld'), 'utf8')), 0));
samples.push(await sample('Organisation', 'organisations', JSON.parse(await readFile(join(root, 'docs/examples/organisation.jsonld'), 'utf8')), 1));
for (const row of JSON.parse(await readFile(join(root, 'data/sample/assets.json'), 'utf8')) as { body: Record<string, unknown> }[]) samples.push(await sample('Asset', 'assets', row.body, samples.length));
for (const body of JSON.parse(await readFile(join(root, 'data/sample/organisations.json'), 'utf8')) as Record<string, unknown>[]) samples.push(await sample('Organisation', 'organisations', body, samples.length));

// Equal results first: a fast wrong answer is no answer.
let fastWrites = 0;
let fastReads = 0;
for (const s of samples) {
  assert.deepEqual(await codec.toQuads(s.document), await jsonLdToQuads(s.document, loader));
  assert.equal(JSON.stringify(await codec.toCompactJson(s.stored, s.iri)), JSON.stringify(await jsonldCompact(s.stored)));
  if (codec.fastQuads(s.document)) fastWrites++;
  if (codec.fastCompactJson(s.stored, s.iri)) fastReads++;
}

/** ms per record: `ROUNDS` passes over the records of a kind, after a warm-up of a tenth of that. */
async function perRecord(records: Sample[], op: (s: Sample) => Promise<unknown>): Promise<number> {
  for (let r = 0; r < Math.max(20, ROUNDS / 10); r++) for (const s of records) await op(s);
  const start = performance.now();
  for (let r = 0; r < ROUNDS; r++) for (const s of records) await op(s);
  return (performance.now() - start) / (ROUNDS * records.length);
}

const micro: { kind: string; records: number; direction: string; jsonldMs: number; codecMs: number; speedup: number }[] = [];
for (const kind of ['Asset', 'Organisation']) {
  const records = samples.filter((s) => s.kind === kind);
  const writeJsonld = await perRecord(records, (s) => jsonLdToQuads(s.document, loader));
  const writeCodec = await perRecord(records, (s) => codec.toQuads(s.document));
  micro.push({ kind, records: records.length, direction: 'write: JSON-LD -> quads', jsonldMs: writeJsonld, codecMs: writeCodec, speedup: writeJsonld / writeCodec });
  const readJsonld = await perRecord(records, (s) => jsonldCompact(s.stored));
  const readCodec = await perRecord(records, (s) => codec.toCompactJson(s.stored, s.iri));
  micro.push({ kind, records: records.length, direction: 'read: quads -> compact JSON', jsonldMs: readJsonld, codecMs: readCodec, speedup: readJsonld / readCodec });
}

console.log(`FlatRecordCodec vs jsonld.js, ${samples.length} records (${fastWrites} written and ${fastReads} read on the fast path), ${ROUNDS} rounds, node ${process.version}`);
console.log('kind'.padEnd(13), 'direction'.padEnd(28), 'jsonld.js ms'.padStart(13), 'codec ms'.padStart(9), 'speed-up'.padStart(9), 'codec rec/s'.padStart(12));
for (const m of micro) console.log(m.kind.padEnd(13), m.direction.padEnd(28), m.jsonldMs.toFixed(4).padStart(13), m.codecMs.toFixed(4).padStart(9), `${m.speedup.toFixed(1)}x`.padStart(9), (1000 / m.codecMs).toFixed(0).padStart(12));

// HTTP: the read path end to end.
let httpRows: Timing[] | undefined;
let httpRatios: Record<string, number> | undefined;
if (process.env.HTTP !== '0') {
  const dir = await mkdtemp(join(tmpdir(), 'fmar-bench-codec-'));
  const config = { ...configFromEnvironment({ FMAR_DATA_DIR: dir, FMAR_BASE_IRI: BASE, FMAR_ADMIN_TOKEN: 'bench', FMAR_RATE_LIMIT: '100000000' }), snapshotEvery: 0 };
  const registry = await openRegistry(config);
  const admin = { agentIri: `${BASE}agents/administrator` };
  const fsp = await registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
  const ids: string[] = [];
  const assetBody = await exampleBody('asset');
  for (let i = 0; i < 16; i++) ids.push((await registry.records.create(ASSET_KIND, { ...assetBody, assetName: `Bench battery ${i}`, importMPAN: `10${String(i).padStart(11, '0')}`, exportMPAN: `10${String(i + 500).padStart(11, '0')}` }, { ...admin, onBehalfOf: fsp.iri })).id);
  const server = createApp(registry, pino({ level: 'silent' })).listen(0);
  const trivial = express().get('/x', (_req, res) => res.json({ '@context': FMAR_CONTEXT_URL, assetName: 'x', ratedCapacity: 5 })).listen(0);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const call = (port: number, path: string, accept?: string) => new Promise<number>((resolve, reject) => {
    http.get({ port, path, agent, headers: { authorization: 'Bearer bench', ...(accept ? { accept } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    }).on('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const trivialPort = (trivial.address() as AddressInfo).port;
  const get = (label: string, accept: string) => timed(label, REQUESTS, CONCURRENCY, async (i) => {
    const status = await call(port, `/assets/${ids[i % ids.length]}`, accept);
    if (status !== 200) throw new Error(`GET answered ${status}`);
  });
  await get('warm-up', 'application/ld+json');
  const withCodec = await get('GET /assets/{id} as JSON-LD, codec', 'application/ld+json');
  // The jsonld.js path, as before the codec: the fast path switched off for this row only.
  const fast = FlatRecordCodec.prototype.fastCompactJson;
  FlatRecordCodec.prototype.fastCompactJson = () => undefined;
  await get('warm-up', 'application/ld+json');
  const withJsonld = await get('GET /assets/{id} as JSON-LD, jsonld.js', 'application/ld+json');
  FlatRecordCodec.prototype.fastCompactJson = fast;
  const turtle = await get('GET /assets/{id} as Turtle', 'text/turtle');
  await timed('warm-up', REQUESTS, CONCURRENCY, () => call(trivialPort, '/x'));
  const trivialGet = await timed('trivial express JSON GET', REQUESTS, CONCURRENCY, () => call(trivialPort, '/x'));
  // What else a GET does: reading the record's three graphs from the store (RecordService.get), in-process.
  const storeRead = await timed('RecordService.get (store read, in-process)', REQUESTS, 1, (i) => registry.records.get(ASSET_KIND, ids[i % ids.length]));
  httpRows = [withCodec, withJsonld, turtle, trivialGet, storeRead];
  httpRatios = { codecVsTrivial: withCodec.perSecond / trivialGet.perSecond, jsonldVsTrivial: withJsonld.perSecond / trivialGet.perSecond, turtleVsTrivial: turtle.perSecond / trivialGet.perSecond };
  console.log(`\nHTTP, ${REQUESTS} requests per row, ${CONCURRENCY} keep-alive clients`);
  console.log('request'.padEnd(44), 'req/s'.padStart(8), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8));
  for (const r of httpRows) console.log(r.label.padEnd(44), r.perSecond.toFixed(0).padStart(8), r.p50.toFixed(2).padStart(8), r.p99.toFixed(2).padStart(8));
  console.log('ratios to the trivial GET:', Object.entries(httpRatios).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', '));
  server.close();
  trivial.close();
  agent.destroy();
  await registry.close();
  await rm(dir, { recursive: true, force: true });
}

await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(join(root, 'bench/results/json-ld-codec.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rounds: ROUNDS, records: samples.length, fastWrites, fastReads, micro, http: httpRows ? { requests: REQUESTS, concurrency: CONCURRENCY, rows: httpRows, ratios: httpRatios } : undefined }, null, 2)}\n`);
