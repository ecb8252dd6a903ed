import type { Quad } from 'n3';
import { READABLE_BY } from '../access/accessIndex.js';
import { mayRead } from '../access/audiences.js';
import type { ModelQueries } from '../ontology/modelQueries.js';
import { FMAR, PROV } from '../rdf/namespaces.js';
import type { PatchRecord } from '../store/rdfPatch.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { RECORD_KINDS } from './RecordKind.js';

/** The namespace of event types (AssetRegistered, AssetUpdated...), docs/feed.md. */
export const FMAR_EVENTS = 'https://w3id.org/fmar/events#';

/** One registry event: an activity that wrote a record, at its position in the journal. */
export interface FeedEvent {
  /** The journal sequence of the transaction that wrote it: the feed's order and cursor. */
  position: number;
  activity: string;
  /** E.g. AssetRegistered, AssetUpdated, AssetDeRegistered, AssetStatusChanged, OrganisationRegistered. */
  type: string;
  record: string;
  recordType: string;
  version: number;
  useCase: string;
  agent: string;
  onBehalfOf?: string;
  at: string;
  /** Status before and after, when the write changed it. */
  statusFrom?: string;
  statusTo?: string;
  /** JSON names of the fields the write changed (values are not in the feed: read the record). */
  changedFields: string[];
  /** The changed fields that are material (UC-02.04): category, location, MPAN, capacity beyond the configured share. */
  materialFields: string[];
}

export interface FeedPage {
  events: FeedEvent[];
  /** Position to continue after; equal to `after` when nothing new was written. */
  next: number;
  /** Whether the journal holds more after `next`. */
  more: boolean;
}

export interface ChangeFeedArgs {
  store: RegistryStore;
  model: ModelQueries;
  baseIri: string;
  /** UC-02.04: a capacity change is material beyond this share of the old value (default 0.1; requirements §19 leaves "X%" open). */
  materialCapacityShare?: number;
}

/** UC-02.04 material changes: the asset's category, location and MPANs (by ontology local name) ... */
const MATERIAL_CODED = ['assetCategory', 'gspGroup', 'dnoConnection', 'importMPAN', 'exportMPAN'];
/** ... and its capacities, when they move by more than the configured share. */
const MATERIAL_CAPACITIES = ['ratedCapacity', 'generationCapacity', 'demandCapacity', 'installedCapacity', 'energyStorageCapacity'];

/** Journal records read per request at most, so a reader who may see little still gets an answer (and a cursor) quickly. */
const SCAN_LIMIT = 2000;
/** Status properties of record kinds, by local name. */
const STATUS_PROPERTIES = ['assetRegistrationStatus', 'organisationStatus', 'userStatus', 'platformStatus', 'delegationStatus', 'marketUnitStatus', 'switchStatus', 'consentStatus', 'serviceWindowStatus', 'qualificationStatus'];

/**
 * The change feed (issue #7): registry events in journal order, read from the journal itself, so the order and
 * the cursor (the journal sequence) are exactly those of the acknowledged transactions, on both backends.
 * Each event is what one activity did to one record: registered it, changed its status, updated it (with the
 * fields changed and those that are material). A reader sees the events whose activity its audiences may read,
 * by the access index written in the same transaction (docs/access.md).
 */
export class ChangeFeed {
  private readonly jsonNames: Map<string, string>;
  private readonly share: number;

  constructor(private readonly args: ChangeFeedArgs) {
    this.jsonNames = new Map(args.model.model.properties.map((p) => [p.iri, p.jsonName]));
    for (const local of [...MATERIAL_CODED, ...MATERIAL_CAPACITIES]) if (!this.jsonNames.has(`${FMAR}${local}`)) throw new Error(`the ontology has no fmar:${local} (a material field of UC-02.04)`);
    this.share = args.materialCapacityShare ?? 0.1;
  }

  /** Events after position `after` (0: from the start), at most `limit`, that `readers` may see (undefined: all). */
  async page(after: number, limit: number, readers: readonly string[] | undefined, types?: ReadonlySet<string>): Promise<FeedPage> {
    const events: FeedEvent[] = [];
    let next = after;
    let scanned = 0;
    const head = this.args.store.head().sequence;
    while (events.length < limit && scanned < SCAN_LIMIT && next < head) {
      const records = await this.args.store.readJournal(next + 1, Math.min(200, SCAN_LIMIT - scanned));
      if (!records.length) break;
      for (const record of records) {
        scanned++;
        const found = this.eventsOf(record).filter((e) => mayRead(readers, e.readableBy) && (!types || types.has(e.event.type)));
        // A transaction's events are served whole: the cursor never points inside one.
        if (events.length && events.length + found.length > limit) return { events, next, more: true };
        events.push(...found.map((f) => f.event));
        next = record.sequence;
        if (events.length >= limit) break;
      }
    }
    return { events, next, more: next < this.args.store.head().sequence };
  }

  /** The events of one journal record, each with the audiences that may read its activity. */
  private eventsOf(record: PatchRecord): { event: FeedEvent; readableBy: string[] }[] {
    const activitiesPrefix = `${this.args.baseIri}activities/`;
    const activityGraphs = new Map<string, Quad[]>();
    for (const q of record.added) {
      if (!q.graph.value.startsWith(activitiesPrefix)) continue;
      const list = activityGraphs.get(q.graph.value) ?? [];
      list.push(q);
      activityGraphs.set(q.graph.value, list);
    }
    const out: { event: FeedEvent; readableBy: string[] }[] = [];
    for (const [activity, quads] of activityGraphs) {
      const one = (s: string, p: string) => quads.find((q) => q.subject.value === s && q.predicate.value === p)?.object.value;
      const generated = one(activity, `${PROV}generated`);
      const recordIri = generated ? one(generated, `${PROV}specializationOf`) : undefined;
      if (!generated || !recordIri) continue;
      const version = Number(one(generated, `${FMAR}recordVersion`) ?? 1);
      const agents = quads.filter((q) => q.subject.value === activity && q.predicate.value === `${PROV}wasAssociatedWith`).map((q) => q.object.value);
      const agent = quads.find((q) => q.predicate.value === `${PROV}actedOnBehalfOf`)?.subject.value ?? agents[0];
      const onBehalfOf = quads.find((q) => q.predicate.value === `${PROV}actedOnBehalfOf`)?.object.value;
      const own = (q: Quad) => q.subject.value === recordIri && (q.graph.value === recordIri || q.graph.value.startsWith(`${recordIri}#`)) && !q.graph.value.endsWith('#access');
      const added = record.added.filter(own);
      const removed = record.removed.filter(own);
      // The kind from the record's path: an update's patch holds only what changed, not the rdf:type.
      const className = RECORD_KINDS.find((k) => recordIri.startsWith(`${this.args.baseIri}${k.path}/`))?.className ?? 'Record';
      const status = (qs: Quad[]) => qs.find((q) => STATUS_PROPERTIES.some((p) => q.predicate.value === `${FMAR}${p}`))?.object.value;
      const statusTo = status(added);
      const statusFrom = status(removed);
      const changed = version === 1 ? [] : this.changedFields(added, removed);
      const material = version === 1 ? [] : this.materialFields(added, removed);
      const statusCode = (iri?: string) => iri?.slice(iri.lastIndexOf('/') + 1);
      let type = `${className}Updated`;
      if (version === 1) type = `${className}Registered`;
      else if (statusTo && statusFrom && statusTo !== statusFrom) type = statusCode(statusTo) === 'DE_REGISTERED' ? `${className}DeRegistered` : `${className}StatusChanged`;
      const readableBy = record.added.filter((q) => q.subject.value === activity && q.predicate.value === READABLE_BY).map((q) => q.object.value);
      out.push({
        readableBy,
        event: {
          position: record.sequence,
          activity,
          type,
          record: recordIri,
          recordType: className,
          version,
          useCase: one(activity, `${FMAR}useCase`) ?? '',
          agent,
          ...(onBehalfOf ? { onBehalfOf } : {}),
          at: one(activity, `${PROV}startedAtTime`) ?? record.time,
          ...(statusTo && statusTo !== statusFrom ? { statusTo: statusCode(statusTo), ...(statusFrom ? { statusFrom: statusCode(statusFrom) } : {}) } : {}),
          changedFields: changed,
          materialFields: material,
        },
      });
    }
    return out;
  }

  /**
   * Fields whose values differ between the removed and the added quads. Values are compared as values, not as
   * literals: a store that keeps a decimal as an integer (Virtuoso 7) rewrites it in every patch unchanged.
   */
  private changedFields(added: Quad[], removed: Quad[]): string[] {
    return [...this.changedPredicates(added, removed)].map((iri) => this.jsonNames.get(iri)).filter((name): name is string => !!name && name !== 'lastUpdatedOn' && name !== 'recordVersion').sort();
  }

  private changedPredicates(added: Quad[], removed: Quad[]): Set<string> {
    const values = (quads: Quad[]) => {
      const byPredicate = new Map<string, string[]>();
      for (const q of quads) byPredicate.set(q.predicate.value, [...(byPredicate.get(q.predicate.value) ?? []), comparable(q)]);
      return byPredicate;
    };
    const before = values(removed);
    const after = values(added);
    const changed = new Set<string>();
    for (const predicate of new Set([...before.keys(), ...after.keys()])) {
      if (JSON.stringify((before.get(predicate) ?? []).sort()) !== JSON.stringify((after.get(predicate) ?? []).sort())) changed.add(predicate);
    }
    return changed;
  }

  /** UC-02.04: category, location (GSP group, DNO area), MPAN, and capacity beyond the configured share are material. */
  private materialFields(added: Quad[], removed: Quad[]): string[] {
    const touched = this.changedPredicates(added, removed);
    const material = MATERIAL_CODED.map((local) => `${FMAR}${local}`).filter((iri) => touched.has(iri));
    for (const iri of MATERIAL_CAPACITIES.map((local) => `${FMAR}${local}`)) {
      if (!touched.has(iri)) continue;
      const before = Number(removed.find((q) => q.predicate.value === iri)?.object.value);
      const after = Number(added.find((q) => q.predicate.value === iri)?.object.value);
      // Appearing, disappearing or moving by more than the share of the old value.
      if (!Number.isFinite(before) || !Number.isFinite(after) || before === 0 || Math.abs(after - before) / Math.abs(before) > this.share) material.push(iri);
    }
    return material.map((iri) => this.jsonNames.get(iri)!).sort();
  }
}

/** A literal's value for comparison: numbers by their numeric value, anything else by its lexical form. */
function comparable(q: Quad): string {
  const o = q.object as Quad['object'] & { datatype?: { value: string } };
  if (o.termType === 'Literal' && o.datatype && /#(decimal|integer|double|float|int|long)$/.test(o.datatype.value) && Number.isFinite(Number(o.value))) return `n:${Number(o.value)}`;
  return `${o.termType}:${o.value}`;
}
