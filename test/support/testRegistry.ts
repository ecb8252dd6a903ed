import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Express } from 'express';
import { configFromEnvironment, type RegistryConfig } from '../../src/config.js';
import { createApp } from '../../src/http/createApp.js';
import { openRegistry, type Registry, type RegistryStoreOptions } from '../../src/registry.js';
import { root } from './fixtures.js';

export const ADMIN_TOKEN = 'test-admin-token';
export const BASE = 'http://registry.test/';

export interface TestRegistry {
  registry: Registry;
  app: Express;
  dir: string;
  close(): Promise<void>;
}

/** A registry on a fresh temporary store, with a silent logger. */
export async function startTestRegistry(overrides: Partial<RegistryConfig> = {}, storeOptions: RegistryStoreOptions = {}): Promise<TestRegistry> {
  const dir = overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'fmar-http-')));
  const config = { ...configFromEnvironment({ FMAR_DATA_DIR: dir, FMAR_BASE_IRI: BASE, FMAR_ADMIN_TOKEN: ADMIN_TOKEN }), ...overrides };
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

/** The docs/examples bodies as a client would send them: without the fields the registry assigns. */
export async function exampleBody(name: 'asset' | 'organisation'): Promise<Record<string, unknown>> {
  const record = JSON.parse(await readFile(join(root, `docs/examples/${name}.jsonld`), 'utf8')) as Record<string, unknown>;
  for (const field of ['@id', 'assetId', 'fmarOrganisationId', 'responsibleFSP', 'assetRegistrationStatus', 'organisationStatus', 'registeredOn', 'lastUpdatedOn', 'recordVersion']) delete record[field];
  if (name === 'asset') record.effectiveDate = new Date(Date.now() + 86_400_000 * 30).toISOString().slice(0, 10);
  return record;
}
