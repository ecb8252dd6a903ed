import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/projectRoot.js';

export interface ConsentSimulatorOptions {
  /** The registry's consent callback endpoint. */
  callbackUrl?: string;
  callbackSecret?: string;
  /** Bearer token the registry must present to read consents. */
  token?: string;
  /** A JSON file of consents to preload. */
  seedFile?: string;
}

export interface RunningConsentSimulator {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** SIGTERM, then SIGKILL if the process is still there after 3 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts src/consentSimulator/main.ts as its own process on a free port (the registry's real HTTP path) and
 * resolves with its URL once it prints its listening line. Settings go as flags; CCS_* and PORT from this
 * process's environment are not passed on, so the options here are the whole configuration.
 */
export async function startConsentSimulator(opts: ConsentSimulatorOptions = {}, startTimeoutMs = 30_000): Promise<RunningConsentSimulator> {
  const root = projectRoot();
  const args = ['--import', 'tsx', join(root, 'src/consentSimulator/main.ts'), '--port', '0'];
  if (opts.token) args.push('--token', opts.token);
  if (opts.callbackUrl) args.push('--callback-url', opts.callbackUrl);
  if (opts.seedFile) args.push('--seed', opts.seedFile);
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  for (const name of ['PORT', 'CCS_TOKEN', 'CCS_CALLBACK_URL', 'CCS_CALLBACK_SECRET']) delete env[name];
  // The secret goes by environment, as docs/consent.md recommends (a flag shows in ps).
  if (opts.callbackSecret) env.CCS_CALLBACK_SECRET = opts.callbackSecret;
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exitedOrDone = () => child.exitCode !== null || child.signalCode !== null;

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (exitedOrDone()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => fail(`did not print its listening line within ${startTimeoutMs} ms`), startTimeoutMs);
    function fail(why: string) {
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`the consent simulator ${why}\n${stderr}`)));
    }
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /^consent-simulator listening on (http:\/\/\S+)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before listening`));
    child.once('error', (error) => fail(`could not start: ${error.message}`));
  });
  return { url, stop };
}
