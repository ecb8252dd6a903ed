import type { Server } from 'node:http';
import { join } from 'node:path';
import { pino } from 'pino';
import { configFromEnvironment } from '../config.js';
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
  if (config.sampleData && registry.store.head().sequence === 0) {
    const loaded = await loadSampleData(registry.records, join(projectRoot(), 'data/sample'), `${config.baseIri}agents/administrator`, new Date().toISOString().slice(0, 10));
    logger.info(loaded, 'loaded the sample dataset');
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
