import assert from 'node:assert/strict';
import { assetFacts } from '../../../../src/domain/authenticity/assetFacts.js';
import { friendlyCodeUsers } from '../../../../src/domain/authenticity/friendlyCodeUsers.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../../../../src/domain/RecordKind.js';
import type { RecordState } from '../../../../src/domain/RecordService.js';
import { BASE, exampleBody, startTestRegistry, type TestRegistry } from '../../../support/testRegistry.js';

describe('friendlyCodeUsers', function () {
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

  const register = async (fsp: RecordState, friendlyCode?: string) => {
    const body = { ...(await exampleBody('asset')), importMPAN: '1055555555012', exportMPAN: '1055555555021' } as Record<string, unknown>;
    if (friendlyCode === undefined) delete body.friendlyCode;
    else body.friendlyCode = friendlyCode;
    return t.registry.records.create(ASSET_KIND, body, { ...admin, onBehalfOf: fsp.iri });
  };

  it('lists the other current assets of the same FSP with the code, in any case, but not the asset itself', async () => {
    const first = await register(fspA, 'PV-Barn-2');
    const second = await register(fspA, 'pv-barn-2');
    await register(fspB, 'PV-Barn-2');
    await register(fspA, 'PV-Barn-3');
    assert.deepEqual(await friendlyCodeUsers(t.registry.store, BASE, assetFacts(second)), [first.iri]);
    assert.deepEqual(await friendlyCodeUsers(t.registry.store, BASE, assetFacts(first)), [second.iri]);
  });

  it('no longer counts a code once its asset changes it or is de-registered', async () => {
    const renamed = await register(fspB, 'WIND-01');
    const deRegistered = await register(fspB, 'WIND-01');
    const checked = await register(fspB, 'WIND-01');
    assert.equal((await friendlyCodeUsers(t.registry.store, BASE, assetFacts(checked))).length, 2);
    await t.registry.records.replace(ASSET_KIND, renamed.id, { ...(await exampleBody('asset')), friendlyCode: 'WIND-02' }, '*', { ...admin, onBehalfOf: fspB.iri });
    await t.registry.records.transition(ASSET_KIND, deRegistered.id, { assetRegistrationStatus: 'DE_REGISTERED', deRegistrationReason: 'DECOMMISSIONED', deRegisteredOn: new Date().toISOString().slice(0, 10) }, admin, 'UC-02.03');
    assert.deepEqual(await friendlyCodeUsers(t.registry.store, BASE, assetFacts(checked)), []);
  });

  it('has nothing to compare for an asset without a friendly code', async () => {
    const none = await register(fspA);
    assert.deepEqual(await friendlyCodeUsers(t.registry.store, BASE, assetFacts(none)), []);
  });
});
