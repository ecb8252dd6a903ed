import { open, type FileHandle } from 'node:fs/promises';

/**
 * The append-only journal file. `append` resolves only after the bytes are on disk (fdatasync). Appends
 * that arrive while a flush is running are written and synced together by the next flush (group commit),
 * so concurrent writers share one fsync. On a failed write or sync the file is cut back to the last
 * synced length and every caller in the batch, and every append queued after it, gets the error:
 * nothing half-written stays behind.
 */
/**
 * Fault injection for tests: called before each write and each sync of a real journal file; throwing an
 * error with an errno code (ENOSPC, EIO) makes that operation fail as the disk would.
 */
export interface JournalFaults {
  beforeWrite?(): void;
  beforeSync?(): void;
}

export class Journal {
  private pending: { text: string; resolve: (endOffset: number) => void; reject: (error: Error) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private syncedLength: number;

  private constructor(private readonly handle: FileHandle, length: number, readonly path: string, private readonly faults: JournalFaults = {}) {
    this.syncedLength = length;
  }

  /** Opens the journal for appending after `validLength` bytes, cutting off anything beyond (a torn tail). */
  static async open(path: string, validLength: number, faults?: JournalFaults): Promise<Journal> {
    const handle = await open(path, 'a+');
    const { size } = await handle.stat();
    if (size > validLength) {
      await handle.truncate(validLength);
      await handle.datasync();
    }
    return new Journal(handle, validLength, path, faults);
  }

  get length(): number {
    return this.syncedLength;
  }

  /** Resolves with the journal length just after this text, once it is on disk. */
  append(text: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending.push({ text, resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length) {
        const batch = this.pending;
        this.pending = [];
        const parts = batch.map((b) => Buffer.from(b.text, 'utf8'));
        const bytes = Buffer.concat(parts);
        try {
          this.faults.beforeWrite?.();
          // A write may be short (a nearly full disk): write the rest until all is written or it fails.
          for (let written = 0; written < bytes.length; ) {
            const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written, null);
            if (bytesWritten === 0) throw Object.assign(new Error('no space left on device (short write)'), { code: 'ENOSPC' });
            written += bytesWritten;
          }
          this.faults.beforeSync?.();
          await this.handle.datasync();
          let end = this.syncedLength;
          this.syncedLength += bytes.length;
          batch.forEach((b, i) => b.resolve((end += parts[i].length)));
        } catch (error) {
          // Later appends were prepared on top of this batch: they fail with it.
          const failed = [...batch, ...this.pending];
          this.pending = [];
          await this.handle.truncate(this.syncedLength).catch(() => undefined);
          failed.forEach((b) => b.reject(error as Error));
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Waits for queued appends, then closes the file. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.handle.close();
  }
}
