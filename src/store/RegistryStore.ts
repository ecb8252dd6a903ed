import type { PatchRecord } from './rdfPatch.js';
import type { Quad } from 'n3';

/**
 * What the registry needs from a quad store, whatever it is: transactions of added and removed quads,
 * graph reads, and SPARQL queries over a restricted dataset. The embedded Oxigraph backend implements it
 * with its own journal; a remote SPARQL 1.1 backend (Query, Update, Graph Store Protocol) can implement
 * the same calls (issue #5). The store knows nothing of assets or roles.
 */
export interface StoreTransaction {
  /** Named graphs whose current content is removed before `add` is applied. */
  replaceGraphs?: string[];
  add: Quad[];
  remove?: Quad[];
  /**
   * Quads that must be in the store when the transaction applies, or it is refused with
   * PreconditionFailedError and changes nothing (optimistic concurrency that holds across API nodes: e.g. a
   * replacement requires the record's version it was checked against).
   */
  requires?: Quad[];
}

export interface CommitReceipt {
  /** Position of the transaction in the journal, counting from 1. */
  sequence: number;
  /** SHA-256 of the transaction's journal record; the next record names it as its predecessor. */
  hash: string;
}

export interface QueryOptions {
  /** Graphs whose union is the default graph; absent means the union of all named graphs. */
  defaultGraphs?: string[];
  /** Graphs visible to GRAPH patterns; absent means all. */
  namedGraphs?: string[];
  /** A result serialisation understood by the backend (e.g. application/sparql-results+json, text/turtle). */
  resultsFormat: string;
}

export interface RegistryStore {
  /** Makes the transaction durable, then visible; resolves only once it is both. */
  commit(transaction: StoreTransaction): Promise<CommitReceipt>;
  readGraph(graph: string): Promise<Quad[]>;
  graphExists(graph: string): Promise<boolean>;
  query(sparql: string, options: QueryOptions): Promise<string>;
  /** Sequence of the last committed transaction. */
  head(): CommitReceipt;
  /**
   * Acknowledged journal records from `fromSequence` on, at most `limit`, in order: what each transaction added
   * and removed. The change feed reads them (the journal is the truth; architecture.md).
   */
  readJournal(fromSequence: number, limit: number): Promise<PatchRecord[]>;
  close(): Promise<void>;
}

/** Thrown when a transaction cannot be made durable; nothing of it is acknowledged or kept. */
export class StoreUnavailableError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/** A transaction's `requires` did not hold: another write changed the state it was prepared against. */
export class PreconditionFailedError extends Error {
  constructor(readonly missing: Quad) {
    super(`the store no longer holds ${missing.subject.value} ${missing.predicate.value} ${JSON.stringify(missing.object.value)}: changed by another write`);
    this.name = 'PreconditionFailedError';
  }
}
