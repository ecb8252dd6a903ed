import { DataFactory, type Quad, type Quad_Object, type Quad_Subject } from 'n3';
import sparqljs, { type GraphOrDefault, type Quads, type Update, type UpdateOperation } from 'sparqljs';
import { v7 as uuidv7 } from 'uuid';
import { READABLE_BY } from '../access/accessIndex.js';
import { audience } from '../access/audiences.js';
import { contentHash } from '../provenance/activityQuads.js';
import { DCTERMS, FMAR, PROV, RDF, XSD } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings, type BindingTerm } from '../store/selectBindings.js';
import type { Actor } from './RecordService.js';

const { namedNode, literal, quad } = DataFactory;

/**
 * SPARQL 1.1 Update for administrators, for the graphs that are not records: reference data, corrections to
 * graphs loaded from other sources. Record, version and activity graphs only change through the REST API,
 * which validates, versions and attributes every change; an update touching them is refused whole.
 * Each operation becomes one journaled transaction with its own activity (UC-05.03, authorised correction).
 * LOAD is refused (the registry never fetches from the network) and so is writing to the default graph
 * (every statement of the registry lives in a named graph). The journal graphs a remote store keeps under
 * {base}.well-known/fmar/ are never changed here either.
 *
 * On a remote store (`ownGraphsOnly`), the server may hold other registries' data and its own system graphs
 * (Virtuoso's virtrdf#, for one): the registry then changes only graphs under its base IRI (403 otherwise),
 * and ALL / NAMED mean those graphs.
 */
export class SparqlUpdateRefusedError extends Error {
  constructor(message: string, readonly status: 400 | 403) {
    super(message);
    this.name = 'SparqlUpdateRefusedError';
  }
}

export interface UpdateSummary {
  operations: number;
  added: number;
  removed: number;
  activities: string[];
}

type Binding = Record<string, BindingTerm>;

export class SparqlUpdateService {
  private readonly parser = new sparqljs.Parser();
  private readonly generator = new sparqljs.Generator();

  constructor(private readonly args: { store: RegistryStore; baseIri: string; protectedPaths: string[]; ownGraphsOnly?: boolean }) {}

  async execute(text: string, actor: Actor): Promise<UpdateSummary> {
    let parsed: Update;
    try {
      const result = this.parser.parse(text);
      if (result.type !== 'update') throw new Error('not an update (use the query operation)');
      parsed = result;
    } catch (error) {
      throw new SparqlUpdateRefusedError(`the update failed to parse: ${(error as Error).message}`, 400);
    }
    for (const op of parsed.updates) this.checkSupported(op);
    const summary: UpdateSummary = { operations: 0, added: 0, removed: 0, activities: [] };
    for (const op of parsed.updates) {
      const { add, remove } = await this.patchOf(op, parsed.prefixes);
      const graphs = new Set([...add, ...remove].map((q) => q.graph.value));
      const touched = [...graphs].filter((g) => this.isProtected(g));
      if (touched.length) throw new SparqlUpdateRefusedError(`records change only through the REST API; this update touches ${touched.slice(0, 3).join(', ')}`, 403);
      const foreign = this.args.ownGraphsOnly ? [...graphs].filter((g) => !g.startsWith(this.args.baseIri)) : [];
      if (foreign.length) throw new SparqlUpdateRefusedError(`on a remote store the registry changes only graphs under its base IRI ${this.args.baseIri}; this update touches ${foreign.slice(0, 3).join(', ')}`, 403);
      // The access index is the registry's alone (docs/access.md): no update may state who reads what.
      if ([...add, ...remove].some((q) => q.predicate.value === READABLE_BY)) throw new SparqlUpdateRefusedError(`${READABLE_BY} is written by the registry only`, 403);
      const activity = `${this.args.baseIri}activities/${uuidv7()}`;
      // Graphs administrators maintain are reference data: readable by everyone, the public included (requirements §10).
      const referenceGraph = namedNode(`${this.args.baseIri}.well-known/fmar/reference-access`);
      const readable = [...new Set(add.map((q) => q.graph.value))].map((g) => quad(namedNode(g), namedNode(READABLE_BY), namedNode(audience.public(this.args.baseIri)), referenceGraph));
      const description = this.generator.stringify({ type: 'update', prefixes: {}, updates: [op] } as Update);
      await this.args.store.commit({ add: [...add, ...readable, ...this.activityQuads(activity, actor, description, [...add, ...remove])], remove });
      summary.operations++;
      summary.added += add.length;
      summary.removed += remove.length;
      summary.activities.push(activity);
    }
    return summary;
  }

  private isProtected(graph: string): boolean {
    return [...this.args.protectedPaths, 'activities', '.well-known/fmar'].some((path) => graph.startsWith(`${this.args.baseIri}${path}/`));
  }

  private checkSupported(op: UpdateOperation): void {
    if ('type' in op && op.type === 'load') throw new SparqlUpdateRefusedError('LOAD is refused: the registry never fetches data from the network', 400);
    const graphs: (GraphOrDefault | undefined)[] = 'type' in op ? ('graph' in op ? [op.graph] : 'source' in op ? [op.source, op.destination] : []) : [];
    if (graphs.some((g) => g?.default)) throw new SparqlUpdateRefusedError('the registry keeps no default graph: name a graph (GRAPH <...>)', 400);
  }

  private async patchOf(op: UpdateOperation, prefixes: Record<string, string>): Promise<{ add: Quad[]; remove: Quad[] }> {
    if ('updateType' in op) {
      switch (op.updateType) {
        case 'insert': return { add: this.ground(op.insert, undefined, {}, uuidv7()), remove: [] };
        case 'delete': return { add: [], remove: this.ground(op.delete, undefined, {}) };
        case 'deletewhere': {
          // DELETE WHERE: the template is also the pattern.
          const where = op.delete.map((q): sparqljs.Pattern => (q.type === 'graph' ? { type: 'graph', name: q.name, patterns: [{ type: 'bgp', triples: q.triples }] } as sparqljs.Pattern : q));
          const bindings = await this.solutions(where, prefixes);
          return { add: [], remove: bindings.flatMap((b) => this.ground(op.delete, undefined, b)) };
        }
        case 'insertdelete': {
          const withGraph = op.graph?.value;
          const scope = uuidv7();
          const bindings = await this.solutions(op.where, prefixes, withGraph ? [withGraph] : op.using?.default.map((g) => g.value), op.using?.named.map((g) => g.value));
          return {
            add: bindings.flatMap((b, i) => this.ground(op.insert, withGraph, b, `${scope}-${i}`)),
            remove: bindings.flatMap((b) => this.ground(op.delete, withGraph, b)),
          };
        }
      }
    }
    switch (op.type) {
      case 'create': return { add: [], remove: [] };
      case 'clear':
      case 'drop': return { add: [], remove: await this.graphQuads(op.graph.named || op.graph.all ? await this.allGraphs() : [op.graph.name!.value]) };
      case 'add':
      case 'copy':
      case 'move': {
        const source = op.source.name!.value;
        const destination = op.destination.name!.value;
        if (source === destination) return { add: [], remove: [] };
        const copied = (await this.args.store.readGraph(source)).map((q) => quad(q.subject, q.predicate, q.object, namedNode(destination)));
        const remove = op.type === 'add' ? [] : await this.args.store.readGraph(destination);
        if (op.type === 'move') remove.push(...(await this.args.store.readGraph(source)));
        return { add: copied, remove };
      }
      default: throw new SparqlUpdateRefusedError(`unsupported operation ${(op as { type: string }).type}`, 400);
    }
  }

  private async allGraphs(): Promise<string[]> {
    // `GRAPH ?g { }` would be cheaper on Oxigraph, but Virtuoso binds no ?g for it.
    const own = this.args.ownGraphsOnly ? `FILTER (STRSTARTS(STR(?g), ${JSON.stringify(this.args.baseIri)}))` : '';
    return (await selectBindings(this.args.store, `SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } ${own} }`)).map((b) => b.g.value);
  }

  private async graphQuads(graphs: string[]): Promise<Quad[]> {
    return (await Promise.all(graphs.map((g) => this.args.store.readGraph(g)))).flat();
  }

  private async solutions(where: sparqljs.Pattern[], prefixes: Record<string, string>, defaultGraphs?: string[], namedGraphs?: string[]): Promise<Binding[]> {
    const select = this.generator.stringify({ type: 'query', queryType: 'SELECT', variables: [new sparqljs.Wildcard()], where, prefixes } as sparqljs.SelectQuery);
    return selectBindings(this.args.store, select, { defaultGraphs, namedGraphs });
  }

  /** Instantiates templates with one solution; a triple with an unbound variable is skipped (SPARQL 1.1 Update §3.1.3). */
  private ground(templates: Quads[], withGraph: string | undefined, binding: Binding, blankScope = 'none'): Quad[] {
    const out: Quad[] = [];
    for (const group of templates) {
      const graphTerm = group.type === 'graph' ? this.term(group.name, binding, blankScope) : withGraph ? namedNode(withGraph) : undefined;
      if (!graphTerm) throw new SparqlUpdateRefusedError('the registry keeps no default graph: put the triples in GRAPH <...> or use WITH', 400);
      if (graphTerm === 'unbound') continue;
      for (const t of group.triples) {
        const s = this.term(t.subject as never, binding, blankScope);
        const p = this.term(t.predicate as never, binding, blankScope);
        const o = this.term(t.object as never, binding, blankScope);
        if (s === 'unbound' || p === 'unbound' || o === 'unbound') continue;
        out.push(quad(s as Quad_Subject, p as never, o as Quad_Object, graphTerm as never));
      }
    }
    return out;
  }

  private term(term: { termType: string; value: string; datatype?: { value: string }; language?: string }, binding: Binding, blankScope: string): ReturnType<typeof namedNode> | ReturnType<typeof literal> | 'unbound' {
    switch (term.termType) {
      case 'NamedNode': return namedNode(term.value);
      case 'Literal': return term.language ? literal(term.value, term.language) : literal(term.value, namedNode(term.datatype?.value ?? `${XSD}string`));
      // Blank nodes in inserted data become IRIs (skolemised): the store keeps none, so they can be deleted later.
      case 'BlankNode': return namedNode(`${this.args.baseIri}.well-known/genid/${blankScope}-${term.value}`);
      case 'Variable': {
        const value = binding[term.value];
        if (!value) return 'unbound';
        if (value.type === 'uri') return namedNode(value.value);
        if (value.type === 'bnode') return namedNode(`${this.args.baseIri}.well-known/genid/${value.value}`);
        return value['xml:lang'] ? literal(value.value, value['xml:lang']) : literal(value.value, namedNode(value.datatype ?? `${XSD}string`));
      }
      default: throw new SparqlUpdateRefusedError(`unsupported term ${term.termType}`, 400);
    }
  }

  private activityQuads(activity: string, actor: Actor, description: string, changed: Quad[]): Quad[] {
    const g = namedNode(activity);
    const a = namedNode(activity);
    const now = literal(new Date().toISOString(), namedNode(`${XSD}dateTime`));
    return [
      quad(a, namedNode(`${RDF}type`), namedNode(`${PROV}Activity`), g),
      quad(a, namedNode(`${RDF}type`), namedNode(`${FMAR}RegistryActivity`), g),
      quad(a, namedNode(`${FMAR}useCase`), literal('UC-05.03'), g),
      quad(a, namedNode(`${PROV}wasAssociatedWith`), namedNode(actor.agentIri), g),
      quad(a, namedNode(`${PROV}startedAtTime`), now, g),
      quad(a, namedNode(`${DCTERMS}description`), literal(description.slice(0, 10_000)), g),
      quad(a, namedNode(`${FMAR}contentHash`), literal(contentHash(changed)), g),
    ];
  }
}
