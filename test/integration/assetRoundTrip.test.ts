import assert from 'node:assert/strict';
import { parse as parseCsv } from 'csv-parse/sync';
import request from 'supertest';
import { asText, mpan, registerOrganisationWithUsers } from '../support/fspAccounts.js';
import { exampleBody, startTestRegistry } from '../support/testRegistry.js';

/**
 * Issue #7, done when: "a round trip (export, re-import into a fresh registry via bulk) reproduces the same
 * records". Assets with many optional fields (MPANs, identifiers, free text with commas, quotes and line breaks,
 * decimals) are registered, exported, and uploaded into a fresh registry by another FSP; every field is compared
 * except those the registry assigns (IDs, status, dates, version, responsible FSP).
 */
const ASSIGNED = ['@id', 'assetId', 'responsibleFSP', 'assetRegistrationStatus', 'registeredOn', 'lastUpdatedOn', 'recordVersion', 'validatedAgainst'];

function withoutAssigned(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => !ASSIGNED.includes(k)));
}

describe('Asset round trip: export, then bulk upload into a fresh registry', function () {
  this.timeout(180_000);
  const originals: Record<string, unknown>[] = [];
  const exported: { csv: string; jsonld: Record<string, unknown> } = { csv: '', jsonld: {} };

  // The source registry is closed before a fresh one opens: on the remote store both would share one server.
  before(async () => {
    const source = await startTestRegistry();
    const fsp = await registerOrganisationWithUsers(source.app, ['FSP']);
    const base = await exampleBody('asset');
    const bodies: Record<string, unknown>[] = [
      { ...base, assetName: 'Round trip BESS', friendlyCode: 'RT-1', importMPAN: mpan('101234500001'), exportMPAN: mpan('101234500002'), serialNumber: 'RT-SER-1', mrid: '10X1001A1001A094', ecrReference: 'ECR-000123', consentReference: 'CONSENT-77', ratedCapacity: '7.05', installedCapacity: 7.05, genCapacity: '7', demandCapacity: 6.5, energyStorageCapacity: 13.5, capacityJustification: 'Sized for peak, "winter" demand;\nsee the site survey' },
      { ...base, assetName: 'Round trip heat pump', assetCategory: 'HEAT_PUMP', fuelType_EnergySource: undefined, fuelType_DemandTechType: 'HEAT_PUMP', energyStorageCapacity: undefined, genCapacity: undefined, ratedCapacity: 12.5, installedCapacity: 12.5, demandCapacity: 12.5, serialNumber: 'RT-SER-2', importMPAN: mpan('101234500003'), exportMPAN: undefined, manufacturer: 'Warm & Co, Ltd', assetModel: 'HP "Quiet" 12' },
      { ...base, assetName: 'Round trip other', assetCategory: 'OTHER', otherDescription: 'A pumped-water tower | with a pipe character', serialNumber: 'RT-SER-3', importMPAN: mpan('101234500004'), exportMPAN: undefined, friendlyCode: 'RT-3', duplicateJustification: 'Replaces a unit with the same serial' },
      { ...base, assetName: 'Round trip minimal', assetCategory: 'INDUSTRIAL_LOAD', fuelType_EnergySource: undefined, fuelType_DemandTechType: 'INDUSTRIAL_LOAD', energyStorageCapacity: undefined, genCapacity: undefined, serialNumber: undefined, importMPAN: mpan('101234500005'), exportMPAN: undefined, manufacturer: undefined, assetModel: undefined, friendlyCode: undefined, gspGroup: '_A' },
    ];
    for (const body of bodies) {
      const created = await request(source.app).post('/assets').set(fsp.keys.ASSET_MANAGER).send(JSON.parse(JSON.stringify(body)));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      originals.push(withoutAssigned((await request(source.app).get(`/assets/${created.body.assetId}`).set(fsp.keys.ASSET_MANAGER).expect(200)).body));
    }
    exported.csv = (await asText(request(source.app).get('/assets/export?format=csv').set(fsp.keys.ASSET_MANAGER)).expect(200)).body as string;
    exported.jsonld = JSON.parse((await asText(request(source.app).get('/assets/export?format=jsonld').set(fsp.keys.ASSET_MANAGER)).expect(200)).body as string);
    await source.close();
  });

  /** Uploads the export into a fresh registry as another FSP and returns the records it made, in upload order. */
  async function reimport(contentType: string, exported: string | object): Promise<Record<string, unknown>[]> {
    const fresh = await startTestRegistry();
    try {
      const other = await registerOrganisationWithUsers(fresh.app, ['AGGREGATOR']);
      const res = await request(fresh.app).post('/assets/bulk').set(other.keys.ASSET_MANAGER).set('Content-Type', contentType).send(exported as string).expect(200);
      assert.deepEqual(res.body.report.map((r: { status: string }) => r.status), originals.map(() => 'created'), JSON.stringify(res.body.report));
      const records: Record<string, unknown>[] = [];
      for (const r of res.body.report as { assetId: string }[]) {
        const got = (await request(fresh.app).get(`/assets/${r.assetId}`).set(other.keys.ASSET_MANAGER).expect(200)).body as Record<string, unknown>;
        assert.equal(got.responsibleFSP, other.id);
        records.push(withoutAssigned(got));
      }
      return records;
    } finally {
      await fresh.close();
    }
  }

  it('reproduces every field through CSV', async () => {
    assert.equal((parseCsv(exported.csv) as string[][]).length, originals.length + 1);
    const copies = await reimport('text/csv', exported.csv);
    assert.equal(copies.length, originals.length);
    copies.forEach((copy, i) => assert.deepEqual(copy, originals[i], `asset ${i + 1} (${String(originals[i].assetName)})`));
    // The comparison covers the optional fields the test is about.
    for (const field of ['importMPAN', 'exportMPAN', 'serialNumber', 'mrid', 'consentReference', 'capacityJustification', 'otherDescription', 'duplicateJustification']) {
      assert.ok(originals.some((o) => o[field] !== undefined), field);
    }
  });

  it('reproduces every field through JSON-LD', async () => {
    const copies = await reimport('application/ld+json', exported.jsonld);
    copies.forEach((copy, i) => assert.deepEqual(copy, originals[i], `asset ${i + 1}`));
  });
});
