import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { OrganisationMatcher, type OrganisationMatch } from '../../../src/import/OrganisationMatcher.js';
import { sharedDir } from '../../../src/projectRoot.js';

const GB = join(sharedDir(), 'data/gb');
type Rows = Record<string, string>[];
const party = (id: string) => `urn:test:elexon-party:${id}`;

/** Elexon's lead parties (Party ID -> Party Name) from the registered BM units (data README, file 4: two preamble lines). */
async function elexonParties(): Promise<Map<string, string>> {
  const rows = parse(await readFile(join(GB, 'elexon_registered_bm_units_2022-06.csv'), 'utf8'), { columns: true, from_line: 3 }) as Rows;
  const parties = new Map<string, string>();
  for (const row of rows) {
    const held = parties.get(row['Party ID']);
    assert.ok(held === undefined || held === row['Party Name'], `Party ID ${row['Party ID']} has one name in this file`);
    parties.set(row['Party ID'], row['Party Name']);
  }
  return parties;
}

function matcherOfParties(parties: Map<string, string>): OrganisationMatcher {
  const matcher = new OrganisationMatcher();
  for (const [id, name] of parties) matcher.add({ iri: party(id), names: [name], identifiers: { elexonPartyId: id } });
  return matcher;
}

/** Every name matched other than by its exact spelling, and a count of the outcomes. */
function matchAll(matcher: OrganisationMatcher, names: Iterable<string>) {
  const counts: Record<string, number> = {};
  const notExact: Record<string, OrganisationMatch> = {};
  for (const name of names) {
    const result = matcher.match(name);
    const outcome = result.status === 'matched' ? result.method : result.status;
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    if (outcome !== 'exact-name' && outcome !== 'unmatched') notExact[name] = result;
  }
  return { counts, notExact };
}

describe('OrganisationMatcher', () => {
  it('matches by identifier first, then the exact name, then the normalised name', () => {
    const matcher = new OrganisationMatcher();
    matcher.add({ iri: 'urn:a', names: ['Flexitricity Limited'], identifiers: { elexonPartyId: 'FLEXTRCY', companiesHouse: 'SC252154' } });
    matcher.add({ iri: 'urn:b', names: ['Flexitricity Ltd'] });
    assert.deepEqual(matcher.match('Flexitricity Ltd', { elexonPartyId: 'FLEXTRCY' }), { status: 'matched', iri: 'urn:a', method: 'identifier', matchedName: 'Flexitricity Limited', evidence: ['elexonPartyId=FLEXTRCY', 'Limited→Ltd'] });
    assert.deepEqual(matcher.match('Some Trading Name', { companiesHouse: ' SC252154 ' }), { status: 'matched', iri: 'urn:a', method: 'identifier', matchedName: 'Flexitricity Limited', evidence: ['companiesHouse=SC252154', 'name differs'] });
    assert.deepEqual(matcher.match('Flexitricity Ltd'), { status: 'matched', iri: 'urn:b', method: 'exact-name', matchedName: 'Flexitricity Ltd', evidence: [] });
    // Two candidates share the key "flexitricity ltd": the normalised name cannot choose.
    assert.deepEqual(matcher.match('FLEXITRICITY LTD.'), { status: 'ambiguous', candidates: ['urn:a', 'urn:b'], key: 'flexitricity ltd' });
  });

  it('never matches by name a candidate whose identifier of a given scheme differs', () => {
    const matcher = new OrganisationMatcher();
    matcher.add({ iri: 'urn:a', names: ['Example Energy Limited'], identifiers: { companiesHouse: '01234567' } });
    matcher.add({ iri: 'urn:b', names: ['Example Energy Ltd'] });
    assert.deepEqual(matcher.match('Example Energy Limited', { companiesHouse: '07654321' }), { status: 'matched', iri: 'urn:b', method: 'normalised-name', matchedName: 'Example Energy Ltd', evidence: ['Limited→Ltd'] });
    assert.deepEqual(matcher.match('Example Energy Limited', { companiesHouse: '01234567', elexonPartyId: 'EXAMPLE' }).status, 'matched');
  });

  it('reports identifiers that point at two candidates, and unknown names, rather than guess', () => {
    const matcher = new OrganisationMatcher();
    matcher.add({ iri: 'urn:a', names: ['A Ltd'], identifiers: { elexonPartyId: 'AAA' } });
    matcher.add({ iri: 'urn:b', names: ['B Ltd'], identifiers: { companiesHouse: '00000001' } });
    assert.deepEqual(matcher.match('A Ltd', { elexonPartyId: 'AAA', companiesHouse: '00000001' }), { status: 'ambiguous', candidates: ['urn:a', 'urn:b'], key: 'a ltd' });
    assert.deepEqual(matcher.match('C Limited'), { status: 'unmatched', key: 'c ltd' });
    assert.deepEqual(matcher.match(' - '), { status: 'unmatched', key: '' });
    assert.throws(() => matcher.add({ iri: 'urn:a', names: [], identifiers: { elexonPartyId: 'AAB' } }), /two elexonPartyId identifiers: AAA and AAB/);
  });
});

describe('OrganisationMatcher on real GB names', function () {
  this.timeout(60_000);
  let parties: Map<string, string>;
  before(async () => {
    parties = await elexonParties();
  });

  it('keeps UKPN ECR\'s "BSR Applications Limited" and "BSR Applications Ltd" apart when both are registered, and joins them when one is', async () => {
    const ecr = parse(await readFile(join(GB, 'ukpn_ecr_1mw_plus_2025-08.csv'), 'utf8'), { columns: true, bom: true }) as Rows;
    const customers = new Set(ecr.map((r) => r['Customer Name']));
    // Data README, file 1: the near-duplicate organisation.
    assert.ok(customers.has('BSR Applications Limited') && customers.has('BSR Applications Ltd'));
    const both = new OrganisationMatcher();
    both.add({ iri: 'urn:bsr-1', names: ['BSR Applications Limited'] });
    both.add({ iri: 'urn:bsr-2', names: ['BSR Applications Ltd'] });
    assert.equal((both.match('BSR Applications Ltd') as { iri: string }).iri, 'urn:bsr-2');
    assert.deepEqual(both.match('BSR APPLICATIONS LTD'), { status: 'ambiguous', candidates: ['urn:bsr-1', 'urn:bsr-2'], key: 'bsr applications ltd' });
    const one = new OrganisationMatcher();
    one.add({ iri: 'urn:bsr-1', names: ['BSR Applications Limited'] });
    assert.deepEqual(one.match('BSR Applications Ltd'), { status: 'matched', iri: 'urn:bsr-1', method: 'normalised-name', matchedName: 'BSR Applications Limited', evidence: ['Limited→Ltd'] });
  });

  it('links ECR customers and REPD operators to Elexon lead parties only where the names are variants of one name', async () => {
    assert.equal(parties.size, 347, 'the 347 lead parties of the data README');
    const matcher = matcherOfParties(parties);
    const ecr = parse(await readFile(join(GB, 'ukpn_ecr_1mw_plus_2025-08.csv'), 'utf8'), { columns: true, bom: true }) as Rows;
    const fromEcr = matchAll(matcher, new Set(ecr.map((r) => r['Customer Name'])));
    assert.deepEqual(fromEcr.counts, { unmatched: 873, 'normalised-name': 2 });
    assert.deepEqual(fromEcr.notExact, {
      'UK Power Reserve Ltd': { status: 'matched', iri: party('UKPR'), method: 'normalised-name', matchedName: 'UK Power Reserve Limited', evidence: ['Limited→Ltd'] },
      'E.ON UK PLC': { status: 'matched', iri: party('POWERGEN'), method: 'normalised-name', matchedName: 'E.ON UK plc', evidence: ['case'] },
    });
    const repd = parse(new TextDecoder('windows-1252').decode(await readFile(join(GB, 'desnz_repd_2022-10_cp1252.csv'))), { columns: true }) as Rows;
    const fromRepd = matchAll(matcher, new Set(repd.map((r) => r['Operator (or Applicant)'])));
    assert.deepEqual(fromRepd.counts, { unmatched: 3789, 'normalised-name': 4, 'exact-name': 1 });
    assert.deepEqual(
      Object.entries(fromRepd.notExact).map(([name, m]) => [name, m.status === 'matched' ? `${parties.get(m.iri.split(':').pop()!)} ${m.evidence.join(', ')}` : m.status]).sort(),
      [
        ['London Array Ltd', 'London Array Limited Limited→Ltd'],
        ['RWE Generation UK Plc', 'RWE Generation UK plc case'],
        ['Sembcorp Utilities UK Limited', 'SembCorp Utilities (UK) Ltd case, punctuation, whitespace, Limited→Ltd'],
        ['VPI Immingham Llp', 'VPI Immingham LLP case'],
      ],
    );
    // "UK" is kept: Elexon's "Centrica Business Solutions UK" is not REPD's "Centrica Business Solutions".
    assert.deepEqual(matcher.match('Centrica Business Solutions'), { status: 'unmatched', key: 'centrica business solutions' });
  });

  it('leaves the informal provider names of UKPN dispatches unmatched unless an alias is declared', async () => {
    const dispatches = parse(await readFile(join(GB, 'ukpn_flexibility_dispatches_ev_subset.csv'), 'utf8'), { columns: true, bom: true }) as Rows;
    const providers = [...new Set(dispatches.map((r) => r.company_name))].sort();
    // Data README, file 3: the 7 service providers.
    assert.deepEqual(providers, ['Axle Energy Limited', 'EDF Energy', 'Electric Miles Ltd', 'Ev.energy', 'OVO Energy', 'Octopus', 'Ohme']);
    const matcher = matcherOfParties(parties);
    assert.equal(parties.get('MERCURY'), 'Octopus Energy Limited');
    assert.equal(parties.get('OVOE'), 'OVO Electricity Ltd');
    assert.equal(parties.get('LENCO'), 'EDF Energy Customers Ltd');
    // "Octopus" is not "Octopus Energy Limited", nor "EDF Energy" any of Elexon's EDF parties: informal names are not legal names.
    for (const provider of providers) assert.equal(matcher.match(provider).status, 'unmatched', provider);
    matcher.add({ iri: party('MERCURY'), names: ['Octopus'] });
    assert.deepEqual(matcher.match('Octopus'), { status: 'matched', iri: party('MERCURY'), method: 'exact-name', matchedName: 'Octopus', evidence: [] });
    assert.deepEqual(matcher.match('OCTOPUS'), { status: 'matched', iri: party('MERCURY'), method: 'normalised-name', matchedName: 'Octopus', evidence: ['case'] });
    assert.deepEqual(matcher.match('Octopus', { elexonPartyId: 'MERCURY' }), { status: 'matched', iri: party('MERCURY'), method: 'identifier', matchedName: 'Octopus', evidence: ['elexonPartyId=MERCURY'] });
  });
});
