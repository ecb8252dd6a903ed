import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { writeWithBackPressure } from '../../../src/http/writeWithBackPressure.js';

/** A real server streaming 64 chunks of 1 MiB to a real client that reads only when told to. */
describe('writeWithBackPressure', function () {
  this.timeout(30_000);
  const CHUNK = 'x'.repeat(1024 * 1024);
  const CHUNKS = 64;
  let server: Server;
  let written = 0;
  let finished: Promise<boolean>;
  let port: number;

  beforeEach(async () => {
    written = 0;
    const app = express();
    let done!: (completed: boolean) => void;
    finished = new Promise((resolve) => (done = resolve));
    app.get('/stream', async (_req, res) => {
      for (let i = 0; i < CHUNKS; i++) {
        if (!(await writeWithBackPressure(res, CHUNK))) return done(false);
        written++;
      }
      res.end();
      done(true);
    });
    server = app.listen(0);
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const get = () => new Promise<IncomingMessage>((resolve) => httpRequest({ port, path: '/stream' }, resolve).end());

  it('waits for a client that does not read, and goes on once it does', async () => {
    const res = await get();
    res.pause();
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(written < CHUNKS / 2, `the producer waited (${written} of ${CHUNKS} chunks written while the client read nothing)`);
    let received = 0;
    res.on('data', (c: Buffer) => (received += c.length));
    res.resume();
    assert.equal(await finished, true);
    await new Promise((r) => res.on('end', r));
    assert.equal(received, CHUNKS * CHUNK.length);
  });

  it('tells the producer to stop when the client goes away', async () => {
    const res = await get();
    res.pause();
    await new Promise((r) => setTimeout(r, 100));
    res.destroy();
    assert.equal(await finished, false);
    assert.ok(written < CHUNKS);
  });
});
