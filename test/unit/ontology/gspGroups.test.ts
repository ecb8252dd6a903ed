import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readGspGroups } from '../../../src/ontology/gspGroups.js';
import { sharedDir } from '../../../src/projectRoot.js';
import { root } from '../../support/fixtures.js';

const shared = sharedDir();

describe('The GSP group table', () => {
  let reference: string;
  let derived: string;
  before(async () => {
    reference = await readFile(join(root, 'data/reference/gsp-groups.csv'), 'utf8');
    derived = await readFile(join(shared, 'data/gb/gsp_groups_derived.csv'), 'utf8');
  });

  it('agrees with the groups derived from real GB data: 14 groups, distributor ids 10 to 23', () => {
    const groups = readGspGroups(reference, derived);
    assert.equal(groups.length, 14);
    assert.deepEqual(groups.map((g) => Number(g.mpanDistributorId)).sort((a, b) => a - b), Array.from({ length: 14 }, (_, i) => 10 + i));
    assert.equal(groups.find((g) => g.gspGroupId === '_C')?.dnoCode, 'UKPN_LPN');
  });

  it('stops generation when a distributor id disagrees', () => {
    const wrong = reference.replace('_A,Eastern,10,', '_A,Eastern,11,');
    assert.throws(() => readGspGroups(wrong, derived), /_A: distributor id 11 in the standard table, 10 in the derived table/);
  });
});
