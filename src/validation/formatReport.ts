import { compactIri } from '../rdf/namespaces.js';
import type { ValidationReport } from './ValidationReport.js';

/** A validation report as text for a terminal: one block per result, focus node, field, value, message. */
export function formatReport(source: string, report: ValidationReport): string {
  const violations = report.results.filter((r) => r.severity === 'Violation').length;
  const warnings = report.results.length - violations;
  const head = `${source}: ${report.conforms ? 'conforms' : 'does not conform'} (${violations} violation${violations === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`;
  const lines = report.results.map((r) => {
    const field = r.field ?? (r.path ? compactIri(r.path) : '(record)');
    const value = r.value !== undefined ? ` = ${JSON.stringify(r.value)}` : '';
    const shape = r.sourceShape ? `  [${compactIri(r.sourceShape)}]` : '';
    return `  ${r.severity.padEnd(9)} ${field}${value}\n            ${r.message}\n            focus ${r.focusNode}${shape}`;
  });
  return [head, ...lines].join('\n');
}
