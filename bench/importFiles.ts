/**
 * Issue #9 benchmark: `fmar import` of the full published files into a fresh registry, as rows per second, next to
 * a baseline of the same run: reading and parsing the file alone (tabularFile.ts), in this process. The import is
 * run twice: the first creates every record, the second finds every record unchanged (the re-run case).
 * Writes bench/results/import-files.json.
 */
import { readFile, mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnvironment } from '../src/config.js';
import { ORGANISATION_KIND } from '../src/domain/RecordKind.js';
import { IMPORT_KINDS, importerFor } from '../src/import/importers.js';
import { importIntoRegistry } from '../src/import/importIntoRegistry.js';
import { readTabularFile } from '../src/import/tabularFile.js';
import { VocabularyMapping } from '../src/import/VocabularyMapping.js';
import { projectRoot, sharedDir } from '../src/projectRoot.js';
import { openRegistry } from '../src/registry.js';

const FILES: { kind: string; file: string }[] = [
  { kind: 'ecr', file: 'ukpn_ecr_1mw_plus_2025-08.csv' },
  { kind: 'bm-units', file: 'elexon_registered_bm_units_2022-06.csv' },
  { kind: 'bmu-fuel-types', file: 'elexon_bmu_fuel_types_2023-12.csv' },
  { kind: 'gsp', file: 'neso_gsp_gnode_lookup_2018-10.csv' },
  { kind: 'dispatches', file: 'ukpn_flexibility_dispatches_ev_subset.csv' },
  { kind: 'repd', file: 'desnz_repd_2022-10_cp1252.csv' },
].filter((f) => IMPORT_KINDS.includes(f.kind));

const dir = await mkdtemp(join(tmpdir(), 'fmar-bench-import-'));
const config = { ...configFromEnvironment({ FMAR_DATA_DIR: dir, FMAR_BASE_IRI: 'http://localhost:8080/', FMAR_ADMIN_TOKEN: 'bench', FMAR_AUTHENTICITY_CHECKS: 'false' }), snapshotEvery: 0 };
const registry = await openRegistry(config);
const vocabulary = await VocabularyMapping.load();
const results: Record<string, unknown>[] = [];
console.log(`FMAR import of the full published files (../shared/data/gb), node ${process.version}`);
for (const { kind, file } of FILES) {
  const bytes = await readFile(join(sharedDir(), 'data/gb', file));
  const importer = importerFor(kind, { model: registry.model, vocabulary });
  const parseStart = performance.now();
  const parsed = readTabularFile(bytes, { headerColumns: importer.headerColumns, sourceName: file });
  const parseSeconds = (performance.now() - parseStart) / 1000;
  const run = () => importIntoRegistry(registry, kind, bytes, file);
  const first = await run();
  const again = await run();
  const row = {
    kind,
    file,
    rows: parsed.rows.length,
    parseRowsPerSecond: Math.round(parsed.rows.length / parseSeconds),
    importSeconds: first.summary.seconds,
    importRowsPerSecond: Math.round(first.summary.rows / first.summary.seconds),
    rerunRowsPerSecond: Math.round(again.summary.rows / again.summary.seconds),
    ratioImportVsParse: Number((parseSeconds / first.summary.seconds).toFixed(4)),
    first: first.summary,
    rerun: again.summary.entities,
  };
  results.push(row);
  console.log(`${kind} ${file}: ${row.rows} rows; parse alone ${row.parseRowsPerSecond} rows/s; import ${row.importRowsPerSecond} rows/s (${row.importSeconds.toFixed(1)} s); re-run ${row.rerunRowsPerSecond} rows/s; accepted ${first.summary.accepted} (warnings ${first.summary.acceptedWithWarnings}), rejected ${first.summary.rejected} ${JSON.stringify(first.summary.rejectedBy)}; warnings ${JSON.stringify(first.summary.warningsBy)}; records ${JSON.stringify(first.summary.entities)}, re-run ${JSON.stringify(again.summary.entities)}`);
}
// Re-linking every imported party to the registered organisations (ReferencePartyLinker), as the server does after
// an organisation registers: once with nothing to change, once after a lead party's organisation registers.
const relinkTimed = async () => {
  const start = performance.now();
  const result = await registry.partyLinker.relink();
  return { ...result, ms: Math.round(performance.now() - start) };
};
const idle = await relinkTimed();
const { '@id': _id, fmarOrganisationId: _o, organisationStatus: _s, registeredOn: _r, lastUpdatedOn: _l, recordVersion: _v, ...example } = JSON.parse(await readFile(join(projectRoot(), 'docs/examples/organisation.jsonld'), 'utf8')) as Record<string, unknown>;
const registered = await registry.records.create(ORGANISATION_KIND, { ...example, organisationLegalName: 'Flexitricity Limited', organisationTradingName: 'Flexitricity', organisationRegistrationNumber: 'SC200000', organisationRoles: ['FSP'] }, { agentIri: `${config.baseIri}agents/administrator` });
const linkStart = performance.now();
await registry.partyLinker.idle();
const linkedMs = Math.round(performance.now() - linkStart);
const linked = JSON.parse(await registry.store.query(`ASK { GRAPH ?g { ?party <https://w3id.org/fmar/ontology#partyIdentifier> "elexonPartyId:FLEXTRCY" ; <https://w3id.org/fmar/ontology#matchedOrganisation> <${registered.iri}> } }`, { resultsFormat: 'application/sparql-results+json' })) as { boolean: boolean };
const relink = { parties: idle.parties, nothingToChangeMs: idle.ms, afterRegistrationMs: linkedMs, leadPartyLinked: linked.boolean };
console.log(`re-link of ${relink.parties} imported party graphs to the registered organisations: ${relink.nothingToChangeMs} ms with nothing to change; after Flexitricity Limited registered, its lead party linked ${relink.leadPartyLinked ? 'yes' : 'NO'} ${relink.afterRegistrationMs} ms after the commit`);
await registry.close();
await mkdir(join(projectRoot(), 'bench/results'), { recursive: true });
await writeFile(join(projectRoot(), 'bench/results/import-files.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, results, relink }, null, 2)}\n`);
