import type { Server } from 'node:http';
import { join } from 'node:path';
import { pino } from 'pino';
import { configFromEnvironment } from '../config.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../domain/RecordKind.js';
import { loadSampleData } from '../domain/sampleData.js';
import { createApp } from '../http/createApp.js';
import { listen } from '../http/listen.js';
import { projectRoot } from '../projectRoot.js';
import { openRegistry } from '../registry.js';

/** `fmar serve`: opens (or recovers) the store, loads the sample data into an empty one if asked, listens. */
export async function serveCommand(): Promise<void> {
  const config = configFromEnvironment();
  const logger = pino({ level: config.logLevel });
  const registry = await openRegistry(config, (message) => logger.warn(message));
  // FMAR_ECR_FILE: the register the authenticity checks cross-check assets against, imported by openRegistry (before
  // the sample assets, which name its entries) unless the store has it already (docs/import/ecr.md).
  for (const summary of registry.startupImports) logger.info({ kind: summary.kind, file: summary.file, rows: summary.rows, accepted: summary.accepted, records: summary.entities }, 'imported the Embedded Capacity Register as reference records');
  // An empty registry: no records yet (reference data such as the ECR may already be there).
  if (config.sampleData && (await registry.records.count(ORGANISATION_KIND)) === 0 && (await registry.records.count(ASSET_KIND)) === 0) {
    const loaded = await loadSampleData(registry.records, join(projectRoot(), 'data/sample'), `${config.baseIri}agents/administrator`, new Date().toISOString().slice(0, 10));
    // The sample assets go through the authenticity checks like any registration (UC-02.02).
    for (const id of loaded.assetIds) registry.assetVerification.schedule(id, 'UC-02.02');
    logger.info({ organisations: loaded.organisations, assets: loaded.assets }, 'loaded the sample dataset');
  }
  const app = createApp(registry, logger);
  const server: Server = listen(app, config, () => {
    logger.info({ port: config.port, dataDir: config.dataDir, baseIri: config.baseIri, journal: registry.store.head() }, 'FMAR registry listening');
    if (config.adminTokenGenerated) console.log(`\nDevelopment administrator token (set FMAR_ADMIN_TOKEN to choose one):\n  Authorization: Bearer ${config.adminToken}\n`);
  });
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close();
    await registry.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
