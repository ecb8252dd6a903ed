import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { verifyCallbackSignature } from '../../../src/consent/CallbackSignature.js';
import { CONSENT_REFERENCE_PATTERN } from '../../../src/consent/ConsentEvidence.js';
import { createConsentSimulator, type ConsentSimulatorArgs } from '../../../src/consentSimulator/ConsentSimulator.js';

const fspId = '0193a1b2-0000-7000-8000-00000000f501';
const assetId = '0193a1b2-0000-7000-8000-0000000a5e01';
const secret = 'callback-secret-for-tests';
const body = { dataSubject: 'subject-42', fspId, assets: [{ assetId }, { mpan: '1012345678907' }], purposes: ['ASSET_REGISTRATION', 'DATA_SHARING'] };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  at: number;
}

/** The registry's callback endpoint: records each request and answers the next scripted status (the last one repeats). */
async function startReceiver(statuses: number[], answer: unknown = { accepted: true }) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks), at: performance.now() });
      const status = statuses[Math.min(received.length, statuses.length) - 1];
      res.writeHead(status, { 'content-type': 'application/json' }).end(status === 204 ? undefined : JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/consent/callbacks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('The consent simulator', function () {
  this.timeout(20_000);
  const simulator = (args: ConsentSimulatorArgs = {}) => createConsentSimulator({ retryDelaysMs: [10, 20, 40, 80], ...args });
  const create = async (app: ReturnType<typeof simulator>, more: Record<string, unknown> = {}) => (await request(app).post('/consents').send({ ...body, ...more }).expect(201)).body as { reference: string };

  it('answers /health', async () => {
    await request(simulator()).get('/health').expect(200, { status: 'ok', consents: 0 });
  });

  describe('creating consents (test/admin endpoint)', () => {
    it('stores a GIVEN consent under a generated CCS- reference and returns it', async () => {
      const at = new Date('2025-06-01T12:00:00.000Z');
      const app = simulator({ now: () => at });
      const res = await request(app).post('/consents').send({ ...body, expiresAt: '2026-06-01T00:00:00Z' }).expect(201).expect('content-type', /json/);
      assert.match(res.body.reference, /^CCS-[A-Za-z0-9_-]{24}$/);
      assert.match(res.body.reference, CONSENT_REFERENCE_PATTERN);
      assert.equal(res.headers.location, `/consents/${res.body.reference}`);
      assert.deepEqual(res.body, { reference: res.body.reference, status: 'GIVEN', ...body, givenAt: '2025-06-01T12:00:00.000Z', expiresAt: '2026-06-01T00:00:00Z' });
      await request(app).get(`/consents/${res.body.reference}`).expect(200, res.body);
    });

    it('keeps a reference and givenAt it is given', async () => {
      const app = simulator();
      const created = await create(app, { reference: 'urn:ccs:0001.a_b', givenAt: '2025-01-01T00:00:00+01:00' });
      assert.equal(created.reference, 'urn:ccs:0001.a_b');
      assert.equal((created as { givenAt?: string }).givenAt, '2025-01-01T00:00:00+01:00');
    });

    it('refuses a reference that exists already (409)', async () => {
      const app = simulator();
      await create(app, { reference: 'CCS-duplicate-1' });
      const res = await request(app).post('/consents').send({ ...body, reference: 'CCS-duplicate-1' }).expect(409).expect('content-type', /application\/problem\+json/);
      assert.match(res.body.detail, /exists already/);
    });

    for (const [label, change, field] of [
      ['a name as data subject', { dataSubject: 'John Smith' }, 'dataSubject'],
      ['an FSP that is not a UUID', { fspId: 'fsp-1' }, 'fspId'],
      ['no assets', { assets: [] }, 'assets'],
      ['an asset with neither identifier', { assets: [{}] }, 'assets/0'],
      ['a 12-digit MPAN', { assets: [{ mpan: '101234567890' }] }, 'assets/0/mpan'],
      ['an unknown purpose', { purposes: ['MARKETING'] }, 'purposes'],
      ['an expiry that is not a date-time', { expiresAt: 'soon' }, 'expiresAt'],
      ['a reference too short', { reference: 'CCS-1' }, 'reference'],
      ['a reference with a slash', { reference: 'CCS-1234/5678' }, 'reference'],
      ['an unknown field', { status: 'REVOKED' }, 'status'],
    ] as const) {
      it(`refuses ${label} with 400 problem+json naming the field`, async () => {
        const res = await request(simulator()).post('/consents').send({ ...body, ...change }).expect(400).expect('content-type', /application\/problem\+json/);
        assert.ok(res.body.errors.some((e: { field: string }) => e.field === field), JSON.stringify(res.body.errors));
      });
    }

    it('refuses a body that is not a JSON object', async () => {
      await request(simulator()).post('/consents').set('content-type', 'application/json').send('[1]').expect(400);
      await request(simulator()).post('/consents').set('content-type', 'application/json').send('{"dataSubject":').expect(400);
      await request(simulator()).post('/consents').set('content-type', 'text/plain').send('hello').expect(400);
    });
  });

  describe('reading consents', () => {
    it('needs the bearer token when one is set (401 with a challenge otherwise)', async () => {
      const app = simulator({ token: 'registry-token' });
      const { reference } = await create(app);
      const denied = await request(app).get(`/consents/${reference}`).expect(401).expect('www-authenticate', /Bearer/);
      assert.equal(denied.headers['content-type'], 'application/problem+json; charset=utf-8');
      await request(app).get(`/consents/${reference}`).set('authorization', 'Bearer wrong').expect(401);
      await request(app).get(`/consents/${reference}`).set('authorization', 'Bearer registry-token').expect(200);
      await request(app).get('/consents/CCS-unknown-0001').expect(401, /bearer token/);
    });

    it('answers 404 problem+json for an unknown reference', async () => {
      const res = await request(simulator()).get('/consents/CCS-unknown-0001').expect(404).expect('content-type', /application\/problem\+json/);
      assert.match(res.body.detail, /no consent has the reference CCS-unknown-0001/);
    });

    it('reports a consent past its expiry as EXPIRED', async () => {
      let now = new Date('2025-06-01T00:00:00Z');
      const app = simulator({ now: () => now });
      const { reference } = await create(app, { expiresAt: '2025-07-01T00:00:00Z' });
      assert.equal((await request(app).get(`/consents/${reference}`).expect(200)).body.status, 'GIVEN');
      now = new Date('2025-07-01T00:00:00Z');
      assert.equal((await request(app).get(`/consents/${reference}`).expect(200)).body.status, 'EXPIRED');
    });

    it('preloads seed consents, revoked ones included', async () => {
      const app = simulator({ seed: [{ ...body, reference: 'CCS-seeded-0001' }, { ...body, reference: 'CCS-seeded-0002', status: 'REVOKED', withdrawnAt: '2025-05-01T00:00:00Z' }] });
      assert.equal((await request(app).get('/consents/CCS-seeded-0001').expect(200)).body.status, 'GIVEN');
      assert.equal((await request(app).get('/consents/CCS-seeded-0002').expect(200)).body.status, 'REVOKED');
    });

    it('refuses to start with a bad seed or a callback URL without a secret', () => {
      assert.throws(() => simulator({ seed: [{ ...body, fspId: 'x' }] }), /seed consent 0: fspId/);
      assert.throws(() => simulator({ callbackUrl: 'http://127.0.0.1:9/x' }), /secret/);
    });
  });

  describe('revocation and withdrawal', () => {
    it('revokes, then POSTs a correctly signed ConsentRevoked callback and reports its delivery', async () => {
      const receiver = await startReceiver([204]);
      try {
        const app = simulator({ callbackUrl: receiver.url, callbackSecret: secret });
        const { reference } = await create(app);
        const res = await request(app).post(`/consents/${reference}/revocation`).expect(200);
        assert.equal(res.body.consent.status, 'REVOKED');
        assert.ok(Date.parse(res.body.consent.withdrawnAt) > Date.now() - 10_000);
        assert.deepEqual(res.body.callback, { delivered: true, status: 204, attempts: 1 });
        assert.equal(receiver.received.length, 1);
        const { headers, raw } = receiver.received[0];
        assert.equal(headers['content-type'], 'application/json');
        assert.equal(verifyCallbackSignature(secret, headers['fmar-signature'] as string, raw).ok, true);
        assert.equal(verifyCallbackSignature('another secret', headers['fmar-signature'] as string, raw).ok, false);
        const event = JSON.parse(raw.toString('utf8'));
        assert.match(event.eventId, UUID);
        assert.deepEqual(event, { eventId: event.eventId, type: 'ConsentRevoked', reference, fspId, assets: body.assets, occurredAt: res.body.consent.withdrawnAt });
        await request(app).get(`/consents/${reference}`).expect(200).expect((r) => assert.equal(r.body.status, 'REVOKED'));
      } finally {
        await receiver.close();
      }
    });

    it('withdraws with a ConsentWithdrawn callback', async () => {
      const receiver = await startReceiver([200]);
      try {
        const app = simulator({ callbackUrl: receiver.url, callbackSecret: secret });
        const { reference } = await create(app);
        const res = await request(app).post(`/consents/${reference}/withdrawal`).expect(200);
        assert.equal(res.body.consent.status, 'WITHDRAWN');
        assert.equal(JSON.parse(receiver.received[0].raw.toString()).type, 'ConsentWithdrawn');
      } finally {
        await receiver.close();
      }
    });

    it('answers 409 when the consent is already revoked or withdrawn, and sends nothing more', async () => {
      const receiver = await startReceiver([204]);
      try {
        const app = simulator({ callbackUrl: receiver.url, callbackSecret: secret });
        const { reference } = await create(app);
        await request(app).post(`/consents/${reference}/withdrawal`).expect(200);
        const res = await request(app).post(`/consents/${reference}/revocation`).expect(409).expect('content-type', /problem\+json/);
        assert.match(res.body.detail, /already WITHDRAWN/);
        await request(app).post(`/consents/${reference}/withdrawal`).expect(409);
        assert.equal(receiver.received.length, 1);
      } finally {
        await receiver.close();
      }
    });

    it('answers 404 for an unknown consent', async () => {
      await request(simulator()).post('/consents/CCS-unknown-0001/revocation').expect(404);
    });

    it('retries a 5xx with backoff, with the same event re-signed, until it is delivered', async () => {
      const receiver = await startReceiver([503, 500, 202]);
      try {
        const app = simulator({ callbackUrl: receiver.url, callbackSecret: secret });
        const { reference } = await create(app);
        const res = await request(app).post(`/consents/${reference}/revocation`).expect(200);
        assert.deepEqual(res.body.callback, { delivered: true, status: 202, attempts: 3 });
        const bodies = receiver.received.map((r) => r.raw.toString());
        assert.equal(new Set(bodies).size, 1, 'the same body, so the registry can recognise the eventId');
        for (const r of receiver.received) assert.equal(verifyCallbackSignature(secret, r.headers['fmar-signature'] as string, r.raw).ok, true);
      } finally {
        await receiver.close();
      }
    });

    it('gives up after five attempts, waiting longer each time, and says so; the consent stays revoked', async () => {
      const receiver = await startReceiver([500]);
      try {
        const app = simulator({ callbackUrl: receiver.url, callbackSecret: secret });
        const { reference } = await create(app);
        const res = await request(app).post(`/consents/${reference}/revocation`).expect(200);
        assert.deepEqual(res.body.callback, { delivered: false, status: 500, attempts: 5, error: 'the receiver answered 500' });
        assert.equal(receiver.received.length, 5);
        const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i].at);
        gaps.forEach((gap, i) => assert.ok(gap >= [10, 20, 40, 80][i] - 1, `wait ${i + 1} was ${gap} ms`));
        assert.equal(res.body.consent.status, 'REVOKED');
      } finally {
        await receiver.close();
      }
    });

    it('does not retry an answer that retrying cannot change (400, e.g. a refused signature)', async () => {
      const receiver = await startReceiver([400]);
      try {
        const app = simulator({ callbackUrl: receiver.url, callbackSecret: secret });
        const { reference } = await create(app);
        const res = await request(app).post(`/consents/${reference}/revocation`).expect(200);
        assert.deepEqual(res.body.callback, { delivered: false, status: 400, attempts: 1, error: 'the receiver answered 400' });
      } finally {
        await receiver.close();
      }
    });

    it('retries when the registry cannot be reached', async () => {
      const receiver = await startReceiver([204]);
      await receiver.close();
      const app = simulator({ callbackUrl: receiver.url, callbackSecret: secret });
      const { reference } = await create(app);
      const res = await request(app).post(`/consents/${reference}/revocation`).expect(200);
      assert.equal(res.body.callback.delivered, false);
      assert.equal(res.body.callback.attempts, 5);
      assert.match(res.body.callback.error, /ECONNREFUSED/);
    });

    it('reports no delivery without a callback URL', async () => {
      const app = simulator();
      const { reference } = await create(app);
      const res = await request(app).post(`/consents/${reference}/revocation`).expect(200);
      assert.deepEqual(res.body.callback, { delivered: false, attempts: 0, error: 'no callback URL is configured' });
    });
  });

  describe('switch requests (UC-03.04, submitted by the consent solution)', () => {
    const switchRequest = { reference: 'CCS-switch-0001', gainingFspId: fspId, assetIds: [assetId] };

    it('forwards a signed SwitchRequested event and relays the registry\'s status and JSON body', async () => {
      const receiver = await startReceiver([202], { switchId: 'abc', status: 'PendingNotice' });
      try {
        const app = simulator({ callbackUrl: receiver.url, callbackSecret: secret });
        const res = await request(app).post('/switch-requests').send(switchRequest).expect(202).expect('content-type', /json/);
        assert.deepEqual(res.body, { switchId: 'abc', status: 'PendingNotice' });
        const { headers, raw } = receiver.received[0];
        assert.equal(verifyCallbackSignature(secret, headers['fmar-signature'] as string, raw).ok, true);
        const event = JSON.parse(raw.toString());
        assert.match(event.eventId, UUID);
        assert.deepEqual(event, { eventId: event.eventId, type: 'SwitchRequested', ...switchRequest, occurredAt: event.occurredAt });
      } finally {
        await receiver.close();
      }
    });

    it('relays a refusal as it is', async () => {
      const receiver = await startReceiver([422], { title: 'Consent not valid' });
      try {
        const res = await request(simulator({ callbackUrl: receiver.url, callbackSecret: secret })).post('/switch-requests').send(switchRequest).expect(422);
        assert.deepEqual(res.body, { title: 'Consent not valid' });
      } finally {
        await receiver.close();
      }
    });

    it('refuses a bad switch request (400) and answers 503 without a callback URL', async () => {
      const res = await request(simulator()).post('/switch-requests').send({ ...switchRequest, assetIds: [] }).expect(400);
      assert.equal(res.body.errors[0].field, 'assetIds');
      await request(simulator()).post('/switch-requests').send(switchRequest).expect(503);
    });

    it('answers 502 when the registry cannot be reached', async () => {
      const receiver = await startReceiver([204]);
      await receiver.close();
      await request(simulator({ callbackUrl: receiver.url, callbackSecret: secret })).post('/switch-requests').send(switchRequest).expect(502);
    });
  });

  it('answers 404 problem+json for anything else', async () => {
    await request(simulator()).delete('/consents/CCS-0123456789').expect(404).expect('content-type', /problem\+json/);
  });
});
