import { createHash } from 'node:crypto';
import { DataFactory, type Quad } from 'n3';
import { v7 as uuidv7 } from 'uuid';
import { accessGraph, READABLE_BY } from '../access/accessIndex.js';
import { audience } from '../access/audiences.js';
import { quadKey } from '../store/exactPatch.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { DCTERMS, FMAR, localName, PROV, RDF, XSD } from '../rdf/namespaces.js';
import type { ImportContext, ImportedEntity, RowProblem, SourceDescription, SourceImporter } from './SourceImporter.js';
import type { OrganisationMatcher } from './OrganisationMatcher.js';
import { identifiersOf, partyMatchQuads } from './partyMatches.js';
import { parseDecimal } from './cellValues.js';
import { readTabularFile, type TabularFile } from './tabularFile.js';

const { namedNode, literal, quad } = DataFactory;

/** What became of one entity of a row. */
export interface EntityOutcome {
  iri: string;
  key: string;
  label: string;
  change: 'created' | 'updated' | 'unchanged';
  /** For an update: the properties whose values changed (local names). */
  changed?: string[];
}

/** What became of one row (issue #9: accepted, accepted with warnings, rejected with reasons). */
export interface ImportRowReport {
  row: number;
  line: number;
  outcome: 'accepted' | 'accepted-with-warnings' | 'rejected';
  entities: EntityOutcome[];
  warnings: RowProblem[];
  errors: RowProblem[];
}

export interface ImportSummary {
  kind: string;
  file: string;
  sha256: string;
  encoding: string;
  activity: string;
  source: string;
  rows: number;
  accepted: number;
  acceptedWithWarnings: number;
  rejected: number;
  /** Rejected rows by reason, warnings by reason. */
  rejectedBy: Record<string, number>;
  warningsBy: Record<string, number>;
  entities: { created: number; updated: number; unchanged: number };
  seconds: number;
}

export interface ImportRunOptions {
  store: RegistryStore;
  baseIri: string;
  /** Who runs the import (an agent IRI: the administrator, or the CLI's operator). */
  agentIri: string;
  importer: SourceImporter;
  /** Overrides of the importer's source description (a newer edition, another publisher's copy). */
  source?: Partial<SourceDescription>;
  /** Entities written per transaction (each transaction is atomic; a re-run converges after a crash). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  /** The registered organisations to link reference parties to (read once, when the file names parties). */
  organisations?: () => Promise<OrganisationMatcher>;
  now?: () => Date;
}

/** The source description lacks what every imported value must carry (its licence, its attribution). */
export class SourceDescriptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceDescriptionError';
  }
}

/** Predicates ImportRun adds itself: not part of an entity's content when comparing with what is stored. */
const DERIVED_FROM = `${PROV}wasDerivedFrom`;

/**
 * Imports one published file (issue #9): reads it (encoding, preamble, header dialect: tabularFile.ts), maps every
 * row through the source's importer, and writes the entities it gives, idempotently:
 *
 * - Each entity is one named graph (its IRI), compared with what the store holds: the same content is `unchanged`
 *   and not written again (re-running a file changes no record); other content replaces it (`updated`, with the
 *   properties that changed); a new one is `created`. Only the entity's content counts, not where it came from, so a
 *   newer edition with the same values leaves the record as it is.
 * - Provenance: the file is an entity of its own, content-addressed (`{base}reference/sources/sha256-…`, with its
 *   name, SHA-256, publisher, licence and attribution); each written entity says `prov:wasDerivedFrom` the row it came
 *   from (`{source}#row-N`, with its row and line numbers); the run is a `prov:Activity` in its own named graph
 *   (`{base}imports/{uuid}`) that used the file, names every entity it generated, and holds the counts.
 * - Reference data is public (docs/access.md); the run's activity is readable by auditors.
 * - Entities are written in batches, each batch one transaction with its part of the activity.
 */
export class ImportRun {
  constructor(private readonly options: ImportRunOptions) {}

  async run(bytes: Buffer, fileName: string): Promise<{ summary: ImportSummary; rows: ImportRowReport[] }> {
    const { store, baseIri, importer } = this.options;
    const now = this.options.now ?? (() => new Date());
    const started = now();
    const startedMs = performance.now();
    const description = { ...importer.source, ...this.options.source };
    // Every imported value carries its licence and attribution: a source without them is refused, not guessed.
    if (!/^https?:\/\/\S+$/.test(description.licence) || !description.attribution.trim()) throw new SourceDescriptionError(`the licence (an IRI) and the attribution of ${fileName} are not known for a ${importer.kind} file from ${description.publisher}: give them with the import (--licence, --attribution)`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = readTabularFile(bytes, { headerColumns: importer.headerColumns, sourceName: fileName });
    const sourceIri = `${baseIri}reference/sources/sha256-${sha256}`;
    const activityIri = `${baseIri}imports/${uuidv7()}`;
    const context: ImportContext = { baseIri, sourceIri, rowIri: (row) => `${sourceIri}#row-${row}` };

    await store.commit({ replaceGraphs: [sourceIri], add: [...sourceQuads(sourceIri, description, fileName, sha256, file), ...readableBy(sourceIri, audience.public(baseIri))] });
    await store.commit({ add: [...activityQuads(activityIri, importer.kind, sourceIri, this.options.agentIri, started), ...readableBy(activityIri, audience.audit(baseIri))] });

    await importer.begin?.(context);
    const reports: ImportRowReport[] = [];
    const firstRowOfKey = new Map<string, number>();
    const shared = new Map<string, PendingEntity>();
    let pending: PendingEntity[] = [];
    const batchSize = this.options.batchSize ?? 500;
    const flush = async (items: PendingEntity[]) => {
      for (let i = 0; i < items.length; i += batchSize) await this.writeBatch(items.slice(i, i + batchSize), activityIri);
    };
    for (const row of file.rows) {
      const mapping = await importer.mapRow(row, context);
      const report: ImportRowReport = { row: row.row, line: row.line, outcome: 'accepted', entities: [], warnings: [...mapping.warnings], errors: [...mapping.errors] };
      const source = { rowIri: context.rowIri(row.row), row: row.row, line: row.line };
      if (!report.errors.length) {
        for (const entity of mapping.entities) {
          const first = entity.shared ? undefined : firstRowOfKey.get(graphOf(entity));
          // Two rows describing one entity: the first one stands; which one is right is the publisher's to say.
          if (first !== undefined) report.errors.push({ reason: 'duplicate-key', message: `row ${first} of this file describes the same ${entity.label} (key ${entity.key}); only the first is imported` });
        }
      }
      if (report.errors.length) report.outcome = 'rejected';
      else {
        if (report.warnings.length) report.outcome = 'accepted-with-warnings';
        for (const entity of mapping.entities) {
          if (entity.shared) {
            const known = shared.get(graphOf(entity));
            if (known) mergeInto(known, entity, report, source);
            else shared.set(graphOf(entity), { entity: { ...entity, quads: [...entity.quads] }, reports: [report], sources: [source] });
            continue;
          }
          firstRowOfKey.set(graphOf(entity), row.row);
          pending.push({ entity, reports: [report], sources: [source] });
        }
      }
      reports.push(report);
      if (pending.length >= batchSize) {
        await flush(pending);
        pending = [];
      }
      this.options.onProgress?.(reports.length, file.rows.length);
    }
    await flush(pending);
    const parties = [...shared.values()];
    await this.matchOrganisations(parties);
    await flush(parties);

    const summary = summarise(importer.kind, fileName, sha256, file, activityIri, sourceIri, reports, (performance.now() - startedMs) / 1000);
    await store.commit({ add: activityEndQuads(activityIri, now(), summary) });
    return { summary, rows: reports };
  }

  /** One transaction: the batch's created and changed entities, their derivation and their part of the activity. */
  private async writeBatch(batch: PendingEntity[], activityIri: string): Promise<void> {
    const { store, baseIri } = this.options;
    const replaceGraphs: string[] = [];
    const add: Quad[] = [];
    const activity = namedNode(activityIri);
    for (const { reports, entity, sources } of batch) {
      const graph = graphOf(entity);
      const stored = await store.readGraph(graph);
      const before = contentKeys(stored, graph);
      const after = contentKeys(entity.quads, graph);
      const outcome: EntityOutcome = { iri: entity.iri, key: entity.key, label: entity.label, change: 'unchanged' };
      for (const report of reports) report.entities.push(outcome);
      if (sameKeys(before, after)) continue;
      outcome.change = before.size ? 'updated' : 'created';
      if (before.size) outcome.changed = changedProperties(stored, entity.quads, graph, entity.iri);
      const s = namedNode(entity.iri);
      const g = namedNode(graph);
      replaceGraphs.push(graph, accessGraph(graph));
      add.push(...entity.quads);
      for (const { rowIri, row, line } of sources) {
        add.push(
          quad(s, namedNode(DERIVED_FROM), namedNode(rowIri), g),
          quad(namedNode(rowIri), namedNode(`${FMAR}sourceRow`), literal(String(row), namedNode(`${XSD}integer`)), g),
          quad(namedNode(rowIri), namedNode(`${FMAR}sourceLine`), literal(String(line), namedNode(`${XSD}integer`)), g),
          quad(namedNode(rowIri), namedNode(`${DCTERMS}isPartOf`), namedNode(rowIri.slice(0, rowIri.indexOf('#'))), g),
        );
      }
      add.push(quad(g, namedNode(READABLE_BY), namedNode(audience.public(baseIri)), namedNode(accessGraph(graph))), quad(s, namedNode(`${PROV}wasGeneratedBy`), activity, activity));
    }
    if (add.length) await store.commit({ replaceGraphs, add });
  }

  /**
   * Links each reference party to the registered FMAR organisation it names, when exactly one does (by identifier,
   * exact name or normalised name: OrganisationMatcher), with the method and the evidence; an ambiguous name is
   * linked to none and says so. Part of the party's content: a re-run that matches the same changes nothing.
   */
  private async matchOrganisations(parties: PendingEntity[]): Promise<void> {
    if (!parties.length) return;
    const matcher = await this.options.organisations?.();
    if (!matcher) return;
    for (const party of parties) {
      const names = party.entity.quads.filter((q) => q.predicate.value === `${FMAR}partyName`).map((q) => q.object.value);
      const identifiers = identifiersOf(party.entity.quads.filter((q) => q.predicate.value === `${FMAR}partyIdentifier`).map((q) => q.object.value));
      party.entity.quads.push(...partyMatchQuads(matcher, party.entity.iri, graphOf(party.entity), names, identifiers));
    }
  }
}

/** The named graph an entity is written to: its own IRI unless it says otherwise. */
function graphOf(entity: ImportedEntity): string {
  return entity.graph ?? entity.iri;
}

interface PendingEntity {
  entity: ImportedEntity;
  /** The rows that gave it (one, or many for a shared entity). */
  reports: ImportRowReport[];
  sources: { rowIri: string; row: number; line: number }[];
}

/** Adds what another row says about a shared entity (its statements, as a set), and that row as a source. */
function mergeInto(target: PendingEntity, entity: ImportedEntity, report: ImportRowReport, source: { rowIri: string; row: number; line: number }): void {
  const keys = new Set(target.entity.quads.map(quadKey));
  for (const q of entity.quads) if (!keys.has(quadKey(q))) target.entity.quads.push(q);
  target.reports.push(report);
  target.sources.push(source);
}

/** Whether a stored quad is part of the entity's content in `graph`, not the derivation ImportRun adds (the row it came from). */
function isContent(q: Quad, graph: string): boolean {
  return q.graph.value === graph && q.predicate.value !== DERIVED_FROM && !q.subject.value.includes('/reference/sources/');
}

/** An entity's content as comparable keys: its statements without the provenance ImportRun adds. */
function contentKeys(quads: readonly Quad[], graph: string): Set<string> {
  const keys = new Set<string>();
  for (const q of quads) {
    if (!isContent(q, graph)) continue;
    keys.add(contentKey(q));
  }
  return keys;
}

const NUMERIC = new Set([`${XSD}integer`, `${XSD}decimal`]);

/**
 * A content quad as a comparable key, numbers by value: a store may keep an xsd:decimal with no fraction as an
 * xsd:integer (Virtuoso stores "0"^^xsd:decimal as 0), which is the same number and must not make a re-run an update.
 */
function contentKey(q: Quad): string {
  if (q.object.termType !== 'Literal' || !NUMERIC.has(q.object.datatype.value)) return quadKey(q);
  const number = parseDecimal(q.object.value);
  return 'value' in number ? quadKey(quad(q.subject, q.predicate, literal(number.value, namedNode(`${XSD}decimal`)), q.graph)) : quadKey(q);
}

function sameKeys(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const k of a) if (!b.has(k)) return false;
  return true;
}

/** The properties (local names) whose values differ between two versions of an entity. */
function changedProperties(before: readonly Quad[], after: readonly Quad[], graph: string, iri: string): string[] {
  const byProperty = (quads: readonly Quad[]) => {
    const map = new Map<string, Set<string>>();
    for (const q of quads) {
      if (!isContent(q, graph)) continue;
      const name = q.subject.value === iri ? localName(q.predicate.value) : `${localName(q.subject.value)}.${localName(q.predicate.value)}`;
      (map.get(name) ?? map.set(name, new Set()).get(name)!).add(contentKey(q).replace(/^\S+ /, ''));
    }
    return map;
  };
  const a = byProperty(before);
  const b = byProperty(after);
  return [...new Set([...a.keys(), ...b.keys()])].filter((p) => !sameKeys(a.get(p) ?? new Set(), b.get(p) ?? new Set())).sort();
}

function readableBy(graph: string, reader: string): Quad[] {
  return [quad(namedNode(graph), namedNode(READABLE_BY), namedNode(reader), namedNode(accessGraph(graph)))];
}

function sourceQuads(iri: string, d: SourceDescription, fileName: string, sha256: string, file: TabularFile): Quad[] {
  const s = namedNode(iri);
  const g = s;
  const out = [
    quad(s, namedNode(`${RDF}type`), namedNode(`${PROV}Entity`), g),
    quad(s, namedNode(`${RDF}type`), namedNode(`${FMAR}SourceFile`), g),
    quad(s, namedNode(`${DCTERMS}title`), literal(fileName), g),
    quad(s, namedNode(`${DCTERMS}description`), literal(d.title, 'en'), g),
    quad(s, namedNode(`${DCTERMS}identifier`), literal(`sha256:${sha256}`), g),
    quad(s, namedNode(`${DCTERMS}publisher`), literal(d.publisher), g),
    quad(s, namedNode(`${DCTERMS}license`), namedNode(d.licence), g),
    quad(s, namedNode(`${DCTERMS}bibliographicCitation`), literal(d.attribution, 'en'), g),
    quad(s, namedNode(`${DCTERMS}source`), literal(d.dataset), g),
    quad(s, namedNode(`${FMAR}sourceEncoding`), literal(file.encoding), g),
    quad(s, namedNode(`${FMAR}sourceRows`), literal(String(file.rows.length), namedNode(`${XSD}integer`)), g),
  ];
  if (d.derivedFrom) out.push(quad(s, namedNode(DERIVED_FROM), namedNode(d.derivedFrom), g));
  return out;
}

function activityQuads(iri: string, kind: string, sourceIri: string, agentIri: string, started: Date): Quad[] {
  const a = namedNode(iri);
  return [
    quad(a, namedNode(`${RDF}type`), namedNode(`${PROV}Activity`), a),
    quad(a, namedNode(`${RDF}type`), namedNode(`${FMAR}ImportRun`), a),
    quad(a, namedNode(`${FMAR}importKind`), literal(kind), a),
    quad(a, namedNode(`${PROV}used`), namedNode(sourceIri), a),
    quad(a, namedNode(`${PROV}wasAssociatedWith`), namedNode(agentIri), a),
    quad(a, namedNode(`${PROV}startedAtTime`), literal(started.toISOString(), namedNode(`${XSD}dateTime`)), a),
  ];
}

function activityEndQuads(iri: string, ended: Date, s: ImportSummary): Quad[] {
  const a = namedNode(iri);
  const count = (name: string, n: number) => quad(a, namedNode(`${FMAR}${name}`), literal(String(n), namedNode(`${XSD}integer`)), a);
  return [
    quad(a, namedNode(`${PROV}endedAtTime`), literal(ended.toISOString(), namedNode(`${XSD}dateTime`)), a),
    count('rowsRead', s.rows),
    count('rowsRejected', s.rejected),
    count('recordsCreated', s.entities.created),
    count('recordsUpdated', s.entities.updated),
    count('recordsUnchanged', s.entities.unchanged),
  ];
}

function summarise(kind: string, file: string, sha256: string, tabular: TabularFile, activity: string, source: string, rows: ImportRowReport[], seconds: number): ImportSummary {
  const tally = (problems: RowProblem[], into: Record<string, number>) => {
    for (const reason of new Set(problems.map((p) => p.reason))) into[reason] = (into[reason] ?? 0) + 1;
  };
  const rejectedBy: Record<string, number> = {};
  const warningsBy: Record<string, number> = {};
  const entities = { created: 0, updated: 0, unchanged: 0 };
  // A shared entity (a party) is listed under every row that named it: counted once.
  const distinct = new Map<string, EntityOutcome>();
  for (const r of rows) {
    if (r.outcome === 'rejected') tally(r.errors, rejectedBy);
    tally(r.warnings, warningsBy);
    for (const e of r.entities) distinct.set(e.iri, e);
  }
  for (const e of distinct.values()) entities[e.change]++;
  return {
    kind,
    file,
    sha256,
    encoding: tabular.encoding,
    activity,
    source,
    rows: rows.length,
    accepted: rows.filter((r) => r.outcome !== 'rejected').length,
    acceptedWithWarnings: rows.filter((r) => r.outcome === 'accepted-with-warnings').length,
    rejected: rows.filter((r) => r.outcome === 'rejected').length,
    rejectedBy,
    warningsBy,
    entities,
    seconds,
  };
}
