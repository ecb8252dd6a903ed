import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFactory, Parser, type Quad } from 'n3';
import oxigraph from 'oxigraph';
import { patchAgainst, quadKey, touchedGraphs } from './exactPatch.js';
import { JournalReader } from './JournalReader.js';
import { Journal, type JournalFaults } from './Journal.js';
import { applyOxigraphPatch, graphNames, graphNQuads, patchToOxigraph, type OxigraphPatch } from './oxigraphText.js';
import { GENESIS_HASH, nquadLine, parseJournal, writePatchRecord, CorruptJournalError, type PatchRecord } from './rdfPatch.js';
import { StoreUnavailableError, type CommitReceipt, type QueryOptions, type RegistryStore, type StoreTransaction } from './RegistryStore.js';
import { createSnapshot, latestSnapshot, pruneSnapshots } from './Snapshots.js';

/**
 * The embedded backend: Oxigraph (WebAssembly, in memory) made durable by our journal and snapshots.
 *
 * Write path: the transaction becomes an exact patch (only quads that really change), is applied to the
 * in-memory store in order, then appended to the journal; commit() resolves once the record is fsynced.
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

  private constructor(private readonly options: Required<OxigraphStoreOptions>) {}

  static async open(options: OxigraphStoreOptions): Promise<OxigraphRegistryStore> {
    const store = new OxigraphRegistryStore({ snapshotEvery: 10_000, keepSnapshots: 2, warn: () => undefined, journalFaults: {}, ...options });
    await mkdir(options.dataDir, { recursive: true });
    await store.recover();
    return store;
  }

  head(): CommitReceipt {
    return { sequence: this.sequence, hash: this.hash };
  }

  /** Number of quads held (all graphs). */
  get size(): number {
    return this.store.size;
  }

  private async recover(): Promise<void> {
    const { dataDir, warn } = this.options;
    await pruneSnapshots(dataDir, Number.MAX_SAFE_INTEGER);
    this.store = new oxigraph.Store();
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
      this.apply(record);
      this.sequence = record.sequence;
      this.hash = record.hash;
    }
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
    const record = this.toPatch(transaction);
    // Each added quad is serialised once, for the journal and for the in-memory store.
    const addedLines = record.added.map(nquadLine);
    const { text, hash } = writePatchRecord(record, addedLines);
    this.apply(record, addedLines);
    this.sequence = record.sequence;
    this.hash = hash;
    let endOffset: number;
    try {
      endOffset = await this.journal.append(text);
    } catch (error) {
      this.failure ??= this.reloadAfterFailure();
      throw new StoreUnavailableError(`the journal could not be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the write was not kept`, error);
    }
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
  private toPatch(transaction: StoreTransaction): PatchRecord {
    const current = new Map<string, Map<string, Quad>>();
    for (const graph of touchedGraphs(transaction)) current.set(graph, new Map(this.readGraphSync(graph).map((q) => [quadKey(q), q])));
    return { sequence: this.sequence + 1, previousHash: this.hash, time: new Date().toISOString(), ...patchAgainst(transaction, current) };
  }

  private apply(record: PatchRecord, addedLines?: string[]): void {
    const patch = patchToOxigraph(record, addedLines);
    if (!patch.deleteUpdate && !patch.addNQuads) return;
    applyOxigraphPatch(this.store, patch);
    for (const listener of this.patchListeners) listener(patch);
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
    for (const graph of graphNames(this.store)) {
      chunk += graphNQuads(this.store, graph);
      if (chunk.length > 4_000_000) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }

  private readGraphSync(graph: string): Quad[] {
    const triples = this.store.dump({ format: 'application/n-triples', from_graph_name: oxigraph.namedNode(graph) });
    if (!triples) return [];
    const graphTerm = DataFactory.namedNode(graph);
    return new Parser({ format: 'N-Triples' }).parse(triples).map((t) => DataFactory.quad(t.subject, t.predicate, t.object, graphTerm));
  }

  async readGraph(graph: string): Promise<Quad[]> {
    return this.readGraphSync(graph);
  }

  async graphExists(graph: string): Promise<boolean> {
    return this.store.query(`ASK { GRAPH <${graph}> { ?s ?p ?o } }`) as boolean;
  }

  async query(sparql: string, options: QueryOptions): Promise<string> {
    const named = (iris?: string[]) => iris?.map((i) => oxigraph.namedNode(i));
    return this.store.query(sparql, {
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
      const graphs = graphNames(this.store);
      for (let i = 0; i < graphs.length; i++) {
        await writer.write(graphNQuads(this.store, graphs[i]));
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
  }
}

export async function journalSize(dataDir: string): Promise<number> {
  return (await stat(join(dataDir, JOURNAL)).catch(() => ({ size: 0 }))).size;
}
