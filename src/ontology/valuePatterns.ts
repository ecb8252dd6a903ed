import { XSD } from '../rdf/namespaces.js';
import type { PropertyInfo } from './OntologyModel.js';

/**
 * Lexical rules that follow from a datatype rather than from one property, shared by the SHACL and JSON
 * Schema generators so that both accept exactly the same values.
 */

/** A real Gregorian calendar date in YYYY-MM-DD form (leap years included); the table's regex ^\d{4}-\d{2}-\d{2}$ allows 2025-02-30. */
export const CALENDAR_DATE_PATTERN =
  '^([0-9]{4}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))|([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)-02-29)$';

/** Text without control characters (single-line fields). */
export const SINGLE_LINE_TEXT_PATTERN = '^[^\\u0000-\\u001F\\u007F]*$';
/** Text without control characters other than tab, line feed and carriage return. */
export const MULTI_LINE_TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$';

/** A plain decimal with at most `places` decimals: no sign unless negatives are allowed, no exponent, no unit, no thousands separator. */
export function decimalPattern(places: number, allowNegative: boolean): string {
  return `^${allowNegative ? '-?' : ''}[0-9]+(\\.[0-9]{1,${places}})?$`;
}

export function allowsNegative(p: PropertyInfo): boolean {
  return !((p.minInclusive !== undefined && p.minInclusive >= 0) || (p.minExclusive !== undefined && p.minExclusive >= 0));
}

/** How the datatype is named to a person who sent the wrong kind of value. */
export function describeDatatype(datatype: string): string {
  switch (datatype) {
    case `${XSD}string`: return 'text (a plain string without a language tag)';
    case `${XSD}decimal`: return 'a decimal number (xsd:decimal)';
    case `${XSD}integer`: return 'a whole number (xsd:integer)';
    case `${XSD}boolean`: return 'true or false (xsd:boolean)';
    case `${XSD}date`: return 'a date in YYYY-MM-DD form (xsd:date)';
    case `${XSD}dateTime`: return 'a date and time with time zone, e.g. 2026-01-31T09:30:00Z (xsd:dateTime)';
    case `${XSD}anyURI`: return 'a URL (xsd:anyURI)';
    default: return `a value of type <${datatype}>`;
  }
}
