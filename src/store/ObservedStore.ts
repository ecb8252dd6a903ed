import type { Quad } from 'n3';
import { touchedGraphs } from './exactPatch.js';
import type { PatchRecord } from './rdfPatch.js';
import type { CommitReceipt, QueryOptions, RegistryStore, StoreTransaction } from './RegistryStore.js';

/**
 * A store that tells listeners which graphs each committed transaction touched, once it is durable and
 * visible. The registry's caches that depend on records (the Authenticator's principals) forget what a commit
 * made stale. It sees this API node's commits only: other nodes on a shared remote store are covered by the
 * caches' time limits.
 */
export class ObservedStore implements RegistryStore {
  private readonly listeners = new Set<(graphs: string[]) => void>();

  constructor(private readonly inner: RegistryStore) {}

  async commit(transaction: StoreTransaction): Promise<CommitReceipt> {
    const receipt = await this.inner.commit(transaction);
    const graphs = [...touchedGraphs(transaction)];
    for (const listener of this.listeners) listener(graphs);
    return receipt;
  }

  /** Calls back after each commit with the graphs it touched; returns an unsubscribe function. */
  onCommitted(listener: (graphs: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readGraph(graph: string): Promise<Quad[]> {
    return this.inner.readGraph(graph);
  }

  graphExists(graph: string): Promise<boolean> {
    return this.inner.graphExists(graph);
  }

  query(sparql: string, options: QueryOptions): Promise<string> {
    return this.inner.query(sparql, options);
  }

  head(): CommitReceipt {
    return this.inner.head();
  }

  readJournal(fromSequence: number, limit: number): Promise<PatchRecord[]> {
    return this.inner.readJournal(fromSequence, limit);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
