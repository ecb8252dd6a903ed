import { createHash } from 'node:crypto';
import { DataFactory, type Quad } from 'n3';
import { XSD } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';

const { namedNode, literal, quad } = DataFactory;

/**
 * The registry's own vocabulary for bulk row keys (not part of the FMAR ontology: no record holds it, and no
 * audience may read these graphs, so only administrators see them through SPARQL).
 */
export const FMAR_BULK = 'https://w3id.org/fmar/bulk#';

/** What a row key was used for: the asset it registered and a digest of the row's values. */
export interface RowKeyEntry {
  rowKey: string;
  assetIri: string;
  rowHash: string;
}

/**
 * Idempotent bulk registration (issue #7): a client row key maps, per organisation, to the asset its row
 * registered, so a retried upload creates no duplicates. Each key lives in its own graph
 * `{base}bulk-keys/{sha256(organisation IRI, newline, row key)}`, written in the transaction that registers its
 * row's asset.
 *
 * Within this process, keys are reserved while their rows are being registered: a second upload of the same
 * keys (a client retrying while the first upload is still running) waits for the first to finish and then
 * finds its keys. API nodes sharing a remote store do not see each other's reservations
 * (docs/bulk-and-export.md).
 */
export class BulkRowKeys {
  private readonly reserved = new Map<string, Promise<void>>();

  constructor(private readonly args: { store: RegistryStore; baseIri: string }) {}

  graphOf(organisation: string, rowKey: string): string {
    return `${this.args.baseIri}bulk-keys/${createHash('sha256').update(`${organisation}\n${rowKey}`).digest('hex')}`;
  }

  /** The keys (of `organisation`) already used, with what they registered. */
  async lookup(organisation: string, rowKeys: string[]): Promise<Map<string, RowKeyEntry>> {
    const found = new Map<string, RowKeyEntry>();
    if (!rowKeys.length) return found;
    const graphs = new Map(rowKeys.map((k) => [this.graphOf(organisation, k), k]));
    const rows = await selectBindings(this.args.store, `SELECT ?g ?asset ?hash WHERE { VALUES ?g { ${[...graphs.keys()].map((g) => `<${g}>`).join(' ')} } GRAPH ?g { ?g <${FMAR_BULK}registered> ?asset ; <${FMAR_BULK}rowHash> ?hash } }`);
    for (const row of rows) {
      const rowKey = graphs.get(row.g.value);
      if (rowKey !== undefined) found.set(rowKey, { rowKey, assetIri: row.asset.value, rowHash: row.hash.value });
    }
    return found;
  }

  /** The statements that record the keys; committed with their assets (BulkRegistration). */
  quads(organisation: string, agent: string, entries: RowKeyEntry[], at = new Date()): Quad[] {
    return entries.flatMap((e) => {
      const g = namedNode(this.graphOf(organisation, e.rowKey));
      return [
        quad(g, namedNode(`${FMAR_BULK}rowKey`), literal(e.rowKey), g),
        quad(g, namedNode(`${FMAR_BULK}organisation`), namedNode(organisation), g),
        quad(g, namedNode(`${FMAR_BULK}registered`), namedNode(e.assetIri), g),
        quad(g, namedNode(`${FMAR_BULK}rowHash`), literal(e.rowHash), g),
        quad(g, namedNode(`${FMAR_BULK}agent`), namedNode(agent), g),
        quad(g, namedNode(`${FMAR_BULK}recordedAt`), literal(at.toISOString(), namedNode(`${XSD}dateTime`)), g),
      ];
    });
  }

  async record(organisation: string, agent: string, entries: RowKeyEntry[]): Promise<void> {
    if (entries.length) await this.args.store.commit({ add: this.quads(organisation, agent, entries) });
  }

  /**
   * Reserves the keys for one batch of rows, waiting while another upload holds any of them; the returned
   * function releases them. All of a batch's keys are taken at once and never while waiting, so two uploads
   * cannot hold each other up for ever.
   */
  async reserve(organisation: string, rowKeys: string[]): Promise<() => void> {
    const graphs = [...new Set(rowKeys.map((k) => this.graphOf(organisation, k)))];
    for (;;) {
      const held = graphs.map((g) => this.reserved.get(g)).filter((p): p is Promise<void> => p !== undefined);
      if (!held.length) break;
      await Promise.all(held);
    }
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    for (const g of graphs) this.reserved.set(g, done);
    return () => {
      for (const g of graphs) if (this.reserved.get(g) === done) this.reserved.delete(g);
      release();
    };
  }
}
