import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ecrEntryFromQuads, type EcrEntry } from '../../../../src/domain/authenticity/ecrEntries.js';
import { loadOntologyModel } from '../../../../src/ontology/loadOntologyModel.js';
import { ModelQueries } from '../../../../src/ontology/modelQueries.js';
import { ECR_COLUMNS, EcrImporter, ecrEntryReferencesByLine, ecrRowMappings } from '../../../../src/import/sources/ecrImporter.js';
import type { RowMapping } from '../../../../src/import/SourceImporter.js';
import { readTabularFile, TabularFileError, type TabularFile } from '../../../../src/import/tabularFile.js';
import { VocabularyMapping } from '../../../../src/import/VocabularyMapping.js';
import { FMAR } from '../../../../src/rdf/namespaces.js';
import { loadFmarValidation } from '../../../../src/validation/loadFmarValidator.js';
import { fixturesDir, root } from '../../../support/fixtures.js';
import { UKPN_ECR_FILE } from '../../../support/ukpnEcr.js';

const BASE = 'http://registry.test/';
const HEADER_COLUMNS = [ECR_COLUMNS.licenceArea, ECR_COLUMNS.connectionStatus, ECR_COLUMNS.energySource(1)];

/**
 * The ECR importer on every row of the real UKPN register (2025-08, 1,240 rows; the data README, file 1), mapping only:
 * what each row becomes, with the quirky rows the README lists. ImportRun.test.ts covers writing it.
 */
describe('EcrImporter: the UKPN Embedded Capacity Register, row by row', function () {
  this.timeout(60_000);
  let importer: EcrImporter;
  let file: TabularFile;
  let mappings: Map<number, RowMapping>;
  const entry = (line: number): EcrEntry => {
    const [e] = mappings.get(line)!.entities;
    return ecrEntryFromQuads(e.iri, e.quads);
  };

  before(async () => {
    const model = new ModelQueries(await loadOntologyModel(join(root, 'ontology')));
    importer = new EcrImporter({ operator: 'UKPN', model, vocabulary: await VocabularyMapping.load() });
    file = readTabularFile(await readFile(UKPN_ECR_FILE), { headerColumns: HEADER_COLUMNS, sourceName: 'ukpn_ecr_1mw_plus_2025-08.csv' });
    mappings = ecrRowMappings(file, importer, BASE);
  });

  it('accepts all 1,240 rows (BOM, CRLF), with the counts of the data README, and warns only about line 303', () => {
    assert.equal(file.rows.length, 1240);
    assert.equal(file.rows[0].line, 2, 'the header is line 1');
    assert.deepEqual([...mappings].filter(([, m]) => m.errors.length).map(([line]) => line), []);
    assert.deepEqual([...mappings].filter(([, m]) => m.warnings.length).map(([line, m]) => [line, m.warnings.map((w) => w.reason)]), [[303, ['no-capacity']]]);
    const count = (pick: (e: EcrEntry) => string | undefined) => {
      const counts: Record<string, number> = {};
      for (const line of mappings.keys()) counts[pick(entry(line)) ?? '-'] = (counts[pick(entry(line)) ?? '-'] ?? 0) + 1;
      return counts;
    };
    assert.deepEqual(count((e) => e.connectionStatus), { Connected: 687, 'Accepted to Connect': 553 });
    // EPN 824 plus the one "Eastern Power Networks plc" variant, SPN 321, LPN 94: every row names a licence area.
    assert.deepEqual(count((e) => e.dnoArea), { UKPN_EPN: 825, UKPN_SPN: 321, UKPN_LPN: 94 });
  });

  it('keeps line 551, the quirkiest row, and reads its licence area variant as UKPN_EPN', () => {
    // Line 551: "Eastern Power Networks plc", Country 0, a 14-digit export MPAN, a Connected site of 2.13 MW.
    const row = entry(551);
    assert.equal(row.licenceArea, 'Eastern Power Networks plc');
    assert.equal(row.dnoArea, 'UKPN_EPN');
    assert.equal(row.registeredCapacityKw, '2130');
    assert.deepEqual(row.technologies.map((t) => [t.slot, t.energySource, t.conversionTechnology, t.capacityKw, t.assetCategory]), [[1, 'Biofuel landfill gas', 'Steam-gas turbine (CCGT)', '2130', 'OTHER']]);
  });

  it('falls back to the technologies\' capacity where a connected row leaves its registered capacity empty (line 229), and keeps a site with none at all (line 303)', () => {
    assert.equal(entry(229).registeredCapacityKw, '2600');
    const empty = entry(303);
    assert.equal(empty.registeredCapacityKw, undefined);
    assert.equal(empty.technologies[0].energySource, 'Waste');
    assert.equal(mappings.get(303)!.warnings[0].column, ECR_COLUMNS.connectedCapacity);
  });

  it('reads storage, with its double-spaced technology name, as BESS, and a solar + storage site as two technologies', () => {
    const storage = [...mappings.keys()].map(entry).flatMap((e) => e.technologies).filter((t) => t.slot === 1 && t.energySource?.startsWith('Stored Energy'));
    assert.equal(storage.length, 196, 'the data README counts 196 storage rows');
    assert.ok(storage.every((t) => t.assetCategory === 'BESS'));
    assert.ok(storage.some((t) => t.conversionTechnology === 'Storage - Electrochemical  (Batteries)'), 'published spelling kept');
    const site = entry(154);
    assert.deepEqual(site.technologies.map((t) => [t.slot, t.assetCategory, t.capacityKw]), [[1, 'SOLAR_PV', '15000'], [2, 'BESS', '15000']]);
    assert.equal(site.registeredCapacityKw, '15000');
  });

  it('names each entry by its key, one per row, and never by an MPAN', () => {
    assert.deepEqual(entry(78).references, ['UKPN-ECR-9ac41a9acb2e']);
    assert.equal(entry(78).iri, `${BASE}reference/ecr/ukpn/9ac41a9acb2e`);
    // Line 327 gives a Reference, but it is the row's export MPAN again: not kept.
    assert.equal(entry(327).references.length, 1);
    assert.match(entry(327).references[0], /^UKPN-ECR-[0-9a-f]{12}$/);
    const references = [...mappings.keys()].map((line) => entry(line).references[0]);
    assert.equal(new Set(references).size, 1240, 'the six pairs of rows of one site are numbered apart');
    assert.deepEqual(ecrEntryReferencesByLine(file, importer), new Map([...mappings.keys()].map((line) => [line, entry(line).references[0]])));
  });

  it('leaves MPANs, addresses and postcodes out', async () => {
    const rows = parse(await readFile(UKPN_ECR_FILE), { bom: true, columns: true }) as Record<string, string>[];
    const leaked = file.rows.flatMap((row, i) => {
      const published = rows[i];
      const literals = new Set(mappings.get(row.line)!.entities.flatMap((e) => e.quads).filter((q) => q.object.termType === 'Literal').map((q) => q.object.value));
      // An address line that is also the site's name, its customer's or its grid supply point's (HARDINGHAM FARM, Sundon) is
      // kept as that: the register publishes them to identify the site.
      const kept = [published['Customer Site'], published['Customer Name'], published['Grid Supply Point']];
      const address = [published['Address Line 1'], published['Address Line 2']].filter((v) => !kept.includes(v));
      return [...address, published['Postcode'], published['Export MPAN / MSID'], published['Import MPAN / MSID']].filter((v) => v && !/^(Data not available|0)$/.test(v) && literals.has(v)).map((v) => `${row.line}: ${v}`);
    });
    assert.deepEqual(leaked, []);
  });

  it('writes a tab inside a published value as a space (a site name)', () => {
    const tabbed = file.rows.filter((row) => /\t/.test(row.cell(ECR_COLUMNS.customerSite) ?? ''));
    assert.deepEqual(tabbed.map((row) => [row.line, entry(row.line).siteName]), [[tabbed[0]?.line, 'Milton Landfill Gas Generation A']]);
  });

  it('conforms to the generated FMAR shapes (rows of every kind)', async () => {
    const { validator } = await loadFmarValidation(join(root, 'shapes'));
    const quads = [2, 78, 154, 229, 303, 327, 551].flatMap((line) => mappings.get(line)!.entities.flatMap((e) => e.quads));
    const report = await validator.validate(quads);
    assert.deepEqual(report.results, []);
    assert.equal(report.conforms, true);
    assert.ok(quads.some((q) => q.predicate.value === `${FMAR}ecrCustomer`), 'with the customers as reference parties');
  });

  it('refuses a file without a column it needs, or with a row of the wrong length, naming the line', async () => {
    const read = async (name: string) => readTabularFile(await readFile(join(fixturesDir, 'authenticity', name)), { headerColumns: HEADER_COLUMNS, sourceName: name });
    await assert.rejects(read('ecr-excerpt-without-licence-area.csv'), (error: unknown) => error instanceof TabularFileError && /no header row: no line has all of the columns "Licence Area"/.test(error.message));
    await assert.rejects(read('ecr-excerpt-short-row.csv'), (error: unknown) => error instanceof TabularFileError && /line 3: 61 fields where the header \(line 1\) has 62/.test(error.message));
  });
});
