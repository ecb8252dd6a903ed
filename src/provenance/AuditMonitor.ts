import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { GENESIS_HASH, scanJournal } from '../store/rdfPatch.js';
import { checkChain, JOURNAL_FILE, type AuditReport } from './auditVerification.js';

/**
 * Verifies the journal of a running registry incrementally: each call checks the records appended since the
 * last verified one (`GET /audit/verify`). A record still being written at the end is simply not verified yet.
 */
export interface AuditStatus {
  ok: boolean;
  verifiedHead: { sequence: number; hash: string };
  verifiedAt: string;
  firstAltered?: AuditReport['firstAltered'];
}

export interface AuditVerifier {
  verify(): Promise<AuditStatus>;
}

export class AuditMonitor implements AuditVerifier {
  private head = { sequence: 0, hash: GENESIS_HASH };
  private offset = 0;
  private altered: AuditReport['firstAltered'];

  constructor(private readonly dataDir: string) {}

  async verify(): Promise<AuditStatus> {
    if (!this.altered) {
      const handle = await open(join(this.dataDir, JOURNAL_FILE), 'r').catch(() => undefined);
      if (handle) {
        try {
          const { size } = await handle.stat();
          const buffer = Buffer.alloc(size - this.offset);
          await handle.read(buffer, 0, buffer.length, this.offset);
          const scan = scanJournal(buffer);
          const chain = checkChain(scan.records, this.head);
          if (chain.firstAltered) this.altered = { ...chain.firstAltered, offset: chain.firstAltered.offset + this.offset };
          else if (scan.problem?.kind === 'damaged') this.altered = { sequence: chain.head.sequence + 1, offset: scan.problem.offset + this.offset, reason: scan.problem.reason };
          const lastEnd = scan.records.at(-1)?.end;
          if (lastEnd !== undefined && !this.altered) this.offset += lastEnd;
          if (!this.altered) this.head = chain.head;
        } finally {
          await handle.close();
        }
      }
    }
    return { ok: !this.altered, verifiedHead: this.head, verifiedAt: new Date().toISOString(), ...(this.altered ? { firstAltered: this.altered } : {}) };
  }
}
