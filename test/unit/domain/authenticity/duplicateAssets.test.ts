import assert from 'node:assert/strict';
import { DataFactory } from 'n3';
import { assetFacts } from '../../../../src/domain/authenticity/assetFacts.js';
import { findDuplicateAssets, sameManufacturer } from '../../../../src/domain/authenticity/duplicateAssets.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../../../../src/domain/RecordKind.js';
import type { RecordState } from '../../../../src/domain/RecordService.js';
import { FMAR, RDF } from '../../../../src/rdf/namespaces.js';
import { BASE, exampleBody, startTestRegistry, type TestRegistry } from '../../../support/testRegistry.js';

const { namedNode, literal, quad } = DataFactory;

describe('findDuplicateAssets', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let fspA: RecordState;
  let fspB: RecordState;
  const admin = { agentIri: `${BASE}agents/administrator` };
  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
    fspA = await t.registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
    fspB = await t.registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
  });
  after(() => t.close());

  async function register(fsp: RecordState, fields: Record<string, unknown>): Promise<RecordState> {
    const body: Record<string, unknown> = { ...(await exampleBody('asset')), friendlyCode: undefined, importMPAN: undefined, exportMPAN: undefined, serialNumber: undefined, ...fields };
    for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
    return t.registry.records.create(ASSET_KIND, body, { ...admin, onBehalfOf: fsp.iri });
  }

  it('matches an MPAN in either slot and names the checked asset\'s attribute that shares it', async () => {
    const held = await register(fspA, { importMPAN: '1077777777012', exportMPAN: '1077777777021' });
    const checked = await register(fspB, { importMPAN: '1077777777021', exportMPAN: '1077777777030' });
    assert.deepEqual(await findDuplicateAssets(t.registry.store, BASE, assetFacts(checked)), [{ asset: held.iri, sharedAttributes: ['importMPAN'] }]);
    assert.deepEqual(await findDuplicateAssets(t.registry.store, BASE, assetFacts(held)), [{ asset: checked.iri, sharedAttributes: ['exportMPAN'] }]);
  });

  it('ignores records of another registry that shares the store', async () => {
    const mine = await register(fspA, { exportMPAN: '1077777777040' });
    const foreign = 'http://other-registry.test/assets/0193a000-0000-7000-8000-000000000001';
    await t.registry.store.commit({ add: [
      quad(namedNode(foreign), namedNode(`${RDF}type`), namedNode(`${FMAR}Asset`), namedNode(foreign)),
      quad(namedNode(foreign), namedNode(`${FMAR}responsibleFSP`), namedNode('http://other-registry.test/organisations/x'), namedNode(foreign)),
      quad(namedNode(foreign), namedNode(`${FMAR}exportMPAN`), literal('1077777777040'), namedNode(`${foreign}#personal`)),
    ] });
    assert.deepEqual(await findDuplicateAssets(t.registry.store, BASE, assetFacts(mine)), []);
  });

  it('finds nothing for an asset without MPANs or serial number', async () => {
    const plain = await register(fspB, { assetCategory: 'OTHER', otherDescription: 'A flexible pumping station', dnoConnection: undefined, connectionStatus: 'PENDING', commissioningDate: undefined });
    assert.deepEqual(await findDuplicateAssets(t.registry.store, BASE, assetFacts(plain)), []);
  });
});

describe('sameManufacturer', () => {
  it('compares names without regard to case, spacing or punctuation, but not other words', () => {
    assert.equal(sameManufacturer('Example Storage Systems', 'example-storage  systems.'), true);
    assert.equal(sameManufacturer('Example Storage Systems', 'Example Storage'), false);
  });
});
