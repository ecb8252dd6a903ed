import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { OidcConfig } from './access/JwtVerifier.js';
import { parseShaclEngine, type ShaclEngineName } from './validation/shaclEngineName.js';

/**
 * Configuration from the environment, with the documented defaults (README, docs/operations.md).
 */
export interface RegistryConfig {
  /** PORT: HTTP port (8080). */
  port: number;
  /** FMAR_DATA_DIR: where the journal and snapshots live (./var). */
  dataDir: string;
  /** FMAR_BASE_IRI: base of every record IRI (http://localhost:8080/); fixed when the store is created. */
  baseIri: string;
  /** FMAR_ADMIN_TOKEN: bearer token of the bootstrap administrator; generated (and printed) when unset. */
  adminToken: string;
  adminTokenGenerated: boolean;
  /** FMAR_SNAPSHOT_EVERY: snapshot after this many writes (10000). */
  snapshotEvery: number;
  /** FMAR_QUERY_TIMEOUT_MS: SPARQL queries are stopped after this long (10000). */
  queryTimeoutMs: number;
  /** FMAR_QUERY_ROW_LIMIT: most rows a SPARQL SELECT returns (10000). */
  queryRowLimit: number;
  /** FMAR_BODY_LIMIT: largest request body accepted (1mb). */
  bodyLimit: string;
  /** FMAR_REQUEST_TIMEOUT_MS: a request must arrive completely within this time (30000). */
  requestTimeoutMs: number;
  /** FMAR_HEADERS_TIMEOUT_MS: request headers must arrive within this time; slow clients are cut off (10000). */
  headersTimeoutMs: number;
  /** FMAR_SAMPLE_DATA: load the sample dataset into an empty store (true for `make run`). */
  sampleData: boolean;
  /** FMAR_VALIDATION_WORKERS: SHACL worker threads (default: one per core; 0 validates on the main thread). */
  validationWorkers: number;
  /** FMAR_SHACL_ENGINE: `compiled` (the shapes compiled to JavaScript, the default) or `shacl-engine` (docs/validation-engine.md). */
  shaclEngine: ShaclEngineName;
  /** FMAR_STORE: `embedded` (Oxigraph in this process, the default) or `sparql` (a remote SPARQL 1.1 server). */
  store: 'embedded' | 'sparql';
  /** FMAR_SPARQL_QUERY_URL, FMAR_SPARQL_UPDATE_URL, FMAR_GSP_URL (+ FMAR_GSP_GRAPH_PARAM, FMAR_SPARQL_USER, FMAR_SPARQL_PASSWORD, FMAR_SPARQL_WRITE_LOCK auto/virtuoso/none, FMAR_SPARQL_LOCK_LEASE_MS, FMAR_SPARQL_MAX_CONNECTIONS) for `sparql`. */
  sparql?: { queryUrl: string; updateUrl: string; gspUrl: string; gspGraphParameter: string; credentials?: { user: string; password: string }; writeLock: 'auto' | 'virtuoso' | 'none'; lockLeaseMs: number; maxConnections: number };
  /** LOG_LEVEL: pino level (info). */
  logLevel: string;
  /** FMAR_OIDC_ISSUER, FMAR_OIDC_AUDIENCE, FMAR_OIDC_JWKS_FILE (+ FMAR_OIDC_SUBJECT_CLAIM, sub): accept OIDC bearer JWTs (docs/access.md). */
  oidc?: OidcConfig;
  /** FMAR_RATE_LIMIT: requests per minute per credential (6000); FMAR_ANONYMOUS_RATE_LIMIT: per client address without credentials (120). */
  rateLimit: { perCredential: number; anonymous: number };
  /** FMAR_PRINCIPAL_CACHE_MS: how long an authenticated principal is reused (2000; 0 never), see docs/access.md. */
  principalCacheMs: number;
  /** FMAR_AUTHENTICITY_CHECKS: run UC-02.02's authenticity checks after each registration and MPAN change (true). */
  authenticityChecks: boolean;
  /** FMAR_ECR_FILE: the UKPN Embedded Capacity Register CSV `fmar serve` imports at start (once per file), which the authenticity checks' ECR cross-check reads (unset: none). */
  ecrFile?: string;
  /** FMAR_WEBHOOK_POLL_MS: how often webhook subscriptions are checked for new events (1000). */
  webhookPollMs: number;
  /** FMAR_CORS_ORIGINS: comma-separated origins browsers may call from ('*', the default, for any). */
  corsOrigins: string[] | '*';
  /** FMAR_MATERIAL_CAPACITY_SHARE: a capacity change beyond this share is material (UC-02.04 assets, UC-03.03 units; 0.1). */
  materialCapacityShare: number;
  /** FMAR_CONSENT_URL: base URL of the Consumer Consent Solution (docs/consent.md); unset: none, and every consent is unverifiable. */
  consentUrl?: string;
  /** FMAR_CONSENT_TOKEN: bearer token the registry presents to the CCS. */
  consentToken?: string;
  /** FMAR_CONSENT_TIMEOUT_MS: per CCS request (5000). */
  consentTimeoutMs: number;
  /** FMAR_CONSENT_CALLBACK_SECRET: HMAC secret of the CCS's callbacks; callbacks are refused when unset. */
  consentCallbackSecret?: string;
  /** FMAR_SWITCH_NOTICE_SECONDS: the losing FSP's notice period in an owner-initiated switch (UC-03.04; 432000, five days). */
  switchNoticeSeconds: number;
  /** FMAR_SWITCH_POLL_MS: how often switches whose notice period ended are completed (1000). */
  switchPollMs: number;
  /** FMAR_QUALIFICATION_TRANSFER: `transfer` (a re-assigned unit keeps its qualifications, the default) or `withdraw` (UC-03.02). */
  qualificationTransfer: 'transfer' | 'withdraw';
}

export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  const port = Number(env.PORT ?? 8080);
  const baseIri = env.FMAR_BASE_IRI ?? `http://localhost:${port}/`;
  if (!/^https?:\/\/[^\s]+\/$/.test(baseIri)) throw new Error(`FMAR_BASE_IRI must be an http(s) IRI ending in '/', got ${JSON.stringify(baseIri)}`);
  return {
    port,
    dataDir: resolve(env.FMAR_DATA_DIR ?? './var'),
    baseIri,
    adminToken: env.FMAR_ADMIN_TOKEN ?? randomBytes(24).toString('base64url'),
    adminTokenGenerated: env.FMAR_ADMIN_TOKEN === undefined,
    snapshotEvery: Number(env.FMAR_SNAPSHOT_EVERY ?? 10_000),
    queryTimeoutMs: Number(env.FMAR_QUERY_TIMEOUT_MS ?? 10_000),
    queryRowLimit: Number(env.FMAR_QUERY_ROW_LIMIT ?? 10_000),
    bodyLimit: env.FMAR_BODY_LIMIT ?? '1mb',
    requestTimeoutMs: Number(env.FMAR_REQUEST_TIMEOUT_MS ?? 30_000),
    headersTimeoutMs: Number(env.FMAR_HEADERS_TIMEOUT_MS ?? 10_000),
    sampleData: (env.FMAR_SAMPLE_DATA ?? 'false') === 'true',
    logLevel: env.LOG_LEVEL ?? 'info',
    validationWorkers: Number(env.FMAR_VALIDATION_WORKERS ?? availableParallelism()),
    shaclEngine: parseShaclEngine(env.FMAR_SHACL_ENGINE),
    oidc: oidcConfig(env),
    rateLimit: { perCredential: Number(env.FMAR_RATE_LIMIT ?? 6000), anonymous: Number(env.FMAR_ANONYMOUS_RATE_LIMIT ?? 120) },
    principalCacheMs: Number(env.FMAR_PRINCIPAL_CACHE_MS ?? 2000),
    authenticityChecks: (env.FMAR_AUTHENTICITY_CHECKS ?? 'true') === 'true',
    ecrFile: env.FMAR_ECR_FILE ? resolve(env.FMAR_ECR_FILE) : undefined,
    webhookPollMs: Number(env.FMAR_WEBHOOK_POLL_MS ?? 1000),
    materialCapacityShare: Number(env.FMAR_MATERIAL_CAPACITY_SHARE ?? 0.1),
    consentUrl: env.FMAR_CONSENT_URL || undefined,
    consentToken: env.FMAR_CONSENT_TOKEN || undefined,
    consentTimeoutMs: Number(env.FMAR_CONSENT_TIMEOUT_MS ?? 5000),
    consentCallbackSecret: env.FMAR_CONSENT_CALLBACK_SECRET || undefined,
    switchNoticeSeconds: Number(env.FMAR_SWITCH_NOTICE_SECONDS ?? 432_000),
    switchPollMs: Number(env.FMAR_SWITCH_POLL_MS ?? 1000),
    qualificationTransfer: qualificationTransferRule(env.FMAR_QUALIFICATION_TRANSFER),
    corsOrigins: !env.FMAR_CORS_ORIGINS || env.FMAR_CORS_ORIGINS === '*' ? '*' : env.FMAR_CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    ...storeConfig(env),
  };
}

function oidcConfig(env: NodeJS.ProcessEnv): OidcConfig | undefined {
  const { FMAR_OIDC_ISSUER: issuer, FMAR_OIDC_AUDIENCE: audience, FMAR_OIDC_JWKS_FILE: jwksFile } = env;
  if (!issuer && !audience && !jwksFile) return undefined;
  if (!issuer || !audience || !jwksFile) throw new Error('OIDC needs FMAR_OIDC_ISSUER, FMAR_OIDC_AUDIENCE and FMAR_OIDC_JWKS_FILE together');
  return { issuer, audience, jwksFile: resolve(jwksFile), subjectClaim: env.FMAR_OIDC_SUBJECT_CLAIM ?? 'sub' };
}

function storeConfig(env: NodeJS.ProcessEnv): Pick<RegistryConfig, 'store' | 'sparql'> {
  const store = env.FMAR_STORE ?? 'embedded';
  if (store === 'embedded') return { store };
  if (store !== 'sparql') throw new Error(`FMAR_STORE must be embedded or sparql, got ${JSON.stringify(store)}`);
  const queryUrl = env.FMAR_SPARQL_QUERY_URL;
  if (!queryUrl) throw new Error('FMAR_STORE=sparql needs FMAR_SPARQL_QUERY_URL (and FMAR_SPARQL_UPDATE_URL, FMAR_GSP_URL when they differ)');
  return {
    store,
    sparql: {
      queryUrl,
      updateUrl: env.FMAR_SPARQL_UPDATE_URL ?? queryUrl,
      gspUrl: env.FMAR_GSP_URL ?? queryUrl.replace(/\/sparql\/?$/, '/sparql-graph-crud'),
      gspGraphParameter: env.FMAR_GSP_GRAPH_PARAM ?? 'graph',
      credentials: env.FMAR_SPARQL_USER ? { user: env.FMAR_SPARQL_USER, password: env.FMAR_SPARQL_PASSWORD ?? '' } : undefined,
      writeLock: writeLockKind(env.FMAR_SPARQL_WRITE_LOCK ?? 'auto'),
      lockLeaseMs: Number(env.FMAR_SPARQL_LOCK_LEASE_MS ?? 10_000),
      maxConnections: Number(env.FMAR_SPARQL_MAX_CONNECTIONS ?? 8),
    },
  };
}

function writeLockKind(value: string): 'auto' | 'virtuoso' | 'none' {
  if (value === 'auto' || value === 'virtuoso' || value === 'none') return value;
  throw new Error(`FMAR_SPARQL_WRITE_LOCK must be auto, virtuoso or none, got ${JSON.stringify(value)}`);
}

function qualificationTransferRule(value: string | undefined): 'transfer' | 'withdraw' {
  if (value === undefined || value === '' || value === 'transfer') return 'transfer';
  if (value === 'withdraw') return 'withdraw';
  throw new Error(`FMAR_QUALIFICATION_TRANSFER is transfer or withdraw, got ${JSON.stringify(value)}`);
}
