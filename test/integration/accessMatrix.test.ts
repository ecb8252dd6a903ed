import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import request from 'supertest';
import { ADMIN_TOKEN, BASE, asAdmin, exampleBody, onRemoteStore, startTestRegistry, type TestRegistry } from '../support/testRegistry.js';

/**
 * The access matrix of issue #6: for each principal x resource x action, the expected allow or deny, over
 * REST, SPARQL and export, end to end from registration through activation, API keys and delegation.
 * Principals include cross-organisation attempts, an expired and a revoked key, a deactivated user, a
 * platform within and beyond its grant and one whose grant expired. The size of the matrix is printed.
 */
type Headers = Record<string, string>;

describe('Access matrix (issue #6)', function () {
  this.timeout(180_000);
  let t: TestRegistry;
  const admin: Headers = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  const org: Record<string, string> = {};
  const asset: Record<string, string> = {};
  const who: Record<string, Headers> = {};
  let platformId = '';
  let grantToPlatform = '';
  let cases = 0;

  async function registerOrganisation(name: string, roles: string[], extra: Record<string, unknown> = {}): Promise<string> {
    const res = await asAdmin(t.app).post('/organisations').send({ ...(await exampleBody('organisation')), organisationRoles: roles, ...extra }).expect(201);
    await asAdmin(t.app).post(`/organisations/${res.body.fmarOrganisationId}/approval`).expect(200);
    org[name] = res.body.fmarOrganisationId;
    return res.body.fmarOrganisationId;
  }

  /** Registers a user through UC-01.01 as `by`, activates it, and returns its API key as headers. */
  async function userKey(organisation: string, roles: string[], by: Headers = admin, email = `${roles.join('-').toLowerCase()}.${Math.random().toString(36).slice(2)}@example.org`): Promise<{ headers: Headers; id: string }> {
    const created = await request(t.app).post('/users').set(by).send({ organisation, userGivenName: 'Sam', userFamilyName: 'Tester', userEmail: email, userRoles: roles }).expect(201);
    assert.match(created.body.activationCode, /^fmar_/);
    const activated = await request(t.app).post(`/users/${created.body.userId}/activation`).send({ activationCode: created.body.activationCode }).expect(200);
    assert.equal(activated.body.userStatus, 'ACTIVE');
    return { headers: { Authorization: `Bearer ${activated.body.apiKey}` }, id: created.body.userId };
  }

  let signingKey: CryptoKey;
  let aViewerId = '';
  const issuer = 'https://login.example.org/';

  before(async () => {
    // OIDC: a local JWKS file (no network), as an operator would configure FMAR_OIDC_JWKS_FILE.
    const pair = await generateKeyPair('ES256');
    signingKey = pair.privateKey;
    const jwksFile = join(process.env.TMPDIR ?? '/tmp', `fmar-jwks-${process.pid}.json`);
    await writeFile(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }));
    t = await startTestRegistry({ oidc: { issuer, audience: 'fmar', jwksFile, subjectClaim: 'sub' } });
    await registerOrganisation('A', ['FSP']);
    await registerOrganisation('B', ['FSP']);
    await registerOrganisation('DNO', ['DNO'], { networkAreas: ['_A'] });
    await registerOrganisation('REG', ['REGULATOR']);
    await registerOrganisation('PLAT', ['PLATFORM']);
    await registerOrganisation('MF', ['MARKET_FACILITATOR']);
    const aAdmin = await userKey(org.A, ['ORGANISATION_ADMINISTRATOR']);
    who.aAdmin = aAdmin.headers;
    // UC-01.01: the organisation's administrator adds its other users.
    const viewer = await userKey(org.A, ['DATA_VIEWER'], who.aAdmin);
    who.aViewer = viewer.headers;
    aViewerId = viewer.id;
    who.aManager = (await userKey(org.A, ['ASSET_MANAGER'], who.aAdmin)).headers;
    who.bAdmin = (await userKey(org.B, ['ORGANISATION_ADMINISTRATOR'])).headers;
    who.dno = (await userKey(org.DNO, ['DATA_VIEWER'])).headers;
    who.dnoWithPurpose = { ...who.dno, 'FMAR-Purpose': 'connection-management' };
    who.regulator = (await userKey(org.REG, ['DATA_VIEWER'])).headers;
    const platAdmin = await userKey(org.PLAT, ['ORGANISATION_ADMINISTRATOR']);
    // Requirements §10: an FMAR administrator is a user with FMAR_ADMINISTRATOR in the Market Facilitator.
    who.fmarAdminUser = (await userKey(org.MF, ['FMAR_ADMINISTRATOR'])).headers;
    who.anonymous = {};

    // Keys that must not work: expired, revoked, and a deactivated user's.
    const leaver = await userKey(org.A, ['ASSET_MANAGER'], who.aAdmin);
    await request(t.app).post(`/users/${leaver.id}/deactivation`).set(who.aAdmin).expect(200);
    who.deactivated = leaver.headers;
    const expired = await t.registry.credentials.issue('ApiKey', `${BASE}users/${aAdmin.id}`, new Date(Date.now() - 1000), { agentIri: `${BASE}agents/administrator` }, 'test');
    who.expiredKey = { Authorization: `Bearer ${expired.token}` };
    const revoked = await request(t.app).post('/api-keys').set(who.aAdmin).send({ label: 'to revoke' }).expect(201);
    await request(t.app).delete(`/api-keys/${revoked.body.keyId}`).set(who.aAdmin).expect(200);
    who.revokedKey = { Authorization: `Bearer ${revoked.body.apiKey}` };

    // Assets: a1 of A in GSP group _A (with an MPAN, personal data), b1 of B in _B.
    const a1 = await request(t.app).post('/assets').set(who.aManager).send({ ...(await exampleBody('asset')), assetName: 'A one' }).expect(201);
    asset.a1 = a1.body.assetId;
    const b1 = await request(t.app).post('/assets').set(who.bAdmin).send({ ...(await exampleBody('asset')), assetName: 'B one', gspGroup: '_B', dnoConnection: 'NGED_EMID', importMPAN: '1112345678906' }).expect(201);
    asset.b1 = b1.body.assetId;
    const a2 = await request(t.app).post('/assets').set(who.aManager).send({ ...(await exampleBody('asset')), assetName: 'A two' }).expect(201);
    asset.a2 = a2.body.assetId;

    // UC-05.04: the platform organisation registers its platform, an administrator vets it, it gets its own key.
    const platform = await request(t.app).post('/platforms').set(platAdmin.headers).send({ platformName: 'Flex Exchange' }).expect(201);
    platformId = platform.body.platformId;
    assert.equal(platform.body.platformStatus, 'PENDING_VETTING');
    await request(t.app).post('/api-keys').set(platAdmin.headers).send({ holder: platformId }).expect(409);
    await asAdmin(t.app).post(`/platforms/${platformId}/approval`).expect(200);
    const platformKey = await request(t.app).post('/api-keys').set(platAdmin.headers).send({ holder: platformId }).expect(201);
    const platformAuth = `Bearer ${platformKey.body.apiKey}`;
    // A delegates reading and updating a1 only; B's grant expired last year; A's grant to register was revoked.
    const today = new Date().toISOString().slice(0, 10);
    grantToPlatform = (await request(t.app).post('/delegations').set(who.aAdmin).send({ grantee: platformId, delegatedActions: ['READ_ASSET', 'UPDATE_ASSET'], appliesToAllAssets: false, delegatedAssets: [asset.a1], grantValidFrom: today }).expect(201)).body.delegationId;
    await request(t.app).post('/delegations').set(who.bAdmin).send({ grantee: platformId, delegatedActions: ['READ_ASSET'], appliesToAllAssets: true, grantValidFrom: '2020-01-01', grantValidUntil: '2021-01-01' }).expect(201);
    const toRevoke = await request(t.app).post('/delegations').set(who.aAdmin).send({ grantee: platformId, delegatedActions: ['REGISTER_ASSET'], appliesToAllAssets: true, grantValidFrom: today }).expect(201);
    await request(t.app).post(`/delegations/${toRevoke.body.delegationId}/revocation`).set(who.aAdmin).expect(200);
    who.platformForA = { Authorization: platformAuth, 'FMAR-On-Behalf-Of': org.A };
    who.platformForB = { Authorization: platformAuth, 'FMAR-On-Behalf-Of': org.B };
    who.platformAlone = { Authorization: platformAuth };
  });
  after(async () => {
    console.log(`      access matrix: ${cases} principal x resource x action cases`);
    await t.close();
  });

  /** One matrix row: the principals and the status each must get. */
  async function expectStatuses(action: string, make: (h: Headers) => request.Test, expected: Record<string, number>): Promise<void> {
    for (const [name, status] of Object.entries(expected)) {
      const res = await make(who[name] ?? admin);
      cases++;
      assert.equal(res.status, status, `${action} as ${name}: expected ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      if (status >= 400) assert.match(res.headers['content-type'] ?? '', /problem\+json/, `${action} as ${name}`);
    }
  }

  it('reads a record only where the policy allows (own, area, regulator, grant), 404 elsewhere, 401 for dead credentials', async () => {
    const denied = { expiredKey: 401, revokedKey: 401, deactivated: 401, platformForB: 403 };
    await expectStatuses('read a1', (h) => request(t.app).get(`/assets/${asset.a1}`).set(h), { admin: 200, aAdmin: 200, aViewer: 200, bAdmin: 404, dno: 200, regulator: 200, platformForA: 200, platformAlone: 404, anonymous: 404, ...denied });
    await expectStatuses('read a2 (not delegated)', (h) => request(t.app).get(`/assets/${asset.a2}`).set(h), { aViewer: 200, platformForA: 404, bAdmin: 404, dno: 200 });
    await expectStatuses('read b1', (h) => request(t.app).get(`/assets/${asset.b1}`).set(h), { admin: 200, aAdmin: 404, bAdmin: 200, dno: 404, regulator: 200, platformForA: 404, anonymous: 404 });
    await expectStatuses('read organisation A (public directory)', (h) => request(t.app).get(`/organisations/${org.A}`).set(h), { anonymous: 200, bAdmin: 200, aViewer: 200, ...denied });
    await expectStatuses('history of a1', (h) => request(t.app).get(`/assets/${asset.a1}/history`).set(h), { aViewer: 200, bAdmin: 404, anonymous: 404, regulator: 200 });
  });

  it('shows personal values only to the owner, a delegate, and a system operator that states its purpose', async () => {
    const mpan = async (name: string) => (await request(t.app).get(`/assets/${asset.a1}`).set(who[name] ?? admin).expect(200)).body.importMPAN as string | undefined;
    const expectations: Record<string, boolean> = { admin: true, aAdmin: true, aViewer: true, platformForA: true, dno: false, dnoWithPurpose: true, regulator: false };
    for (const [name, sees] of Object.entries(expectations)) {
      cases++;
      assert.equal((await mpan(name)) !== undefined, sees, `${name} ${sees ? 'should' : 'should not'} see the MPAN`);
    }
    const org = await request(t.app).get(`/organisations/${org_A()}`).set(who.bAdmin).expect(200);
    cases++;
    assert.equal(org.body.primaryContactEmail, undefined, 'another FSP does not see contacts');
    const own = await request(t.app).get(`/organisations/${org_A()}`).set(who.aViewer).expect(200);
    cases++;
    assert.ok(own.body.primaryContactEmail, 'the organisation sees its own contacts');
    // UC-05.01: the personal reads were logged.
    await t.registry.accessLog.flush();
    const logged = await asAdmin(t.app).get('/sparql').query({ query: `PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX access: <https://w3id.org/fmar/access#>
      SELECT ?agent ?purpose WHERE { ?e a access:DataAccess ; prov:used <${BASE}assets/${asset.a1}#personal> ; prov:wasAssociatedWith ?agent . OPTIONAL { ?e access:statedPurpose ?purpose } }` }).set('Accept', 'application/sparql-results+json').expect(200);
    const rows = logged.body.results.bindings as { agent: { value: string }; purpose?: { value: string } }[];
    // Administrator, A's administrator and viewer, the platform and the DNO that stated its purpose read the MPAN.
    assert.ok(new Set(rows.map((r) => r.agent.value)).size >= 5, JSON.stringify(rows));
    assert.ok(rows.some((r) => r.purpose?.value === 'connection-management'), 'the stated purpose is logged');
  });
  const org_A = () => org.A;

  it('lists only readable records', async () => {
    const ids = async (name: string) => ((await request(t.app).get('/assets').set(who[name] ?? admin).expect(200)).body.items as { assetId: string }[]).map((i) => i.assetId).sort();
    const expected: Record<string, string[]> = { admin: [asset.a1, asset.a2, asset.b1], aViewer: [asset.a1, asset.a2], bAdmin: [asset.b1], dno: [asset.a1, asset.a2], platformForA: [asset.a1], anonymous: [] };
    for (const [name, list] of Object.entries(expected)) {
      cases++;
      assert.deepEqual(await ids(name), [...list].sort(), `list as ${name}`);
    }
  });

  it('creates assets only as an FSP writer, its delegate with REGISTER_ASSET, or an administrator acting for it', async () => {
    const body = { ...(await exampleBody('asset')), assetName: 'Matrix created' };
    await expectStatuses('create asset', (h) => request(t.app).post('/assets').set(h).send(body), {
      aAdmin: 201, aManager: 201, bAdmin: 201, aViewer: 403, dno: 403, regulator: 403, platformForA: 403, platformAlone: 403, anonymous: 401, expiredKey: 401, revokedKey: 401, deactivated: 401,
    });
    await expectStatuses('create asset as an administrator for A', (h) => request(t.app).post('/assets').set(h).set('FMAR-On-Behalf-Of', org.A).send(body), { admin: 201, fmarAdminUser: 201 });
    await expectStatuses('create asset as an administrator naming no FSP', (h) => request(t.app).post('/assets').set(h).send(body), { admin: 400, fmarAdminUser: 400 });
    const forA = await request(t.app).post('/assets').set(who.fmarAdminUser).set('FMAR-On-Behalf-Of', org.A).send(body).expect(201);
    assert.equal(forA.body.responsibleFSP, org.A);
    await expectStatuses('user acting for another organisation', (h) => request(t.app).post('/assets').set(h).set('FMAR-On-Behalf-Of', org.B).send(body), { aAdmin: 403 });
  });

  it('updates an asset only as its FSP or a delegate covering it', async () => {
    const put = (id: string) => async (h: Headers) => {
      const current = await asAdmin(t.app).get(`/assets/${id}`).expect(200);
      return request(t.app).put(`/assets/${id}`).set(h).set('If-Match', current.headers.etag).send({ ...current.body, assetName: 'Renamed' });
    };
    for (const [name, status] of Object.entries({ aManager: 200, platformForA: 200, bAdmin: 403, aViewer: 403, dno: 403, anonymous: 401, admin: 200 })) {
      const res = await (await put(asset.a1))(who[name] ?? admin);
      cases++;
      assert.equal(res.status, status, `update a1 as ${name}: ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    const beyond = await (await put(asset.a2))(who.platformForA);
    cases++;
    assert.equal(beyond.status, 403, 'a platform beyond its grant');
    // The activity records both the platform (agent) and the FSP it acted for.
    const history = await request(t.app).get(`/assets/${asset.a1}/history`).set(who.aViewer).expect(200);
    assert.ok(history.body.versions.some((v: { agents: string[] }) => v.agents.includes(`${BASE}platforms/${platformId}`) && v.agents.includes(`${BASE}organisations/${org.A}`)));
  });

  it('changes organisations and users only as their administrators (and admin-only fields only as FMAR administrator)', async () => {
    const update = async (h: Headers, change: Record<string, unknown>) => {
      const current = await asAdmin(t.app).get(`/organisations/${org.A}`).expect(200);
      return request(t.app).put(`/organisations/${org.A}`).set(h).set('If-Match', current.headers.etag).send({ ...current.body, ...change });
    };
    for (const [name, status] of Object.entries({ aAdmin: 200, aViewer: 403, bAdmin: 403, anonymous: 401, admin: 200 })) {
      cases++;
      assert.equal((await update(who[name] ?? admin, { organisationTradingName: `Trading ${name}` })).status, status, `update organisation A as ${name}`);
    }
    cases++;
    const adminOnly = await update(who.aAdmin, { organisationRoles: ['FSP', 'REGULATOR'] });
    assert.equal(adminOnly.status, 403);
    assert.deepEqual(adminOnly.body.fields, ['organisationRoles']);
    await expectStatuses('add a user to A', (h) => request(t.app).post('/users').set(h).send({ organisation: org.A, userGivenName: 'X', userFamilyName: 'Y', userEmail: `x${Math.random()}@example.org`, userRoles: ['DATA_VIEWER'] }), { aAdmin: 201, aViewer: 403, bAdmin: 403, anonymous: 401 });
    await expectStatuses('grant FMAR_ADMINISTRATOR', (h) => request(t.app).post('/users').set(h).send({ organisation: org.A, userGivenName: 'X', userFamilyName: 'Y', userEmail: `y${Math.random()}@example.org`, userRoles: ['FMAR_ADMINISTRATOR'] }), { aAdmin: 403, admin: 403 });
    await expectStatuses('de-register organisation B', (h) => request(t.app).post(`/organisations/${org.B}/deregistration`).set(h), { aAdmin: 403, anonymous: 401, bAdmin: 409 });
    await expectStatuses('approve organisation', (h) => request(t.app).post(`/organisations/${org.A}/approval`).set(h), { aAdmin: 403, admin: 409 });
  });

  it('confines SPARQL to readable graphs whatever the query says', async () => {
    const count = async (h: Headers, query: string, extra: Record<string, string> = {}) => {
      const res = await request(t.app).get('/sparql').set(h).set('Accept', 'application/sparql-results+json').query({ query, ...extra });
      return res;
    };
    const assets = 'SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a <https://w3id.org/fmar/ontology#Asset> }';
    const expected: Record<string, number> = { aViewer: 2, bAdmin: 1, dno: 2, regulator: 3, platformForA: 1, anonymous: 0 };
    for (const [name, n] of Object.entries(expected)) {
      cases++;
      const res = await count(who[name], assets);
      assert.equal(res.status, 200, name);
      // Assets created by earlier tests in this file count too: compare with what the same principal lists.
      const listed = ((await request(t.app).get('/assets?limit=100').set(who[name]).expect(200)).body.items as unknown[]).length;
      assert.equal(Number(res.body.results.bindings[0].n.value), listed, `${name} counts what it may list`);
      assert.ok(listed >= n);
    }
    const b1 = `${BASE}assets/${asset.b1}`;
    const escapes: [string, string, Record<string, string>?][] = [
      ['named graphs', `SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER (CONTAINS(STR(?g), "${asset.b1}")) }`],
      ['FROM', `SELECT ?p ?o FROM <${b1}> WHERE { ?s ?p ?o }`],
      ['FROM NAMED', `SELECT ?p ?o FROM NAMED <${b1}#personal> WHERE { GRAPH ?g { ?s ?p ?o } }`],
      ['GRAPH iri', `SELECT ?o WHERE { GRAPH <${b1}#personal> { ?s ?p ?o } }`],
      ['default-graph-uri', 'SELECT ?s ?p ?o WHERE { ?s ?p ?o }', { 'default-graph-uri': b1 }],
      ['named-graph-uri', 'SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } }', { 'named-graph-uri': b1 }],
      ['access index', `SELECT ?g ?a WHERE { GRAPH ?x { ?g <https://w3id.org/fmar/access#readableBy> ?a } FILTER (CONTAINS(STR(?g), "${asset.b1}")) }`],
      ['subquery', `SELECT ?o WHERE { { SELECT ?o WHERE { GRAPH ?g { <${b1}> ?p ?o } } } }`],
    ];
    for (const [label, query, extra] of escapes) {
      cases++;
      const res = await count(who.aAdmin, query, extra);
      assert.equal(res.status, 200, `${label}: ${JSON.stringify(res.body).slice(0, 200)}`);
      assert.equal(res.body.results.bindings.length, 0, `${label} must return nothing of B's asset: ${JSON.stringify(res.body.results.bindings).slice(0, 300)}`);
    }
    cases++;
    const probe = await count(who.aAdmin, `SELECT ?o WHERE { ?o a <https://w3id.org/fmar/ontology#Organisation> FILTER EXISTS { GRAPH ?g { <${b1}> ?p ?v } } }`);
    assert.deepEqual([probe.status, probe.body.results.bindings], [200, []], 'an EXISTS probe finds nothing of B');
    if (!onRemoteStore) {
      // Virtuoso 7 answers true to any ASK { FILTER EXISTS {...} } with nothing else in the group, whatever the data
      // (docs/scale-out.md): a constant, so it tells nothing; the embedded store answers it properly.
      cases++;
      const ask = await count(who.aAdmin, `ASK { FILTER EXISTS { GRAPH ?g { <${b1}> ?p ?o } } }`);
      assert.deepEqual([ask.status, ask.body.boolean], [200, false]);
    }
    // Transitive paths stay within one readable graph (embedded store); where the store cannot promise that
    // (Virtuoso), they are refused.
    cases++;
    const path = await count(who.aAdmin, `SELECT ?o WHERE { <${b1}> (<https://w3id.org/fmar/ontology#importMPAN>|!<urn:x>)* ?o FILTER (isLiteral(?o)) }`);
    if (onRemoteStore) assert.equal(path.status, 400);
    else assert.deepEqual([path.status, path.body.results.bindings], [200, []]);
    cases++;
    const sequence = await count(who.aAdmin, `SELECT ?o WHERE { <${b1}> <https://w3id.org/fmar/ontology#responsibleFSP>/<https://w3id.org/fmar/ontology#importMPAN> ?o }`);
    assert.deepEqual([sequence.status, sequence.body.results.bindings], [200, []]);
    cases++;
    const service = await count(who.aAdmin, 'SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }');
    assert.equal(service.status, 400);
    cases++;
    const describe = await request(t.app).get('/sparql').set(who.aAdmin).set('Accept', 'application/n-triples').query({ query: `DESCRIBE <${b1}>` }).expect(200);
    assert.equal(describe.text.split('\n').filter((line) => line.trim() && !line.startsWith('#')).length, 0, 'DESCRIBE of B\'s asset gives no triples');
    await expectStatuses('SPARQL Update', (h) => request(t.app).post('/sparql').set(h).type('application/sparql-update').send('INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }'), { aAdmin: 403, anonymous: 401 });
  });

  it('accepts OIDC bearer JWTs signed by the configured issuer, and refuses expired, foreign and unsigned ones', async () => {
    const token = (claims: Record<string, unknown>, expires = '5m', iss = issuer) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(iss).setAudience('fmar').setSubject(aViewerId).setIssuedAt().setExpirationTime(expires).sign(signingKey);
    who.jwt = { Authorization: `Bearer ${await token({})}` };
    who.jwtExpired = { Authorization: `Bearer ${await token({}, Math.floor(Date.now() / 1000) - 60 as unknown as string)}` };
    who.jwtForeignIssuer = { Authorization: `Bearer ${await token({}, '5m', 'https://evil.example/')}` };
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: aViewerId, iss: issuer, aud: 'fmar', exp: Math.floor(Date.now() / 1000) + 300 })).toString('base64url')}.`;
    who.jwtUnsigned = { Authorization: `Bearer ${unsigned}` };
    await expectStatuses('read a1 with a JWT', (h) => request(t.app).get(`/assets/${asset.a1}`).set(h), { jwt: 200, jwtExpired: 401, jwtForeignIssuer: 401, jwtUnsigned: 401 });
    await expectStatuses('read b1 with a JWT', (h) => request(t.app).get(`/assets/${asset.b1}`).set(h), { jwt: 404 });
  });

  it('detects a duplicate organisation on registration number, VAT number or normalised legal name (UC-01.02)', async () => {
    const existing = await asAdmin(t.app).get(`/organisations/${org.A}`).expect(200);
    const fresh = await exampleBody('organisation');
    const variants: [string, Record<string, unknown>][] = [
      ['organisationRegistrationNumber', { organisationRegistrationNumber: existing.body.organisationRegistrationNumber }],
      ['vatRegistrationNumber', { vatRegistrationNumber: existing.body.vatRegistrationNumber }],
      ['organisationLegalName', { organisationLegalName: `  ${String(existing.body.organisationLegalName).toUpperCase().replace(/ Ltd$/, ' LIMITED.')}` .trim() }],
    ];
    for (const [field, change] of variants) {
      cases++;
      const res = await request(t.app).post('/organisations').send({ ...fresh, ...change }).expect(409);
      assert.equal(res.body.existingId, org.A, field);
      assert.deepEqual(res.body.matchedOn, [field]);
    }
  });

  it('de-registers an organisation without active assets: it and its users become inactive and cannot authenticate (UC-01.04)', async () => {
    const c = await registerOrganisation('C', ['FSP']);
    const cAdmin = await userKey(c, ['ORGANISATION_ADMINISTRATOR']);
    const cViewer = await userKey(c, ['DATA_VIEWER'], cAdmin.headers);
    await request(t.app).get(`/organisations/${c}`).set(cViewer.headers).expect(200);
    const res = await request(t.app).post(`/organisations/${c}/deregistration`).set(cAdmin.headers).expect(200);
    assert.equal(res.body.organisationStatus, 'INACTIVE');
    assert.deepEqual([...res.body.deactivatedUsers].sort(), [cAdmin.id, cViewer.id].sort());
    who.cAdmin = cAdmin.headers;
    who.cViewer = cViewer.headers;
    await expectStatuses('credentials of a de-registered organisation', (h) => request(t.app).get(`/organisations/${c}`).set(h), { cAdmin: 401, cViewer: 401, admin: 200 });
    const history = await asAdmin(t.app).get(`/users/${cViewer.id}/history`).expect(200);
    assert.deepEqual(history.body.versions.map((v: { useCase: string }) => v.useCase), ['UC-01.01', 'UC-01.01', 'UC-01.04']);
  });

  it('exports only readable records, and only with credentials (a platform with EXPORT_ASSETS)', async () => {
    await expectStatuses('export', (h) => request(t.app).get('/export?kind=assets').set(h), { aViewer: 200, bAdmin: 200, anonymous: 401, platformForA: 403, platformAlone: 403, expiredKey: 401 });
    const text = (await request(t.app).get('/export?kind=assets').set(who.aViewer).buffer(true).parse((r, cb) => {
      let s = '';
      r.on('data', (c: Buffer) => (s += c));
      r.on('end', () => cb(null, s));
    }).expect(200)).body as string;
    cases++;
    assert.ok(text.includes(asset.a1) && !text.includes(asset.b1));
  });

  it('acts at once on revocations and deactivations, even for credentials used a moment before (principal cache)', async () => {
    const key = await request(t.app).post('/api-keys').set(who.aAdmin).send({ label: 'used then revoked' }).expect(201);
    const headers = { Authorization: `Bearer ${key.body.apiKey}` };
    await request(t.app).get(`/assets/${asset.a1}`).set(headers).expect(200);
    await request(t.app).delete(`/api-keys/${key.body.keyId}`).set(who.aAdmin).expect(200);
    cases++;
    await request(t.app).get(`/assets/${asset.a1}`).set(headers).expect(401);
    await request(t.app).get(`/assets/${asset.a1}`).set(who.platformForA).expect(200);
    await request(t.app).post(`/delegations/${grantToPlatform}/revocation`).set(who.aAdmin).expect(200);
    cases++;
    await request(t.app).get(`/assets/${asset.a1}`).set(who.platformForA).expect(403);
  });
});
