import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ORGANISATION_KIND } from '../../../../src/domain/RecordKind.js';
import { ImportRun } from '../../../../src/import/ImportRun.js';
import { importerFor } from '../../../../src/import/importers.js';
import { registeredOrganisations } from '../../../../src/import/registeredOrganisations.js';
import { DispatchImporter, zoneSlug } from '../../../../src/import/sources/dispatchImporter.js';
import type { ImportedEntity, RowMapping } from '../../../../src/import/SourceImporter.js';
import { readTabularFile, type TabularRow } from '../../../../src/import/tabularFile.js';
import { VocabularyMapping } from '../../../../src/import/VocabularyMapping.js';
import { loadOntologyModel } from '../../../../src/ontology/loadOntologyModel.js';
import { ModelQueries } from '../../../../src/ontology/modelQueries.js';
import { projectRoot, sharedDir } from '../../../../src/projectRoot.js';
import { FMAR, FMAR_CODE } from '../../../../src/rdf/namespaces.js';
import { selectBindings } from '../../../../src/store/selectBindings.js';
import { BASE, exampleBody, startTestRegistry, type TestRegistry } from '../../../support/testRegistry.js';

/** 3 rows of UKPN's flexibility dispatches, byte-exact with the file's BOM: test/fixtures/import/README.md. */
const EXCERPT = join(projectRoot(), 'test/fixtures/import/ukpn-dispatches-excerpt.csv');
/** The whole file (the data README, file 3): 14,813 EV Charger DSR dispatches, 2024-05 to 2025-12. */
const REAL = join(sharedDir(), 'data/gb/ukpn_flexibility_dispatches_ev_subset.csv');
const CONTEXT = { baseIri: BASE, sourceIri: `${BASE}reference/sources/sha256-test`, rowIri: (row: number) => `${BASE}reference/sources/sha256-test#row-${row}` };
const UNIT = (id: string) => `${BASE}reference/flexible-units/${encodeURIComponent(id)}`;
const ZONE = (slug: string) => `${BASE}reference/flexibility-zones/${slug}`;
const HEADER_COLUMNS = ['company_name', 'fu_id', 'zone'];

/** The entities of one kind a row gives (flexible-units, parties, flexibility-zones). */
function entitiesOf(mapping: RowMapping, kind: string): ImportedEntity[] {
  return mapping.entities.filter((e) => e.iri.startsWith(`${BASE}reference/${kind}/`));
}

/** The objects of one property of the flexible unit a row gives. */
function values(mapping: RowMapping, property: string): string[] {
  const [unit] = entitiesOf(mapping, 'flexible-units');
  return unit ? unit.quads.filter((q) => q.subject.value === unit.iri && q.predicate.value === `${FMAR}${property}`).map((q) => q.object.value) : [];
}

/** A file of the excerpt's header and rows made from its first row with some cells changed (crafted: not a published file). */
async function craftedFile(edits: Record<string, string>[]): Promise<Buffer> {
  const [header, first] = (await readFile(EXCERPT, 'utf8')).split('\n');
  const columns = header.replace(/^\uFEFF/, '').split(',');
  const base = Object.fromEntries(first.split(',').map((c, i) => [columns[i], c]));
  const rows = edits.map((edit) => columns.map((c) => ({ ...base, ...edit })[c]).join(','));
  return Buffer.from(`${[header, ...rows].join('\n')}\n`, 'utf8');
}

/** Independently of the importer: each flexible unit of the real file with its provider and zone (csv as split text: the file has no quotes). */
async function realUnits(): Promise<Map<string, { provider: string; zone: string; products: Set<string> }>> {
  const [header, ...lines] = (await readFile(REAL, 'utf8')).replace(/^\uFEFF/, '').split('\n').filter(Boolean);
  const columns = header.split(',');
  const units = new Map<string, { provider: string; zone: string; products: Set<string> }>();
  for (const line of lines) {
    const cells = Object.fromEntries(line.split(',').map((c, i) => [columns[i], c]));
    const unit = units.get(cells.fu_id) ?? { provider: cells.company_name, zone: cells.zone, products: new Set<string>() };
    unit.products.add(cells.product);
    units.set(cells.fu_id, unit);
  }
  return units;
}

describe('DispatchImporter: mapping rows of UKPN flexibility dispatches (issue #9)', function () {
  this.timeout(120_000);
  let importer: DispatchImporter;
  before(async () => {
    importer = new DispatchImporter({ model: new ModelQueries(await loadOntologyModel(join(projectRoot(), 'ontology'))), vocabulary: await VocabularyMapping.load() });
  });
  const mapFile = (bytes: Buffer): { row: TabularRow; mapping: RowMapping }[] => {
    importer.begin();
    return readTabularFile(bytes, { headerColumns: importer.headerColumns, sourceName: 'test' }).rows.map((row) => ({ row, mapping: importer.mapRow(row, CONTEXT) as RowMapping }));
  };

  it('declares the header columns the fixtures test reads the file by', () => {
    assert.deepEqual(importer.headerColumns, HEADER_COLUMNS);
  });

  it('maps every row of the real file without a problem: 226 flexible units, 7 providers, 78 zones, each unit with one provider and one zone', async () => {
    const rows = mapFile(await readFile(REAL));
    assert.equal(rows.length, 14813);
    assert.deepEqual(rows.flatMap(({ mapping }) => [...mapping.errors, ...mapping.warnings]), []);
    const distinct = (kind: string) => new Set(rows.flatMap(({ mapping }) => entitiesOf(mapping, kind).map((e) => e.iri)));
    assert.equal(distinct('flexible-units').size, 226, 'the data README counts 226 flexible units');
    assert.equal(distinct('parties').size, 7, 'and 7 providers');
    assert.equal(distinct('flexibility-zones').size, 78, 'and 78 zones');
    assert.ok(rows.every(({ mapping }) => mapping.entities.length === 3 && mapping.entities.every((e) => e.shared)), 'a unit, its provider and its zone on every row, all shared');

    // What the rows give each unit, as ImportRun merges it, against the file read independently.
    const merged = new Map<string, { provider: Set<string>; zone: Set<string>; products: Set<string>; codes: Set<string> }>();
    for (const { mapping } of rows) {
      const id = values(mapping, 'flexibleUnitId')[0];
      const unit = merged.get(id) ?? { provider: new Set(), zone: new Set(), products: new Set(), codes: new Set() };
      merged.set(id, unit);
      for (const v of values(mapping, 'flexibleUnitProvider')) unit.provider.add(v);
      for (const v of values(mapping, 'inFlexibilityZone')) unit.zone.add(v);
      for (const v of values(mapping, 'flexibleUnitProduct')) unit.products.add(v);
      for (const v of [...values(mapping, 'flexibleUnitAssetCategory'), ...values(mapping, 'flexibleUnitDemandTechType')]) unit.codes.add(v);
    }
    const real = await realUnits();
    assert.deepEqual([...merged.keys()].sort(), [...real.keys()].sort());
    const providerIri = new Map(rows.map(({ row, mapping }) => [row.cell('company_name')!, entitiesOf(mapping, 'parties')[0].iri]));
    for (const [id, unit] of merged) {
      const published = real.get(id)!;
      assert.deepEqual([...unit.provider], [providerIri.get(published.provider)], id);
      assert.deepEqual([...unit.zone], [ZONE(zoneSlug(published.zone))], id);
      assert.deepEqual([...unit.products].sort(), [...published.products].sort(), id);
      assert.deepEqual([...unit.codes].sort(), [`${FMAR_CODE}AssetCategory/EV_CHARGER`, `${FMAR_CODE}DemandTechType/EV`], id);
    }
    const productCounts = new Map<number, number>();
    for (const unit of merged.values()) productCounts.set(unit.products.size, (productCounts.get(unit.products.size) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(productCounts), { 1: 213, 2: 12, 3: 1 }, '13 units were dispatched for more than one product');
    const octopus = providerIri.get('Octopus')!;
    assert.equal([...merged.values()].filter((u) => u.provider.has(octopus)).length, 39);
    assert.deepEqual([...providerIri.keys()].sort(), ['Axle Energy Limited', 'EDF Energy', 'Electric Miles Ltd', 'Ev.energy', 'OVO Energy', 'Octopus', 'Ohme']);
    const zoneNames = new Set(rows.map(({ row }) => row.cell('zone')!));
    assert.equal(new Set([...zoneNames].map(zoneSlug)).size, zoneNames.size, 'no two zone names of the file share a slug');
  });

  it('keys a zone by the words of its name and a unit by its fu_id as published, spaces and dots included', () => {
    assert.equal(zoneSlug('W. Weybridge'), 'w-weybridge');
    assert.equal(zoneSlug('STAGSDEN RD H/E LV Zone'), 'stagsden-rd-h-e-lv-zone');
    assert.equal(zoneSlug('Capel Switching Station'), zoneSlug('Capel Switching station'));
    assert.equal(zoneSlug('--'), '');
    assert.equal(UNIT('OVO -W. W-DA-3AC4'), `${BASE}reference/flexible-units/OVO%20-W.%20W-DA-3AC4`);
  });

  it('warns of a unit value a later row contradicts (the first stands), and of an unmapped technology, a missing zone or product', async () => {
    const bytes = await craftedFile([
      {},
      { zone: 'Selwyn Road' },
      { company_name: 'Octopus', technology: 'Battery Storage' },
      { zone: 'HENDON WAY', product: 'Day-Ahead' },
      { fu_id: 'crafted-unit-1', technology: 'Battery Storage', zone: 'N/A', product: '' },
    ]);
    const [first, otherZone, otherProvider, sameZone, unmapped] = mapFile(bytes).map(({ mapping }) => mapping);
    assert.deepEqual(first.warnings, []);
    assert.deepEqual(otherZone.warnings.map((w) => [w.reason, w.column, w.value]), [['conflicting-unit-value', 'zone', 'Selwyn Road']]);
    assert.match(otherZone.warnings[0].message, /row 1 gave flexible unit hendon-way-lt_saou-ev-c1-portfolio the zone "Hendon Way"; that value stands/);
    assert.deepEqual(values(otherZone, 'inFlexibilityZone'), [], 'the later zone is left out');
    assert.deepEqual(entitiesOf(otherZone, 'flexibility-zones'), [], 'and so is the zone only it names');
    assert.deepEqual(values(otherZone, 'flexibleUnitProduct'), ['Scheduled Availability'], 'the row is still a dispatch of the unit');
    assert.deepEqual(otherProvider.warnings.map((w) => [w.reason, w.column, w.value]), [['conflicting-unit-value', 'company_name', 'Octopus'], ['conflicting-unit-value', 'technology', 'Battery Storage']]);
    assert.deepEqual([values(otherProvider, 'flexibleUnitProvider'), values(otherProvider, 'flexibleUnitTechnology'), entitiesOf(otherProvider, 'parties')], [[], [], []]);
    assert.deepEqual(sameZone.warnings, [], 'HENDON WAY is the zone Hendon Way, spelt otherwise');
    const [zone] = entitiesOf(sameZone, 'flexibility-zones');
    assert.equal(zone.iri, ZONE('hendon-way'));
    assert.deepEqual(zone.quads.filter((q) => q.predicate.value === `${FMAR}flexibilityZoneName`).map((q) => q.object.value), ['HENDON WAY'], 'the spelling kept as published (ImportRun merges both)');
    assert.deepEqual(unmapped.warnings.map((w) => [w.reason, w.column]), [['no-zone', 'zone'], ['unmapped-value', 'technology'], ['no-product', 'product']]);
    assert.deepEqual(values(unmapped, 'flexibleUnitTechnology'), ['Battery Storage'], 'kept as published');
    assert.deepEqual([values(unmapped, 'flexibleUnitAssetCategory'), values(unmapped, 'flexibleUnitDemandTechType'), values(unmapped, 'inFlexibilityZone')], [[], [], []]);
  });

  it('rejects a row without fu_id or whose times are not a dispatch\'s; a rejected row does not decide a unit\'s values', async () => {
    const bytes = await craftedFile([
      { fu_id: '' },
      { start_time_utc: '2025-06-31 14:00:00+00:00', zone: 'Selwyn Road' },
      { start_time_local: '15:00:00+01:00' },
      { end_time_local: '2025-06-23T14:00:00+01:00', end_time_utc: '2025-06-23 13:00:00+00:00' },
      { start_time_local: '2025-06-23T14:00:00+01:00' },
      { start_time_local: '', start_time_utc: 'n/a' },
      { start_time_utc: '2025-06-23' },
      {},
    ]);
    const rows = mapFile(bytes).map(({ mapping }) => mapping);
    const rejected = (i: number) => rows[i].errors.map((e) => [e.reason, e.column]);
    assert.deepEqual(rejected(0), [['no-fu-id', 'fu_id']]);
    assert.deepEqual(rejected(1), [['bad-time', 'start_time_utc']]);
    assert.match(rows[1].errors[0].message, /month 6 of 2025 has 30 days/);
    assert.deepEqual(rejected(2), [['bad-time', 'start_time_local']], 'time_utc\'s form (a time of day) is not a date');
    assert.deepEqual(rejected(3), [['bad-time-range', 'end_time_local'], ['bad-time-range', 'end_time_utc']]);
    assert.deepEqual(rejected(4), [['bad-time-range', 'start_time_utc']], 'local 14:00+01:00 is 13:00 UTC, not 14:00');
    assert.deepEqual(rejected(5), [['no-time', 'start_time_utc']]);
    assert.deepEqual(rejected(6), [['bad-time', 'start_time_utc']], 'a date without a time of day');
    assert.ok(rows.slice(0, 7).every((r) => r.entities.length === 0), 'a rejected row gives nothing');
    assert.deepEqual([rows[7].errors, rows[7].warnings], [[], []], 'Selwyn Road on rejected row 2 is no earlier value of the unit');
  });
});

describe('ImportRun with the dispatch importer (issue #9)', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  let vocabulary: VocabularyMapping;
  let octopusEnergy: string;
  const admin = { agentIri: `${BASE}agents/administrator` };
  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
    vocabulary = await VocabularyMapping.load();
    // "Octopus" is declared as the trading name of Octopus Energy Limited; EDF Energy Customers Ltd is not "EDF Energy".
    octopusEnergy = (await t.registry.records.create(ORGANISATION_KIND, { ...(await exampleBody('organisation')), organisationLegalName: 'Octopus Energy Limited', organisationTradingName: 'Octopus' }, admin)).iri;
    await t.registry.records.create(ORGANISATION_KIND, { ...(await exampleBody('organisation')), organisationLegalName: 'EDF Energy Customers Ltd', organisationTradingName: 'EDF' }, admin);
  });
  after(() => t.close());

  const run = () => new ImportRun({ store: t.registry.store, baseIri: BASE, agentIri: `${BASE}agents/importer`, importer: importerFor('dispatches', { model: t.registry.model, vocabulary }), organisations: () => registeredOrganisations(t.registry.store, BASE) });

  it('imports the excerpt: three units, their provider and two zones, each written once; a re-run changes nothing', async () => {
    const bytes = await readFile(EXCERPT);
    const first = await run().run(bytes, 'ukpn-dispatches-excerpt.csv');
    assert.equal(first.summary.encoding, 'utf-8');
    assert.deepEqual([first.summary.rows, first.summary.accepted, first.summary.acceptedWithWarnings, first.summary.rejected], [3, 3, 0, 0]);
    assert.deepEqual([first.summary.rejectedBy, first.summary.warningsBy], [{}, {}]);
    assert.deepEqual(first.summary.entities, { created: 6, updated: 0, unchanged: 0 }, '3 units + 1 provider + 2 zones');
    const created = [...new Set(first.rows.flatMap((r) => r.entities).map((e) => e.iri))];
    assert.deepEqual(created.filter((iri) => iri.includes('/flexible-units/')).sort(), ['6930-HEND-PR-2869', 'hendon-way-lt_saou-ev-c1-portfolio', 'selwyn-road-lt_saou-ev-c1-portfolio'].map(UNIT).sort());
    assert.deepEqual(created.filter((iri) => iri.includes('/flexibility-zones/')).sort(), [ZONE('hendon-way'), ZONE('selwyn-road')]);
    assert.deepEqual(first.rows.filter((r) => r.entities.some((e) => e.iri === ZONE('hendon-way'))).map((r) => r.line), [2, 3], 'Hendon Way comes from both its rows');

    await t.registry.accessLog.flush();
    const head = t.registry.store.head().sequence;
    const again = await run().run(bytes, 'ukpn-dispatches-excerpt.csv');
    assert.deepEqual(again.summary.entities, { created: 0, updated: 0, unchanged: 6 });
    assert.equal(t.registry.store.head().sequence - head, 3, 'only the run itself is recorded');
  });

  it('answers "which flexible units does provider Octopus have, in which zones" with one SPARQL query (one row per unit and product of the real file)', async () => {
    // Byte-exact lines of the real file: its header and the first row of each unit and product (240 rows).
    const text = await readFile(REAL, 'utf8');
    const lines = text.split('\n');
    const seen = new Set<string>();
    const chosen = readTabularFile(Buffer.from(text, 'utf8'), { headerColumns: HEADER_COLUMNS, sourceName: 'real' }).rows.filter((r) => {
      const key = `${r.cell('fu_id')}|${r.cell('product')}`;
      return !seen.has(key) && Boolean(seen.add(key));
    });
    assert.equal(chosen.length, 240);
    const bytes = Buffer.from(`${[lines[0], ...chosen.map((r) => lines[r.line - 1])].join('\n')}\n`, 'utf8');
    const { summary } = await run().run(bytes, 'ukpn-dispatches-one-row-per-unit-and-product.csv');
    assert.deepEqual([summary.rows, summary.accepted, summary.acceptedWithWarnings, summary.rejected], [240, 240, 0, 0]);
    assert.equal(summary.entities.created + summary.entities.updated + summary.entities.unchanged, 226 + 7 + 78);

    const rows = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}>
      SELECT ?id ?zoneName ?org WHERE {
        GRAPH ?partyGraph { ?party a fmar:ReferenceParty ; fmar:partyIdentifier "ukpnFlexibilityProvider:Octopus" . OPTIONAL { ?party fmar:matchedOrganisation ?org } }
        GRAPH ?unit { ?unit a fmar:FlexibleUnit ; fmar:flexibleUnitProvider ?party ; fmar:flexibleUnitId ?id ; fmar:inFlexibilityZone ?zone }
        GRAPH ?zone { ?zone fmar:flexibilityZoneName ?zoneName }
      } ORDER BY ?id`);
    const real = await realUnits();
    const expected = [...real].filter(([, u]) => u.provider === 'Octopus').map(([id, u]) => [id, u.zone]).sort(([a], [b]) => (a < b ? -1 : 1));
    assert.equal(expected.length, 39);
    assert.deepEqual(rows.map((r) => [r.id.value, r.zoneName.value]), expected);
    assert.ok(rows.every((r) => r.org?.value === octopusEnergy), 'linked through the declared trading name "Octopus"');

    const parties = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}>
      SELECT ?name ?method ?org WHERE { GRAPH ?partyGraph { ?party fmar:partyRole "UKPN flexibility provider" ; fmar:partyName ?name . OPTIONAL { ?party fmar:matchMethod ?method ; fmar:matchedOrganisation ?org } } } ORDER BY ?name`);
    assert.deepEqual(parties.map((r) => [r.name.value, r.method?.value]), [['Axle Energy Limited', undefined], ['EDF Energy', undefined], ['Electric Miles Ltd', undefined], ['Ev.energy', undefined], ['OVO Energy', undefined], ['Octopus', 'exact-name'], ['Ohme', undefined]], 'informal names are linked only where an organisation has exactly that name: "EDF Energy" is not guessed');

    const zone = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}>
      SELECT ?operator (COUNT(DISTINCT ?unit) AS ?units) WHERE { GRAPH ?zone { ?zone fmar:flexibilityZoneName "W. Weybridge" ; fmar:flexibilityZoneOperator ?operator } GRAPH ?unit { ?unit fmar:inFlexibilityZone ?zone } } GROUP BY ?operator`);
    assert.deepEqual(zone.map((r) => [r.operator.value, r.units.value]), [[`${FMAR_CODE}SystemOperator/UKPN`, String([...real.values()].filter((u) => u.zone === 'W. Weybridge').length)]]);
  });

  it('reports the crafted quirks by reason: a contradicting row is accepted with a warning, a bad one rejected', async () => {
    const bytes = await craftedFile([{}, { zone: 'Selwyn Road' }, { start_time_utc: 'tomorrow' }, { fu_id: '' }, { zone: 'HENDON WAY' }]);
    const { summary, rows } = await run().run(bytes, 'ukpn-dispatches-crafted.csv');
    assert.deepEqual([summary.rows, summary.accepted, summary.acceptedWithWarnings, summary.rejected], [5, 3, 1, 2]);
    assert.deepEqual(summary.rejectedBy, { 'bad-time': 1, 'no-fu-id': 1 });
    assert.deepEqual(summary.warningsBy, { 'conflicting-unit-value': 1 });
    const zone = rows.flatMap((r) => r.entities).find((e) => e.iri === ZONE('hendon-way'))!;
    assert.equal(zone.change, 'updated');
    assert.deepEqual(zone.changed, ['flexibilityZoneName'], 'the zone now holds both spellings');
    const names = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}> SELECT ?name WHERE { GRAPH <${ZONE('hendon-way')}> { ?z fmar:flexibilityZoneName ?name } } ORDER BY ?name`);
    assert.deepEqual(names.map((r) => r.name.value), ['HENDON WAY', 'Hendon Way']);
    const zones = await selectBindings(t.registry.store, `PREFIX fmar: <${FMAR}> SELECT ?zone WHERE { GRAPH <${UNIT('hendon-way-lt_saou-ev-c1-portfolio')}> { ?u fmar:inFlexibilityZone ?zone } }`);
    assert.deepEqual(zones.map((r) => r.zone.value), [ZONE('hendon-way')], 'the first zone stands');
  });
});
