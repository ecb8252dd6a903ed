import { Readable } from 'node:stream';
import { QueryEngine } from '@comunica/query-sparql-rdfjs-lite';
import { BindingsFactory } from '@comunica/utils-bindings-factory';
import { DataFactory, Store, type Term } from 'n3';
import { OWL, RDF, SH, compactIri } from '../rdf/namespaces.js';
import type { Severity, ValidationResultItem } from './ValidationReport.js';
import { resolveVariables } from './messageTemplates.js';

/**
 * A SHACL-SPARQL constraint (sh:sparql with a SELECT) of a node shape, run as shacl-engine runs it
 * (shacl-engine/lib/validations/sparql.js): the same query text, the same query engine (Comunica), $this
 * pre-bound to the focus node, one result per solution with ?path and ?value, the shape's or the
 * constraint's message with {$var}/{?var} filled from the solution. One difference, for speed: shacl-engine
 * builds a new Comunica engine for every query (about 50 ms); this shares one engine, built on first use
 * (0.3 s), so a query costs a few milliseconds. The results are the same (CompiledShapes.test.ts).
 */
export interface SparqlResultTemplate {
  severity: Severity;
  sourceShape: string;
  /** The shape's fmarann:reportPath, for solutions without ?path. */
  reportPath?: string;
  /** The shape's own sh:message values (they win over the constraint's). */
  shapeMessages: string[];
  fieldName(path: string): string;
}

const { variable } = DataFactory;
const COMPONENT = `${SH}SPARQLConstraintComponent`;
const RDF_NIL = `${RDF}nil`;

let engine: QueryEngine | undefined;
const bindingsFactory = new BindingsFactory(DataFactory as never);

export class SparqlConstraint {
  private constructor(
    private readonly query: string,
    private readonly messages: string[],
    private readonly template: SparqlResultTemplate,
  ) {}

  /** The query exactly as shacl-engine assembles it: the declared prefixes, then the SELECT, `$PATH` replaced. */
  static compile(shapes: Store, constraint: Term, template: SparqlResultTemplate, componentMessages: string[]): SparqlConstraint {
    const select = single(shapes, constraint, `${SH}select`)?.value;
    const prefixes: string[] = [];
    for (const p of shapes.getObjects(constraint, `${SH}prefixes`, null)) declaredPrefixes(shapes, p, prefixes);
    // A node shape has no path: shacl-engine then splices in `null` (String(null)) for $PATH.
    const query = [...prefixes, select].filter(Boolean).join('\n').split('$PATH').join('null');
    const own = shapes.getObjects(constraint, `${SH}message`, null).map((m) => m.value);
    const messages = template.shapeMessages.length > 0 ? template.shapeMessages : own.length > 0 ? own : componentMessages;
    return new SparqlConstraint(query, messages, template);
  }

  /** The results for one focus node, in the order of the query's solutions. */
  async validate(data: Store, focus: Term): Promise<ValidationResultItem[]> {
    engine ??= new QueryEngine();
    const source = { match: (s: Term | null, p: Term | null, o: Term | null, g: Term | null) => Readable.from(data.match(s as never, p as never, o as never, g as never)) };
    const stream = await engine.queryBindings(this.query, {
      sources: [source as never],
      initialBindings: bindingsFactory.bindings([[variable('this'), focus as never]]),
    } as never);
    const rows = await stream.toArray();
    return rows.map((row) => {
      const args: Record<string, Term> = {};
      for (const [key, value] of row) args[key.value] = value as Term;
      const pathTerm = row.get('path') as Term | undefined;
      const pathIri = (pathTerm ? pathOf(data, pathTerm) : undefined) ?? this.template.reportPath;
      const value = (row.get('value') as Term | undefined) ?? focus;
      const message = this.messages.map((m) => resolveVariables(m, args)).find(Boolean) ?? `constraint ${compactIri(COMPONENT)} failed`;
      return {
        severity: this.template.severity,
        focusNode: focus.value,
        path: pathIri,
        field: pathIri ? this.template.fieldName(pathIri) : undefined,
        value: value.value !== focus.value ? value.value : undefined,
        message,
        sourceShape: this.template.sourceShape,
        constraint: COMPONENT,
      };
    });
  }
}

/** shacl-engine's `PREFIX p: <ns>` lines: owl:imports first (depth first), then the sh:declare entries. */
function declaredPrefixes(shapes: Store, node: Term, into: string[]): void {
  for (const imported of shapes.getObjects(node, `${OWL}imports`, null)) declaredPrefixes(shapes, imported, into);
  for (const declaration of shapes.getObjects(node, `${SH}declare`, null)) {
    into.push(`PREFIX ${single(shapes, declaration, `${SH}prefix`)?.value}: <${single(shapes, declaration, `${SH}namespace`)?.value}>`);
  }
}

/** grapoi's `.term`: the one distinct value, or undefined. */
function single(store: Store, subject: Term, predicate: string): Term | undefined {
  const values = store.getObjects(subject, predicate, null);
  return new Set(values.map((v) => v.id)).size === 1 ? values[0] : undefined;
}

/**
 * The IRI shacl-engine reports for a solution's ?path (its parsePath, over the data graph): an IRI itself, or
 * the first predicate of a path expression the data spells out, or none.
 */
function pathOf(data: Store, path: Term): string | undefined {
  if (!isList(data, path)) return stepOf(data, path);
  const [first] = listItems(data, path);
  return first ? stepOf(data, first) : undefined;
}

function stepOf(data: Store, step: Term): string | undefined {
  if (step.termType !== 'BlankNode') return step.value;
  const alternatives = data.getObjects(step, `${SH}alternativePath`, null);
  if (alternatives.length === 1 && isList(data, alternatives[0])) return listItems(data, alternatives[0])[0]?.value;
  for (const p of ['inversePath', 'oneOrMorePath', 'zeroOrMorePath', 'zeroOrOnePath']) {
    const target = single(data, step, SH + p);
    if (target) return target.value;
  }
  return undefined;
}

function isList(data: Store, term: Term): boolean {
  return (term.termType === 'NamedNode' && term.value === RDF_NIL) || data.getObjects(term, `${RDF}first`, null).length === 1;
}

function listItems(data: Store, head: Term): Term[] {
  const items: Term[] = [];
  const seen = new Set<string>();
  for (let node: Term | undefined = head; node && !(node.termType === 'NamedNode' && node.value === RDF_NIL) && !seen.has(node.id); node = data.getObjects(node, `${RDF}rest`, null)[0]) {
    seen.add(node.id);
    const first = data.getObjects(node, `${RDF}first`, null);
    if (first.length !== 1) break;
    items.push(first[0]);
  }
  return items;
}
