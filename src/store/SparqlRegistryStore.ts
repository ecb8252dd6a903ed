import { DataFactory, Parser, type Quad } from 'n3';
import { FMAR, XSD } from '../rdf/namespaces.js';
import { exactPatch, touchedGraphs } from './exactPatch.js';
import { graphBlocks } from './oxigraphText.js';
import { GENESIS_HASH, scanJournal, writePatchRecord, type PatchRecord } from './rdfPatch.js';
import type { QueryRequest, QueryRunner } from './QueryRunner.js';
import { QuerySyntaxError, QueryTimeoutError } from './QueryReplica.js';
import { StoreUnavailableError, type CommitReceipt, type QueryOptions, type RegistryStore, type StoreTransaction } from './RegistryStore.js';
import { RemoteStoreError, SparqlHttpClient } from './SparqlHttpClient.js';
import { selectBindings, type BindingTerm } from './selectBindings.js';
import { NO_WRITE_LOCK, VirtuosoWriteLock, type WriteLock } from './VirtuosoWriteLock.js';

/**
 * The remote backend: any SPARQL 1.1 server (Query, Update, Graph Store Protocol), so API nodes keep no state
 * and several can run side by side (FMAR_STORE=sparql).
 *
 * The journal lives in the remote store: a head graph holds the sequence and hash of the last transaction,
 * and each commit is ONE conditional update (DELETE/INSERT ... WHERE head = what this node read) that also
 * carries the data change and the journal record (an RDF Patch literal in {base}.well-known/fmar/journal/{n}),
 * so data, head and record change together. Commits of one node are serialised in process.
 *
 * Several nodes: Virtuoso 7.2 does NOT serialise concurrent conditional updates (20 concurrent claims of one
 * position all succeeded), so on Virtuoso commits of all nodes also pass through a write lock on its atomic
 * sequences (VirtuosoWriteLock). After each commit the store still checks who holds the claimed position and
 * reports a fork (503) rather than hiding it.
 */
export interface SparqlStoreOptions {
  queryUrl: string;
  updateUrl: string;
  /** Graph Store Protocol endpoint (e.g. Virtuoso's /sparql-graph-crud); graphs are addressed with ?graph=. */
  gspUrl: string;
  /** Query parameter naming the graph in GSP requests (`graph` by the standard; Virtuoso uses `graph-uri`). */
  gspGraphParameter?: string;
  /** Base IRI of the registry: the head and journal graphs live under it. */
  baseIri: string;
  credentials?: { user: string; password: string };
  timeoutMs?: number;
  maxRetries?: number;
  /**
   * How commits of several API nodes are serialised: `virtuoso` (a ticket lock on Virtuoso's sequences),
   * `none` (the server serialises updates itself: Fuseki/TDB2, Oxigraph server, GraphDB), or `auto`
   * (default): `virtuoso` when the server says it is Virtuoso, else `none`.
   */
  writeLock?: 'auto' | 'virtuoso' | 'none';
  /** Virtuoso lock: how long a silent holder keeps the lock before waiters take it for dead. */
  lockLeaseMs?: number;
  /**
   * Largest change sent in one update operation: Virtuoso refuses an operation past ~1,000 quads ("generated
   * SQL text has exceeded 10000 lines"), and a request of several operations is not atomic there (measured:
   * an operation that failed left the one before it applied), so a commit is always one operation.
   */
  maxOperationQuads?: number;
  /** Connections this node keeps to the server at most (FMAR_SPARQL_MAX_CONNECTIONS, default 8). */
  maxConnections?: number;
}

interface PendingCommit {
  transaction: StoreTransaction;
  size: number;
  graphs: Set<string>;
  resolve(receipt: CommitReceipt): void;
  reject(error: unknown): void;
}

/** Quads a transaction will send: its additions and removals, and about a record's worth per replaced graph. */
function estimatedSize(transaction: StoreTransaction): number {
  return transaction.add.length + (transaction.remove?.length ?? 0) + 40 * (transaction.replaceGraphs?.length ?? 0);
}

const { namedNode, literal, quad } = DataFactory;

export class SparqlRegistryStore implements RegistryStore {
  private readonly http: SparqlHttpClient;
  private readonly headGraph: string;
  private lastHead: CommitReceipt = { sequence: 0, hash: GENESIS_HASH };
  private lock: WriteLock = NO_WRITE_LOCK;

  private constructor(private readonly options: Required<Omit<SparqlStoreOptions, 'credentials'>> & Pick<SparqlStoreOptions, 'credentials'>) {
    this.http = new SparqlHttpClient(options.credentials, options.maxConnections);
    this.headGraph = `${options.baseIri}.well-known/fmar/head`;
  }

  static async open(options: SparqlStoreOptions): Promise<SparqlRegistryStore> {
    const store = new SparqlRegistryStore({ gspGraphParameter: 'graph', timeoutMs: 30_000, maxRetries: 20, writeLock: 'auto', lockLeaseMs: 10_000, maxOperationQuads: 600, maxConnections: 8, ...options });
    store.lastHead = await store.readHead();
    const lockKind = store.options.writeLock === 'auto' ? ((await store.serverName()).startsWith('Virtuoso') ? 'virtuoso' : 'none') : store.options.writeLock;
    if (lockKind === 'virtuoso') {
      store.lock = new VirtuosoWriteLock({ baseIri: options.baseIri, leaseMs: store.options.lockLeaseMs, selectValue: async (sparql) => Number((await store.select(sparql)).results.bindings[0].v.value) });
    }
    return store;
  }

  /** Which write lock serialises this store's commits across nodes. */
  get writeLockKind(): 'virtuoso' | 'none' {
    return this.lock === NO_WRITE_LOCK ? 'none' : 'virtuoso';
  }

  private async serverName(): Promise<string> {
    const res = await this.http.request('POST', this.options.queryUrl, { body: `query=${encodeURIComponent('ASK {}')}`, accept: 'application/sparql-results+json', timeoutMs: this.options.timeoutMs });
    return String(res.headers.server ?? '');
  }

  head(): CommitReceipt {
    return this.lastHead;
  }

  private async readHead(): Promise<CommitReceipt> {
    const json = await this.select(`SELECT ?s ?h WHERE { GRAPH <${this.headGraph}> { <${this.headGraph}> <${FMAR}headSequence> ?s ; <${FMAR}headHash> ?h } }`);
    const row = json.results.bindings[0];
    return row ? { sequence: Number(row.s.value), hash: row.h.value } : { sequence: 0, hash: GENESIS_HASH };
  }

  private readonly queue: PendingCommit[] = [];
  private draining = false;

  /**
   * Commits of this node go out one at a time, and transactions that queue meanwhile are packed into the next
   * update (a remote group commit), up to `maxOperationQuads` and only while they touch different graphs, so
   * each one's effect is the same as if committed alone. Packed transactions share one journal record.
   */
  /** Journal records are graphs {base}.well-known/fmar/journal/{n} holding the record's text (fmar:patch). */
  async readJournal(fromSequence: number, limit: number): Promise<PatchRecord[]> {
    const out: PatchRecord[] = [];
    for (let from = Math.max(1, fromSequence); out.length < limit; from += 100) {
      const count = Math.min(100, limit - out.length);
      const graphs = Array.from({ length: count }, (_, i) => `<${this.options.baseIri}.well-known/fmar/journal/${from + i}>`);
      const rows = await selectBindings(this, `SELECT ?g ?p WHERE { VALUES ?g { ${graphs.join(' ')} } GRAPH ?g { ?g <${FMAR}patch> ?p } }`);
      const texts = rows.map((b) => ({ n: Number(b.g.value.split('/').pop()), text: b.p.value })).sort((a, b) => a.n - b.n);
      const contiguous = texts.filter((t, i) => t.n === from + i);
      out.push(...scanJournal(Buffer.from(contiguous.map((t) => t.text).join(''))).records);
      if (contiguous.length < count) break;
    }
    return out;
  }

  commit(transaction: StoreTransaction): Promise<CommitReceipt> {
    return new Promise((resolve, reject) => {
      this.queue.push({ transaction, size: estimatedSize(transaction), graphs: touchedGraphs(transaction), resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length) {
        const pack = [this.queue.shift()!];
        const graphs = new Set(pack[0].graphs);
        let size = pack[0].size;
        while (this.queue.length) {
          const next = this.queue[0];
          if (size + next.size > this.options.maxOperationQuads || [...next.graphs].some((g) => graphs.has(g))) break;
          pack.push(this.queue.shift()!);
          size += next.size;
          for (const g of next.graphs) graphs.add(g);
        }
        await this.commitPack(pack);
      }
    } finally {
      this.draining = false;
    }
  }

  private async commitPack(pack: PendingCommit[]): Promise<void> {
    try {
      const receipt = await this.commitLocked(pack.length === 1 ? pack[0].transaction : {
        replaceGraphs: pack.flatMap((p) => p.transaction.replaceGraphs ?? []),
        add: pack.flatMap((p) => p.transaction.add),
        remove: pack.flatMap((p) => p.transaction.remove ?? []),
        requires: pack.flatMap((p) => p.transaction.requires ?? []),
      });
      for (const p of pack) p.resolve(receipt);
    } catch (error) {
      // A transaction the store refuses (not an outage) must not take its pack-mates down with it.
      if (pack.length > 1 && !(error instanceof StoreUnavailableError)) {
        for (const p of pack) await this.commitPack([p]);
        return;
      }
      for (const p of pack) p.reject(error);
    }
  }

  private async commitLocked(transaction: StoreTransaction): Promise<CommitReceipt> {
    const release = await this.lock.acquire().catch((e: Error) => {
      throw new StoreUnavailableError(`could not take the remote store's write lock: ${e.message}`, e);
    });
    try {
      return await this.commitNow(transaction);
    } finally {
      await release().catch(() => undefined);
    }
  }

  private async commitNow(transaction: StoreTransaction): Promise<CommitReceipt> {
    for (let attempt = 0; attempt <= this.options.maxRetries; attempt++) {
      const head = await this.readHead();
      const current = await this.readGraphs([...touchedGraphs(transaction)]);
      const { removed, added } = await exactPatch(transaction, (g) => current.get(g) ?? []);
      const record = { sequence: head.sequence + 1, previousHash: head.hash, time: new Date().toISOString(), removed, added };
      const { text, hash } = writePatchRecord(record);
      const journalGraph = namedNode(`${this.options.baseIri}.well-known/fmar/journal/${record.sequence}`);
      const headNode = namedNode(this.headGraph);
      const newHead = [
        quad(headNode, namedNode(`${FMAR}headSequence`), literal(String(record.sequence), namedNode(`${XSD}integer`)), headNode),
        quad(headNode, namedNode(`${FMAR}headHash`), literal(hash), headNode),
        quad(journalGraph, namedNode(`${FMAR}patch`), literal(text), journalGraph),
        quad(journalGraph, namedNode(`${FMAR}contentHash`), literal(hash), journalGraph),
      ];
      // The claim: matches only the head this node read (or no head at all for the first transaction).
      const where = head.sequence === 0
        ? `FILTER NOT EXISTS { GRAPH <${this.headGraph}> { <${this.headGraph}> <${FMAR}headSequence> ?any } }`
        : `GRAPH <${this.headGraph}> { <${this.headGraph}> <${FMAR}headSequence> ?s ; <${FMAR}headHash> ?h } FILTER (?s = ${head.sequence} && STR(?h) = "${head.hash}")`;
      const deleteHead = head.sequence === 0 ? '' : `GRAPH <${this.headGraph}> { <${this.headGraph}> <${FMAR}headSequence> ?s ; <${FMAR}headHash> ?h } `;
      const update = `DELETE { ${deleteHead}${graphBlocks(removed)} } INSERT { ${graphBlocks([...added, ...newHead])} } WHERE { ${where} }`;
      await this.post(this.options.updateUrl, `update=${encodeURIComponent(update)}`, 'application/sparql-results+json, application/json;q=0.9, */*;q=0.1');
      // SPARQL 1.1 Update reports no counts: the journal graph of the claimed position says who won it.
      const claims = (await this.select(`SELECT ?h WHERE { GRAPH <${journalGraph.value}> { <${journalGraph.value}> <${FMAR}contentHash> ?h } }`)).results.bindings.map((b) => b.h.value);
      if (claims.length > 1 && claims.includes(hash)) {
        throw new StoreUnavailableError(`journal position ${record.sequence} was claimed by ${claims.length} writers at once: the remote store does not serialise conditional updates (use FMAR_SPARQL_WRITE_LOCK=virtuoso on Virtuoso, or run one writing node)`);
      }
      if (claims.includes(hash)) {
        this.lastHead = { sequence: record.sequence, hash };
        return this.lastHead;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * (attempt + 1)));
    }
    throw new StoreUnavailableError(`could not claim the next journal position after ${this.options.maxRetries} attempts (heavy concurrent writing)`);
  }

  /**
   * Several graphs in one round trip per hundred (a bulk transaction touches hundreds of new graphs; reading
   * them one GSP request at a time cost a round trip each).
   */
  async readGraphs(graphs: string[]): Promise<Map<string, Quad[]>> {
    const result = new Map<string, Quad[]>(graphs.map((g) => [g, []]));
    for (let i = 0; i < graphs.length; i += 100) {
      const values = graphs.slice(i, i + 100).map((g) => `<${g}>`).join(' ');
      const rows = (await this.select(`SELECT ?g ?s ?p ?o WHERE { VALUES ?g { ${values} } GRAPH ?g { ?s ?p ?o } }`)).results.bindings;
      for (const row of rows) result.get(row.g.value)!.push(quad(fromJsonTerm(row.s) as Quad['subject'], namedNode(row.p.value), fromJsonTerm(row.o) as Quad['object'], namedNode(row.g.value)));
    }
    return result;
  }

  async readGraph(graph: string): Promise<Quad[]> {
    const url = `${this.options.gspUrl}?${this.options.gspGraphParameter}=${encodeURIComponent(graph)}`;
    const res = await this.http.request('GET', url, { accept: 'application/n-triples', timeoutMs: this.options.timeoutMs }).catch((e: Error) => {
      throw new StoreUnavailableError(`the remote store did not answer: ${e.message}`, e);
    });
    if (res.status === 404) return [];
    if (res.status >= 300) throw new StoreUnavailableError(`the remote store answered ${res.status} to a graph read`);
    const g = namedNode(graph);
    // Virtuoso separates N-Triples terms with tabs; N3's parser accepts any whitespace.
    return new Parser({ format: 'N-Triples' }).parse(res.body).map((t) => quad(t.subject, t.predicate, t.object, g));
  }

  async graphExists(graph: string): Promise<boolean> {
    const res = await this.post(this.options.queryUrl, `query=${encodeURIComponent(`ASK { GRAPH <${graph}> { ?s ?p ?o } }`)}`, 'application/sparql-results+json');
    return (JSON.parse(res) as { boolean: boolean }).boolean;
  }

  query(sparql: string, options: QueryOptions): Promise<string> {
    return this.queryWithDeadline({ sparql, ...options }, this.options.timeoutMs);
  }

  /** A query with its own deadline: the request is aborted when it passes (the server stops with it or its own limit). */
  async queryWithDeadline(request: QueryRequest, timeoutMs: number): Promise<string> {
    const params = new URLSearchParams({ query: request.sparql });
    for (const g of request.defaultGraphs ?? []) params.append('default-graph-uri', g);
    for (const g of request.namedGraphs ?? []) params.append('named-graph-uri', g);
    const res = await this.http.request('POST', this.options.queryUrl, { body: params.toString(), accept: request.resultsFormat, timeoutMs }).catch((e: Error) => {
      throw /within/.test(e.message) ? new QueryTimeoutError(timeoutMs) : new StoreUnavailableError(`the remote store did not answer: ${e.message}`, e);
    });
    if (res.status === 400) throw new QuerySyntaxError(res.body.slice(0, 500));
    // Virtuoso refuses a query whose estimated cost is past its own limit at once, with a 500: the query's fault,
    // not the store's (the same 503 Query Timeout as a query stopped at the deadline).
    // (Its estimate can overflow to a negative number of seconds.)
    const estimate = /The estimated execution time -?\d+ \(sec\) exceeds the limit of (\d+) \(sec\)/.exec(res.body);
    if (estimate) throw new QueryTimeoutError(timeoutMs, `the SPARQL server estimated the query would run past its limit of ${estimate[1]} s and refused it`);
    if (res.status >= 300) throw new StoreUnavailableError(`the remote store answered ${res.status}: ${res.body.slice(0, 200)}`);
    return request.resultsFormat.includes('sparql-results+json') ? normaliseJsonResults(res.body) : res.body;
  }

  private async select(sparql: string): Promise<{ results: { bindings: Record<string, BindingTerm>[] } }> {
    return JSON.parse(await this.post(this.options.queryUrl, `query=${encodeURIComponent(sparql)}`, 'application/sparql-results+json')) as { results: { bindings: Record<string, BindingTerm>[] } };
  }

  private async post(url: string, body: string, accept: string): Promise<string> {
    const res = await this.http.request('POST', url, { body, accept, timeoutMs: this.options.timeoutMs }).catch((e: Error) => {
      throw new StoreUnavailableError(`the remote store did not answer: ${e.message}`, e);
    });
    if (res.status >= 300) throw new StoreUnavailableError(`the remote store answered ${res.status}: ${res.body.slice(0, 300)}`, new RemoteStoreError(res.body, res.status));
    return res.body;
  }

  async close(): Promise<void> {
    this.http.close();
  }
}

/** SPARQL for the HTTP endpoint goes straight to the remote server, with the endpoint's deadline. */
export function remoteQueryRunner(store: SparqlRegistryStore): QueryRunner {
  return { query: (request, timeoutMs) => store.queryWithDeadline(request, timeoutMs), close: async () => undefined };
}

/** A term of SPARQL 1.1 JSON results (and Virtuoso's SPARQL 1.0 "typed-literal") as an RDF/JS term. */
function fromJsonTerm(term: BindingTerm): Quad['object'] {
  if (term.type === 'uri') return namedNode(term.value);
  if (term.type === 'bnode') return DataFactory.blankNode(term.value);
  if (term['xml:lang']) return literal(term.value, term['xml:lang']);
  return literal(term.value, term.datatype && term.datatype !== `${XSD}string` ? namedNode(term.datatype) : undefined);
}

/** Virtuoso writes "typed-literal" (SPARQL 1.0 JSON); SPARQL 1.1 says "literal" with a datatype. */
function normaliseJsonResults(body: string): string {
  return body.replace(/"type"\s*:\s*"typed-literal"/g, '"type": "literal"');
}
