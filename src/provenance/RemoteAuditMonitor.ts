import { FMAR } from '../rdf/namespaces.js';
import { GENESIS_HASH, scanJournal } from '../store/rdfPatch.js';
import { selectBindings } from '../store/selectBindings.js';
import type { SparqlRegistryStore } from '../store/SparqlRegistryStore.js';
import type { AuditReport } from './auditVerification.js';
import { checkChain } from './auditVerification.js';
import type { AuditStatus, AuditVerifier } from './AuditMonitor.js';

/**
 * Verifies the journal a remote store keeps (one graph per transaction) incrementally, with the same hash
 * chain check as the embedded journal: each record's body hash, and each record naming its predecessor.
 */
export class RemoteAuditMonitor implements AuditVerifier {
  private head = { sequence: 0, hash: GENESIS_HASH };
  private altered: AuditReport['firstAltered'];

  constructor(private readonly store: SparqlRegistryStore, private readonly baseIri: string) {}

  async verify(): Promise<AuditStatus> {
    while (!this.altered) {
      const from = this.head.sequence + 1;
      const graphs = Array.from({ length: 50 }, (_, i) => `<${this.baseIri}.well-known/fmar/journal/${from + i}>`);
      const rows = await selectBindings(this.store, `SELECT ?g ?p WHERE { VALUES ?g { ${graphs.join(' ')} } GRAPH ?g { ?g <${FMAR}patch> ?p } }`);
      const texts = rows.map((b) => ({ n: Number(b.g.value.split('/').pop()), text: b.p.value })).sort((a, b) => a.n - b.n);
      const contiguous = texts.filter((t, i) => t.n === from + i);
      if (!contiguous.length) break;
      const scan = scanJournal(Buffer.from(contiguous.map((t) => t.text).join('')));
      const chain = checkChain(scan.records, this.head);
      if (chain.firstAltered || scan.problem) {
        this.altered = chain.firstAltered ?? { sequence: chain.head.sequence + 1, offset: 0, reason: scan.problem!.reason };
        break;
      }
      this.head = chain.head;
      if (contiguous.length < graphs.length) break;
    }
    return { ok: !this.altered, verifiedHead: this.head, verifiedAt: new Date().toISOString(), ...(this.altered ? { firstAltered: this.altered } : {}) };
  }
}
