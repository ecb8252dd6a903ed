import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImportRun } from '../../../../src/import/ImportRun.js';
import { importerFor } from '../../../../src/import/importers.js';
import { registeredOrganisations } from '../../../../src/import/registeredOrganisations.js';
import { BmUnitImporter, ELEXON_GSP_GROUPS_FILE } from '../../../../src/import/sources/bmUnitImporter.js';
import type { RowMapping } from '../../../../src/import/SourceImporter.js';
import { readTabularFile } from '../../../../src/import/tabularFile.js';
import { VocabularyMapping } from '../../../../src/import/VocabularyMapping.js';
import { ORGANISATION_KIND } from '../../../../src/domain/RecordKind.js';
import { loadOntologyModel } from '../../../../src/ontology/loadOntologyModel.js';
import { ModelQueries } from '../../../../src/ontology/modelQueries.js';
import { projectRoot, sharedDir } from '../../../../src/projectRoot.js';
import { FMAR, FMAR_CODE } from '../../../../src/rdf/namespaces.js';
import { selectBindings } from '../../../../src/store/selectBindings.js';
import { BASE, exampleBody, startTestRegistry, type TestRegistry } from '../../../support/testRegistry.js';

/** 6 rows of Elexon's Registered BM Units report (2022-06), byte-exact with its 2 preamble lines: test/fixtures/import/README.md. */
const EXCERPT = join(projectRoot(), 'test/fixtures/import/elexon-bm-units-excerpt.csv');
/** The whole report (the data README, file 4). */
const REAL = join(sharedDir(), 'data/gb/elexon_registered_bm_units_2022-06.csv');
const CONTEXT = { baseIri: BASE, sourceIri: `${BASE}reference/sources/sha256-test`, rowIri: (row: number) => `${BASE}reference/sources/sha256-test#row-${row}` };
const UNIT = (id: string) => `${BASE}reference/bm-units/${encodeURIComponent(id)}`;
const GSP_GROUP = (id: string) => `${FMAR_CODE}GSPGroup/${id}`;

/** The objects of one property of the BM unit a row gives. */
function values(mapping: RowMapping, property: string): string[] {
  const unit = mapping.entities[0];
  return unit.quads.filter((q) => q.subject.value === unit.iri && q.predicate.value === `${FMAR}${property}`).map((q) => q.object.value);
}

/** The excerpt with a row's cells changed (a crafted edition: not a published file). */
async function craftedExcerpt(edit: (cells: Record<string, string>, header: string[]) => Record<string, string>[] | void): Promise<Buffer> {
  const lines = (await readFile(EXCERPT, 'utf8')).split('\n');
  const header = lines[2].split(',');
  const out = lines.slice(0, 3);
  for (const line of lines.slice(3).filter(Boolean)) {
    const cells = Object.fromEntries(line.split(',').map((c, i) => [header[i], c]));
    const edited = edit(cells, header) ?? [cells];
    out.push(...edited.map((row) => header.map((h) => row[h]).join(',')));
  }
  return Buffer.from(`${out.join('\n')}\n`, 'utf8');
}

describe('BmUnitImporter: mapping rows of the Elexon Registered BM Units report (issue #9)', function () {
  this.timeout(120_000);
  let importer: BmUnitImporter;
  before(async () => {
    const model = new ModelQueries(await loadOntologyModel(join(projectRoot(), 'ontology')));
    importer = new BmUnitImporter({ model, vocabulary: VocabularyMapping.fromTurtle(await readFile(join(projectRoot(), ELEXON_GSP_GROUPS_FILE), 'utf8')) });
    importer.begin();
  });
  const mapFile = (bytes: Buffer) => readTabularFile(bytes, { headerColumns: importer.headerColumns, sourceName: 'test' }).rows.map((row) => ({ row, mapping: importer.mapRow(row, CONTEXT) as RowMapping }));

  it('maps every row of the real 2022-06 report without a problem: all 14 GSP group names to the id published beside them, DC negative in 2,093 rows', async () => {
    const rows = mapFile(await readFile(REAL));
    assert.equal(rows.length, 5387);
    assert.deepEqual(rows.flatMap(({ mapping }) => [...mapping.errors, ...mapping.warnings]), []);
    const pairs = new Map<string, Set<string>>();
    for (const { row, mapping } of rows) {
      const name = row.cell('GSP Group Name')!;
      if (!name) {
        assert.deepEqual(values(mapping, 'inGspGroup'), [], 'no GSP group, no code');
        continue;
      }
      const codes = values(mapping, 'inGspGroup');
      assert.deepEqual(codes, [GSP_GROUP(row.cell('GSP Group Id')!)], `${name} is ${row.cell('GSP Group Id')}`);
      (pairs.get(name) ?? pairs.set(name, new Set()).get(name)!).add(codes[0]);
    }
    assert.equal(pairs.size, 14, 'the 14 published names');
    assert.deepEqual(pairs.get('LE Distribution'), new Set([GSP_GROUP('_C')]));
    assert.deepEqual(pairs.get('NORTHERN'), new Set([GSP_GROUP('_F')]));
    assert.deepEqual(pairs.get('Eastern GSP Group'), new Set([GSP_GROUP('_A')]));
    assert.deepEqual(pairs.get('SOUTH of SCOTLAND GSP'), new Set([GSP_GROUP('_N')]));
    assert.equal(rows.filter(({ mapping }) => values(mapping, 'bmuDemandCapacity')[0]?.startsWith('-')).length, 2093);
    const kinds = new Map<string, number>();
    for (const { mapping } of rows) for (const kind of values(mapping, 'bmuKind')) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(kinds), { '2__': 3723, I_: 556, C_: 513, T_: 413, E_: 141, V__: 30, M_: 11 }, 'the data README\'s counts');
    const parties = new Set(rows.map(({ mapping }) => mapping.entities[1]?.iri));
    assert.equal(parties.size, 347, 'the data README counts 347 lead parties');
  });

  it('reads an unmapped or conflicting GSP group name as a warning, never a guess', async () => {
    const bytes = await craftedExcerpt((cells) => {
      if (cells['BM Unit ID'] === '2__AALAB000') cells['GSP Group Name'] = '"Atlantis"';
      if (cells['BM Unit ID'] === '2__AANGE001') cells['GSP Group Id'] = '_G';
      if (cells['BM Unit ID'] === 'V__AENEL001') cells['GSP Group Name'] = '"Eastern"';
      if (cells['BM Unit ID'] === 'V__AFLEX001') cells['GSP Group Id'] = '_I';
    });
    const byId = new Map(mapFile(bytes).map(({ row, mapping }) => [row.cell('BM Unit ID')!, mapping]));
    const alab = byId.get('2__AALAB000')!;
    assert.deepEqual(alab.warnings.map((w) => [w.reason, w.value]), [['unmapped-value', 'Atlantis']]);
    assert.deepEqual(values(alab, 'inGspGroup'), [GSP_GROUP('_A')], 'the published GSP Group Id gives the group');
    assert.deepEqual(values(alab, 'bmuGspGroupName'), ['Atlantis'], 'the name is kept as published');
    const angel = byId.get('2__AANGE001')!;
    assert.deepEqual(angel.warnings.map((w) => w.reason), ['gsp-group-conflict']);
    assert.deepEqual(values(angel, 'inGspGroup'), [], 'name and id disagree: neither is used');
    assert.deepEqual(values(byId.get('V__AENEL001')!, 'inGspGroup'), [GSP_GROUP('_A')], '"Eastern" is an altLabel of _A');
    const flex = byId.get('V__AFLEX001')!;
    assert.deepEqual(flex.warnings.map((w) => [w.reason, w.value]), [['unknown-gsp-group-id', '_I']]);
    assert.deepEqual(values(flex, 'inGspGroup'), [GSP_GROUP('_A')], 'the name gives the group');
  });

  it('reports cells that are not values, and rejects a row without a BM Unit ID', async () => {
    const bytes = await craftedExcerpt((cells) => {
      if (cells['BM Unit ID'] === '2__AALAB000') Object.assign(cells, { GC: 'n/k', DC: '"-1,5"', 'FPN Flag': 'X', 'Effective From': '31/02/22', 'Prod/Cons Status': 'Q' });
      if (cells['BM Unit ID'] === 'E_ABERDARE') cells['BM Unit ID'] = '';
      if (cells['BM Unit ID'] === 'V__AENEL001') cells['BM Unit ID'] = 'X_AENEL001';
    });
    const rows = mapFile(bytes);
    const alab = rows[0].mapping;
    assert.deepEqual(alab.warnings.map((w) => `${w.reason} ${w.column}`).sort(), ['bad-capacity DC', 'bad-capacity GC', 'bad-date Effective From', 'bad-flag FPN Flag', 'bad-flag Prod/Cons Status']);
    assert.deepEqual([values(alab, 'bmuGenerationCapacity'), values(alab, 'bmuDemandCapacity'), values(alab, 'bmuFpnFlag'), values(alab, 'bmuEffectiveFrom')], [[], [], [], []]);
    assert.deepEqual(rows[2].mapping.errors.map((e) => e.reason), ['no-bm-unit-id']);
    assert.deepEqual(rows[3].mapping.warnings.map((w) => w.reason), ['unknown-bm-unit-prefix']);
    assert.deepEqual(values(rows[3].mapping, 'bmuKind'), []);
  });
});

describe('ImportRun with the BM unit importer (issue #9)', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  let vocabulary: VocabularyMapping;
  let flexitricity: string;
  const admin = { agentIri: `${BASE}agents/administrator` };
  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
    // Every file of data/mappings/, as `fmar import` loads them: elexon-gsp-groups.ttl among them.
    vocabulary = await VocabularyMapping.load();
    flexitricity = (await t.registry.records.create(ORGANISATION_KIND, { ...(await exampleBody('organisation')), organisationLegalName: 'Flexitricity Limited' }, admin)).iri;
  });
  after(() => t.close());

  const run = () => new ImportRun({ store: t.registry.store, baseIri: BASE, agentIri: `${BASE}agents/importer`, importer: importerFor('bm-units', { model: t.registry.model, vocabulary }), organisations: () => registeredOrganisations(t.registry.store, BASE) });

  it('imports every row of the excerpt after its 2 preamble lines, one BM unit and one lead party each, and changes nothing when run again', async () => {
    const bytes = await readFile(EXCERPT);
    const first = await run().run(bytes, 'elexon-bm-units-excerpt.csv');
    assert.deepEqual([first.summary.rows, first.summary.accepted, first.summary.acceptedWithWarnings, first.summary.rejected], [6, 6, 0, 0], JSON.stringify(first.rows.filter((r) => r.outcome !== 'accepted')));
    assert.deepEqual(first.rows.map((r) => r.line), [4, 5, 6, 7, 8, 9], 'the header is line 3, after the title and the blank line');
    const entities = first.rows.flatMap((r) => r.entities);
    assert.deepEqual(entities.filter((e) => e.iri.includes('/bm-units/')).map((e) => e.iri), ['2__AALAB000', '2__AANGE001', 'E_ABERDARE', 'V__AENEL001', 'V__AFLEX001', 'V__AZENO002'].map(UNIT));
    assert.equal(new Set(entities.filter((e) => e.iri.includes('/parties/')).map((e) => e.iri)).size, 6, 'six lead parties');
    assert.ok(entities.every((e) => e.change === 'created'));

    await t.registry.accessLog.flush();
    const head = t.registry.store.head().sequence;
    const again = await run().run(bytes, 'elexon-bm-units-excerpt.csv');
    assert.deepEqual(again.summary.entities, { created: 0, updated: 0, unchanged: first.summary.entities.created });
    assert.equal(t.registry.store.head().sequence - head, 3, 'only the run itself is recorded');
  });

  it('keeps what the report says of a unit: kW exactly, DC with its sign, the GSP group as a code, flags and dates', async () => {
    const rows = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}>
      SELECT ?id ?kind ?type ?ngc ?group ?groupName ?gc ?dc ?fpn ?from ?status WHERE { GRAPH ?unit { ?unit a fmar:BmUnit ; fmar:bmuId ?id ; fmar:bmuKind ?kind ; fmar:bmuType ?type ; fmar:bmuGenerationCapacity ?gc ; fmar:bmuDemandCapacity ?dc ; fmar:bmuFpnFlag ?fpn ; fmar:bmuEffectiveFrom ?from ; fmar:bmuProdConsStatus ?status ; fmar:inGspGroup ?group ; fmar:bmuGspGroupName ?groupName . OPTIONAL { ?unit fmar:bmuNgcName ?ngc } } } ORDER BY ?id`);
    const byId = Object.fromEntries(rows.map((r) => [r.id.value, Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.value]))]));
    assert.deepEqual(byId['2__AANGE001'], { id: '2__AANGE001', kind: '2__', type: 'S', ngc: 'AG-ALIM02', group: GSP_GROUP('_A'), groupName: 'Eastern GSP Group', gc: '80000', dc: '-1000', fpn: 'true', from: '2022-06-01', status: 'C' });
    assert.deepEqual(byId.E_ABERDARE, { id: 'E_ABERDARE', kind: 'E_', type: 'E', ngc: 'ABERU-1', group: GSP_GROUP('_K'), groupName: 'South Wales', gc: '15440', dc: '0', fpn: 'true', from: '2022-06-01', status: 'C' });
    assert.equal(byId['2__AALAB000'].ngc, undefined, 'an empty NGC BMU Name is no value');
    assert.deepEqual(rows.filter((r) => r.kind.value === 'V__').map((r) => r.id.value), ['V__AENEL001', 'V__AFLEX001', 'V__AZENO002']);
  });

  it('answers "which BM units does lead party X have" with one SPARQL query, the party keyed by its Elexon Party ID and linked to the registered organisation', async () => {
    const rows = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}>
      SELECT ?unit ?id ?name ?org WHERE {
        GRAPH ?partyGraph { ?party a fmar:ReferenceParty ; fmar:partyIdentifier "elexonPartyId:FLEXTRCY" ; fmar:partyName ?name . OPTIONAL { ?party fmar:matchedOrganisation ?org } }
        GRAPH ?unit { ?unit fmar:bmuLeadParty ?party ; fmar:bmuId ?id }
      }`);
    assert.deepEqual(rows.map((r) => [r.id.value, r.name.value, r.org?.value]), [['V__AFLEX001', 'Flexitricity Limited', flexitricity]]);
    // A party's name need not say who it is: ZENOBE1 is published as "BESS Holdco 2 Limited".
    const zenobe = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}>
      SELECT ?id WHERE { GRAPH ?partyGraph { ?party fmar:partyIdentifier "elexonPartyId:ZENOBE1" ; fmar:partyName "BESS Holdco 2 Limited" ; fmar:partyRole "BSC lead party" } GRAPH ?unit { ?unit fmar:bmuLeadParty ?party ; fmar:bmuId ?id } }`);
    assert.deepEqual(zenobe.map((r) => r.id.value), ['V__AZENO002']);
  });

  it('keeps one party per Party ID when an edition publishes it under two names, and updates only what changed', async () => {
    // Crafted: a second unit of Limejump (ANGEL) under another spelling of its name.
    const bytes = await craftedExcerpt((cells) => (cells['BM Unit ID'] === '2__AANGE001' ? [cells, { ...cells, 'BM Unit ID': '2__BANGE001', 'BMU Name': '"2__BANGE001"', 'Party Name': '"Limejump Energy Ltd"', 'GSP Group Id': '_B', 'GSP Group Name': '"East Midlands"' }] : undefined));
    const { summary, rows: report } = await run().run(bytes, 'elexon-bm-units-crafted.csv');
    assert.equal(summary.rejected, 0);
    const changes = new Map(report.flatMap((r) => r.entities).map((e) => [e.label, e]));
    assert.equal(changes.get('BM unit 2__BANGE001')?.change, 'created');
    assert.deepEqual(changes.get('party Limejump Energy Limited')?.changed, ['partyName']);
    const units = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}>
      SELECT DISTINCT ?id WHERE { GRAPH ?partyGraph { ?party fmar:partyIdentifier "elexonPartyId:ANGEL" } GRAPH ?unit { ?unit fmar:bmuLeadParty ?party ; fmar:bmuId ?id } } ORDER BY ?id`);
    assert.deepEqual(units.map((r) => r.id.value), ['2__AANGE001', '2__BANGE001']);
    const names = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}> SELECT ?name WHERE { GRAPH ?partyGraph { ?party fmar:partyIdentifier "elexonPartyId:ANGEL" ; fmar:partyName ?name } } ORDER BY ?name`);
    assert.deepEqual(names.map((r) => r.name.value), ['Limejump Energy Limited', 'Limejump Energy Ltd']);
  });
});
