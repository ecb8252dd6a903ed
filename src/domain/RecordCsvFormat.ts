import type { ModelQueries } from '../ontology/modelQueries.js';
import type { PropertyInfo } from '../ontology/OntologyModel.js';
import { XSD } from '../rdf/namespaces.js';
import type { InvalidRecordResult } from './errors.js';

/**
 * The CSV form of a record kind (UC-02.05 export, bulk registration): one row per record, one column per
 * property of the class in the ontology's display order (`fmarann:order`), headed by the property's label
 * (`rdfs:label`). A cell holds what the record's JSON-LD view holds: codes as codes (`BESS`), links as record
 * IDs (or full IRIs when they are not this registry's records), numbers and dates as written, booleans as
 * `true`/`false`. A multi-valued property joins its values with `|`, escaping `\` and `|` inside a value as
 * `\\` and `\|`. An empty cell is an absent value. docs/bulk-and-export.md describes the format.
 *
 * Reading, a header cell may be the column's header, the property's label (any case and spacing) or its JSON
 * name; the column `rowKey` carries the client's row key of a bulk upload. Columns of fields the registry
 * assigns (IDs, status, dates, version, responsible FSP) are read but ignored, so that an export can be sent
 * back as it is.
 */
export const MULTI_VALUE_SEPARATOR = '|';
export const ROW_KEY_COLUMN = 'rowKey';

export interface CsvColumn {
  header: string;
  jsonName: string;
  multiValued: boolean;
  /** How a cell becomes a JSON value: booleans and integers are typed, everything else stays text. */
  valueType: 'boolean' | 'integer' | 'text';
  systemAssigned: boolean;
}

/** The columns of an uploaded file, in file order: a property column, the row key, or ignored (system-assigned). */
export type CsvHeaderMapping = ({ kind: 'property'; column: CsvColumn } | { kind: 'rowKey' } | { kind: 'ignored'; column: CsvColumn })[];

/** A record read from a CSV row: its JSON body, the client's row key, and what could not be read. */
export interface CsvRecord {
  body: Record<string, unknown>;
  rowKey?: string;
  errors: InvalidRecordResult[];
}

/** The header row cannot be read as the columns of the kind: nothing of the file is used. */
export class CsvHeaderError extends Error {
  constructor(message: string, readonly problems: { column: number; header: string; message: string }[]) {
    super(message);
    this.name = 'CsvHeaderError';
  }
}

export class RecordCsvFormat {
  readonly columns: CsvColumn[];
  private readonly byName = new Map<string, CsvColumn>();

  constructor(model: ModelQueries, classIri: string) {
    const properties = [...model.propertiesOf(classIri)].sort((a, b) => a.order - b.order);
    const labelCount = new Map<string, number>();
    for (const p of properties) labelCount.set(normalise(p.label), (labelCount.get(normalise(p.label)) ?? 0) + 1);
    this.columns = properties.map((p) => ({
      // A label two properties share would make the column ambiguous: those columns add the JSON name.
      header: labelCount.get(normalise(p.label))! > 1 ? `${p.label} (${p.jsonName})` : p.label,
      jsonName: p.jsonName,
      multiValued: !p.functional,
      valueType: valueTypeOf(p),
      systemAssigned: p.systemAssigned,
    }));
    // A header cell may name the column by its header, by the property's label (when no other property shares it) or by its JSON name.
    properties.forEach((p, i) => {
      const names = [this.columns[i].header, p.jsonName, ...(labelCount.get(normalise(p.label)) === 1 ? [p.label] : [])];
      for (const name of names) this.byName.set(normalise(name), this.columns[i]);
    });
  }

  header(): string[] {
    return this.columns.map((c) => c.header);
  }

  /** The cells of one record, from its compact JSON-LD view (values as strings, numbers or booleans; arrays for sets). */
  cells(json: Record<string, unknown>): string[] {
    return this.columns.map((c) => {
      const value = json[c.jsonName];
      if (value === undefined || value === null) return '';
      const values = (Array.isArray(value) ? value : [value]).map((v) => String(v));
      return c.multiValued || values.length > 1 ? joinValues(values) : values[0];
    });
  }

  /** Maps the header row of an upload to columns; unknown, repeated or empty headers refuse the file. */
  readHeader(cells: string[]): CsvHeaderMapping {
    const problems: { column: number; header: string; message: string }[] = [];
    const firstColumnOf = new Map<string, number>();
    const mapping: CsvHeaderMapping = [];
    cells.forEach((cell, i) => {
      const name = normalise(cell);
      const column = this.byName.get(name);
      const field = name === normalise(ROW_KEY_COLUMN) ? ROW_KEY_COLUMN : column?.jsonName;
      if (!name) problems.push({ column: i + 1, header: cell, message: 'the column has no header' });
      else if (!field) problems.push({ column: i + 1, header: cell, message: "no such field: use the export's headers, the fields' labels or their JSON names" });
      else if (firstColumnOf.has(field)) problems.push({ column: i + 1, header: cell, message: `the same field as column ${firstColumnOf.get(field)}` });
      else firstColumnOf.set(field, i + 1);
      if (field === ROW_KEY_COLUMN) mapping.push({ kind: 'rowKey' });
      else if (column) mapping.push({ kind: column.systemAssigned ? 'ignored' : 'property', column });
    });
    if (problems.length) throw new CsvHeaderError(`the CSV header does not match the columns of the export (${problems.map((p) => `column ${p.column} "${p.header}": ${p.message}`).join('; ')})`, problems);
    return mapping;
  }

  /** A record body from one data row, read with the file's header mapping. */
  record(mapping: CsvHeaderMapping, cells: string[]): CsvRecord {
    const errors: InvalidRecordResult[] = [];
    if (cells.length !== mapping.length) {
      errors.push({ severity: 'Violation', message: `the row has ${cells.length} cells where the header has ${mapping.length} columns` });
      return { body: {}, errors };
    }
    const body: Record<string, unknown> = {};
    let rowKey: string | undefined;
    mapping.forEach((m, i) => {
      const cell = cells[i];
      if (cell === '') return;
      if (m.kind === 'rowKey') rowKey = cell;
      if (m.kind !== 'property') return;
      const { column } = m;
      const values = column.multiValued ? splitValues(cell) : [cell];
      const typed = values.map((v) => typedValue(v, column.valueType));
      body[column.jsonName] = column.multiValued ? typed : typed[0];
    });
    return { body, ...(rowKey !== undefined ? { rowKey } : {}), errors };
  }
}

/** Joins values with `|`, escaping `\` and `|` inside them. */
export function joinValues(values: string[]): string {
  return values.map((v) => v.replace(/[\\|]/g, (c) => `\\${c}`)).join(MULTI_VALUE_SEPARATOR);
}

/** The inverse of joinValues: splits on unescaped `|` and removes the escapes. */
export function splitValues(cell: string): string[] {
  const values: string[] = [];
  let current = '';
  for (let i = 0; i < cell.length; i++) {
    const c = cell[i];
    if (c === '\\' && i + 1 < cell.length) current += cell[++i];
    else if (c === MULTI_VALUE_SEPARATOR) {
      values.push(current);
      current = '';
    } else current += c;
  }
  values.push(current);
  return values;
}

function valueTypeOf(p: PropertyInfo): CsvColumn['valueType'] {
  if (p.range === `${XSD}boolean`) return 'boolean';
  if (p.range === `${XSD}integer`) return 'integer';
  // Decimals stay text: the body schema takes decimal strings ("7.50") and keeps them as written.
  return 'text';
}

/** A cell as the JSON value the body schema expects; what does not read as its type is left as text for the schema to name. */
function typedValue(cell: string, type: CsvColumn['valueType']): unknown {
  if (type === 'boolean' && (cell === 'true' || cell === 'false')) return cell === 'true';
  if (type === 'integer' && /^-?[0-9]{1,15}$/.test(cell)) return Number(cell);
  return cell;
}

function normalise(header: string): string {
  return header.trim().replace(/\s+/g, ' ').toLowerCase();
}
