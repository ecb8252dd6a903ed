import { v7 as uuidv7 } from 'uuid';
import type { BulkReportRow } from './BulkRegistration.js';

/** Where an upload stands: counts so far, and the per-row report once it has finished. */
export interface BulkUploadProgress {
  id: string;
  status: 'running' | 'finished' | 'failed';
  startedAt: string;
  finishedAt?: string;
  /** Rows in the upload. */
  rows: number;
  /** Rows with an outcome so far. */
  rowsDone: number;
  /** created + existing. */
  accepted: number;
  created: number;
  existing: number;
  rejected: number;
  /** Why the upload stopped, when it failed (rows reported before that stay as reported). */
  error?: string;
}

/**
 * One bulk upload: it counts the outcomes of its rows as they come and keeps the per-row report. The same
 * object serves a synchronous upload (the report is the response) and one run in the background (the
 * progress resource GET /bulk-uploads/{id} reads it).
 */
export class BulkUpload {
  readonly id = uuidv7();
  readonly report: BulkReportRow[] = [];
  private readonly progressState: BulkUploadProgress;

  constructor(readonly owner: string, rows: number) {
    this.progressState = { id: this.id, status: 'running', startedAt: new Date().toISOString(), rows, rowsDone: 0, accepted: 0, created: 0, existing: 0, rejected: 0 };
  }

  progress(): BulkUploadProgress {
    return { ...this.progressState };
  }

  get finished(): boolean {
    return this.progressState.status !== 'running';
  }

  /** Consumes the outcomes, counting each; resolves when the last row is done, or marks the upload failed. */
  async run(outcomes: AsyncIterable<BulkReportRow>): Promise<void> {
    const p = this.progressState;
    try {
      for await (const outcome of outcomes) {
        this.report.push(outcome);
        p.rowsDone++;
        p[outcome.status]++;
        if (outcome.status !== 'rejected') p.accepted++;
      }
      p.status = 'finished';
    } catch (error) {
      p.status = 'failed';
      p.error = (error as Error).message;
      throw error;
    } finally {
      p.finishedAt = new Date().toISOString();
    }
  }
}

export interface BulkUploadsOptions {
  /** How long a finished upload's report stays readable (default one hour). */
  keepFinishedMs?: number;
  /** Finished uploads kept at most; the oldest go first (default 100). */
  maxFinished?: number;
}

/**
 * The uploads that run in the background (`Prefer: respond-async`), by ID, for their progress resource. Kept
 * in this process's memory: a restart forgets them (the rows they registered are durable, and a re-upload
 * with the same row keys reports them as `existing`). Finished uploads are dropped after `keepFinishedMs`.
 */
export class BulkUploads {
  private readonly uploads = new Map<string, BulkUpload>();
  private readonly keepFinishedMs: number;
  private readonly maxFinished: number;

  constructor(options: BulkUploadsOptions = {}) {
    this.keepFinishedMs = options.keepFinishedMs ?? 3_600_000;
    this.maxFinished = options.maxFinished ?? 100;
  }

  /** Starts consuming `outcomes` in the background; `onError` hears why an upload failed. */
  start(upload: BulkUpload, outcomes: AsyncIterable<BulkReportRow>, onError: (error: unknown) => void = () => undefined): void {
    this.forgetOld();
    this.uploads.set(upload.id, upload);
    upload.run(outcomes).catch(onError);
  }

  get(id: string): BulkUpload | undefined {
    this.forgetOld();
    return this.uploads.get(id);
  }

  private forgetOld(now = Date.now()): void {
    const finished = [...this.uploads.values()].filter((u) => u.finished);
    finished.forEach((u, i) => {
      const age = now - Date.parse(u.progress().finishedAt ?? new Date(now).toISOString());
      if (age > this.keepFinishedMs || i < finished.length - this.maxFinished) this.uploads.delete(u.id);
    });
  }
}
