import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsentUnavailableError } from '../../../src/consent/ConsentVerifier.js';
import { HttpConsentVerifier } from '../../../src/consent/HttpConsentVerifier.js';
import { createConsentSimulator } from '../../../src/consentSimulator/ConsentSimulator.js';

const fspId = '0193a1b2-0000-7000-8000-00000000f501';
const assetId = '0193a1b2-0000-7000-8000-0000000a5e01';
const verifiedAt = new Date('2025-06-01T12:00:00.000Z');

async function listen(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A tiny consent solution that answers whatever the test wants. */
const serve = (handler: (req: IncomingMessage, res: ServerResponse) => void) => listen(createServer(handler));

async function rejectsUnavailable(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.ok(error instanceof ConsentUnavailableError, `a ConsentUnavailableError, not ${error.name}: ${error.message}`);
    assert.match(error.message, message);
    return true;
  });
}

describe('An HTTP consent verifier', function () {
  this.timeout(20_000);

  describe('against the consent simulator', () => {
    let simulator: { url: string; close(): Promise<void> };
    let verifier: HttpConsentVerifier;
    const consent = (reference: string, more: Record<string, unknown> = {}) => ({ reference, dataSubject: 'subject-42', fspId, assets: [{ assetId }, { mpan: '1012345678907' }], purposes: ['ASSET_REGISTRATION'], givenAt: '2025-05-01T09:00:00.000Z', ...more });
    before(async () => {
      const app = createConsentSimulator({
        token: 'registry-token',
        seed: [
          consent('CCS-given-0001', { expiresAt: '2099-01-01T00:00:00Z' }),
          consent('CCS-revoked-0001', { status: 'REVOKED', withdrawnAt: '2025-05-20T08:00:00.000Z' }),
          consent('CCS-expired-0001', { expiresAt: '2025-01-01T00:00:00Z' }),
          consent('urn:ccs:ref.0001_x'),
        ],
      });
      simulator = await listen(createServer(app));
      verifier = new HttpConsentVerifier({ url: simulator.url, token: 'registry-token', now: () => verifiedAt });
    });
    after(() => simulator.close());

    it('returns the consent with the time the registry got it', async () => {
      assert.deepEqual(await verifier.verify('CCS-given-0001'), {
        reference: 'CCS-given-0001', status: 'GIVEN', dataSubject: 'subject-42', fspId, assets: [{ assetId }, { mpan: '1012345678907' }],
        purposes: ['ASSET_REGISTRATION'], givenAt: '2025-05-01T09:00:00.000Z', expiresAt: '2099-01-01T00:00:00Z', verifiedAt: '2025-06-01T12:00:00.000Z',
      });
    });

    it('returns undefined for a reference the consent solution does not know', async () => {
      assert.equal(await verifier.verify('CCS-unknown-0001'), undefined);
    });

    it('reads references with the other allowed characters (: . _) intact', async () => {
      assert.equal((await verifier.verify('urn:ccs:ref.0001_x'))?.reference, 'urn:ccs:ref.0001_x');
    });

    it('reports a revoked consent as REVOKED, with when', async () => {
      const evidence = await verifier.verify('CCS-revoked-0001');
      assert.equal(evidence?.status, 'REVOKED');
      assert.equal(evidence?.withdrawnAt, '2025-05-20T08:00:00.000Z');
    });

    it('reports a consent past its expiry as EXPIRED', async () => {
      assert.equal((await verifier.verify('CCS-expired-0001'))?.status, 'EXPIRED');
    });

    it('is refused with a wrong token or none, and says so', async () => {
      await rejectsUnavailable(new HttpConsentVerifier({ url: simulator.url, token: 'wrong' }).verify('CCS-given-0001'), /refused the registry's credentials \(HTTP 401\)/);
      await rejectsUnavailable(new HttpConsentVerifier({ url: simulator.url }).verify('CCS-given-0001'), /HTTP 401/);
    });
  });

  describe('against a consent solution that misbehaves', () => {
    const servers: { close(): Promise<void> }[] = [];
    const start = async (handler: (req: IncomingMessage, res: ServerResponse) => void) => {
      const server = await serve(handler);
      servers.push(server);
      return server.url;
    };
    const answering = (status: number, body: unknown, type = 'application/json') =>
      start((_req, res) => {
        res.writeHead(status, { 'content-type': type }).end(typeof body === 'string' ? body : JSON.stringify(body));
      });
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((s) => s.close()));
    });
    const good = { reference: 'CCS-0123456789', status: 'GIVEN', dataSubject: 'subject-42', fspId, assets: [{ assetId }], purposes: ['ASSET_REGISTRATION'], givenAt: '2025-05-01T09:00:00Z' };

    it('asks for JSON, presents its token, and puts the reference in one encoded path segment below the base URL', async () => {
      const seen: IncomingMessage[] = [];
      const url = await start((req, res) => {
        seen.push(req);
        res.writeHead(404).end();
      });
      assert.equal(await new HttpConsentVerifier({ url: `${url}/ccs/api/`, token: 's3cret' }).verify('CCS-1234/../x?y#z'), undefined);
      assert.equal(seen[0].method, 'GET');
      assert.equal(seen[0].url, '/ccs/api/consents/CCS-1234%2F..%2Fx%3Fy%23z');
      assert.equal(seen[0].headers.accept, 'application/json');
      assert.equal(seen[0].headers.authorization, 'Bearer s3cret');
    });

    it('sends no Authorization header without a token', async () => {
      let authorization: string | undefined = 'unset';
      const url = await start((req, res) => {
        authorization = req.headers.authorization;
        res.writeHead(404).end();
      });
      await new HttpConsentVerifier({ url }).verify('CCS-0123456789');
      assert.equal(authorization, undefined);
    });

    it('keeps only the known fields, and its own verifiedAt', async () => {
      const url = await answering(200, { ...good, verifiedAt: '1999-01-01T00:00:00Z', consumerName: 'J. Smith', assets: [{ assetId, extra: 1 }] });
      const evidence = await new HttpConsentVerifier({ url, now: () => verifiedAt }).verify('CCS-0123456789');
      assert.deepEqual(evidence, { ...good, assets: [{ assetId }], verifiedAt: '2025-06-01T12:00:00.000Z' });
    });

    it('refuses on a 500', async () => {
      await rejectsUnavailable(new HttpConsentVerifier({ url: await answering(500, { error: 'boom' }) }).verify('CCS-0123456789'), /answered HTTP 500 instead of 200 or 404/);
    });

    it('refuses on a 403', async () => {
      await rejectsUnavailable(new HttpConsentVerifier({ url: await answering(403, {}) }).verify('CCS-0123456789'), /HTTP 403/);
    });

    it('does not follow a redirect (it could carry the token elsewhere)', async () => {
      let followed = false;
      const target = await start((_req, res) => {
        followed = true;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(good));
      });
      const url = await start((_req, res) => {
        res.writeHead(302, { location: `${target}/consents/CCS-0123456789` }).end();
      });
      await rejectsUnavailable(new HttpConsentVerifier({ url, token: 't' }).verify('CCS-0123456789'), /HTTP 302/);
      assert.equal(followed, false);
    });

    it('gives up after the timeout when no answer comes', async () => {
      const url = await start(() => {
        /* never answers */
      });
      const started = Date.now();
      await rejectsUnavailable(new HttpConsentVerifier({ url, timeoutMs: 200 }).verify('CCS-0123456789'), /did not answer within 200 ms/);
      assert.ok(Date.now() - started < 2000, 'stops at the timeout');
    });

    it('gives up after the timeout when the body stalls', async () => {
      const url = await start((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"reference":');
      });
      await rejectsUnavailable(new HttpConsentVerifier({ url, timeoutMs: 200 }).verify('CCS-0123456789'), /did not answer within 200 ms/);
    });

    it('refuses when the consent solution cannot be reached', async () => {
      const closed = await serve(() => undefined);
      await closed.close();
      await rejectsUnavailable(new HttpConsentVerifier({ url: closed.url }).verify('CCS-0123456789'), /could not be reached: .*ECONNREFUSED/);
    });

    it('refuses a body that is not JSON', async () => {
      await rejectsUnavailable(new HttpConsentVerifier({ url: await answering(200, '<html>maintenance</html>', 'text/html') }).verify('CCS-0123456789'), /not JSON/);
    });

    const { fspId: _fsp, ...withoutFsp } = good;
    for (const [label, body, field] of [
      ['a status outside the four states', { ...good, status: 'ACTIVE' }, /status must be one of GIVEN, WITHDRAWN, REVOKED, EXPIRED/],
      ['no fspId', withoutFsp, /fspId/],
      ['an fspId that is not a UUID', { ...good, fspId: 'fsp-1' }, /fspId/],
      ['a dataSubject that is not a string', { ...good, dataSubject: 42 }, /dataSubject/],
      ['a givenAt that is not a date-time', { ...good, givenAt: 'yesterday' }, /givenAt must be an ISO 8601 date-time/],
      ['an expiresAt on a day that does not exist', { ...good, expiresAt: '2025-02-30T00:00:00Z' }, /expiresAt/],
      ['a withdrawnAt without a time zone', { ...good, withdrawnAt: '2025-05-20T08:00:00' }, /withdrawnAt/],
      ['no assets', { ...good, assets: [] }, /assets must be a non-empty list/],
      ['an asset with no identifier', { ...good, assets: [{}] }, /assets/],
      ['an MPAN that is not 13 digits', { ...good, assets: [{ mpan: '123' }] }, /assets/],
      ['purposes that are not a list', { ...good, purposes: 'ASSET_REGISTRATION' }, /purposes/],
      ['another reference than the one asked for', { ...good, reference: 'CCS-9999999999' }, /reference is "CCS-9999999999", not the one asked for/],
      ['an array', [good], /not a JSON object/],
      ['null', null, /not a JSON object/],
    ] as const) {
      it(`refuses an answer with ${label}`, async () => {
        const url = await answering(200, body);
        await rejectsUnavailable(new HttpConsentVerifier({ url }).verify('CCS-0123456789'), new RegExp(`malformed consent: .*${field.source}`));
      });
    }
  });
});
