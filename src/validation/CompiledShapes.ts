import { DataFactory, Store, type Literal, type Quad, type Term } from 'n3';
import { fromRdf } from 'rdf-literal';
import { XsdValidation } from 'rdf-validation';
import { FMAR_ANN, RDF, RDFS, SH, XSD, compactIri } from '../rdf/namespaces.js';
import { DataGraph, termKey, type DataTerm, type Targets } from './DataGraph.js';
import { SparqlConstraint } from './SparqlConstraint.js';
import { resolveVariables } from './messageTemplates.js';
import type { Severity, ValidationResultItem } from './ValidationReport.js';

/**
 * Compiles a SHACL shapes graph, once, into plain JavaScript closures that validate a data graph with the
 * same outcome as shacl-engine (the reference engine, src/validation/ShaclValidator.ts): the same results,
 * messages, paths, values and order, down to shacl-engine's quirks (it is the behaviour callers already see).
 * Why and how agreement is proven: docs/validation-engine.md.
 *
 * Only a subset of SHACL Core is compiled: what the FMAR shapes use, plus sh:and, sh:xone and node, subject
 * and object targets (cheap, and they let most of the W3C suite check the compiler against shacl-engine).
 * Anything else (other path forms, sh:qualifiedValueShape, sh:languageIn, sh:uniqueLang, SPARQL targets...)
 * refuses to compile with an UnsupportedShapesError naming it, so that the registry falls back to
 * shacl-engine instead of silently skipping a rule.
 *
 * SHACL-SPARQL: a top-level node shape whose one constraint is a sh:sparql SELECT (the FMAR rules) becomes a
 * `sparql` shape, its query run as shacl-engine runs it (SparqlConstraint.ts). Any other top-level shape that
 * reaches sh:sparql is `delegated`: left whole to shacl-engine, on the same data (CompiledValidator.ts).
 */
export class UnsupportedShapesError extends Error {
  override name = 'UnsupportedShapesError';
}

export interface CompiledShapesOptions {
  /** Property IRI -> JSON name, to report fields as submitters wrote them (as ShaclValidator does). */
  fieldNames?: Map<string, string>;
  /** Run shapes with sh:sparql constraints (default) instead of refusing to compile them. */
  sparql?: boolean;
}

/** A top-level shape of the shapes graph, in the order shacl-engine validates them. */
export type TopLevelShape =
  | { kind: 'compiled'; term: Term; targets: Targets; run: ShapeRun }
  | { kind: 'sparql'; term: Term; targets: Targets; constraint: SparqlConstraint }
  | { kind: 'delegated'; term: Term; iri: string; targets: Targets };

/** The top-level shapes that need asynchronous SPARQL (by SparqlConstraint or by shacl-engine). */
export type SparqlShape = Exclude<TopLevelShape, { kind: 'compiled' }>;

type Item = ValidationResultItem;

/** The state of one validation: shacl-engine's record of shapes already validated on a node, and their results. */
interface Run {
  data: DataGraph;
  processed: Set<string>;
  cache: Map<string, Item[]>;
  /**
   * For the top-level focus node being validated: which shapes shared by several top-level shapes need the
   * memo because more than one of those targets this node (by shape index), or null when none does.
   */
  memoOn: Uint8Array | null;
}

/**
 * Validates one shape on one focus node. `value` and `vp` (a key of the value's path from its focus node) are
 * inherited from the enclosing value, as in shacl-engine's contexts; both only matter to nested shapes.
 */
export type ShapeRun = (run: Run, focus: DataTerm, value: DataTerm | undefined, vp: string | undefined, report: Item[]) => void;
/** A shape's own validation, told whether its results are filed for shacl-engine's memo (its index) or not (-1). */
type InnerRun = (run: Run, focus: DataTerm, value: DataTerm | undefined, vp: string | undefined, report: Item[], memo: number) => void;

interface NodeContext {
  run: Run;
  focus: DataTerm;
  value: DataTerm | undefined;
  valueOrNode: DataTerm;
  vp: string | undefined;
  report: Item[];
  /** The index of the shape when shacl-engine's memo matters to it (its results are filed for reuse), or -1. */
  memo: number;
  /** On a value of a memoised property shape whose value path was not needed yet: the path, to key it when needed. */
  lazyPath?: string;
}

interface ValuesContext {
  run: Run;
  focus: DataTerm;
  value: DataTerm | undefined;
  values: DataTerm[];
  vp: string | undefined;
  report: Item[];
  memo: number;
  lazyPath?: undefined;
}

interface Validation {
  node?: (c: NodeContext) => void;
  property?: (c: ValuesContext) => void;
  generic?: (c: NodeContext) => void;
}

const { namedNode } = DataFactory;
const RDF_TYPE = `${RDF}type`;
const RDF_FIRST = `${RDF}first`;
const RDF_REST = `${RDF}rest`;
const RDF_NIL = `${RDF}nil`;
const XSD_DATE_TIME = `${XSD}dateTime`;

/** Constraint parameters shacl-engine turns into validations, and whether this compiler supports them. */
const SUPPORTED = new Set([
  'minCount', 'maxCount', 'datatype', 'pattern', 'minLength', 'maxLength', 'hasValue', 'in', 'nodeKind', 'class', 'node', 'property', 'or', 'not', 'and', 'xone', 'closed',
  'minInclusive', 'minExclusive', 'maxInclusive', 'maxExclusive', 'lessThan', 'lessThanOrEquals', 'disjoint', 'equals',
]);
const UNSUPPORTED_COMPONENTS = new Set(['qualifiedValueShape', 'qualifiedMinCount', 'qualifiedMaxCount', 'qualifiedValueShapesDisjoint', 'languageIn', 'uniqueLang']);
/** SHACL terms on a shape that are not constraints, or are parameters of a supported one. */
const NOT_CONSTRAINTS = new Set(['path', 'targetClass', 'targetNode', 'targetObjectsOf', 'targetSubjectsOf', 'message', 'severity', 'deactivated', 'flags', 'ignoredProperties', 'name', 'description', 'order', 'group', 'defaultValue', 'declare', 'prefixes', 'sparql']);
const UNSUPPORTED_TARGETS = new Set(['target']);
/** Parameters shacl-engine reads as one value (grapoi's `.term`): several values would change its behaviour. */
const SINGLE_VALUED = [
  'path', 'minCount', 'maxCount', 'datatype', 'pattern', 'flags', 'minLength', 'maxLength', 'hasValue', 'in', 'nodeKind', 'not', 'closed', 'ignoredProperties',
  'minInclusive', 'minExclusive', 'maxInclusive', 'maxExclusive', 'lessThan', 'lessThanOrEquals', 'disjoint', 'equals', 'severity', 'deactivated',
];
const SEVERITIES = new Set([`${SH}Violation`, `${SH}Warning`, `${SH}Info`]);
const NODE_KINDS = new Map([
  [`${SH}BlankNode`, ['BlankNode']],
  [`${SH}BlankNodeOrIRI`, ['BlankNode', 'NamedNode']],
  [`${SH}BlankNodeOrLiteral`, ['BlankNode', 'Literal']],
  [`${SH}IRI`, ['NamedNode']],
  [`${SH}IRIOrLiteral`, ['NamedNode', 'Literal']],
  [`${SH}Literal`, ['Literal']],
]);

interface ShapeDefinition {
  term: Term;
  key: string;
  index: number;
  isProperty: boolean;
  path?: string;
  deactivated: boolean;
  /** Shapes this one validates (with repetitions), and whether it does so on each value of its path. */
  children: { shape: ShapeDefinition; onValues: boolean }[];
  underValues: boolean;
  /** Why it cannot be compiled (it may still be left to shacl-engine with a shape using sh:sparql). */
  problem?: UnsupportedShapesError;
  /** shacl-engine's memo always matters: the shape can be validated twice on a focus node and value path. */
  staticMemo: boolean;
  /** Top-level shapes that reach it, with the number of ways each does (several: the memo may matter). */
  reachedFrom: Map<number, number>;
  run?: ShapeRun;
}

export class CompiledShapes {
  readonly topLevel: TopLevelShape[];
  /** The compiled closures take a few milliseconds to build; this many shapes were compiled. */
  readonly compiledShapeCount: number;

  readonly sparqlShapes: SparqlShape[];
  private readonly memoPlan: MemoPlan;

  /** Use CompiledShapes.compile. */
  constructor(topLevel: TopLevelShape[], compiledShapeCount: number, memoPlan: MemoPlan) {
    this.topLevel = topLevel;
    this.compiledShapeCount = compiledShapeCount;
    this.memoPlan = memoPlan;
    this.sparqlShapes = topLevel.filter((s): s is SparqlShape => s.kind !== 'compiled');
  }

  /** Compiles the shapes graph; throws UnsupportedShapesError when it uses SHACL beyond the supported subset. */
  static compile(shapes: Quad[], options: CompiledShapesOptions = {}): CompiledShapes {
    return new ShapesCompiler(new Store(shapes), options).compile();
  }

  /**
   * Validates the data with the compiled shapes, synchronously. Returns the results of each top-level shape
   * in shacl-engine's order, unsorted; the SPARQL ones are left out (`null`): CompiledValidator runs them.
   */
  validateTopLevel(data: DataGraph): (Item[] | null)[] {
    const run: Run = { data, processed: new Set(), cache: new Map(), memoOn: null };
    if (data.size === 0) return this.topLevel.map((shape) => (shape.kind === 'compiled' ? [] : null));
    const targets = this.topLevel.map((shape) => (shape.kind === 'compiled' ? data.targets(shape.targets) : EMPTY_TARGETS));
    // Which compiled top-level shapes target each node (only needed when some shape is shared between them).
    let targetedBy: Map<DataTerm, number[]> | undefined;
    if (this.memoPlan.shared.length > 0) {
      targetedBy = new Map();
      let ordinal = 0;
      this.topLevel.forEach((shape, i) => {
        if (shape.kind !== 'compiled') return;
        for (const focus of targets[i]) {
          const list = targetedBy!.get(focus);
          if (list) list.push(ordinal);
          else targetedBy!.set(focus, [ordinal]);
        }
        ordinal++;
      });
    }
    return this.topLevel.map((shape, i) => {
      if (shape.kind !== 'compiled') return null;
      const report: Item[] = [];
      for (const focus of targets[i]) {
        run.memoOn = targetedBy ? this.memoFor(targetedBy.get(focus)!) : null;
        shape.run(run, focus, undefined, undefined, report);
      }
      return report;
    });
  }

  /**
   * Which shapes shared by several top-level shapes can be validated twice on a node: those reached, in all,
   * more than once from the top-level shapes that target it (say, a node typed as two record classes).
   */
  private memoFor(targeting: number[]): Uint8Array | null {
    const plan = this.memoPlan;
    if (targeting.length < 2) return null;
    const signature = targeting.join(',');
    let memoOn = plan.bySignature.get(signature);
    if (memoOn === undefined) {
      memoOn = null;
      for (const shape of plan.shared) {
        const ways = targeting.reduce((sum, ordinal) => sum + (shape.reachedFrom.get(ordinal) ?? 0), 0);
        if (ways >= 2) (memoOn ??= new Uint8Array(plan.size))[shape.index] = 1;
      }
      plan.bySignature.set(signature, memoOn);
    }
    return memoOn;
  }
}

class ShapesCompiler {
  private readonly definitions = new Map<string, ShapeDefinition>();
  private readonly reportPaths = new Map<string, string>();
  private readonly fieldNames: Map<string, string>;
  private readonly xsd = new XsdValidation();

  constructor(
    private readonly store: Store,
    private readonly options: CompiledShapesOptions,
  ) {
    this.fieldNames = options.fieldNames ?? new Map();
    for (const q of store.getQuads(null, `${FMAR_ANN}reportPath`, null, null)) this.reportPaths.set(q.subject.value, q.object.value);
  }

  compile(): CompiledShapes {
    const store = this.store;
    // shacl-engine's top-level shapes, in its order: targets first, then every declared shape.
    const topTerms: Term[] = [];
    const seen = new Set<string>();
    for (const predicate of ['targetClass', 'targetNode', 'targetObjectsOf', 'targetSubjectsOf', 'target']) {
      for (const q of store.getQuads(null, SH + predicate, null, null)) add(q.subject);
    }
    for (const type of ['NodeShape', 'PropertyShape']) for (const q of store.getQuads(null, RDF_TYPE, SH + type, null)) add(q.subject);
    function add(term: Term): void {
      const key = termKey(term);
      if (!seen.has(key)) {
        seen.add(key);
        topTerms.push(term);
      }
    }

    const roots: Root[] = [];
    for (const term of topTerms) {
      for (const predicate of UNSUPPORTED_TARGETS) {
        if (this.objects(term, SH + predicate).length) throw this.refuse(term, `the target sh:${predicate} is not supported`);
      }
      const declaredClasses = store.getQuads(term, RDF_TYPE, `${SH}NodeShape`, null).length ? [term] : [];
      const classes = [...this.subClassClosure(declaredClasses), ...this.subClassClosure(this.objects(term, `${SH}targetClass`))];
      const targets: Targets = {
        classes: [...new Set(classes.map(termKey))],
        nodes: this.objects(term, `${SH}targetNode`),
        objectsOf: this.objects(term, `${SH}targetObjectsOf`).map((p) => p.value),
        subjectsOf: this.objects(term, `${SH}targetSubjectsOf`).map((p) => p.value),
      };
      if (!targets.classes.length && !targets.nodes.length && !targets.objectsOf.length && !targets.subjectsOf.length) continue; // never validated at the top level
      roots.push({ term, targets, definition: this.define(term) });
    }

    // A top-level shape that reaches sh:sparql is run apart (SparqlConstraint), or else left whole to
    // shacl-engine; either way it must share no shape with the compiled ones.
    const delegatedKeys = new Set<string>();
    const sparqlRoots = new Map<ShapeDefinition, SparqlShape>();
    for (const root of roots) {
      const closure = this.closure(root.definition);
      if (![...closure].some((d) => !d.deactivated && this.objects(d.term, `${SH}sparql`).length > 0)) continue;
      if (this.options.sparql === false) throw this.refuse(root.term, 'sh:sparql constraints are not compiled');
      if (root.term.termType !== 'NamedNode') throw this.refuse(root.term, 'a shape with sh:sparql must be named to be left to shacl-engine');
      sparqlRoots.set(root.definition, this.sparqlShape(root));
      for (const d of closure) delegatedKeys.add(d.key);
    }
    const compiledRoots = roots.filter((r) => !sparqlRoots.has(r.definition));
    const compiled = new Set<ShapeDefinition>();
    for (const root of compiledRoots) {
      for (const d of this.closure(root.definition)) {
        if (delegatedKeys.has(d.key)) throw this.refuse(d.term, 'the shape is used both by a shape with sh:sparql (left to shacl-engine) and by compiled shapes');
        compiled.add(d);
      }
    }
    for (const d of compiled) if (d.problem) throw d.problem;
    this.checkAcyclic(compiledRoots.map((r) => r.definition));

    // shacl-engine remembers each (shape, focus node, value path) it validated, and on a second visit only
    // repeats the results filed under that key. That matters where a shape can be reached twice.
    const markUnderValues = (d: ShapeDefinition): void => {
      if (d.underValues) return;
      d.underValues = true;
      for (const child of d.children) markUnderValues(child.shape);
    };
    for (const d of compiled) for (const child of d.children) if (child.onValues) markUnderValues(child.shape);
    // A shape reached twice from one top-level shape always needs it; one reached from several top-level shapes
    // needs it on a focus node that more than one of them targets (usually none: it is decided per node).
    compiledRoots.forEach((root, ordinal) => {
      const ways = new Map<ShapeDefinition, number>();
      const count = (d: ShapeDefinition, n: number): void => {
        ways.set(d, (ways.get(d) ?? 0) + n);
      };
      // Paths through a DAG: visit in topological order, pushing each shape's count to its children.
      const order: ShapeDefinition[] = [];
      const visited = new Set<ShapeDefinition>();
      const visit = (d: ShapeDefinition): void => {
        if (visited.has(d)) return;
        visited.add(d);
        for (const child of d.children) visit(child.shape);
        order.push(d);
      };
      visit(root.definition);
      count(root.definition, 1);
      for (const d of order.reverse()) for (const child of d.children) count(child.shape, ways.get(d)!);
      for (const [d, n] of ways) d.reachedFrom.set(ordinal, n);
    });
    for (const d of compiled) d.staticMemo = d.underValues || [...d.reachedFrom.values()].some((n) => n >= 2);
    const sharedShapes = [...compiled].filter((d) => !d.staticMemo && d.reachedFrom.size >= 2);

    for (const d of compiled) this.compileShape(d, sharedShapes.includes(d));
    const topLevel: TopLevelShape[] = [];
    for (const root of roots) {
      const sparql = sparqlRoots.get(root.definition);
      if (sparql) topLevel.push(sparql);
      else topLevel.push({ kind: 'compiled', term: root.term, targets: root.targets, run: (...args) => root.definition.run!(...args) });
    }
    const memoPlan: MemoPlan = {
      size: this.definitions.size,
      shared: sharedShapes.map((d) => ({ index: d.index, reachedFrom: d.reachedFrom })),
      bySignature: new Map(),
    };
    return new CompiledShapes(topLevel, compiled.size, memoPlan);
  }

  /**
   * A top-level shape that reaches sh:sparql: a node shape with one SPARQL SELECT constraint and no other
   * becomes a `sparql` shape; anything else is left to shacl-engine (`delegated`).
   */
  private sparqlShape(root: Root): SparqlShape {
    const d = root.definition;
    const term = root.term;
    const constraints = this.objects(term, `${SH}sparql`);
    const select = constraints.length === 1 ? this.objects(constraints[0], `${SH}select`) : [];
    if (d.problem || d.isProperty || d.children.length > 0 || this.validationOrder(term).length > 0 || select.length !== 1) {
      return { kind: 'delegated', term, iri: term.value, targets: root.targets };
    }
    const severity = this.single(term, 'severity');
    const constraint = SparqlConstraint.compile(
      this.store,
      constraints[0],
      {
        severity: (severity?.value.slice(SH.length) ?? 'Violation') as Severity,
        sourceShape: term.value,
        reportPath: this.reportPaths.get(term.value),
        shapeMessages: this.objects(term, `${SH}message`).map((m) => m.value),
        fieldName: (path) => this.fieldName(path),
      },
      this.objects(namedNode(`${SH}SPARQLConstraintComponent`), `${SH}message`).map((m) => m.value),
    );
    return { kind: 'sparql', term, targets: root.targets, constraint };
  }

  /** Reads a shape and the shapes it references (not yet compiled), noting what it uses that is not supported. */
  private define(term: Term): ShapeDefinition {
    const key = termKey(term);
    const existing = this.definitions.get(key);
    if (existing) return existing;
    const definition: ShapeDefinition = {
      term,
      key,
      index: this.definitions.size,
      isProperty: this.objects(term, `${SH}path`).length > 0,
      deactivated: false,
      children: [],
      underValues: false,
      staticMemo: false,
      reachedFrom: new Map(),
    };
    this.definitions.set(key, definition);
    try {
      this.read(definition);
    } catch (error) {
      if (!(error instanceof UnsupportedShapesError)) throw error;
      definition.problem = error;
    }
    return definition;
  }

  private read(definition: ShapeDefinition): void {
    const term = definition.term;
    if (term.termType !== 'NamedNode' && term.termType !== 'BlankNode') throw this.refuse(term, 'a shape must be an IRI or a blank node');
    for (const q of this.store.getQuads(term, null, null, null)) {
      const predicate = q.predicate.value;
      if (!predicate.startsWith(SH)) continue;
      const local = predicate.slice(SH.length);
      if (UNSUPPORTED_COMPONENTS.has(local)) throw this.refuse(term, `the constraint component sh:${local} is not supported`);
      if (UNSUPPORTED_TARGETS.has(local)) throw this.refuse(term, `the target sh:${local} is not supported (only sh:targetClass)`);
      if (!SUPPORTED.has(local) && !NOT_CONSTRAINTS.has(local)) throw this.refuse(term, `sh:${local} is not supported`);
    }
    for (const local of SINGLE_VALUED) this.single(term, local);
    const deactivated = this.single(term, 'deactivated');
    if (deactivated && deactivated.termType !== 'Literal') throw this.refuse(term, 'sh:deactivated must be a literal');
    definition.deactivated = Boolean(deactivated && fromRdf(deactivated as Literal));
    const severity = this.single(term, 'severity');
    if (severity && !SEVERITIES.has(severity.value)) throw this.refuse(term, `the severity ${compactIri(severity.value)} is not supported`);
    if (definition.isProperty) {
      const path = this.single(term, 'path')!;
      if (path.termType !== 'NamedNode') throw this.refuse(term, `the path form ${describePath(this.store, path)} is not supported (only a predicate IRI)`);
      definition.path = path.value;
    }
    if (definition.deactivated) return;
    // The shapes it validates, in the order shacl-engine meets them (it compiles a shape's constraints in the
    // order of its predicates in the shapes store).
    const onValues = definition.isProperty;
    for (const predicate of this.validationOrder(term)) {
      const local = predicate.slice(SH.length);
      if (local === 'property' || local === 'node' || local === 'not') {
        for (const child of this.objects(term, predicate)) definition.children.push({ shape: this.defineReferenced(term, child, local), onValues });
      } else if (local === 'or' || local === 'and' || local === 'xone') {
        for (const list of this.objects(term, predicate)) {
          for (const item of this.list(term, list, local)) definition.children.push({ shape: this.defineReferenced(term, item, local), onValues });
        }
      }
    }
  }

  private defineReferenced(parent: Term, child: Term, via: string): ShapeDefinition {
    if (child.termType !== 'NamedNode' && child.termType !== 'BlankNode') throw this.refuse(parent, `sh:${via} must name shapes (IRIs or blank nodes)`);
    return this.define(child);
  }

  private closure(root: ShapeDefinition): Set<ShapeDefinition> {
    const found = new Set<ShapeDefinition>();
    const visit = (d: ShapeDefinition): void => {
      if (found.has(d)) return;
      found.add(d);
      for (const child of d.children) visit(child.shape);
    };
    visit(root);
    return found;
  }

  private checkAcyclic(roots: ShapeDefinition[]): void {
    const state = new Map<ShapeDefinition, 'open' | 'done'>();
    const visit = (d: ShapeDefinition): void => {
      const s = state.get(d);
      if (s === 'done') return;
      if (s === 'open') throw this.refuse(d.term, 'recursive shapes are not supported');
      state.set(d, 'open');
      for (const child of d.children) visit(child.shape);
      state.set(d, 'done');
    };
    for (const root of roots) visit(root);
  }

  /** The constraint predicates of a shape, each once, in the order of its statements in the shapes store. */
  private validationOrder(term: Term): string[] {
    const order: string[] = [];
    for (const q of this.store.getQuads(term, null, null, null)) {
      const predicate = q.predicate.value;
      if (predicate.startsWith(SH) && SUPPORTED.has(predicate.slice(SH.length)) && !order.includes(predicate)) order.push(predicate);
    }
    return order;
  }

  private compileShape(d: ShapeDefinition, shared: boolean): void {
    const term = d.term;
    const severityTerm = this.single(term, 'severity');
    const sourceShape = term.termType === 'NamedNode' ? term.value : undefined;
    const path = d.path ?? (sourceShape ? this.reportPaths.get(sourceShape) : undefined);
    const info: ResultTemplate = {
      severity: (severityTerm?.value.slice(SH.length) ?? 'Violation') as Severity,
      path,
      field: path ? this.fieldName(path) : undefined,
      sourceShape,
      messages: this.objects(term, `${SH}message`).map((m) => m.value),
    };
    const validations: Validation[] = [];
    const childrenOf = (local: string): ShapeDefinition[] => {
      const predicate = SH + local;
      if (local === 'or' || local === 'and' || local === 'xone') return this.objects(term, predicate).flatMap((list) => this.list(term, list, local)).map((t) => this.definitions.get(termKey(t))!);
      return this.objects(term, predicate).map((t) => this.definitions.get(termKey(t))!);
    };
    if (!d.deactivated) {
      for (const predicate of this.validationOrder(term)) {
        const validation = this.compileConstraint(d, info, predicate.slice(SH.length), childrenOf);
        if (validation) validations.push(validation);
      }
    }
    const inner = d.isProperty ? this.propertyRun(d, validations) : this.nodeRun(validations);
    d.run = d.staticMemo || shared ? memoised(d.index, d.staticMemo, inner) : (run, focus, value, vp, report) => inner(run, focus, value, vp, report, -1);
  }

  private nodeRun(validations: Validation[]): InnerRun {
    const steps: ((c: NodeContext) => void)[] = [];
    for (const v of validations) {
      if (v.node) steps.push(v.node);
      if (v.generic) steps.push(v.generic);
    }
    return (run, focus, value, vp, report, memo) => {
      if (run.data.size === 0) return;
      const c: NodeContext = { run, focus, value, valueOrNode: value ?? focus, vp, report, memo };
      for (const step of steps) step(c);
    };
  }

  private propertyRun(d: ShapeDefinition, validations: Validation[]): InnerRun {
    const path = d.path!;
    const propertySteps = validations.flatMap((v) => (v.property ? [v.property] : []));
    const genericSteps = validations.flatMap((v) => (v.generic ? [v.generic] : []));
    // The value path matters only where shacl-engine's memo can see it: to shapes nested on values (computed
    // for them), or to this shape's own memo (computed only if a result has to be filed).
    const nestedOnValues = d.children.some((c) => c.onValues);
    return (run, focus, value, vp, report, memo) => {
      const lazyPath = memo >= 0 && !nestedOnValues ? path : undefined;
      const data = run.data;
      if (data.size === 0) return;
      const values = data.values(focus, path);
      if (propertySteps.length) {
        const c: ValuesContext = { run, focus, value, values, vp, report, memo };
        for (const step of propertySteps) step(c);
      }
      if (genericSteps.length) {
        for (const v of values) {
          const c: NodeContext = { run, focus, value: v, valueOrNode: v, vp: nestedOnValues ? data.valuePathKey(focus, path, v) : undefined, report, memo, lazyPath };
          for (const step of genericSteps) step(c);
        }
      }
    };
  }

  private compileConstraint(d: ShapeDefinition, info: ResultTemplate, local: string, childrenOf: (local: string) => ShapeDefinition[]): Validation | null {
    const term = d.term;
    const param = (): Term => this.single(term, local)!;
    const emit = (component: string, args: Record<string, unknown>, defaultMessages: string[]): Emit => this.emitter(info, component, args, defaultMessages);
    switch (local) {
      case 'minCount':
      case 'maxCount': {
        const count = parseInt(param().value);
        const isMin = local === 'minCount';
        const failed = emit(isMin ? 'MinCountConstraintComponent' : 'MaxCountConstraintComponent', { [local]: count }, [isMin ? 'Less than {$minCount} values' : 'More than {$maxCount} values']);
        return {
          property: isMin
            ? (c) => {
                if (!(c.values.length >= count)) failed(c, c.value);
              }
            : (c) => {
                if (!(c.values.length <= count)) failed(c, c.value);
              },
        };
      }
      case 'datatype': {
        const datatype = param();
        if (datatype.termType !== 'NamedNode') throw this.refuse(term, 'sh:datatype must be an IRI');
        const iri = datatype.value;
        const check = this.xsd.validations.get(namedNode(iri));
        const failed = emit('DatatypeConstraintComponent', { datatype }, ['Value does not have datatype {$datatype}']);
        return {
          generic: (c) => {
            const t = c.valueOrNode;
            // rdf-validation's lexical checks read only `value`, which the data term has already parsed.
            const ok = t.termType === 'Literal' && t.datatype === iri && (check === undefined || check.validateSimple(t));
            if (!ok) failed(c, t);
          },
        };
      }
      case 'pattern': {
        const pattern = param().value;
        const flags = this.single(term, 'flags')?.value;
        let regex: RegExp;
        try {
          regex = new RegExp(pattern, flags);
        } catch (error) {
          throw this.refuse(term, `sh:pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(error as Error).message}`);
        }
        const failed = emit('PatternConstraintComponent', { flags, pattern }, ['Value does not match pattern "{$pattern}"']);
        return {
          generic: (c) => {
            if (!regex.test(c.valueOrNode.value)) failed(c, c.valueOrNode);
          },
        };
      }
      case 'minLength':
      case 'maxLength': {
        const length = parseInt(param().value);
        const isMin = local === 'minLength';
        const failed = emit(isMin ? 'MinLengthConstraintComponent' : 'MaxLengthConstraintComponent', { [local]: length }, [isMin ? 'Value has less than {$minLength} characters' : 'Value has more than {$maxLength} characters']);
        return {
          generic: isMin
            ? (c) => {
                const t = c.valueOrNode;
                if (!(t.termType !== 'BlankNode' && t.value.length >= length)) failed(c, t);
              }
            : (c) => {
                const t = c.valueOrNode;
                if (!(t.termType !== 'BlankNode' && t.value.length <= length)) failed(c, t);
              },
        };
      }
      case 'hasValue': {
        const hasValue = param();
        const key = termKey(hasValue);
        const onNode = emit('HasValueConstraintComponent', { hasValue }, ['Value must be {$hasValue}']);
        const onProperty = emit('HasValueConstraintComponent', { hasValue }, ['Missing expected value {$hasValue}']);
        return {
          node: (c) => {
            if (c.valueOrNode.key !== key) onNode(c, c.value);
          },
          property: (c) => {
            if (!c.values.some((v) => v.key === key)) onProperty(c, c.value);
          },
        };
      }
      case 'in': {
        const members = this.list(term, param(), 'in');
        const keys = new Set(members.map(termKey));
        const distinct = [...new Map(members.map((m) => [termKey(m), m])).values()];
        const failed = emit('InConstraintComponent', { in: distinct.map((v) => v.value).join(', ') }, ['Value is not in {$in}']);
        return {
          generic: (c) => {
            if (!keys.has(c.valueOrNode.key)) failed(c, c.valueOrNode);
          },
        };
      }
      case 'nodeKind': {
        const nodeKind = param();
        const kinds = NODE_KINDS.get(nodeKind.value);
        if (!kinds || nodeKind.termType !== 'NamedNode') throw this.refuse(term, `the node kind ${nodeKind.value} is not a SHACL node kind`);
        const allowed = new Set(kinds);
        const failed = emit('NodeKindConstraintComponent', { nodeKind }, ['Value does not have node kind {$nodeKind}']);
        return {
          generic: (c) => {
            if (!allowed.has(c.valueOrNode.termType)) failed(c, c.valueOrNode);
          },
        };
      }
      case 'class': {
        const classSets = this.objects(term, `${SH}class`).map((cls) => new Set(this.subClassClosure([cls]).map(termKey)));
        const failed = emit('ClassConstraintComponent', {}, []);
        return {
          generic: (c) => {
            const types = c.run.data.values(c.valueOrNode, RDF_TYPE);
            for (const classes of classSets) if (!types.some((t) => classes.has(t.key))) failed(c, c.valueOrNode);
          },
        };
      }
      case 'node': {
        const shapes = childrenOf('node');
        const checks = shapes.map((s) => ({ shape: s, failed: emit('NodeConstraintComponent', { node: s.term }, ['Value does not have shape {$node}']) }));
        return {
          generic: (c) => {
            for (const { shape, failed } of checks) {
              const child: Item[] = [];
              shape.run!(c.run, c.valueOrNode, c.value, c.vp, child);
              if (child.length > 0) failed(c, c.valueOrNode);
            }
          },
        };
      }
      case 'property': {
        const shapes = childrenOf('property');
        return {
          generic: (c) => {
            for (const shape of shapes) shape.run!(c.run, c.valueOrNode, c.value, c.vp, c.report);
          },
        };
      }
      case 'not': {
        const [shape] = childrenOf('not');
        const failed = emit('NotConstraintComponent', { not: shape.term }, ['Value does have shape {$not}']);
        return {
          generic: (c) => {
            const child: Item[] = [];
            shape.run!(c.run, c.valueOrNode, c.value, c.vp, child);
            if (child.length === 0) failed(c, c.valueOrNode);
          },
        };
      }
      case 'or': {
        const shapes = childrenOf('or');
        const failed = emit('OrConstraintComponent', {}, []);
        return {
          generic: (c) => {
            for (const shape of shapes) {
              const child: Item[] = [];
              shape.run!(c.run, c.valueOrNode, c.value, c.vp, child);
              if (child.length === 0) return;
            }
            failed(c, c.valueOrNode);
          },
        };
      }
      case 'and':
      case 'xone': {
        // shacl-engine validates these branches concurrently; without memoised shapes below, that is the same
        // as one after the other (the branches share nothing else).
        const shapes = childrenOf(local);
        for (const branch of shapes) {
          for (const below of this.closure(branch)) {
            if (below.staticMemo || below.reachedFrom.size >= 2) throw this.refuse(term, `sh:${local} over a shape that can be validated twice on one node (${this.name(below.term)}) is not supported`);
          }
        }
        const failed = emit(local === 'and' ? 'AndConstraintComponent' : 'XoneConstraintComponent', {}, []);
        const isAnd = local === 'and';
        return {
          generic: (c) => {
            let conforming = 0;
            for (const shape of shapes) {
              const child: Item[] = [];
              shape.run!(c.run, c.valueOrNode, c.value, c.vp, child);
              if (child.length === 0) conforming++;
            }
            if (isAnd ? conforming !== shapes.length : conforming !== 1) failed(c, c.valueOrNode);
          },
        };
      }
      case 'closed': {
        const closedTerm = param();
        if (closedTerm.termType !== 'Literal') throw this.refuse(term, 'sh:closed must be a boolean literal');
        if (!fromRdf(closedTerm)) return null;
        const allowed = new Set<string>();
        for (const p of this.objects(term, `${SH}property`)) {
          const child = this.definitions.get(termKey(p))!;
          if (child.deactivated) continue;
          if (!child.path) throw this.refuse(term, 'sh:closed needs every sh:property shape to have a sh:path');
          allowed.add(child.path);
        }
        const ignored = this.single(term, 'ignoredProperties');
        const ignoredIris = new Set((ignored ? this.list(term, ignored, 'ignoredProperties') : []).map((t) => t.value));
        const failed = this.emitter(info, 'ClosedConstraintComponent', {}, ['Predicate is not allowed (closed shape)']);
        return {
          node: (c) => {
            for (const s of c.run.data.statementsAbout(c.focus)) {
              const p = s.predicate;
              if (ignoredIris.has(p) || allowed.has(p)) continue;
              failed(c, s.object, p);
            }
          },
        };
      }
      case 'minInclusive':
      case 'minExclusive':
      case 'maxInclusive':
      case 'maxExclusive': {
        const limit = param();
        const bound = comparable(limit);
        const component = `${local[0].toUpperCase()}${local.slice(1)}ConstraintComponent`;
        const messages: Record<string, string> = {
          minInclusive: 'Value is not greater than or equal to {$minInclusive}',
          minExclusive: 'Value is not greater than {$minExclusive}',
          maxInclusive: 'Value is not less than or equal to {$maxInclusive}',
          maxExclusive: 'Value is not less than {$maxExclusive}',
        };
        const failed = emit(component, { [local]: limit }, [messages[local]]);
        const accept: (n: number) => boolean = {
          minInclusive: (n: number) => n >= 0,
          minExclusive: (n: number) => n > 0,
          maxInclusive: (n: number) => n <= 0,
          maxExclusive: (n: number) => n < 0,
        }[local];
        return {
          generic: (c) => {
            const comparison = compareTerms(c.valueOrNode, bound);
            if (!(comparison !== null && accept(comparison))) failed(c, c.valueOrNode);
          },
        };
      }
      case 'lessThan':
      case 'lessThanOrEquals': {
        const other = param();
        if (other.termType !== 'NamedNode') throw this.refuse(term, `sh:${local} must be a property IRI`);
        const strict = local === 'lessThan';
        const failed = emit(strict ? 'LessThanConstraintComponent' : 'LessThanOrEqualsConstraintComponent', { [local]: other }, [
          strict ? 'Value is not less than value of {$lessThan}' : 'Value is not less than or equal to value of {$lessThanOrEquals}',
        ]);
        return {
          property: (c) => {
            if (c.values.length === 0) return;
            const references = c.run.data.objects(c.focus, other.value);
            for (const v of c.values) {
              for (const reference of references) {
                const comparison = compareTerms(v, comparableData(reference));
                if (comparison === null || (strict ? comparison >= 0 : comparison > 0)) failed(c, v);
              }
            }
          },
        };
      }
      case 'disjoint': {
        const other = param();
        if (other.termType !== 'NamedNode') throw this.refuse(term, 'sh:disjoint must be a property IRI');
        const failed = emit('DisjointConstraintComponent', { disjoint: other }, ['Value node must not also be one of the values of {$disjoint}']);
        return {
          generic: (c) => {
            if (c.run.data.has(c.focus, other.value, c.valueOrNode)) failed(c, c.valueOrNode);
          },
        };
      }
      case 'equals': {
        const other = param();
        if (other.termType !== 'NamedNode') throw this.refuse(term, 'sh:equals must be a property IRI');
        const failed = emit('EqualsConstraintComponent', { equals: other }, ['Must have same values as {$equals}']);
        return {
          node: (c) => {
            const references = c.run.data.objects(c.focus, other.value);
            const notEquals = references.filter((r) => r.key !== c.focus.key);
            if (!(references.length !== 0 && notEquals.length === 0)) failed(c, notEquals[0] ?? c.focus);
          },
          property: (c) => {
            const references = c.run.data.values(c.focus, other.value);
            for (const v of c.values) if (!references.includes(v)) failed(c, v);
            for (const r of references) if (!c.values.includes(r)) failed(c, r);
          },
        };
      }
      default:
        throw this.refuse(term, `sh:${local} is not supported`);
    }
  }

  /** Builds the result of one constraint of one shape as ShaclValidator describes shacl-engine's result. */
  private emitter(info: ResultTemplate, component: string, args: Record<string, unknown>, defaultMessages: string[]): Emit {
    const constraint = SH + component;
    let templates = info.messages.length > 0 ? info.messages : defaultMessages;
    if (templates.length === 0) templates = this.objects(namedNode(constraint), `${SH}message`).map((m) => m.value);
    const message = templates.map((m) => resolveVariables(m, args)).find(Boolean) ?? `constraint ${compactIri(constraint)} failed`;
    const { severity, sourceShape } = info;
    return (c, value, explicitPath) => {
      const path = explicitPath ?? info.path;
      const focusNode = c.focus.value;
      const item: Item = {
        severity,
        focusNode,
        path,
        field: explicitPath === undefined ? info.field : this.fieldName(explicitPath),
        value: value !== undefined && value.value !== focusNode ? value.value : undefined,
        message,
        sourceShape,
        constraint,
      };
      c.report.push(item);
      if (c.memo >= 0) {
        const vp = c.lazyPath === undefined ? c.vp : c.run.data.valuePathKey(c.focus, c.lazyPath, (c as NodeContext).valueOrNode);
        const id = memoId(c.memo, c.focus, vp);
        const cached = c.run.cache.get(id);
        if (cached) cached.push(item);
        else c.run.cache.set(id, [item]);
      }
    };
  }

  private fieldName(path: string): string {
    return this.fieldNames.get(path) ?? compactIri(path);
  }

  /** The classes and, through rdfs:subClassOf in the shapes graph (as shacl-engine resolves them), their subclasses. */
  private subClassClosure(classes: Term[]): Term[] {
    const found = new Map<string, Term>();
    let frontier = classes;
    for (const c of classes) found.set(termKey(c), c);
    while (frontier.length) {
      const next: Term[] = [];
      for (const c of frontier) {
        for (const q of this.store.getQuads(null, `${RDFS}subClassOf`, c, null)) {
          const key = termKey(q.subject);
          if (!found.has(key)) {
            found.set(key, q.subject);
            next.push(q.subject);
          }
        }
      }
      frontier = next;
    }
    return [...found.values()];
  }

  private objects(subject: Term, predicate: string): Term[] {
    return this.store.getObjects(subject, predicate, null) as Term[];
  }

  /** The one value of a parameter, refusing several (shacl-engine would read none of them). */
  private single(subject: Term, local: string): Term | undefined {
    const values = this.objects(subject, SH + local);
    if (new Set(values.map(termKey)).size > 1) throw this.refuse(subject, `sh:${local} has ${values.length} values`);
    return values[0];
  }

  private list(shape: Term, head: Term, via: string): Term[] {
    const items: Term[] = [];
    const visited = new Set<string>();
    let node = head;
    while (!(node.termType === 'NamedNode' && node.value === RDF_NIL)) {
      const key = termKey(node);
      const first = this.objects(node, RDF_FIRST);
      const rest = this.objects(node, RDF_REST);
      if (visited.has(key) || first.length !== 1 || rest.length !== 1) throw this.refuse(shape, `the value of sh:${via} is not a well-formed RDF list`);
      visited.add(key);
      items.push(first[0]);
      node = rest[0];
    }
    return items;
  }

  private refuse(shape: Term, reason: string): UnsupportedShapesError {
    return new UnsupportedShapesError(`cannot compile ${this.name(shape)}: ${reason}`);
  }

  private name(shape: Term): string {
    return shape.termType === 'NamedNode' ? compactIri(shape.value) : `a ${shape.termType === 'BlankNode' ? 'blank-node' : shape.termType} shape`;
  }
}

interface Root {
  term: Term;
  targets: Targets;
  definition: ShapeDefinition;
}

const EMPTY_TARGETS: DataTerm[] = [];

interface ResultTemplate {
  severity: Severity;
  path?: string;
  field?: string;
  sourceShape?: string;
  messages: string[];
}

type Emit = (c: NodeContext | ValuesContext, value: DataTerm | undefined, explicitPath?: string) => void;

function memoId(index: number, focus: DataTerm, vp: string | undefined): string {
  return `${index}|${vp ?? ''}|${focus.key}`;
}

/**
 * shacl-engine's memo: a (shape, focus node, value path) validated before only repeats the results filed
 * under it. Always for `always` shapes, else only where the top-level focus node needs it (Run.memoOn).
 */
function memoised(index: number, always: boolean, run: InnerRun): ShapeRun {
  return (state, focus, value, vp, report) => {
    if (!always && (state.memoOn === null || state.memoOn[index] !== 1)) return run(state, focus, value, vp, report, -1);
    const id = memoId(index, focus, vp);
    if (state.processed.has(id)) {
      const cached = state.cache.get(id);
      if (cached) report.push(...cached);
      return;
    }
    state.processed.add(id);
    run(state, focus, value, vp, report, index);
  };
}

/** What decides, per focus node, which shared shapes need shacl-engine's memo (see CompiledShapes.memoFor). */
interface MemoPlan {
  size: number;
  shared: { index: number; reachedFrom: Map<number, number> }[];
  /** The answer for each set of top-level shapes targeting a node, once worked out. */
  bySignature: Map<string, Uint8Array | null>;
}

/** A term prepared for shacl-engine's comparison (lib/compareTerms.js): literal, time zone and JavaScript value. */
interface Comparable {
  literal: boolean;
  timezone: boolean;
  value: unknown;
}

function comparable(term: Term): Comparable {
  if (term.termType !== 'Literal') return { literal: false, timezone: false, value: undefined };
  return { literal: true, timezone: term.datatype.value === XSD_DATE_TIME && TIMEZONE.test(term.value), value: fromRdf(term) };
}

function comparableData(node: DataTerm): Comparable {
  if (node.termType !== 'Literal') return { literal: false, timezone: false, value: undefined };
  return { literal: true, timezone: hasTimezone(node), value: rawValue(node) };
}

/** shacl-engine's compareTerms: null when not comparable, else the sign of the difference. */
function compareTerms(node: DataTerm, other: Comparable): number | null {
  if (node.termType !== 'Literal' || !other.literal) return null;
  if (hasTimezone(node) !== other.timezone) return null;
  const a = rawValue(node);
  const b = other.value;
  if (typeof a !== typeof b) return null;
  if (typeof a === 'string') return a.localeCompare(b as string);
  return (a as number) - (b as number);
}

/** rdf-literal's value of a data literal, parsed once per validation. */
function rawValue(node: DataTerm): unknown {
  return (node.raw ??= { value: fromRdf(node.term as Literal) }).value;
}

const TIMEZONE = /^.*(((\+|-)\d{2}:\d{2})|Z)$/;

function hasTimezone(node: DataTerm): boolean {
  return node.datatype === XSD_DATE_TIME && TIMEZONE.test(node.value);
}

function describePath(store: Store, path: Term): string {
  if (path.termType !== 'BlankNode') return path.value;
  const predicates = store.getQuads(path, null, null, null).map((q) => compactIri(q.predicate.value));
  return predicates.length ? predicates.join(', ') : 'an empty blank node';
}
