import type { Registry } from '../registry.js';
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
