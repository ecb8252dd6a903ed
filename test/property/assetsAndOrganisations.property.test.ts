import assert from 'node:assert/strict';
import fc from 'fast-check';
import request from 'supertest';
import { ADMIN_TOKEN, startTestRegistry, type TestRegistry, asAdmin, uniqueOrganisationIdentity } from '../support/testRegistry.js';

/**
 * Property-based tests (issue #4): random valid assets and organisations are accepted and read back
 * identical; random invalid ones (a valid one with one rule broken) are rejected with a reason naming the
 * field, and leave no trace in the store.
 */
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const RUNS = Number(process.env.FC_RUNS ?? 40);
const today = new Date().toISOString().slice(0, 10);
const addDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const DEMAND = ['EV_CHARGER', 'HEAT_PUMP', 'HVAC', 'REFRIGERATION', 'ELECTRIC_BOILER', 'INDUSTRIAL_LOAD'];
const GENERATION = ['SOLAR_PV', 'WIND_TURBINE', 'CHP'];
const DEMAND_TECH: Record<string, string> = { EV_CHARGER: 'EV', HEAT_PUMP: 'HEAT_PUMP', HVAC: 'HVAC', REFRIGERATION: 'REFRIGERATION', ELECTRIC_BOILER: 'ELECTRIC_BOILER', INDUSTRIAL_LOAD: 'INDUSTRIAL_LOAD' };
const SOURCE: Record<string, string> = { SOLAR_PV: 'SOLAR', WIND_TURBINE: 'WIND', CHP: 'NATURAL_GAS', BESS: 'GRID' };
const DNO: [string, string][] = [['UKPN_EPN', '10'], ['NGED_EMID', '11'], ['UKPN_LPN', '12'], ['ENWL', '16'], ['SSEN_SEPD', '20'], ['NPG_YK', '23']];

const kw = (maxCents: number) => fc.integer({ min: 1, max: maxCents }).map((c) => c / 100);
const text = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9][A-Za-z0-9 _/()-]{${min - 1},${max - 1}}$`));
const mpanTail = fc.stringMatching(/^[0-9]{11}$/);

/** A valid asset body: the category decides which fields the rules require. */
const validAsset = fc
  .record({
    category: fc.constantFrom('BESS', ...DEMAND, ...GENERATION),
    name: text(1, 60),
    rated: kw(100_000_000),
    genShare: fc.integer({ min: 0, max: 100 }),
    demandShare: fc.integer({ min: 0, max: 100 }),
    extra: kw(1_000_000),
    dno: fc.constantFrom(...DNO),
    importTail: mpanTail,
    exportTail: mpanTail,
    connected: fc.boolean(),
    effectiveIn: fc.integer({ min: 0, max: 3650 }),
    commissionedAgo: fc.integer({ min: 0, max: 20_000 }),
    connectionType: fc.constantFrom('FIRM', 'NON_FIRM', 'DYNAMIC'),
    serial: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{3,64}$/), { nil: undefined }),
  })
  .map((g) => {
    const body: Record<string, unknown> = {
      assetName: g.name,
      assetCategory: g.category,
      ratedCapacity: g.rated,
      effectiveDate: addDays(g.effectiveIn),
      connectionStatus: g.connected ? 'CONNECTED' : 'PENDING',
      connectionType: g.connectionType,
      dnoConnection: g.dno[0],
    };
    const gen = Math.floor(g.rated * g.genShare) / 100;
    const demand = Math.floor(g.rated * g.demandShare) / 100;
    if (!DEMAND.includes(g.category)) body.genCapacity = gen;
    if (g.category === 'BESS' || DEMAND.includes(g.category)) body.demandCapacity = demand;
    body.installedCapacity = Math.round((g.rated + g.extra) * 100) / 100;
    if (SOURCE[g.category]) body.fuelType_EnergySource = SOURCE[g.category];
    if (DEMAND_TECH[g.category]) body.fuelType_DemandTechType = DEMAND_TECH[g.category];
    if (DEMAND.includes(g.category) || g.category === 'BESS') body.importMPAN = g.dno[1] + g.importTail;
    if (GENERATION.includes(g.category) || g.category === 'BESS') body.exportMPAN = g.dno[1] + g.exportTail;
    if (body.importMPAN && body.importMPAN === body.exportMPAN) delete body.exportMPAN;
    if (g.connected) {
      const commissioned = addDays(-g.commissionedAgo);
      body.commissioningDate = commissioned < (body.effectiveDate as string) ? commissioned : today;
    }
    if (g.serial) body.serialNumber = g.serial;
    if (g.rated > 1_000_000) body.capacityJustification = 'Large site confirmed by the connection agreement.';
    return body;
  });

/** One rule broken: the field the refusal must name, and the mutation. */
const breakings: [string, (b: Record<string, unknown>) => Record<string, unknown>][] = [
  ['ratedCapacity', (b) => ({ ...b, ratedCapacity: 0 })],
  ['ratedCapacity', (b) => ({ ...b, ratedCapacity: 3.141 })],
  ['ratedCapacity', (b) => ({ ...b, ratedCapacity: '10kW' })],
  ['assetName', (b) => ({ ...b, assetName: `${b.assetName as string}#!` })],
  ['assetName', (b) => ({ ...b, assetName: 'x'.repeat(256) })],
  ['assetCategory', (b) => ({ ...b, assetCategory: 'FLYWHEEL' })],
  ['effectiveDate', (b) => ({ ...b, effectiveDate: '2027-02-30' })],
  ['connectionType', (b) => ({ ...b, connectionType: 'TIMED' })],
  ['connectionStatus', (b) => ({ ...b, connectionStatus: 'DECOMMISSIONED' })],
  ['dnoConnection', (b) => ({ ...b, dnoConnection: 'IDNO_GTC' })],
  ['importMPAN', (b) => ({ ...b, importMPAN: '12345' })],
  ['genCapacity', (b) => ({ ...b, genCapacity: (b.ratedCapacity as number) + 1, installedCapacity: (b.ratedCapacity as number) + 10 })],
  ['installedCapacity', (b) => ({ ...b, installedCapacity: -1 })],
  ['connectionType', (b) => {
    const { connectionType: _removed, ...rest } = b;
    return rest;
  }],
];

const validOrganisation = fc.record({
  organisationLegalName: text(2, 80),
  organisationRegistrationNumber: fc.oneof(fc.stringMatching(/^[0-9]{8}$/), fc.stringMatching(/^(SC|NI|OC)[0-9]{6}$/)),
  organisationType: fc.constantFrom('PRIVATE_LIMITED_COMPANY', 'PUBLIC_LIMITED_COMPANY', 'LIMITED_LIABILITY_PARTNERSHIP'),
  organisationRoles: fc.uniqueArray(fc.constantFrom('FSP', 'AGGREGATOR', 'ASSET_OWNER', 'SUPPLIER', 'PLATFORM', 'INSTALLER'), { minLength: 1, maxLength: 4 }),
  registeredAddressLine1: text(1, 60),
  registeredCity: text(1, 40),
  registeredPostcodeOrZip: fc.constantFrom('SW1A 1AA', 'EH1 1YZ', 'M1 1AE', 'CB2 1TN', 'BT1 5GS'),
  registeredCountry: fc.constant('United Kingdom'),
  countryOfIncorporation: fc.constant('United Kingdom'),
  primaryContactFirstName: text(1, 30),
  primaryContactLastName: text(1, 30),
  primaryContactEmail: fc.stringMatching(/^[a-z][a-z0-9.]{0,20}@[a-z]{2,10}\.example$/),
  yearOfRegistration: fc.integer({ min: 1850, max: new Date().getUTCFullYear() }),
});

describe('Random assets and organisations (fast-check)', function () {
  this.timeout(300_000);
  let t: TestRegistry;
  let fsp: string;
  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
    const org = await request(t.app).post('/organisations').set(auth).send(fc.sample(validOrganisation, 1)[0]).expect(201);
    fsp = org.body.fmarOrganisationId as string;
  });
  after(async () => t.close());

  it('accepts every valid asset and reads it back identical', async () => {
    await fc.assert(
      fc.asyncProperty(validAsset, async (body) => {
        const created = await request(t.app).post('/assets').set(auth).set('FMAR-On-Behalf-Of', fsp).send(body);
        assert.equal(created.status, 201, JSON.stringify({ body, errors: created.body.errors }));
        const read = await asAdmin(t.app).get(`/assets/${created.body.assetId}`).expect(200);
        for (const [field, value] of Object.entries(body)) assert.deepEqual(read.body[field], value, `${field} read back differently`);
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects every asset with one rule broken, names the field, and leaves no trace', async () => {
    await fc.assert(
      fc.asyncProperty(validAsset, fc.constantFrom(...breakings), async (body, [field, breakIt]) => {
        // Reads logged earlier reach the journal within a second (AccessLog): write them first, so only this write counts.
        await t.registry.accessLog.flush();
        const before = t.registry.store.head();
        const res = await request(t.app).post('/assets').set(auth).set('FMAR-On-Behalf-Of', fsp).send(breakIt(body));
        assert.equal(res.status, 422, `${field}: ${res.status} ${JSON.stringify(res.body)}`);
        assert.ok((res.body.errors as { field?: string }[]).some((e) => e.field === field), `${field} not named: ${JSON.stringify(res.body.errors)}`);
        assert.deepEqual(t.registry.store.head(), before);
      }),
      { numRuns: RUNS },
    );
  });

  it('accepts every valid organisation and reads it back identical; rejects broken ones without trace', async () => {
    await fc.assert(
      fc.asyncProperty(validOrganisation, fc.boolean(), async (body, breakIt) => {
        // Every run registers a different organisation: the same legal name, registration or VAT number twice is a duplicate (409, UC-01.02).
        const unique = uniqueOrganisationIdentity();
        body = { ...body, organisationLegalName: `${String(body.organisationLegalName).slice(0, 240)} ${unique.organisationRegistrationNumber}`, organisationRegistrationNumber: unique.organisationRegistrationNumber };
        // Reads logged earlier reach the journal within a second (AccessLog): write them first, so only this write counts.
        await t.registry.accessLog.flush();
        const before = t.registry.store.head();
        const res = await request(t.app).post('/organisations').set(auth).send(breakIt ? { ...body, primaryContactEmail: 'not an email' } : body);
        if (breakIt) {
          assert.equal(res.status, 422);
          assert.ok((res.body.errors as { field?: string }[]).some((e) => e.field === 'primaryContactEmail'));
          assert.deepEqual(t.registry.store.head(), before);
          return;
        }
        assert.equal(res.status, 201, JSON.stringify({ body, errors: res.body.errors }));
        const read = await asAdmin(t.app).get(`/organisations/${res.body.fmarOrganisationId}`).expect(200);
        for (const [field, value] of Object.entries(body)) {
          const got = read.body[field] as unknown;
          assert.deepEqual(Array.isArray(value) ? [got].flat().sort() : got, Array.isArray(value) ? [...value].sort() : value, field);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
