import express from 'express';
import { Writer } from 'n3';
import { authorizeExport } from '../../access/AccessPolicy.js';
import { visibleRecord } from '../../access/recordVisibility.js';
import { RECORD_KINDS } from '../../domain/RecordKind.js';
import type { Registry } from '../../registry.js';
import { principalOf, readersOf } from '../authentication.js';
import { BadRequestHttpError } from '../HttpError.js';

/**
 * GET /export[?kind=assets]: the current state of every record the principal may read, as N-Quads in the
 * records' own graphs, streamed page by page (never the whole file in memory). The same audiences decide
 * what is exported as what REST and SPARQL show; the export itself is logged (UC-02.05, UC-05.01).
 * CSV and the other formats of UC-02.05 come with the asset issue (#7).
 */
export function exportRoutes(registry: Registry): express.Router {
  const router = express.Router();
  router.get('/export', async (req, res) => {
    const principal = principalOf(res);
    authorizeExport(principal);
    const readers = readersOf(res);
    const wanted = typeof req.query.kind === 'string' ? RECORD_KINDS.filter((k) => k.path === req.query.kind) : RECORD_KINDS;
    if (!wanted.length) throw new BadRequestHttpError(`kind is one of ${RECORD_KINDS.map((k) => k.path).join(', ')}`);
    registry.accessLog.record({ principal, channel: 'export', query: `GET ${req.originalUrl}`, at: new Date() });
    res.type('application/n-quads').set('Content-Disposition', 'attachment; filename="fmar-export.nq"');
    for (const kind of wanted) {
      let after: string | undefined;
      for (;;) {
        const page = await registry.records.list(kind, { limit: 100, after, filters: {}, readers });
        const writer = new Writer({ format: 'N-Quads' });
        for (const item of page.items) {
          const seen = visibleRecord(item, readers);
          if (seen) writer.addQuads(seen.quads);
        }
        const text = await new Promise<string>((resolve, reject) => writer.end((error, result) => (error ? reject(error) : resolve(result))));
        // Back-pressure: wait for the client to drain before reading the next page.
        if (!res.write(text)) await new Promise((resolve) => res.once('drain', resolve));
        if (!page.more) break;
        after = page.last;
      }
    }
    res.end();
  });
  return router;
}
