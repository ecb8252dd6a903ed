import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Quad } from 'n3';
import { READABLE_BY } from '../../../../src/access/accessIndex.js';
import { EcrReference, ecrGraph, loadEcrReference, megawattsToKilowatts, readEcrEntry, UKPN_ECR_1MW_PLUS_2025_08 } from '../../../../src/domain/authenticity/EcrReference.js';
import { loadOntologyModel } from '../../../../src/ontology/loadOntologyModel.js';
import { ModelQueries } from '../../../../src/ontology/modelQueries.js';
import { sharedDir } from '../../../../src/projectRoot.js';
import { DCTERMS, FMAR, PROV } from '../../../../src/rdf/namespaces.js';
import { OxigraphRegistryStore } from '../../../../src/store/OxigraphRegistryStore.js';
import { loadFmarValidation } from '../../../../src/validation/loadFmarValidator.js';
import { fixturesDir, root } from '../../../support/fixtures.js';

const BASE = 'http://registry.test/';
const ECR_FILE = join(sharedDir(), 'data/gb/ukpn_ecr_1mw_plus_2025-08.csv');

describe('EcrReference: the UKPN Embedded Capacity Register as reference data', function () {
  this.timeout(60_000);
  let model: ModelQueries;
  let ecr: EcrReference;
  before(async () => {
    model = new ModelQueries(await loadOntologyModel(join(root, 'ontology')));
    ecr = await EcrReference.fromFile(ECR_FILE, { baseIri: BASE, edition: UKPN_ECR_1MW_PLUS_2025_08, model });
  });

  it('reads the 1,240 rows of the real file (BOM, CRLF) with the counts of the data README', () => {
    assert.equal(ecr.entries.length, 1240);
    assert.equal(ecr.sourceFile, 'ukpn_ecr_1mw_plus_2025-08.csv');
    const count = (pick: (e: EcrReference['entries'][number]) => string | undefined) => {
      const counts: Record<string, number> = {};
      for (const e of ecr.entries) counts[pick(e) ?? '-'] = (counts[pick(e) ?? '-'] ?? 0) + 1;
      return counts;
    };
    assert.deepEqual(count((e) => e.connectionStatus), { Connected: 687, 'Accepted to Connect': 553 });
    // EPN 824 plus the one "Eastern Power Networks plc" variant, SPN 321, LPN 94: every row names a licence area.
    assert.deepEqual(count((e) => e.dnoArea), { UKPN_EPN: 825, UKPN_SPN: 321, UKPN_LPN: 94 });
    assert.equal(ecr.entries[0].line, 2, 'the header is line 1');
    assert.equal(ecr.entries.at(-1)!.line, 1241);
  });

  it('records the SHA-256 of the bytes read, the one the data README lists', async () => {
    const readme = await readFile(join(sharedDir(), 'data/gb/README.md'), 'utf8');
    const listed = /^([0-9a-f]{64}) {2}ukpn_ecr_1mw_plus_2025-08\.csv$/m.exec(readme)?.[1];
    assert.ok(listed, 'the README lists the file');
    assert.equal(ecr.sha256, listed);
  });

  it('keeps line 551, the quirkiest row, and reads its licence area variant as UKPN_EPN', () => {
    // Line 551: "Eastern Power Networks plc", Country 0, a 14-digit export MPAN, a Connected site of 2.13 MW.
    const row = ecr.entryByReference('UKPN-ECR-row-551')!;
    assert.equal(row.licenceArea, 'Eastern Power Networks plc');
    assert.equal(row.dnoArea, 'UKPN_EPN');
    assert.equal(row.registeredCapacityKw, '2130');
    assert.deepEqual(row.technologies.map((t) => [t.slot, t.energySource, t.conversionTechnology, t.capacityKw, t.assetCategory]), [[1, 'Biofuel landfill gas', 'Steam-gas turbine (CCGT)', '2130', 'OTHER']]);
  });

  it('falls back to the technologies\' capacity where a connected row leaves its registered capacity empty (line 229), and to none at all (line 303)', () => {
    assert.equal(ecr.entryByReference('UKPN-ECR-row-229')!.registeredCapacityKw, '2600');
    const empty = ecr.entryByReference('UKPN-ECR-row-303')!;
    assert.equal(empty.registeredCapacityKw, undefined);
    assert.equal(empty.technologies[0].energySource, 'Waste');
  });

  it('reads storage, with its double-spaced technology name, as BESS, and a solar + storage site as two technologies', () => {
    const storage = ecr.entries.flatMap((e) => e.technologies).filter((t) => t.slot === 1 && t.energySource?.startsWith('Stored Energy'));
    assert.equal(storage.length, 196, 'the data README counts 196 storage rows');
    assert.ok(storage.every((t) => t.assetCategory === 'BESS'));
    assert.ok(storage.some((t) => t.conversionTechnology === 'Storage - Electrochemical  (Batteries)'), 'published spelling kept');
    const site = ecr.entryByReference('UKPN-ECR-row-154')!;
    assert.deepEqual(site.technologies.map((t) => [t.slot, t.assetCategory, t.capacityKw]), [[1, 'SOLAR_PV', '15000'], [2, 'BESS', '15000']]);
    assert.equal(site.registeredCapacityKw, '15000');
  });

  it('names each row by its line, by its line in the edition, and never by an MPAN', async () => {
    const row = ecr.entryByReference('UKPN-ECR-2025-08-row-78')!;
    assert.deepEqual(row.references, ['UKPN-ECR-row-78', 'UKPN-ECR-2025-08-row-78']);
    assert.equal(ecr.entryByReference('UKPN-ECR-row-78'), row);
    // Line 327 gives a Reference, but it is the row's export MPAN again: not kept.
    assert.deepEqual(ecr.entryByReference('UKPN-ECR-row-327')!.references, ['UKPN-ECR-row-327', 'UKPN-ECR-2025-08-row-327']);
    assert.equal(ecr.entryByReference('1900091523125'), undefined);
    assert.equal(ecr.entryByReference('UKPN-ECR-row-1'), undefined, 'line 1 is the header');
  });

  it('matches the sample data: each data/sample asset\'s ecrReference names the row with its capacity and category', async () => {
    const sample = JSON.parse(await readFile(join(root, 'data/sample/assets.json'), 'utf8')) as { source: { line: number }; body: { ecrReference: string; ratedCapacity: number; assetCategory: string } }[];
    assert.ok(sample.length >= 200);
    for (const { source, body } of sample) {
      const row = ecr.entryByReference(body.ecrReference)!;
      assert.equal(row.line, source.line);
      assert.equal(Number(row.registeredCapacityKw), body.ratedCapacity, body.ecrReference);
      assert.ok(row.technologies.some((t) => t.assetCategory === body.assetCategory), body.ecrReference);
    }
  });

  it('writes one graph with its provenance and without customer names, addresses or MPANs', async () => {
    const quads = ecr.quads();
    const graph = ecrGraph(BASE, UKPN_ECR_1MW_PLUS_2025_08);
    assert.equal(graph, 'http://registry.test/reference/ecr/ukpn-2025-08');
    assert.deepEqual([...new Set(quads.map((q) => q.graph.value))], [graph]);
    const about = (s: string, p: string) => quads.filter((q) => q.subject.value === s && q.predicate.value === p).map((q) => q.object.value);
    assert.deepEqual(about(graph, `${DCTERMS}license`), ['https://creativecommons.org/licenses/by/4.0/']);
    assert.deepEqual(about(graph, `${DCTERMS}publisher`), ['UK Power Networks']);
    assert.deepEqual(about(graph, `${DCTERMS}bibliographicCitation`), ['Contains data from UK Power Networks, CC BY 4.0']);
    const [file] = about(graph, `${PROV}wasDerivedFrom`);
    assert.match(file, /^https:\/\/github\.com\/atlanticchilli\/project-overflow\/blob\/f65a3896b1ab01fb54475e8d9c46a06b10e1e70c\//);
    assert.deepEqual(about(file, `${DCTERMS}identifier`), [`sha256:${ecr.sha256}`]);
    assert.equal(quads.filter((q) => q.predicate.value === `${FMAR}ecrLineNumber`).length, 1240);

    const rows = parse(await readFile(ECR_FILE), { bom: true, columns: true }) as Record<string, string>[];
    const literals = new Set(quads.filter((q) => q.object.termType === 'Literal').map((q) => q.object.value));
    const personal = rows.flatMap((r) => [r['Customer Name'], r['Address Line 1'], r['Postcode'], r['Export MPAN / MSID'], r['Import MPAN / MSID']]).filter((v) => v && !/^(Data not available|0)$/.test(v));
    assert.deepEqual(personal.filter((v) => literals.has(v)), []);
  });

  it('conforms to the generated FMAR shapes (rows of every kind)', async () => {
    const { validator } = await loadFmarValidation(join(root, 'shapes'));
    const lines = new Set(['UKPN-ECR-row-2', 'UKPN-ECR-row-78', 'UKPN-ECR-row-154', 'UKPN-ECR-row-229', 'UKPN-ECR-row-303', 'UKPN-ECR-row-327', 'UKPN-ECR-row-551'].map((r) => ecr.entryByReference(r)!.iri));
    const subset = ecr.quads().filter((q) => [...lines].some((iri) => q.subject.value.startsWith(iri)) || !q.subject.value.includes('/rows/'));
    const report = await validator.validate(subset);
    assert.deepEqual(report.results, []);
    assert.equal(report.conforms, true);
  });

  it('refuses a file without a column it needs, or with a row of the wrong length, naming it', async () => {
    const options = { baseIri: BASE, edition: UKPN_ECR_1MW_PLUS_2025_08, model };
    await assert.rejects(EcrReference.fromFile(join(fixturesDir, 'authenticity/ecr-excerpt-without-licence-area.csv'), options), /no column "Licence Area"/);
    await assert.rejects(EcrReference.fromFile(join(fixturesDir, 'authenticity/ecr-excerpt-short-row.csv'), options), /line 3: 61 fields where the header has 62/);
  });

  describe('in a store', () => {
    let dir: string;
    let store: OxigraphRegistryStore;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'fmar-ecr-'));
      store = await OxigraphRegistryStore.open({ dataDir: dir, snapshotEvery: 0 });
    });
    afterEach(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('loads as public reference data, replaces an earlier load, and reads entries back as parsed', async () => {
      await loadEcrReference(store, BASE, ecr);
      await loadEcrReference(store, BASE, ecr);
      const stored = await store.readGraph(ecr.graph);
      assert.equal(stored.length, ecr.quads().length, 'a second load replaces the first');
      const access = await store.readGraph(`${BASE}.well-known/fmar/reference-access`);
      assert.deepEqual(access.map((q: Quad) => [q.subject.value, q.predicate.value, q.object.value]), [[ecr.graph, READABLE_BY, `${BASE}audiences/public`]]);
      for (const reference of ['UKPN-ECR-row-78', 'UKPN-ECR-2025-08-row-154', 'UKPN-ECR-row-303', 'UKPN-ECR-row-551']) {
        const parsed = ecr.entryByReference(reference)!;
        const read = (await readEcrEntry(store, [ecr.graph], reference))!;
        // Decimals compare as numbers (a store may write 6000 as 6000.0), references as a set.
        const comparable = (e: typeof parsed) => ({ ...e, references: [...e.references].sort(), registeredCapacityKw: num(e.registeredCapacityKw), technologies: e.technologies.map((t) => ({ ...t, capacityKw: num(t.capacityKw) })) });
        assert.deepEqual(comparable(read), comparable(parsed), reference);
      }
      assert.equal(await readEcrEntry(store, [ecr.graph], 'UKPN-ECR-row-9999'), undefined);
      assert.equal(await readEcrEntry(store, [`${BASE}reference/ecr/other`], 'UKPN-ECR-row-78'), undefined, 'only the graphs named are searched');
      assert.equal(await readEcrEntry(store, [], 'UKPN-ECR-row-78'), undefined);
    });
  });
});

describe('megawattsToKilowatts', () => {
  it('moves the decimal point exactly, and gives nothing for what is not a plain number', () => {
    assert.deepEqual(['6.0', '49.999', '0.3', '2.13', '1.2345', '10', '0.0005'].map(megawattsToKilowatts), ['6000', '49999', '300', '2130', '1234.5', '10000', '0.5']);
    assert.deepEqual(['', 'Data not available', '-1', '1e3', '1,000'].map(megawattsToKilowatts), [undefined, undefined, undefined, undefined, undefined]);
  });
});

function num(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}
