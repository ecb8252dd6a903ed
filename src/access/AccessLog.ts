import { DataFactory, type Quad } from 'n3';
import { v7 as uuidv7 } from 'uuid';
import { FMAR_ACCESS, PROV, RDF, XSD } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { accessGraph, READABLE_BY } from './accessIndex.js';
import { audience } from './audiences.js';
import type { Principal } from './Principal.js';

const { namedNode, literal, quad } = DataFactory;

export interface AccessEntry {
  principal: Principal;
  channel: 'REST' | 'SPARQL' | 'export';
  /** The graphs read (REST, export) ... */
  graphs?: string[];
  /** ... or the query run (SPARQL). */
  query?: string;
  at: Date;
}

export interface AccessLogOptions {
  store: RegistryStore;
  baseIri: string;
  /** How often buffered entries are written (default 1000 ms). */
  flushMs?: number;
  /** Entries written per transaction at most (default 2000). */
  maxBatch?: number;
  warn?: (message: string) => void;
}

/**
 * UC-05.01 "all data access is logged", for reads of personal data and restricted SPARQL (issue #6). A read
 * only appends to a buffer; every second the buffer is written as ONE journaled transaction: a graph
 * {base}access-log/{uuid} of PROV activities (who, for whom, from when to when, which graphs and how many
 * reads, or which query, stated purpose),
 * readable by the audit audience. So logging costs the read path an array push, and the log is in the same
 * hash-chained journal as everything else. A crash can lose at most the last second of read entries (reads,
 * not acknowledged writes); a failed write is retried with the next flush.
 */
export class AccessLog {
  private buffer: AccessEntry[] = [];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly maxBatch: number;

  constructor(private readonly options: AccessLogOptions) {
    this.maxBatch = options.maxBatch ?? 2000;
    this.timer = setInterval(() => void this.flush(), options.flushMs ?? 1000);
    this.timer.unref();
  }

  record(entry: AccessEntry): void {
    // Bounded: if the store refuses writes for long, the oldest entries go first, with a warning.
    if (this.buffer.length >= this.maxBatch * 50) {
      this.buffer.shift();
      this.options.warn?.('the access log buffer is full: dropping its oldest entry');
    }
    this.buffer.push(entry);
  }

  /** Writes what is buffered; resolves once it is durable (tests and shutdown call it). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      while (this.buffer.length) {
        const batch = this.buffer.splice(0, this.maxBatch);
        try {
          await this.options.store.commit({ add: this.quads(batch) });
        } catch (error) {
          this.buffer.unshift(...batch);
          this.options.warn?.(`the access log could not be written (${(error as Error).message}); retrying with the next flush`);
          return;
        }
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /**
   * One activity per principal (and acting-for, purpose, channel) and flush for REST reads, listing every graph it
   * read, how many reads and the first and last time; one per SPARQL query or export, with its text. Grouping keeps
   * the log about one quad per personal graph read rather than eight per read (measured: logging every read on
   * its own cost a fifth of GET throughput under a read-only load).
   */
  private quads(batch: AccessEntry[]): Quad[] {
    const graphIri = `${this.options.baseIri}access-log/${uuidv7()}`;
    const g = namedNode(graphIri);
    const out: Quad[] = [quad(g, namedNode(READABLE_BY), namedNode(audience.audit(this.options.baseIri)), namedNode(accessGraph(graphIri)))];
    const groups = new Map<string, AccessEntry[]>();
    batch.forEach((entry, i) => {
      const p = entry.principal;
      const key = entry.channel === 'REST' ? [p.agentIri, p.credentialId, p.actingFor?.organisationIri ?? '', p.statedPurpose ?? ''].join('\u0000') : `#${i}`;
      const group = groups.get(key) ?? [];
      group.push(entry);
      groups.set(key, group);
    });
    let n = 0;
    for (const entries of groups.values()) {
      const first = entries[0];
      const e = namedNode(`${graphIri}#${++n}`);
      const time = (d: Date) => literal(d.toISOString(), namedNode(`${XSD}dateTime`));
      out.push(
        quad(e, namedNode(`${RDF}type`), namedNode(`${PROV}Activity`), g),
        quad(e, namedNode(`${RDF}type`), namedNode(`${FMAR_ACCESS}DataAccess`), g),
        quad(e, namedNode(`${PROV}wasAssociatedWith`), namedNode(first.principal.agentIri), g),
        quad(e, namedNode(`${PROV}startedAtTime`), time(first.at), g),
        quad(e, namedNode(`${PROV}endedAtTime`), time(entries[entries.length - 1].at), g),
        quad(e, namedNode(`${FMAR_ACCESS}channel`), literal(first.channel), g),
        quad(e, namedNode(`${FMAR_ACCESS}credential`), literal(first.principal.credentialId), g),
        quad(e, namedNode(`${FMAR_ACCESS}reads`), literal(String(entries.length), namedNode(`${XSD}integer`)), g),
      );
      if (first.principal.actingFor) out.push(quad(e, namedNode(`${PROV}actedOnBehalfOf`), namedNode(first.principal.actingFor.organisationIri), g));
      if (first.principal.statedPurpose) out.push(quad(e, namedNode(`${FMAR_ACCESS}statedPurpose`), literal(first.principal.statedPurpose), g));
      for (const graph of new Set(entries.flatMap((entry) => entry.graphs ?? []))) out.push(quad(e, namedNode(`${PROV}used`), namedNode(graph), g));
      if (first.query) out.push(quad(e, namedNode(`${FMAR_ACCESS}query`), literal(first.query.slice(0, 10_000)), g));
    }
    return out;
  }
}
