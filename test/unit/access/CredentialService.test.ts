import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Quad } from 'n3';
import { accessGraph, readAccessIndex } from '../../../src/access/accessIndex.js';
import { audience, mayRead, principalAudiences } from '../../../src/access/audiences.js';
import { CredentialService, parseToken } from '../../../src/access/CredentialService.js';
import type { Principal } from '../../../src/access/Principal.js';
import { AuthenticationError, RecordNotFoundError, StateConflictError } from '../../../src/domain/errors.js';
import { FMAR_ACCESS, PROV } from '../../../src/rdf/namespaces.js';
import { OxigraphRegistryStore } from '../../../src/store/OxigraphRegistryStore.js';
import { selectBindings } from '../../../src/store/selectBindings.js';

const BASE = 'http://registry.test/';
const ORG = `${BASE}organisations/o1`;
const HOLDER = `${BASE}users/u1`;
const OTHER_HOLDER = `${BASE}users/u2`;
const ADMIN = { agentIri: `${BASE}agents/administrator`, onBehalfOf: ORG };
const TOKEN = /^fmar_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/;
const DAY = 86_400_000;

describe('CredentialService', function () {
  this.timeout(60_000);
  let dir: string;
  let store: OxigraphRegistryStore;
  let clock: Date;
  let credentials: CredentialService;
  const later = (days: number) => new Date(clock.getTime() + days * DAY);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fmar-credentials-'));
    store = await OxigraphRegistryStore.open({ dataDir: dir, snapshotEvery: 0 });
    clock = new Date('2026-03-01T12:00:00.000Z');
    credentials = new CredentialService({ store, baseIri: BASE, now: () => clock });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function allQuads(): Promise<Quad[]> {
    const rows = await selectBindings(store, 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }');
    return (await Promise.all(rows.map((r) => store.readGraph(r.g.value)))).flat();
  }

  /** The message of the AuthenticationError `promise` rejects with. */
  async function refusal(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof AuthenticationError, `expected AuthenticationError, got ${String(error)}`);
      return error.message;
    }
    assert.fail('expected the credential to be refused');
  }

  /** `message` is `prefix` followed by a time equal to `instant` (the store may write xsd:dateTime canonically). */
  function assertNamesInstant(message: string, prefix: string, instant: Date): void {
    assert.ok(message.startsWith(prefix), message);
    assert.equal(Date.parse(message.slice(prefix.length)), instant.getTime(), message);
  }

  function replaceSecret(token: string): string {
    const [, keyId, secret] = TOKEN.exec(token)!;
    const other = secret.startsWith('A') ? `B${secret.slice(1)}` : `A${secret.slice(1)}`;
    return `fmar_${keyId}_${other}`;
  }

  describe('issue', () => {
    it('returns a token fmar_<12 chars>_<secret> naming the credential, and its metadata', async () => {
      const issued = await credentials.issue('ApiKey', HOLDER, later(90), ADMIN, 'UC-01.01', 'laptop');
      const match = TOKEN.exec(issued.token);
      assert.ok(match, issued.token);
      assert.equal(match[1], issued.keyId);
      assert.equal(issued.iri, `${BASE}credentials/${issued.keyId}`);
      assert.equal(issued.type, 'ApiKey');
      assert.equal(issued.holder, HOLDER);
      assert.equal(issued.label, 'laptop');
      assert.equal(issued.issuedAt, clock.toISOString());
      assert.equal(issued.issuedBy, ADMIN.agentIri);
      assert.equal(issued.expiresAt, later(90).toISOString());
      assert.deepEqual(parseToken(issued.token), { keyId: match[1], secret: match[2] });
    });

    it('gives every credential its own id and secret', async () => {
      const a = await credentials.issue('ApiKey', HOLDER, later(1), ADMIN, 'UC-01.01');
      const b = await credentials.issue('ApiKey', HOLDER, later(1), ADMIN, 'UC-01.01');
      assert.notEqual(a.keyId, b.keyId);
      assert.notEqual(parseToken(a.token)!.secret, parseToken(b.token)!.secret);
    });

    it('stores only a salt and a hash: the secret is in no stored quad, nor in the journal', async () => {
      const issued = await credentials.issue('ApiKey', HOLDER, later(90), ADMIN, 'UC-01.01', 'ci');
      const secret = parseToken(issued.token)!.secret;
      const quads = await allQuads();
      assert.ok(quads.length > 0);
      for (const q of quads) {
        for (const term of [q.subject, q.predicate, q.object, q.graph]) assert.ok(!term.value.includes(secret), `the secret appears in ${term.value}`);
      }
      const own = await store.readGraph(issued.iri);
      const predicates = own.map((q) => q.predicate.value.slice(FMAR_ACCESS.length)).filter((p) => p).sort();
      assert.ok(predicates.includes('salt') && predicates.includes('secretHash'));
      const hash = own.find((q) => q.predicate.value === `${FMAR_ACCESS}secretHash`)!.object.value;
      assert.match(hash, /^[0-9a-f]{64}$/);
      const journal = await readFile(join(dir, 'journal.rdfp'), 'utf8');
      assert.ok(journal.includes(hash), 'the journal holds the credential');
      assert.ok(!journal.includes(secret), 'but never its secret');
      assert.ok(!journal.includes(issued.token));
    });

    it('writes an activity, in its own graph, readable by the audit audience and the readers given, not by others', async () => {
      const reader = audience.members(ORG);
      const issued = await credentials.issue('ApiKey', HOLDER, later(90), ADMIN, 'UC-01.01', undefined, [reader]);
      const rows = await selectBindings(store, `SELECT ?a WHERE { GRAPH ?a { ?a <${PROV}used> <${issued.iri}> ; <${PROV}wasAssociatedWith> <${ADMIN.agentIri}> } }`);
      assert.equal(rows.length, 1);
      const activity = rows[0].a.value;
      assert.ok(activity.startsWith(`${BASE}activities/`));
      const activityQuads = await store.readGraph(activity);
      assert.ok(activityQuads.some((q) => q.predicate.value === `${PROV}actedOnBehalfOf` && q.object.value === ORG));
      assert.ok(activityQuads.some((q) => q.predicate.value === `${FMAR_ACCESS}change` && q.object.value === 'issue ApiKey'));
      const index = readAccessIndex(await store.readGraph(accessGraph(activity)));
      assert.deepEqual([...index.keys()], [activity]);
      assert.deepEqual([...index.get(activity)!].sort(), [audience.audit(BASE), reader].sort());
      const regulator: Principal = { kind: 'user', agentIri: `${BASE}users/r`, organisationIri: `${BASE}organisations/ofgem`, organisationRoles: ['REGULATOR'], userRoles: ['DATA_VIEWER'], networkAreas: [], operatedPlatforms: [], credentialId: 'x' };
      assert.ok(mayRead(principalAudiences(regulator, BASE), index.get(activity)));
      const otherFsp: Principal = { ...regulator, organisationIri: `${BASE}organisations/o2`, organisationRoles: ['FSP'] };
      assert.ok(!mayRead(principalAudiences(otherFsp, BASE), index.get(activity)));
    });

    it('gives the credential graph itself no audience at all', async () => {
      const issued = await credentials.issue('ApiKey', HOLDER, later(90), ADMIN, 'UC-01.01');
      const rows = await selectBindings(store, `SELECT ?a WHERE { GRAPH ?i { <${issued.iri}> <${FMAR_ACCESS}readableBy> ?a } }`);
      assert.equal(rows.length, 0);
    });
  });

  describe('verify', () => {
    it('accepts the right token and returns the credential without its secret', async () => {
      const issued = await credentials.issue('ApiKey', HOLDER, later(90), ADMIN, 'UC-01.01', 'laptop');
      const info = await credentials.verify(issued.token, 'ApiKey');
      assert.equal(info.keyId, issued.keyId);
      assert.equal(info.holder, HOLDER);
      assert.equal(info.type, 'ApiKey');
      assert.equal(info.label, 'laptop');
      assert.ok(!JSON.stringify(info).includes(parseToken(issued.token)!.secret));
      assert.ok(!('token' in info) && !('salt' in info) && !('secretHash' in info));
    });

    it('refuses a wrong secret, an unknown id and the wrong type with the same message', async () => {
      const issued = await credentials.issue('ApiKey', HOLDER, later(90), ADMIN, 'UC-01.01');
      const code = await credentials.issue('ActivationCode', HOLDER, later(7), ADMIN, 'UC-01.01');
      const wrongSecret = await refusal(credentials.verify(replaceSecret(issued.token), 'ApiKey'));
      const unknownId = await refusal(credentials.verify(`fmar_AAAAAAAAAAAA_${parseToken(issued.token)!.secret}`, 'ApiKey'));
      const wrongType = await refusal(credentials.verify(issued.token, 'ActivationCode'));
      const codeAsKey = await refusal(credentials.verify(code.token, 'ApiKey'));
      const truncated = await refusal(credentials.verify(issued.token.slice(0, -1), 'ApiKey'));
      assert.equal(wrongSecret, 'the credential is not valid');
      for (const message of [unknownId, wrongType, codeAsKey, truncated]) assert.equal(message, wrongSecret);
      assert.ok(!wrongSecret.includes(issued.keyId), 'the refusal does not confirm the id exists');
      await credentials.verify(code.token, 'ActivationCode');
    });

    it('refuses what is not an FMAR token', async () => {
      for (const token of ['', 'abc', 'fmar_', 'fmar_short_secret', 'xmar_AAAAAAAAAAAA_secret', 'fmar_AAAAAAAAAAAAXsecret', 'fmar_AAAAAAAAAAAA_']) {
        assert.match(await refusal(credentials.verify(token, 'ApiKey')), /not an FMAR credential/, token);
      }
    });

    it('refuses an expired credential, naming its expiry', async () => {
      const expiry = later(1);
      const issued = await credentials.issue('ApiKey', HOLDER, expiry, ADMIN, 'UC-01.01');
      await credentials.verify(issued.token, 'ApiKey');
      clock = new Date(expiry.getTime() - 1);
      await credentials.verify(issued.token, 'ApiKey');
      clock = expiry;
      assertNamesInstant(await refusal(credentials.verify(issued.token, 'ApiKey')), `the credential ${issued.keyId} expired at `, expiry);
      clock = later(365);
      assertNamesInstant(await refusal(credentials.verify(issued.token, 'ApiKey')), `the credential ${issued.keyId} expired at `, expiry);
    });

    it('refuses a revoked credential, naming when it was revoked', async () => {
      const issued = await credentials.issue('ApiKey', HOLDER, later(90), ADMIN, 'UC-01.01');
      clock = later(2);
      const closed = await credentials.close(issued.keyId, 'revokedAt', ADMIN, 'UC-01.04');
      assert.equal(closed.revokedAt, clock.toISOString());
      assertNamesInstant(await refusal(credentials.verify(issued.token, 'ApiKey')), `the credential ${issued.keyId} was revoked at `, clock);
    });

    it('refuses an activation code once used, naming when', async () => {
      const code = await credentials.issue('ActivationCode', HOLDER, later(7), ADMIN, 'UC-01.01');
      await credentials.verify(code.token, 'ActivationCode');
      const closed = await credentials.close(code.keyId, 'usedAt', { agentIri: HOLDER }, 'UC-01.01');
      assert.equal(closed.usedAt, clock.toISOString());
      assertNamesInstant(await refusal(credentials.verify(code.token, 'ActivationCode')), `the credential ${code.keyId} was already used at `, clock);
    });

    it('keeps refusing a revoked credential after a restart (the state is in the store)', async () => {
      const issued = await credentials.issue('ApiKey', HOLDER, later(90), ADMIN, 'UC-01.01');
      await credentials.close(issued.keyId, 'revokedAt', ADMIN, 'UC-01.04');
      await store.close();
      store = await OxigraphRegistryStore.open({ dataDir: dir });
      const reopened = new CredentialService({ store, baseIri: BASE, now: () => clock });
      assert.match(await refusal(reopened.verify(issued.token, 'ApiKey')), /was revoked at/);
    });

    it('does not find credentials of another base', async () => {
      const issued = await credentials.issue('ApiKey', HOLDER, later(90), ADMIN, 'UC-01.01');
      const elsewhere = new CredentialService({ store, baseIri: 'http://other-registry.test/', now: () => clock });
      assert.equal(await refusal(elsewhere.verify(issued.token, 'ApiKey')), 'the credential is not valid');
    });
  });

  describe('close', () => {
    it('of two concurrent revocations, lets one succeed and refuses the other with StateConflictError', async () => {
      const issued = await credentials.issue('ApiKey', HOLDER, later(90), ADMIN, 'UC-01.01');
      const outcomes = await Promise.allSettled([credentials.close(issued.keyId, 'revokedAt', ADMIN, 'UC-01.04'), credentials.close(issued.keyId, 'revokedAt', ADMIN, 'UC-01.04')]);
      const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
      const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      assert.equal(fulfilled.length, 1);
      assert.equal(rejected.length, 1);
      assert.ok(rejected[0].reason instanceof StateConflictError, String(rejected[0].reason));
      assert.equal(rejected[0].reason.extras.currentStatus, 'REVOKED');
      const revocations = (await store.readGraph(issued.iri)).filter((q) => q.predicate.value === `${FMAR_ACCESS}revokedAt`);
      assert.equal(revocations.length, 1, 'revoked once');
      const activities = await selectBindings(store, `SELECT ?a WHERE { GRAPH ?a { ?a <${PROV}used> <${issued.iri}> ; <${FMAR_ACCESS}change> "revoke credential" } }`);
      assert.equal(activities.length, 1, 'one revocation activity');
    });

    it('refuses to use an activation code twice, and to revoke a used one', async () => {
      const code = await credentials.issue('ActivationCode', HOLDER, later(7), ADMIN, 'UC-01.01');
      const outcomes = await Promise.allSettled([credentials.close(code.keyId, 'usedAt', { agentIri: HOLDER }, 'UC-01.01'), credentials.close(code.keyId, 'usedAt', { agentIri: HOLDER }, 'UC-01.01')]);
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
      await assert.rejects(credentials.close(code.keyId, 'revokedAt', ADMIN, 'UC-01.04'), (e: unknown) => e instanceof StateConflictError && e.extras.currentStatus === 'USED');
    });

    it('is not found for an unknown id', async () => {
      await assert.rejects(credentials.close('AAAAAAAAAAAA', 'revokedAt', ADMIN, 'UC-01.04'), RecordNotFoundError);
      await assert.rejects(credentials.get('AAAAAAAAAAAA'), RecordNotFoundError);
    });

    it('records who revoked, and the activity', async () => {
      const issued = await credentials.issue('ApiKey', HOLDER, later(90), ADMIN, 'UC-01.01');
      await credentials.close(issued.keyId, 'revokedAt', ADMIN, 'UC-01.04', [audience.members(ORG)]);
      const own = await store.readGraph(issued.iri);
      assert.ok(own.some((q) => q.predicate.value === `${FMAR_ACCESS}revokedBy` && q.object.value === ADMIN.agentIri));
      const rows = await selectBindings(store, `SELECT ?a WHERE { GRAPH ?a { ?a <${PROV}used> <${issued.iri}> ; <${FMAR_ACCESS}change> "revoke credential" } }`);
      assert.equal(rows.length, 1);
      const index = readAccessIndex(await store.readGraph(accessGraph(rows[0].a.value)));
      assert.deepEqual([...index.get(rows[0].a.value)!].sort(), [audience.audit(BASE), audience.members(ORG)].sort());
      assert.equal(Date.parse((await credentials.get(issued.keyId)).revokedAt!), clock.getTime());
    });
  });

  describe('list', () => {
    it('returns the metadata of the holders\' credentials of the type asked, newest first, never a secret', async () => {
      const first = await credentials.issue('ApiKey', HOLDER, later(90), ADMIN, 'UC-01.01', 'first');
      clock = later(1);
      const second = await credentials.issue('ApiKey', HOLDER, later(90), ADMIN, 'UC-01.01', 'second');
      const others = await credentials.issue('ApiKey', OTHER_HOLDER, later(90), ADMIN, 'UC-01.01', 'others');
      await credentials.issue('ActivationCode', HOLDER, later(7), ADMIN, 'UC-01.01');
      await credentials.close(first.keyId, 'revokedAt', ADMIN, 'UC-01.04');

      const mine = await credentials.list([HOLDER]);
      assert.deepEqual(mine.map((c) => c.keyId), [second.keyId, first.keyId]);
      assert.equal(Date.parse(mine[1].revokedAt!), clock.getTime(), 'revoked keys stay listed, marked');
      assert.equal(mine[0].revokedAt, undefined);
      assert.equal(mine[0].label, 'second');
      const serialised = JSON.stringify(mine);
      for (const issued of [first, second]) assert.ok(!serialised.includes(parseToken(issued.token)!.secret));
      for (const c of mine) for (const key of ['token', 'salt', 'secretHash']) assert.ok(!(key in c), key);
      const hashes = (await allQuads()).filter((q) => q.predicate.value === `${FMAR_ACCESS}secretHash`).map((q) => q.object.value);
      for (const h of hashes) assert.ok(!serialised.includes(h));

      assert.deepEqual((await credentials.list([HOLDER, OTHER_HOLDER])).map((c) => c.keyId).sort(), [first.keyId, second.keyId, others.keyId].sort());
      assert.equal((await credentials.list([HOLDER], 'ActivationCode')).length, 1);
      assert.deepEqual(await credentials.list([]), []);
      assert.deepEqual(await credentials.list([`${BASE}users/nobody`]), []);
    });
  });
});
