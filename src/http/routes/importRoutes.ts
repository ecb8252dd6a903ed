import express from 'express';
import { isAdministrator } from '../../access/Principal.js';
import { IMPORT_KINDS } from '../../import/importers.js';
import { importIntoRegistry } from '../../import/importIntoRegistry.js';
import { importReportCsv } from '../../import/importReport.js';
import { SourceDescriptionError } from '../../import/ImportRun.js';
import { TabularFileError } from '../../import/tabularFile.js';
import type { Registry } from '../../registry.js';
import { principalOf } from '../authentication.js';
import { ForbiddenHttpError, HttpError, NotFoundHttpError, UnauthorizedHttpError } from '../HttpError.js';
import { negotiate } from '../negotiate.js';

const REPORT_TYPES = ['application/json', 'text/csv'] as const;

/**
 * POST /imports/{kind} (issue #9, `fmar import --url`): imports a published file into this running registry, as the
 * command line does on a data folder (docs/import/). Administrators only: imports write reference data everyone
 * reads. The body is the file's bytes as published (any media type: the reader detects the encoding); `?file=`
 * names it for the provenance (default: the kind), `?operator=` names an ECR's operator, and `?publisher=`,
 * `?licence=`, `?attribution=`, `?title=` describe a file the importer does not know (another DNO's register). The answer is the summary
 * and the row report (JSON), or the row report as CSV (Accept: text/csv). A file that cannot be read is a 422 naming
 * its line, and nothing is imported.
 */
export function importRoutes(registry: Registry): express.Router {
  const router = express.Router();
  router.post(
    '/imports/:kind',
    (req, res, next) => {
      const principal = principalOf(res);
      if (principal.kind === 'anonymous') throw new UnauthorizedHttpError('importing files needs an administrator\'s credentials');
      if (!isAdministrator(principal)) throw new ForbiddenHttpError('only administrators import published files (reference data that everyone reads)');
      if (!IMPORT_KINDS.includes(req.params.kind)) throw new NotFoundHttpError(`no importer for ${JSON.stringify(req.params.kind)}; one of ${IMPORT_KINDS.join(', ')}`);
      res.locals.reportType = negotiate(req, REPORT_TYPES);
      next();
    },
    express.raw({ type: () => true, limit: '128mb' }),
    async (req, res) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const fileName = typeof req.query.file === 'string' && req.query.file ? req.query.file.slice(0, 200) : `${req.params.kind}.csv`;
      const text = (name: string) => (typeof req.query[name] === 'string' && req.query[name] ? String(req.query[name]).slice(0, 500) : undefined);
      const operator = text('operator');
      const source = Object.fromEntries(['publisher', 'licence', 'attribution', 'title'].flatMap((name) => (text(name) === undefined ? [] : [[name, text(name)!]])));
      try {
        const { summary, rows } = await importIntoRegistry(registry, req.params.kind, bytes, fileName, { operator, source, agentIri: principalOf(res).agentIri });
        if (res.locals.reportType === 'text/csv') res.type('text/csv').send(importReportCsv(rows));
        else res.json({ summary, rows });
      } catch (error) {
        if (error instanceof TabularFileError) throw new HttpError(422, 'Unreadable File', error.message, undefined, { line: error.line });
        if (error instanceof SourceDescriptionError) throw new HttpError(422, 'Unknown Licence', error.message);
        throw error;
      }
    },
  );
  return router;
}
