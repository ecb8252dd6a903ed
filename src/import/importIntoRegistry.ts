import { createHash } from 'node:crypto';
import { FMAR, PROV, RDF } from '../rdf/namespaces.js';
import type { Registry } from '../registry.js';
import { selectBindings } from '../store/selectBindings.js';
import { importerFor } from './importers.js';
import { ImportRun, type ImportRowReport, type ImportSummary } from './ImportRun.js';
import { registeredOrganisations } from './registeredOrganisations.js';
import type { SourceDescription } from './SourceImporter.js';
import { VocabularyMapping } from './VocabularyMapping.js';

export interface ImportIntoRegistryOptions {
  /** The register's operator code (ecr). */
  operator?: string;
  /** Who runs it: the command line's importer agent, or the administrator calling POST /imports. */
  agentIri?: string;
  onProgress?: (done: number, total: number) => void;
  /** The file's publisher, licence, attribution... where the importer's own description does not fit (another DNO's register). */
  source?: Partial<SourceDescription>;
}

/**
 * One import of a published file into an open registry: the same path for `fmar import` (on a data folder),
 * `POST /imports/{kind}` (into a running registry), the sample data of `make run` and the benchmark.
 */
export async function importIntoRegistry(registry: Pick<Registry, 'store' | 'model' | 'config'>, kind: string, bytes: Buffer, fileName: string, options: ImportIntoRegistryOptions = {}): Promise<{ summary: ImportSummary; rows: ImportRowReport[] }> {
  const { baseIri } = registry.config;
  return new ImportRun({
    store: registry.store,
    baseIri,
    agentIri: options.agentIri ?? `${baseIri}agents/importer`,
    importer: importerFor(kind, { model: registry.model, vocabulary: await VocabularyMapping.load(), operator: options.operator }),
    organisations: () => registeredOrganisations(registry.store, baseIri),
    onProgress: options.onProgress,
    source: options.source,
  }).run(bytes, fileName);
}

/**
 * Imports the file unless a finished import of the same kind already read these bytes (its ImportRun ended): what
 * `fmar serve` does with FMAR_ECR_FILE at every start, so that a restart writes nothing, not even a run. An import
 * cut short (a crash) did not end, so the next start runs it again; re-importing is idempotent (ImportRun).
 */
export async function importUnlessImported(registry: Pick<Registry, 'store' | 'model' | 'config'>, kind: string, bytes: Buffer, fileName: string, options: ImportIntoRegistryOptions = {}): Promise<{ summary: ImportSummary; rows: ImportRowReport[] } | undefined> {
  const source = `${registry.config.baseIri}reference/sources/sha256-${createHash('sha256').update(bytes).digest('hex')}`;
  const finished = await selectBindings(registry.store, `SELECT ?run WHERE { GRAPH ?run { ?run <${RDF}type> <${FMAR}ImportRun> ; <${PROV}used> <${source}> ; <${FMAR}importKind> ${JSON.stringify(kind)} ; <${PROV}endedAtTime> ?ended } } LIMIT 1`);
  return finished.length ? undefined : importIntoRegistry(registry, kind, bytes, fileName, options);
}
