import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RequestBodyValidator } from '../../../src/validation/RequestBodyValidator.js';
import { readFixture, readFixtureManifest, root } from '../../support/fixtures.js';

const manifest = await readFixtureManifest();
/** Fields the registry sets; a request body never carries them (readOnly in the schemas). */
const SYSTEM_FIELDS = ['@id', 'assetId', 'fmarOrganisationId', 'responsibleFSP', 'assetRegistrationStatus', 'organisationStatus', 'registeredOn', 'lastUpdatedOn', 'deRegistrationReason', 'deRegisteredOn'];

function asRequestBody(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !SYSTEM_FIELDS.includes(key)));
}

describe('A request body validator', () => {
  let bodies: RequestBodyValidator;
  before(async () => {
    bodies = await RequestBodyValidator.fromDirectory(join(root, 'shapes/json-schema'));
  });

  it('has a schema for every record class', () => {
    assert.deepEqual(bodies.resourceTypes(), [
      'AccountingPoint', 'Asset', 'AssetSwitch', 'CategorySchema', 'ConnectionLimit', 'Consent', 'DelegationGrant', 'Device', 'Dispute', 'EquivalenceEntry',
      'MarketUnitMembership', 'Organisation', 'Platform', 'Product', 'ProductVersion', 'Qualification', 'ServiceProvidingGroup', 'ServiceProvidingUnit', 'ServiceWindow', 'User',
    ]);
  });

  it('points at the field and names the rule when a conditional requirement fails', () => {
    const errors = bodies.validate('Asset', { assetName: 'Charger', assetCategory: 'EV_CHARGER', fuelType_DemandTechType: 'EV', ratedCapacity: 7, effectiveDate: '2027-01-01', connectionStatus: 'PENDING', connectionType: 'FIRM' });
    const error = errors.find((e) => e.field === 'importMPAN');
    assert.ok(error, JSON.stringify(errors));
    assert.equal(error.pointer, '/importMPAN');
    assert.equal(error.rule, 'https://w3id.org/fmar/ontology#Rule_ImportMPAN_RequiredForDemand');
    assert.match(error.message, /importMPAN is required when assetCategory is EV_CHARGER/);
  });

  it('refuses a field the ontology does not define, by name', () => {
    const errors = bodies.validate('Asset', { ratedCapacty: 7 });
    assert.ok(errors.some((e) => e.pointer === '/ratedCapacty' && /not an FMAR field/.test(e.message)), JSON.stringify(errors));
  });

  it('accepts 7.5 and 0.29 kW despite binary floating point, and refuses 3.141', () => {
    const base = { assetName: 'B', assetCategory: 'BESS', fuelType_EnergySource: 'GRID', effectiveDate: '2027-01-01', connectionStatus: 'PENDING', connectionType: 'FIRM', exportMPAN: '1012345678901', dnoConnection: 'UKPN_EPN' };
    assert.deepEqual(bodies.validate('Asset', { ...base, ratedCapacity: 7.5 }), []);
    assert.deepEqual(bodies.validate('Asset', { ...base, ratedCapacity: 0.29 }), []);
    assert.ok(bodies.validate('Asset', { ...base, ratedCapacity: 3.141 }).some((e) => e.pointer === '/ratedCapacity'));
  });

  describe('on the rule fixtures, as request bodies', () => {
    for (const fixture of manifest) {
      const resource = fixture.file.startsWith('asset/') ? 'Asset' : 'Organisation';
      const expectation = fixture.conforms ? 'accepts' : fixture.jsonSchemaRejects ? 'rejects' : 'leaves to SHACL';
      it(`${expectation} ${fixture.file}`, async () => {
        const errors = bodies.validate(resource, asRequestBody(await readFixture(fixture.file)));
        if (fixture.conforms || !fixture.jsonSchemaRejects) assert.deepEqual(errors, []);
        else {
          assert.notDeepEqual(errors, [], 'expected the JSON Schema to reject the body');
          const fields = (fixture.violations ?? []).map((v) => v.field);
          if (fields.length) assert.ok(errors.some((e) => e.field !== undefined && fields.includes(e.field)), `expected an error on ${fields}; got ${JSON.stringify(errors)}`);
        }
      });
    }
  });
});
