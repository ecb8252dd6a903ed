import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import { configFromEnvironment } from '../config.js';
import { importerFor, IMPORT_KINDS } from '../import/importers.js';
import { ImportRun } from '../import/ImportRun.js';
import { summaryText, writeImportReport } from '../import/importReport.js';
import { registeredOrganisations } from '../import/registeredOrganisations.js';
import { VocabularyMapping } from '../import/VocabularyMapping.js';
import { openRegistry } from '../registry.js';

export interface ImportCommandOptions {
  dataDir: string;
  report?: string;
  operator?: string;
  /** Show a progress bar: on a terminal only (issue #9: quiet when not a TTY). */
  progress?: boolean;
}

/**
 * `fmar import <kind> FILE`: imports a published GB file into the registry whose data folder is given (the folder is
 * locked while the import runs: a running registry on it refuses, and the other way round). Prints the summary,
 * writes the row report as JSON and CSV when asked; exit code 1 when the file could not be read at all.
 */
export async function importCommand(kind: string, file: string, options: ImportCommandOptions): Promise<number> {
  if (!IMPORT_KINDS.includes(kind)) {
    console.error(`fmar import: unknown kind ${JSON.stringify(kind)}; one of ${IMPORT_KINDS.join(', ')}`);
    return 2;
  }
  const bytes = await readFile(file);
  const config = { ...configFromEnvironment({ ...process.env, FMAR_DATA_DIR: options.dataDir, FMAR_AUTHENTICITY_CHECKS: 'false' }), validationWorkers: 0 };
  const registry = await openRegistry(config, (message) => console.error(`warning: ${message}`));
  const bar = options.progress ? new cliProgress.SingleBar({ format: `${kind} {bar} {value}/{total} rows | {eta_formatted} left`, hideCursor: true, etaBuffer: 200 }, cliProgress.Presets.shades_classic) : undefined;
  try {
    const importer = importerFor(kind, { model: registry.model, vocabulary: await VocabularyMapping.load(), operator: options.operator });
    let started = false;
    const run = new ImportRun({
      store: registry.store,
      baseIri: config.baseIri,
      agentIri: `${config.baseIri}agents/importer`,
      importer,
      organisations: () => registeredOrganisations(registry.store, config.baseIri),
      onProgress: (done, total) => {
        if (!bar) return;
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        if (done % 50 === 0 || done === total) bar.update(done);
      },
    });
    const { summary, rows } = await run.run(bytes, basename(file));
    bar?.stop();
    console.log(summaryText(summary));
    if (options.report) console.log(`report: ${(await writeImportReport(options.report, summary, rows)).join(', ')}`);
    return 0;
  } catch (error) {
    bar?.stop();
    console.error(`fmar import: ${(error as Error).message}`);
    return 1;
  } finally {
    await registry.close();
  }
}
