import { expectedCheckDigit, hasValidCheckDigit, isMpanCore } from '../domain/authenticity/mpan.js';

/**
 * Cell-level parsing shared by the `fmar import` importers (issue #9). Each parser takes a cell as published
 * (see tabularFile.ts) and answers with a value, with a problem for the import report, or with absent: it never
 * guesses silently. "The data README" below is ../shared/data/gb/README.md.
 */

/**
 * Placeholders published files use for "no value" (case-insensitive, trimmed, inner spaces collapsed): "Data not
 * available", "Data not applicable", "Not applicable", "Not available", "N/A", "NA", "TBC", "To be confirmed", "-"
 * and "". Undefined (a column the file lacks) is no value too.
 */
export function isNoValue(text: string | undefined): boolean {
  return text === undefined || NO_VALUE.has(text.trim().replace(/\s+/g, ' ').toLowerCase());
}

const NO_VALUE = new Set([
  '',
  // The ENA ECR sentinels (ecr_enumerations.json, sentinels_seen_in_real_files); the UKPN ECR has "Data not available"
  // in 673 Export MPAN cells and "To Be Confirmed" in Flexible Connection (the data README, file 1).
  'data not available',
  'data not applicable',
  'not applicable',
  'to be confirmed',
  'tbc',
  'n/a',
  // "-": 382 Bulk Supply Point cells of the UKPN ECR.
  '-',
  // "NA" (an R export's missing value) and "Not Available": the UKPN grid and primary sites file (file 2), e.g.
  // YearCommissioned is "NA" in all 1,500 rows and reversepower is "Not Available" in 26.
  'na',
  'not available',
]);

/** A parsed cell: its value, a problem to report (naming the text), or absent (empty or a no-value placeholder). */
export type Parsed<T> = { value: T } | { problem: string } | { absent: true };

const ABSENT = { absent: true } as const;

/**
 * A date as published → ISO yyyy-mm-dd. Formats read:
 * - yyyy-mm-dd, optionally with a time after "T" or a space: hh:mm, hh:mm:ss or hh:mm:ss.fff, then optionally Z,
 *   ±hh:mm or ±hhmm (UKPN ECR, grid sites, Elexon fuel types "2001-03-27 00:00:00", dispatches
 *   "2025-06-23T15:00:00+01:00" and "2025-06-23 14:00:00+00:00");
 * - dd/mm/yyyy and dd-mm-yyyy, day and month of one or two digits, optionally followed by hh:mm or hh:mm:ss (REPD);
 * - dd/mm/yy and dd-mm-yy (Elexon BM units "01/06/22"): two-digit years 00-69 are 2000-2069, 70-99 are 1970-1999;
 * - d Month yyyy, dd-Mon-yyyy and dd-Mon-yy, English month names or three-letter abbreviations (and "Sept").
 *
 * Numeric dates are read day first, as GB publishers write them (the REPD's header says "dd/mm/yyyy"); a US
 * mm/dd date is read wrongly when its day is 12 or less, and is a problem otherwise. The date returned is the
 * calendar date as written: a time and an offset are checked, then dropped, not converted to UTC. Dates that are
 * not on the calendar (31/02/2020) and times that are not on the clock (25:00) are problems.
 */
export function parseDate(text: string | undefined): Parsed<string> {
  if (isNoValue(text)) return ABSENT;
  const published = text!.trim();
  const iso = ISO_DATE.exec(published);
  if (iso) return calendarDate(published, Number(iso[1]), Number(iso[2]), Number(iso[3]), iso.slice(4, 8));
  const numeric = DAY_FIRST_DATE.exec(published);
  if (numeric) return calendarDate(published, fullYear(numeric[4]), Number(numeric[3]), Number(numeric[1]), [numeric[5], numeric[6], numeric[7], undefined]);
  const named = NAMED_MONTH_DATE.exec(published);
  if (named) {
    const month = MONTHS.get(named[3].toLowerCase());
    if (month === undefined) return { problem: `"${published}" is not a date: "${named[3]}" is not an English month name` };
    return calendarDate(published, fullYear(named[4]), month, Number(named[1]), [undefined, undefined, undefined, undefined]);
  }
  if (TIME_ONLY.test(published)) return { problem: `"${published}" is a time of day without a date` };
  return { problem: `"${published}" is not a date in a known format (yyyy-mm-dd, dd/mm/yyyy, dd/mm/yy, dd-mm-yyyy, d Month yyyy, dd-Mon-yy)` };
}

const TIME = String.raw`(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?`;
const ZONE = String.raw`(Z|[+-]\d{2}:?\d{2})`;
const ISO_DATE = new RegExp(String.raw`^(\d{4})-(\d{2})-(\d{2})(?:[T ]${TIME}${ZONE}?)?$`);
const DAY_FIRST_DATE = new RegExp(String.raw`^(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T]${TIME})?$`);
const NAMED_MONTH_DATE = /^(\d{1,2})([ -])([A-Za-z]+)\.?\2(\d{4}|\d{2})$/;
const TIME_ONLY = new RegExp(String.raw`^${TIME}${ZONE}?$`);

const MONTHS = new Map<string, number>(
  ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'].flatMap((name, i) => [
    [name, i + 1],
    [name.slice(0, 3), i + 1],
  ]),
);
MONTHS.set('sept', 9);

/** Two-digit years: 00-69 → 20xx, 70-99 → 19xx (issue #9). The only ones in the real files are the Elexon BM unit report's "22" (the data README, file 4). */
function fullYear(digits: string): number {
  if (digits.length === 4) return Number(digits);
  const yy = Number(digits);
  return yy < 70 ? 2000 + yy : 1900 + yy;
}

function calendarDate(published: string, year: number, month: number, day: number, [hours, minutes, seconds, zone]: (string | undefined)[]): Parsed<string> {
  if (month < 1 || month > 12) return { problem: `"${published}" is not a date: there is no month ${month}` };
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return { problem: `"${published}" is not a date: month ${month} of ${year} has ${days} days` };
  if (hours !== undefined && (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds ?? 0) > 59)) return { problem: `"${published}" has a time that is not on the clock` };
  if (zone !== undefined && zone !== 'Z') {
    const [, zh, zm] = /^[+-](\d{2}):?(\d{2})$/.exec(zone)!;
    if (Number(zh) > 23 || Number(zm) > 59) return { problem: `"${published}" has an offset that is not one (${zone})` };
  }
  return { value: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * A decimal number cell, exact text normalised: thousands separators, a plus sign, leading zeros and trailing
 * fraction zeros dropped ("1,200.50" → "1200.5", "6.0" → "6", "-.0132632" → "-0.0132632" as Elexon writes TLFs,
 * "-0" → "0"). Commas must group digits in threes ("1,20" is a problem: it may be a decimal comma). No floating
 * point is involved, so no digit is lost.
 */
export function parseDecimal(text: string | undefined): Parsed<string> {
  if (isNoValue(text)) return ABSENT;
  const published = text!.trim();
  const m = DECIMAL.exec(published);
  if (!m || !/\d/.test(`${m[2]}${m[3] ?? ''}`)) return { problem: `"${published}" is not a decimal number` };
  const whole = m[2].replace(/,/g, '').replace(/^0+/, '') || '0';
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const magnitude = fraction ? `${whole}.${fraction}` : whole;
  return { value: m[1] === '-' && magnitude !== '0' ? `-${magnitude}` : magnitude };
}

const DECIMAL = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?$/;

/**
 * MW as published (decimal text, thousands separators and surrounding spaces allowed) → kW as exact decimal text,
 * by moving the decimal point: "1.2345" → "1234.5", "0.0001" → "0.1", "6.0" → "6000". Placeholders ("-", "Data not
 * available", …) are absent; negative or non-numeric values are problems (a capacity is not negative: the Elexon
 * report's negative DC, demand capacity, is to be read with parseDecimal).
 */
export function megawattsToKilowatts(text: string | undefined): Parsed<string> {
  const megawatts = parseDecimal(text);
  if (!('value' in megawatts)) return megawatts;
  if (megawatts.value.startsWith('-')) return { problem: `"${text!.trim()}" MW is negative` };
  const [whole, fraction = ''] = megawatts.value.split('.');
  const kilowatts = `${whole}${fraction.padEnd(3, '0').slice(0, 3)}`.replace(/^0+(?=\d)/, '');
  const rest = fraction.slice(3);
  return { value: rest ? `${kilowatts}.${rest}` : kilowatts };
}

/**
 * An MPAN cell: one or more MPAN cores separated by "/", ",", ";", "&", " and " or whitespace. Returns the
 * 13-digit cores with a right check digit (mpan.ts), each once, in order; everything else in the cell is a problem
 * naming it: a wrong digit count ("10300004967319", "0": both in the UKPN ECR, the data README), a wrong check
 * digit, or text that is not digits. A placeholder cell ("Data not available") gives neither.
 */
export function parseMpans(text: string | undefined): { mpans: string[]; problems: string[] } {
  const mpans: string[] = [];
  const problems: string[] = [];
  if (isNoValue(text)) return { mpans, problems };
  // Separators first, so that a placeholder beside an MPAN ("… / Data not available") is seen whole; then spaces.
  const tokens = text!.trim().split(MPAN_SEPARATOR).filter((part) => !isNoValue(part)).flatMap((part) => part.trim().split(/\s+/));
  for (const token of tokens) {
    if (!/^\d+$/.test(token)) problems.push(`"${token}" is not an MPAN core (13 digits)`);
    else if (!isMpanCore(token)) problems.push(`${token} has ${token.length} digit${token.length === 1 ? '' : 's'}; an MPAN core has 13`);
    else if (!hasValidCheckDigit(token)) problems.push(`${token} has the wrong check digit (${token[12]}; its first twelve digits call for ${expectedCheckDigit(token)})`);
    else if (!mpans.includes(token)) mpans.push(token);
  }
  return { mpans, problems };
}

/** Between MPANs in one cell; whitespace separates too, after these (see parseMpans). */
const MPAN_SEPARATOR = /\s+and\s+|[/,;&]/i;

/**
 * A yes/no flag: Yes, Y, True, T, 1 and No, N, False, F, 0, case-insensitive (T and F are the Elexon BM unit
 * report's flags, e.g. "Exempt Export Flag"; REPD writes "yes" and "No "). Placeholders ("To Be Confirmed", "") are
 * absent; anything else is a problem.
 */
export function parseYesNo(text: string | undefined): Parsed<boolean> {
  if (isNoValue(text)) return ABSENT;
  const published = text!.trim();
  const flag = YES_NO.get(published.toLowerCase());
  return flag === undefined ? { problem: `"${published}" is not yes or no` } : { value: flag };
}

const YES_NO = new Map<string, boolean>([
  ...['yes', 'y', 'true', 't', '1'].map((v) => [v, true] as const),
  ...['no', 'n', 'false', 'f', '0'].map((v) => [v, false] as const),
]);

/** Exact sum of non-negative decimal texts. */
export function sumDecimals(values: string[]): string {
  const scale = Math.max(...values.map((v) => v.split('.')[1]?.length ?? 0));
  const total = values.reduce((sum, v) => {
    const [whole, fraction = ''] = v.split('.');
    return sum + BigInt(whole + fraction.padEnd(scale, '0'));
  }, 0n);
  const digits = total.toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}
