import { writeFile } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import type { ImportRowReport, ImportSummary } from './ImportRun.js';
import type { RowProblem } from './SourceImporter.js';

/**
 * The row-level report of an import (issue #9), as JSON (summary and every row) and as CSV (one line per row:
 * outcome, the records it gave and what changed, warnings and errors as `reason: message` lists).
 */
export function importReportJson(summary: ImportSummary, rows: ImportRowReport[]): string {
  return `${JSON.stringify({ summary, rows }, null, 2)}\n`;
}

export function importReportCsv(rows: ImportRowReport[]): string {
  const problems = (list: RowProblem[]) => list.map((p) => `${p.reason}${p.column ? ` [${p.column}${p.value === undefined ? '' : ` = ${JSON.stringify(p.value)}`}]` : ''}: ${p.message}`).join(' | ');
  return stringify([
    ['row', 'line', 'outcome', 'records', 'changes', 'warnings', 'errors'],
    ...rows.map((r) => [
      r.row,
      r.line,
      r.outcome,
      r.entities.map((e) => e.iri).join(' '),
      r.entities.map((e) => (e.change === 'updated' ? `updated (${(e.changed ?? []).join(', ')})` : e.change)).join(' '),
      problems(r.warnings),
      problems(r.errors),
    ]),
  ]);
}

/**
 * Writes the report next to `path`: `path` itself gets the format its extension names (.csv or .json) and the
 * other format is written beside it, so both are always there.
 */
export async function writeImportReport(path: string, summary: ImportSummary, rows: ImportRowReport[]): Promise<string[]> {
  const stem = path.replace(/\.(csv|json)$/i, '');
  const written = [`${stem}.json`, `${stem}.csv`];
  await writeFile(written[0], importReportJson(summary, rows));
  await writeFile(written[1], importReportCsv(rows));
  return written;
}

/** The summary as a few lines for the terminal. */
export function summaryText(s: ImportSummary): string {
  const reasons = (by: Record<string, number>) => Object.entries(by).sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ') || 'none';
  return [
    `${s.kind} ${s.file} (${s.encoding}, sha256 ${s.sha256.slice(0, 12)}…): ${s.rows} rows in ${s.seconds.toFixed(1)} s (${Math.round(s.rows / Math.max(s.seconds, 0.001))} rows/s)`,
    `  accepted ${s.accepted} (with warnings ${s.acceptedWithWarnings}), rejected ${s.rejected}`,
    `  rejected by reason: ${reasons(s.rejectedBy)}`,
    `  warnings by reason: ${reasons(s.warningsBy)}`,
    `  records: created ${s.entities.created}, updated ${s.entities.updated}, unchanged ${s.entities.unchanged}`,
    `  provenance: ${s.activity} used ${s.source}`,
  ].join('\n');
}
