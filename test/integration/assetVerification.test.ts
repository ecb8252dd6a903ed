import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot, sharedDir } from '../../src/projectRoot.js';
import request from 'supertest';
import { expectedCheckDigit } from '../../src/domain/authenticity/mpan.js';
import { asAdmin, embeddedOnly, exampleBody, startTestRegistry, type TestRegistry } from '../support/testRegistry.js';

/** UC-02.02 step 3 end to end: authenticity checks after the response move the asset to Verified or Query. */
describe('Authenticity checks after registration (UC-02.02)', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  let fsp: Record<string, string>;
  /** An MPAN of distributor 10 (Eastern, UKPN_EPN, GSP group _A, as the example asset declares) with the right check digit, or a wrong one. */
  const mpan = (serial: string, valid: boolean) => {
    const twelve = `10${serial.padStart(10, '0')}`;
    const digit = Number(expectedCheckDigit(`${twelve}0`));
    return `${twelve}${valid ? digit : (digit + 1) % 10}`;
  };

  before(async () => {
    t = await startTestRegistry({ authenticityChecks: true });
    const org = await asAdmin(t.app).post('/organisations').send({ ...(await exampleBody('organisation')), organisationRoles: ['FSP'] }).expect(201);
    await asAdmin(t.app).post(`/organisations/${org.body.fmarOrganisationId}/approval`).expect(200);
    const user = await asAdmin(t.app).post('/users').send({ organisation: org.body.fmarOrganisationId, userGivenName: 'V', userFamilyName: 'C', userEmail: 'verify@example.org', userRoles: ['ASSET_MANAGER'] }).expect(201);
    const activated = await request(t.app).post(`/users/${user.body.userId}/activation`).send({ activationCode: user.body.activationCode }).expect(200);
    fsp = { Authorization: `Bearer ${activated.body.apiKey}` };
  });
  after(async () => t.close());

  async function register(importMPAN: string, serialNumber: string): Promise<Record<string, unknown>> {
    const { exportMPAN: _e, ...body } = await exampleBody('asset');
    const res = await request(t.app).post('/assets').set(fsp).send({ ...body, importMPAN, serialNumber, friendlyCode: serialNumber });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.assetRegistrationStatus, 'PENDING_VALIDATION', 'the response comes before the checks');
    return res.body;
  }

  it('verifies an asset whose checks pass, with the findings recorded per attribute and the source', async () => {
    const asset = await register(mpan('1', true), 'SN-VERIFY-1');
    await t.registry.assetVerification.idle();
    const read = await request(t.app).get(`/assets/${asset.assetId}`).set(fsp).expect(200);
    assert.equal(read.body.assetRegistrationStatus, 'VERIFIED');
    const findings = await asAdmin(t.app).get('/sparql').set('Accept', 'application/sparql-results+json').query({ query: `PREFIX fmar: <https://w3id.org/fmar/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
      SELECT ?attribute ?outcome ?source WHERE { ?check a fmar:AuthenticityCheck ; prov:used ?v ; prov:generated ?f . ?v prov:specializationOf <${asset['@id']}> . ?f fmar:findingAttribute ?attribute ; fmar:findingOutcome ?outcome ; fmar:findingSource ?source }` }).expect(200);
    const rows = findings.body.results.bindings as { attribute: { value: string }; outcome: { value: string } }[];
    assert.ok(rows.some((r) => r.attribute.value === 'importMPAN' && /CONFIRMED/.test(r.outcome.value)), JSON.stringify(rows));
    const feed = await request(t.app).get('/feed').set(fsp).expect(200);
    const change = feed.body.items.find((e: { record: string; type: string }) => e.record === asset['@id'] && e.type === 'ev:AssetStatusChanged');
    assert.deepEqual([change.statusFrom, change.statusTo, change.agent], ['PENDING_VALIDATION', 'VERIFIED', `http://registry.test/agents/authenticity-checks`]);
  });

  it('puts an asset with a mistyped MPAN in Query, and re-checks when the MPAN changes (UC-02.04)', async () => {
    const asset = await register(mpan('2', false), 'SN-VERIFY-2');
    await t.registry.assetVerification.idle();
    const queried = await request(t.app).get(`/assets/${asset.assetId}`).set(fsp).expect(200);
    assert.equal(queried.body.assetRegistrationStatus, 'QUERY');
    await request(t.app).put(`/assets/${asset.assetId}`).set(fsp).set('If-Match', queried.headers.etag).send({ ...queried.body, importMPAN: mpan('2', true) }).expect(200);
    await t.registry.assetVerification.idle();
    const fixed = await request(t.app).get(`/assets/${asset.assetId}`).set(fsp).expect(200);
    assert.equal(fixed.body.assetRegistrationStatus, 'VERIFIED');
  });

  it('cross-checks an asset against the DNO Embedded Capacity Register loaded as reference data (FMAR_ECR_FILE)', async function () {
    embeddedOnly(this, 'starts a second registry, which on the shared remote store would reset the first one\'s graphs');
    const withEcr = await startTestRegistry({ authenticityChecks: true, ecrFile: join(sharedDir(), 'data/gb/ukpn_ecr_1mw_plus_2025-08.csv') });
    try {
      const org = await asAdmin(withEcr.app).post('/organisations').send({ ...(await exampleBody('organisation')), organisationRoles: ['FSP'] }).expect(201);
      const sample = (JSON.parse(await readFile(join(projectRoot(), 'data/sample/assets.json'), 'utf8')) as { body: Record<string, unknown> }[])[0].body;
      const body = { ...sample, effectiveDate: new Date().toISOString().slice(0, 10) };
      const good = await asAdmin(withEcr.app).post('/assets').set('FMAR-On-Behalf-Of', org.body.fmarOrganisationId).send(body);
      assert.equal(good.status, 201, JSON.stringify(good.body));
      // Declaring three times the register's capacity is queried.
      const inflated = await asAdmin(withEcr.app).post('/assets').set('FMAR-On-Behalf-Of', org.body.fmarOrganisationId).send({ ...body, assetName: 'Inflated', ratedCapacity: 30000, installedCapacity: 30000, genCapacity: 30000, demandCapacity: 30000 });
      assert.equal(inflated.status, 201, JSON.stringify(inflated.body));
      await withEcr.registry.assetVerification.idle();
      const findings = async (iri: string) => (await asAdmin(withEcr.app).get('/sparql').set('Accept', 'application/sparql-results+json').query({ query: `PREFIX fmar: <https://w3id.org/fmar/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?attribute ?outcome WHERE { ?check a fmar:AuthenticityCheck ; prov:used ?v ; prov:generated ?f . ?v prov:specializationOf <${iri}> . ?f fmar:findingAttribute ?attribute ; fmar:findingOutcome ?outcome }` }).expect(200)).body.results.bindings as { attribute: { value: string }; outcome: { value: string } }[];
      const goodFindings = await findings(good.body['@id']);
      assert.ok(goodFindings.some((f) => /ecrReference|ratedCapacity|assetCategory/.test(f.attribute.value) && /CONFIRMED/.test(f.outcome.value)), JSON.stringify(goodFindings));
      assert.equal((await asAdmin(withEcr.app).get(`/assets/${good.body.assetId}`).expect(200)).body.assetRegistrationStatus, 'VERIFIED');
      assert.equal((await asAdmin(withEcr.app).get(`/assets/${inflated.body.assetId}`).expect(200)).body.assetRegistrationStatus, 'QUERY');
    } finally {
      await withEcr.close();
    }
  });

  it('queries a duplicate MPAN and serial number registered by another organisation', async () => {
    const other = await asAdmin(t.app).post('/organisations').send({ ...(await exampleBody('organisation')), organisationRoles: ['FSP'] }).expect(201);
    await asAdmin(t.app).post(`/organisations/${other.body.fmarOrganisationId}/approval`).expect(200);
    const first = await register(mpan('3', true), 'SN-VERIFY-3');
    await t.registry.assetVerification.idle();
    const { exportMPAN: _e, ...body } = await exampleBody('asset');
    const copy = await asAdmin(t.app).post('/assets').set('FMAR-On-Behalf-Of', other.body.fmarOrganisationId).send({ ...body, importMPAN: mpan('3', true), serialNumber: 'SN-VERIFY-3', friendlyCode: 'COPY' }).expect(201);
    await t.registry.assetVerification.idle();
    const read = await asAdmin(t.app).get(`/assets/${copy.body.assetId}`).expect(200);
    assert.equal(read.body.assetRegistrationStatus, 'QUERY');
    assert.notEqual(first.assetId, copy.body.assetId);
  });
});
