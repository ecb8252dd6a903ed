import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { AssetFacts } from '../../../../src/domain/authenticity/assetFacts.js';
import { crossCheckEcr, DEFAULT_CAPACITY_TOLERANCE } from '../../../../src/domain/authenticity/EcrCrossCheck.js';
import type { EcrEntry } from '../../../../src/domain/authenticity/ecrEntries.js';
import { MpanDistributors } from '../../../../src/domain/authenticity/mpan.js';
import { loadOntologyModel } from '../../../../src/ontology/loadOntologyModel.js';
import { ModelQueries } from '../../../../src/ontology/modelQueries.js';
import { root } from '../../../support/fixtures.js';
import { ukpnEcrEntriesByLine } from '../../../support/ukpnEcr.js';

const CHECKED_AT = new Date('2027-01-15T12:00:00Z');

describe('crossCheckEcr: an asset against its Embedded Capacity Register entry', function () {
  this.timeout(60_000);
  let entries: Map<number, EcrEntry>;
  let distributors: MpanDistributors;
  before(async () => {
    const model = new ModelQueries(await loadOntologyModel(join(root, 'ontology')));
    distributors = MpanDistributors.fromModel(model);
    entries = await ukpnEcrEntriesByLine(model);
  });

  /** The entry the importer makes of the row on this line of the real file. */
  const row = (line: number): EcrEntry => entries.get(line)!;
  /** Line 78: a connected 10 MW battery in the Eastern Power Networks area (the first sample asset). */
  const battery = (changes: Partial<AssetFacts> = {}): AssetFacts => ({ iri: 'http://registry.test/assets/x', version: 1, assetCategory: 'BESS', ratedCapacity: 10000, dnoConnection: 'UKPN_EPN', gspGroup: '_A', ecrReference: 'UKPN-ECR-9ac41a9acb2e', ...changes });
  const check = (asset: AssetFacts, entry: EcrEntry, capacityTolerance = DEFAULT_CAPACITY_TOLERANCE) => crossCheckEcr(asset, entry, { capacityTolerance, distributors, checkedAt: CHECKED_AT });
  const outcomes = (findings: ReturnType<typeof check>) => findings.map((f) => [f.attribute, f.check, f.outcome]);

  it('confirms an asset that is what its entry says, every finding resting on the entry', () => {
    const findings = check(battery(), row(78));
    assert.deepEqual(row(78).references, ['UKPN-ECR-9ac41a9acb2e'], 'line 78: a connected 10 MW battery, named by its key');
    assert.deepEqual(outcomes(findings), [
      ['ecrReference', 'ECR_REFERENCE', 'confirmed'],
      ['assetCategory', 'ECR_TECHNOLOGY', 'confirmed'],
      ['ratedCapacity', 'ECR_CAPACITY', 'confirmed'],
      ['dnoConnection', 'ECR_LOCATION', 'confirmed'],
      ['gspGroup', 'ECR_LOCATION', 'confirmed'],
    ]);
    assert.ok(findings.every((f) => f.source === row(78).iri && f.checkedAt === CHECKED_AT));
    assert.match(findings[2].reason, /10000 kW is within 10 % of the capacity registered for its BESS technology, 10000 kW \(10 MW\)/);
  });

  it('compares capacity within the tolerance: 10 % by default, configurable', () => {
    const capacity = (kw: number, tolerance?: number) => check(battery({ ratedCapacity: kw }), row(78), tolerance).find((f) => f.check === 'ECR_CAPACITY')!;
    assert.equal(capacity(10999).outcome, 'confirmed');
    assert.equal(capacity(9001).outcome, 'confirmed');
    assert.equal(capacity(11001).outcome, 'query', 'above the register by more than 10 %: the connection does not allow it');
    assert.match(capacity(11001).reason, /more than 10 % above/);
    assert.equal(capacity(8999).outcome, 'warning', 'below: the asset may be one part of the site');
    assert.equal(capacity(11500, 0.2).outcome, 'confirmed');
    assert.equal(capacity(12001, 0.2).outcome, 'query');
    assert.equal(capacity(10000, 0).outcome, 'confirmed');
    assert.equal(capacity(10000.01, 0).outcome, 'query');
    assert.throws(() => capacity(10000, 1), /tolerance/);
    assert.throws(() => capacity(10000, -0.1), /tolerance/);
  });

  it('queries a category the entry does not list, naming what it lists', () => {
    const findings = check(battery({ assetCategory: 'SOLAR_PV' }), row(78));
    const technology = findings.find((f) => f.check === 'ECR_TECHNOLOGY')!;
    assert.equal(technology.outcome, 'query');
    assert.match(technology.reason, /assetCategory SOLAR_PV, but the Embedded Capacity Register entry UKPN-ECR-9ac41a9acb2e \(.*\) lists BESS/);
  });

  it('queries a licence area or GSP group other than the entry\'s', () => {
    const findings = check(battery({ dnoConnection: 'UKPN_SPN', gspGroup: '_J' }), row(78));
    assert.deepEqual(outcomes(findings).filter(([, c]) => c === 'ECR_LOCATION'), [['dnoConnection', 'ECR_LOCATION', 'query'], ['gspGroup', 'ECR_LOCATION', 'query']]);
    assert.match(findings.find((f) => f.attribute === 'gspGroup')!.reason, /gspGroup _J, but the Embedded Capacity Register entry UKPN-ECR-9ac41a9acb2e .* is in _A/);
    // Only a GSP group declared: compared through the licence area it belongs to.
    assert.deepEqual(outcomes(check(battery({ dnoConnection: undefined }), row(78))).filter(([, c]) => c === 'ECR_LOCATION'), [['gspGroup', 'ECR_LOCATION', 'confirmed']]);
    assert.deepEqual(outcomes(check(battery({ dnoConnection: undefined, gspGroup: undefined }), row(78))).filter(([, c]) => c === 'ECR_LOCATION'), [['dnoConnection', 'ECR_LOCATION', 'warning']]);
  });

  it('reads the licence area variant of line 551 ("Eastern Power Networks plc") as Eastern', () => {
    const findings = check({ iri: 'http://registry.test/assets/y', version: 1, assetCategory: 'OTHER', ratedCapacity: 2130, dnoConnection: 'UKPN_EPN' }, row(551));
    assert.ok(findings.every((f) => f.outcome === 'confirmed'), JSON.stringify(outcomes(findings)));
  });

  it('compares a battery at a solar + storage site with the storage capacity, or with the whole site', () => {
    // Line 154: solar 15 MW and storage 15 MW, site 15 MW.
    assert.equal(check(battery({ ratedCapacity: 15000 }), row(154)).find((f) => f.check === 'ECR_CAPACITY')!.outcome, 'confirmed');
    // Line 28: solar 25 MW, storage without a capacity of its own, site 25 MW: the site's capacity is what there is.
    const site = check(battery({ ratedCapacity: 25000 }), row(28)).find((f) => f.check === 'ECR_CAPACITY')!;
    assert.equal(site.outcome, 'confirmed');
    assert.match(site.reason, /the registered capacity of the site/);
    assert.equal(check(battery({ ratedCapacity: 10000 }), row(28)).find((f) => f.check === 'ECR_CAPACITY')!.outcome, 'warning');
  });

  it('warns, rather than judges, where there is nothing to compare', () => {
    // Line 303: a connected waste plant whose row gives no capacity at all.
    const capacity = check(battery({ assetCategory: 'OTHER' }), row(303)).find((f) => f.check === 'ECR_CAPACITY')!;
    assert.equal(capacity.outcome, 'warning');
    assert.match(capacity.reason, /gives no capacity/);
    assert.equal(check(battery({ ratedCapacity: undefined }), row(78)).find((f) => f.check === 'ECR_CAPACITY')!.outcome, 'warning');
  });

  it('confirms each of the eight sample assets against the row it names (data/sample/assets.json)', () => {
    const samples: [number, string, number][] = [[78, 'BESS', 10000], [115, 'BESS', 50000], [158, 'BESS', 5000], [2, 'SOLAR_PV', 6000], [3, 'SOLAR_PV', 4000], [5, 'SOLAR_PV', 14520], [13, 'WIND_TURBINE', 10250], [26, 'WIND_TURBINE', 11500]];
    for (const [line, category, kw] of samples) {
      const findings = check({ iri: 'http://registry.test/assets/s', version: 1, assetCategory: category, ratedCapacity: kw, dnoConnection: 'UKPN_EPN' }, row(line));
      assert.ok(findings.every((f) => f.outcome === 'confirmed'), `line ${line}: ${JSON.stringify(outcomes(findings))}`);
    }
  });
});
