import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { nameVariantsEvidence, organisationNameKey } from '../../../src/domain/organisationNames.js';
import { sharedDir } from '../../../src/projectRoot.js';

const GB = join(sharedDir(), 'data/gb');
type Rows = Record<string, string>[];

/** The organisation names each real file publishes (data README, files 1, 4 and 7). */
async function publishedNames(): Promise<Record<'ecr' | 'elexon' | 'repd', Set<string>>> {
  const ecr = parse(await readFile(join(GB, 'ukpn_ecr_1mw_plus_2025-08.csv'), 'utf8'), { columns: true, bom: true }) as Rows;
  // Data README, file 4: two preamble lines before the header.
  const elexon = parse(await readFile(join(GB, 'elexon_registered_bm_units_2022-06.csv'), 'utf8'), { columns: true, from_line: 3 }) as Rows;
  // Data README, file 7: Windows-1252.
  const repd = parse(new TextDecoder('windows-1252').decode(await readFile(join(GB, 'desnz_repd_2022-10_cp1252.csv'))), { columns: true }) as Rows;
  return {
    ecr: new Set(ecr.map((r) => r['Customer Name'])),
    elexon: new Set(elexon.map((r) => r['Party Name'])),
    repd: new Set(repd.map((r) => r['Operator (or Applicant)'])),
  };
}

describe('organisationNameKey', () => {
  it('applies each rule: case, punctuation, whitespace, & and "and", Limited/Ltd/Ltd., Public Limited Company/PLC, a leading "The"', () => {
    assert.equal(organisationNameKey('BSR Applications Limited'), 'bsr applications ltd');
    assert.equal(organisationNameKey('BSR Applications Ltd.'), 'bsr applications ltd');
    assert.equal(organisationNameKey('  Her Majesty\u2019s Prison & Probation Service '), 'her majestys prison and probation service');
    assert.equal(organisationNameKey('Bri-Stor Systems Limited'), 'bri stor systems ltd');
    assert.equal(organisationNameKey('Example Public Limited Company'), 'example plc');
    assert.equal(organisationNameKey('Example P.L.C.'), 'example plc');
    assert.equal(organisationNameKey('The National Trust'), 'national trust');
    assert.equal(organisationNameKey('Pegasus Group\u00a0'), 'pegasus group');
    assert.equal(organisationNameKey('ＥＯＮ'), 'eon', 'NFKC folds full-width letters');
  });

  it('keeps "UK" and "(UK)", and every other word, since they tell companies apart', () => {
    assert.equal(organisationNameKey('SembCorp Utilities (UK) Ltd'), 'sembcorp utilities uk ltd');
    assert.notEqual(organisationNameKey('Centrica Business Solutions UK'), organisationNameKey('Centrica Business Solutions'));
    assert.notEqual(organisationNameKey('Octopus'), organisationNameKey('Octopus Energy Limited'));
    assert.notEqual(organisationNameKey('Thenergy Ltd'), organisationNameKey('nergy Ltd'), 'only the word "The" goes');
    assert.notEqual(organisationNameKey('Ltdx Energy'), organisationNameKey('ltd Energy'), 'only whole words are suffixes');
  });
});

describe('nameVariantsEvidence', function () {
  this.timeout(60_000);
  let names: Awaited<ReturnType<typeof publishedNames>>;
  before(async () => {
    names = await publishedNames();
  });

  it('names the fewest rules that make two real spellings of one organisation equal', () => {
    // [name, where published, other name, where published, rules]
    const pairs: [string, keyof typeof names, string, keyof typeof names, string[]][] = [
      // Data README, file 1: the near-duplicate in the UKPN ECR.
      ['BSR Applications Limited', 'ecr', 'BSR Applications Ltd', 'ecr', ['Limited→Ltd']],
      ['Infinis Energy Services Limited', 'ecr', 'Infinis Energy Services Ltd', 'ecr', ['Limited→Ltd']],
      ['RENESOLA POWER UK LTD', 'ecr', 'Renesola Power UK Ltd', 'ecr', ['case']],
      ['The Abbey Group Cambridgeshire Ltd', 'ecr', 'Abbey Group cambridgeshire Ltd', 'ecr', ['case', 'The prefix']],
      // Elexon party names and the same companies elsewhere.
      ['UK Power Reserve Limited', 'elexon', 'UK Power Reserve Ltd', 'ecr', ['Limited→Ltd']],
      ['E.ON UK plc', 'elexon', 'E.ON UK PLC', 'ecr', ['case']],
      ['London Array Limited', 'elexon', 'London Array Ltd', 'repd', ['Limited→Ltd']],
      ['RWE Generation UK plc', 'elexon', 'RWE Generation UK Plc', 'repd', ['case']],
      ['VPI Immingham LLP', 'elexon', 'VPI Immingham Llp', 'repd', ['case']],
      ['SembCorp Utilities (UK) Ltd', 'elexon', 'Sembcorp Utilities UK Limited', 'repd', ['case', 'punctuation', 'whitespace', 'Limited→Ltd']],
      // REPD operators.
      ["Her Majesty's Prison & Probation Service", 'repd', 'Her Majestys Prison & Probation Service', 'repd', ['punctuation']],
      ['Bri-Stor Systems Limited', 'repd', 'Bri Stor Systems Limited', 'repd', ['punctuation']],
      ['The National Trust', 'repd', 'National Trust', 'repd', ['The prefix']],
      ['Pegasus Group\u00a0', 'repd', 'Pegasus Group', 'repd', ['whitespace']],
      ['MS POWER PROJECTS LIMITED', 'repd', 'MS Power Projects Ltd', 'repd', ['case', 'Limited→Ltd']],
    ];
    for (const [a, whereA, b, whereB, rules] of pairs) {
      assert.ok(names[whereA].has(a), `${JSON.stringify(a)} is published in ${whereA}`);
      assert.ok(names[whereB].has(b), `${JSON.stringify(b)} is published in ${whereB}`);
      assert.deepEqual(nameVariantsEvidence(a, b), rules, `${a} / ${b}`);
      assert.deepEqual(nameVariantsEvidence(b, a), rules, `${b} / ${a}`);
    }
  });

  it('is undefined for real names that differ by "UK" or "(UK)", and [] for one name', () => {
    const different: [string, keyof typeof names, string, keyof typeof names][] = [
      ['Centrica Business Solutions UK', 'elexon', 'Centrica Business Solutions', 'repd'],
      ['JBM Solar Projects (UK) Ltd', 'ecr', 'JBM Solar Projects Limited', 'repd'],
      ['Churchill China (UK) Plc', 'repd', 'Churchill China Plc', 'repd'],
      ['VOLTALIA UK LTD', 'ecr', 'Voltalia Limited', 'repd'],
      ['Low Carbon UK', 'ecr', 'Low Carbon', 'ecr'],
    ];
    for (const [a, whereA, b, whereB] of different) {
      assert.ok(names[whereA].has(a) && names[whereB].has(b), `${a} / ${b} are published`);
      assert.equal(nameVariantsEvidence(a, b), undefined, `${a} / ${b}`);
    }
    assert.deepEqual(nameVariantsEvidence('Flexitricity Limited', 'Flexitricity Limited'), []);
    assert.deepEqual(nameVariantsEvidence('ELEXON LTD', 'Elexon Limited'), ['case', 'Limited→Ltd']);
  });

  it('finds no two Elexon lead parties whose names share a key (347 parties, one name each)', () => {
    assert.equal(names.elexon.size, 347);
    assert.equal(new Set([...names.elexon].map(organisationNameKey)).size, 347);
  });
});
