import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { DataFactory, Parser, type Quad } from 'n3';
import type { ExportedAsset } from '../../../src/domain/AssetExport.js';
import { RecordCsvFormat } from '../../../src/domain/RecordCsvFormat.js';
import { assetExportWriter, type AssetExportFormat } from '../../../src/http/assetExportWriters.js';
import { generateContext } from '../../../src/ontology/contextGenerator.js';
import { loadOntologyModel } from '../../../src/ontology/loadOntologyModel.js';
import { ModelQueries } from '../../../src/ontology/modelQueries.js';
import { createLocalDocumentLoader } from '../../../src/rdf/documentLoader.js';
import { FlatRecordCodec } from '../../../src/rdf/FlatRecordCodec.js';
import { FMAR, FMAR_CONTEXT_URL } from '../../../src/rdf/namespaces.js';
import { root } from '../../support/fixtures.js';
import { exampleBody } from '../../support/testRegistry.js';

const BASE = 'https://registry.test/';
const model = new ModelQueries(await loadOntologyModel(join(root, 'ontology')));
const loader = createLocalDocumentLoader({ [FMAR_CONTEXT_URL]: generateContext(model.model, BASE) });
const codec = await FlatRecordCodec.load(loader);
const lexical = await FlatRecordCodec.load(loader, { nativeTypes: new Map() });
const csv = new RecordCsvFormat(model, `${FMAR}Asset`);

/** Assets as the export reads them: quads in the record's graphs (personal values in #personal). */
async function assets(count: number): Promise<ExportedAsset[]> {
  const body = await exampleBody('asset');
  return Promise.all(Array.from({ length: count }, async (_, i) => {
    const id = `0193${String(i).padStart(4, '0')}-0000-7000-8000-000000000000`;
    const iri = `${BASE}assets/${id}`;
    const quads = (await codec.toQuads({ ...body, '@context': FMAR_CONTEXT_URL, '@id': iri, '@type': 'Asset', assetId: id, assetName: `Asset ${i}`, ratedCapacity: '5000.50' }))
      .map((q) => DataFactory.quad(q.subject, q.predicate, q.object, DataFactory.namedNode(q.predicate.value.endsWith('MPAN') ? `${iri}#personal` : iri)));
    return { iri, id, quads };
  }));
}

async function write(format: AssetExportFormat, pages: ExportedAsset[][]): Promise<string> {
  const writer = assetExportWriter(format, { csv, lexicalJson: lexical, json: (a) => codec.toCompactJson(a.quads, a.iri) });
  let text = writer.start();
  for (const page of pages) text += await writer.page(page);
  return text + (await writer.end());
}

const key = (q: Quad) => `${q.subject.value} ${q.predicate.value} ${q.object.termType}:${q.object.value} ${q.graph.value}`;

describe('assetExportWriter: exported assets as text, page by page', () => {
  it('writes the same Turtle in pages as in one piece: prefixes once, every triple, graphs merged', async () => {
    const all = await assets(5);
    const paged = await write('turtle', [all.slice(0, 2), [], all.slice(2)]);
    const whole = await write('turtle', [all]);
    assert.equal(paged, whole);
    assert.equal(paged.match(/@prefix fmar:/g)?.length, 1);
    const parsed = new Parser({ format: 'text/turtle' }).parse(paged);
    assert.deepEqual(parsed.map(key).sort(), all.flatMap((a) => a.quads).map((q) => key(DataFactory.quad(q.subject, q.predicate, q.object))).sort());
  });

  it('writes N-Quads in the records\' own graphs', async () => {
    const all = await assets(3);
    const parsed = new Parser({ format: 'application/n-quads' }).parse(await write('nquads', [all.slice(0, 1), all.slice(1)]));
    assert.deepEqual(parsed.map(key).sort(), all.flatMap((a) => a.quads).map(key).sort());
    assert.ok(parsed.some((q) => q.graph.value.endsWith('#personal')));
  });

  it('writes one JSON-LD document with a @graph of compact records, whatever the pages', async () => {
    const all = await assets(4);
    for (const pages of [[], [[]], [all], [all.slice(0, 1), [], all.slice(1)]]) {
      const doc = JSON.parse(await write('jsonld', pages)) as { '@context': string; '@graph': Record<string, unknown>[] };
      assert.equal(doc['@context'], FMAR_CONTEXT_URL);
      assert.deepEqual(doc['@graph'].map((n) => n.assetName), pages.flat().map((a) => `Asset ${all.indexOf(a)}`));
      for (const node of doc['@graph']) assert.equal(node['@context'], undefined);
    }
  });

  it('writes CSV: the header once, one row per asset, values as written', async () => {
    const all = await assets(3);
    const text = await write('csv', [all.slice(0, 2), all.slice(2)]);
    assert.equal(text.split('\r\n').length, 5, 'RFC 4180: CRLF after the header and each of the 3 rows');
    const rows = parseCsv(text, { columns: true }) as Record<string, string>[];
    assert.deepEqual(rows.map((r) => r['asset name']), ['Asset 0', 'Asset 1', 'Asset 2']);
    assert.equal(rows[0]['rated capacity'], '5000.50');
    assert.equal(rows[0]['asset category'], 'BESS');
    assert.equal(rows[0]['import MPAN'], (await exampleBody('asset')).importMPAN);
  });
});
