import { termToId, type Quad, type Term } from 'n3';

/**
 * The data graph of one validation, indexed for the compiled SHACL validator (CompiledShapes.ts): each distinct
 * term read once (lexical value, datatype, language, key), the statements about each subject by predicate,
 * and the instances of each class. Statements are listed in the order shacl-engine sees them in an N3 Store,
 * because that order decides the order of results that sort equal (same focus node, severity, field and
 * message): N3 numbers every term when it is first seen (graph, subject, predicate, object of each quad in
 * turn) and lists matches by graph, then by those numbers.
 */
export interface DataTerm {
  readonly term: Term;
  readonly termType: Term['termType'];
  readonly value: string;
  /** Equal for equal RDF terms, different otherwise (N3's term id). */
  readonly key: string;
  /** N3's number for the term in this graph (the order of first appearance). */
  readonly id: number;
  /** The datatype IRI of a literal; '' for other terms. */
  readonly datatype: string;
  /** The statements about the term, when it is a subject. */
  about?: SubjectEntry;
  /** rdf-literal's JavaScript value of a literal, once asked for (comparisons). */
  raw?: { value: unknown };
}

export interface DataStatement {
  /** The predicate IRI. */
  predicate: string;
  predicateId: number;
  object: DataTerm;
  graphId: number;
}

interface PredicateEntry {
  statements: DataStatement[];
  /** The distinct objects, in order; computed on first use. */
  values?: DataTerm[];
}

export interface SubjectEntry {
  byPredicate: Map<string, PredicateEntry>;
  all: DataStatement[];
  /** Whether the statements are in N3 order yet (they are sorted on first read when not). */
  sorted: boolean;
}

/** What a shape targets: classes (keys, subclasses included), nodes, subjects or objects of predicates (IRIs). */
export interface Targets {
  classes: string[];
  nodes: Term[];
  objectsOf: string[];
  subjectsOf: string[];
}

/** A key that is equal for equal RDF terms and differs otherwise: N3's own term id. */
export const termKey: (term: Term) => string = termToId;

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

export class DataGraph {
  /** Distinct quads, as N3 counts them (shacl-engine validates nothing in an empty data graph). */
  readonly size: number;
  private readonly terms = new Map<string, DataTerm>();
  /** Class key -> its instances (and the graph saying so) in the data. */
  private readonly instances = new Map<string, { subject: DataTerm; graphId: number }[]>();

  constructor(quads: Iterable<Quad>) {
    let size = 0;
    for (const q of quads) {
      const graphId = q.graph.termType === 'DefaultGraph' ? 1 : this.node(q.graph).id;
      const subject = this.node(q.subject);
      const predicate = this.node(q.predicate);
      const object = this.node(q.object);
      const entry: SubjectEntry = (subject.about ??= { byPredicate: new Map(), all: [], sorted: true });
      const forPredicate = entry.byPredicate.get(predicate.value);
      if (forPredicate?.statements.some((s) => s.object === object && s.graphId === graphId)) continue; // a repeated quad
      size++;
      const statement: DataStatement = { predicate: predicate.value, predicateId: predicate.id, object, graphId };
      const last = entry.all[entry.all.length - 1];
      if (last && byN3Order(last, statement) > 0) entry.sorted = false;
      entry.all.push(statement);
      if (forPredicate) forPredicate.statements.push(statement);
      else entry.byPredicate.set(predicate.value, { statements: [statement] });
      if (predicate.value === RDF_TYPE && predicate.termType === 'NamedNode') {
        const instances = this.instances.get(object.key);
        if (instances) instances.push({ subject, graphId });
        else this.instances.set(object.key, [{ subject, graphId }]);
      }
    }
    this.size = size;
  }

  /** The distinct objects of (subject, predicate IRI) over all graphs, in shacl-engine's order. */
  values(subject: DataTerm, predicate: string): DataTerm[] {
    const entry = about(subject)?.byPredicate.get(predicate);
    if (!entry) return EMPTY;
    if (entry.values) return entry.values;
    const statements = entry.statements;
    if (statements.length === 1) return (entry.values = [statements[0].object]);
    const values: DataTerm[] = [];
    for (const s of statements) if (!values.includes(s.object)) values.push(s.object);
    return (entry.values = values);
  }

  /** The objects of (subject, predicate IRI), one per statement (repeated once per graph holding it). */
  objects(subject: DataTerm, predicate: string): DataTerm[] {
    return this.statements(subject, predicate).map((s) => s.object);
  }

  /** The statements about a subject: by graph, predicate and object, as N3 lists them. */
  statementsAbout(subject: DataTerm): DataStatement[] {
    return about(subject)?.all ?? EMPTY_STATEMENTS;
  }

  has(subject: DataTerm, predicate: string, object: DataTerm): boolean {
    return this.statements(subject, predicate).some((s) => s.object === object);
  }

  /**
   * A key of the path from a subject to one of its values: the statements linking them, one per graph.
   * shacl-engine keys what it has validated by such paths (they matter to shapes nested on values).
   */
  valuePathKey(subject: DataTerm, predicate: string, object: DataTerm): string {
    const graphs = this.statements(subject, predicate).filter((s) => s.object === object).map((s) => s.graphId);
    return `${subject.key} ${predicate} ${object.key} ${graphs.join(',')}`;
  }

  /** The distinct subjects typed (rdf:type) with any of the classes, class by class, as shacl-engine finds targets. */
  instancesOf(classKeys: string[]): DataTerm[] {
    let found: DataTerm[] | undefined;
    for (const classKey of classKeys) {
      const instances = this.instances.get(classKey);
      if (!instances) continue;
      if (!found && instances.length === 1 && classKeys.length === 1) return [instances[0].subject];
      found ??= [];
      const ordered = instances.length > 1 ? [...instances].sort((a, b) => a.graphId - b.graphId || a.subject.id - b.subject.id) : instances;
      for (const i of ordered) if (!found.includes(i.subject)) found.push(i.subject);
    }
    return found ?? EMPTY;
  }

  /**
   * A shape's focus nodes, as shacl-engine's TargetResolver finds them: instances of its classes, then its
   * target nodes (present in the data or not), objects, then subjects of its predicates; each once.
   */
  targets(targets: Targets): DataTerm[] {
    const instances = targets.classes.length ? this.instancesOf(targets.classes) : EMPTY;
    if (!targets.nodes.length && !targets.objectsOf.length && !targets.subjectsOf.length) return instances;
    const found = [...instances];
    const add = (node: DataTerm): void => {
      if (!found.includes(node)) found.push(node);
    };
    for (const node of targets.nodes) add(this.termOf(node));
    for (const [predicates, end] of [[targets.objectsOf, 'object'], [targets.subjectsOf, 'subject']] as const) {
      for (const predicate of predicates) {
        // N3 lists (any, p, any) by graph, then object, then subject.
        const uses: { subject: DataTerm; statement: DataStatement }[] = [];
        for (const subject of this.terms.values()) for (const statement of about(subject)?.byPredicate.get(predicate)?.statements ?? []) uses.push({ subject, statement });
        uses.sort((a, b) => a.statement.graphId - b.statement.graphId || a.statement.object.id - b.statement.object.id || a.subject.id - b.subject.id);
        for (const use of uses) add(end === 'object' ? use.statement.object : use.subject);
      }
    }
    return found;
  }

  private statements(subject: DataTerm, predicate: string): DataStatement[] {
    return about(subject)?.byPredicate.get(predicate)?.statements ?? EMPTY_STATEMENTS;
  }

  /** The data's term equal to this one, or a new one when the data does not mention it. */
  private termOf(term: Term): DataTerm {
    return this.terms.get(termKey(term)) ?? this.node(term);
  }

  private node(term: Term): DataTerm {
    const key = termKey(term);
    let node = this.terms.get(key);
    if (!node) {
      const literal = term.termType === 'Literal';
      node = { term, termType: term.termType, value: term.value, key, id: this.terms.size + 2, datatype: literal ? term.datatype.value : '' };
      this.terms.set(key, node);
    }
    return node;
  }
}

/** The statements about a subject, sorted into N3 order on first use. */
function about(subject: DataTerm): SubjectEntry | undefined {
  const entry = subject.about;
  if (entry && !entry.sorted) {
    entry.all.sort(byN3Order);
    for (const p of entry.byPredicate.values()) p.statements.sort(byN3Order);
    entry.sorted = true;
  }
  return entry;
}

function byN3Order(a: DataStatement, b: DataStatement): number {
  return a.graphId - b.graphId || a.predicateId - b.predicateId || a.object.id - b.object.id;
}

const EMPTY: DataTerm[] = [];
const EMPTY_STATEMENTS: DataStatement[] = [];
