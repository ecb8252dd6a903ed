import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { ImportRun, SourceDescriptionError } from '../../../src/import/ImportRun.js';
import { importerFor } from '../../../src/import/importers.js';
import { importReportCsv } from '../../../src/import/importReport.js';
import { registeredOrganisations } from '../../../src/import/registeredOrganisations.js';
import { VocabularyMapping } from '../../../src/import/VocabularyMapping.js';
import { ORGANISATION_KIND } from '../../../src/domain/RecordKind.js';
import { projectRoot } from '../../../src/projectRoot.js';
import { selectBindings } from '../../../src/store/selectBindings.js';
import { XSD } from '../../../src/rdf/namespaces.js';
import { DataFactory } from 'n3';
import { BASE, exampleBody, startTestRegistry, type TestRegistry } from '../../support/testRegistry.js';

/** 19 rows of the UKPN ECR (2025-08), byte-exact with its BOM and CRLF: test/fixtures/import-ecr/README.md. */
const EXCERPT = join(projectRoot(), 'test/fixtures/import-ecr/ukpn-ecr-excerpt.csv');
const { namedNode, literal, quad } = DataFactory;

describe('ImportRun with the ECR importer (issue #9)', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  let vocabulary: VocabularyMapping;
  let bsr: string;
  const admin = { agentIri: `${BASE}agents/administrator` };
  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
    vocabulary = await VocabularyMapping.load();
    bsr = (await t.registry.records.create(ORGANISATION_KIND, { ...(await exampleBody('organisation')), organisationLegalName: 'BSR Applications Ltd' }, admin)).iri;
  });
  after(() => t.close());

  const run = () => new ImportRun({ store: t.registry.store, baseIri: BASE, agentIri: `${BASE}agents/importer`, importer: importerFor('ecr', { model: t.registry.model, vocabulary }), organisations: () => registeredOrganisations(t.registry.store, BASE) });

  it('imports every row of the excerpt, reports each, and changes nothing when run again', async () => {
    const bytes = await readFile(EXCERPT);
    const first = await run().run(bytes, 'ukpn-ecr-excerpt.csv');
    assert.equal(first.summary.rows, 19);
    assert.equal(first.summary.encoding, 'utf-8');
    assert.equal(first.summary.rejected, 0, JSON.stringify(first.rows.filter((r) => r.outcome === 'rejected')));
    const entries = first.rows.flatMap((r) => r.entities).filter((e) => e.iri.includes('/reference/ecr/'));
    assert.equal(new Set(entries.map((e) => e.iri)).size, 19, 'one entry per row, the two connections of one site included');
    assert.ok(entries.every((e) => e.change === 'created'));
    // The lines are the published file's: the header is line 1.
    assert.deepEqual(first.rows.map((r) => r.line).slice(0, 3), [2, 3, 4]);

    await t.registry.accessLog.flush();
    const head = t.registry.store.head().sequence;
    const again = await run().run(bytes, 'ukpn-ecr-excerpt.csv');
    assert.deepEqual(again.summary.entities, { created: 0, updated: 0, unchanged: first.summary.entities.created });
    // Only the run itself is recorded (its activity, its start and end): no record is written again.
    assert.equal(t.registry.store.head().sequence - head, 3);
  });

  it('compares numbers by value: a store that keeps "10000"^^xsd:decimal as an xsd:integer (Virtuoso) sees no change', async () => {
    const bytes = await readFile(EXCERPT);
    await run().run(bytes, 'ukpn-ecr-excerpt.csv');
    const entry = `${BASE}reference/ecr/ukpn/9ac41a9acb2e`;
    // (On Virtuoso they are integers already.)
    const stored = (await t.registry.store.readGraph(entry)).filter((q) => q.object.termType === 'Literal' && [`${XSD}decimal`, `${XSD}integer`].includes(q.object.datatype.value) && /^\d+$/.test(q.object.value) && !q.predicate.value.endsWith('Slot'));
    assert.ok(stored.length >= 2, 'the capacities');
    // As integers, and as decimals with a trailing zero: the same numbers.
    const variants = stored.flatMap((q, i) => [quad(q.subject, q.predicate, i % 2 ? literal(q.object.value, namedNode(`${XSD}integer`)) : literal(`${q.object.value}.0`, namedNode(`${XSD}decimal`)), q.graph)]);
    await t.registry.store.commit({ remove: stored, add: variants });
    const again = await run().run(bytes, 'ukpn-ecr-excerpt.csv');
    assert.equal(again.summary.entities.updated, 0);
  });

  it('updates what a newer edition changed, and says which values changed', async () => {
    const text = (await readFile(EXCERPT, 'utf8')).split('\r\n');
    // A newer edition: the Astra Ventures site's registered capacity changes, and its row moves to the top (so other rows move down a line).
    const header = text[0];
    const rows = text.slice(1).filter(Boolean);
    const astra = rows.findIndex((l) => l.includes('Astra Ventures'));
    const columns = header.replace(/^\uFEFF/, '').split(',');
    const capacityAt = columns.findIndex((c) => c.trim() === 'Already connected Registered Capacity (MW)');
    const cells = rows[astra].split(',');
    cells[capacityAt] = '49.5';
    rows[astra] = cells.join(',');
    const newer = Buffer.from([header, rows[astra], ...rows.filter((_, i) => i !== astra)].join('\r\n') + '\r\n', 'utf8');
    const { summary, rows: report } = await run().run(newer, 'ukpn-ecr-newer.csv');
    const updated = report.flatMap((r) => r.entities).filter((e) => e.change === 'updated');
    assert.equal(updated.length, 1, JSON.stringify(updated));
    assert.deepEqual(updated[0].changed, ['ecrRegisteredCapacity']);
    // Lines are provenance, not content: the rows that only moved are unchanged.
    assert.equal(summary.entities.created, 0);
  });

  it('answers "where did this value come from" with one SPARQL query', async () => {
    const rows = await selectBindings(t.registry.store, `PREFIX fmar: <https://w3id.org/fmar/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dct: <http://purl.org/dc/terms/>
      SELECT ?capacity ?file ?row ?line ?publisher ?licence ?run WHERE {
        GRAPH ?entry { ?entry fmar:ecrCustomerName "Astra Ventures Ltd" ; fmar:ecrRegisteredCapacity ?capacity ; prov:wasDerivedFrom ?source .
                       ?source fmar:sourceRow ?row ; fmar:sourceLine ?line ; dct:isPartOf ?file }
        GRAPH ?file { ?file dct:title ?name ; dct:publisher ?publisher ; dct:license ?licence }
        GRAPH ?run { ?entry prov:wasGeneratedBy ?run }
      } ORDER BY ?line`);
    assert.equal(rows.length >= 1, true);
    const latest = rows[rows.length - 1];
    assert.equal(latest.capacity.value, '49500');
    assert.equal(latest.publisher.value, 'UK Power Networks');
    assert.equal(latest.licence.value, 'https://creativecommons.org/licenses/by/4.0/');
  });

  it('keeps one party per organisation across name variants, linked to the registered organisation with its evidence', async () => {
    const rows = await selectBindings(t.registry.store, `PREFIX fmar: <https://w3id.org/fmar/ontology#>
      SELECT ?party ?name ?org ?method ?evidence WHERE { GRAPH ?partyGraph { ?party a fmar:ReferenceParty ; fmar:partyName ?name . OPTIONAL { ?party fmar:matchedOrganisation ?org ; fmar:matchMethod ?method ; fmar:matchEvidence ?evidence } } FILTER (CONTAINS(?name, "BSR")) }`);
    assert.deepEqual([...new Set(rows.map((r) => r.party.value))].length, 1, 'one party');
    assert.deepEqual(rows.map((r) => r.name.value).sort(), ['BSR Applications Limited', 'BSR Applications Ltd']);
    assert.equal(rows[0].org?.value, bsr);
    assert.ok(rows[0].method, 'matched');
  });

  it('keeps what each source says of a party it shares with another: importing one file never replaces the other\'s', async () => {
    // A REPD row whose operator is one of the ECR's customers (the excerpt's first REPD row, its operator changed).
    const repd = parseCsv(await readFile(join(projectRoot(), 'test/fixtures/import/desnz-repd-excerpt-cp1252.csv'), 'latin1'), { relax_column_count: true }) as string[][];
    const operatorAt = repd[0].findIndex((h) => h.trim() === 'Operator (or Applicant)');
    const row = [...repd[1]];
    row[operatorAt] = 'BSR Applications Ltd';
    const repdRun = new ImportRun({ store: t.registry.store, baseIri: BASE, agentIri: `${BASE}agents/importer`, importer: importerFor('repd', { model: t.registry.model, vocabulary: await VocabularyMapping.load() }), organisations: () => registeredOrganisations(t.registry.store, BASE) });
    await repdRun.run(Buffer.from(stringifyCsv([repd[0], row]), 'latin1'), 'repd-one-row.csv');
    const roles = await selectBindings(t.registry.store, `PREFIX fmar: <https://w3id.org/fmar/ontology#>
      SELECT DISTINCT ?role WHERE { GRAPH ?g { ?party fmar:partyRole ?role ; fmar:partyName "BSR Applications Ltd" } } ORDER BY ?role`);
    assert.deepEqual(roles.map((r) => r.role.value), ['REPD operator', 'UKPN ECR customer']);
    const again = await run().run(await readFile(EXCERPT), 'ukpn-ecr-excerpt.csv');
    // (The one update is the Astra Ventures entry, back to this edition's capacity after the newer edition above.)
    const updated = again.rows.flatMap((r) => r.entities).filter((e) => e.change === 'updated').map((e) => e.label);
    assert.deepEqual([...new Set(updated)], ['ECR entry LAND AT TERRIERS FARM'], 'the ECR import finds its own statements of the party as it left them');
  });

  it('refuses another operator\'s register until its licence and attribution are given, then records them', async () => {
    const importer = () => importerFor('ecr', { model: t.registry.model, vocabulary, operator: 'NPG' });
    const head = t.registry.store.head().sequence;
    await assert.rejects(new ImportRun({ store: t.registry.store, baseIri: BASE, agentIri: `${BASE}agents/importer`, importer: importer() }).run(await readFile(EXCERPT), 'npg-ecr.csv'), (error: unknown) => error instanceof SourceDescriptionError && /licence .* attribution/.test(error.message));
    assert.equal(t.registry.store.head().sequence, head, 'nothing written');
    const source = { licence: 'https://creativecommons.org/licenses/by/4.0/', attribution: 'Contains data from Northern Powergrid, CC BY 4.0', publisher: 'Northern Powergrid' };
    const { summary } = await new ImportRun({ store: t.registry.store, baseIri: BASE, agentIri: `${BASE}agents/importer`, importer: importer(), source }).run(await readFile(EXCERPT), 'npg-ecr.csv');
    const described = await selectBindings(t.registry.store, `SELECT ?publisher ?attribution WHERE { GRAPH <${summary.source}> { <${summary.source}> <http://purl.org/dc/terms/publisher> ?publisher ; <http://purl.org/dc/terms/bibliographicCitation> ?attribution } }`);
    assert.deepEqual(described.map((r) => [r.publisher.value, r.attribution.value]), [['Northern Powergrid', source.attribution]]);
    // Its entries are its own (keyed by operator), not UKPN's.
    assert.ok(summary.entities.created >= 19);
  });

  it('writes the row report as CSV with a line per row', async () => {
    const { rows } = await run().run(await readFile(EXCERPT), 'ukpn-ecr-excerpt.csv');
    const csv = importReportCsv(rows).trim().split('\n');
    assert.equal(csv[0], 'row,line,outcome,records,changes,warnings,errors');
    assert.equal(csv.length, 20);
  });
});
