import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { distributorIdOf, expectedCheckDigit, hasValidCheckDigit, isMpanCore, MpanDistributors } from '../../../../src/domain/authenticity/mpan.js';
import { loadOntologyModel } from '../../../../src/ontology/loadOntologyModel.js';
import { ModelQueries } from '../../../../src/ontology/modelQueries.js';
import { sharedDir } from '../../../../src/projectRoot.js';
import { FMAR } from '../../../../src/rdf/namespaces.js';
import { root } from '../../../support/fixtures.js';

/** The MPAN columns of the real UKPN Embedded Capacity Register (../shared/data/gb, CC BY 4.0, UK Power Networks). */
async function ecrMpans(): Promise<{ column: string; mpan: string; licenceArea: string }[]> {
  const rows = parse(await readFile(join(sharedDir(), 'data/gb/ukpn_ecr_1mw_plus_2025-08.csv')), { bom: true, columns: true }) as Record<string, string>[];
  return rows.flatMap((r) => ['Export MPAN / MSID', 'Import MPAN / MSID'].map((column) => ({ column, mpan: r[column], licenceArea: r['Licence Area'] })));
}

describe('MPAN core check digit', () => {
  it('accepts the real MPANs the UKPN ECR publishes, except the three it publishes with a wrong check digit', async () => {
    const cores = (await ecrMpans()).filter((m) => isMpanCore(m.mpan));
    assert.equal(cores.filter((m) => m.column === 'Export MPAN / MSID').length, 562, 'the data README counts 562 valid 13-digit export MPANs');
    assert.equal(cores.filter((m) => m.column === 'Import MPAN / MSID').length, 27);
    const wrong = cores.filter((m) => !hasValidCheckDigit(m.mpan)).map((m) => m.mpan).sort();
    assert.deepEqual(wrong, ['1050001044651', '1200001071622', '1200010257778']);
  });

  it('computes the digit from the first twelve: sum of digits times 3, 5, 7, 13 ... 43, mod 11, mod 10', () => {
    // 1014569292506 (ECR line 2): 1*3+0*5+1*7+4*13+5*17+6*19+9*23+2*29+9*31+2*37+5*41+0*43 = 1084; 1084 mod 11 = 6.
    assert.equal(expectedCheckDigit('1014569292506'), 6);
    assert.equal(hasValidCheckDigit('1014569292506'), true);
    for (const wrongLast of ['1014569292500', '1014569292501', '1014569292507', '1014569292509']) assert.equal(hasValidCheckDigit(wrongLast), false, wrongLast);
    // A mistyped digit in the body (3rd digit 1 -> 2) changes the digit the core calls for.
    assert.equal(hasValidCheckDigit('1024569292506'), false);
    // A sum of 10 mod 11 gives check digit 0 (the "mod 10" step): 100000000004 sums to 1*3 + 4*43 = 175 = 15*11 + 10.
    assert.equal(expectedCheckDigit('1000000000040'), 0);
    assert.equal(hasValidCheckDigit('1000000000040'), true);
  });

  it('refuses the bad-checksum example of an independent implementation (limejump/mpan, tests/common.py INVALID)', () => {
    assert.equal(hasValidCheckDigit('2499999999990'), false);
    assert.equal(expectedCheckDigit('2499999999990'), 1);
  });

  it('refuses the documentation example MPANs, whose check digits were made up', () => {
    assert.equal(hasValidCheckDigit('1012345678901'), false);
    assert.equal(expectedCheckDigit('1012345678901'), 3);
    assert.equal(hasValidCheckDigit('1098765432109'), false);
    assert.equal(expectedCheckDigit('1098765432109'), 6);
  });

  it('takes only 13-digit cores: the ECR quirks (14 digits, "0", "Data not available") are not MPAN cores', () => {
    for (const text of ['10300004967319', '0', 'Data not available', '', '1014 5692 92506', '101456929250a']) {
      assert.equal(isMpanCore(text), false, text);
      assert.equal(hasValidCheckDigit(text), false, text);
    }
    assert.throws(() => distributorIdOf('0'), /13 digits/);
    assert.equal(distributorIdOf('1014569292506'), '10');
  });
});

describe('MPAN distributor areas from the code lists', () => {
  let model: ModelQueries;
  let distributors: MpanDistributors;
  before(async () => {
    model = new ModelQueries(await loadOntologyModel(join(root, 'ontology')));
    distributors = MpanDistributors.fromModel(model);
  });

  it('pairs the 14 GB licence areas (ids 10 to 23) with their GSP groups', () => {
    const areas = distributors.areas();
    assert.deepEqual(areas.map((a) => a.distributorId), ['10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22', '23']);
    assert.deepEqual(
      ['10', '12', '19', '23'].map((id) => [distributors.byDistributorId(id)?.dnoCode, distributors.byDistributorId(id)?.gspGroup]),
      [['UKPN_EPN', '_A'], ['UKPN_LPN', '_C'], ['UKPN_SPN', '_J'], ['NPG_YK', '_M']],
    );
    assert.equal(new Set(areas.map((a) => a.gspGroup)).size, 14, 'one GSP group per area');
  });

  it('agrees with the licence area each GSP group concept names (fmar:licenceAreaOf)', () => {
    for (const area of distributors.areas()) {
      const licenceAreas = model.model.store.getObjects(area.gspGroupIri, `${FMAR}licenceAreaOf`, null).map((t) => t.value);
      assert.deepEqual(licenceAreas, [area.dnoIri], area.gspGroup);
    }
  });

  it('names no area for the distributor ids of IDNOs or of no distributor', () => {
    assert.equal(distributors.areaOfMpan('2400000000078'), undefined);
    assert.equal(distributors.byDistributorId('99'), undefined);
    assert.equal(distributors.byDnoCode('IDNO_GTC'), undefined);
  });

  it('finds, for each of the 589 MPANs of the real ECR, the licence area its row publishes', async () => {
    const cores = (await ecrMpans()).filter((m) => isMpanCore(m.mpan));
    assert.equal(cores.length, 589);
    const published: Record<string, string> = { UKPN_EPN: 'Eastern Power Networks (EPN)', UKPN_LPN: 'London Power Networks (LPN)', UKPN_SPN: 'South Eastern Power Networks (SPN)' };
    const disagreeing = cores.filter((m) => published[distributors.areaOfMpan(m.mpan)?.dnoCode ?? ''] !== m.licenceArea);
    assert.deepEqual(disagreeing, []);
  });
});
