import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { hasValidCheckDigit } from '../../../src/domain/authenticity/mpan.js';
import { isNoValue, megawattsToKilowatts, parseDate, parseDecimal, parseMpans, parseYesNo, type Parsed } from '../../../src/import/cellValues.js';
import { readTabularFile, type TabularFile } from '../../../src/import/tabularFile.js';
import { sharedDir } from '../../../src/projectRoot.js';

/** The real GB files (../shared/data/gb/README.md: publishers, licences and quirks). */
const DATA = join(sharedDir(), 'data/gb');
const HEADER_COLUMNS: Record<string, string[]> = {
  'ukpn_ecr_1mw_plus_2025-08.csv': ['Export MPAN / MSID'],
  'desnz_repd_2022-10_cp1252.csv': ['Ref ID'],
  'elexon_registered_bm_units_2022-06.csv': ['BM Unit ID'],
  'ukpn_flexibility_dispatches_ev_subset.csv': ['fu_id'],
  'elexon_bmu_fuel_types_2023-12.csv': ['NGC_BMU_ID'],
  'ukpn_grid_and_primary_sites.csv': ['SiteFunctionalLocation'],
};
const realFiles = new Map<string, Promise<TabularFile>>();
function readReal(file: string): Promise<TabularFile> {
  if (!realFiles.has(file)) realFiles.set(file, readFile(join(DATA, file)).then((bytes) => readTabularFile(bytes, { headerColumns: HEADER_COLUMNS[file], sourceName: file })));
  return realFiles.get(file)!;
}

interface Tally {
  value: number;
  absent: number;
  problem: number;
  /** The distinct problems, with the lines they are on. */
  problems: string[];
}
/** Parses one column of every row and counts the outcomes. */
function tally<T>(file: TabularFile, column: string, parse: (text: string | undefined) => Parsed<T>): Tally {
  assert.ok(file.has(column), `${file.sourceName} has ${column}`);
  const t: Tally = { value: 0, absent: 0, problem: 0, problems: [] };
  for (const row of file.rows) {
    const parsed = parse(row.cell(column));
    if ('value' in parsed) t.value++;
    else if ('absent' in parsed) t.absent++;
    else {
      t.problem++;
      t.problems.push(`line ${row.line}: ${parsed.problem}`);
    }
  }
  return t;
}
const counts = (t: Tally) => [t.value, t.absent, t.problem];
/** The shapes of a column's dates as published, e.g. "dd/mm/yyyy": digits become the letters of the format. */
function dateShapes(file: TabularFile, column: string): string[] {
  const shapes = new Set<string>();
  for (const row of file.rows) {
    const text = row.cell(column)!;
    if ('value' in parseDate(text)) shapes.add(text.replace(/\d/g, '9'));
  }
  return [...shapes].sort();
}
const value = <T>(parsed: Parsed<T>): T => {
  assert.ok('value' in parsed, `a value, not ${JSON.stringify(parsed)}`);
  return parsed.value;
};
const problem = (parsed: Parsed<unknown>): string => {
  assert.ok('problem' in parsed, `a problem, not ${JSON.stringify(parsed)}`);
  return parsed.problem;
};
const ABSENT = { absent: true };

describe('isNoValue', () => {
  it('knows the placeholders published files use for no value, whatever their case and spacing', () => {
    for (const text of ['', '   ', 'Data not available', 'DATA NOT AVAILABLE', ' data  not available ', 'Data not applicable', 'Not applicable', 'Not Available', 'N/A', 'n/a', 'NA', 'TBC', 'To be confirmed', 'To Be Confirmed', '-', ' - ']) {
      assert.equal(isNoValue(text), true, JSON.stringify(text));
    }
    assert.equal(isNoValue(undefined), true, 'a column the file lacks');
    for (const text of ['0', 'No', 'None', 'Data', '--', 'N', 'Unknown', 'NAN']) assert.equal(isNoValue(text), false, JSON.stringify(text));
  });

  it('covers every sentinel ecr_enumerations.json lists as seen in real ECR files', async () => {
    const enumerations = JSON.parse(await readFile(join(DATA, 'ecr_enumerations.json'), 'utf8')) as { ena_defined: { sentinels_seen_in_real_files: string[] } };
    for (const sentinel of enumerations.ena_defined.sentinels_seen_in_real_files) assert.equal(isNoValue(sentinel), true, sentinel);
  });
});

describe('parseDate', () => {
  it('reads every published format to yyyy-mm-dd', () => {
    const cases: [string, string][] = [
      ['2016-10-01', '2016-10-01'],
      ['2025-06-23T15:00:00+01:00', '2025-06-23'],
      ['2025-06-23 14:00:00+00:00', '2025-06-23'],
      ['2001-03-27 00:00:00', '2001-03-27'],
      ['2025-06-23T15:00', '2025-06-23'],
      ['2025-06-23T15:00:00Z', '2025-06-23'],
      ['2025-06-23T15:00:00.000-0500', '2025-06-23'],
      ['07/07/2009', '2009-07-07'],
      ['7/7/2009', '2009-07-07'],
      ['20/11/2017 14:05', '2017-11-20'],
      ['20/11/2017 14:05:59', '2017-11-20'],
      ['01/06/22', '2022-06-01'],
      ['20-11-2017', '2017-11-20'],
      ['1 June 2022', '2022-06-01'],
      ['01 jun 2022', '2022-06-01'],
      ['01-Jun-2022', '2022-06-01'],
      ['01-Jun-22', '2022-06-01'],
      ['5 Sept 2021', '2021-09-05'],
      [' 2020-02-29 ', '2020-02-29'],
    ];
    for (const [text, iso] of cases) assert.deepEqual(parseDate(text), { value: iso }, text);
  });

  it('reads two-digit years 00-69 as 2000-2069 and 70-99 as 1970-1999', () => {
    assert.equal(value(parseDate('31/12/69')), '2069-12-31');
    assert.equal(value(parseDate('01/01/70')), '1970-01-01');
    assert.equal(value(parseDate('15-Mar-99')), '1999-03-15');
    assert.equal(value(parseDate('29/02/00')), '2000-02-29', '2000 is a leap year');
  });

  it('gives the calendar date as written: a time and its offset are not converted to UTC', () => {
    assert.equal(value(parseDate('2025-06-23T00:30:00+01:00')), '2025-06-23', 'in UTC this is 2025-06-22T23:30');
  });

  it('calls dates off the calendar, times off the clock and unknown formats problems, naming the text', () => {
    assert.equal(problem(parseDate('31/02/2020')), '"31/02/2020" is not a date: month 2 of 2020 has 29 days');
    assert.match(problem(parseDate('29/02/2021')), /month 2 of 2021 has 28 days/);
    assert.match(problem(parseDate('29/02/1900')), /has 28 days/, '1900 is not a leap year');
    assert.match(problem(parseDate('2020-13-01')), /no month 13/);
    assert.match(problem(parseDate('00/01/2020')), /has 31 days/);
    assert.match(problem(parseDate('06/23/2025')), /no month 23/, 'a US mm/dd date is not read month first');
    assert.match(problem(parseDate('2025-06-23T24:00')), /not on the clock/);
    assert.match(problem(parseDate('2025-06-23 10:60:00')), /not on the clock/);
    assert.match(problem(parseDate('2025-06-23T10:00+25:00')), /offset/);
    assert.equal(problem(parseDate('14:00:00+00:00')), '"14:00:00+00:00" is a time of day without a date');
    assert.match(problem(parseDate('1 Juni 2022')), /"Juni" is not an English month name/);
    for (const text of ['44562', '2022', '2022-6-1', '20220601', 'June 2022', '1st June 2022', '2025-06-23+01:00', 'yesterday']) {
      assert.match(problem(parseDate(text)), /not a date in a known format/, text);
    }
  });

  it('calls empty cells and placeholders absent', () => {
    for (const text of [undefined, '', '  ', 'Data not available', 'TBC', '-']) assert.deepEqual(parseDate(text), ABSENT, String(text));
  });

  describe('on every date column of the real files', function () {
    this.timeout(60_000);

    it('UKPN ECR: all yyyy-mm-dd, no problems', async () => {
      const ecr = await readReal('ukpn_ecr_1mw_plus_2025-08.csv');
      const expected: Record<string, number[]> = { 'Date Connected': [683, 557, 0], 'Date Accepted': [551, 689, 0], 'Target Energisation Date': [333, 907, 0], 'Last Updated': [1239, 1, 0] };
      for (const [column, outcome] of Object.entries(expected)) {
        assert.deepEqual(counts(tally(ecr, column, parseDate)), outcome, column);
        assert.deepEqual(dateShapes(ecr, column), ['9999-99-99'], column);
      }
      // yyyy-mm-dd values come back unchanged.
      for (const row of ecr.rows) {
        const parsed = parseDate(row.cell('Date Connected'));
        if ('value' in parsed) assert.equal(parsed.value, row.cell('Date Connected'));
      }
    });

    it('REPD: 16 date columns, all dd/mm/yyyy, no problems', async () => {
      const repd = await readReal('desnz_repd_2022-10_cp1252.csv');
      const expected: Record<string, number[]> = {
        'Record Last Updated (dd/mm/yyyy)': [8016, 0, 0],
        'Judicial Review': [23, 7993, 0],
        'Planning Application Submitted': [7693, 323, 0],
        'Planning Application Withdrawn': [628, 7388, 0],
        'Planning Permission Refused': [1512, 6504, 0],
        'Appeal Lodged': [488, 7528, 0],
        'Appeal Withdrawn': [57, 7959, 0],
        'Appeal Refused': [369, 7647, 0],
        'Appeal Granted': [368, 7648, 0],
        'Planning Permission Granted': [5031, 2985, 0],
        'Secretary of State - Intervened': [20, 7996, 0],
        'Secretary of State - Refusal': [22, 7994, 0],
        'Secretary of State - Granted': [15, 8001, 0],
        'Planning Permission Expired': [2350, 5666, 0],
        'Under Construction': [2172, 5844, 0],
        Operational: [2830, 5186, 0],
      };
      for (const [column, outcome] of Object.entries(expected)) {
        assert.deepEqual(counts(tally(repd, column, parseDate)), outcome, column);
        assert.deepEqual(dateShapes(repd, column), ['99/99/9999'], column);
        for (const row of repd.rows) {
          const parsed = parseDate(row.cell(column));
          if ('value' in parsed) assert.equal(parsed.value, row.cell(column)!.split('/').reverse().join('-'), `${column}, line ${row.line}`);
        }
      }
      assert.equal(value(parseDate(repd.rows[0].cell('Record Last Updated (dd/mm/yyyy)'))), '2009-07-07', 'line 2: 07/07/2009');
    });

    it('Elexon BM units: Effective From is dd/mm/yy ("01/06/22", 1 June 2022) in all 5,387 rows', async () => {
      const bm = await readReal('elexon_registered_bm_units_2022-06.csv');
      assert.deepEqual(counts(tally(bm, 'Effective From', parseDate)), [5387, 0, 0]);
      assert.deepEqual(new Set(bm.rows.map((r) => value(parseDate(r.cell('Effective From'))))), new Set(['2022-06-01']));
    });

    it('Elexon fuel types: EFF_FROM is yyyy-mm-dd hh:mm:ss (412) or yyyy-mm-dd (26); EFF_TO is empty', async () => {
      const fuel = await readReal('elexon_bmu_fuel_types_2023-12.csv');
      assert.deepEqual(counts(tally(fuel, 'EFF_FROM', parseDate)), [438, 0, 0]);
      assert.deepEqual(dateShapes(fuel, 'EFF_FROM'), ['9999-99-99', '9999-99-99 99:99:99']);
      assert.deepEqual(counts(tally(fuel, 'EFF_TO', parseDate)), [0, 438, 0]);
    });

    it('UKPN dispatches: local times with offset after T, UTC times after a space; time_utc has no date at all', async () => {
      const dispatches = await readReal('ukpn_flexibility_dispatches_ev_subset.csv');
      for (const column of ['start_time_local', 'end_time_local']) {
        assert.deepEqual(counts(tally(dispatches, column, parseDate)), [14813, 0, 0], column);
        assert.deepEqual(dateShapes(dispatches, column), ['9999-99-99T99:99:99+99:99'], column);
      }
      for (const column of ['start_time_utc', 'end_time_utc']) {
        assert.deepEqual(counts(tally(dispatches, column, parseDate)), [14813, 0, 0], column);
        assert.deepEqual(dateShapes(dispatches, column), ['9999-99-99 99:99:99+99:99'], column);
      }
      const timeOnly = tally(dispatches, 'time_utc', parseDate);
      assert.deepEqual(counts(timeOnly), [0, 0, 14813], 'time_utc is the time of day of start_time_utc, not a date');
      assert.ok(timeOnly.problems.every((p) => p.endsWith('is a time of day without a date')));
    });

    it('UKPN grid and primary sites: all yyyy-mm-dd, no problems', async () => {
      const grid = await readReal('ukpn_grid_and_primary_sites.csv');
      const expected: Record<string, number[]> = { DateCommissioned: [1500, 0, 0], AssessmentDate: [1431, 69, 0], Next_AssessmentDate: [1494, 6, 0] };
      for (const [column, outcome] of Object.entries(expected)) assert.deepEqual(counts(tally(grid, column, parseDate)), outcome, column);
      assert.deepEqual(counts(tally(grid, 'YearCommissioned', parseDate)), [0, 1500, 0], '"NA" in every row');
    });
  });
});

describe('parseDecimal', () => {
  it('normalises decimal text exactly', () => {
    const cases: [string, string][] = [
      ['1,200.50', '1200.5'],
      ['6.0', '6'],
      ['49.9', '49.9'],
      ['.002589', '0.002589'],
      ['-.0132632', '-0.0132632'],
      ['-1000', '-1000'],
      ['+5', '5'],
      ['007', '7'],
      ['0.10', '0.1'],
      ['1.', '1'],
      ['-0', '0'],
      ['-0.000', '0'],
      ['1,234,567.000', '1234567'],
      [' 20 ', '20'],
      ['123456789012345678901234567890.000000000000000000001', '123456789012345678901234567890.000000000000000000001'],
    ];
    for (const [text, decimal] of cases) assert.deepEqual(parseDecimal(text), { value: decimal }, text);
  });

  it('calls anything else a problem, and placeholders absent', () => {
    for (const text of ['1,20', '12,34.5', ',123', '1 200', '1.2.3', '1e3', '£5', '49.9MW', 'NaN', 'Infinity', '.', '+', '0x10', '1,200,00']) {
      assert.equal(problem(parseDecimal(text)), `"${text}" is not a decimal number`, text);
    }
    for (const text of [undefined, '', '-', 'Data not available', 'NA']) assert.deepEqual(parseDecimal(text), ABSENT, String(text));
  });

  it('reads the numeric columns of the real files without a problem', async function () {
    this.timeout(60_000);
    const bm = await readReal('elexon_registered_bm_units_2022-06.csv');
    for (const column of ['TLF', 'GC', 'DC', 'WDCALF', 'NWDCALF', 'SECALF', 'WDBMCAIC', 'NWDBMCAIC', 'WDBMCAEC', 'NWDBMCAEC']) assert.deepEqual(counts(tally(bm, column, parseDecimal)), [5387, 0, 0], column);
    assert.equal(value(parseDecimal(bm.rows[0].cell('TLF'))), '0.002616', 'Elexon writes ".002616"');
    const repd = await readReal('desnz_repd_2022-10_cp1252.csv');
    assert.deepEqual(counts(tally(repd, 'X-coordinate', parseDecimal)), [7990, 26, 0]);
    assert.deepEqual(counts(tally(repd, 'Height of Turbines (m)', parseDecimal)), [663, 7353, 0]);
    const ecr = await readReal('ukpn_ecr_1mw_plus_2025-08.csv');
    assert.deepEqual(counts(tally(ecr, 'Point of Connection (POC)_Voltage (kV)', parseDecimal)), [1223, 17, 0]);
    assert.deepEqual(counts(tally(ecr, 'Latitude', parseDecimal)), [1237, 3, 0]);
  });
});

describe('megawattsToKilowatts', () => {
  it('moves the decimal point three places, exactly', () => {
    const cases: [string, string][] = [
      ['1.2345', '1234.5'],
      ['0.0001', '0.1'],
      ['6.0', '6000'],
      ['49.999', '49999'],
      ['0.3', '300'],
      ['0.049', '49'],
      ['.5', '500'],
      ['0', '0'],
      ['0.0', '0'],
      ['1,200.5', '1200500'],
      [' 20 ', '20000'],
      ['1234567890.123456789', '1234567890123.456789'],
    ];
    for (const [mw, kw] of cases) assert.deepEqual(megawattsToKilowatts(mw), { value: kw }, mw);
  });

  it('agrees with integer arithmetic on any non-negative decimal (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,12}$/), fc.stringMatching(/^[0-9]{0,9}$/), (whole, fraction) => {
        const mw = fraction ? `${whole}.${fraction}` : whole;
        // kW = digits × 1000 / 10^scale, written out from a BigInt.
        const scaled = BigInt(whole + fraction) * 1000n;
        const scale = fraction.length;
        const digits = scaled.toString().padStart(scale + 1, '0');
        const intPart = digits.slice(0, digits.length - scale);
        const fracPart = digits.slice(digits.length - scale).replace(/0+$/, '');
        assert.deepEqual(megawattsToKilowatts(mw), { value: fracPart ? `${intPart}.${fracPart}` : intPart });
      }),
    );
  });

  it('calls placeholders absent and negative or non-numeric values problems', () => {
    for (const text of [undefined, '', '-', 'Data not available', 'N/A']) assert.deepEqual(megawattsToKilowatts(text), ABSENT, String(text));
    assert.equal(problem(megawattsToKilowatts('-1')), '"-1" MW is negative');
    assert.equal(problem(megawattsToKilowatts('49.9MW')), '"49.9MW" is not a decimal number');
    assert.equal(problem(megawattsToKilowatts('1,20')), '"1,20" is not a decimal number');
  });

  it('reads every capacity of the real ECR, REPD and dispatches without a problem', async function () {
    this.timeout(60_000);
    const ecr = await readReal('ukpn_ecr_1mw_plus_2025-08.csv');
    const capacityColumns = ecr.headers.filter((h) => /\((MW|MVA|MWh)\)/.test(h));
    assert.equal(capacityColumns.length, 16);
    for (const column of capacityColumns) assert.equal(tally(ecr, column, megawattsToKilowatts).problem, 0, column);
    assert.deepEqual(counts(tally(ecr, 'Already connected Registered Capacity (MW)', megawattsToKilowatts)), [685, 555, 0]);
    assert.deepEqual(counts(tally(ecr, 'Accepted to Connect Registered Capacity (MW)', megawattsToKilowatts)), [553, 687, 0]);
    assert.deepEqual(counts(tally(ecr, 'Energy Source & Energy Conversion Technology 1 - Registered Capacity (MW)', megawattsToKilowatts)), [1239, 1, 0]);
    assert.equal(value(megawattsToKilowatts(ecr.rows[0].cell('Already connected Registered Capacity (MW)'))), '6000', 'line 2: 6.0 MW');
    const repd = await readReal('desnz_repd_2022-10_cp1252.csv');
    assert.deepEqual(counts(tally(repd, 'Installed Capacity (MWelec)', megawattsToKilowatts)), [7517, 499, 0]);
    const dispatches = await readReal('ukpn_flexibility_dispatches_ev_subset.csv');
    assert.deepEqual(counts(tally(dispatches, 'utilisation_mw_req', megawattsToKilowatts)), [14813, 0, 0]);
  });

  it('calls the Elexon report\'s negative demand capacities (DC) problems: that column is for parseDecimal', async () => {
    const bm = await readReal('elexon_registered_bm_units_2022-06.csv');
    assert.deepEqual(counts(tally(bm, 'DC', megawattsToKilowatts)), [3294, 0, 2093]);
    assert.deepEqual(counts(tally(bm, 'GC', megawattsToKilowatts)), [5387, 0, 0]);
  });
});

describe('parseMpans', () => {
  /** Fictional MPAN cores with right check digits (as in the authenticity tests). */
  const A = '1055555555012';
  const B = '1055555555021';
  before(() => assert.ok(hasValidCheckDigit(A) && hasValidCheckDigit(B)));

  it('reads one MPAN core, and a placeholder as nothing', () => {
    assert.deepEqual(parseMpans(` ${A} `), { mpans: [A], problems: [] });
    for (const text of [undefined, '', 'Data not available', 'N/A']) assert.deepEqual(parseMpans(text), { mpans: [], problems: [] }, String(text));
  });

  // No cell of the real ECR holds two MPANs (see the real-file test below), so these cells are crafted.
  it('reads two or more cores separated by "/", ",", ";", "&", " and " or whitespace, each once', () => {
    for (const text of [`${A}/${B}`, `${A} / ${B}`, `${A}, ${B}`, `${A};${B}`, `${A} & ${B}`, `${A} and ${B}`, `${A} AND ${B}`, `${A} ${B}`, `${A}\n${B}`, `${A} / ${B} / ${A}`]) {
      assert.deepEqual(parseMpans(text), { mpans: [A, B], problems: [] }, text);
    }
    assert.deepEqual(parseMpans(`${A} / Data not available`), { mpans: [A], problems: [] }, 'a placeholder beside a core');
  });

  it('names each token that is not a valid MPAN core: digit count, check digit, not digits', () => {
    assert.deepEqual(parseMpans('10300004967319'), { mpans: [], problems: ['10300004967319 has 14 digits; an MPAN core has 13'] });
    assert.deepEqual(parseMpans('0'), { mpans: [], problems: ['0 has 1 digit; an MPAN core has 13'] });
    assert.deepEqual(parseMpans('1050001044651'), { mpans: [], problems: ['1050001044651 has the wrong check digit (1; its first twelve digits call for 2)'] });
    assert.deepEqual(parseMpans(`${A} / 0 / ${B}`), { mpans: [A, B], problems: ['0 has 1 digit; an MPAN core has 13'] });
    assert.deepEqual(parseMpans('1.05556E+12'), { mpans: [], problems: ['"1.05556E+12" is not an MPAN core (13 digits)'] }, 'a spreadsheet\'s scientific notation');
    assert.deepEqual(parseMpans(`MPAN ${A}`), { mpans: [A], problems: ['"MPAN" is not an MPAN core (13 digits)'] });
  });

  it('reads the real ECR\'s MPAN columns: the data README\'s counts, the three wrong check digits, no cell with two MPANs', async function () {
    this.timeout(60_000);
    const ecr = await readReal('ukpn_ecr_1mw_plus_2025-08.csv');
    const read = (column: string) => {
      const cells = ecr.rows.map((r) => ({ line: r.line, text: r.cell(column)!, ...parseMpans(r.cell(column)) }));
      return {
        mpans: cells.flatMap((c) => c.mpans).length,
        placeholders: cells.filter((c) => !c.mpans.length && !c.problems.length).length,
        problems: cells.flatMap((c) => c.problems.map((p) => `line ${c.line}: ${p}`)),
        cellsWithTwo: cells.filter((c) => c.mpans.length + c.problems.length > 1).length,
        dataNotAvailable: cells.filter((c) => c.text === 'Data not available').length,
      };
    };
    // 673 "Data not available" and 3 empty; 562 13-digit values (the data README), of which 3 have a wrong check digit.
    assert.deepEqual(read('Export MPAN / MSID'), {
      mpans: 559,
      placeholders: 676,
      problems: [
        'line 67: 1050001044651 has the wrong check digit (1; its first twelve digits call for 2)',
        'line 551: 10300004967319 has 14 digits; an MPAN core has 13',
        'line 722: 1200001071622 has the wrong check digit (2; its first twelve digits call for 6)',
        'line 976: 0 has 1 digit; an MPAN core has 13',
        'line 1123: 1200010257778 has the wrong check digit (8; its first twelve digits call for 3)',
      ],
      cellsWithTwo: 0,
      dataNotAvailable: 673,
    });
    assert.deepEqual(read('Import MPAN / MSID'), { mpans: 27, placeholders: 1213, problems: [], cellsWithTwo: 0, dataNotAvailable: 310 });
  });
});

describe('parseYesNo', () => {
  it('reads Yes/Y/True/T/1 and No/N/False/F/0 in any case; placeholders are absent; anything else is a problem', () => {
    for (const text of ['Yes', 'yes', 'YES', 'Y', 'y', 'True', 'true', 'T', '1', ' Yes ']) assert.deepEqual(parseYesNo(text), { value: true }, text);
    for (const text of ['No', 'no', 'No ', 'N', 'n', 'False', 'FALSE', 'F', 'f', '0']) assert.deepEqual(parseYesNo(text), { value: false }, text);
    for (const text of [undefined, '', 'To Be Confirmed', 'To be confirmed', 'TBC', 'N/A', 'Data not available']) assert.deepEqual(parseYesNo(text), ABSENT, String(text));
    for (const text of ['Maybe', '2', 'Yes/No', 'Yes - partial', 'Ye']) assert.equal(problem(parseYesNo(text)), `"${text}" is not yes or no`, text);
  });

  it('reads every flag column of the real ECR, REPD and BM units without a problem', async function () {
    this.timeout(60_000);
    const ecr = await readReal('ukpn_ecr_1mw_plus_2025-08.csv');
    const expected: Record<string, number[]> = {
      'CHP Cogeneration (Yes/No)': [153, 1087, 0],
      'CHP Cogeneration 2 (Yes/No)': [6, 1234, 0],
      'CHP Cogeneration 3 (Yes/No)': [0, 1240, 0],
      'Flexible Connection (Yes/No)': [1236, 4, 0], // 2 empty, 2 "To Be Confirmed"
      'Distribution Service Provider (Y/N)': [178, 1062, 0],
      'Transmission Service Provider (Y/N)': [167, 1073, 0], // 10 "To be confirmed"
      'In a Connection Queue (Y/N)': [134, 1106, 0],
    };
    for (const [column, outcome] of Object.entries(expected)) assert.deepEqual(counts(tally(ecr, column, parseYesNo)), outcome, column);
    const repd = await readReal('desnz_repd_2022-10_cp1252.csv');
    assert.deepEqual(counts(tally(repd, 'CHP Enabled', parseYesNo)), [3183, 4833, 0], 'Yes, yes, No, no and "No "');
    const bm = await readReal('elexon_registered_bm_units_2022-06.csv');
    for (const column of ['Exempt Export Flag', 'Base TU Flag', 'FPN Flag', 'Manual Credit Qualifying Flag']) assert.deepEqual(counts(tally(bm, column, parseYesNo)), [5387, 0, 0], column);
    assert.deepEqual(counts(tally(bm, 'Credit Qualifying Status', parseYesNo)), [5357, 30, 0]);
  });
});
