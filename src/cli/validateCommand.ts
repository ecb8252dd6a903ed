import { readRdfFile } from '../rdf/readRdfFile.js';
import { formatReport } from '../validation/formatReport.js';
import { loadFmarValidation } from '../validation/loadFmarValidator.js';

/**
 * `fmar validate FILE...`: reads each file by its extension, validates it against the generated shapes and
 * prints a readable report. Exit code: 0 conforms, 1 violations (or warnings with --strict), 2 unreadable.
 */
export async function validateCommand(files: string[], options: { shapesDir: string; json: boolean; strict: boolean }): Promise<number> {
  const { validator, documentLoader } = await loadFmarValidation(options.shapesDir);
  let exitCode = 0;
  const reports: unknown[] = [];
  for (const file of files) {
    let quads;
    try {
      quads = await readRdfFile(file, documentLoader);
    } catch (error) {
      console.error(`${file}: ${(error as Error).message}`);
      exitCode = 2;
      continue;
    }
    const report = await validator.validate(quads);
    const failed = !report.conforms || (options.strict && report.results.length > 0);
    if (failed && exitCode === 0) exitCode = 1;
    if (options.json) reports.push({ file, ...report });
    else console.log(formatReport(file, report));
  }
  if (options.json) console.log(JSON.stringify(reports, null, 2));
  return exitCode;
}
