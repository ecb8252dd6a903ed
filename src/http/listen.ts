import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { RegistryConfig } from '../config.js';

/** Starts the HTTP server with the limits that protect it from slow clients (Slowloris-style). */
export function listen(app: Express, config: Pick<RegistryConfig, 'port' | 'requestTimeoutMs' | 'headersTimeoutMs'>, onListening?: () => void): Server {
  const server = createServer(
    {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      keepAliveTimeout: 5_000,
      // Node checks those timeouts on this interval: keep it well below the shortest.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(config.headersTimeoutMs / 4))),
    },
    app,
  );
  return server.listen(config.port, onListening);
}
