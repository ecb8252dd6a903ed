import type { OntologyModel } from './OntologyModel.js';
import { generateJsonSchemas, type JsonSchema } from './jsonSchemaGenerator.js';

/**
 * OpenAPI 3.1 schema components generated from the ontology: one request body schema per record class
 * (the JSON Schemas without their $schema/$id), plus RFC 9457 problem details carrying SHACL results.
 * The HTTP layer merges these components into its path definitions.
 */
export function generateOpenApiComponents(model: OntologyModel): JsonSchema {
  const schemas: Record<string, JsonSchema> = {};
  for (const [name, schema] of generateJsonSchemas(model)) {
    const { $schema: _schema, $id: _id, ...component } = schema;
    schemas[name] = component;
  }
  schemas.ValidationResult = {
    type: 'object',
    description: 'One SHACL or JSON Schema result: what is wrong, where, and how bad.',
    properties: {
      severity: { enum: ['Violation', 'Warning', 'Info'] },
      field: { type: 'string', description: 'The JSON name of the field, e.g. ratedCapacity.' },
      pointer: { type: 'string', description: 'RFC 6901 JSON pointer into the request body, when known.' },
      path: { type: 'string', format: 'uri', description: 'The property IRI.' },
      value: { type: 'string', description: 'The offending value.' },
      message: { type: 'string', description: 'What was expected.' },
      focusNode: { type: 'string', description: 'The record the result is about.' },
      sourceShape: { type: 'string', format: 'uri' },
      constraint: { type: 'string', format: 'uri', description: 'The SHACL constraint component.' },
    },
    required: ['severity', 'message'],
  };
  schemas.ProblemDetails = {
    type: 'object',
    description: 'RFC 9457 problem details; validation failures list every result.',
    properties: {
      type: { type: 'string', format: 'uri-reference' },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 100, maximum: 599 },
      detail: { type: 'string' },
      instance: { type: 'string', format: 'uri-reference' },
      errors: { type: 'array', items: { $ref: '#/components/schemas/ValidationResult' } },
    },
    required: ['type', 'title', 'status'],
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'FMAR registry: schema components',
      version: model.version,
      description: `Generated from ${model.versionIri}. Request body schemas and problem details; paths are defined by the HTTP layer.`,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths: {},
    components: { schemas },
  };
}
