import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AccessLog } from './access/AccessLog.js';
import { Authenticator } from './access/Authenticator.js';
import { CredentialService } from './access/CredentialService.js';
import { JwtVerifier } from './access/JwtVerifier.js';
import type { RegistryConfig } from './config.js';
import { ApiKeyService } from './domain/ApiKeyService.js';
import { AssetService } from './domain/AssetService.js';
import { AssetVerification } from './domain/AssetVerification.js';
import { AuthenticityChecks } from './domain/authenticity/AuthenticityChecks.js';
import { CategorySchemas } from './domain/CategorySchemas.js';
import { ChangeFeed } from './domain/ChangeFeed.js';
import { ConnectionLimitService } from './domain/ConnectionLimitService.js';
import { ConsentService } from './domain/ConsentService.js';
import { MarketUnitService } from './domain/MarketUnitService.js';
import { QualificationService } from './domain/QualificationService.js';
import { ServiceWindowService } from './domain/ServiceWindowService.js';
import { SwitchScheduler } from './domain/SwitchScheduler.js';
import { SwitchService } from './domain/SwitchService.js';
import { HttpConsentVerifier } from './consent/HttpConsentVerifier.js';
import { WebhookService } from './domain/WebhookService.js';
import { OrganisationService } from './domain/OrganisationService.js';
import { PlatformService } from './domain/PlatformService.js';
import { UserService } from './domain/UserService.js';
import { RECORD_KINDS } from './domain/RecordKind.js';
import { AuditMonitor, type AuditVerifier } from './provenance/AuditMonitor.js';
import { RemoteAuditMonitor } from './provenance/RemoteAuditMonitor.js';
import { RecordService } from './domain/RecordService.js';
import { SparqlUpdateService } from './domain/SparqlUpdateService.js';
import { generateContext } from './ontology/contextGenerator.js';
import { loadOntologyModel } from './ontology/loadOntologyModel.js';
import { ModelQueries } from './ontology/modelQueries.js';
import { dropLegacyEcrEdition } from './domain/authenticity/legacyEcrEdition.js';
import { ReferencePartyLinker } from './import/ReferencePartyLinker.js';
import { importUnlessImported } from './import/importIntoRegistry.js';
import type { ImportSummary } from './import/ImportRun.js';
import { projectRoot } from './projectRoot.js';
import { createLocalDocumentLoader, type DocumentLoader } from './rdf/documentLoader.js';
import { FMAR_CONTEXT_URL } from './rdf/namespaces.js';
import { parseTurtle } from './rdf/readTurtle.js';
import { OxigraphRegistryStore, type OxigraphStoreOptions } from './store/OxigraphRegistryStore.js';
import { ObservedStore } from './store/ObservedStore.js';
import { QueryReplica } from './store/QueryReplica.js';
import type { QueryRunner } from './store/QueryRunner.js';
import type { RegistryStore } from './store/RegistryStore.js';
import { SparqlRegistryStore, remoteQueryRunner } from './store/SparqlRegistryStore.js';
import { RequestBodyValidator } from './validation/RequestBodyValidator.js';
import { openShapesValidator } from './validation/openShapesValidator.js';
import { ShaclWorkerPool, type RecordValidator } from './validation/ShaclWorkerPool.js';

/**
 * Everything a running registry holds, built once from the configuration: the durable store, the ontology
 * model, the validators (compiled once), the JSON-LD context for this registry's base IRI, and the services.
 */
export interface Registry {
  config: RegistryConfig;
  store: ObservedStore;
  /** The embedded store, when that is the backend (snapshots, replicas); undefined for a remote store. */
  embedded?: OxigraphRegistryStore;
  model: ModelQueries;
  records: RecordService;
  /** Incremental verification of the journal's hash chain (GET /audit/verify). */
  audit: AuditVerifier;
  /** Administrators' SPARQL updates of non-record graphs. */
  updates: SparqlUpdateService;
  /** SPARQL runs here, off the event loop, with deadlines. */
  queries: QueryRunner;
  context: { '@context': Record<string, unknown> };
  /** Identity and access (issue #6). */
  authenticator: Authenticator;
  credentials: CredentialService;
  accessLog: AccessLog;
  organisations: OrganisationService;
  users: UserService;
  platforms: PlatformService;
  apiKeys: ApiKeyService;
  /** Registry events in journal order (GET /feed). */
  feed: ChangeFeed;
  /** Asset de-registration and lookup by external identifier. */
  assets: AssetService;
  /** Signed deliveries of feed events to subscribers. */
  webhooks: WebhookService;
  /** UC-02.06 connection limits set by system operators. */
  connectionLimits: ConnectionLimitService;
  /** Issue #8: consumer consent (UC-05.05), market units (UC-03.01 to 03.05), switches (UC-03.04), service windows, qualifications. */
  consents: ConsentService;
  marketUnits: MarketUnitService;
  switches: SwitchService;
  serviceWindows: ServiceWindowService;
  qualifications: QualificationService;
  /** UC-02.01 category schemas (versioned SHACL) assets are also validated against. */
  categories: CategorySchemas;
  /** UC-02.02 step 3: authenticity checks after registration and MPAN changes. */
  assetVerification: AssetVerification;
  /** Re-links the parties imported files name to the registered organisations when an organisation changes (issue #9). */
  partyLinker: ReferencePartyLinker;
  /** The imports openRegistry ran (FMAR_ECR_FILE, the first time the store sees the file). */
  startupImports: ImportSummary[];
  documentLoader: DocumentLoader;
  close(): Promise<void>;
}

export class BaseIriMismatchError extends Error {}

/** The agent IRI of the bootstrap administrator (FMAR_ADMIN_TOKEN). */
export function administratorAgent(baseIri: string): string {
  return `${baseIri}agents/administrator`;
}

/** Store options that are not configuration (fault injection in tests). */
export type RegistryStoreOptions = Pick<OxigraphStoreOptions, 'journalFaults'>;

export async function openRegistry(config: RegistryConfig, warn: (message: string) => void = () => undefined, storeOptions: RegistryStoreOptions = {}): Promise<Registry> {
  const root = projectRoot();
  if (config.store === 'embedded') {
    await mkdir(config.dataDir, { recursive: true });
    await fixBaseIri(config);
  }
  const model = new ModelQueries(await loadOntologyModel(join(root, 'ontology')));
  // The context links records under this registry's base, so that IDs in bodies resolve to its IRIs.
  const context = generateContext(model.model, config.baseIri);
  const documentLoader = createLocalDocumentLoader({ [FMAR_CONTEXT_URL]: context });
  const fieldNames = new Map(model.model.properties.map((p) => [p.iri, p.jsonName]));
  const shapesText = await readFile(join(root, 'shapes/fmar-shapes.ttl'), 'utf8');
  // SHACL runs on worker threads by default, one per core, with the shapes compiled to JavaScript unless
  // FMAR_SHACL_ENGINE=shacl-engine (or the compiler refuses the shapes: then shacl-engine, with a warning).
  const { engine, validator } = openShapesValidator(config.shaclEngine, parseTurtle(shapesText), fieldNames, warn);
  const shapes: RecordValidator = config.validationWorkers > 0 ? new ShaclWorkerPool(shapesText, fieldNames, config.validationWorkers, engine) : validator;
  const bodies = await RequestBodyValidator.fromDirectory(join(root, 'shapes/json-schema'));
  let backend: RegistryStore;
  let embedded: OxigraphRegistryStore | undefined;
  let queries: QueryRunner;
  let audit: AuditVerifier;
  if (config.store === 'sparql') {
    const remote = await SparqlRegistryStore.open({ ...config.sparql!, baseIri: config.baseIri });
    backend = remote;
    queries = remoteQueryRunner(remote);
    audit = new RemoteAuditMonitor(remote, config.baseIri);
  } else {
    embedded = await OxigraphRegistryStore.open({ dataDir: config.dataDir, snapshotEvery: config.snapshotEvery, warn, ...storeOptions });
    backend = embedded;
    queries = new QueryReplica(embedded);
    audit = new AuditMonitor(config.dataDir);
  }
  // Every commit goes through one ObservedStore, so caches built from records hear of the commits that change them.
  const store = new ObservedStore(backend);
  const records = new RecordService({ store, model, bodies, shapes, documentLoader, baseIri: config.baseIri });
  // Credentials, access indexes and the access log are the registry's own: SPARQL Update never touches them.
  const updates = new SparqlUpdateService({ store, baseIri: config.baseIri, protectedPaths: [...RECORD_KINDS.map((k) => k.path), 'credentials', 'access-log', 'webhooks', 'bulk-keys', 'consent-callbacks'], ownGraphsOnly: config.store === 'sparql' });
  const credentials = new CredentialService({ store, baseIri: config.baseIri });
  const authenticator = new Authenticator({ records, credentials, store, baseIri: config.baseIri, adminToken: config.adminToken, adminAgent: administratorAgent(config.baseIri), jwt: config.oidc ? new JwtVerifier(config.oidc) : undefined, cacheMs: config.principalCacheMs });
  store.onCommitted((graphs) => authenticator.forget(graphs));
  const accessLog = new AccessLog({ store, baseIri: config.baseIri, warn });
  const feed = new ChangeFeed({ store, model, baseIri: config.baseIri, materialCapacityShare: config.materialCapacityShare });
  const categories = new CategorySchemas({ records, store, baseIri: config.baseIri, fieldNames });
  records.useCategoryRules(categories);
  // External verifiers are configured by deployments; none is called over the network by default. The ECR
  // cross-check reads the registers `fmar import ecr` wrote (FMAR_ECR_FILE: `fmar serve` imports one at start).
  await dropLegacyEcrEdition(store, config.baseIri, warn);
  const startupImports: ImportSummary[] = [];
  if (config.ecrFile) {
    // FMAR_ECR_FILE: imported as `fmar import ecr` would, unless these bytes were imported already (docs/import/ecr.md).
    const imported = await importUnlessImported({ store, model, config }, 'ecr', await readFile(config.ecrFile), basename(config.ecrFile));
    if (imported) startupImports.push(imported.summary);
  }
  const assetVerification = new AssetVerification({ records, store, checks: new AuthenticityChecks({ store, model, baseIri: config.baseIri }), baseIri: config.baseIri, enabled: config.authenticityChecks, warn });
  // An organisation registered or renamed: the parties imported files name are matched again (docs/import/README.md).
  const partyLinker = new ReferencePartyLinker({ store, baseIri: config.baseIri, warn });
  const organisations = `${config.baseIri}organisations/`;
  store.onCommitted((graphs) => {
    if (graphs.some((g) => g.startsWith(organisations))) partyLinker.schedule();
  });
  const webhooks = new WebhookService({ store, records, feed, baseIri: config.baseIri, pollMs: config.webhookPollMs, warn });
  webhooks.start();
  // Issue #8: market units, switches and consent. Without a configured Consumer Consent Solution no consent
  // verifies (the registry never trusts a reference it could not check).
  const consentVerifier = config.consentUrl ? new HttpConsentVerifier({ url: config.consentUrl, token: config.consentToken, timeoutMs: config.consentTimeoutMs }) : undefined;
  const consents = new ConsentService({ records, store, baseIri: config.baseIri, verifier: consentVerifier, callbackSecret: config.consentCallbackSecret });
  const marketUnits = new MarketUnitService({ records, store, baseIri: config.baseIri, materialCapacityShare: config.materialCapacityShare, qualificationTransfer: config.qualificationTransfer });
  const switches = new SwitchService({ records, store, baseIri: config.baseIri, consents, units: marketUnits, noticeSeconds: config.switchNoticeSeconds, onError: (error, id) => warn(`switch ${id} could not complete: ${(error as Error).message}`) });
  const switchScheduler = new SwitchScheduler({ switches, pollMs: config.switchPollMs, warn });
  switchScheduler.start();
  await indexRecordsWithoutAccessIndex(records, warn);
  return {
    config, store, embedded, model, records, updates, queries, context, audit, documentLoader, credentials, authenticator, accessLog,
    organisations: new OrganisationService({ records, store, model, baseIri: config.baseIri }),
    users: new UserService({ records, credentials, store, baseIri: config.baseIri }),
    platforms: new PlatformService({ records, baseIri: config.baseIri }),
    apiKeys: new ApiKeyService({ records, credentials, baseIri: config.baseIri }),
    feed,
    webhooks,
    categories,
    assetVerification,
    partyLinker,
    startupImports,
    connectionLimits: new ConnectionLimitService({ records, store, baseIri: config.baseIri }),
    assets: new AssetService({ records, store, baseIri: config.baseIri, consents }),
    consents,
    marketUnits,
    switches,
    serviceWindows: new ServiceWindowService({ records, store, baseIri: config.baseIri }),
    qualifications: new QualificationService({ records, store, baseIri: config.baseIri }),
    async close() {
      await switchScheduler.stop();
      await assetVerification.idle();
      await partyLinker.idle();
      await webhooks.stop();
      await accessLog.close();
      await shapes.close?.();
      await queries.close();
      await store.close();
    },
  };
}

/**
 * Records written before the access index existed (issue #6) get one at start, so that their owners, areas and
 * the public can read them again; a store written by this version has none to do.
 */
async function indexRecordsWithoutAccessIndex(records: RecordService, warn: (message: string) => void): Promise<void> {
  let indexed = 0;
  for (const kind of RECORD_KINDS) {
    for (let ids = await records.recordsWithoutAccessIndex(kind); ids.length; ids = await records.recordsWithoutAccessIndex(kind)) {
      for (const id of ids) await records.rebuildAccessIndex(kind, id);
      indexed += ids.length;
    }
  }
  if (indexed) warn(`wrote the access index of ${indexed} record(s) stored before it existed (docs/access.md)`);
}

/** The base IRI is part of every stored IRI: fixed when the store is created, refused if it changes. */
async function fixBaseIri(config: RegistryConfig): Promise<void> {
  const file = join(config.dataDir, 'registry.json');
  const existing = await readFile(file, 'utf8').then((t) => JSON.parse(t) as { baseIri: string }).catch(() => undefined);
  if (!existing) {
    await writeFile(file, `${JSON.stringify({ baseIri: config.baseIri }, null, 2)}\n`);
    return;
  }
  if (existing.baseIri !== config.baseIri) {
    throw new BaseIriMismatchError(`this store was created with FMAR_BASE_IRI=${existing.baseIri}; refusing to start with ${config.baseIri} (record IRIs cannot change)`);
  }
}
