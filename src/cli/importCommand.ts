import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import { configFromEnvironment } from '../config.js';
import { IMPORT_KINDS } from '../import/importers.js';
import { importIntoRegistry } from '../import/importIntoRegistry.js';
import type { ImportRowReport, ImportSummary } from '../import/ImportRun.js';
import type { SourceDescription } from '../import/SourceImporter.js';
import { summaryText, writeImportReport } from '../import/importReport.js';
import { openRegistry } from '../registry.js';

export interface ImportCommandOptions {
  dataDir: string;
  /** A running registry's base URL: the file is posted to {url}/imports/{kind} instead (with `token`). */
  url?: string;
  token?: string;
  /** Publisher, licence, attribution, title of the file, where the importer's own description does not fit. */
  source?: Partial<SourceDescription>;
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
  if (options.url) return importOverHttp(kind, bytes, basename(file), options);
  const config = { ...configFromEnvironment({ ...process.env, FMAR_DATA_DIR: options.dataDir, FMAR_AUTHENTICITY_CHECKS: 'false' }), validationWorkers: 0 };
  const registry = await openRegistry(config, (message) => console.error(`warning: ${message}`));
  const bar = options.progress ? new cliProgress.SingleBar({ format: `${kind} {bar} {value}/{total} rows | {eta_formatted} left`, hideCursor: true, etaBuffer: 200 }, cliProgress.Presets.shades_classic) : undefined;
  try {
    let started = false;
    const { summary, rows } = await importIntoRegistry(registry, kind, bytes, basename(file), {
      operator: options.operator,
      source: options.source,
      onProgress: (done, total) => {
        if (!bar) return;
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        if (done % 50 === 0 || done === total) bar.update(done);
      },
    });
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

/** `--url`: the same import, run by a registry that is up (POST /imports/{kind}, an administrator's token). */
async function importOverHttp(kind: string, bytes: Buffer, fileName: string, options: ImportCommandOptions): Promise<number> {
  const url = new URL(`imports/${encodeURIComponent(kind)}`, options.url!.endsWith('/') ? options.url : `${options.url}/`);
  url.searchParams.set('file', fileName);
  if (options.operator) url.searchParams.set('operator', options.operator);
  for (const [name, value] of Object.entries(options.source ?? {})) if (value) url.searchParams.set(name, value);
  const res = await fetch(url, { method: 'POST', body: new Uint8Array(bytes), headers: { 'content-type': 'application/octet-stream', accept: 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) } });
  const body = (await res.json().catch(() => ({}))) as { summary?: ImportSummary; rows?: ImportRowReport[]; detail?: string };
  if (!res.ok || !body.summary || !body.rows) {
    console.error(`fmar import: ${url.origin} answered ${res.status}${body.detail ? `: ${body.detail}` : ''}`);
    return 1;
  }
  console.log(summaryText(body.summary));
  if (options.report) console.log(`report: ${(await writeImportReport(options.report, body.summary, body.rows)).join(', ')}`);
  return 0;
}
