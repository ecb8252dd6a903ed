import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFactory, Parser, type Quad } from 'n3';
import oxigraph from 'oxigraph';
import { patchAgainst, quadKey, touchedGraphs } from './exactPatch.js';
import { JournalReader } from './JournalReader.js';
import { Journal, type JournalFaults } from './Journal.js';
import { applyOxigraphPatch, graphNames, graphNQuads, mergePatches, patchToOxigraph, type OxigraphPatch } from './oxigraphText.js';
import { GENESIS_HASH, parseJournal, writePatchRecord, CorruptJournalError, type PatchRecord } from './rdfPatch.js';
import { StoreUnavailableError, type CommitReceipt, type QueryOptions, type RegistryStore, type StoreTransaction } from './RegistryStore.js';
import { lockDataDir } from './DataDirLock.js';
import { createSnapshot, latestSnapshot, pruneSnapshots } from './Snapshots.js';

/**
 * The embedded backend: Oxigraph (WebAssembly, in memory) made durable by our journal and snapshots.
 *
 * Write path: the transaction becomes an exact patch (only quads that really change) and is appended to the
 * journal; commit() resolves once the record is fsynced and applied to the in-memory store. Patches wait
 * (`pending`) until then, so that the commits of a group (a bulk batch, concurrent requests) reach Oxigraph
 * as one `load` instead of one each: a load costs about three times as much per quad when it is small
 * (issue #7's profile). A pending patch never touches a graph another pending patch touches, so the group
 * applies in any order; a transaction or a read that touches a pending graph applies the group first.
 * If the journal cannot be written, every unacknowledged transaction is dropped by reloading the store
 * from disk (snapshot + journal), and commits fail with StoreUnavailableError until that is done.
 *
 * Recovery: newest valid snapshot, then the journal records after its sequence, checking the hash chain;
 * a torn last record is cut off; a damaged record in the middle stops the start with CorruptJournalError.
 *
 * Terms cross into Oxigraph as text (N-Quads, SPARQL Update), never as Oxigraph term objects (measured
 * 50x slower; ../shared/design/architecture.md).
 */
export interface OxigraphStoreOptions {
  dataDir: string;
  /** Take a snapshot after this many transactions (0: never automatically). */
  snapshotEvery?: number;
  /** How many snapshots to keep. */
  keepSnapshots?: number;
  warn?: (message: string) => void;
  /** Fault injection for tests (ENOSPC, failing fsync); never set in production. */
  journalFaults?: JournalFaults;
}

const JOURNAL = 'journal.rdfp';
const NQUADS = 'application/n-quads';

export class OxigraphRegistryStore implements RegistryStore {
  private store!: oxigraph.Store;
  private journal!: Journal;
  private sequence = 0;
  private journalReader!: JournalReader;
  private hash = GENESIS_HASH;
  private durable: CommitReceipt & { offset: number } = { sequence: 0, hash: GENESIS_HASH, offset: 0 };
  private failure: Promise<void> | undefined;
  private snapshotting: Promise<void> | undefined;
  private sinceSnapshot = 0;
  private unlock: () => Promise<void> = async () => undefined;
  /** Journalled (or being journalled) patches not yet applied to `store`, with the graphs they change. */
  private pending: { patches: OxigraphPatch[]; graphs: Set<string> } = { patches: [], graphs: new Set() };

  private constructor(private readonly options: Required<OxigraphStoreOptions>) {}

  static async open(options: OxigraphStoreOptions): Promise<OxigraphRegistryStore> {
    const store = new OxigraphRegistryStore({ snapshotEvery: 10_000, keepSnapshots: 2, warn: () => undefined, journalFaults: {}, ...options });
    await mkdir(options.dataDir, { recursive: true });
    store.unlock = await lockDataDir(options.dataDir);
    try {
      await store.recover();
    } catch (error) {
      await store.unlock();
      throw error;
    }
    return store;
  }

  head(): CommitReceipt {
    return { sequence: this.sequence, hash: this.hash };
  }

  /** Number of quads held (all graphs). */
  get size(): number {
    return this.live.size;
  }

  private async recover(): Promise<void> {
    const { dataDir, warn } = this.options;
    await pruneSnapshots(dataDir, Number.MAX_SAFE_INTEGER);
    this.store = new oxigraph.Store();
    this.pending = { patches: [], graphs: new Set() };
    const snapshot = await latestSnapshot(dataDir, warn);
    let offset = 0;
    this.sequence = 0;
    this.hash = GENESIS_HASH;
    if (snapshot) {
      for await (const chunk of snapshot.chunks()) this.store.load(chunk, { format: NQUADS, lenient: true });
      ({ sequence: this.sequence, hash: this.hash, offset } = snapshot.position);
    }
    const journalPath = join(dataDir, JOURNAL);
    const bytes = await readFile(journalPath).catch(() => Buffer.alloc(0));
    if (bytes.length < offset) throw new CorruptJournalError(`the journal is shorter (${bytes.length} bytes) than the snapshot's position (${offset})`, bytes.length);
    const { records, tornAt } = parseJournal(bytes, offset);
    this.journalReader = new JournalReader(journalPath);
    for (const record of records) {
      this.journalReader.note(record.sequence, record.start);
      if (record.sequence !== this.sequence + 1 || record.previousHash !== this.hash) {
        throw new CorruptJournalError(`journal record ${record.sequence} at byte ${record.start} does not follow record ${this.sequence} (hash chain broken)`, record.start);
      }
      this.defer(record);
      this.sequence = record.sequence;
      this.hash = record.hash;
    }
    this.applyPending();
    const validLength = tornAt ?? bytes.length;
    if (tornAt !== undefined) warn(`discarded a torn journal record at byte ${tornAt} (${bytes.length - tornAt} bytes): it was never acknowledged`);
    this.journal = await Journal.open(journalPath, validLength, this.options.journalFaults);
    this.durable = { sequence: this.sequence, hash: this.hash, offset: validLength };
  }

  /** Acknowledged (durable) journal records from a sequence on: the change feed's source. */
  readJournal(fromSequence: number, limit: number): Promise<PatchRecord[]> {
    return this.journalReader.read(fromSequence, limit, this.durable);
  }

  async commit(transaction: StoreTransaction): Promise<CommitReceipt> {
    if (this.failure) throw new StoreUnavailableError('the store is recovering from a failed write; try again shortly');
    // Each added quad is serialised once (its key), for the journal and for the in-memory store.
    const { addedLines, ...record } = this.toPatch(transaction);
    const { text, hash } = writePatchRecord(record, addedLines);
    this.defer(record, addedLines);
    this.sequence = record.sequence;
    this.hash = hash;
    let endOffset: number;
    try {
      endOffset = await this.journal.append(text);
    } catch (error) {
      this.failure ??= this.reloadAfterFailure();
      throw new StoreUnavailableError(`the journal could not be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the write was not kept`, error);
    }
    // Durable: visible before it is acknowledged (with the rest of its group).
    this.applyPending();
    this.journalReader.note(record.sequence, endOffset - Buffer.byteLength(text));
    if (record.sequence > this.durable.sequence) this.durable = { sequence: record.sequence, hash, offset: endOffset };
    if (this.options.snapshotEvery > 0 && ++this.sinceSnapshot >= this.options.snapshotEvery) void this.snapshot().catch((e: Error) => this.options.warn(`snapshot failed: ${e.message}`));
    return { sequence: record.sequence, hash };
  }

  private async reloadAfterFailure(): Promise<void> {
    // Keep retrying: the disk may be full for a while. Until the reload succeeds, commits get 503.
    for (let attempt = 0; ; attempt++) {
      try {
        while (this.snapshotting) await this.snapshotting.catch(() => undefined);
        await this.journal.close().catch(() => undefined);
        await this.recover();
        for (const listener of this.resetListeners) listener();
        this.failure = undefined;
        return;
      } catch (error) {
        this.options.warn(`reloading the store after a failed write failed (${(error as Error).message}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** attempt)));
      }
    }
  }

  private readonly resetListeners = new Set<() => void>();

  /** Called when the in-memory state was rebuilt from disk (after a failed write): replicas must reseed. */
  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  /** The exact change: removals that exist, additions that do not, in one record. */
  private toPatch(transaction: StoreTransaction): PatchRecord & { addedLines: string[] } {
    const graphs = touchedGraphs(transaction);
    for (const graph of graphs) {
      if (this.pending.graphs.has(graph)) {
        this.applyPending();
        break;
      }
    }
    const current = new Map<string, Map<string, Quad>>();
    // No pending patch touches these graphs: the store holds their current state.
    for (const graph of graphs) current.set(graph, new Map(this.graphQuads(this.store, graph).map((q) => [quadKey(q), q])));
    return { sequence: this.sequence + 1, previousHash: this.hash, time: new Date().toISOString(), ...patchAgainst(transaction, current) };
  }

  /** Queues the record's patch for the next `applyPending`; a record touching a pending graph applies the queue first. */
  private defer(record: PatchRecord, addedLines?: string[]): void {
    const patch = patchToOxigraph(record, addedLines);
    if (!patch.deleteUpdate && !patch.addNQuads) return;
    const graphs = new Set<string>();
    for (const q of record.removed) graphs.add(q.graph.value);
    for (const q of record.added) graphs.add(q.graph.value);
    for (const graph of graphs) {
      if (this.pending.graphs.has(graph)) {
        this.applyPending();
        break;
      }
    }
    this.pending.patches.push(patch);
    for (const graph of graphs) this.pending.graphs.add(graph);
  }

  /** Applies the queued patches as one: every removal, then every addition (their graphs are disjoint). */
  private applyPending(): void {
    const { patches } = this.pending;
    if (!patches.length) return;
    this.pending = { patches: [], graphs: new Set() };
    const patch = mergePatches(patches);
    applyOxigraphPatch(this.store, patch);
    for (const listener of this.patchListeners) listener(patch);
  }

  /** The in-memory store with every pending patch applied: what every read goes through. */
  private get live(): oxigraph.Store {
    this.applyPending();
    return this.store;
  }

  private readonly patchListeners = new Set<(patch: OxigraphPatch) => void>();

  /** Follows every change applied to the in-memory store, in order (read replicas). */
  onPatch(listener: (patch: OxigraphPatch) => void): () => void {
    this.patchListeners.add(listener);
    return () => this.patchListeners.delete(listener);
  }

  /** The whole store as N-Quads, graph by graph (never one dump: JavaScript strings have a size limit). */
  *dumpChunks(): Iterable<string> {
    let chunk = '';
    for (const graph of graphNames(this.live)) {
      chunk += graphNQuads(this.live, graph);
      if (chunk.length > 4_000_000) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }

  private graphQuads(store: oxigraph.Store, graph: string): Quad[] {
    const triples = store.dump({ format: 'application/n-triples', from_graph_name: oxigraph.namedNode(graph) });
    if (!triples) return [];
    const graphTerm = DataFactory.namedNode(graph);
    return new Parser({ format: 'N-Triples' }).parse(triples).map((t) => DataFactory.quad(t.subject, t.predicate, t.object, graphTerm));
  }

  async readGraph(graph: string): Promise<Quad[]> {
    return this.graphQuads(this.live, graph);
  }

  async graphExists(graph: string): Promise<boolean> {
    return this.live.query(`ASK { GRAPH <${graph}> { ?s ?p ?o } }`) as boolean;
  }

  async query(sparql: string, options: QueryOptions): Promise<string> {
    const named = (iris?: string[]) => iris?.map((i) => oxigraph.namedNode(i));
    return this.live.query(sparql, {
      results_format: options.resultsFormat,
      ...(options.defaultGraphs ? { default_graph: named(options.defaultGraphs) } : { use_default_graph_as_union: true }),
      ...(options.namedGraphs ? { named_graphs: named(options.namedGraphs) } : {}),
    }) as string;
  }

  /**
   * Writes a snapshot graph by graph, yielding between graphs so requests go on; it becomes visible only
   * once the journal is durable up to everything it may contain.
   */
  snapshot(): Promise<void> {
    this.snapshotting ??= this.writeSnapshot().finally(() => {
      this.snapshotting = undefined;
    });
    return this.snapshotting;
  }

  private async writeSnapshot(): Promise<void> {
    this.sinceSnapshot = 0;
    const start = { ...this.durable };
    const writer = await createSnapshot(this.options.dataDir, start);
    try {
      const graphs = graphNames(this.live);
      for (let i = 0; i < graphs.length; i++) {
        await writer.write(graphNQuads(this.live, graphs[i]));
        if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
      }
      const end = this.sequence;
      while (this.durable.sequence < end) {
        if (this.failure) throw new Error('a journal write failed during the snapshot');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await writer.commit();
      await pruneSnapshots(this.options.dataDir, this.options.keepSnapshots);
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  async close(): Promise<void> {
    while (this.snapshotting) await this.snapshotting.catch(() => undefined);
    await this.journal.close();
    await this.unlock();
  }
}

export async function journalSize(dataDir: string): Promise<number> {
  return (await stat(join(dataDir, JOURNAL)).catch(() => ({ size: 0 }))).size;
}
