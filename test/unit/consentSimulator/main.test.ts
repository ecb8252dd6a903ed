import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { verifyCallbackSignature } from '../../../src/consent/CallbackSignature.js';
import { projectRoot } from '../../../src/projectRoot.js';
import { startConsentSimulator } from '../../support/consentSimulatorProcess.js';

const root = projectRoot();
const fspId = '0193a1b2-0000-7000-8000-00000000f501';
const cleanEnv = () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['PORT', 'CCS_TOKEN', 'CCS_CALLBACK_URL', 'CCS_CALLBACK_SECRET']) delete env[name];
  return env;
};

describe('The consent simulator process', function () {
  this.timeout(60_000);

  it('prints one listening line, serves HTTP, and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/consentSimulator/main.ts', '--port', '0', '--token', 'registry-token'], { cwd: root, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          stdout += c;
          const match = /^consent-simulator listening on (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(stdout);
          if (match) resolve(match[1]);
        });
        void exited.then(() => reject(new Error(`exited before listening: ${stderr}`)));
      });
      await fetch(`${url}/health`).then((r) => assert.equal(r.status, 200));
      const created = await fetch(`${url}/consents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataSubject: 'subject-1', fspId, assets: [{ mpan: '1012345678907' }], purposes: ['ASSET_REGISTRATION'] }) });
      assert.equal(created.status, 201);
      const { reference } = (await created.json()) as { reference: string };
      assert.equal((await fetch(`${url}/consents/${reference}`)).status, 401);
      assert.equal((await fetch(`${url}/consents/${reference}`, { headers: { authorization: 'Bearer registry-token' } })).status, 200);

      assert.ok(child.kill('SIGTERM'));
      const exit = await Promise.race([exited, new Promise<never>((_r, reject) => setTimeout(() => reject(new Error('still running 5 s after SIGTERM')), 5000))]);
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.equal(stdout, `consent-simulator listening on ${url}\n`, 'exactly one line on stdout');
      assert.match(stderr, /"msg":"consent simulator listening"/, 'logs go to stderr');
      assert.doesNotMatch(stderr, /registry-token/, 'the token is never logged');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('started by the test helper, sends signed callbacks to the registry and stops', async () => {
    const received: { signature?: string; raw: Buffer }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
        received.push({ signature: req.headers['fmar-signature'] as string | undefined, raw: Buffer.concat(chunks) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const dir = await mkdtemp(join(tmpdir(), 'consent-seed-'));
    const seedFile = join(dir, 'seed.json');
    await writeFile(seedFile, JSON.stringify([{ reference: 'CCS-seeded-0001', dataSubject: 'subject-1', fspId, assets: [{ mpan: '1012345678907' }], purposes: ['ASSET_REGISTRATION'] }]));
    const simulator = await startConsentSimulator({ callbackUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/consent/callbacks`, callbackSecret: 'process-secret', seedFile });
    try {
      const res = await fetch(`${simulator.url}/consents/CCS-seeded-0001/revocation`, { method: 'POST' });
      assert.equal(res.status, 200);
      assert.deepEqual(((await res.json()) as { callback: unknown }).callback, { delivered: true, status: 204, attempts: 1 });
      assert.equal(received.length, 1);
      assert.equal(verifyCallbackSignature('process-secret', received[0].signature, received[0].raw).ok, true);
    } finally {
      await simulator.stop();
      receiver.close();
      await rm(dir, { recursive: true, force: true });
    }
    await assert.rejects(fetch(`${simulator.url}/health`), 'the process is gone');
    await simulator.stop();
  });

  it('refuses to start with a callback URL but no secret (exit 2, reason on stderr)', async () => {
    const run = promisify(execFile);
    await assert.rejects(run(process.execPath, ['--import', 'tsx', 'src/consentSimulator/main.ts', '--port', '0', '--callback-url', 'http://127.0.0.1:9/cb'], { cwd: root, env: cleanEnv() }), (error: { code?: number; stderr?: string; stdout?: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr ?? '', /--callback-url needs --callback-secret/);
      assert.equal(error.stdout, '');
      return true;
    });
  });
});
