import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Express } from 'express';
import request from 'supertest';
import { configFromEnvironment, type RegistryConfig } from '../../src/config.js';
import { createApp } from '../../src/http/createApp.js';
import { openRegistry, type Registry, type RegistryStoreOptions } from '../../src/registry.js';
import { root } from './fixtures.js';

export const ADMIN_TOKEN = 'test-admin-token';
export const BASE = 'http://registry.test/';

/**
 * The store backend the tests run on. By default the embedded Oxigraph store in a temporary folder; with
 * FMAR_TEST_STORE=sparql, a remote SPARQL 1.1 server at FMAR_TEST_SPARQL_URL (e.g. the Virtuoso that
 * .ci/run and `make test-remote` start), with FMAR_TEST_GSP_URL (default: .../sparql-graph-crud beside it) and
 * FMAR_TEST_GSP_GRAPH_PARAM (default graph-uri, Virtuoso's name). `make test` runs the integration tests once
 * on each backend when FMAR_TEST_SPARQL_URL is set.
 */
export const TEST_STORE: 'embedded' | 'sparql' = process.env.FMAR_TEST_STORE === 'sparql' ? 'sparql' : 'embedded';
export const onRemoteStore = TEST_STORE === 'sparql';

export interface RemoteTestServer {
  queryUrl: string;
  gspUrl: string;
  gspGraphParameter: string;
}

export function remoteTestServer(): RemoteTestServer | undefined {
  const queryUrl = process.env.FMAR_TEST_SPARQL_URL;
  if (!queryUrl) return undefined;
  return {
    queryUrl,
    gspUrl: process.env.FMAR_TEST_GSP_URL ?? queryUrl.replace(/\/sparql\/?$/, '/sparql-graph-crud'),
    gspGraphParameter: process.env.FMAR_TEST_GSP_GRAPH_PARAM ?? 'graph-uri',
  };
}

/**
 * Skips the current test (or, called in a `before` hook, the whole suite) on the remote backend, saying why
 * in its title: for tests of what only the embedded store has (its journal file, snapshots, the data
 * folder's disk, `fmar recover`). Use it as `embeddedOnly(this, 'reads journal.rdfp')` in a `function ()`.
 */
export function embeddedOnly(context: Mocha.Context, reason: string): void {
  if (!onRemoteStore) return;
  // In a `before` hook the skip covers the whole suite: say so in the title of each of its tests.
  const inHook = (context.test as { type?: string } | undefined)?.type === 'hook';
  const tests = inHook ? context.test?.parent?.tests ?? [] : [context.test];
  for (const test of tests) if (test) test.title += ` [embedded store only: ${reason}]`;
  context.skip();
}

export interface TestRegistry {
  registry: Registry;
  app: Express;
  dir: string;
  close(): Promise<void>;
}

/** Marks a data folder as holding a remote-store test registry, so that reopening it keeps the server's data. */
const REMOTE_MARKER = 'remote-test-store.json';

/**
 * A registry on a fresh store, with a silent logger. Embedded: a new temporary folder (or overrides.dataDir).
 * Remote: every graph under BASE is deleted from the server first, unless overrides.dataDir names the folder
 * of a registry opened before (a reopen keeps its data, as on the embedded store).
 */
export async function startTestRegistry(overrides: Partial<RegistryConfig> = {}, storeOptions: RegistryStoreOptions = {}): Promise<TestRegistry> {
  const dir = overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'fmar-http-')));
  const env: NodeJS.ProcessEnv = { FMAR_DATA_DIR: dir, FMAR_BASE_IRI: BASE, FMAR_ADMIN_TOKEN: ADMIN_TOKEN, FMAR_RATE_LIMIT: '100000', FMAR_ANONYMOUS_RATE_LIMIT: '100000', FMAR_AUTHENTICITY_CHECKS: 'false' };
  if (onRemoteStore) {
    const server = remoteTestServer();
    if (!server) throw new Error('FMAR_TEST_STORE=sparql needs FMAR_TEST_SPARQL_URL (a SPARQL 1.1 server, e.g. started by .ci/start-virtuoso)');
    Object.assign(env, { FMAR_STORE: 'sparql', FMAR_SPARQL_QUERY_URL: server.queryUrl, FMAR_GSP_URL: server.gspUrl, FMAR_GSP_GRAPH_PARAM: server.gspGraphParameter });
    const reopen = overrides.dataDir !== undefined && (await stat(join(dir, REMOTE_MARKER)).then(() => true, () => false));
    if (!reopen) {
      await mkdir(dir, { recursive: true });
      await dropGraphsUnder(server.queryUrl, BASE);
      await writeFile(join(dir, REMOTE_MARKER), `${JSON.stringify({ baseIri: BASE, queryUrl: server.queryUrl })}\n`);
    }
  }
  const config = { ...configFromEnvironment(env), ...overrides };
  const registry = await openRegistry(config, () => undefined, storeOptions);
  const app = createApp(registry, pino({ level: 'silent' }));
  return {
    registry,
    app,
    dir,
    async close() {
      await registry.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Deletes every graph whose IRI starts with `base` from a SPARQL server, and checks none is left. Only those:
 * the server is shared with other tests and benchmarks (other base IRIs) and holds the server's own graphs.
 */
export async function dropGraphsUnder(queryUrl: string, base: string): Promise<void> {
  const graphsLeft = async (): Promise<string[]> => {
    const json = (await sparqlRequest(queryUrl, 'query', `SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER (STRSTARTS(STR(?g), ${JSON.stringify(base)})) }`, 'application/sparql-results+json')) as { results: { bindings: { g: { value: string } }[] } };
    return json.results.bindings.map((b) => b.g.value);
  };
  let graphs = await graphsLeft();
  for (let round = 0; graphs.length && round < 3; round++) {
    for (let i = 0; i < graphs.length; i += 200) {
      await sparqlRequest(queryUrl, 'update', graphs.slice(i, i + 200).map((g) => `DROP SILENT GRAPH <${g}>`).join(' ;\n'), 'application/sparql-results+json, */*;q=0.1');
    }
    graphs = await graphsLeft();
  }
  if (graphs.length) throw new Error(`could not delete ${graphs.length} graphs under ${base} from ${queryUrl}, e.g. ${graphs[0]}`);
}

/** A query (SPARQL JSON results) or update sent straight to the remote test server, around the registry. */
export async function remoteSparql(operation: 'query' | 'update', text: string): Promise<{ results: { bindings: Record<string, { value: string }>[] } }> {
  const server = remoteTestServer();
  if (!server) throw new Error('FMAR_TEST_SPARQL_URL is not set');
  return (await sparqlRequest(server.queryUrl, operation, text, 'application/sparql-results+json, */*;q=0.1')) as { results: { bindings: Record<string, { value: string }>[] } };
}

async function sparqlRequest(url: string, operation: 'query' | 'update', text: string, accept: string): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept }, body: new URLSearchParams({ [operation]: text }).toString() });
  const body = await res.text();
  if (!res.ok) throw new Error(`${url} answered ${res.status} to a test ${operation}: ${body.slice(0, 300)}`);
  return operation === 'query' ? JSON.parse(body) : body;
}

let organisationCounter = 0;

/** A legal name, Companies House number and VAT number no other test organisation has. */
export function uniqueOrganisationIdentity(): { organisationLegalName: string; organisationRegistrationNumber: string; vatRegistrationNumber: string } {
  organisationCounter++;
  const digits = String(Date.now() % 1e6).padStart(6, '0') + String(organisationCounter).padStart(3, '0');
  return { organisationLegalName: `Test Flex ${digits} Ltd`, organisationRegistrationNumber: digits.slice(-8), vatRegistrationNumber: `GB${digits.slice(-9)}` };
}

/** supertest with the bootstrap administrator's credentials on every request. */
export function asAdmin(app: Express) {
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  return {
    get: (url: string) => request(app).get(url).set(auth),
    post: (url: string) => request(app).post(url).set(auth),
    put: (url: string) => request(app).put(url).set(auth),
    delete: (url: string) => request(app).delete(url).set(auth),
  };
}

/** The docs/examples bodies as a client would send them: without the fields the registry assigns. */
export async function exampleBody(name: 'asset' | 'organisation'): Promise<Record<string, unknown>> {
  const record = JSON.parse(await readFile(join(root, `docs/examples/${name}.jsonld`), 'utf8')) as Record<string, unknown>;
  for (const field of ['@id', 'assetId', 'fmarOrganisationId', 'responsibleFSP', 'assetRegistrationStatus', 'organisationStatus', 'registeredOn', 'lastUpdatedOn', 'recordVersion']) delete record[field];
  // Each call is a different organisation: registering the same one twice is a duplicate (UC-01.02, 409).
  if (name === 'organisation') Object.assign(record, uniqueOrganisationIdentity());
  if (name === 'asset') record.effectiveDate = new Date(Date.now() + 86_400_000 * 30).toISOString().slice(0, 10);
  return record;
}
