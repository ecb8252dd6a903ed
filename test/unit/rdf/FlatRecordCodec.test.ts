import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { DataFactory, Parser, Writer, type Quad, type Quad_Object } from 'n3';
import { RecordRepresentation } from '../../../src/http/recordRepresentation.js';
import { generateContext } from '../../../src/ontology/contextGenerator.js';
import { loadOntologyModel } from '../../../src/ontology/loadOntologyModel.js';
import { ModelQueries } from '../../../src/ontology/modelQueries.js';
import type { PropertyInfo } from '../../../src/ontology/OntologyModel.js';
import { partGraph } from '../../../src/provenance/recordGraphs.js';
import { createLocalDocumentLoader, type DocumentLoader } from '../../../src/rdf/documentLoader.js';
import { FlatRecordCodec } from '../../../src/rdf/FlatRecordCodec.js';
import { jsonLdToQuads } from '../../../src/rdf/jsonLdToQuads.js';
import { DEFAULT_RECORD_BASE, FMAR, FMAR_CODE, FMAR_CONTEXT_URL, RDF, XSD } from '../../../src/rdf/namespaces.js';
import { writeCompactJsonLd } from '../../../src/rdf/serializeRdf.js';
import { root } from '../../support/fixtures.js';

/**
 * Differential tests of the FlatRecordCodec against jsonld.js, the reference: the codec must give the very
 * quads jsonLdToQuads gives (same order), the same error when it fails, and the very object the jsonld.js
 * read path gives (writeCompactJsonLd + RecordRepresentation's native numbers and booleans, same key order).
 */
const { namedNode, literal, blankNode, quad } = DataFactory;
const RUNS = Number(process.env.FC_RUNS ?? 400);
const model = new ModelQueries(await loadOntologyModel(join(root, 'ontology')));
const writer = new Writer({ format: 'N-Quads' });

interface Setup {
  name: string;
  base: string;
  loader: DocumentLoader;
  codec: FlatRecordCodec;
  representation: RecordRepresentation;
}

/** What RecordRepresentation.json did before the codec: its native types, from the ontology model. */
const nativeTypes = new Map<string, 'number' | 'boolean'>();
for (const p of model.model.properties) {
  if (p.range === `${XSD}decimal` || p.range === `${XSD}integer`) nativeTypes.set(p.jsonName, 'number');
  if (p.range === `${XSD}boolean`) nativeTypes.set(p.jsonName, 'boolean');
}

function setup(name: string, base: string, context: unknown): Setup {
  const loader = createLocalDocumentLoader({ [FMAR_CONTEXT_URL]: context });
  return { name, base, loader, codec: new FlatRecordCodec(context, loader, { nativeTypes }), representation: new RecordRepresentation(model, loader, {}) };
}

// The checked-in context (the examples' base) and one generated for another base, as a registry does.
const setups = [
  setup('checked-in context', DEFAULT_RECORD_BASE, JSON.parse(await readFile(join(root, 'shapes/context.jsonld'), 'utf8'))),
  setup('context of another base', 'http://127.0.0.1:4321/fmar/', generateContext(model.model, 'http://127.0.0.1:4321/fmar/')),
];
const [main] = setups;

type Outcome = { quads: string[] } | { error: string };

function nquads(quads: Quad[]): string[] {
  return quads.map((q) => writer.quadToString(q.subject, q.predicate, q.object, q.graph));
}

async function outcome(run: () => Promise<Quad[]>): Promise<Outcome> {
  try {
    return { quads: nquads(await run()) };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** The read path before the codec: RecordRepresentation.json as it was. */
async function referenceJson(s: Setup, quads: Quad[]): Promise<Record<string, unknown>> {
  const compacted = await writeCompactJsonLd(quads, FMAR_CONTEXT_URL, s.loader);
  const nodes = Array.isArray(compacted['@graph']) ? (compacted['@graph'] as Record<string, unknown>[]) : [compacted];
  for (const node of nodes) {
    for (const [key, value] of Object.entries(node)) {
      const type = nativeTypes.get(key);
      if (!type) continue;
      const convert = (v: unknown) => (typeof v !== 'string' ? v : type === 'boolean' ? v === 'true' : Number(v));
      node[key] = Array.isArray(value) ? value.map(convert) : convert(value);
    }
  }
  return compacted;
}

async function jsonOutcome(run: () => Promise<Record<string, unknown>>): Promise<{ json: string } | { error: string }> {
  try {
    return { json: JSON.stringify(await run()) };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

const stats = { quadsFast: 0, quadsFallback: 0, jsonFast: 0, jsonFallback: 0, differences: 0 };

/** Write direction: the codec against jsonLdToQuads. Returns the reference quads when the document is valid. */
async function checkQuads(s: Setup, document: unknown, label: string): Promise<Quad[] | undefined> {
  const reference = await outcome(() => jsonLdToQuads(structuredClone(document), s.loader));
  const fast = s.codec.fastQuads(structuredClone(document));
  if (fast) stats.quadsFast++;
  else stats.quadsFallback++;
  const actual = await outcome(() => s.codec.toQuads(structuredClone(document)));
  if (JSON.stringify(actual) !== JSON.stringify(reference)) stats.differences++;
  assert.deepEqual(actual, reference, `${label} (${s.name}): quads differ from jsonld.js\n${JSON.stringify(document)}`);
  return 'quads' in reference ? await jsonLdToQuads(structuredClone(document), s.loader) : undefined;
}

/** Read direction: the codec (and RecordRepresentation) against writeCompactJsonLd + the native fix-up. */
async function checkJson(s: Setup, quads: Quad[], label: string): Promise<void> {
  const reference = await jsonOutcome(() => referenceJson(s, quads));
  const subject = quads[0]?.subject.value ?? '';
  if (s.codec.fastCompactJson(quads, subject)) stats.jsonFast++;
  else stats.jsonFallback++;
  const viaCodec = await jsonOutcome(() => s.codec.toCompactJson(quads, subject));
  const viaRepresentation = await jsonOutcome(() => s.representation.json(quads));
  if (JSON.stringify(viaCodec) !== JSON.stringify(reference)) stats.differences++;
  assert.deepEqual(viaCodec, reference, `${label} (${s.name}): compacted JSON differs from jsonld.js\n${nquads(quads).join('')}`);
  assert.deepEqual(viaRepresentation, reference, `${label} (${s.name}): RecordRepresentation.json differs from jsonld.js`);
}

/** A record's quads as the store holds them: in its public, #restricted and #personal graphs, read graph by graph. */
function asStored(quads: Quad[], recordIri: string): Quad[] {
  const byGraph = new Map<string, Quad[]>();
  for (const q of quads) {
    const property = model.model.properties.find((p) => p.iri === q.predicate.value);
    const graph = partGraph(recordIri, property?.sensitivity ?? 'PUBLIC');
    byGraph.set(graph, [...(byGraph.get(graph) ?? []), quad(q.subject, q.predicate, q.object, namedNode(graph))]);
  }
  return [...byGraph.values()].flat();
}

/** Write then read: the JSON -> quads -> JSON round trip through the codec equals the one through jsonld.js. */
async function checkRoundTrip(s: Setup, document: Record<string, unknown>, label: string): Promise<void> {
  const quads = await checkQuads(s, document, label);
  if (!quads) return;
  const iri = String(document['@id']);
  await checkJson(s, quads, `${label}, read back`);
  await checkJson(s, asStored(quads, iri), `${label}, read back from its graphs`);
  // Another storage order and a triple held twice (in two graphs): order and duplicates are kept as jsonld.js keeps them.
  const stored = asStored(quads, iri).reverse();
  if (stored.length > 1) await checkJson(s, [...stored, quad(stored[1].subject, stored[1].predicate, stored[1].object, namedNode(`${iri}#restricted`))], `${label}, reordered with a duplicate`);
}

/** A body as RecordService.toQuads makes it a document: fields, then the context, the record IRI and the type. */
function asRecordService(body: Record<string, unknown>, iri: string, className: string): Record<string, unknown> {
  const fields = Object.fromEntries(Object.entries(body).filter(([k]) => k !== '@context' && k !== '@id'));
  return { ...fields, '@context': FMAR_CONTEXT_URL, '@id': iri, '@type': (fields['@type'] as string | undefined) ?? className };
}

async function jsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && /\.(json|jsonld)$/.test(e.name)).map((e) => join(e.parentPath, e.name)).sort();
}

const classOf = (name: string) => model.model.classes.find((c) => c.name === name)!;

describe('FlatRecordCodec: JSON-LD of flat records without jsonld.js, identical to it', () => {
  after(() => {
    console.log(`      differential cases: write ${stats.quadsFast} on the fast path + ${stats.quadsFallback} through jsonld.js, read ${stats.jsonFast} fast + ${stats.jsonFallback} through jsonld.js, ${stats.differences} differences`);
  });

  it('compiles the generated contexts', () => {
    for (const s of setups) assert.equal(s.codec.compiledFast, true, s.name);
  });

  it('gives the quads and compacted JSON of jsonld.js for the docs/examples bodies, on the fast path', async () => {
    for (const file of await jsonFiles(join(root, 'docs/examples'))) {
      const document = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      assert.ok(main.codec.fastQuads(document), `${file} should take the fast path`);
      await checkRoundTrip(main, document, file);
      for (const s of setups) {
        const className = String(document['@type']);
        await checkRoundTrip(s, asRecordService(document, `${s.base}${classOf(className).recordPath}/0193a1b2-0000-7000-8000-000000000001`, className), `${file} via RecordService`);
      }
    }
  });

  it('gives the quads (or the error) and compacted JSON of jsonld.js for every JSON body in test/fixtures', async () => {
    const files = await jsonFiles(join(root, 'test/fixtures'));
    assert.ok(files.length >= 127, `${files.length} fixture files`);
    for (const file of files) {
      const document = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      await checkRoundTrip(main, document, file);
      if (Array.isArray(document) || typeof document['@type'] !== 'string') continue;
      const className = document['@type'];
      for (const s of setups) await checkRoundTrip(s, asRecordService(document, `${s.base}${classOf(className).recordPath}/0193a1b2-0000-7000-8000-000000000002`, className), `${file} via RecordService`);
    }
  });

  it('gives the quads and compacted JSON of jsonld.js for the data/sample records, on the fast path', async () => {
    let n = 0;
    for (const [file, className] of [['assets.json', 'Asset'], ['organisations.json', 'Organisation']]) {
      const rows = JSON.parse(await readFile(join(root, 'data/sample', file), 'utf8')) as Record<string, unknown>[];
      for (const [i, row] of rows.entries()) {
        const body = (row.body ?? row) as Record<string, unknown>;
        for (const s of setups) {
          const document = asRecordService({ ...body, registeredOn: '2026-01-02', lastUpdatedOn: '2026-01-02', recordVersion: 1 }, `${s.base}${classOf(className).recordPath}/0193a1b2-0000-7000-8000-00000000010${i}`, className);
          assert.ok(s.codec.fastQuads(document), `${file} row ${i} should take the fast path`);
          await checkRoundTrip(s, document, `${file} row ${i}`);
          n++;
        }
      }
    }
    assert.ok(n >= 10);
  });

  it('compacts the RDF fixtures (Turtle, N-Triples, N-Quads) as jsonld.js does', async () => {
    for (const file of ['asset/valid/rdf/asset.ttl', 'asset/valid/rdf/asset.nt', 'asset/valid/rdf/asset.nq']) {
      const text = await readFile(join(root, 'test/fixtures', file), 'utf8');
      const quads = new Parser({ format: file.endsWith('.nq') ? 'N-Quads' : file.endsWith('.nt') ? 'N-Triples' : 'Turtle' }).parse(text);
      for (const s of setups) await checkJson(s, quads, file);
    }
  });

  it('keeps the errors of jsonld.js: unknown keys, other contexts, nested objects, wrong value shapes', async () => {
    const iri = `${DEFAULT_RECORD_BASE}assets/a1`;
    const base = { '@context': FMAR_CONTEXT_URL, '@id': iri, '@type': 'Asset', assetName: 'x' };
    const cases: Record<string, unknown>[] = [
      { ...base, ratedCapacty: 7 },
      { ...base, 'fmar:assetName': 'y' },
      { ...base, [`${FMAR}assetName`]: 'y' },
      { ...base, '@context': 'https://evil.example/context.jsonld' },
      { ...base, '@context': [FMAR_CONTEXT_URL, { ratedCapacity: 'http://evil.example/capacity' }] },
      { ...base, '@context': { assetName: 'http://evil.example/name' } },
      { ...base, '@graph': [{ '@id': 'http://x.example/1', assetName: 'z' }] },
      { ...base, '@reverse': { partOfAsset: { '@id': 'http://x.example/1' } } },
      { ...base, partOfAsset: { '@id': 'http://x.example/1', assetName: 'nested' } },
      { ...base, assetName: { '@value': 'x', '@language': 'en' } },
      { ...base, assetName: { '@list': ['a', 'b'] } },
      { ...base, assetName: ['a', ['b']] },
      { ...base, assetName: 7 },
      { ...base, ratedCapacity: true },
      { ...base, ratedCapacity: '7.50' },
      { ...base, assetCategory: 3 },
      { ...base, assetCategory: 'has space' },
      { ...base, assetCategory: 'Asset' },
      { ...base, assetCategory: 'fmar:Foo' },
      { ...base, assetCategory: '_:b0' },
      { ...base, assetCategory: '@id' },
      { ...base, assetCategory: '' },
      { ...base, assetCategory: 'urn:x:y' },
      { ...base, responsibleFSP: 'https://other.example/organisations/x' },
      { ...base, responsibleFSP: 'not a uuid' },
      { ...base, '@id': 'relative' },
      { ...base, '@id': '_:b0' },
      { ...base, '@type': 'Unknown' },
      { ...base, '@type': ['Asset', 'Device', 'Asset'] },
      { ...base, '@type': [] },
      { ...base, '@type': 'assetName' },
      { '@context': FMAR_CONTEXT_URL, '@id': iri },
      { ...base, assetName: null, assetModel: [], serialNumber: [null, 's'] },
      { ...base, organisationRoles: ['FSP', 'FSP', 'AGGREGATOR'], appliesToAllAssets: [true, 'true', true] },
      { ...base, disputedRecord: 'relative', shapesGraph: 'https://x.example/g' },
      { ...base, disputedRecord: 'fmar:x' },
      { ...base, '@foo': 1 },
      { ...base, '': 1 },
      { ...base, Asset: 'x' },
      { ...base, fmar: 'x' },
    ];
    for (const [i, document] of cases.entries()) await checkRoundTrip(main, document, `case ${i}`);
  });

  it('reads quads outside the subset as jsonld.js does: terms as codes, other datatypes, languages, lists, blank nodes, other subjects', async () => {
    const iri = `${DEFAULT_RECORD_BASE}assets/a1`;
    const s = namedNode(iri);
    const type = quad(s, namedNode(`${RDF}type`), namedNode(`${FMAR}Asset`));
    const p = (name: string) => namedNode(FMAR + name);
    const cases: Quad[][] = [
      [type, quad(s, p('assetCategory'), namedNode(`${FMAR_CODE}AssetCategory/Asset`))],
      [type, quad(s, p('assetCategory'), namedNode(`${FMAR_CODE}AssetCategory/`))],
      [type, quad(s, p('assetCategory'), namedNode(`${FMAR}Asset`))],
      [type, quad(s, p('assetCategory'), namedNode(`${FMAR}somethingElse`))],
      [type, quad(s, p('assetCategory'), namedNode('fmar:confused'))],
      [type, quad(s, p('assetCategory'), namedNode(`${RDF}nil`))],
      [type, quad(s, p('assetCategory'), literal('BESS'))],
      [type, quad(s, p('assetOwner'), namedNode(`${DEFAULT_RECORD_BASE}organisations/fmar`))],
      [type, quad(s, p('assetOwner'), namedNode('https://other.example/organisations/x'))],
      [type, quad(s, p('assetName'), literal('x', 'en'))],
      [type, quad(s, p('assetName'), literal('1', namedNode(`${XSD}integer`)))],
      [type, quad(s, p('ratedCapacity'), literal('1', namedNode(`${XSD}integer`)))],
      [type, quad(s, p('ratedCapacity'), literal('1.0', namedNode(`${XSD}decimal`))), quad(s, p('ratedCapacity'), literal('2', namedNode(`${XSD}decimal`)))],
      [type, quad(s, p('assetName'), blankNode('b0'))],
      [type, quad(blankNode('b0'), p('assetName'), literal('x'))],
      [type, quad(namedNode('https://other.example/x'), p('assetName'), literal('x'))],
      [type, quad(s, namedNode(`${RDF}type`), namedNode(`${FMAR}Device`)), quad(s, namedNode(`${RDF}type`), namedNode(`${FMAR}Asset`))],
      [quad(s, namedNode(`${RDF}type`), namedNode('https://other.example/Class'))],
      [quad(s, namedNode(`${RDF}type`), literal('Asset'))],
      [type, quad(s, p('unknownProperty'), literal('x'))],
      [type, quad(s, p('shapesGraph'), namedNode(`${FMAR}shapes`)), quad(s, p('disputedRecord'), namedNode(iri))],
      [quad(namedNode(`${FMAR}x`), p('assetName'), literal('x'))],
      [quad(s, p('assetName'), literal('only a name'))],
    ];
    for (const [i, quads] of cases.entries()) for (const setup of setups) await checkJson(setup, quads, `quads case ${i}`);
  });

  it('property: random flat records from the ontology give the quads (or error) of jsonld.js, and read back as jsonld.js reads them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...setups.keys()).chain((setupIndex) => fc.constantFrom(...recordClasses()).chain((c) => record(c, setups[setupIndex].base)).map((document) => ({ setupIndex, document }))),
        async ({ setupIndex, document }) => {
          await checkRoundTrip(setups[setupIndex], document, 'generated record');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('property: random quads about a record compact as jsonld.js compacts them (or fail as it fails)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...setups.keys()), fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1, maxLength: 16 }), fc.integer({ min: 0, max: 1e9 }), async (setupIndex, seeds, recordSeed) => {
        const s = setups[setupIndex];
        await checkJson(s, randomQuads(s.base, recordSeed, seeds), 'generated quads');
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- generators ----

function recordClasses() {
  return model.model.classes.filter((c) => c.recordPath && model.propertiesOf(c.iri).length > 0);
}

const ODD_STRINGS = ['', ' ', 'a b', 'line\nbreak', 'tab\there', 'quote "x"', "apostrophe 'x'", 'back\\slash', 'é ü ß', '日本語', '😀 emoji', '\u2028', '\u00a0nbsp', '<tag>', '{"json": 1}', '@id', '@foo', '_:b1', 'fmar:thing', 'urn:x:y', 'http://x y', 'https://other.example/a#b', 'Asset', 'assetName', 'fmar', 'xsd:integer', ':colon', '1:2'];
const oddString = fc.oneof(fc.constantFrom(...ODD_STRINGS), fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ maxLength: 12 }));
const identifier = fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/);
const uuid = fc.uuid();

/** Values of the kind a property takes, and now and then of a wrong shape. */
function valueOf(p: PropertyInfo, base: string): fc.Arbitrary<unknown> {
  let right: fc.Arbitrary<unknown>;
  if (p.codeList) {
    const codes = model.scheme(p.codeList).concepts.map((c) => c.notation);
    right = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...codes) }, identifier, codes.length ? fc.constantFrom(...codes).map((c) => `${p.codeList}/${c}`) : identifier, oddString);
  } else if (p.referencesClass) {
    const path = model.classOf(p.referencesClass).recordPath;
    right = fc.oneof({ weight: 4, arbitrary: uuid }, uuid.map((u) => `${base}${path ?? 'things'}/${u}`), uuid.map((u) => `https://other.example/${path}/${u}`), oddString);
  } else if (p.kind === 'object') {
    right = fc.oneof(fc.webUrl(), uuid, oddString);
  } else if (p.range === `${XSD}decimal` || p.range === `${XSD}integer`) {
    right = fc.oneof(fc.integer(), fc.integer({ min: -1e6, max: 1e9 }).map((c) => c / 100), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('7.50', '12', '-0', '1e3', 'abc', 0, -0, 1e21, 1e-7, 0.1 + 0.2));
  } else if (p.range === `${XSD}boolean`) {
    right = fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'yes', 1, 0));
  } else if (p.range === `${XSD}date`) {
    right = fc.oneof(fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), oddString);
  } else if (p.range === `${XSD}dateTime`) {
    right = fc.oneof(fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), oddString);
  } else if (p.range === `${XSD}anyURI`) {
    right = fc.oneof(fc.webUrl(), oddString);
  } else {
    right = fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 40 }) }, fc.string({ unit: 'binary', maxLength: 20 }), oddString);
  }
  const wrong = fc.constantFrom<unknown>(null, 7, 7.5, true, {}, { '@value': 'x' }, { '@value': 'x', '@language': 'en' }, { '@id': 'https://x.example/1' }, { a: 1 }, [], [['nested']], { '@list': ['a'] });
  const single = fc.oneof({ weight: 12, arbitrary: right }, { weight: 1, arbitrary: wrong });
  return fc.oneof({ weight: p.functional ? 8 : 3, arbitrary: single }, { weight: p.functional ? 1 : 4, arbitrary: fc.array(single, { minLength: 0, maxLength: 4 }) }, { weight: 1, arbitrary: single.map((v) => [v, v]) });
}

const UNKNOWN_KEYS = ['ratedCapacty', 'fmar:assetName', `${FMAR}assetName`, '@graph', '@reverse', '@foo', '@language', '@index', '@nest', '@included', '', 'Asset', 'fmar', 'xsd', 'https://other.example/p', '_:p'];

function record(c: ReturnType<typeof recordClasses>[number], base: string): fc.Arbitrary<Record<string, unknown>> {
  const properties = model.propertiesOf(c.iri);
  const own = fc.record(Object.fromEntries(properties.map((p) => [p.jsonName, valueOf(p, base)])), { requiredKeys: [] });
  const foreign = fc.oneof(
    { weight: 8, arbitrary: fc.constant<[string, unknown][]>([]) },
    { weight: 1, arbitrary: fc.subarray(model.model.properties, { minLength: 1, maxLength: 2 }).chain((ps) => fc.tuple(...ps.map((p) => valueOf(p, base).map((v): [string, unknown] => [p.jsonName, v])))) },
  );
  const unknown = fc.oneof({ weight: 10, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fc.subarray(UNKNOWN_KEYS, { minLength: 1, maxLength: 2 }) }, { weight: 1, arbitrary: fc.array(identifier, { minLength: 1, maxLength: 2 }) });
  return fc
    .record({
      own,
      foreign,
      unknown,
      type: fc.oneof({ weight: 12, arbitrary: fc.constant<unknown>(c.name) }, fc.constantFrom<unknown>([c.name], [c.name, 'Record'], 'Unknown', 'assetName', [c.name, c.name], [], 7)),
      id: fc.oneof({ weight: 12, arbitrary: uuid.map((u) => `${base}${c.recordPath}/${u}`) }, fc.constantFrom('relative', '_:b0', 'fmar:x', 'urn:uuid:1', 'https://other.example/x y')),
      context: fc.oneof({ weight: 20, arbitrary: fc.constant<unknown>(FMAR_CONTEXT_URL) }, fc.constantFrom<unknown>('https://evil.example/ctx', [FMAR_CONTEXT_URL], { assetName: 'http://evil.example/n' }, undefined)),
    })
    .map((g) => {
      const document: Record<string, unknown> = { ...g.own, ...Object.fromEntries(g.foreign) };
      for (const key of g.unknown) document[key] = 'x';
      if (g.context !== undefined) document['@context'] = g.context;
      document['@id'] = g.id;
      document['@type'] = g.type;
      return document;
    });
}

/** Quads about a record, mostly as the registry stores them, now and then of a shape compaction treats otherwise. */
function randomQuads(base: string, recordSeed: number, seeds: number[]): Quad[] {
  const classes = recordClasses();
  const c = classes[recordSeed % classes.length];
  const iri = `${base}${c.recordPath}/0193a1b2-0000-7000-8000-${String(recordSeed).padStart(12, '0')}`;
  const properties = model.propertiesOf(c.iri);
  const graphs = [iri, `${iri}#restricted`, `${iri}#personal`];
  const out: Quad[] = [quad(namedNode(iri), namedNode(`${RDF}type`), namedNode(c.iri), namedNode(iri))];
  for (const seed of seeds) {
    const pick = <T>(items: T[], salt = 0): T => items[Math.abs((seed >> salt) ^ (seed * 31 + salt)) % items.length];
    const odd = seed % 10 === 0;
    const p = pick(properties, 1);
    let predicate = namedNode(p.iri);
    let object: Quad_Object;
    if (!odd) {
      if (p.codeList) {
        const codes = model.scheme(p.codeList).concepts;
        object = namedNode(codes.length ? pick(codes, 2).iri : `${p.codeList}/X`);
      } else if (p.referencesClass) {
        object = namedNode(`${base}${model.classOf(p.referencesClass).recordPath ?? 'things'}/${seed}`);
      } else if (p.kind === 'object') {
        object = namedNode(`https://x.example/${seed}`);
      } else {
        const lexical = p.range === `${XSD}boolean` ? pick(['true', 'false'], 3) : p.range === `${XSD}decimal` || p.range === `${XSD}integer` ? String(seed / 100) : p.range === `${XSD}string` ? pick(ODD_STRINGS, 3) : String(seed);
        object = literal(lexical, namedNode(p.range));
      }
    } else if (seed % 20 === 10 && (p.codeList || p.referencesClass)) {
      // A code or record ID that is also a term of the context.
      const vocab = p.codeList ? `${p.codeList}/` : `${base}${model.classOf(p.referencesClass!).recordPath ?? 'things'}/`;
      object = namedNode(vocab + pick(['Asset', 'assetName', 'fmar', 'xsd', 'BESS', ''], 5));
    } else {
      const kind = pick(['pred', 'obj', 'subj'], 4);
      if (kind === 'pred') predicate = namedNode(pick([`${RDF}type`, `${FMAR}unknownProperty`, 'https://other.example/p', `${FMAR}Asset`, `${RDF}first`], 5));
      object = pick<Quad_Object>([
        literal('x'),
        literal('x', 'en'),
        literal('1', namedNode(`${XSD}integer`)),
        literal('1.5', namedNode(`${XSD}double`)),
        literal('{"a":1}', namedNode(`${RDF}JSON`)),
        literal('2026-01-01', namedNode(`${XSD}date`)),
        literal('true', namedNode(`${XSD}boolean`)),
        namedNode(`${RDF}nil`),
        namedNode(`${FMAR}Asset`),
        namedNode(`${FMAR}assetName`),
        namedNode(`${FMAR}somethingElse`),
        namedNode(FMAR),
        namedNode(`${FMAR_CODE}AssetCategory/BESS`),
        namedNode(`${FMAR_CODE}AssetCategory/Asset`),
        namedNode(`${FMAR_CODE}AssetCategory/`),
        namedNode(`${base}organisations/Asset`),
        namedNode(`${XSD}string`),
        namedNode('fmar:confused'),
        namedNode('urn:x:y'),
        namedNode(iri),
        blankNode('b0'),
      ], 6);
      if (kind === 'subj') {
        out.push(quad(pick([blankNode('s'), namedNode('https://other.example/s'), namedNode(iri)], 7), predicate, object, namedNode(pick(graphs, 8))));
        continue;
      }
    }
    out.push(quad(namedNode(iri), predicate, object, namedNode(pick(graphs, 8))));
  }
  return out;
}
