import { DataFactory, Store, type Quad } from 'n3';
import { Validator } from 'shacl-engine';
import { validations as sparqlValidations } from 'shacl-engine/sparql.js';
import { FMAR_ANN, SH, compactIri } from '../rdf/namespaces.js';
import { reportOf, type Severity, type ValidationReport, type ValidationResultItem } from './ValidationReport.js';

/**
 * Validates RDF against the FMAR shapes with shacl-engine (chosen over rdf-validate-shacl on W3C suite
 * conformance and speed: docs/validation-engine.md). The shapes are compiled once per instance; build one
 * validator and reuse it. Node-level rule results carry no sh:resultPath, so the rule shape's
 * fmarann:reportPath names the field.
 */
export interface ShaclValidatorOptions {
  /** Property IRI -> JSON name, to report fields as submitters wrote them. */
  fieldNames?: Map<string, string>;
}

const factory = { ...DataFactory, dataset: (quads?: Quad[]) => new Store(quads) };

export class ShaclValidator {
  private readonly validator: Validator;
  private readonly reportPaths = new Map<string, string>();
  private readonly fieldNames: Map<string, string>;

  constructor(shapes: Quad[], options: ShaclValidatorOptions = {}) {
    const store = new Store(shapes);
    const usesSparql = store.getQuads(null, `${SH}sparql`, null, null).length > 0;
    this.validator = new Validator(store as never, { factory: factory as never, ...(usesSparql ? { validations: sparqlValidations } : {}) });
    for (const q of store.getQuads(null, `${FMAR_ANN}reportPath`, null, null)) this.reportPaths.set(q.subject.value, q.object.value);
    this.fieldNames = options.fieldNames ?? new Map();
  }

  async validate(data: Quad[] | Store): Promise<ValidationReport> {
    return reportOf(await this.results(data));
  }

  /**
   * The results in the order shacl-engine finds them (unsorted), of every shape or only of the given
   * top-level shapes (IRIs). The compiled validator runs its sh:sparql shapes this way (CompiledValidator.ts).
   */
  async results(data: Quad[] | Store, shapes?: string[]): Promise<ValidationResultItem[]> {
    const dataset = data instanceof Store ? data : new Store(data);
    const only = shapes?.map((iri) => ({ terms: [DataFactory.namedNode(iri)] }));
    const report = await this.validator.validate({ dataset: dataset as never }, only);
    return (report.results as EngineResult[]).map((r) => this.describe(r));
  }

  /** The raw SHACL validation report graph (for the W3C conformance suite and debugging). */
  async validateToGraph(data: Quad[] | Store): Promise<{ conforms: boolean; quads: Quad[] }> {
    const report = await this.validator.validate({ dataset: (data instanceof Store ? data : new Store(data)) as never });
    return { conforms: report.conforms, quads: [...(report.dataset as Iterable<Quad>)] };
  }

  private describe(r: EngineResult): ValidationResultItem {
    const sourceShape = r.shape?.ptr?.term?.termType === 'NamedNode' ? r.shape.ptr.term.value : undefined;
    const pathIri = r.path?.[0]?.predicates?.[0]?.value ?? (sourceShape ? this.reportPaths.get(sourceShape) : undefined);
    const severity = (r.severity?.value?.slice(SH.length) ?? 'Violation') as Severity;
    const message = r.message?.map((m) => m.value).find(Boolean) ?? `constraint ${compactIri(r.constraintComponent?.value ?? '')} failed`;
    return {
      severity,
      focusNode: r.focusNode?.term?.value ?? '',
      path: pathIri,
      field: pathIri ? this.fieldNames.get(pathIri) ?? compactIri(pathIri) : undefined,
      value: r.value?.term && r.value.term.value !== r.focusNode?.term?.value ? r.value.term.value : undefined,
      message,
      sourceShape,
      constraint: r.constraintComponent?.value,
    };
  }
}

/** What shacl-engine's result objects carry (it ships no TypeScript types). */
interface EngineResult {
  severity?: { value: string };
  focusNode?: { term?: { value: string } };
  path?: { predicates?: { value: string }[] }[];
  value?: { term?: { value: string } };
  message?: { value: string }[];
  constraintComponent?: { value: string };
  shape?: { ptr?: { term?: { termType: string; value: string } } };
}
