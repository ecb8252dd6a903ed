import { parse } from 'csv-parse/sync';
import { isNoValue } from './cellValues.js';

/**
 * A published CSV file read as a table of trimmed text cells, whatever its encoding, line ends and preamble: the
 * first step of `fmar import` (issue #9). Values are not interpreted here (see cellValues.ts); only the file's shape
 * is checked: every data row has as many fields as the header.
 *
 * The quirks handled are those of the real GB files (../shared/data/gb/README.md, "the data README" below): UTF-8
 * with and without a byte order mark, Windows-1252 (the REPD), CRLF and LF line ends, quoted fields spanning lines
 * (the REPD), title lines before the header (the Elexon BM unit report) and headers with stray spaces or line breaks.
 */

/** The character encodings the published files come in (the data README: UTF-8, with or without BOM, and Windows-1252). */
export type SourceEncoding = 'utf-8' | 'windows-1252';

/** One data row of a tabular file. */
export interface TabularRow {
  /** 1 for the first data row. */
  row: number;
  /** Line of the file the record starts on (1-based; fields may span lines). */
  line: number;
  /** The cell of a column, trimmed; undefined when the column is not in the file. Column names are matched with normaliseHeader. */
  cell(column: string): string | undefined;
  /**
   * The cell as a value: undefined also when it holds a placeholder ("Data not available", "N/A"...:
   * cellValues.isNoValue); control characters (a tab inside an ECR site name, line breaks inside a quoted field) become
   * one space, as the registry's text fields allow none (the generated shapes).
   */
  value(column: string): string | undefined;
  /** All cells, by published header (cleaned), trimmed, for reports. */
  cells: Record<string, string>;
}

/** A published file read as headers and rows of text cells. */
export interface TabularFile {
  /** The name given in the options, for messages. */
  sourceName: string;
  /** Published headers, cleaned (BOM removed, line breaks and runs of spaces collapsed, trimmed). */
  headers: string[];
  encoding: SourceEncoding;
  /** Lines before the header (e.g. the Elexon BM unit report's title line and blank line). */
  preambleLines: number;
  rows: TabularRow[];
  /** Whether the file has a column (normaliseHeader comparison). */
  has(column: string): boolean;
}

/** How to read a tabular file. */
export interface ReadTabularOptions {
  /** 'auto' (default): UTF-8 unless the bytes are not valid UTF-8, then Windows-1252. */
  encoding?: SourceEncoding | 'auto';
  /** Columns that identify the header row: the first line having all of them is the header; lines before it are preamble. */
  headerColumns: string[];
  /** Name for error messages. */
  sourceName: string;
}

/** A file that cannot be read as a table; the message names the source and, where there is one, the line. */
export class TabularFileError extends Error {
  constructor(
    readonly sourceName: string,
    /** Line of the file the fault is on (1-based), when it is on one. */
    readonly line: number | undefined,
    detail: string,
  ) {
    super(line === undefined ? `${sourceName}: ${detail}` : `${sourceName}, line ${line}: ${detail}`);
    this.name = 'TabularFileError';
  }
}

/** A header as compared: BOM off, whitespace (line breaks included) collapsed to one space, trimmed, lower-cased. */
export function normaliseHeader(header: string): string {
  return cleanHeader(header).toLowerCase();
}

/**
 * Reads the bytes of a published CSV file. Line numbers count line feeds (CRLF is one line end); a lone CR, which
 * the REPD has inside quoted addresses, is kept in the field and does not start a line. Line breaks inside fields
 * are returned as LF. Lines that are empty or hold only spaces are skipped.
 *
 * @throws TabularFileError when the bytes are not in the encoding asked for, the header row is missing, two headers
 *   are the same column, a quote is malformed or a row's field count differs from the header's.
 */
export function readTabularFile(bytes: Buffer, options: ReadTabularOptions): TabularFile {
  const { sourceName } = options;
  const { text, encoding } = decode(bytes, options.encoding ?? 'auto', sourceName);
  const records = parseRecords(text, sourceName);

  const wanted = options.headerColumns.map(normaliseHeader);
  const headerIndex = records.findIndex((r) => !r.blank && hasAll(r.fields.map(normaliseHeader), wanted));
  if (headerIndex < 0) {
    throw new TabularFileError(sourceName, undefined, `no header row: no line has all of the columns ${options.headerColumns.map((c) => JSON.stringify(c)).join(', ')}`);
  }
  const header = records[headerIndex];
  const headers = header.fields.map(cleanHeader);
  const columnIndex = indexColumns(headers, sourceName, header.line);

  const rows: TabularRow[] = [];
  for (const record of records.slice(headerIndex + 1)) {
    if (record.blank) continue;
    if (record.fields.length !== headers.length) {
      throw new TabularFileError(sourceName, record.line, `${record.fields.length} fields where the header (line ${header.line}) has ${headers.length}`);
    }
    rows.push(new Row(rows.length + 1, record.line, record.fields.map((f) => f.trim()), headers, columnIndex));
  }
  return {
    sourceName,
    headers,
    encoding,
    preambleLines: header.line - 1,
    rows,
    has: (column: string) => columnIndex.has(normaliseHeader(column)),
  };
}

class Row implements TabularRow {
  readonly cells: Record<string, string>;

  constructor(
    readonly row: number,
    readonly line: number,
    private readonly values: string[],
    headers: string[],
    private readonly columnIndex: Map<string, number>,
  ) {
    this.cells = Object.fromEntries(headers.map((h, i) => [h, values[i]]));
  }

  cell(column: string): string | undefined {
    const index = this.columnIndex.get(normaliseHeader(column));
    return index === undefined ? undefined : this.values[index];
  }

  value(column: string): string | undefined {
    const text = this.cell(column);
    // A control character, with the spaces around it, becomes one space; other spacing stays as published.
    // eslint-disable-next-line no-control-regex
    return text === undefined || isNoValue(text) ? undefined : text.replace(/ *[\u0000-\u001f\u007f]+ */g, ' ');
  }
}

/** A header as published minus its accidents: BOM, line breaks and runs of spaces (ENA ECR dialects; the Elexon report's " Manual Credit Qualifying Flag"). */
function cleanHeader(header: string): string {
  return header.replace(/^\uFEFF/, '').replace(/\s+/g, ' ').trim();
}

function hasAll(fields: string[], wanted: string[]): boolean {
  const present = new Set(fields);
  return wanted.every((w) => present.has(w));
}

/** Normalised header -> column index; two columns with one normalised name would make cell() ambiguous. */
function indexColumns(headers: string[], sourceName: string, line: number): Map<string, number> {
  const index = new Map<string, number>();
  headers.forEach((h, i) => {
    const key = normaliseHeader(h);
    const earlier = index.get(key);
    if (earlier !== undefined) throw new TabularFileError(sourceName, line, `columns ${earlier + 1} and ${i + 1} have the same header "${h}"`);
    index.set(key, i);
  });
  return index;
}

interface CsvRecord {
  fields: string[];
  /** Line the record starts on. */
  line: number;
  /** An empty line, or one of spaces only (the second line of the Elexon BM unit report is a single space). */
  blank: boolean;
}

function parseRecords(text: string, sourceName: string): CsvRecord[] {
  // Line numbers are counted here, from each record's raw text, not taken from csv-parse's info.lines: csv-parse 7
  // counts a CRLF inside a quoted field as two lines and a lone CR as one, so its numbers drift after each
  // multi-line REPD address (the data README: "CRLF, with some multi-line quoted fields"; the file has 263 lone CRs).
  // Nothing is skipped while parsing and the raw texts join up to the whole text, so a record starts one line after
  // the line feeds of all the records before it.
  const records: CsvRecord[] = [];
  let nextLine = 1;
  try {
    parse(text.replace(/\r\n/g, '\n'), {
      record_delimiter: '\n',
      relax_column_count: true,
      skip_empty_lines: false,
      raw: true,
      // With raw: true each record comes as { record, raw } (the typings say string[]).
      on_record: (parsed: unknown) => {
        const { record, raw } = parsed as { record: string[]; raw: string };
        records.push({ fields: record, line: nextLine, blank: record.length === 1 && record[0].trim() === '' });
        nextLine += raw.split('\n').length - 1;
        return null;
      },
    });
  } catch (error) {
    throw new TabularFileError(sourceName, nextLine, `the record starting on this line is not valid CSV (${(error as Error).message})`);
  }
  return records;
}

function decode(bytes: Buffer, asked: SourceEncoding | 'auto', sourceName: string): { text: string; encoding: SourceEncoding } {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new TabularFileError(sourceName, undefined, 'the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8 CSV');
  }
  if (asked === 'windows-1252') return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  try {
    // The decoder drops a leading BOM (UKPN files have one, the data README).
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    if (asked === 'auto') return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
    throw new TabularFileError(sourceName, firstLineNotUtf8(bytes), 'the bytes are not valid UTF-8 (is the file Windows-1252?)');
  }
}

/** Line of the first byte sequence that is not UTF-8; LF bytes never occur inside a UTF-8 sequence, so lines can be checked one by one. */
function firstLineNotUtf8(bytes: Buffer): number | undefined {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end < 0 ? bytes.length : end;
    try {
      strict.decode(bytes.subarray(start, stop));
    } catch {
      return line;
    }
    start = stop + 1;
  }
  return undefined;
}

/**
 * Bytes 0x80-0x9F of Windows-1252 (WHATWG Encoding Standard, index-windows-1252); every other byte is the Unicode
 * code point of the same number. Decoded by hand because Node's TextDecoder('windows-1252') decodes these bytes as
 * Latin-1 (U+0080-U+009F) since Node 20.18.3 (nodejs/node#56542, #60888), which would turn the REPD's 0x92 in
 * "Ratty’s Lane" into a control character.
 */
const WINDOWS_1252_HIGH_CONTROLS = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
].map((codePoint) => String.fromCharCode(codePoint));

function decodeWindows1252(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_HIGH_CONTROLS[c.charCodeAt(0) - 0x80]);
}
