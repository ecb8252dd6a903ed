import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normaliseHeader, readTabularFile, TabularFileError, type ReadTabularOptions, type TabularFile } from '../../../src/import/tabularFile.js';
import { sharedDir } from '../../../src/projectRoot.js';
import { fixturesDir } from '../../support/fixtures.js';

/** The real GB files (../shared/data/gb/README.md) and their excerpts in test/fixtures/import (see its README.md). */
const DATA = join(sharedDir(), 'data/gb');
const FIXTURES = join(fixturesDir, 'import');
const SOURCES = {
  ecr: { file: 'ukpn_ecr_1mw_plus_2025-08.csv', excerpt: 'ukpn-ecr-excerpt.csv', headerColumns: ['Export MPAN / MSID', 'Licence Area'] },
  repd: { file: 'desnz_repd_2022-10_cp1252.csv', excerpt: 'desnz-repd-excerpt-cp1252.csv', headerColumns: ['Ref ID', 'Site Name'] },
  bmUnits: { file: 'elexon_registered_bm_units_2022-06.csv', excerpt: 'elexon-bm-units-excerpt.csv', headerColumns: ['BM Unit ID', 'Party ID'] },
  bmuFuelTypes: { file: 'elexon_bmu_fuel_types_2023-12.csv', excerpt: 'elexon-bmu-fuel-types-excerpt.csv', headerColumns: ['SETT_BMU_ID', 'FUEL TYPE'] },
  dispatches: { file: 'ukpn_flexibility_dispatches_ev_subset.csv', excerpt: 'ukpn-dispatches-excerpt.csv', headerColumns: ['fu_id', 'company_name'] },
};
type Source = keyof typeof SOURCES;

const realFiles = new Map<Source, Promise<TabularFile>>();
/** The real file, read once for all the tests. */
function readReal(source: Source): Promise<TabularFile> {
  const { file, headerColumns } = SOURCES[source];
  if (!realFiles.has(source)) realFiles.set(source, readFile(join(DATA, file)).then((bytes) => readTabularFile(bytes, { headerColumns, sourceName: file })));
  return realFiles.get(source)!;
}
async function readExcerpt(source: Source): Promise<TabularFile> {
  const { excerpt, headerColumns } = SOURCES[source];
  return readTabularFile(await readFile(join(FIXTURES, excerpt)), { headerColumns, sourceName: excerpt });
}
/** Reads crafted text (not from a published file). */
function readText(text: string | Buffer, options: Partial<ReadTabularOptions> = {}): TabularFile {
  return readTabularFile(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), { headerColumns: ['id'], sourceName: 'crafted.csv', ...options });
}
function readError(text: string | Buffer, options: Partial<ReadTabularOptions> = {}): TabularFileError {
  try {
    readText(text, options);
  } catch (error) {
    assert.ok(error instanceof TabularFileError, `a TabularFileError, not ${String(error)}`);
    return error;
  }
  assert.fail('the file was read');
}

describe('normaliseHeader', () => {
  it('drops the BOM, collapses whitespace and line breaks, trims and lower-cases', () => {
    assert.equal(normaliseHeader('\uFEFFExport MPAN / MSID'), 'export mpan / msid');
    assert.equal(normaliseHeader(' Manual Credit Qualifying Flag'), 'manual credit qualifying flag');
    assert.equal(normaliseHeader('Energy Source &\r\nEnergy Conversion Technology 1 -  Registered Capacity (MW) '), 'energy source & energy conversion technology 1 - registered capacity (mw)');
    assert.equal(normaliseHeader('Are they re-applying (Old REPD Ref) '), 'are they re-applying (old repd ref)');
  });
});

describe('readTabularFile on the real GB files', function () {
  this.timeout(60_000);

  it('reads the UKPN ECR (UTF-8 with BOM, CRLF): 1,240 rows of 62 columns, the first on line 2', async () => {
    const ecr = await readReal('ecr');
    assert.equal(ecr.encoding, 'utf-8');
    assert.equal(ecr.preambleLines, 0);
    assert.equal(ecr.headers.length, 62);
    assert.equal(ecr.headers[0], 'Export MPAN / MSID', 'the BOM is not part of the first header');
    assert.equal(ecr.rows.length, 1240);
    assert.deepEqual([ecr.rows[0].row, ecr.rows[0].line, ecr.rows.at(-1)!.row, ecr.rows.at(-1)!.line], [1, 2, 1240, 1241]);
    assert.equal(ecr.rows[0].cell('export mpan / msid'), '1014569292506');
    assert.equal(ecr.rows[0].cell('  Export   MPAN / MSID '), '1014569292506', 'columns are named as normaliseHeader compares them');
    assert.equal(ecr.rows[0].cells['Export MPAN / MSID'], '1014569292506');
    assert.equal(ecr.rows[0].cell('No Such Column'), undefined);
    assert.ok(ecr.has('LICENCE AREA') && !ecr.has('Licence'));
    // The data README: 673 rows have Export MPAN "Data not available"; the double space of the technology survives.
    assert.equal(ecr.rows.filter((r) => r.cell('Export MPAN / MSID') === 'Data not available').length, 673);
    assert.ok(ecr.rows.some((r) => r.cell('Energy Conversion Technology 1') === 'Storage - Electrochemical  (Batteries)'));
  });

  it('detects the REPD as Windows-1252 and decodes its curly quote, dash and accents as the publisher meant them', async () => {
    const repd = await readReal('repd');
    assert.equal(repd.encoding, 'windows-1252');
    assert.equal(repd.headers.length, 50);
    assert.equal(repd.rows.length, 8016, 'the data README counts 8,016 rows');
    const byRef = (ref: string) => repd.rows.find((r) => r.cell('Ref ID') === ref)!;
    // Byte 0x92 is U+2019 in Windows-1252 (Node's own TextDecoder gives U+0092 since 20.18.3: nodejs/node#56542).
    assert.equal(byRef('311').cell('Address'), 'Ratty\u2019s Lane, Hoddesdon');
    assert.equal(byRef('311').line, 293);
    assert.equal(byRef('10448').cell('Site Name'), 'Skelton Grange \u2013 Energy Recovery Facility', 'byte 0x96: en dash');
    assert.equal(byRef('6992').cell('Operator (or Applicant)'), '\u00d8rsted', 'byte 0xD8');
    assert.equal(byRef('6264').cell('Site Name'), 'Dounreay Tr\u00ec Floating Wind Demonstration', 'byte 0xEC');
    // The publisher's own mojibake (UTF-8 "â" once read as Windows-1252) is kept as published, not repaired.
    assert.equal(byRef('3052').cell('Site Name'), 'Gorsedd Br\u00c3\u00a2n Wind Fram');
    const text = repd.rows.flatMap((r) => Object.values(r.cells)).join('\n');
    assert.doesNotMatch(text, /[\u0080-\u009f\ufffd]/, 'no C1 control or replacement character anywhere');
    assert.equal(repd.headers[19], 'Are they re-applying (New REPD Ref)');
    assert.equal(repd.headers[20], 'Are they re-applying (Old REPD Ref)', 'the trailing space of the published header is cleaned');
  });

  it('numbers REPD rows by the line they start on, across quoted fields with LF, CRLF and lone CR inside', async () => {
    const repd = await readReal('repd');
    const bytes = await readFile(join(DATA, SOURCES.repd.file));
    const lineFeeds = bytes.filter((b) => b === 0x0a).length;
    assert.equal(repd.rows.at(-1)!.line, lineFeeds, 'the last record is on the last line (the file ends with a line feed)');
    const byRef = (ref: string) => repd.rows.find((r) => r.cell('Ref ID') === ref)!;
    assert.equal(byRef('4').line, 5);
    assert.equal(byRef('4').cell('Address'), 'Thetford Power Station\n, Marley Building Materials Site\n, Two Mile Bottom,\nMundford Road, Thetford ,\nNorfolk');
    assert.equal(byRef('5').line, 10, 'the record after the five-line one');
    assert.equal(byRef('5').cell('Address'), 'Nunn Mills Road\r, Northampton\r, Northamptonshire', 'lone CRs stay in the field and do not count as lines');
    assert.equal(byRef('390').line, 370);
    assert.equal(byRef('390').cell('Address'), 'Fasnakyle Power Station\nCannich\nInverness-shire', 'CRLF inside a field is returned as LF');
    assert.equal(repd.rows.find((r) => r.line === 373)?.cell('Ref ID'), '391', 'the row after a three-line record');
  });

  it('finds the Elexon BM unit report header after its 2 preamble lines and cleans the headers\' leading spaces', async () => {
    const bm = await readReal('bmUnits');
    assert.equal(bm.encoding, 'utf-8');
    assert.equal(bm.preambleLines, 2);
    assert.equal(bm.headers.length, 28);
    assert.deepEqual(bm.headers.slice(-2), ['Manual Credit Qualifying Flag', 'Credit Qualifying Status']);
    assert.equal(bm.rows.length, 5387);
    assert.deepEqual([bm.rows[0].line, bm.rows[0].cell('BM Unit ID')], [4, '2__AALAB000']);
    assert.equal(bm.rows.filter((r) => r.cell('BM Unit ID')!.startsWith('V__')).length, 30, 'the data README counts 30 V__ units');
    assert.equal(bm.rows[0].cell('manual credit qualifying flag'), 'F');
  });

  it('reads the UKPN dispatches (UTF-8 with BOM, LF): 14,813 rows', async () => {
    const dispatches = await readReal('dispatches');
    assert.equal(dispatches.headers[0], 'company_name');
    assert.equal(dispatches.rows.length, 14813);
    assert.equal(dispatches.rows.at(-1)!.line, 14814);
    assert.equal(new Set(dispatches.rows.map((r) => r.cell('fu_id'))).size, 226, 'the data README counts 226 flexible units');
  });
});

describe('readTabularFile on the excerpts of test/fixtures/import', function () {
  this.timeout(60_000);

  for (const source of Object.keys(SOURCES) as Source[]) {
    it(`${SOURCES[source].excerpt}: every row is the row of ${SOURCES[source].file} on the line the README names`, async () => {
      const readme = await readFile(join(FIXTURES, 'README.md'), 'utf8');
      const listed = new RegExp(String.raw`\| \`${SOURCES[source].excerpt}\` \| \`${SOURCES[source].file}\` \| ([0-9–, ]+) \|`).exec(readme)?.[1];
      assert.ok(listed, 'the README lists the excerpt and its lines');
      const [excerpt, real] = [await readExcerpt(source), await readReal(source)];
      assert.deepEqual(excerpt.headers, real.headers);
      assert.equal(excerpt.encoding, real.encoding);
      assert.equal(excerpt.preambleLines, real.preambleLines);
      // The listed lines (e.g. "1–4, 8") hold the preamble, the header and the rows: the real rows starting on them.
      const lines = new Set(listed.split(', ').flatMap((range) => {
        const [from, to = from] = range.split('–').map(Number);
        return Array.from({ length: to - from + 1 }, (_, i) => from + i);
      }));
      const realRows = real.rows.filter((r) => lines.has(r.line));
      assert.equal(excerpt.rows.length, realRows.length, 'one excerpt row for each real row on the listed lines');
      excerpt.rows.forEach((row, i) => assert.deepEqual(row.cells, realRows[i].cells, `excerpt line ${row.line}, source line ${realRows[i].line}`));
    });
  }

  it('keeps the ECR excerpt\'s quirky cells as published', async () => {
    const ecr = await readExcerpt('ecr');
    assert.deepEqual(
      ecr.rows.map((r) => [r.line, r.cell('Export MPAN / MSID')]),
      [[2, '1050001044651'], [3, '1023470462707'], [4, '1900091523125'], [5, '1050001458340'], [6, '10300004967319'], [7, 'Data not available'], [8, '0'], [9, 'Data not available']],
    );
    assert.equal(ecr.rows[3].cell('Bulk Supply Point'), '-');
    assert.equal(ecr.rows[4].cell('Country'), '0');
    assert.equal(ecr.rows[7].cell('Flexible Connection (Yes/No)'), 'To Be Confirmed');
  });

  it('numbers the REPD excerpt\'s rows by their first line and trims no-break spaces only at the ends of cells', async () => {
    const repd = await readExcerpt('repd');
    assert.deepEqual(repd.rows.map((r) => r.line), [2, 7, 8, 9, 12, 13, 14, 15, 16]);
    const cirrus = repd.rows[4];
    assert.equal(cirrus.cell('Site Name'), 'Cirrus Shell Flat\u00a0Array');
    assert.equal(cirrus.cell('Address'), '7km Cleveleys', 'the trailing 0xA0 is trimmed');
    assert.equal(cirrus.cells.Address, '7km Cleveleys');
  });

  it('reads the REPD excerpt the same when told it is Windows-1252, and refuses it when told it is UTF-8, naming the line', async () => {
    const bytes = await readFile(join(FIXTURES, SOURCES.repd.excerpt));
    const told = readTabularFile(bytes, { encoding: 'windows-1252', headerColumns: ['Ref ID'], sourceName: 'repd' });
    assert.deepEqual(told.rows.map((r) => r.cells), (await readExcerpt('repd')).rows.map((r) => r.cells));
    const error = readError(bytes, { encoding: 'utf-8', headerColumns: ['Ref ID'], sourceName: 'repd.csv' });
    assert.equal(error.line, 8, 'the first byte that is not UTF-8 is the 0x92 of "Ratty’s Lane" on line 8');
    assert.match(error.message, /^repd\.csv, line 8: .*not valid UTF-8/);
  });
});

describe('readTabularFile on crafted files (not from a published file)', () => {
  it('matches headers with line breaks and trailing spaces inside, as ENA ECR dialects publish them, by their clean names', () => {
    const file = readText('"Export MPAN /\r\nMSID","Energy Source & Energy Conversion Technology 1 -\r\nRegistered Capacity (MW) ",Licence Area \r\n1014569292506,6.0,EPN\r\n', {
      headerColumns: ['Export MPAN / MSID', 'Licence Area'],
    });
    assert.deepEqual(file.headers, ['Export MPAN / MSID', 'Energy Source & Energy Conversion Technology 1 - Registered Capacity (MW)', 'Licence Area']);
    assert.equal(file.rows[0].cell('Energy Source & Energy Conversion Technology 1 - Registered Capacity (MW)'), '6.0');
    assert.equal(file.rows[0].line, 4, 'the header spans lines 1 to 3');
  });

  it('reads CRLF and LF alike, trims cells and skips empty and space-only lines without counting them as rows', () => {
    const crlf = readText('id,name\r\n\r\n1, Alpha \r\n   \r\n2,"Be\r\nta"\r\n\r\n');
    const lf = readText('id,name\n\n1, Alpha \n   \n2,"Be\nta"\n\n');
    for (const file of [crlf, lf]) {
      assert.deepEqual(file.rows.map((r) => [r.row, r.line, r.cell('id'), r.cell('name')]), [[1, 3, '1', 'Alpha'], [2, 5, '2', 'Be\nta']]);
    }
  });

  it('takes the first line with all the header columns as the header; lines before it are preamble', () => {
    const file = readText('Report of units, run 2022-06-01\n\nnote,id\nid,name,note\n1,a,x\n', { headerColumns: ['id', 'name'] });
    assert.equal(file.preambleLines, 3);
    assert.deepEqual(file.headers, ['id', 'name', 'note']);
    assert.deepEqual(file.rows.map((r) => r.line), [5]);
  });

  it('refuses a file without the header row, naming the columns it looked for', () => {
    const error = readError('code,name\n1,a\n', { headerColumns: ['BM Unit ID', 'Party ID'] });
    assert.equal(error.line, undefined);
    assert.equal(error.message, 'crafted.csv: no header row: no line has all of the columns "BM Unit ID", "Party ID"');
  });

  it('refuses a row with more or fewer fields than the header, naming the source and the line it starts on', () => {
    const short = readError('id,name\r\n1,"two\r\nlines"\r\n2\r\n');
    assert.equal(short.line, 4);
    assert.equal(short.message, 'crafted.csv, line 4: 1 fields where the header (line 1) has 2');
    assert.equal(readError('id,name\n1,a,extra\n').line, 2);
    assert.equal(readError('id,name\n1,a,\n').line, 2, 'a trailing comma is a field');
  });

  it('refuses malformed quoting, naming the line the record starts on', () => {
    assert.equal(readError('id,name\n1,a\n2,b"c\n').line, 3);
    const unclosed = readError('id,name\n1,a\n2,"open\n3,c\n');
    assert.equal(unclosed.line, 3);
    assert.match(unclosed.message, /^crafted\.csv, line 3: the record starting on this line is not valid CSV/);
  });

  it('refuses two columns with one normalised name, which would make cell() ambiguous', () => {
    const error = readError('id,Name,NAME \n1,a,b\n');
    assert.equal(error.message, 'crafted.csv, line 1: columns 2 and 3 have the same header "NAME"');
  });

  it('decodes Windows-1252 bytes 0x80-0x9F as Windows-1252, not Latin-1, and detects the encoding', () => {
    const bytes = Buffer.concat([Buffer.from('id,name\n1,'), Buffer.from([0x80, 0x20, 0x93, 0x71, 0x94, 0x20, 0x9f, 0x20, 0xa3, 0x35, 0x20, 0xe9]), Buffer.from('\n')]);
    const file = readText(bytes);
    assert.equal(file.encoding, 'windows-1252');
    assert.equal(file.rows[0].cell('name'), '\u20ac \u201cq\u201d \u0178 \u00a35 \u00e9');
    assert.equal(readText(Buffer.from('id,name\n1,\u00a35 \u2019\n', 'utf8')).rows[0].cell('name'), '\u00a35 \u2019', 'valid UTF-8 stays UTF-8');
    assert.equal(readText(Buffer.from('\uFEFFid,name\n1,a\n', 'utf8')).headers[0], 'id');
  });

  it('refuses UTF-16, which would otherwise decode as Windows-1252 nonsense', () => {
    const error = readError(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,name\n', 'utf16le')]));
    assert.match(error.message, /UTF-16/);
  });
});

describe('TabularRow.value', () => {
  it('is the cell, except that a placeholder is no value', () => {
    const file = readTabularFile(Buffer.from('Name,MPAN,Missing\r\nSite A,Data not available,x\r\nSite B, 1050000669539 ,\r\n'), { headerColumns: ['Name', 'MPAN'], sourceName: 'crafted.csv' });
    assert.deepEqual(file.rows.map((r) => [r.value('Name'), r.value('MPAN'), r.cell('MPAN')]), [['Site A', undefined, 'Data not available'], ['Site B', '1050000669539', '1050000669539']]);
    assert.equal(file.rows[0].value('Not a column'), undefined);
  });
});
