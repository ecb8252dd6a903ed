import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { WebhookService } from '../../src/domain/WebhookService.js';
import { asAdmin, exampleBody, startTestRegistry, type TestRegistry } from '../support/testRegistry.js';

/** Issue #7: webhook subscriptions, signed deliveries of the events the subscriber may see, retries, outcomes. */
describe('Webhooks', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  let receiver: http.Server;
  let url = '';
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let answer = 200;
  const who: Record<string, Record<string, string>> = {};

  async function fsp(name: string): Promise<void> {
    const org = await asAdmin(t.app).post('/organisations').send({ ...(await exampleBody('organisation')), organisationRoles: ['FSP'] }).expect(201);
    await asAdmin(t.app).post(`/organisations/${org.body.fmarOrganisationId}/approval`).expect(200);
    const user = await asAdmin(t.app).post('/users').send({ organisation: org.body.fmarOrganisationId, userGivenName: 'W', userFamilyName: 'H', userEmail: `${name}@example.org`, userRoles: ['ORGANISATION_ADMINISTRATOR'] }).expect(201);
    const activated = await request(t.app).post(`/users/${user.body.userId}/activation`).send({ activationCode: user.body.activationCode }).expect(200);
    who[name] = { Authorization: `Bearer ${activated.body.apiKey}` };
  }

  before(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = answer;
        res.end();
      });
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => receiver.once('listening', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    // Deliveries are driven by the test (deliverAll), not by the background poll.
    t = await startTestRegistry({ webhookPollMs: 3_600_000 });
    await fsp('a');
    await fsp('b');
  });
  after(async () => {
    await t.close();
    receiver.close();
  });

  it('delivers the subscriber\'s events, signed, and none of another organisation\'s', async () => {
    const sub = await request(t.app).post('/webhooks').set(who.a).send({ url, eventTypes: ['AssetRegistered', 'AssetUpdated'] }).expect(201);
    assert.ok(sub.body.secret);
    await request(t.app).post('/webhooks').set(who.a).send({ url: 'ftp://nope', eventTypes: ['AssetRegistered'] }).expect(422);
    await request(t.app).post('/webhooks').send({ url, eventTypes: ['AssetRegistered'] }).expect(401);
    const mine = (await request(t.app).post('/assets').set(who.a).send({ ...(await exampleBody('asset')), assetName: 'Hooked' }).expect(201)).body;
    await request(t.app).post('/assets').set(who.b).send({ ...(await exampleBody('asset')), assetName: 'Not for A' }).expect(201);
    received.length = 0;
    await t.registry.webhooks.deliverAll();
    assert.equal(received.length, 1);
    const { headers, body } = received[0];
    const [, ts, sig] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['fmar-signature']))!;
    assert.equal(sig, createHmac('sha256', sub.body.secret).update(`${ts}.${body}`).digest('hex'), 'the signature verifies with the secret');
    const payload = JSON.parse(body) as { events: { type: string; record: string }[] };
    assert.deepEqual(payload.events.map((e) => [e.type, e.record]), [['AssetRegistered', mine['@id']]]);
    // Nothing new: nothing sent. The outcome is visible to the subscriber, not to others.
    await t.registry.webhooks.deliverAll();
    assert.equal(received.length, 1);
    const outcomes = await request(t.app).get(`/webhooks/${sub.body.id}/deliveries`).set(who.a).expect(200);
    assert.equal(outcomes.body.deliveries[0].status, 'delivered');
    assert.equal(outcomes.body.deliveries[0].httpStatus, 200);
    assert.equal(outcomes.body.subscription.secret, undefined);
    await request(t.app).get(`/webhooks/${sub.body.id}/deliveries`).set(who.b).expect(403);
    assert.equal((await request(t.app).get('/webhooks').set(who.a).expect(200)).body.items.length, 1);
    await request(t.app).delete(`/webhooks/${sub.body.id}`).set(who.a).expect(204);
  });

  it('retries a failing receiver with backoff, then records the failure and moves on', async () => {
    const sub = await request(t.app).post('/webhooks').set(who.b).send({ url, eventTypes: ['AssetRegistered'] }).expect(201);
    // The registry's own service delivers this test's other subscription; this one uses fast retries.
    const service = new WebhookService({ store: t.registry.store, records: t.registry.records, feed: t.registry.feed, baseIri: 'http://registry.test/', retryDelaysMs: [20, 20] });
    await request(t.app).post('/assets').set(who.b).send({ ...(await exampleBody('asset')), assetName: 'Retry me' }).expect(201);
    answer = 500;
    received.length = 0;
    for (let i = 0; i < 6; i++) {
      await service.deliverAll();
      await new Promise((r) => setTimeout(r, 30));
    }
    assert.equal(received.length, 3, 'one attempt and two retries');
    assert.equal(new Set(received.map((r) => r.headers['fmar-delivery-id'])).size, 3);
    const outcomes = await request(t.app).get(`/webhooks/${sub.body.id}/deliveries`).set(who.b).expect(200);
    assert.deepEqual([outcomes.body.deliveries[0].status, outcomes.body.deliveries[0].attempts, outcomes.body.deliveries[0].httpStatus], ['failed', 3, 500]);
    // The next event goes out when the receiver recovers.
    answer = 200;
    received.length = 0;
    await request(t.app).post('/assets').set(who.b).send({ ...(await exampleBody('asset')), assetName: 'After recovery' }).expect(201);
    await service.deliverAll();
    assert.equal(received.length, 1);
    assert.equal(JSON.parse(received[0].body).events[0].type, 'AssetRegistered');
  });
});
