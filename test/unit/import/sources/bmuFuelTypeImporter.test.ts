import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importIntoRegistry } from '../../../../src/import/importIntoRegistry.js';
import { BmuFuelTypeImporter } from '../../../../src/import/sources/bmuFuelTypeImporter.js';
import type { RowMapping } from '../../../../src/import/SourceImporter.js';
import { readTabularFile } from '../../../../src/import/tabularFile.js';
import { VocabularyMapping } from '../../../../src/import/VocabularyMapping.js';
import { projectRoot, sharedDir } from '../../../../src/projectRoot.js';
import { FMAR, FMAR_CODE } from '../../../../src/rdf/namespaces.js';
import { selectBindings } from '../../../../src/store/selectBindings.js';
import { loadFmarValidation } from '../../../../src/validation/loadFmarValidator.js';
import { BASE, startTestRegistry } from '../../../support/testRegistry.js';

/** 12 rows of Elexon's BMU Fuel Type list (2023-12), byte-exact: test/fixtures/import/README.md. */
const EXCERPT = join(projectRoot(), 'test/fixtures/import/elexon-bmu-fuel-types-excerpt.csv');
/** The whole list (the data README, file 5). */
const REAL = join(sharedDir(), 'data/gb/elexon_bmu_fuel_types_2023-12.csv');
const BM_UNITS = join(sharedDir(), 'data/gb/elexon_registered_bm_units_2022-06.csv');
const CONTEXT = { baseIri: BASE, sourceIri: `${BASE}reference/sources/sha256-test`, rowIri: (row: number) => `${BASE}reference/sources/sha256-test#row-${row}` };

/** The objects of one property of the fuel type a row gives. */
function values(mapping: RowMapping, property: string): string[] {
  const entity = mapping.entities[0];
  return entity.quads.filter((q) => q.subject.value === entity.iri && q.predicate.value === `${FMAR}${property}`).map((q) => q.object.value);
}

describe('BmuFuelTypeImporter: Elexon\'s BMU Fuel Type list (issue #9)', function () {
  this.timeout(120_000);
  let importer: BmuFuelTypeImporter;
  before(async () => {
    importer = new BmuFuelTypeImporter({ vocabulary: await VocabularyMapping.load() });
    importer.begin();
  });
  const mapFile = (bytes: Buffer) => readTabularFile(bytes, { headerColumns: importer.headerColumns, sourceName: 'test' }).rows.map((row) => ({ row, mapping: importer.mapRow(row, CONTEXT) as RowMapping }));

  it('maps every row of the real list: every value to the source vocabularies, 52 rows without a BM Unit ID kept under their NGC name', async () => {
    const rows = mapFile(await readFile(REAL));
    assert.equal(rows.length, 438);
    assert.deepEqual(rows.flatMap(({ mapping }) => mapping.errors), []);
    const warnings = rows.flatMap(({ mapping }) => mapping.warnings.map((w) => w.reason));
    assert.deepEqual([...new Set(warnings)], ['no-settlement-bm-unit-id']);
    assert.equal(warnings.length, 52);
    const keys = rows.map(({ mapping }) => mapping.entities[0].key);
    assert.equal(new Set(keys).size, 438, 'one key per row');
    const categories: Record<string, number> = {};
    for (const { mapping } of rows) for (const c of values(mapping, 'fuelTypeAssetCategory')) categories[c.slice(c.lastIndexOf('/') + 1)] = (categories[c.slice(c.lastIndexOf('/') + 1)] ?? 0) + 1;
    // 235 wind (2 written "Wind"); BATTERY 17, SOLAR 3 and CHP 1 refine OTHER; the rest is other plant; 1 OTHER row says no more.
    assert.deepEqual(categories, { WIND_TURBINE: 235, OTHER: 181, BESS: 17, SOLAR_PV: 3, CHP: 1 });
  });

  it('reads each quirk of the excerpt', async () => {
    const rows = mapFile(await readFile(EXCERPT));
    const at = (line: number) => rows.find(({ row }) => row.line === line)!.mapping;
    const code = (scheme: string, value: string) => `${FMAR_CODE}${scheme}/${value}`;
    // A transmission wind farm, EFF_FROM with a time of day.
    assert.deepEqual(values(at(2), 'fuelTypeOf'), [`${BASE}reference/bm-units/T_ABRBO-1`]);
    assert.deepEqual(values(at(2), 'fuelTypeEffectiveFrom'), ['2017-08-29']);
    assert.deepEqual(values(at(2), 'fuelTypeAssetCategory'), [code('AssetCategory', 'WIND_TURBINE')]);
    assert.deepEqual(values(at(2), 'fuelTypeEnergySource'), [code('EnergySource', 'WIND')]);
    // No SETT_BMU_ID: kept under the NGC name, linked to no BM unit, with a warning.
    assert.equal(at(3).entities[0].key, 'NGC:ACHYW-1');
    assert.deepEqual(values(at(3), 'fuelTypeOf'), []);
    assert.deepEqual(values(at(3), 'fuelTypeListNote'), ['EELPS']);
    assert.deepEqual(at(3).warnings.map((w) => w.reason), ['no-settlement-bm-unit-id']);
    // OTHER refined: BATTERY is a BESS (what charges it is not said), SOLAR solar PV.
    assert.deepEqual([values(at(5), 'fuelTypeAssetCategory'), values(at(5), 'fuelTypeEnergySource')], [[code('AssetCategory', 'BESS')], []]);
    assert.deepEqual([values(at(6), 'fuelTypeAssetCategory'), values(at(6), 'fuelTypeEnergySource')], [[code('AssetCategory', 'SOLAR_PV')], [code('EnergySource', 'SOLAR')]]);
    assert.deepEqual(values(at(7), 'publishedFurtherFuelType'), ['CASCADE HYDRO']);
    assert.deepEqual(values(at(7), 'fuelTypeEnergySource'), [code('EnergySource', 'HYDRO')]);
    // Pumped storage: OTHER, and deliberately no energy source.
    assert.deepEqual([values(at(8), 'fuelTypeAssetCategory'), values(at(8), 'fuelTypeEnergySource')], [[code('AssetCategory', 'OTHER')], []]);
    // "Wind" in mixed case: kept as published, mapped as WIND.
    assert.deepEqual([values(at(9), 'publishedFuelType'), values(at(9), 'fuelTypeAssetCategory')], [['Wind'], [code('AssetCategory', 'WIND_TURBINE')]]);
    assert.deepEqual(values(at(11), 'fuelTypeListNote'), ['DECOMMISSIONED 2005']);
    assert.deepEqual(values(at(12), 'fuelTypeAssetCategory'), [code('AssetCategory', 'CHP')]);
    // EFF_FROM as yyyy-mm-dd; the NGC name is not the BM Unit ID's, and the BM Unit ID decides.
    assert.deepEqual([values(at(13), 'fuelTypeEffectiveFrom'), values(at(13), 'fuelTypeOf'), values(at(13), 'fuelTypeNgcBmuName')], [['2000-01-01'], [`${BASE}reference/bm-units/E_FDUN-1`], ['FDUNT-1']]);
    const { validator } = await loadFmarValidation(join(projectRoot(), 'shapes'));
    const report = await validator.validate(rows.flatMap(({ mapping }) => mapping.entities.flatMap((e) => e.quads)));
    assert.deepEqual(report.results, []);
  });

  it('warns about a value no label matches, keeps it as published, and rejects a row that names no unit', () => {
    const bytes = Buffer.from('NGC_BMU_ID,SETT_BMU_ID,FUEL TYPE,EFF_FROM,EFF_TO,Comments,Further Fuel Type,EELPS?,Updated 21/12/2023\nX-1,T_X-1,HYDROGEN,2024-13-01,,,,,\n,,WIND,2020-01-01,,,,,\n');
    const [unknown, nameless] = mapFile(bytes);
    assert.deepEqual(unknown.mapping.warnings.map((w) => [w.reason, w.value]), [['unmapped-value', 'HYDROGEN'], ['bad-date', '2024-13-01']]);
    assert.deepEqual(values(unknown.mapping, 'publishedFuelType'), ['HYDROGEN']);
    assert.deepEqual(values(unknown.mapping, 'fuelTypeAssetCategory'), []);
    assert.deepEqual(nameless.mapping.errors.map((e) => e.reason), ['no-bm-unit-id']);
  });

  it('imports into a registry beside the BM units it describes, and a re-run changes nothing', async () => {
    const t = await startTestRegistry({ snapshotEvery: 0 });
    try {
      await importIntoRegistry(t.registry, 'bm-units', await readFile(BM_UNITS), 'elexon_registered_bm_units_2022-06.csv');
      const bytes = await readFile(REAL);
      const first = await importIntoRegistry(t.registry, 'bmu-fuel-types', bytes, 'elexon_bmu_fuel_types_2023-12.csv');
      assert.deepEqual([first.summary.accepted, first.summary.rejected, first.summary.entities.created], [438, 0, 438]);
      const again = await importIntoRegistry(t.registry, 'bmu-fuel-types', bytes, 'elexon_bmu_fuel_types_2023-12.csv');
      assert.deepEqual(again.summary.entities, { created: 0, updated: 0, unchanged: 438 });
      // The BM units of the 2022-06 report with the fuel type the 2023-12 list gives them, in one query: 326 of the
      // list's 386 BM Unit IDs are in the report (the others were registered later or retired).
      const rows = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}>
        SELECT ?id ?fuel WHERE { GRAPH ?u { ?unit a fmar:BmUnit ; fmar:bmuId ?id } GRAPH ?f { ?f fmar:fuelTypeOf ?unit ; fmar:publishedFuelType ?fuel } } ORDER BY ?id`);
      assert.equal(rows.length, 326);
      assert.deepEqual(rows.find((r) => r.id.value === 'T_ABRBO-1')?.fuel.value, 'WIND');
    } finally {
      await t.close();
    }
  });
});
