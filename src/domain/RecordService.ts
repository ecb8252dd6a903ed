import { v7 as uuidv7 } from 'uuid';
import { DataFactory, type Quad } from 'n3';
import type { ModelQueries } from '../ontology/modelQueries.js';
import type { PropertyInfo } from '../ontology/OntologyModel.js';
import { accessGraph, accessIndexQuads, indexedActivities, readAccessIndex, READABLE_BY } from '../access/accessIndex.js';
import { mayRead, recordAudiences, type RecordAudiences } from '../access/audiences.js';
import { activityQuads } from '../provenance/activityQuads.js';
import { currentGraphs, partGraph, toVersionGraph, versionGraphs } from '../provenance/recordGraphs.js';
import type { DocumentLoader } from '../rdf/documentLoader.js';
import { FlatRecordCodec } from '../rdf/FlatRecordCodec.js';
import { FMAR, FMAR_CODE, FMAR_CONTEXT_URL, PROV, RDF, XSD } from '../rdf/namespaces.js';
import { PreconditionFailedError, type RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';
import { isHttpIri } from '../rdf/iri.js';
import type { RequestBodyValidator } from '../validation/RequestBodyValidator.js';
import type { RecordValidator } from '../validation/ShaclWorkerPool.js';
import { DuplicateRecordError, InvalidRecordError, RecordNotFoundError, VersionConflictError, VersionRequiredError, type InvalidRecordResult } from './errors.js';
import type { CategoryRules } from './CategorySchemas.js';
import type { RecordKind } from './RecordKind.js';
import { batchesOf, pipelined } from './batchPipeline.js';
import { FRIENDLY_CODE_KEY, friendlyCodeKeyQuads } from './friendlyCodeKey.js';

const { namedNode, quad } = DataFactory;

/** Who performs a write: the authenticated agent and, when it acts for one, the organisation. */
export interface Actor {
  agentIri: string;
  onBehalfOf?: string;
}

export interface RecordState {
  iri: string;
  id: string;
  version: number;
  /** All quads of the current state, in their part graphs. */
  quads: Quad[];
  /** SHACL warnings of the accepted write (soft checks), when it was just written. */
  warnings?: InvalidRecordResult[];
  /** Graph -> audiences that may read it (the record's access index, docs/access.md). */
  access: Map<string, string[]>;
}

export interface HistoryEntry {
  version: number;
  versionIri: string;
  activity: string;
  useCase: string;
  startedAt: string;
  agents: string[];
  contentHash: string;
}

/**
 * One record write of a unit of work (`writeTogether`): a registration, or a transition of an existing record
 * (as `transition`). `useCase` overrides the kind's create use case (a membership created by UC-03.03).
 */
export type RecordChange =
  | { create: RecordKind; body: Record<string, unknown>; id?: string; useCase?: string; system?: Record<string, unknown> }
  | { transition: RecordKind; id: string; changes: Record<string, unknown>; useCase: string; guard?: (current: RecordState) => void }
  /** Rewrites a record's access index (its readers follow a record changed earlier in the unit: a unit's new FSP). */
  | { reindex: RecordKind; id: string };

/** One row of a bulk registration: its position in the upload and the record body. */
export interface BulkRow {
  row: number;
  body: Record<string, unknown>;
  /** An ID minted by the caller (as `create`'s `options.id`). */
  id?: string;
  /** More quads committed in the registration's own transaction (a bulk row key), given the record's IRI. */
  also?: (iri: string) => Quad[];
}

/** What became of one bulk row: created (with the record's ID) or rejected (with the reasons, nothing stored). */
export type BulkOutcome =
  | { row: number; status: 'created'; id: string; iri: string; warnings: InvalidRecordResult[] }
  | { row: number; status: 'rejected'; error: InvalidRecordError };

export interface BulkOptions {
  /** Rows validated together and committed as one store transaction (one journal sync). Default 256. */
  batchSize?: number;
}

export interface ListQuery {
  limit: number;
  /** The last identifier of the previous page. */
  after?: string;
  /** JSON name of a coded field -> code. */
  filters: Record<string, string>;
  /** The audiences of the principal listing (undefined: an administrator, who sees every record). */
  readers?: readonly string[];
}

export interface RecordServiceArgs {
  store: RegistryStore;
  model: ModelQueries;
  bodies: RequestBodyValidator;
  shapes: RecordValidator;
  documentLoader: DocumentLoader;
  /** Base of record IRIs, fixed for the store (FMAR_BASE_IRI). */
  baseIri: string;
  /** Today's date (UTC), injectable for tests. */
  today?: () => string;
}

/**
 * The record use cases shared by every kind: register (UC-01.02, UC-02.02), read, replace with optimistic
 * concurrency (UC-01.03, UC-02.04), list, and history (UC-05.06). Each write is validated (JSON Schema,
 * then SHACL on the RDF), split into per-sensitivity graphs, recorded as a PROV activity, and committed as
 * one transaction; nothing is written when any step refuses it.
 */
export class RecordService {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly today: () => string;
  /** Property IRI -> what the write and read paths need of it, looked up once rather than per quad. */
  private readonly properties: Map<string, PropertyInfo>;
  private readonly decimalProperties: Set<string>;
  /** JSON-LD -> quads without jsonld.js for flat records (jsonld.js for anything else), compiled once from the context. */
  private codec?: Promise<FlatRecordCodec>;
  /** DNO licence area code -> GSP group code (the same MPAN distributor id), for system operators' areas. */
  private readonly dnoAreas: Map<string, string>;
  /** rdf:type and the ontology's properties: the only predicates a record may hold. */
  private readonly allowedPredicates: Set<string>;
  /** UC-02.01: the category schemas assets are validated against too (set once the registry is wired). */
  private categoryRules?: CategoryRules;

  constructor(private readonly args: RecordServiceArgs) {
    this.today = args.today ?? (() => new Date().toISOString().slice(0, 10));
    const concepts = (scheme: string) => args.model.model.schemes.find((s) => s.iri === `${FMAR_CODE}${scheme}`)?.concepts ?? [];
    const gspByDistributor = new Map(concepts('GSPGroup').map((c) => [c.mpanDistributorId, c.notation]));
    this.dnoAreas = new Map(concepts('DNOCode').filter((c) => gspByDistributor.has(c.mpanDistributorId)).map((c) => [c.notation, gspByDistributor.get(c.mpanDistributorId)!]));
    this.allowedPredicates = new Set([`${RDF}type`, ...args.model.model.properties.map((p) => p.iri)]);
    this.properties = new Map(args.model.model.properties.map((p) => [p.iri, p]));
    this.decimalProperties = new Set(args.model.model.properties.filter((p) => p.range === `${XSD}decimal`).map((p) => p.iri));
  }

  /** Registration and updates of assets also validate against their category's current schema (UC-02.01). */
  useCategoryRules(rules: CategoryRules): void {
    this.categoryRules = rules;
  }

  recordIri(kind: RecordKind, id: string): string {
    return `${this.args.baseIri}${kind.path}/${id}`;
  }

  /** `options.id` uses an ID minted by the caller; `options.also` commits more quads in the same transaction (a category schema's shapes graph). */
  async create(kind: RecordKind, body: Record<string, unknown>, actor: Actor, options: { id?: string; also?: Quad[] } = {}): Promise<RecordState> {
    const { id, iri, record, activity, access, warnings } = await this.prepareCreate(kind, body, actor, options.id);
    await this.args.store.commit({ add: [...record, ...activity, ...access, ...(options.also ?? [])] });
    return { iri, id, version: 1, quads: record, warnings, access: readAccessIndex(access) };
  }

  /**
   * Bulk registration (UC-02.02 for many assets): every row is validated and accepted or rejected on its own,
   * exactly as `create` would; the accepted rows of a batch are committed at once, each as its own transaction,
   * which the store groups (the journal is synced once per group, not per record). Validation of a batch runs
   * concurrently (on the SHACL workers), and the next batch is validated while this one is committed.
   * Yields one outcome per row, in row order, after its batch is durable.
   */
  async *createMany(kind: RecordKind, rows: Iterable<BulkRow> | AsyncIterable<BulkRow>, actor: Actor, options: BulkOptions = {}): AsyncGenerator<BulkOutcome> {
    const batchSize = options.batchSize ?? 256;
    yield* pipelined(batchesOf(rows, batchSize), (batch) => this.createBatch(kind, batch, actor));
  }

  private async createBatch(kind: RecordKind, rows: BulkRow[], actor: Actor): Promise<BulkOutcome[]> {
    const prepared = await Promise.all(rows.map(async (row) => {
      try {
        return { row: row.row, ok: true as const, also: row.also, ...(await this.prepareCreate(kind, row.body, actor, row.id)) };
      } catch (error) {
        if (error instanceof InvalidRecordError) return { row: row.row, ok: false as const, error };
        throw error;
      }
    }));
    // One transaction (and journal record) per registration, all submitted at once: the store groups them
    // (one journal sync for the embedded store; packed updates for a remote one).
    await Promise.all(prepared.map((p) => (p.ok ? this.args.store.commit({ add: [...p.record, ...p.activity, ...p.access, ...(p.also?.(p.iri) ?? [])] }) : undefined)));
    return prepared.map((p) => (p.ok ? { row: p.row, status: 'created', id: p.id, iri: p.iri, warnings: p.warnings } : { row: p.row, status: 'rejected', error: p.error }));
  }

  /** Everything of a registration but the commit: checks, IDs, quads, SHACL, activity. */
  /** `options.system`: values the registry assigns (system-assigned fields, `@type`), set after the body is checked. */
  private async prepareCreate(kind: RecordKind, body: Record<string, unknown>, actor: Actor, presetId?: string, options: { pending?: ReadonlyMap<string, string[]>; useCase?: string; system?: Record<string, unknown> } = {}): Promise<{ id: string; iri: string; record: Quad[]; activity: Quad[]; access: Quad[]; audiences: RecordAudiences; warnings: InvalidRecordResult[] }> {
    this.checkBody(kind, body, {});
    const id = presetId ?? kind.mintId();
    const iri = this.recordIri(kind, id);
    const today = this.today();
    const system: Record<string, unknown> = {
      [kind.idField]: id,
      ...(kind.initialStatus ? { [kind.initialStatus.field]: kind.initialStatus.code } : {}),
      registeredOn: today,
      lastUpdatedOn: today,
      recordVersion: 1,
    };
    if (kind.responsibleOrganisationField && actor.onBehalfOf) system[kind.responsibleOrganisationField] = actor.onBehalfOf;
    const quads = await this.toQuads(kind, iri, { ...body, ...options.system, ...system });
    const warnings = await this.validateShapes(quads);
    quads.push(...(await this.checkCategory(kind, iri, quads, true)));
    const record = this.splitByPart(iri, quads);
    const activityIri = `${this.args.baseIri}activities/${uuidv7()}`;
    const activity = activityQuads({ activityIri, recordIri: iri, useCase: options.useCase ?? kind.useCases.create, agentIri: actor.agentIri, onBehalfOf: actor.onBehalfOf, startedAt: new Date(), newVersion: 1, content: record });
    const audiences = await this.audiencesOf(kind, iri, quads, options.pending);
    const access = [...accessIndexQuads(iri, 1, [activityIri], audiences), ...friendlyCodeKeyQuads(iri, quads)];
    return { id, iri, record, activity, access, audiences, warnings };
  }

  /** Whether a record of any kind was ever stored at the kind's IRI for `id` (current or de-registered). */
  async exists(kind: RecordKind, id: string): Promise<boolean> {
    return (await this.args.store.readGraph(this.recordIri(kind, id))).length > 0;
  }

  async get(kind: RecordKind, id: string): Promise<RecordState> {
    const iri = this.recordIri(kind, id);
    const [access, ...parts] = await Promise.all([accessGraph(iri), ...currentGraphs(iri)].map((g) => this.args.store.readGraph(g)));
    const quads = this.retype(parts.flat());
    const isKind = quads.some((q) => q.subject.value === iri && q.predicate.value === `${RDF}type` && this.args.model.lineage(q.object.value).includes(kind.classIri));
    if (!isKind) throw new RecordNotFoundError(iri);
    return { iri, id, version: versionOf(quads), quads, access: readAccessIndex(access) };
  }

  /** A past version (from its version graphs), or the current state when `version` is the current one. */
  async getVersion(kind: RecordKind, id: string, version: number): Promise<RecordState> {
    const current = await this.get(kind, id);
    if (version === current.version) return current;
    const quads = this.retype((await Promise.all(versionGraphs(current.iri, version).map((g) => this.args.store.readGraph(g)))).flat());
    if (!quads.length) throw new RecordNotFoundError(`${current.iri}/versions/${version}`);
    return { iri: current.iri, id, version, quads, access: current.access };
  }

  /**
   * Full replacement (PUT). `ifMatch` holds the versions named by If-Match ('*' for any); RFC 9110 §13.1.1.
   * Writes to one record are serialised so that two updates naming the same version cannot both succeed.
   */
  replace(kind: RecordKind, id: string, body: Record<string, unknown>, ifMatch: number[] | '*' | undefined, actor: Actor, guard?: (current: RecordState) => void): Promise<RecordState> {
    return this.exclusive(this.recordIri(kind, id), async () => {
      const current = await this.get(kind, id);
      guard?.(current);
      if (ifMatch === undefined) throw new VersionRequiredError();
      if (ifMatch !== '*' && !ifMatch.includes(current.version)) throw new VersionConflictError(current.version);
      const carried = this.systemQuads(kind, current);
      this.checkBody(kind, body, this.systemValues(carried));
      const version = current.version + 1;
      const fromBody = await this.toQuads(kind, current.iri, { ...stripSystem(this.systemProperties(kind), body), lastUpdatedOn: this.today(), recordVersion: version });
      const validatedAgainst = await this.checkCategory(kind, current.iri, [...fromBody, ...carried], false);
      const kept = validatedAgainst.length ? carried.filter((q) => q.predicate.value !== `${FMAR}validatedAgainst`) : carried;
      return this.writeVersion(kind, current, [...fromBody, ...kept, ...validatedAgainst], actor, kind.useCases.replace);
    });
  }

  /**
   * A change the registry makes on a use case's behalf (approval, deactivation, revocation...): sets the given
   * fields, system-assigned ones included, keeps the rest, and writes a new version with its activity.
   * `guard` sees the current state first and throws to refuse (wrong status, not permitted).
   */
  transition(kind: RecordKind, id: string, changes: Record<string, unknown>, actor: Actor, useCase: string, guard?: (current: RecordState) => void, also: Quad[] = []): Promise<RecordState> {
    return this.exclusive(this.recordIri(kind, id), async () => {
      const current = await this.get(kind, id);
      guard?.(current);
      return this.writeVersion(kind, current, await this.transitionedQuads(kind, current, changes), actor, useCase, also);
    });
  }

  /** The next version's quads of a transition: the changed fields set, the rest kept. */
  private async transitionedQuads(kind: RecordKind, current: RecordState, changes: Record<string, unknown>): Promise<Quad[]> {
    const version = current.version + 1;
    const replaced = new Set([...Object.keys(changes), 'lastUpdatedOn', 'recordVersion'].map((name) => this.args.model.propertiesOf(kind.classIri).find((p) => p.jsonName === name)?.iri));
    const kept = current.quads.filter((q) => !(q.subject.value === current.iri && replaced.has(q.predicate.value))).map((q) => quad(q.subject, q.predicate, q.object));
    const changed = await this.toQuads(kind, current.iri, { ...changes, lastUpdatedOn: this.today(), recordVersion: version });
    return [...kept, ...changed.filter((q) => q.predicate.value !== `${RDF}type` || !kept.some((k) => k.equals(q)))];
  }

  /**
   * Several record writes as one transaction (one journal record): all are validated first, and either all
   * are stored or none (UC-03.01 a unit with its memberships; UC-03.04 a switch relinking assets and units).
   * Changes are prepared in order, so a record that inherits its readers (`readableWith`) from one written
   * earlier in the same unit gets that record's new readers. `also` adds more quads to the transaction.
   */
  async writeTogether(changes: RecordChange[], actor: Actor, also: Quad[] = []): Promise<RecordState[]> {
    const keys = [...new Set(changes.flatMap((c) => ('create' in c ? (c.id === undefined ? [] : [this.recordIri(c.create, c.id)]) : 'transition' in c ? [this.recordIri(c.transition, c.id)] : [this.recordIri(c.reindex, c.id)])))].sort();
    const locked = (i: number): Promise<RecordState[]> => (i < keys.length ? this.exclusive(keys[i], () => locked(i + 1)) : this.writeUnlocked(changes, actor, also));
    return locked(0);
  }

  private async writeUnlocked(changes: RecordChange[], actor: Actor, also: Quad[]): Promise<RecordState[]> {
    const pending = new Map<string, string[]>();
    const states: RecordState[] = [];
    const replaceGraphs: string[] = [];
    const add: Quad[] = [];
    const requires: Quad[] = [];
    for (const change of changes) {
      if ('create' in change) {
        // A caller-given ID (a market unit's) must be new: IDs are never reused.
        const created = this.recordIri(change.create, change.id ?? '');
        if (change.id !== undefined && (pending.has(created) || (await this.exists(change.create, change.id)))) throw new DuplicateRecordError(`${change.create.path}/${change.id} exists: IDs are never reused, choose another`, change.id, this.recordIri(change.create, change.id), [change.create.idField]);
        const p = await this.prepareCreate(change.create, change.body, actor, change.id, { pending, useCase: change.useCase, system: change.system });
        add.push(...p.record, ...p.activity, ...p.access);
        pending.set(p.iri, p.audiences.PUBLIC);
        states.push({ iri: p.iri, id: p.id, version: 1, quads: p.record, warnings: p.warnings, access: readAccessIndex(p.access) });
      } else if ('reindex' in change) {
        const current = await this.get(change.reindex, change.id);
        const audiences = await this.audiencesOf(change.reindex, current.iri, current.quads, pending);
        replaceGraphs.push(accessGraph(current.iri));
        add.push(...accessIndexQuads(current.iri, current.version, indexedActivities(current.iri, current.access), audiences), ...friendlyCodeKeyQuads(current.iri, current.quads));
        pending.set(current.iri, audiences.PUBLIC);
      } else {
        const current = await this.get(change.transition, change.id);
        change.guard?.(current);
        const p = await this.prepareVersion(change.transition, current, await this.transitionedQuads(change.transition, current, change.changes), actor, change.useCase, pending);
        replaceGraphs.push(...currentGraphs(current.iri), accessGraph(current.iri));
        add.push(...p.record, ...p.superseded, ...p.activity, ...p.access);
        if (p.stamp) requires.push(p.stamp);
        pending.set(current.iri, p.audiences.PUBLIC);
        states.push(p.state);
      }
    }
    try {
      await this.args.store.commit({ replaceGraphs, add: [...add, ...also], requires });
    } catch (error) {
      if (error instanceof PreconditionFailedError) throw new VersionConflictError(0);
      throw error;
    }
    return states;
  }

  /** Validates the next version's quads and commits them with the superseded version, the activity and the access index. */
  private async writeVersion(kind: RecordKind, current: RecordState, quads: Quad[], actor: Actor, useCase: string, also: Quad[] = []): Promise<RecordState> {
    const p = await this.prepareVersion(kind, current, quads, actor, useCase);
    // The version checked above must still be the stored one when the write applies: another API node on the
    // same remote store may have replaced the record since (RFC 9110 §13.1.1 across nodes).
    try {
      await this.args.store.commit({ replaceGraphs: [...currentGraphs(current.iri), accessGraph(current.iri)], add: [...p.record, ...p.superseded, ...p.activity, ...p.access, ...also], requires: p.stamp ? [p.stamp] : [] });
    } catch (error) {
      if (error instanceof PreconditionFailedError) throw new VersionConflictError((await this.get(kind, current.id)).version);
      throw error;
    }
    return p.state;
  }

  /** Everything of a new version but the commit: SHACL, part graphs, the superseded version, activity, access index. */
  private async prepareVersion(kind: RecordKind, current: RecordState, quads: Quad[], actor: Actor, useCase: string, pending?: ReadonlyMap<string, string[]>) {
    const version = current.version + 1;
    const warnings = await this.validateShapes(quads);
    const record = this.splitByPart(current.iri, quads);
    const superseded = current.quads.map((q) => quad(q.subject, q.predicate, q.object, namedNode(toVersionGraph(q.graph.value, current.iri, current.version))));
    const activityIri = `${this.args.baseIri}activities/${uuidv7()}`;
    const activity = activityQuads({ activityIri, recordIri: current.iri, useCase, agentIri: actor.agentIri, onBehalfOf: actor.onBehalfOf, startedAt: new Date(), previousVersion: current.version, newVersion: version, content: record });
    const audiences = await this.audiencesOf(kind, current.iri, quads, pending);
    const access = [...accessIndexQuads(current.iri, version, [...indexedActivities(current.iri, current.access), activityIri], audiences), ...friendlyCodeKeyQuads(current.iri, quads)];
    const stamp = current.quads.find((q) => q.subject.value === current.iri && q.predicate.value === `${FMAR}recordVersion`);
    const state: RecordState = { iri: current.iri, id: current.id, version, quads: record, warnings, access: readAccessIndex(access) };
    return { record, superseded, activity, access, audiences, stamp, state };
  }

  /**
   * Records of `kind` that have no access index: written before the index existed (issue #6), or by a tool that
   * bypassed the registry. Without one only administrators can read them; `rebuildAccessIndex` writes it.
   */
  async recordsWithoutAccessIndex(kind: RecordKind, limit = 1000): Promise<string[]> {
    const prefix = `${this.args.baseIri}${kind.path}/`;
    // Also records written before the index kept friendly code keys (friendlyCodeKey.ts).
    const rows = await selectBindings(this.args.store, `SELECT DISTINCT ?s WHERE {
      { GRAPH ?s { ?s a <${kind.classIri}> } FILTER NOT EXISTS { GRAPH ?acl { ?s <${READABLE_BY}> ?audience } } }
      UNION
      { GRAPH ?s { ?s a <${kind.classIri}> ; <${FMAR}friendlyCode> ?code } FILTER NOT EXISTS { GRAPH ?acl { ?s <${FRIENDLY_CODE_KEY}> ?key } } }
      FILTER (STRSTARTS(STR(?s), ${JSON.stringify(prefix)}))
    } LIMIT ${limit}`);
    return rows.map((r) => r.s.value.slice(prefix.length));
  }

  /** Writes a record's access index from its current state, its versions and the activities that wrote them. */
  rebuildAccessIndex(kind: RecordKind, id: string): Promise<void> {
    return this.exclusive(this.recordIri(kind, id), async () => {
      const current = await this.get(kind, id);
      const activities = await selectBindings(this.args.store, `SELECT DISTINCT ?activity WHERE { GRAPH ?activity { ?activity <${PROV}generated> ?v . ?v <${PROV}specializationOf> <${current.iri}> } }`);
      const access = [...accessIndexQuads(current.iri, current.version, activities.map((a) => a.activity.value), await this.audiencesOf(kind, current.iri, current.quads)), ...friendlyCodeKeyQuads(current.iri, current.quads)];
      await this.args.store.commit({ replaceGraphs: [accessGraph(current.iri)], add: access });
    });
  }

  async list(kind: RecordKind, query: ListQuery): Promise<{ items: RecordState[]; last?: string; more: boolean }> {
    const idProperty = this.args.model.propertiesOf(kind.classIri).find((p) => p.jsonName === kind.idField)!;
    const patterns = Object.entries(query.filters).map(([field, value]) => this.filterPattern(kind, field, value));
    const after = query.after ? `FILTER (STR(?id) > ${JSON.stringify(query.after)})` : '';
    // Only this registry's records (a shared or federated store may hold others).
    const own = `FILTER (STRSTARTS(STR(?s), ${JSON.stringify(`${this.args.baseIri}${kind.path}/`)}))`;
    // Only records the principal may read: the same access index SPARQL is confined by (docs/access.md).
    const readable = query.readers ? `FILTER EXISTS { GRAPH ?acl { ?s <${READABLE_BY}> ?audience } VALUES ?audience { ${query.readers.map((a) => `<${a}>`).join(' ')} } }` : '';
    const sparql = `SELECT ?s ?id WHERE { GRAPH ?s { ?s a <${kind.classIri}> ; <${idProperty.iri}> ?id . ${patterns.join(' ')} } ${own} ${readable} ${after} } ORDER BY ?id LIMIT ${query.limit + 1}`;
    const rows = await selectBindings(this.args.store, sparql);
    const page = rows.slice(0, query.limit);
    const items = await Promise.all(page.map((row) => this.get(kind, row.s.value.slice(`${this.args.baseIri}${kind.path}/`.length))));
    return { items, last: page.at(-1)?.id.value, more: rows.length > query.limit };
  }

  async count(kind: RecordKind): Promise<number> {
    const own = `FILTER (STRSTARTS(STR(?s), ${JSON.stringify(`${this.args.baseIri}${kind.path}/`)}))`;
    const rows = await selectBindings(this.args.store, `SELECT (COUNT(?s) AS ?n) WHERE { GRAPH ?s { ?s a <${kind.classIri}> } ${own} }`);
    return Number(rows[0]?.n.value ?? 0);
  }

  /**
   * A list filter as a triple pattern: codes (assetCategory=BESS), links (responsibleFSP={organisation id}),
   * and text or date fields (friendlyCode=..., effectiveDate=2027-04-01) matched exactly.
   */
  private filterPattern(kind: RecordKind, field: string, value: string): string {
    const p = this.args.model.propertiesOf(kind.classIri).find((k) => k.jsonName === field && this.isFilterable(k));
    const refuse = (message: string) => new InvalidRecordError('body', `cannot filter ${kind.path} on ${field}=${JSON.stringify(value)}`, [{ severity: 'Violation', field, value, message }]);
    if (!p) throw refuse(`filters are: ${this.filterFields(kind).join(', ')}`);
    if (p.codeList) {
      if (!/^[A-Za-z0-9_]+$/.test(value)) throw refuse('give a code, e.g. BESS');
      return `?s <${p.iri}> <${p.codeList}/${value}> .`;
    }
    if (p.referencesClass) {
      const target = this.args.model.classOf(p.referencesClass);
      const iri = /^https?:\/\//.test(value) ? value : `${this.args.baseIri}${target.recordPath}/${value}`;
      if (!isHttpIri(iri)) throw refuse('give a record ID or IRI');
      return `?s <${p.iri}> <${iri}> .`;
    }
    if (value.length > 256 || /[\u0000-\u001f]/.test(value)) throw refuse('give a value of at most 256 printable characters');
    // A string is written without its datatype: the same literal in RDF 1.1, but Virtuoso stores strings plain
    // and matches no "..."^^xsd:string against them.
    return `?s <${p.iri}> ${JSON.stringify(value)}${p.range === `${XSD}string` ? '' : `^^<${p.range}>`} .`;
  }

  private isFilterable(p: PropertyInfo): boolean {
    if (p.codeList) return true;
    return p.functional && (Boolean(p.referencesClass) || p.range === `${XSD}string` || p.range === `${XSD}date`);
  }

  filterFields(kind: RecordKind): string[] {
    return this.args.model.propertiesOf(kind.classIri).filter((p) => this.isFilterable(p)).map((p) => p.jsonName);
  }

  /** The record's versions and their activities; with `readers`, only the activities those audiences may read. */
  async history(kind: RecordKind, id: string, readers?: readonly string[]): Promise<HistoryEntry[]> {
    const current = await this.get(kind, id);
    const sparql = `SELECT ?activity ?useCase ?started ?agent ?v ?version ?hash WHERE { GRAPH ?activity {
      ?activity <${PROV}generated> ?v ; <${FMAR}useCase> ?useCase ; <${PROV}startedAtTime> ?started ; <${PROV}wasAssociatedWith> ?agent ; <${FMAR}contentHash> ?hash .
      ?v <${PROV}specializationOf> <${current.iri}> ; <${FMAR}recordVersion> ?version } } ORDER BY ?version ?agent`;
    const entries = new Map<string, HistoryEntry>();
    for (const b of await selectBindings(this.args.store, sparql)) {
      if (!mayRead(readers, current.access.get(b.activity.value))) continue;
      const entry = entries.get(b.activity.value) ?? { version: Number(b.version.value), versionIri: b.v.value, activity: b.activity.value, useCase: b.useCase.value, startedAt: b.started.value, agents: [], contentHash: b.hash.value };
      entry.agents.push(b.agent.value);
      entries.set(b.activity.value, entry);
    }
    return [...entries.values()].sort((a, b) => a.version - b.version);
  }

  /**
   * Gives decimals back their ontology datatype: some servers store "5000"^^xsd:decimal as an xsd:integer
   * (Virtuoso 7 does), which is the same value but would break the record's shapes and its JSON form.
   */
  private retype(quads: Quad[]): Quad[] {
    return quads.map((q) => {
      const o = q.object as Quad['object'] & { datatype?: { value: string } };
      if (o.termType !== 'Literal' || o.datatype?.value !== `${XSD}integer` || !this.decimalProperties.has(q.predicate.value)) return q;
      return quad(q.subject, q.predicate, DataFactory.literal(o.value, namedNode(`${XSD}decimal`)), q.graph);
    });
  }

  private async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.locks.set(key, next);
    try {
      return await next;
    } finally {
      if (this.locks.get(key) === next) this.locks.delete(key);
    }
  }

  private systemProperties(kind: RecordKind): PropertyInfo[] {
    return this.args.model.propertiesOf(kind.classIri).filter((p) => p.systemAssigned);
  }

  /** System-assigned values a replacement keeps: everything the registry set, except the version stamps. */
  private systemQuads(kind: RecordKind, current: RecordState): Quad[] {
    const keep = new Set(this.systemProperties(kind).filter((p) => p.name !== 'lastUpdatedOn' && p.name !== 'recordVersion').map((p) => p.iri));
    return current.quads.filter((q) => q.subject.value === current.iri && keep.has(q.predicate.value)).map((q) => quad(q.subject, q.predicate, q.object));
  }

  private systemValues(quads: Quad[]): Record<string, string[]> {
    const values: Record<string, string[]> = {};
    for (const q of quads) {
      const p = this.properties.get(q.predicate.value);
      if (p) (values[p.jsonName] ??= []).push(q.object.value);
    }
    return values;
  }

  /** JSON Schema gate, before any RDF: fast, with JSON pointers. System fields are the registry's. */
  private checkBody(kind: RecordKind, body: Record<string, unknown>, allowedSystemValues: Record<string, string[]>): void {
    const context = body['@context'];
    if (typeof context === 'string' && context !== FMAR_CONTEXT_URL) {
      throw new InvalidRecordError('json-ld', `remote JSON-LD context ${JSON.stringify(context)} refused: only ${FMAR_CONTEXT_URL} is available (contexts are never fetched)`, [{ severity: 'Violation', pointer: '/@context', field: '@context', value: context, message: `use ${FMAR_CONTEXT_URL} or leave @context out` }]);
    }
    if (context !== undefined && typeof context !== 'string') {
      // An inline or array context could redefine FMAR terms: a record is read with the FMAR context only.
      throw new InvalidRecordError('body', 'inline JSON-LD contexts are not accepted: records use the FMAR context only', [{ severity: 'Violation', pointer: '/@context', field: '@context', message: `use "${FMAR_CONTEXT_URL}" or leave @context out` }]);
    }
    const results: InvalidRecordResult[] = [];
    for (const p of this.systemProperties(kind)) {
      if (!(p.jsonName in body)) continue;
      const sent = [body[p.jsonName]].flat().map(String);
      const allowed = allowedSystemValues[p.jsonName] ?? [];
      // A client may send back what it read; it may not set or change what the registry assigns.
      if (p.name === 'lastUpdatedOn' || p.name === 'recordVersion' || (allowed.length && sent.every((v) => allowed.some((a) => a === v || a.endsWith(`/${v}`))))) continue;
      results.push({ severity: 'Violation', pointer: `/${p.jsonName}`, field: p.jsonName, value: sent.join(', '), message: `${p.jsonName} is set by the registry and cannot be submitted` });
    }
    if ('@id' in body && !allowedSystemValues[kind.idField]) results.push({ severity: 'Violation', pointer: '/@id', field: '@id', message: 'the registry assigns the record IRI; leave @id out' });
    const cleaned = stripSystem(this.systemProperties(kind), body);
    delete cleaned['@id'];
    for (const e of this.args.bodies.validate(kind.className, cleaned)) {
      results.push({ severity: 'Violation', pointer: e.pointer, field: e.field, message: e.message, ...(e.rule ? { sourceShape: e.rule } : {}) });
    }
    if (results.length) throw new InvalidRecordError('body', `the ${kind.className} body does not match its schema (${results.length} problem${results.length === 1 ? '' : 's'})`, results);
  }

  private async toQuads(kind: RecordKind, iri: string, fields: Record<string, unknown>): Promise<Quad[]> {
    const document = { ...fields, '@context': FMAR_CONTEXT_URL, '@id': iri, '@type': (fields['@type'] as string | undefined) ?? kind.className };
    let quads: Quad[];
    try {
      this.codec ??= FlatRecordCodec.load(this.args.documentLoader, { contextUrl: FMAR_CONTEXT_URL });
      quads = await (await this.codec).toQuads(document);
    } catch (error) {
      throw new InvalidRecordError('json-ld', (error as Error).message, [{ severity: 'Violation', message: (error as Error).message }]);
    }
    if (kind.alsoTypedAs && !quads.some((q) => q.subject.value === iri && q.predicate.value === `${RDF}type` && q.object.value === kind.alsoTypedAs)) quads.push(quad(namedNode(iri), namedNode(`${RDF}type`), namedNode(kind.alsoTypedAs)));
    const foreign = quads.filter((q) => q.subject.value !== iri || q.object.termType === 'BlankNode' || !this.allowedPredicates.has(q.predicate.value));
    if (foreign.length) {
      throw new InvalidRecordError('json-ld', 'a record describes only itself, with the ontology\'s properties: nested objects, @graph, @reverse, blank nodes and other vocabularies are not accepted', foreign.slice(0, 10).map((q) => ({ severity: 'Violation', path: q.predicate.value, value: q.object.value, message: `statement about ${q.subject.value} is not part of this record` })));
    }
    return quads;
  }

  private async validateShapes(quads: Quad[]): Promise<InvalidRecordResult[]> {
    const report = await this.args.shapes.validate(quads);
    if (!report.conforms) throw new InvalidRecordError('shacl', `the record breaks ${report.results.filter((r) => r.severity === 'Violation').length} rule(s) of the FMAR shapes`, report.results);
    return report.results;
  }

  /**
   * UC-02.01: an asset is valid for its category's current schema too, and records which version it met
   * (fmar:validatedAgainst). A deprecated category takes no new registrations; assets already in it can still be
   * updated (a deprecation never invalidates registered assets) and keep the version they were validated against.
   */
  private async checkCategory(kind: RecordKind, iri: string, quads: Quad[], registering: boolean): Promise<Quad[]> {
    if (!this.categoryRules || kind.classIri !== `${FMAR}Asset`) return [];
    const category = quads.find((q) => q.subject.value === iri && q.predicate.value === `${FMAR}assetCategory`)?.object.value;
    if (!category) return [];
    const rules = await this.categoryRules.current(category);
    if (!rules) return [];
    const code = category.slice(category.lastIndexOf('/') + 1);
    if ('deprecated' in rules) {
      if (!registering) return [];
      throw new InvalidRecordError('shacl', `asset category ${code} is deprecated: it takes no new registrations`, [{ severity: 'Violation', field: 'assetCategory', value: code, message: `${code} was deprecated (${rules.deprecated}); register the asset under a current category` }]);
    }
    const report = await rules.validate(quads);
    if (!report.conforms) throw new InvalidRecordError('shacl', `the asset breaks ${report.results.filter((r) => r.severity === 'Violation').length} rule(s) of the ${code} category schema (${rules.schema})`, report.results);
    return [quad(namedNode(iri), namedNode(`${FMAR}validatedAgainst`), namedNode(rules.schema))];
  }

  /**
   * Who may read the record: the rules of its class (audiences.ts), plus, for kinds read with another record
   * (`readableWith`), whoever may read that record's public part: its access index, as stored now.
   */
  private async audiencesOf(kind: RecordKind, iri: string, quads: Quad[], pending?: ReadonlyMap<string, string[]>): Promise<RecordAudiences> {
    const own = recordAudiences(this.args.baseIri, kind.classIri, iri, quads, this.dnoAreas);
    if (!kind.readableWith) return own;
    const link = this.args.model.propertiesOf(kind.classIri).find((p) => p.jsonName === kind.readableWith);
    const target = quads.find((q) => q.subject.value === iri && q.predicate.value === link?.iri)?.object.value;
    if (!target) return own;
    // A target written earlier in the same unit of work (writeTogether) is read as it is about to be stored.
    const inherited = pending?.get(target) ?? readAccessIndex(await this.args.store.readGraph(accessGraph(target))).get(target) ?? [];
    const merge = (a: string[]) => [...new Set([...a, ...inherited])];
    return { PUBLIC: merge(own.PUBLIC), RESTRICTED: merge(own.RESTRICTED), PERSONAL: own.PERSONAL, activity: merge(own.activity) };
  }

  /** Puts each quad in the graph of its sensitivity (fmarann:sensitivity of its property). */
  private splitByPart(iri: string, quads: Quad[]): Quad[] {
    return quads.map((q) => quad(q.subject, q.predicate, q.object, namedNode(partGraph(iri, this.properties.get(q.predicate.value)?.sensitivity ?? 'PUBLIC'))));
  }
}

function versionOf(quads: Quad[]): number {
  const v = quads.find((q) => q.predicate.value === `${FMAR}recordVersion`);
  return v ? Number(v.object.value) : 1;
}

function stripSystem(system: PropertyInfo[], body: Record<string, unknown>): Record<string, unknown> {
  const names = new Set(system.map((p) => p.jsonName));
  return Object.fromEntries(Object.entries(body).filter(([k]) => !names.has(k) && k !== '@context'));
}

