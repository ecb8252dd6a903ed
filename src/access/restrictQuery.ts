import { DataFactory } from 'n3';
import sparqljs, {
  type AskQuery,
  type ConstructQuery,
  type DescribeQuery,
  type Expression,
  type IriTerm,
  type Ordering,
  type Pattern,
  type PropertyPath,
  type Query,
  type SelectQuery,
  type Term,
  type Triple,
  type ValuePatternRow,
  type VariableTerm,
  type Wildcard,
} from 'sparqljs';
import { FMAR_ACCESS } from '../rdf/namespaces.js';

const { namedNode, variable } = DataFactory;

/**
 * Confines a SPARQL 1.1 query to the named graphs a principal may read, by rewriting its text.
 *
 * Every record keeps an access index, the graph `{record}#access`, with `<G> access:readableBy <audience>` for
 * each of its graphs G. A principal holds audience IRIs; a graph is readable iff some graph says it is
 * readableBy one of them. Oxigraph's own dataset option (`default_graph: [...]`) cannot carry that list (20k
 * graphs: 188 s for one aggregate, quadratic), and the same text also goes to a remote Virtuoso, so the query is
 * rewritten, in plain SPARQL 1.1, to behave on the whole store (union default graph, no dataset options) as the
 * original query does on the dataset D whose named graphs are the readable graphs (within FROM NAMED, or the
 * protocol's named-graph-uri, when given) and whose default graph is the union of the readable graphs (within
 * FROM, or default-graph-uri, when given). Each of the two lists restricts its own part only: a query with FROM
 * and no FROM NAMED still sees every readable named graph. The protocol lists replace the query's own.
 *
 * The rewrite (sparqljs parses, the pattern tree is rebuilt, sparqljs writes it out with the query's prefixes):
 * - A triple pattern on the default graph becomes `GRAPH ?fresh { tp }` and the access check of ?fresh, each
 *   pattern in a graph of its own (the default graph merges graphs, so a join may span them). As with Oxigraph's
 *   union default graph, a triple held by k readable graphs matches k times.
 * - The access check of a graph term T is `FILTER EXISTS { GRAPH ?index { T access:readableBy ?audience }
 *   FILTER(?audience IN (...)) }`, put in the group of the pattern it guards (so inside the OPTIONAL, UNION,
 *   MINUS or EXISTS branch where that pattern is), with `VALUES ?fresh { <from> ... }` when a FROM list applies.
 *   An existence test, not a join, so a graph readable through two audiences, or listed in two indexes, does not
 *   repeat rows. With no audiences, or for a graph off the FROM list, it is `?audience IN ()`: nothing passes.
 * - `GRAPH <iri>` and `GRAPH ?g` keep their pattern (its triples are in that graph, so they are not rewritten)
 *   and get the check of their graph term, and the FROM NAMED list (`VALUES ?g`; an IRI off the list passes
 *   nothing). A GRAPH nested in another switches graph again and is checked again.
 * - Property paths on the default graph: `p1/p2`, `^p` and `p1|p2` are expanded, as SPARQL 1.1 §18.2.2.4
 *   translates them, into triple patterns joined on fresh variables and UNIONs of the branches, so every step
 *   lies in any readable graph. An alternative thus keeps SPARQL's bag semantics (a UNION): Oxigraph's own path
 *   evaluator returns a pair matched by two branches, or held by two graphs, once (so does its `!(p|^q)`), so
 *   there the rewrite may repeat a row the original query gives once. `*`, `+` and `?` are
 *   evaluated inside ONE readable graph, `{ SELECT DISTINCT <ends> { GRAPH ?fresh { s path o } check } }`
 *   (DISTINCT: these paths are sets, as in §18.4): STRICTER than the merged default graph, where a chain
 *   may pass from one graph to the next; a chain through graphs of different owners is never followed (that is
 *   what keeps a `(p|!p)*` walk from stepping into unreadable data). The subquery is evaluated on its own, so a
 *   `*` path with variables at both ends costs what it costs over the whole store. A negated property set
 *   matches single triples, so `GRAPH ?fresh { s !(...) o }` is exact; one with forward and inverse members is
 *   the UNION of the two sets (§18.2.2.4), the inverse one with s and o swapped.
 * - Subqueries, OPTIONAL, UNION, MINUS and EXISTS (in FILTER, BIND, the projection, GROUP BY, HAVING or ORDER
 *   BY) are rewritten recursively; BIND, VALUES and FILTER stay as they are otherwise.
 * - SERVICE, anywhere, is refused: the registry does not call other endpoints for restricted principals.
 * - Blank nodes of the query's patterns become fresh variables first: one label may not span the GRAPH groups
 *   the rewrite makes. CONSTRUCT templates keep theirs.
 * - Fresh variables never reach the results: `SELECT *` becomes the list of the variables in scope in the
 *   original pattern (SPARQL 1.1 §18.2.1: not those only inside FILTER, EXISTS or MINUS, but a subquery's
 *   projection and BIND and VALUES variables), and a query counting `COUNT(DISTINCT *)` counts them through a
 *   subquery projecting that list. A `SELECT *` whose pattern has no variable of its own but would show fresh
 *   ones is refused (name a variable, or ask with ASK). Fresh names take a prefix no variable of the query text
 *   starts with.
 * - DESCRIBE becomes `CONSTRUCT { ?r ?p ?o }`: the described resources' outgoing triples from the readable
 *   default graph, for each IRI named and each value of the variables named (or in scope, for `*`) in the
 *   solutions of the WHERE clause, after its ORDER BY, LIMIT, OFFSET and VALUES.
 * - Updates, and anything that does not parse, are refused with the parser's message (QueryRefusedError).
 *
 * Cost, Oxigraph 0.5 (test/unit/access/restrictQuery.test.ts prints the first figures): 20,000 asset graphs with
 * their access indexes, count and sum of capacity by category: unrestricted over all 20k about 40 ms; rewritten
 * for an organisation owning 2,000 about 70 ms, with the public audience too (7,000 readable) about 75 ms; a
 * lookup of one record's triples stays under 1 ms. Shapes of the check tried on the same data: as a join
 * (`GRAPH ?i { ?g readableBy ?a } VALUES ?a {...}`) it is fastest when it drives the query (25 ms) but repeats
 * rows for every audience and index granting the graph; a DISTINCT subquery of the readable graphs is fast for
 * aggregates but costs the whole readable list for every triple pattern (one record: 25 ms instead of 0.1 ms,
 * growing with the store); in `FILTER EXISTS` (cost per row the query touches), `VALUES ?audience` 87-118 ms
 * against `FILTER(?audience IN (...))` 75-87 ms (kept); the check in a nested group of its own, rather than the
 * pattern's group, stops Oxigraph reordering the joins (400 ms for a two-pattern lookup). A FROM list as
 * `VALUES ?g` takes 0.3 ms where `FILTER(?g IN (...))` takes 16 ms.
 */
export class QueryRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryRefusedError';
  }
}

export interface RestrictOptions {
  /** Audience IRIs the principal holds; none: nothing is readable. */
  audiences: string[];
  /** SPARQL protocol default-graph-uri: replaces the query's FROM. */
  defaultGraphs?: string[];
  /** SPARQL protocol named-graph-uri: replaces the query's FROM NAMED. */
  namedGraphs?: string[];
  /**
   * Whether the store evaluates `*`, `+` and `?` paths inside `GRAPH ?g { }` within that one graph (Oxigraph does).
   * Virtuoso does not (measured: its transitive evaluation ignores the graph), so on the remote backend such
   * paths are refused rather than risk leaving the dataset. Default true.
   */
  transitivePathsStayInGraph?: boolean;
}

/** Returns the text of a query equivalent to `sparql` over the graphs `options.audiences` may read. */
export function restrictQuery(sparql: string, options: RestrictOptions): string {
  const query = parseQuery(sparql);
  if (options.transitivePathsStayInGraph === false && hasTransitivePath(query)) {
    throw new QueryRefusedError('property paths with *, + or ? are not available to restricted principals on this store (it cannot confine them to readable graphs); spell the steps out, e.g. p/p/p');
  }
  const restriction = new QueryRestriction({
    audiences: unique(options.audiences).map((iri) => namedNode(iri)),
    defaultGraphs: graphList(options.defaultGraphs ?? listed(query.from?.default)),
    namedGraphs: graphList(options.namedGraphs ?? listed(query.from?.named)),
    freshPrefix: unusedVariablePrefix(sparql),
  });
  return new sparqljs.Generator().stringify(restriction.query(query));
}

const READABLE_BY = namedNode(`${FMAR_ACCESS}readableBy`);

/** Whether any part of the parsed query (patterns, subqueries, EXISTS) uses a `*`, `+` or `?` path. */
function hasTransitivePath(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasTransitivePath);
  if (!node || typeof node !== 'object') return false;
  const record = node as Record<string, unknown>;
  if (record.type === 'path' && (record.pathType === '*' || record.pathType === '+' || record.pathType === '?')) return true;
  return Object.values(record).some(hasTransitivePath);
}

/** Where a pattern is evaluated: the (merged) default graph, or the named graph of an enclosing GRAPH. */
type GraphContext = 'default' | 'named';

type SolutionModifiers = Pick<SelectQuery, 'group' | 'having' | 'order'>;

class QueryRestriction {
  private freshCount = 0;
  /** How many EXISTS / NOT EXISTS enclose the pattern being rewritten. */
  private existsDepth = 0;
  private readonly blankNodeVariables = new Map<string, VariableTerm>();

  constructor(
    private readonly args: {
      audiences: IriTerm[];
      /** Graphs the default graph is limited to (FROM / default-graph-uri); undefined: every readable graph. */
      defaultGraphs: IriTerm[] | undefined;
      /** Named graphs the query may use (FROM NAMED / named-graph-uri); undefined: every readable graph. */
      namedGraphs: IriTerm[] | undefined;
      freshPrefix: string;
    },
  ) {}

  query(query: Query): Query {
    switch (query.queryType) {
      case 'SELECT':
        return this.select(withoutDataset(query), 'default');
      case 'ASK':
      case 'CONSTRUCT':
        return this.askOrConstruct(withoutDataset(query));
      case 'DESCRIBE':
        return this.describeAsConstruct(query);
    }
  }

  private select(query: SelectQuery, context: GraphContext): SelectQuery {
    const where = query.where ?? [];
    const rewrittenWhere = this.patterns(where, context);
    const inScope = uniqueVariables([...inScopeVariables(where), ...valuesVariables(query.values)]);
    const variables = isWildcard(query.variables)
      ? (visibleProjection(inScope, rewrittenWhere, 'SELECT *') ?? query.variables)
      : query.variables.map((v) => ('expression' in v ? { ...v, expression: this.expression(v.expression, context) } : v));
    const countsDistinctSolutions = [...query.variables, ...(query.having ?? []), ...(query.order ?? []).map((o) => o.expression)].some(countsDistinctWildcard);
    const distinctlyCounted = countsDistinctSolutions && visibleProjection(inScope, rewrittenWhere, 'COUNT(DISTINCT *)');
    return {
      ...query,
      ...this.solutionModifiers(query, context),
      variables,
      where: distinctlyCounted ? [subSelect(distinctlyCounted, rewrittenWhere)] : rewrittenWhere,
    };
  }

  private askOrConstruct<Q extends AskQuery | ConstructQuery>(query: Q): Q {
    return { ...query, ...this.solutionModifiers(query as Q & SolutionModifiers, 'default'), where: this.patterns(query.where ?? [], 'default') };
  }

  private solutionModifiers(query: SolutionModifiers, context: GraphContext): SolutionModifiers {
    return {
      ...(query.group && { group: query.group.map((g) => ({ ...g, expression: this.expression(g.expression, context) })) }),
      ...(query.having && { having: query.having.map((e) => this.expression(e, context)) }),
      ...(query.order && { order: this.ordering(query.order, context) }),
    };
  }

  private ordering(order: Ordering[], context: GraphContext): Ordering[] {
    return order.map((o) => ({ ...o, expression: this.expression(o.expression, context) }));
  }

  /**
   * DESCRIBE as `CONSTRUCT { ?r ?p ?o }`: one branch per described term binds ?r (DISTINCT: a resource is
   * described once however many solutions name it), then ?r's triples are read from readable default graphs.
   */
  private describeAsConstruct(query: DescribeQuery): ConstructQuery {
    const where = query.where;
    const described: (VariableTerm | IriTerm)[] = isWildcard(query.variables)
      ? uniqueVariables([...inScopeVariables(where ?? []), ...valuesVariables(query.values)])
      : query.variables;
    const resource = this.fresh('described');
    const property = this.fresh('property');
    const value = this.fresh('value');
    const solutions = where && this.describedSolutions(query, where);
    const branches: Pattern[] = described.flatMap((term): Pattern[] => {
      if (solutions) return [subSelect([{ expression: term, variable: resource }], solutions, { distinct: true })];
      return term.termType === 'NamedNode' ? [valuesOf(resource, [term])] : [];
    });
    const resources: Pattern = branches.length === 1 ? branches[0] : { type: 'union', patterns: branches };
    return {
      type: 'query',
      queryType: 'CONSTRUCT',
      base: query.base,
      prefixes: query.prefixes,
      template: [{ subject: resource, predicate: property, object: value }],
      where: branches.length ? [resources, ...this.inReadableGraph([bgp({ subject: resource, predicate: property, object: value })])] : [],
    };
  }

  /** The rewritten WHERE of a DESCRIBE, with its ORDER BY, LIMIT, OFFSET and VALUES in a subquery when it has any. */
  private describedSolutions(query: DescribeQuery, where: Pattern[]): Pattern[] {
    const rewritten = this.patterns(where, 'default');
    const { order, limit, offset, values } = query as DescribeQuery & Pick<SelectQuery, 'order' | 'limit' | 'offset'>;
    if (!order && limit === undefined && offset === undefined && !values) return rewritten;
    return [group([{ type: 'query', queryType: 'SELECT', prefixes: {}, variables: [new sparqljs.Wildcard()], where: rewritten, ...(order && { order: this.ordering(order, 'default') }), limit, offset, values }])];
  }

  /** The patterns of one group, rewritten; the checks a pattern needs join its own group. */
  private patterns(patterns: Pattern[], context: GraphContext): Pattern[] {
    return patterns.flatMap((p) => this.pattern(p, context));
  }

  private pattern(pattern: Pattern, context: GraphContext): Pattern[] {
    switch (pattern.type) {
      case 'bgp': {
        const triples = pattern.triples.map((t) => this.withoutBlankNodes(t));
        return context === 'named' ? [bgp(...triples)] : triples.flatMap((t) => this.pathPatterns(t.subject, t.predicate, t.object));
      }
      case 'graph':
        return [{ ...pattern, patterns: this.patterns(pattern.patterns, 'named') }, ...this.accessCheck(pattern.name, this.args.namedGraphs)];
      case 'group':
      case 'optional':
      case 'minus':
        return [{ ...pattern, patterns: this.patterns(pattern.patterns, context) }];
      case 'union':
        return [{ ...pattern, patterns: pattern.patterns.map((branch) => asOnePattern(this.pattern(branch, context))) }];
      case 'filter':
        return [{ ...pattern, expression: this.expression(pattern.expression, context) }];
      case 'bind':
        return [{ ...pattern, expression: this.expression(pattern.expression, context) }];
      case 'values':
        return [pattern];
      case 'query':
        return [this.select(pattern, context)];
      case 'service':
        throw new QueryRefusedError(`SERVICE ${pattern.name.termType === 'Variable' ? `?${pattern.name.value}` : `<${pattern.name.value}>`} is not available: the registry does not call other endpoints for restricted principals; query the registry's own data only`);
    }
  }

  /** A triple pattern, with a property path or not, on the default graph. */
  private pathPatterns(subject: Triple['subject'], predicate: Triple['predicate'], object: Term): Pattern[] {
    if (!('type' in predicate)) return this.inReadableGraph([bgp({ subject, predicate, object })]);
    const path: PropertyPath = predicate;
    switch (path.pathType) {
      case '^':
        return this.pathPatterns(object as Triple['subject'], path.items[0], subject);
      case '/': {
        let from = subject;
        return path.items.flatMap((step, i) => {
          const to = i === path.items.length - 1 ? object : this.fresh('step');
          const patterns = this.pathPatterns(from, step, to);
          from = to as Triple['subject'];
          return patterns;
        });
      }
      case '|':
        return [{ type: 'union', patterns: path.items.map((branch) => group(this.pathPatterns(subject, branch, object))) }];
      case '!': {
        // As §18.2.2.4: forward members test s p o, inverse members o p s, and a set with both is their UNION.
        const members = negatedSetMembers(path);
        const forward = members.filter((m): m is IriTerm => !('type' in m));
        const inverse = members.flatMap((m) => ('type' in m && m.pathType === '^' ? m.items : [])) as IriTerm[];
        const sides = [
          ...(forward.length ? [this.inReadableGraph([bgp({ subject, predicate: negatedSet(forward), object })])] : []),
          ...(inverse.length ? [this.inReadableGraph([bgp({ subject: object as Triple['subject'], predicate: negatedSet(inverse), object: subject })])] : []),
        ];
        return sides.length === 1 ? sides[0] : [{ type: 'union', patterns: sides.map(group) }];
      }
      case '*':
      case '+':
      case '?': {
        const ends = uniqueVariables([subject, object].filter(isVariable));
        if (!ends.length) return [{ type: 'filter', expression: exists(this.insideExists(() => this.inReadableGraph([bgp({ subject, predicate: path, object })]))) }];
        return [subSelect(ends, this.inReadableGraph([bgp({ subject, predicate: path, object })]), { distinct: true })];
      }
    }
  }

  /** `patterns` in one readable graph of the default graph (and of its FROM list). */
  private inReadableGraph(patterns: Pattern[]): Pattern[] {
    const graph = this.fresh('graph');
    return [{ type: 'graph', name: graph, patterns }, ...this.accessCheck(graph, this.args.defaultGraphs)];
  }

  /**
   * The patterns that let `graph` through only when it is readable (and on `allowed`, when there is a list). A
   * graph that cannot be on the list is checked against no audience at all: `?audience IN ()` matches nothing,
   * where a constant-false filter or an empty VALUES would not do, as Oxigraph then drops the implicit group of an
   * aggregate (COUNT(*) gives no row instead of 0).
   */
  private accessCheck(graph: IriTerm | VariableTerm, allowed: IriTerm[] | undefined): Pattern[] {
    const mayBeListed = !allowed || (graph.termType === 'Variable' ? allowed.length > 0 : allowed.some((g) => g.equals(graph)));
    const listed: Pattern[] = allowed?.length && graph.termType === 'Variable' ? [valuesOf(graph, allowed)] : [];
    const index = this.fresh('index');
    const audience = this.fresh('audience');
    const readable: Pattern[] = [
      { type: 'graph', name: index, patterns: [bgp({ subject: graph, predicate: READABLE_BY, object: audience })] },
      { type: 'filter', expression: { type: 'operation', operator: 'in', args: [audience, mayBeListed ? this.args.audiences : []] } },
    ];
    // Inside an EXISTS only whether a solution exists matters, so the check is a plain join there. That also keeps
    // EXISTS from nesting in EXISTS, which Virtuoso 7 evaluates wrongly (measured: the inner one ignores ?graph).
    if (this.existsDepth > 0) return [...listed, ...readable];
    return [...listed, { type: 'filter', expression: exists(readable) }];
  }

  private insideExists<T>(rewrite: () => T): T {
    this.existsDepth++;
    try {
      return rewrite();
    } finally {
      this.existsDepth--;
    }
  }

  private expression(expression: Expression, context: GraphContext): Expression {
    if (Array.isArray(expression)) return expression.map((e) => this.expression(e, context));
    if ('termType' in expression) return expression;
    switch (expression.type) {
      case 'operation':
        if (expression.operator === 'exists' || expression.operator === 'notexists') {
          return { ...expression, args: [group(this.insideExists(() => this.pattern(expression.args[0] as Pattern, context)))] };
        }
        return { ...expression, args: expression.args.map((a) => this.expression(a as Expression, context)) };
      case 'functionCall':
        return { ...expression, args: expression.args.map((a) => this.expression(a, context)) };
      case 'aggregate':
        return 'termType' in expression.expression ? expression : { ...expression, expression: this.expression(expression.expression, context) };
      default:
        return expression;
    }
  }

  private withoutBlankNodes(triple: Triple): Triple {
    return { subject: this.blankNodeAsVariable(triple.subject), predicate: triple.predicate, object: this.blankNodeAsVariable(triple.object) };
  }

  private blankNodeAsVariable<T extends Term>(term: T): T | VariableTerm {
    if (term.termType !== 'BlankNode') return term;
    let bound = this.blankNodeVariables.get(term.value);
    if (!bound) this.blankNodeVariables.set(term.value, (bound = this.fresh('node')));
    return bound;
  }

  private fresh(kind: string): VariableTerm {
    return variable(`${this.args.freshPrefix}${kind}${++this.freshCount}`);
  }
}

function parseQuery(sparql: string): Query {
  let parsed;
  try {
    parsed = new sparqljs.Parser().parse(sparql);
  } catch (error) {
    throw new QueryRefusedError(`the query failed to parse: ${(error as Error).message}`);
  }
  if (parsed.type !== 'query') throw new QueryRefusedError('SPARQL Update is not available here: send a query (SELECT, ASK, CONSTRUCT or DESCRIBE)');
  return parsed;
}

function withoutDataset<Q extends Query>(query: Q): Q {
  const copy = { ...query };
  delete copy.from;
  return copy;
}

/**
 * Variables in scope in a group (SPARQL 1.1 §18.2.1): those of its triple patterns, GRAPH variables, BIND and
 * VALUES variables, a subquery's projection; not those only inside FILTER, EXISTS or the right side of MINUS.
 */
function inScopeVariables(patterns: Pattern[]): VariableTerm[] {
  return uniqueVariables(
    patterns.flatMap((p): VariableTerm[] => {
      switch (p.type) {
        case 'bgp':
          return p.triples.flatMap((t) => [t.subject, t.predicate, t.object]).filter(isVariable);
        case 'graph':
          return [...(isVariable(p.name) ? [p.name] : []), ...inScopeVariables(p.patterns)];
        case 'group':
        case 'optional':
        case 'union':
        case 'service':
          return inScopeVariables(p.patterns);
        case 'bind':
          return [p.variable];
        case 'values':
          return valuesVariables(p.values);
        case 'query':
          return isWildcard(p.variables)
            ? [...inScopeVariables(p.where ?? []), ...valuesVariables(p.values)]
            : p.variables.map((v) => ('expression' in v ? v.variable : v));
        case 'minus':
        case 'filter':
          return [];
      }
    }),
  );
}

/**
 * The in-scope variables to project for `*` (in SELECT * or COUNT(DISTINCT *)); undefined when there are none and
 * the rewrite binds none either (`*` is then harmless); refused when only the rewrite's own variables would show.
 */
function visibleProjection(inScope: VariableTerm[], rewrittenWhere: Pattern[], construct: string): VariableTerm[] | undefined {
  if (inScope.length) return inScope;
  if (!inScopeVariables(rewrittenWhere).length) return undefined;
  throw new QueryRefusedError(`${construct} over a pattern without variables would show the variables of the access rewrite; name the variables to return, or use ASK`);
}

function countsDistinctWildcard(expression: unknown): boolean {
  if (Array.isArray(expression)) return expression.some(countsDistinctWildcard);
  if (typeof expression !== 'object' || expression === null || 'termType' in expression) return false;
  const e = expression as { type?: string; distinct?: boolean; aggregation?: string; expression?: unknown; args?: unknown[] };
  if (e.type === 'aggregate' && e.aggregation === 'count' && e.distinct && isWildcardTerm(e.expression)) return true;
  return countsDistinctWildcard(e.expression) || (e.args ?? []).some(countsDistinctWildcard);
}

function valuesVariables(rows: ValuePatternRow[] | undefined): VariableTerm[] {
  return uniqueVariables((rows ?? []).flatMap((row) => Object.keys(row).map((key) => variable(key.slice(1)))));
}

function subSelect(variables: SelectQuery['variables'], where: Pattern[], options: { distinct?: boolean } = {}): Pattern {
  return group([{ type: 'query', queryType: 'SELECT', prefixes: {}, ...options, variables, where }]);
}

function exists(patterns: Pattern[]): Expression {
  return { type: 'operation', operator: 'exists', args: [group(patterns)] };
}

function group(patterns: Pattern[]): Pattern {
  return { type: 'group', patterns };
}

function asOnePattern(patterns: Pattern[]): Pattern {
  return patterns.length === 1 ? patterns[0] : group(patterns);
}

function bgp(...triples: Triple[]): Pattern {
  return { type: 'bgp', triples };
}

/** The members of `!(...)`: sparqljs gives one item, an IRI, `^iri` or their alternative (which its typings omit). */
function negatedSetMembers(path: PropertyPath): (IriTerm | PropertyPath)[] {
  const [item] = path.items as (IriTerm | PropertyPath)[];
  return 'type' in item && item.pathType === '|' ? item.items : [item];
}

function negatedSet(members: IriTerm[]): PropertyPath {
  const item: IriTerm | PropertyPath = members.length === 1 ? members[0] : { type: 'path', pathType: '|', items: members };
  return { type: 'path', pathType: '!', items: [item] } as PropertyPath;
}

function valuesOf(name: VariableTerm, terms: IriTerm[]): Pattern {
  return { type: 'values', values: terms.map((term) => ({ [`?${name.value}`]: term })) };
}

function isWildcard<T>(variables: T[] | [Wildcard]): variables is [Wildcard] {
  return variables.length === 1 && isWildcardTerm(variables[0]);
}

function isWildcardTerm(term: unknown): boolean {
  return typeof term === 'object' && term !== null && (term as { termType?: string }).termType === 'Wildcard';
}

function isVariable(term: unknown): term is VariableTerm {
  return typeof term === 'object' && term !== null && (term as { termType?: string }).termType === 'Variable';
}

function uniqueVariables(variables: VariableTerm[]): VariableTerm[] {
  return unique(variables.map((v) => v.value)).map((name) => variable(name));
}

/** The IRIs of a FROM or FROM NAMED list; undefined when the query has none (its part of the dataset is not limited). */
function listed(graphs: IriTerm[] | undefined): string[] | undefined {
  return graphs?.length ? graphs.map((g) => g.value) : undefined;
}

function graphList(iris: string[] | undefined): IriTerm[] | undefined {
  return iris && unique(iris).map((iri) => namedNode(iri));
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** A prefix for fresh variables that no variable name in the query text starts with. */
function unusedVariablePrefix(sparql: string): string {
  const names = [...sparql.matchAll(/[?$]([\p{L}\p{N}_\u00B7\u0300-\u036F\u203F\u2040]+)/gu)].map((m) => m[1]);
  for (let attempt = 0; ; attempt++) {
    const prefix = attempt ? `acl${attempt}_` : 'acl_';
    if (!names.some((name) => name.startsWith(prefix))) return prefix;
  }
}
