import assert from 'node:assert/strict';
import { assetFacts } from '../../../../src/domain/authenticity/assetFacts.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../../../../src/domain/RecordKind.js';
import { BASE, exampleBody, startTestRegistry, type TestRegistry } from '../../../support/testRegistry.js';

describe('assetFacts', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  before(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
  });
  after(() => t.close());

  it('reads what the checks need from the public, restricted and personal graphs of a stored asset', async () => {
    const admin = { agentIri: `${BASE}agents/administrator` };
    const fsp = await t.registry.records.create(ORGANISATION_KIND, await exampleBody('organisation'), admin);
    const created = await t.registry.records.create(ASSET_KIND, { ...(await exampleBody('asset')), ecrReference: 'UKPN-ECR-9ac41a9acb2e', duplicateJustification: 'Shared meter.' }, { ...admin, onBehalfOf: fsp.iri });
    const stored = await t.registry.records.get(ASSET_KIND, created.id);
    const graphs = new Set(stored.quads.map((q) => q.graph.value));
    assert.ok(graphs.has(`${stored.iri}#personal`) && graphs.has(`${stored.iri}#restricted`), 'the MPANs and the serial number live in graphs of their own');
    assert.deepEqual(assetFacts(stored), {
      iri: stored.iri,
      version: 1,
      responsibleFSP: fsp.iri,
      assetRegistrationStatus: 'PENDING_VALIDATION',
      assetCategory: 'BESS',
      ratedCapacity: 5000,
      importMPAN: '1012345678903',
      exportMPAN: '1098765432106',
      serialNumber: 'ESS5000-2026-00042',
      manufacturer: 'Example Storage Systems',
      assetModel: 'ESS-5000',
      friendlyCode: 'BESS-GreenPark-01',
      ecrReference: 'UKPN-ECR-9ac41a9acb2e',
      dnoConnection: 'UKPN_EPN',
      gspGroup: '_A',
      duplicateJustification: 'Shared meter.',
    });
  });
});
