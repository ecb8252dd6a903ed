#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import type { Express } from 'express';
import { pino } from 'pino';
import { createConsentSimulator } from './ConsentSimulator.js';

/**
 * The consent simulator as its own process (a stand-in for the Consumer Consent Solution, UC-05.05), so the
 * registry reaches it over real HTTP. Prints one line to stdout when listening (tests read it); logs to stderr.
 */
const options = new Command()
  .name('consent-simulator')
  .description('Consumer Consent Solution simulator for the FMAR registry (not the RECCo CCS): docs/consent.md')
  .option('--port <port>', 'port on 127.0.0.1 (0: any free port; env PORT)', process.env.PORT ?? '8091')
  .option('--token <token>', 'bearer token the registry must present to read consents; reads are open when unset (env CCS_TOKEN)', process.env.CCS_TOKEN)
  .option('--callback-url <url>', "the registry's consent callback endpoint (env CCS_CALLBACK_URL)", process.env.CCS_CALLBACK_URL)
  .option('--callback-secret <secret>', 'HMAC secret for the FMAR-Signature of callbacks; prefer the env CCS_CALLBACK_SECRET (a flag shows in ps)', process.env.CCS_CALLBACK_SECRET)
  .option('--seed <file>', 'JSON array of consents to preload (POST /consents bodies, optionally with status and withdrawnAt)')
  .showHelpAfterError()
  .parse()
  .opts<{ port: string; token?: string; callbackUrl?: string; callbackSecret?: string; seed?: string }>();

const logger = pino({ name: 'consent-simulator', level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));

function fail(message: string): never {
  process.stderr.write(`consent-simulator: ${message}\n`);
  process.exit(2);
}

if (!/^\d{1,5}$/.test(options.port) || Number(options.port) > 65535) fail('--port must be a port number from 0 to 65535');
if (options.callbackUrl && !/^https?:\/\/\S+$/.test(options.callbackUrl)) fail('--callback-url must be an http(s) URL');
if (options.callbackUrl && !options.callbackSecret) fail('--callback-url needs --callback-secret (or CCS_CALLBACK_SECRET) to sign the callbacks');
let seed: unknown[] = [];
if (options.seed) {
  try {
    const parsed: unknown = JSON.parse(readFileSync(options.seed, 'utf8'));
    if (!Array.isArray(parsed)) fail(`--seed ${options.seed} must hold a JSON array of consents`);
    seed = parsed;
  } catch (error) {
    fail(`cannot read --seed ${options.seed}: ${(error as Error).message}`);
  }
}

let app: Express;
try {
  app = createConsentSimulator({ token: options.token, callbackUrl: options.callbackUrl, callbackSecret: options.callbackSecret, seed, logger });
} catch (error) {
  fail((error as Error).message);
}

// Loopback only: POST /consents is open, as befits a simulator.
const server = app.listen(Number(options.port), '127.0.0.1', () => {
  const { port: bound } = server.address() as AddressInfo;
  process.stdout.write(`consent-simulator listening on http://127.0.0.1:${bound}\n`);
  logger.info({ port: bound, readsNeedToken: Boolean(options.token), callbackUrl: options.callbackUrl ?? null, seeded: seed.length }, 'consent simulator listening');
});
server.on('error', (error) => {
  logger.fatal({ err: error }, 'cannot listen');
  process.exit(1);
});

function stop(signal: string): void {
  logger.info({ signal }, 'shutting down');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // A request still waiting on callback retries is cut off rather than holding the exit.
  setTimeout(() => process.exit(0), 2000).unref();
}
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
