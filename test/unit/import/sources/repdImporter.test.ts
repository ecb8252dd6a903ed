import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { ImportRun } from '../../../../src/import/ImportRun.js';
import { importerFor } from '../../../../src/import/importers.js';
import { REPD_OPERATOR_ROLE, RepdImporter } from '../../../../src/import/sources/repdImporter.js';
import type { RowMapping } from '../../../../src/import/SourceImporter.js';
import { readTabularFile, type TabularRow } from '../../../../src/import/tabularFile.js';
import { VocabularyMapping } from '../../../../src/import/VocabularyMapping.js';
import { projectRoot, sharedDir } from '../../../../src/projectRoot.js';
import { FMAR, FMAR_CODE } from '../../../../src/rdf/namespaces.js';
import { selectBindings } from '../../../../src/store/selectBindings.js';
import { BASE, startTestRegistry, type TestRegistry } from '../../../support/testRegistry.js';

/** 9 rows of the REPD (2022-10), byte-exact Windows-1252 with CRLF and multi-line quoted addresses: test/fixtures/import/README.md. */
const EXCERPT = join(projectRoot(), 'test/fixtures/import/desnz-repd-excerpt-cp1252.csv');
/** The whole database extract (the data README, file 7). */
const REAL = join(sharedDir(), 'data/gb/desnz_repd_2022-10_cp1252.csv');
const CONTEXT = { baseIri: BASE, sourceIri: `${BASE}reference/sources/sha256-test`, rowIri: (row: number) => `${BASE}reference/sources/sha256-test#row-${row}` };
const ENTRY = (refId: string) => `${BASE}reference/repd/${refId}`;
const CATEGORY = (code: string) => `${FMAR_CODE}AssetCategory/${code}`;
const SOURCE = (code: string) => `${FMAR_CODE}EnergySource/${code}`;
const HEADER_COLUMNS = ['Ref ID', 'Technology Type', 'Development Status'];

/** The objects of one property of the REPD entry a row gives. */
function values(mapping: RowMapping, property: string): string[] {
  const entry = mapping.entities[0];
  return entry.quads.filter((q) => q.subject.value === entry.iri && q.predicate.value === `${FMAR}${property}`).map((q) => q.object.value);
}

/**
 * Whole records of the real file, byte for byte (Windows-1252, CRLF, multi-line fields and all), after its header:
 * the records of the rows `select` picks, each from its first line to the line before the next record.
 */
async function realRecords(select: (row: TabularRow) => boolean): Promise<Buffer> {
  const bytes = await readFile(REAL);
  // latin1 maps each byte to one character and back: the slices are the file's bytes.
  const lines = bytes.toString('latin1').split('\n');
  const rows = readTabularFile(bytes, { headerColumns: HEADER_COLUMNS, sourceName: 'repd' }).rows;
  const out = [lines[0]];
  rows.forEach((row, i) => {
    if (select(row)) out.push(...lines.slice(row.line - 1, (rows[i + 1]?.line ?? lines.length) - 1));
  });
  return Buffer.from(out.map((line) => `${line}\n`).join(''), 'latin1');
}

/** The excerpt's rows with cells changed or rows added, written as a UTF-8 CSV (a crafted file, not a published one). */
async function craftedExcerpt(edit: (rows: Record<string, string>[]) => Record<string, string>[]): Promise<Buffer> {
  const file = readTabularFile(await readFile(EXCERPT), { headerColumns: HEADER_COLUMNS, sourceName: 'excerpt' });
  const rows = edit(file.rows.map((r) => ({ ...r.cells })));
  return Buffer.from(stringify(rows, { header: true, columns: file.headers, record_delimiter: 'windows', quoted: true }), 'utf8');
}

describe('RepdImporter: mapping rows of the DESNZ Renewable Energy Planning Database (issue #9)', function () {
  this.timeout(120_000);
  let importer: RepdImporter;
  before(async () => {
    importer = new RepdImporter({ vocabulary: await VocabularyMapping.load() });
  });
  const mapFile = (bytes: Buffer): { row: TabularRow; mapping: RowMapping }[] => {
    importer.begin();
    return readTabularFile(bytes, { headerColumns: importer.headerColumns, sourceName: 'test' }).rows.map((row) => ({ row, mapping: importer.mapRow(row, CONTEXT) as RowMapping }));
  };

  it('maps every row of the real 2022-10 file: 8,016 entries with distinct Ref IDs, 499 without a capacity, 2,609 operator parties', async () => {
    const rows = mapFile(await readFile(REAL));
    assert.equal(rows.length, 8016);
    assert.deepEqual(rows.flatMap(({ mapping }) => mapping.errors), []);
    const warned = rows.filter(({ mapping }) => mapping.warnings.length);
    assert.equal(warned.length, 499);
    assert.ok(warned.every(({ row, mapping }) => mapping.warnings.length === 1 && mapping.warnings[0].reason === 'no-capacity' && row.cell('Installed Capacity (MWelec)') === ''), 'the only warning: an empty capacity cell');
    assert.equal(new Set(rows.map(({ mapping }) => mapping.entities[0].iri)).size, 8016, 'no Ref ID twice: no duplicate-key');

    // Every published technology maps; the categories are the data README's counts (888 Battery, 3,321 solar,
    // 2,297 onshore + 81 offshore wind), CHP from CHP Enabled = Yes (360 rows, none of them solar, wind or battery).
    const tally = (property: string) => {
      const counts: Record<string, number> = {};
      for (const { mapping } of rows) for (const v of values(mapping, property)) counts[v.split('/').pop()!] = (counts[v.split('/').pop()!] ?? 0) + 1;
      return counts;
    };
    assert.deepEqual(tally('repdAssetCategory'), { BESS: 888, SOLAR_PV: 3321, WIND_TURBINE: 2378, CHP: 360, OTHER: 1069 });
    assert.deepEqual(tally('repdEnergySourceCode'), { SOLAR: 3321, WIND: 2378, BIOGAS: 606, BIOMASS: 242, OTHER: 212, HYDRO: 198, HYDROGEN: 24 });

    // MW -> kW exactly, for every row that has a capacity.
    for (const { row, mapping } of rows) {
      const mw = row.cell('Installed Capacity (MWelec)')!;
      const kw = values(mapping, 'repdInstalledCapacity');
      if (!mw) assert.deepEqual(kw, []);
      else assert.equal(Number(kw[0]), Math.round(Number(mw) * 1e6) / 1e3, `${mw} MW`);
    }
    assert.deepEqual(values(rows.find(({ row }) => row.cell('Ref ID') === '4')!.mapping, 'repdInstalledCapacity'), ['38500']);

    const parties = rows.flatMap(({ mapping }) => mapping.entities.slice(1));
    assert.equal(parties.length, 5432, 'rows whose operator is recognisably an organisation');
    assert.equal(new Set(parties.map((p) => p.iri)).size, 2609, 'one party per normalised name');
    assert.ok(parties.every((p) => p.shared && p.quads.some((q) => q.predicate.value === `${FMAR}partyRole` && q.object.value === REPD_OPERATOR_ROLE)));
    const privateDeveloper = rows.filter(({ row }) => row.cell('Operator (or Applicant)') === 'Private Developer');
    assert.equal(privateDeveloper.length, 293);
    assert.ok(privateDeveloper.every(({ mapping }) => mapping.entities.length === 1 && values(mapping, 'repdOperatorName')[0] === 'Private Developer'), 'kept as published, not a party');

    // Northern Ireland: Country says so (392 rows: 390 in Region Northern Ireland, 2 tidal sites Offshore), with
    // British National Grid coordinates like every other row (west of the grid's GB rows, not the Irish Grid's).
    const ni = rows.filter(({ mapping }) => values(mapping, 'repdCountry')[0] === 'Northern Ireland');
    assert.equal(ni.length, 392);
    const regions: Record<string, number> = {};
    for (const { mapping } of ni) for (const r of values(mapping, 'repdRegion')) regions[r] = (regions[r] ?? 0) + 1;
    assert.deepEqual(regions, { 'Northern Ireland': 390, Offshore: 2 });
    const eastings = ni.flatMap(({ mapping }) => values(mapping, 'repdEasting').map(Number));
    assert.equal(eastings.length, 379, '13 Northern Ireland rows give no coordinates');
    assert.deepEqual([Math.min(...eastings), Math.max(...eastings)], [4942, 170120]);
    assert.equal(rows.filter(({ mapping }) => values(mapping, 'repdEasting').length).length, 7990, 'both coordinates, or neither (26 rows)');

    // Kept as published, garbled in the publisher's file.
    const gorsedd = rows.find(({ row }) => row.cell('Ref ID') === '3052')!.mapping;
    assert.deepEqual(values(gorsedd, 'repdSiteName'), ['Gorsedd BrÃ¢n Wind Fram']);
    // No street address or post code reaches an entry.
    const withPostcode = rows.find(({ row }) => row.cell('Post Code') === 'BT94 2FQ')!;
    assert.ok(withPostcode.mapping.entities[0].quads.every((q) => !q.object.value.includes('BT94') && !q.object.value.includes(withPostcode.row.cell('Address')!)));
  });

  it('reads the excerpt: multi-line quoted addresses do not shift the rows, Windows-1252 letters are decoded, CHP Enabled decides CHP', async () => {
    const rows = mapFile(await readFile(EXCERPT));
    assert.deepEqual(rows.map(({ row }) => [row.line, row.cell('Ref ID')]), [[2, '4'], [7, '5'], [8, '311'], [9, '390'], [12, '2475'], [13, '3052'], [14, '6264'], [15, '6992'], [16, '10448']]);
    const byRef = new Map(rows.map(({ row, mapping }) => [row.cell('Ref ID')!, mapping]));
    assert.deepEqual(values(byRef.get('4')!, 'repdSiteName'), ['Thetford Biomass Power Station'], 'the record after a field over five lines');
    assert.deepEqual(values(byRef.get('5')!, 'repdPlanningAuthority'), ['Northamptonshire County Council'], 'the record whose address has lone CRs');
    assert.deepEqual(values(byRef.get('10448')!, 'repdSiteName'), ['Skelton Grange – Energy Recovery Facility'], '0x96 is an en dash');
    assert.deepEqual(values(byRef.get('6264')!, 'repdSiteName'), ['Dounreay Trì Floating Wind Demonstration']);
    assert.deepEqual(values(byRef.get('6992')!, 'repdOperatorName'), ['Ørsted']);
    assert.equal(byRef.get('6992')!.entities.length, 1, '"Ørsted" has no company form: no party');
    assert.deepEqual(values(byRef.get('6992')!, 'repdStorageType'), ['Co-located with RE']);
    assert.deepEqual(values(byRef.get('6992')!, 'repdAssetCategory'), [CATEGORY('BESS')]);
    assert.deepEqual(values(byRef.get('6992')!, 'repdEnergySourceCode'), [], 'Battery deliberately maps to no energy source: no code, no warning');
    assert.deepEqual(values(byRef.get('311')!, 'repdAssetCategory'), [CATEGORY('CHP')], 'Anaerobic Digestion with CHP Enabled Yes');
    assert.deepEqual(values(byRef.get('311')!, 'repdEnergySourceCode'), [SOURCE('BIOGAS')]);
    assert.deepEqual(values(byRef.get('4')!, 'repdAssetCategory'), [CATEGORY('OTHER')], 'Biomass (dedicated) with CHP Enabled No');
    assert.deepEqual(values(byRef.get('4')!, 'repdChpEnabled'), ['false']);
    assert.deepEqual([values(byRef.get('4')!, 'repdOperationalDate'), values(byRef.get('4')!, 'repdPlanningPermissionGranted'), values(byRef.get('4')!, 'repdRecordLastUpdated')], [['1998-10-02'], ['1995-05-05'], ['2003-12-18']]);
    assert.deepEqual([values(byRef.get('4')!, 'repdEasting'), values(byRef.get('4')!, 'repdNorthing')], [['585300'], ['286900']]);
    assert.deepEqual([values(byRef.get('2475')!, 'repdDevelopmentStatus'), values(byRef.get('2475')!, 'repdDevelopmentStatusShort'), values(byRef.get('2475')!, 'repdRegion')], [['Planning Application Withdrawn'], ['Application Withdrawn'], ['Offshore']]);
    assert.ok(rows.every(({ mapping }) => !mapping.errors.length && !mapping.warnings.length));
  });

  it('reports a capacity, date, flag or coordinate that is not one, an unknown technology, and rejects a row without a Ref ID', async () => {
    const bytes = await craftedExcerpt((rows) => {
      for (const cells of rows) {
        if (cells['Ref ID'] === '4') Object.assign(cells, { 'Installed Capacity (MWelec)': '38,5', Operational: '31/02/1998', 'CHP Enabled': 'Maybe' });
        if (cells['Ref ID'] === '5') Object.assign(cells, { 'Technology Type': 'Tidal Lagoon', 'Installed Capacity (MWelec)': '-8.8' });
        if (cells['Ref ID'] === '311') cells['Ref ID'] = ' ';
        if (cells['Ref ID'] === '390') Object.assign(cells, { 'X-coordinate': '-4.2', 'Y-coordinate': '57.3' });
        if (cells['Ref ID'] === '2475') cells['Y-coordinate'] = '';
        if (cells['Ref ID'] === '3052') cells['Installed Capacity (MWelec)'] = 'N/A';
        if (cells['Ref ID'] === '6264') cells['Ref ID'] = 'R-6264';
      }
      return rows;
    });
    const rows = mapFile(bytes);
    const problems = (i: number) => rows[i].mapping.warnings.map((w) => `${w.reason} ${w.column}`).sort();
    assert.deepEqual(problems(0), ['bad-capacity Installed Capacity (MWelec)', 'bad-date Operational', 'bad-flag CHP Enabled']);
    assert.deepEqual([values(rows[0].mapping, 'repdInstalledCapacity'), values(rows[0].mapping, 'repdOperationalDate'), values(rows[0].mapping, 'repdChpEnabled')], [[], [], []]);
    assert.deepEqual(values(rows[0].mapping, 'repdAssetCategory'), [CATEGORY('OTHER')], 'an unreadable CHP flag decides nothing');
    assert.deepEqual(problems(1), ['bad-capacity Installed Capacity (MWelec)', 'unmapped-value Technology Type']);
    assert.deepEqual(values(rows[1].mapping, 'repdTechnologyType'), ['Tidal Lagoon'], 'kept as published');
    assert.deepEqual([values(rows[1].mapping, 'repdAssetCategory'), values(rows[1].mapping, 'repdEnergySourceCode')], [[], []]);
    assert.deepEqual(rows[2].mapping.errors.map((e) => e.reason), ['no-ref-id']);
    assert.deepEqual(rows[2].mapping.entities, []);
    assert.deepEqual(problems(3), ['bad-coordinate X-coordinate'], 'a longitude is not an easting');
    assert.deepEqual([values(rows[3].mapping, 'repdEasting'), values(rows[3].mapping, 'repdNorthing')], [[], []], 'both or neither');
    assert.deepEqual(problems(4), ['incomplete-coordinates Y-coordinate']);
    assert.deepEqual(values(rows[4].mapping, 'repdEasting'), []);
    assert.deepEqual(problems(5), ['no-capacity Installed Capacity (MWelec)'], '"N/A" is no value');
    assert.deepEqual(problems(6), ['unusual-ref-id Ref ID']);
    assert.equal(rows[6].mapping.entities[0].iri, ENTRY('R-6264'));
  });
});

describe('ImportRun with the REPD importer (issue #9)', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  let vocabulary: VocabularyMapping;
  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
    vocabulary = await VocabularyMapping.load();
  });
  after(() => t.close());

  const run = () => new ImportRun({ store: t.registry.store, baseIri: BASE, agentIri: `${BASE}agents/importer`, importer: importerFor('repd', { model: t.registry.model, vocabulary }) });
  const literalOf = async (refId: string, property: string) =>
    (await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}> SELECT ?v WHERE { GRAPH <${ENTRY(refId)}> { <${ENTRY(refId)}> fmar:${property} ?v } }`)).map((r) => r.v.value);

  it('imports the excerpt, one entry per row and a party per organisation operator, and changes nothing when run again', async () => {
    const bytes = await readFile(EXCERPT);
    const first = await run().run(bytes, 'desnz-repd-excerpt-cp1252.csv');
    assert.equal(first.summary.encoding, 'windows-1252');
    assert.deepEqual([first.summary.rows, first.summary.accepted, first.summary.acceptedWithWarnings, first.summary.rejected], [9, 9, 0, 0], JSON.stringify(first.rows.filter((r) => r.outcome !== 'accepted')));
    const entities = first.rows.flatMap((r) => r.entities);
    assert.deepEqual(entities.filter((e) => e.iri.includes('/repd/')).map((e) => e.iri), ['4', '5', '311', '390', '2475', '3052', '6264', '6992', '10448'].map(ENTRY));
    const parties = [...new Map(entities.filter((e) => e.iri.includes('/parties/')).map((e) => [e.iri, e.label])).values()].sort();
    // Not parties: Agrigen, Celtpower, Ørsted (single-word trade names). Tegni Cymru Cyf is one: Welsh "Cyf." is Ltd.
    assert.deepEqual(parties, ['party Biogen (formerly Tamar Energy)', 'party Energy Power Resources', 'party Hexicon AB/ Dounreay Tri', 'party Scottish & Southern Energy Scottish Hydro Electric', 'party Scottish and Southern Energy (SSE)', 'party Tegni Cymru Cyf']);
    assert.deepEqual(first.summary.entities, { created: 15, updated: 0, unchanged: 0 });

    await t.registry.accessLog.flush();
    const head = t.registry.store.head().sequence;
    const again = await run().run(bytes, 'desnz-repd-excerpt-cp1252.csv');
    assert.deepEqual(again.summary.entities, { created: 0, updated: 0, unchanged: 15 });
    assert.equal(t.registry.store.head().sequence - head, 3, 'only the run itself is recorded');
  });

  it('keeps the lines of the rows after multi-line quoted fields, and leaves the addresses out', async () => {
    const rows = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}> PREFIX prov: <http://www.w3.org/ns/prov#>
      SELECT ?ref ?line WHERE { GRAPH ?e { ?e a fmar:RepdEntry ; fmar:repdRefId ?ref ; prov:wasDerivedFrom ?row . ?row fmar:sourceLine ?line } } ORDER BY ?line`);
    assert.deepEqual(rows.map((r) => [r.ref.value, r.line.value]), [['4', '2'], ['5', '7'], ['311', '8'], ['390', '9'], ['2475', '12'], ['3052', '13'], ['6264', '14'], ['6992', '15'], ['10448', '16']]);
    const thetford = await selectBindings(t.registry.store, `SELECT ?o WHERE { GRAPH <${ENTRY('4')}> { ?s ?p ?o } }`);
    assert.ok(thetford.length > 10);
    assert.ok(thetford.every((r) => !/Mundford|Marley|Norfolk/.test(r.o.value)), 'no address, no county');
  });

  it('stores the Windows-1252 letters intact: ’ (0x92), – (0x96), Ø (0xD8), ì (0xEC), and the publisher\'s own mojibake as published', async () => {
    // The excerpt's ’ is in an address (left out): Ref ID 1325 of the real file has one in its site name.
    const bytes = await realRecords((row) => row.cell('Ref ID') === '1325');
    assert.ok(bytes.includes(Buffer.from('Bishop\x92s Waltham', 'latin1')), 'the byte 0x92 in the file');
    const { summary } = await run().run(bytes, 'repd-ref-1325.csv');
    assert.equal(summary.encoding, 'windows-1252');
    assert.deepEqual(await literalOf('1325', 'repdSiteName'), ['Bishop’s Waltham Solar Farm']);
    assert.deepEqual(await literalOf('10448', 'repdSiteName'), ['Skelton Grange – Energy Recovery Facility']);
    assert.deepEqual(await literalOf('6992', 'repdOperatorName'), ['Ørsted']);
    assert.deepEqual(await literalOf('6264', 'repdSiteName'), ['Dounreay Trì Floating Wind Demonstration']);
    assert.deepEqual(await literalOf('3052', 'repdSiteName'), ['Gorsedd BrÃ¢n Wind Fram']);
    const party = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}> SELECT ?name ?role WHERE { GRAPH <${ENTRY('1325')}> { ?e fmar:repdOperator ?p } GRAPH ?partyGraph { ?p fmar:partyName ?name ; fmar:partyRole ?role } }`);
    assert.deepEqual(party.map((r) => [r.name.value, r.role.value]), [["Solafields U/Bishop's Waltham Renewables Ltd", 'REPD operator']]);
  });

  it('answers "operational battery projects over 10 MW in a region" with one SPARQL query, over every battery row of the real file', async () => {
    const bytes = await realRecords((row) => row.cell('Technology Type') === 'Battery');
    const { summary } = await run().run(bytes, 'repd-batteries.csv');
    assert.deepEqual([summary.rows, summary.rejected], [888, 0]);
    const real = readTabularFile(await readFile(REAL), { headerColumns: HEADER_COLUMNS, sourceName: 'repd' }).rows;
    const expected = (region: string) =>
      real
        .filter((r) => r.cell('Technology Type') === 'Battery' && r.cell('Development Status') === 'Operational' && r.cell('Region') === region && Number(r.cell('Installed Capacity (MWelec)')) > 10)
        .map((r) => r.cell('Ref ID')!)
        .sort((a, b) => Number(a) - Number(b));

    const query = (region: string) => `PREFIX fmar: <${FMAR}>
      SELECT ?ref ?site ?kw ?operator WHERE {
        GRAPH ?entry { ?entry a fmar:RepdEntry ; fmar:repdAssetCategory <${CATEGORY('BESS')}> ; fmar:repdDevelopmentStatus "Operational" ;
                              fmar:repdRegion ${JSON.stringify(region)} ; fmar:repdInstalledCapacity ?kw ; fmar:repdRefId ?ref .
                       OPTIONAL { ?entry fmar:repdSiteName ?site } OPTIONAL { ?entry fmar:repdOperatorName ?operator }
                       FILTER (?kw > 10000) }
      } ORDER BY DESC(?kw) ?ref`;
    const southWest = await selectBindings(t.registry.store, query('South West'));
    assert.equal(southWest.length, 6);
    assert.deepEqual(southWest.map((r) => r.ref.value).sort((a, b) => Number(a) - Number(b)), expected('South West'));
    assert.ok(southWest.every((r) => Number(r.kw.value) > 10000 && r.kw.datatype === 'http://www.w3.org/2001/XMLSchema#decimal'));
    // "Over 10 MW": Northern Ireland's one operational battery has exactly 10 MW (10000 kW) and is not listed.
    assert.deepEqual(await selectBindings(t.registry.store, query('Northern Ireland')), []);
    for (const region of ['Scotland', 'Eastern', 'East Midlands', 'London']) {
      assert.deepEqual((await selectBindings(t.registry.store, query(region))).map((r) => r.ref.value).sort((a, b) => Number(a) - Number(b)), expected(region), region);
    }
  });

  it('rejects a second row with the same Ref ID (duplicate-key) and a row without one (no-ref-id)', async () => {
    const bytes = await craftedExcerpt((rows) => {
      const burbo = rows.find((r) => r['Ref ID'] === '6992')!;
      return [
        { ...burbo, 'Ref ID': '990001' },
        { ...burbo, 'Ref ID': '990001', 'Site Name': 'Burbo Bank Energy Storage (again)' },
        { ...burbo, 'Ref ID': '' },
        { ...burbo, 'Ref ID': '990002', 'Technology Type': 'Gravity Storage', 'Installed Capacity (MWelec)': 'about 2' },
      ];
    });
    const { summary, rows } = await run().run(bytes, 'repd-crafted.csv');
    assert.deepEqual([summary.rows, summary.accepted, summary.acceptedWithWarnings, summary.rejected], [4, 2, 1, 2]);
    assert.deepEqual(summary.rejectedBy, { 'duplicate-key': 1, 'no-ref-id': 1 });
    assert.deepEqual(summary.warningsBy, { 'unmapped-value': 1, 'bad-capacity': 1 });
    assert.match(rows[1].errors[0].message, /row 1 of this file describes the same REPD entry 990001/);
    assert.deepEqual(await literalOf('990001', 'repdSiteName'), ['Burbo Bank Energy Storage'], 'the first row stands');
    assert.deepEqual(await literalOf('990002', 'repdTechnologyType'), ['Gravity Storage']);
    assert.deepEqual(await literalOf('990002', 'repdInstalledCapacity'), []);
  });
});
