import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Checks JSON request bodies against the generated JSON Schemas (shapes/json-schema/) before any RDF
 * conversion, so a malformed body fails fast with a JSON pointer. SHACL remains the authority; this is
 * the cheap first gate. Compiled once per process.
 */
export interface BodyError {
  /** RFC 6901 pointer to the offending member ("" for the body itself). */
  pointer: string;
  /** The JSON name of the field, when the error is about one. */
  field?: string;
  message: string;
  /** The ontology rule behind an if/then failure, when there is one. */
  rule?: string;
}

export class RequestBodyValidator {
  private constructor(private readonly validators: Map<string, ValidateFunction>) {}

  static async fromDirectory(schemaDir: string): Promise<RequestBodyValidator> {
    // multipleOfPrecision: 131299.49 / 0.01 is 13129948.999999998 in binary floating point (found by the
    // property tests); 6 digits still refuses 3.141 and leaves exactness to SHACL. strictRequired is off
    // because if/then sub-schemas name required fields that the top-level properties define.
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, multipleOfPrecision: 6 });
    ajv.addKeyword({ keyword: ['x-fmar-class', 'x-fmar-iri', 'x-fmar-sensitivity', 'x-fmar-unit', 'x-fmar-elexon-term', 'x-fmar-references', 'x-fmar-rule', 'x-fmar-message', 'x-fmar-field'] });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validators = new Map<string, ValidateFunction>();
    for (const file of (await readdir(schemaDir)).filter((f) => f.endsWith('.schema.json')).sort()) {
      const schema = JSON.parse(await readFile(join(schemaDir, file), 'utf8')) as Record<string, unknown>;
      validators.set(file.replace(/\.schema\.json$/, ''), ajv.compile(schema));
    }
    return new RequestBodyValidator(validators);
  }

  resourceTypes(): string[] {
    return [...this.validators.keys()];
  }

  /** Returns the problems with a body for a record class (e.g. "Asset"); an empty list means it passed. */
  validate(resourceType: string, body: unknown): BodyError[] {
    const validate = this.validators.get(resourceType);
    if (!validate) throw new Error(`no JSON Schema for ${resourceType}`);
    if (validate(body)) return [];
    return (validate.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => describe(e, validate.schema as Record<string, unknown>));
  }
}

function describe(error: ErrorObject, schema: Record<string, unknown>): BodyError {
  const params = error.params as Record<string, unknown>;
  const missing = typeof params.missingProperty === 'string' ? params.missingProperty : undefined;
  const extra = typeof params.additionalProperty === 'string' ? params.additionalProperty : undefined;
  const pointer = missing || extra ? `${error.instancePath}/${(missing ?? extra)!.replace(/~/g, '~0').replace(/\//g, '~1')}` : error.instancePath;
  const field = pointer.split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~') || undefined;
  const rule = ruleAt(schema, error.schemaPath);
  let message = `${field ?? 'body'} ${error.message ?? 'is invalid'}`;
  if (extra) message = `${extra} is not an FMAR field of this resource`;
  if (rule?.message) message = rule.message;
  return { pointer, ...(field ? { field } : {}), message, ...(rule?.iri ? { rule: rule.iri } : {}) };
}

/** The x-fmar-rule annotations of the allOf entry an error came from (schemaPath #/allOf/3/then/...). */
function ruleAt(schema: Record<string, unknown>, schemaPath: string): { iri?: string; message?: string } | undefined {
  const match = /^#\/allOf\/(\d+)\//.exec(schemaPath);
  if (!match) return undefined;
  const entry = (schema.allOf as Record<string, unknown>[] | undefined)?.[Number(match[1])];
  return entry ? { iri: entry['x-fmar-rule'] as string | undefined, message: entry['x-fmar-message'] as string | undefined } : undefined;
}
