import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSampleAssets, sampleAssetsJson } from '../../../src/cli/sampleDataCommand.js';
import { loadSampleData } from '../../../src/domain/sampleData.js';
import { ASSET_KIND, ORGANISATION_KIND } from '../../../src/domain/RecordKind.js';
import { assetNameOf } from '../../../src/import/sampleAssets.js';
import { projectRoot, sharedDir } from '../../../src/projectRoot.js';
import { BASE, startTestRegistry } from '../../support/testRegistry.js';

const root = projectRoot();

describe('The sample portfolio built from the UKPN ECR (issue #9)', function () {
  this.timeout(120_000);

  it('is what the builder gives (run make sample-data after changing the builder or the mapping data)', async () => {
    const organisations = JSON.parse(await readFile(join(root, 'data/sample/organisations.json'), 'utf8')) as unknown[];
    const built = await buildSampleAssets(join(sharedDir(), 'data/gb/ukpn_ecr_1mw_plus_2025-08.csv'), root, organisations.length);
    assert.equal(sampleAssetsJson(built), await readFile(join(root, 'data/sample/assets.json'), 'utf8'));
    assert.ok(built.length >= 200, `a few hundred assets, got ${built.length}`);
    assert.deepEqual(new Set(built.map((a) => a.body.dnoConnection)), new Set(['UKPN_EPN', 'UKPN_SPN', 'UKPN_LPN']));
    assert.equal(new Set(built.map((a) => a.fsp)).size, organisations.length);
    const mpans = built.flatMap((a) => (a.body.exportMPAN ? [a.body.exportMPAN] : []));
    assert.equal(new Set(mpans).size, mpans.length, 'no MPAN twice');
    assert.equal(built[0].source.line, 78, 'the hand-picked battery first');
  });

  it('registers whole: every sample asset passes validation', async () => {
    const t = await startTestRegistry({ snapshotEvery: 0 });
    try {
      const loaded = await loadSampleData(t.registry.records, join(root, 'data/sample'), `${BASE}agents/administrator`, new Date().toISOString().slice(0, 10));
      assert.equal(await t.registry.records.count(ASSET_KIND), loaded.assets);
      assert.equal(await t.registry.records.count(ORGANISATION_KIND), loaded.organisations);
    } finally {
      await t.close();
    }
  });

  it('writes site names with the characters asset names allow', () => {
    assert.equal(assetNameOf('Sun & Soil, Martell\'s Quarry.'), 'Sun and Soil Martell s Quarry');
    assert.equal(assetNameOf('(ANM) Wales End Farm'), '(ANM) Wales End Farm');
    assert.equal(assetNameOf('...'), undefined);
  });
});
