import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../../src/http/createApp.js';
import { ADMIN_TOKEN, startTestRegistry, type TestRegistry } from '../support/testRegistry.js';

/** Issue #6 hardening: rate limits per credential, security headers, CORS with bearer auth, no secrets in logs. */
describe('Hardening', () => {
  let t: TestRegistry;
  afterEach(async () => t?.close());

  it('limits requests per credential (429 problem+json past the limit) and counts credentials apart', async () => {
    t = await startTestRegistry({ rateLimit: { perCredential: 5, anonymous: 3 } });
    const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    for (let i = 0; i < 5; i++) await request(t.app).get('/organisations').set(admin).expect(200);
    const limited = await request(t.app).get('/organisations').set(admin).expect(429);
    assert.match(limited.headers['content-type'], /problem\+json/);
    assert.match(limited.headers.ratelimit, /r=0/);
    // Anonymous clients have their own, smaller budget.
    for (let i = 0; i < 3; i++) await request(t.app).get('/organisations').expect(200);
    await request(t.app).get('/organisations').expect(429);
  });

  it('sends security headers and answers CORS preflights for bearer-authenticated calls', async () => {
    t = await startTestRegistry();
    const res = await request(t.app).get('/').set('Accept', 'application/json').expect(200);
    assert.match(res.headers['content-security-policy'], /default-src 'self'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-powered-by'], undefined);
    const preflight = await request(t.app).options('/assets').set('Origin', 'https://app.example.org').set('Access-Control-Request-Method', 'PUT').set('Access-Control-Request-Headers', 'authorization, if-match, fmar-on-behalf-of, content-type').expect(204);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    for (const header of ['Authorization', 'If-Match', 'FMAR-On-Behalf-Of']) assert.match(preflight.headers['access-control-allow-headers'], new RegExp(header));
    const actual = await request(t.app).get('/organisations').set('Origin', 'https://app.example.org').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    assert.match(actual.headers['access-control-expose-headers'], /ETag/);
  });

  it('never writes credentials to the request log', async () => {
    t = await startTestRegistry();
    let logged = '';
    const sink = new Writable({ write(chunk, _encoding, done) { logged += String(chunk); done(); } });
    const app = createApp(t.registry, pino({ level: 'info' }, sink));
    await request(app).get('/organisations').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    await request(app).get('/organisations').set('Authorization', 'Bearer fmar_AAAAAAAAAAAA_not-a-real-secret').expect(401);
    assert.ok(logged.length > 0, 'requests are logged');
    assert.ok(!logged.includes(ADMIN_TOKEN) && !logged.includes('not-a-real-secret'), 'no secret in the log');
    assert.match(logged, /\[redacted\]/);
  });
});
