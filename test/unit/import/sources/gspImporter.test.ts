import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImportRun } from '../../../../src/import/ImportRun.js';
import { importerFor } from '../../../../src/import/importers.js';
import { GspImporter } from '../../../../src/import/sources/gspImporter.js';
import type { RowMapping } from '../../../../src/import/SourceImporter.js';
import { readTabularFile, type TabularRow } from '../../../../src/import/tabularFile.js';
import { VocabularyMapping } from '../../../../src/import/VocabularyMapping.js';
import { loadOntologyModel } from '../../../../src/ontology/loadOntologyModel.js';
import { ModelQueries } from '../../../../src/ontology/modelQueries.js';
import { projectRoot, sharedDir } from '../../../../src/projectRoot.js';
import { FMAR, FMAR_CODE } from '../../../../src/rdf/namespaces.js';
import { selectBindings } from '../../../../src/store/selectBindings.js';
import { BASE, startTestRegistry, type TestRegistry } from '../../../support/testRegistry.js';

const FIXTURES = join(projectRoot(), 'test/fixtures/import');
/** 11 rows of the NG ESO GSP / Gnode lookup (2018-10), byte-exact with its BOM: test/fixtures/import/README.md. */
const EXCERPT = join(FIXTURES, 'neso-gsp-excerpt.csv');
/** The whole lookup (the data README, file 6). */
const REAL = join(sharedDir(), 'data/gb/neso_gsp_gnode_lookup_2018-10.csv');
const CONTEXT = { baseIri: BASE, sourceIri: `${BASE}reference/sources/sha256-test`, rowIri: (row: number) => `${BASE}reference/sources/sha256-test#row-${row}` };
const GSP = (id: string) => `${BASE}reference/gsps/${id}`;
const GSP_GROUP = (id: string) => `${FMAR_CODE}GSPGroup/${id}`;

function values(mapping: RowMapping, property: string): string[] {
  const gsp = mapping.entities[0];
  return gsp.quads.filter((q) => q.subject.value === gsp.iri && q.predicate.value === `${FMAR}${property}`).map((q) => q.object.value);
}

/** The excerpt with some rows' cells changed (crafted: not a published file). */
async function craftedExcerpt(edit: (cells: Record<string, string>) => void): Promise<Buffer> {
  const lines = (await readFile(EXCERPT, 'utf8')).split('\n');
  const header = lines[0].replace(/^\uFEFF/, '').split(',');
  const rows = lines.slice(1).filter(Boolean).map((line) => {
    const cells = Object.fromEntries(line.split(',').map((c, i) => [header[i], c]));
    edit(cells);
    return header.map((h) => cells[h]).join(',');
  });
  return Buffer.from(`${[lines[0], ...rows].join('\n')}\n`, 'utf8');
}

describe('GspImporter: mapping rows of the NG ESO GSP / Gnode lookup (issue #9)', function () {
  this.timeout(120_000);
  let importer: GspImporter;
  before(async () => {
    importer = new GspImporter({ model: new ModelQueries(await loadOntologyModel(join(projectRoot(), 'ontology'))) });
  });
  const mapFile = (bytes: Buffer): { row: TabularRow; mapping: RowMapping }[] => {
    importer.begin();
    return readTabularFile(bytes, { headerColumns: importer.headerColumns, sourceName: 'test' }).rows.map((row) => ({ row, mapping: importer.mapRow(row, CONTEXT) as RowMapping }));
  };

  it('keeps the excerpt byte-exact: every row is the row of the real file on the line the README names', async () => {
    const readme = await readFile(join(FIXTURES, 'README.md'), 'utf8');
    const listed = /\| `neso-gsp-excerpt\.csv` \| `neso_gsp_gnode_lookup_2018-10\.csv` \| ([0-9–, ]+) \|/.exec(readme)?.[1];
    assert.ok(listed, 'the README lists the excerpt and its lines');
    const lines = listed.split(',').flatMap((part) => {
      const [from, to = from] = part.trim().split('–').map(Number);
      return Array.from({ length: to - from + 1 }, (_, i) => from + i);
    });
    const real = (await readFile(REAL)).toString('latin1').split('\n');
    assert.equal((await readFile(EXCERPT)).toString('latin1'), lines.map((n) => `${real[n - 1]}\n`).join(''));
  });

  it('maps the real 2018-10 lookup: 338 GSPs from 360 rows, the 20 rows with no PES being Gnodes with no GSP', async () => {
    const rows = mapFile(await readFile(REAL));
    assert.equal(rows.length, 380);
    const rejected = rows.filter(({ mapping }) => mapping.errors.length);
    assert.equal(rejected.length, 20);
    assert.ok(rejected.every(({ row, mapping }) => mapping.errors[0].reason === 'no-gsp' && !row.cell('pes_name') && !row.cell('gsp_id')), 'exactly the rows without a PES, which have no GSP either');
    assert.deepEqual(rows.flatMap(({ mapping }) => mapping.warnings), []);
    const gsps = new Map<string, Set<string>>();
    for (const { mapping } of rows.filter(({ mapping }) => !mapping.errors.length)) {
      const [gsp] = mapping.entities;
      assert.equal(gsp.shared, true);
      (gsps.get(gsp.iri) ?? gsps.set(gsp.iri, new Set()).get(gsp.iri)!).add(values(mapping, 'inGspGroup').join());
    }
    assert.equal(gsps.size, 338);
    assert.equal([...gsps.values()].filter((groups) => groups.size !== 1 || groups.has('')).length, 0, 'every GSP in one GSP group');
  });

  it('warns of a GSP row without a PES, an unknown PES, a PES id that contradicts it, and a GSP value a later row changes', async () => {
    const bytes = await craftedExcerpt((cells) => {
      if (cells.gsp_name === 'COWL_1') Object.assign(cells, { pes_id: '', pes_name: '' });
      if (cells.gsp_name === 'FINN') cells.pes_name = '_Q';
      if (cells.gsp_name === 'BLYTH132') cells.pes_id = '16';
      if (cells.gnode_name === 'BRL1') cells.gsp_lat = '51.4';
      if (cells.gnode_name === 'CAPE') cells.gsp_lon = '-200';
    });
    const byGnode = new Map(mapFile(bytes).map(({ row, mapping }) => [row.cell('gnode_name') || row.cell('gsp_name'), mapping]));
    const cowley = byGnode.get('COWL')!;
    assert.deepEqual(cowley.warnings.map((w) => w.reason), ['no-gsp-group']);
    assert.equal(cowley.errors.length, 0, 'still imported');
    assert.deepEqual(values(cowley, 'gspName'), ['COWL_1']);
    assert.deepEqual(values(cowley, 'inGspGroup'), []);
    assert.deepEqual(byGnode.get('FINN')!.warnings.map((w) => [w.reason, w.value]), [['unknown-gsp-group', '_Q']]);
    assert.deepEqual(byGnode.get('BLY1DM')!.warnings.map((w) => [w.reason, w.value]), [['gsp-group-conflict', '16']], '_F is MPAN distributor 15');
    assert.deepEqual(values(byGnode.get('BLY1DM')!, 'inGspGroup'), []);
    const brl1 = byGnode.get('BRL1')!;
    assert.deepEqual(brl1.warnings.map((w) => [w.reason, w.column, w.value]), [['conflicting-gsp-value', 'gsp_lat', '51.4']]);
    assert.deepEqual(values(brl1, 'latitude'), [], 'the first row of the GSP (BRL3) stands');
    assert.deepEqual(values(byGnode.get('BRL3')!, 'latitude'), ['51.33557']);
    assert.deepEqual(byGnode.get('CAPE')!.warnings.map((w) => w.reason), ['bad-coordinate']);
  });
});

describe('ImportRun with the GSP importer (issue #9)', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
  });
  after(() => t.close());

  const run = async () => new ImportRun({ store: t.registry.store, baseIri: BASE, agentIri: `${BASE}agents/importer`, importer: importerFor('gsp', { model: t.registry.model, vocabulary: await VocabularyMapping.load() }) });

  it('imports one GSP per gsp_id from the excerpt, shared by its Gnode rows, rejects the rows without a GSP, and changes nothing when run again', async () => {
    const bytes = await readFile(EXCERPT);
    const first = await (await run()).run(bytes, 'neso-gsp-excerpt.csv');
    assert.equal(first.summary.encoding, 'utf-8');
    assert.deepEqual([first.summary.rows, first.summary.accepted, first.summary.acceptedWithWarnings, first.summary.rejected], [11, 9, 0, 2]);
    assert.deepEqual(first.summary.rejectedBy, { 'no-gsp': 2 });
    assert.deepEqual(first.summary.entities, { created: 5, updated: 0, unchanged: 0 }, 'five GSPs, each counted once');
    assert.deepEqual(first.rows.filter((r) => r.outcome === 'rejected').map((r) => r.line), [3, 4]);
    const gsps = [...new Set(first.rows.flatMap((r) => r.entities).map((e) => e.iri))];
    assert.deepEqual(gsps.sort(), ['1', '289', '291', '292', '338'].map(GSP).sort());
    assert.deepEqual(first.rows.filter((r) => r.entities[0]?.iri === GSP('289')).map((r) => r.line), [5, 6, 7], 'BRLE_1 comes from its three Gnode rows');

    await t.registry.accessLog.flush();
    const head = t.registry.store.head().sequence;
    const again = await (await run()).run(bytes, 'neso-gsp-excerpt.csv');
    assert.ok(again.rows.flatMap((r) => r.entities).every((e) => e.change === 'unchanged'));
    assert.equal(t.registry.store.head().sequence - head, 3, 'only the run itself is recorded');
  });

  it('answers "which GSP group is GSP Y in" with one SPARQL query, with the coordinates, region and every row the GSP came from', async () => {
    const rows = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}> PREFIX prov: <http://www.w3.org/ns/prov#>
      SELECT ?gsp ?group ?lat ?lon ?region ?regionName (COUNT(DISTINCT ?source) AS ?sources) WHERE {
        GRAPH ?gsp { ?gsp a fmar:GridSupplyPoint ; fmar:gspName "BRLE_1" ; fmar:inGspGroup ?group ; fmar:latitude ?lat ; fmar:longitude ?lon ;
                     fmar:gspRegionId ?region ; fmar:gspRegionName ?regionName ; prov:wasDerivedFrom ?source }
      } GROUP BY ?gsp ?group ?lat ?lon ?region ?regionName`);
    assert.deepEqual(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.value]))), [
      { gsp: GSP('289'), group: GSP_GROUP('_H'), lat: '51.33557', lon: '-1.07584', region: '15', regionName: 'Bramley', sources: '3' },
    ]);
    const finn = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}> SELECT ?group WHERE { GRAPH ?gsp { ?gsp fmar:gspName "FINN" ; fmar:inGspGroup ?group } }`);
    assert.deepEqual(finn.map((r) => r.group.value), [GSP_GROUP('_N')]);
  });
});
