import { Store, type Quad } from 'n3';
import { CompiledShapes } from './CompiledShapes.js';
import { DataGraph } from './DataGraph.js';
import { ShaclValidator } from './ShaclValidator.js';
import type { RecordValidator } from './ShaclWorkerPool.js';
import { reportOf, type ValidationReport, type ValidationResultItem } from './ValidationReport.js';

export interface CompiledValidatorOptions {
  /** Property IRI -> JSON name, to report fields as submitters wrote them. */
  fieldNames?: Map<string, string>;
}

/**
 * Validates records against the FMAR shapes with the shapes compiled to JavaScript (CompiledShapes.ts): the
 * same report as ShaclValidator (shacl-engine), about a hundred times faster (docs/validation-engine.md).
 * Throws UnsupportedShapesError when the shapes use SHACL the compiler does not support; the registry then
 * falls back to ShaclValidator.
 *
 * Top-level shapes with sh:sparql constraints run their queries through Comunica as shacl-engine does
 * (SparqlConstraint.ts; shapes that mix SPARQL with other constraints are left to shacl-engine itself), on
 * the same data and in their place in shacl-engine's order of shapes, and only when the data has a node they
 * target (the FMAR ones target organisations): asset validation never leaves the compiled code.
 */
export class CompiledValidator implements RecordValidator {
  readonly shapes: CompiledShapes;
  private readonly sparql?: ShaclValidator;

  constructor(shapes: Quad[], options: CompiledValidatorOptions = {}) {
    this.shapes = CompiledShapes.compile(shapes, { fieldNames: options.fieldNames });
    if (this.shapes.sparqlShapes.some((s) => s.kind === 'delegated')) this.sparql = new ShaclValidator(shapes, { fieldNames: options.fieldNames });
  }

  async validate(quads: Quad[]): Promise<ValidationReport> {
    const data = new DataGraph(quads);
    const segments = this.shapes.validateTopLevel(data);
    let store: Store | undefined;
    for (let i = 0; i < segments.length; i++) {
      const shape = this.shapes.topLevel[i];
      if (shape.kind === 'compiled') continue;
      const segment: ValidationResultItem[] = (segments[i] = []);
      const targets = data.size === 0 ? [] : data.targets(shape.targets);
      if (targets.length === 0) continue;
      store ??= new Store(quads);
      if (shape.kind === 'delegated') segments[i] = await this.sparql!.results(store, [shape.iri]);
      else for (const focus of targets) segment.push(...(await shape.constraint.validate(store, focus.term)));
    }
    return reportOf((segments as ValidationResultItem[][]).flat());
  }

  /**
   * The report without awaiting anything, or undefined when the data has a node that a sh:sparql shape
   * targets (its query runs asynchronously: use validate).
   */
  validateSync(quads: Quad[]): ValidationReport | undefined {
    const data = new DataGraph(quads);
    if (data.size > 0 && this.shapes.sparqlShapes.some((s) => data.targets(s.targets).length > 0)) return undefined;
    return reportOf(this.shapes.validateTopLevel(data).flatMap((segment) => segment ?? []));
  }
}
