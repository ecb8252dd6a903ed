/** The outcome of validating RDF against the FMAR shapes, in terms a submitter can act on. */
export type Severity = 'Violation' | 'Warning' | 'Info';

export interface ValidationResultItem {
  severity: Severity;
  /** The record (or blank node) the result is about. */
  focusNode: string;
  /** The property IRI the result is about, from sh:resultPath or the rule's fmarann:reportPath. */
  path?: string;
  /** The JSON name of that property ("ratedCapacity"), when the ontology defines it. */
  field?: string;
  /** The offending value, as its lexical form or IRI. */
  value?: string;
  message: string;
  /** The shape that produced the result, e.g. https://w3id.org/fmar/shapes#ratedCapacity-decimals. */
  sourceShape?: string;
  /** The SHACL constraint component, e.g. sh:PatternConstraintComponent. */
  constraint?: string;
}

export interface ValidationReport {
  /** True when there is no result of severity Violation (warnings do not block). */
  conforms: boolean;
  results: ValidationResultItem[];
}

export function violations(report: ValidationReport): ValidationResultItem[] {
  return report.results.filter((r) => r.severity === 'Violation');
}

/**
 * The order of results in a report: by focus node, violations before warnings, then field and message.
 * Results equal on all four keep the order the engine found them in (Array.prototype.sort is stable).
 */
export function compareResults(a: ValidationResultItem, b: ValidationResultItem): number {
  return (
    a.focusNode.localeCompare(b.focusNode) ||
    (a.severity === b.severity ? 0 : a.severity === 'Violation' ? -1 : 1) ||
    (a.field ?? '').localeCompare(b.field ?? '') ||
    a.message.localeCompare(b.message)
  );
}

/** A report from results in the order the engine found them. */
export function reportOf(results: ValidationResultItem[]): ValidationReport {
  results.sort(compareResults);
  return { conforms: !results.some((r) => r.severity === 'Violation'), results };
}
