import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import express from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { RECORD_KINDS } from '../domain/RecordKind.js';
import { projectRoot } from '../projectRoot.js';
import { FMAR, PROV, RDF, RDFS, SKOS, XSD } from '../rdf/namespaces.js';
import type { Registry } from '../registry.js';
import cors from 'cors';
import helmet from 'helmet';
import { authenticate, rateLimitPerCredential } from './authentication.js';
import { recordWrites } from './recordWrites.js';
import { consentCallbackRoutes } from './routes/consentCallbackRoutes.js';
import { importRoutes } from './routes/importRoutes.js';
import { marketUnitRoutes } from './routes/marketUnitRoutes.js';
import { apiKeyRoutes } from './routes/apiKeyRoutes.js';
import { assetExportRoutes } from './routes/assetExportRoutes.js';
import { bulkRoutes } from './routes/bulkRoutes.js';
import { exportRoutes } from './routes/exportRoutes.js';
import { feedRoutes } from './routes/feedRoutes.js';
import { webhookRoutes } from './routes/webhookRoutes.js';
import { lifecycleRoutes } from './routes/lifecycleRoutes.js';
import { NotFoundHttpError } from './HttpError.js';
import { apiReferencePage } from './browserPages.js';
import { landingPage } from './landingPage.js';
import { openApiDocument } from './openApiDocument.js';
import { problemDetailsHandler } from './problemDetails.js';
import { checkJsonBody } from './strictJson.js';
import { RecordRepresentation } from './recordRepresentation.js';
import { recordRoutes } from './routes/recordRoutes.js';
import { sparqlRoutes } from './routes/sparqlRoutes.js';

/**
 * The composition root of the HTTP layer: wires the registry's services into express 5 routes. Express 5
 * passes rejected promises of async handlers to the error middleware, which renders problem+json.
 */
export function createApp(registry: Registry, logger: Logger): express.Express {
  const { config } = registry;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', false);
  // Secrets never reach the logs: pino-http's request serialiser drops the credential headers.
  app.use(pinoHttp({ logger, quietReqLogger: true, autoLogging: { ignore: (req) => req.url === '/health' }, redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' } }));
  // Security headers; the browser pages (YASGUI, Swagger UI, record pages) are served from here with inline bootstraps.
  app.use(helmet({
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"], upgradeInsecureRequests: null } },
    crossOriginEmbedderPolicy: false,
  }));
  // CORS that works with bearer credentials: the headers the API reads and the ones clients need to see.
  app.use(cors({
    origin: config.corsOrigins === '*' ? '*' : config.corsOrigins,
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'If-Match', 'Prefer', 'FMAR-On-Behalf-Of', 'FMAR-Purpose'],
    exposedHeaders: ['ETag', 'Location', 'Link', 'FMAR-Result-Truncated', 'FMAR-Shown-Once', 'RateLimit', 'RateLimit-Policy', 'WWW-Authenticate', 'Preference-Applied', 'Retry-After', 'Content-Disposition'],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    maxAge: 600,
  }));
  const prefixes = { fmar: FMAR, rdf: RDF, rdfs: RDFS, xsd: XSD, skos: SKOS, prov: PROV };
  const representation = new RecordRepresentation(registry.model, registry.documentLoader, prefixes);
  // Before the JSON parser: consent callbacks are verified on their raw bytes.
  app.use(consentCallbackRoutes(registry, representation));
  app.use(express.json({ type: ['application/json', 'application/ld+json', 'application/merge-patch+json'], limit: config.bodyLimit, strict: true, verify: (_req, _res, buffer) => checkJsonBody(buffer) }));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', journal: registry.store.head() });
  });
  app.use(authenticate(registry.authenticator, config.baseIri));
  app.use(rateLimitPerCredential(config.rateLimit));
  app.get('/', async (req, res) => {
    const counts = Object.fromEntries(await Promise.all(RECORD_KINDS.map(async (k) => [k.path, await registry.records.count(k)] as const)));
    if (req.accepts(['text/html', 'application/json']) === 'text/html') res.type('text/html').send(landingPage(counts, registry.store.head().sequence));
    else res.json({ name: 'FMAR registry', records: counts, journal: registry.store.head(), sparql: `${config.baseIri}sparql`, context: 'https://w3id.org/fmar/context/v1' });
  });
  app.get('/audit/verify', async (_req, res) => {
    const status = await registry.audit.verify();
    res.status(status.ok ? 200 : 500).json({ ...status, journalHead: registry.store.head() });
  });
  app.get('/context/v1', (_req, res) => {
    res.type('application/ld+json').json(registry.context);
  });
  app.use('/ontology', express.static(join(projectRoot(), 'docs/ontology')));
  // Browser tools come from npm packages, served from here: no CDN.
  const require = createRequire(import.meta.url);
  app.use('/static/yasgui', express.static(join(dirname(require.resolve('@zazuko/yasgui/package.json')), 'build')));
  app.use('/static/swagger-ui', express.static(dirname(require.resolve('swagger-ui-dist/package.json'))));
  const openApi = openApiDocument(JSON.parse(readFileSync(join(projectRoot(), 'shapes/openapi-components.json'), 'utf8')), RECORD_KINDS, config.baseIri);
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  app.get('/docs', (_req, res) => {
    res.type('text/html').send(apiReferencePage());
  });
  app.use('/shapes', express.static(join(projectRoot(), 'shapes')));
  // Before the record routes: /assets/export and /assets/bulk are not asset IDs.
  app.use(assetExportRoutes(registry, representation));
  app.use(bulkRoutes(registry));
  app.use(importRoutes(registry));
  app.use(lifecycleRoutes(registry, representation));
  app.use(marketUnitRoutes(registry, representation));
  for (const kind of RECORD_KINDS) {
    app.use(recordRoutes({ kind, records: registry.records, representation, baseIri: config.baseIri, writes: recordWrites(registry, kind), accessLog: registry.accessLog }));
  }
  app.use(apiKeyRoutes(registry));
  app.use(exportRoutes(registry));
  app.use(feedRoutes(registry));
  app.use(webhookRoutes(registry));
  app.use(sparqlRoutes({ registry }));
  app.use((req, _res, next) => next(new NotFoundHttpError(`nothing at ${req.path}`)));
  app.use(problemDetailsHandler);
  return app;
}
