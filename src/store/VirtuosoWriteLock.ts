import { createHash } from 'node:crypto';

/**
 * Serialises commits of several API nodes writing to one remote store (issue #5: "two nodes writing
 * concurrently must never fork the chain").
 *
 * Why a lock at all: the journal position is claimed by a conditional SPARQL update, which is enough on servers
 * that run updates one at a time (Fuseki/TDB2, Oxigraph server, GraphDB), but Virtuoso 7.2 does not isolate the
 * WHERE of an update from concurrent updates: measured, 20 concurrent claims of one position all succeeded.
 *
 * How: a ticket lock on Virtuoso's SQL sequences, which are atomic and reachable from SPARQL as `bif:`
 * functions (no SQL driver needed). A writer takes a ticket with `sequence_next(ticket)` and writes once
 * `now-serving` equals it; releasing raises `now-serving` to ticket + 1 with `sequence_set(..., mode 1)`, which
 * only ever raises, so a late or repeated release cannot move it back. While holding, the writer beats a third
 * sequence; a waiter that sees neither `now-serving` nor the beat change for a whole lease takes the holder
 * for dead (a killed node) and raises `now-serving` past it. The conditional update and the claim check after
 * it stay in place as the fence: a holder presumed dead that wakes up later cannot fork the chain unseen.
 */
export interface WriteLock {
  /** Resolves when this caller may write; call the returned function when done (also after a failure). */
  acquire(): Promise<() => Promise<void>>;
}

/** Servers whose updates are serialisable need no lock: the conditional update alone decides. */
export const NO_WRITE_LOCK: WriteLock = { acquire: async () => async () => undefined };

export interface VirtuosoWriteLockOptions {
  /** Runs a SELECT and returns the first binding's value of ?v. */
  selectValue(sparql: string): Promise<number>;
  /** Registry base IRI: each registry in a server has its own lock. */
  baseIri: string;
  /** How long a holder may go without a beat before waiters take it for dead (default 10 s). */
  leaseMs?: number;
  /** Longest pause between two looks at `now-serving` (default 25 ms). */
  maxPollMs?: number;
}

export class VirtuosoWriteLock implements WriteLock {
  private readonly ticketSequence: string;
  private readonly servingSequence: string;
  private readonly beatSequence: string;
  private readonly leaseMs: number;
  private readonly maxPollMs: number;

  constructor(private readonly options: VirtuosoWriteLockOptions) {
    const id = createHash('sha256').update(options.baseIri).digest('hex').slice(0, 16);
    this.ticketSequence = `fmar_lock_${id}_ticket`;
    this.servingSequence = `fmar_lock_${id}_serving`;
    this.beatSequence = `fmar_lock_${id}_beat`;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.maxPollMs = options.maxPollMs ?? 25;
  }

  async acquire(): Promise<() => Promise<void>> {
    let ticket = await this.next(this.ticketSequence);
    let seen = { serving: -1, beat: -1, since: Date.now() };
    let pause = 1;
    for (;;) {
      const serving = await this.current(this.servingSequence);
      if (serving === ticket) return this.hold(ticket);
      if (serving > ticket) {
        // Skipped (this node was taken for dead) or the sequences were reset: queue again.
        ticket = await this.next(this.ticketSequence);
        if (ticket < serving) ticket = await this.raise(this.ticketSequence, serving);
        continue;
      }
      const beat = await this.current(this.beatSequence);
      if (serving !== seen.serving || beat !== seen.beat) {
        seen = { serving, beat, since: Date.now() };
      } else if (Date.now() - seen.since > this.leaseMs) {
        await this.raise(this.servingSequence, serving + 1);
        seen = { serving: -1, beat: -1, since: Date.now() };
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(this.maxPollMs, pause * 2);
    }
  }

  private hold(ticket: number): () => Promise<void> {
    const beating = setInterval(() => void this.next(this.beatSequence).catch(() => undefined), Math.max(50, this.leaseMs / 4));
    beating.unref();
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      clearInterval(beating);
      await this.raise(this.servingSequence, ticket + 1);
    };
  }

  /** Returns the value before the increment. */
  private next(sequence: string): Promise<number> {
    return this.options.selectValue(`SELECT (bif:sequence_next("${sequence}") AS ?v) {}`);
  }

  private current(sequence: string): Promise<number> {
    return this.options.selectValue(`SELECT (bif:sequence_set("${sequence}", 0, 2) AS ?v) {}`);
  }

  /** Sets the sequence to `value` unless it is already higher; returns the resulting value. */
  private raise(sequence: string, value: number): Promise<number> {
    return this.options.selectValue(`SELECT (bif:sequence_set("${sequence}", ${value}, 1) AS ?v) {}`);
  }
}
