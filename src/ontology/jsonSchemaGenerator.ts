import { FMAR_CONTEXT_URL, SH, XSD } from '../rdf/namespaces.js';
import type { TurtleValue } from '../rdf/TurtleDocument.js';
import type { ClassInfo, OntologyModel, PropertyInfo, RuleInfo } from './OntologyModel.js';
import { ModelQueries } from './modelQueries.js';
import { readShapeFragment, type ShapeFragment } from './ShapeFragment.js';
import { CALENDAR_DATE_PATTERN, MULTI_LINE_TEXT_PATTERN, SINGLE_LINE_TEXT_PATTERN, allowsNegative, decimalPattern } from './valuePatterns.js';

/**
 * Generates one JSON Schema (2020-12) per record class for request bodies. The registry runs it with ajv
 * before any RDF conversion, so a malformed body fails fast with a JSON pointer; SHACL stays the
 * authority (cross-field comparisons such as genCapacity <= ratedCapacity, and rules on system-assigned
 * fields, are SHACL-only).
 * - System-assigned fields are readOnly and never required (the registry sets them).
 * - Unknown keys are refused (additionalProperties: false): JSON-LD would silently drop them.
 * - Codes are the active notations of their code list; links are a record ID or an absolute IRI.
 * - Numbers with "at most N decimals" use multipleOf 10^-N; validate with ajv's multipleOfPrecision.
 */
export type JsonSchema = Record<string, unknown>;

export const JSON_SCHEMA_BASE = 'https://w3id.org/fmar/schema/';
const RECORD_REFERENCE_PATTERN = '^([A-Za-z0-9][A-Za-z0-9._~-]{0,127}|https?://[^\\s]+)$';

export function generateJsonSchemas(model: OntologyModel): Map<string, JsonSchema> {
  const q = new ModelQueries(model);
  const schemas = new Map<string, JsonSchema>();
  for (const c of q.concreteClasses().filter((k) => k.recordPath)) schemas.set(c.name, classSchema(q, c));
  return schemas;
}

function classSchema(q: ModelQueries, c: ClassInfo): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    '@context': { const: FMAR_CONTEXT_URL, description: 'The FMAR JSON-LD context; optional for application/json bodies.' },
    '@id': { type: 'string', readOnly: true, description: 'The record IRI; assigned by the registry.' },
    '@type': { const: c.name },
  };
  const required: string[] = [];
  // Records that share a collection with a sibling class (SPU and SPG under market-units/) must say which they are.
  const needsType = c.superClasses.some((s) => Boolean(q.classOf(s).recordPath) && q.concreteSubclasses(s).length > 1);
  if (needsType) required.push('@type');
  for (const p of q.propertiesOf(c.iri)) {
    properties[p.jsonName] = propertySchema(q, p);
    if (q.isRequired(p, c.iri) && !p.systemAssigned) required.push(p.jsonName);
  }
  const rules = q.model.rules
    .filter((r) => q.lineage(c.iri).includes(r.appliesTo))
    .map((r) => ruleSchema(q, r))
    .filter((s): s is JsonSchema => s !== undefined);
  const schema: JsonSchema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${JSON_SCHEMA_BASE}${c.name}.schema.json`,
    title: c.label,
    description: c.definition,
    'x-fmar-class': c.iri,
    type: 'object',
    properties,
    required,
    additionalProperties: false,
  };
  if (rules.length) schema.allOf = rules;
  return schema;
}

function propertySchema(q: ModelQueries, p: PropertyInfo): JsonSchema {
  const value = valueSchema(q, p);
  const schema: JsonSchema = p.functional ? value : { type: 'array', items: value, uniqueItems: true, ...(p.minCount ? { minItems: p.minCount } : {}) };
  schema.title = p.label;
  schema.description = p.definition;
  schema['x-fmar-iri'] = p.iri;
  schema['x-fmar-sensitivity'] = p.sensitivity;
  if (p.unit) schema['x-fmar-unit'] = p.unit;
  if (p.elexonTerm) schema['x-fmar-elexon-term'] = p.elexonTerm;
  if (p.systemAssigned) schema.readOnly = true;
  return schema;
}

function valueSchema(q: ModelQueries, p: PropertyInfo): JsonSchema {
  if (p.codeList) return { enum: q.scheme(p.codeList).concepts.filter((k) => k.active).map((k) => k.notation) };
  if (p.kind === 'object') {
    const target = p.referencesClass ? q.classOf(p.referencesClass) : undefined;
    return target?.recordPath
      ? { type: 'string', pattern: RECORD_REFERENCE_PATTERN, maxLength: 2048, 'x-fmar-references': target.iri }
      : { type: 'string', format: 'uri', maxLength: 2048 };
  }
  const schema: JsonSchema = {};
  switch (p.range) {
    case `${XSD}decimal`:
      // A JSON number, or a decimal string where trailing zeros matter ("7.50"); bounds and multipleOf
      // apply to numbers, the pattern to strings, and SHACL checks both forms after conversion.
      schema.type = ['number', 'string'];
      if (p.maxDecimals !== undefined) {
        schema.multipleOf = Number(`1e-${p.maxDecimals}`);
        schema.pattern = decimalPattern(p.maxDecimals, allowsNegative(p));
      }
      break;
    case `${XSD}integer`: schema.type = 'integer'; break;
    case `${XSD}boolean`: schema.type = 'boolean'; break;
    case `${XSD}date`: Object.assign(schema, { type: 'string', format: 'date', pattern: CALENDAR_DATE_PATTERN }); break;
    case `${XSD}dateTime`: Object.assign(schema, { type: 'string', format: 'date-time' }); break;
    case `${XSD}anyURI`: Object.assign(schema, { type: 'string', format: 'uri' }); break;
    default: schema.type = 'string';
  }
  if (schema.type === 'string' && p.range !== `${XSD}date`) {
    schema.pattern = p.pattern ?? (p.multiline ? MULTI_LINE_TEXT_PATTERN : SINGLE_LINE_TEXT_PATTERN);
  }
  if (p.minLength !== undefined) schema.minLength = p.minLength;
  if (p.maxLength !== undefined) schema.maxLength = p.maxLength;
  if (p.minInclusive !== undefined) schema.minimum = p.minInclusive;
  if (p.minExclusive !== undefined) schema.exclusiveMinimum = p.minExclusive;
  if (p.maxInclusive !== undefined) schema.maximum = p.maxInclusive;
  return schema;
}

/**
 * A conditional rule as if/then. Parts JSON Schema cannot say (comparisons between fields) or that touch
 * system-assigned fields are left to SHACL; a rule with nothing left is omitted.
 */
function ruleSchema(q: ModelQueries, rule: RuleInfo): JsonSchema | undefined {
  if (rule.kind !== 'conditional' || rule.severity !== 'Violation') return undefined;
  const store = q.model.store;
  const conditions = rule.when.map((w) => conditionSchema(q, readShapeFragment(store, w)));
  if (conditions.some((s) => s === undefined)) return undefined;
  const requirements = rule.then.map((t) => requirementSchema(q, readShapeFragment(store, t))).filter((s): s is JsonSchema => s !== undefined);
  const oneOf = rule.thenOneOf.map((t) => requirementSchema(q, readShapeFragment(store, t)));
  const then: JsonSchema[] = [...requirements];
  if (oneOf.length && oneOf.every((s) => s !== undefined)) then.push({ anyOf: oneOf });
  if (!then.length) return undefined;
  const thenSchema = then.length === 1 ? then[0] : { allOf: then };
  const annotations = { 'x-fmar-rule': rule.iri, 'x-fmar-message': rule.message, ...(rule.reportPath ? { 'x-fmar-field': q.property(rule.reportPath).jsonName } : {}) };
  if (!conditions.length) return { ...annotations, ...thenSchema };
  const ifSchema = conditions.length === 1 ? conditions[0]! : { anyOf: conditions };
  return { ...annotations, if: ifSchema, then: thenSchema };
}

function fieldOf(q: ModelQueries, fragment: ShapeFragment): PropertyInfo | undefined {
  const p = q.property(fragment.path);
  return p.systemAssigned ? undefined : p;
}

function jsonValue(q: ModelQueries, v: TurtleValue): unknown {
  if ('iri' in v) return q.notationOf(v.iri) ?? v.iri;
  if ('literal' in v) {
    if (v.datatype === `${XSD}boolean`) return v.literal === 'true';
    if (v.datatype === `${XSD}integer` || v.datatype === `${XSD}decimal`) return Number(v.literal);
    return v.literal;
  }
  throw new Error('unsupported value in a rule condition');
}

function conditionSchema(q: ModelQueries, fragment: ShapeFragment): JsonSchema | undefined {
  const p = fieldOf(q, fragment);
  if (!p) return undefined;
  let value: JsonSchema | undefined = {};
  for (const [predicate, v] of fragment.constraints) {
    if (predicate === `${SH}in` && 'list' in v) value = { enum: v.list.map((item) => jsonValue(q, item)) };
    else if (predicate === `${SH}hasValue`) value = { const: jsonValue(q, v) };
    else if (predicate === `${SH}minExclusive`) value = { type: 'number', exclusiveMinimum: jsonValue(q, v) };
    else if (predicate === `${SH}minCount`) continue;
    else value = undefined;
    if (!value) return undefined;
  }
  const onValue = p.functional ? value : { type: 'array', contains: value };
  return Object.keys(value).length ? { required: [p.jsonName], properties: { [p.jsonName]: onValue } } : { required: [p.jsonName] };
}

function requirementSchema(q: ModelQueries, fragment: ShapeFragment): JsonSchema | undefined {
  const p = fieldOf(q, fragment);
  if (!p) return undefined;
  const parts: JsonSchema[] = [];
  for (const [predicate, v] of fragment.constraints) {
    const n = 'literal' in v ? Number(v.literal) : NaN;
    if (predicate === `${SH}minCount` && n >= 1) parts.push({ required: [p.jsonName] });
    else if (predicate === `${SH}maxCount` && n === 0) parts.push({ not: { required: [p.jsonName] } });
    else if (predicate === `${SH}pattern` && 'literal' in v) parts.push({ properties: { [p.jsonName]: { type: 'string', pattern: v.literal } } });
    else return undefined;
  }
  return parts.length === 1 ? parts[0] : parts.length ? { allOf: parts } : undefined;
}
