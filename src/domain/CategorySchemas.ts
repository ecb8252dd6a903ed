import { DataFactory, Parser, type Quad } from 'n3';
import { authorizeAdministration } from '../access/AccessPolicy.js';
import { READABLE_BY } from '../access/accessIndex.js';
import { audience } from '../access/audiences.js';
import type { Principal } from '../access/Principal.js';
import { FMAR, FMAR_CODE, RDF, SH } from '../rdf/namespaces.js';
import type { ObservedStore } from '../store/ObservedStore.js';
import { selectBindings } from '../store/selectBindings.js';
import { ShaclValidator } from '../validation/ShaclValidator.js';
import type { ValidationReport } from '../validation/ValidationReport.js';
import { InvalidRecordError, StateConflictError } from './errors.js';
import { CATEGORY_SCHEMA_KIND } from './RecordKind.js';
import type { RecordService, RecordState } from './RecordService.js';
import { code } from './recordValues.js';

const { namedNode, quad } = DataFactory;

/** What registration validates an asset against beyond the base shapes: its category's current schema. */
export interface CategoryRules {
  /** The schema version to validate an asset of `category` (a code IRI) against; undefined when the category has none. */
  current(category: string): Promise<{ schema: string; validate(quads: Quad[]): Promise<ValidationReport> } | { deprecated: string } | undefined>;
}

/**
 * UC-02.01 Maintain Asset Categories: an FMAR administrator publishes, for an asset category, a schema of mandatory
 * and optional attributes as SHACL. Each publication is a new, immutable version: a CategorySchema record (version,
 * status) and its shapes graph {record}/shapes, readable by everyone. Registration and updates validate an asset
 * against the base shapes and the current (highest ACTIVE) version of its category's schema, and the asset
 * records the version (fmar:validatedAgainst). A new version or a deprecation never touches registered assets:
 * they keep the version they were validated against. A deprecated category accepts no new registrations.
 */
export class CategorySchemas implements CategoryRules {
  /** Category IRI -> its current version (or deprecation), cleared when a schema is written. */
  private readonly currentByCategory = new Map<string, Promise<{ schema: string; shapesGraph: string } | { deprecated: string } | undefined>>();
  /** Shapes graph -> compiled validator (versions never change). */
  private readonly validators = new Map<string, Promise<ShaclValidator>>();

  constructor(private readonly args: { records: RecordService; store: ObservedStore; baseIri: string; fieldNames: Map<string, string> }) {
    args.store.onCommitted((graphs) => {
      if (graphs.some((g) => g.startsWith(`${args.baseIri}${CATEGORY_SCHEMA_KIND.path}/`))) this.currentByCategory.clear();
    });
  }

  /** Publishes a new version of a category's schema from SHACL in Turtle; refuses shapes that do not compile or target nothing. */
  async publish(principal: Principal, request: { schemaForCategory?: unknown; shapes?: unknown }): Promise<RecordState> {
    const actor = authorizeAdministration(principal, 'maintaining asset categories');
    const category = typeof request.schemaForCategory === 'string' ? request.schemaForCategory : '';
    if (!/^[A-Z0-9_]+$/.test(category)) throw this.invalid('schemaForCategory', request.schemaForCategory, 'an AssetCategory code, e.g. BESS');
    const shapes = this.parseShapes(request.shapes);
    const versions = await selectBindings(this.args.store, `SELECT (MAX(?v) AS ?latest) WHERE { GRAPH ?s { ?s <${FMAR}schemaForCategory> <${FMAR_CODE}AssetCategory/${category}> ; <${FMAR}schemaVersion> ?v } }`);
    const version = Number(versions[0]?.latest?.value ?? 0) + 1;
    const id = CATEGORY_SCHEMA_KIND.mintId();
    const shapesGraph = `${this.args.records.recordIri(CATEGORY_SCHEMA_KIND, id)}/shapes`;
    const graph = namedNode(shapesGraph);
    // The version record and its shapes graph (readable by everyone) are one transaction.
    // The store keeps no blank nodes: property shapes become IRIs under the shapes graph (skolemised).
    const skolem = <T extends Quad['subject'] | Quad['object']>(term: T): T => (term.termType === 'BlankNode' ? (namedNode(`${shapesGraph}#${term.value}`) as T) : term);
    const also = [...shapes.map((q) => quad(skolem(q.subject), q.predicate, skolem(q.object), graph)), quad(graph, namedNode(READABLE_BY), namedNode(audience.public(this.args.baseIri)), namedNode(`${shapesGraph}#access`))];
    return this.args.records.create(CATEGORY_SCHEMA_KIND, { schemaForCategory: category, schemaVersion: version, schemaStatus: 'ACTIVE', shapesGraph }, actor, { id, also });
  }

  /** UC-02.01: deprecating the current version deprecates the category for new registrations. */
  deprecate(principal: Principal, id: string): Promise<RecordState> {
    const actor = authorizeAdministration(principal, 'maintaining asset categories');
    return this.args.records.transition(CATEGORY_SCHEMA_KIND, id, { schemaStatus: 'DEPRECATED' }, actor, 'UC-02.01', (current) => {
      const status = code(current, 'schemaStatus');
      if (status === 'DEPRECATED') throw new StateConflictError('the schema version is already deprecated', { currentStatus: status });
    });
  }

  current(category: string): ReturnType<CategoryRules['current']> {
    let found = this.currentByCategory.get(category);
    if (!found) {
      found = this.lookup(category);
      this.currentByCategory.set(category, found);
    }
    return found.then((f) => {
      if (!f || 'deprecated' in f) return f;
      return { schema: f.schema, validate: async (quads: Quad[]) => (await this.validator(f.shapesGraph)).validate(quads) };
    });
  }

  /** The highest version of the category's schema decides: ACTIVE gives its shapes, DEPRECATED closes the category. */
  private async lookup(category: string): Promise<{ schema: string; shapesGraph: string } | { deprecated: string } | undefined> {
    const rows = await selectBindings(this.args.store, `SELECT ?s ?v ?status ?shapes WHERE { GRAPH ?s { ?s <${FMAR}schemaForCategory> <${category}> ; <${FMAR}schemaVersion> ?v ; <${FMAR}schemaStatus> ?status ; <${FMAR}shapesGraph> ?shapes } FILTER (STRSTARTS(STR(?s), ${JSON.stringify(`${this.args.baseIri}${CATEGORY_SCHEMA_KIND.path}/`)})) } ORDER BY DESC(?v) LIMIT 1`);
    const latest = rows[0];
    if (!latest) return undefined;
    if (latest.status.value.endsWith('/DEPRECATED')) return { deprecated: latest.s.value };
    return { schema: latest.s.value, shapesGraph: latest.shapes.value };
  }

  private validator(shapesGraph: string): Promise<ShaclValidator> {
    let validator = this.validators.get(shapesGraph);
    if (!validator) {
      validator = this.args.store.readGraph(shapesGraph).then((quads) => new ShaclValidator(quads.map((q) => quad(q.subject, q.predicate, q.object)), { fieldNames: this.args.fieldNames }));
      this.validators.set(shapesGraph, validator);
    }
    return validator;
  }

  private parseShapes(text: unknown): Quad[] {
    if (typeof text !== 'string' || !text.trim()) throw this.invalid('shapes', undefined, 'the schema as SHACL shapes in Turtle');
    let quads: Quad[];
    try {
      quads = new Parser({ format: 'text/turtle' }).parse(text);
    } catch (error) {
      throw this.invalid('shapes', undefined, `the shapes are not valid Turtle: ${(error as Error).message}`);
    }
    const targets = [`${SH}targetClass`, `${SH}targetNode`, `${SH}targetSubjectsOf`, `${SH}targetObjectsOf`];
    const shapes = quads.filter((q) => q.predicate.value === `${RDF}type` && q.object.value === `${SH}NodeShape`).map((q) => q.subject.value);
    if (!shapes.some((s) => quads.some((q) => q.subject.value === s && targets.includes(q.predicate.value)))) {
      throw this.invalid('shapes', undefined, 'at least one sh:NodeShape with a target (e.g. sh:targetClass fmar:Asset): shapes without targets validate nothing');
    }
    if (quads.some((q) => q.object.termType === 'BlankNode' && q.predicate.value === `${SH}sparql`)) throw this.invalid('shapes', undefined, 'SHACL-SPARQL constraints are not accepted in category schemas (they would run per registration); use SHACL Core');
    try {
      new ShaclValidator(quads, { fieldNames: this.args.fieldNames });
    } catch (error) {
      throw this.invalid('shapes', undefined, `the shapes do not compile: ${(error as Error).message}`);
    }
    return quads;
  }

  private invalid(field: string, value: unknown, message: string): InvalidRecordError {
    return new InvalidRecordError('body', `the category schema is not valid: ${field}`, [{ severity: 'Violation', pointer: `/${field}`, field, value: value === undefined ? undefined : String(value), message }]);
  }
}
