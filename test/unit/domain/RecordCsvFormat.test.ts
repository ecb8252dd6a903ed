import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { CsvHeaderError, RecordCsvFormat, joinValues, splitValues } from '../../../src/domain/RecordCsvFormat.js';
import { loadOntologyModel } from '../../../src/ontology/loadOntologyModel.js';
import { ModelQueries } from '../../../src/ontology/modelQueries.js';
import { FMAR } from '../../../src/rdf/namespaces.js';
import { root } from '../../support/fixtures.js';

const model = new ModelQueries(await loadOntologyModel(join(root, 'ontology')));
const assets = new RecordCsvFormat(model, `${FMAR}Asset`);
const organisations = new RecordCsvFormat(model, `${FMAR}Organisation`);

describe('RecordCsvFormat: records as CSV rows and back', () => {
  it('has one column per property of the class, in the ontology\'s order, headed by its label', () => {
    const expected = [...model.propertiesOf(`${FMAR}Asset`)].sort((a, b) => a.order - b.order);
    assert.deepEqual(assets.columns.map((c) => c.jsonName), expected.map((p) => p.jsonName));
    assert.deepEqual(assets.header(), expected.map((p) => p.label));
    assert.equal(assets.header()[0], 'FMAR asset ID');
    assert.equal(new Set(assets.header().map((h) => h.toLowerCase())).size, assets.header().length, 'headers are unique');
    for (const kind of ['Organisation', 'User', 'Platform', 'DelegationGrant']) {
      const headers = new RecordCsvFormat(model, `${FMAR}${kind}`).header().map((h) => h.toLowerCase());
      assert.equal(new Set(headers).size, headers.length, `${kind} headers are unique`);
    }
  });

  it('writes the JSON-LD view\'s values: text as is, absent as empty, sets joined with |', () => {
    const cells = assets.cells({ '@id': 'x', assetName: 'A, "quoted" name', ratedCapacity: '7.50', assetCategory: 'BESS', organisationId: 'org-1' });
    const cell = (jsonName: string) => cells[assets.columns.findIndex((c) => c.jsonName === jsonName)];
    assert.equal(cells.length, assets.columns.length);
    assert.equal(cell('assetName'), 'A, "quoted" name');
    assert.equal(cell('ratedCapacity'), '7.50');
    assert.equal(cell('assetCategory'), 'BESS');
    assert.equal(cell('organisationId'), 'org-1');
    assert.equal(cell('importMPAN'), '');
    const org = organisations.cells({ organisationRoles: ['FSP', 'AGGREGATOR'], networkAreas: [] });
    assert.equal(org[organisations.columns.findIndex((c) => c.jsonName === 'organisationRoles')], 'FSP|AGGREGATOR');
    assert.equal(org[organisations.columns.findIndex((c) => c.jsonName === 'networkAreas')], '');
    const odd = organisations.cells({ organisationRoles: ['A|B', 'C\\D'], organisationLegalName: 'Acme | Sons' });
    assert.equal(odd[organisations.columns.findIndex((c) => c.jsonName === 'organisationRoles')], 'A\\|B|C\\\\D', 'a set escapes | and \\ in its values');
    assert.equal(odd[organisations.columns.findIndex((c) => c.jsonName === 'organisationLegalName')], 'Acme | Sons', 'a single value is written as it is');
  });

  it('escapes | and \\ inside the values of a set so that splitting gives them back', () => {
    assert.equal(joinValues(['a|b', 'c\\d', '']), 'a\\|b|c\\\\d|');
    assert.deepEqual(splitValues('a\\|b|c\\\\d|'), ['a|b', 'c\\d', '']);
    fc.assert(fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 6 }), (values) => {
      assert.deepEqual(splitValues(joinValues(values)), values);
    }));
  });

  it('reads a header by the export\'s headers, labels in any case and spacing, JSON names, and rowKey', () => {
    const mapping = assets.readHeader(['asset name', '  ASSET   category ', 'ratedCapacity', 'rowKey', 'FMAR asset ID']);
    assert.deepEqual(mapping.map((m) => (m.kind === 'rowKey' ? 'rowKey' : `${m.kind}:${m.column.jsonName}`)), ['property:assetName', 'property:assetCategory', 'property:ratedCapacity', 'rowKey', 'ignored:assetId']);
  });

  it('refuses a header with unknown, repeated or empty columns, naming each', () => {
    assert.throws(() => assets.readHeader(['asset name', 'colour', 'assetName', '']), (error: unknown) => {
      assert.ok(error instanceof CsvHeaderError);
      assert.deepEqual(error.problems.map((p) => [p.column, p.header]), [[2, 'colour'], [3, 'assetName'], [4, '']]);
      assert.match(error.problems[1].message, /same field as column 1/);
      return true;
    });
  });

  it('reads a row into a body: empty cells absent, sets split, booleans and integers typed, system columns ignored', () => {
    const mapping = assets.readHeader(['asset name', 'rated capacity', 'record version', 'responsible FSP', 'rowKey', 'import MPAN']);
    assert.deepEqual(assets.record(mapping, ['Battery', '7.50', '3', 'someone', 'k1', '']), { body: { assetName: 'Battery', ratedCapacity: '7.50' }, rowKey: 'k1', errors: [] });
    const orgMapping = organisations.readHeader(['organisationRoles', 'organisationLegalName']);
    assert.deepEqual(organisations.record(orgMapping, ['FSP|AGGREGATOR', 'Acme | Sons']).body, { organisationRoles: ['FSP', 'AGGREGATOR'], organisationLegalName: 'Acme | Sons' });
    const grants = new RecordCsvFormat(model, `${FMAR}DelegationGrant`);
    const grantMapping = grants.readHeader(['appliesToAllAssets']);
    assert.deepEqual(grants.record(grantMapping, ['true']).body, { appliesToAllAssets: true });
    assert.deepEqual(grants.record(grantMapping, ['yes']).body, { appliesToAllAssets: 'yes' }, 'left as text for the schema to refuse');
    const yearMapping = organisations.readHeader(['yearOfRegistration']);
    assert.deepEqual(organisations.record(yearMapping, ['2019']).body, { yearOfRegistration: 2019 });
    assert.deepEqual(organisations.record(yearMapping, ['2019.5']).body, { yearOfRegistration: '2019.5' });
  });

  it('rejects a row whose cell count is not the header\'s', () => {
    const mapping = assets.readHeader(['asset name', 'rated capacity']);
    assert.equal(assets.record(mapping, ['Battery']).errors.length, 1);
    assert.match(assets.record(mapping, ['Battery', '1', '2']).errors[0].message, /3 cells where the header has 2/);
  });

  it('reads back what it writes', () => {
    const json = { assetName: 'Round', ratedCapacity: '12.5', assetCategory: 'OTHER', otherDescription: 'with | pipe, "quotes"\nand a line', importMPAN: '1012345678901' };
    const mapping = assets.readHeader(assets.header());
    assert.deepEqual(assets.record(mapping, assets.cells({ ...json, assetId: 'id', recordVersion: 2 })).body, json);
    const org = { organisationRoles: ['FSP', 'a|b', 'c\\'], organisationLegalName: 'Acme | Sons \\ Co' };
    assert.deepEqual(organisations.record(organisations.readHeader(organisations.header()), organisations.cells(org)).body, org);
  });
});
