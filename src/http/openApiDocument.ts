import type { RecordKind } from '../domain/RecordKind.js';

/**
 * The OpenAPI 3.1 description of every endpoint, built at start-up from the components generated from the
 * ontology (shapes/openapi-components.json) plus the paths of the record kinds served.
 */
export function openApiDocument(components: { info: Record<string, unknown>; components: { schemas: Record<string, unknown> } }, kinds: RecordKind[], baseIri: string): Record<string, unknown> {
  const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } } });
  const representations = (schema: string) => ({
    'application/ld+json': { schema: { $ref: `#/components/schemas/${schema}` } },
    'text/turtle': { schema: { type: 'string' } },
    'application/n-triples': { schema: { type: 'string' } },
    'application/n-quads': { schema: { type: 'string' } },
    'application/trig': { schema: { type: 'string' } },
    'text/html': { schema: { type: 'string' } },
  });
  const paths: Record<string, unknown> = {};
  for (const kind of kinds) {
    const id = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: `the ${kind.idField}` };
    const body = { required: true, content: { 'application/ld+json': { schema: { $ref: `#/components/schemas/${kind.className}` } }, 'application/json': { schema: { $ref: `#/components/schemas/${kind.className}` } } } };
    const writeErrors = { 400: problem('malformed JSON, a remote @context, or a missing FMAR-On-Behalf-Of'), 401: problem('no or wrong administrator token'), 413: problem('body over the size limit'), 415: problem('not JSON'), 422: problem('the body breaks the JSON Schema or the SHACL shapes; `errors` lists every result'), 503: problem('the store could not make the write durable; nothing was kept') };
    paths[`/${kind.path}`] = {
      post: { summary: `Register a ${kind.className} (${kind.useCases.create})`, security: [{ bearer: [] }], parameters: kind.responsibleOrganisationField ? [{ name: 'FMAR-On-Behalf-Of', in: 'header', required: true, schema: { type: 'string' }, description: 'the organisation ID of the FSP the record belongs to' }] : [], requestBody: body, responses: { 201: { description: 'registered; Location and ETag set', content: representations(kind.className) }, ...writeErrors } },
      get: { summary: `List ${kind.path}`, parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } }, { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'the last ID of the previous page (from the Link header)' }], responses: { 200: { description: 'a page; Link rel="next" when there is more' }, 400: problem('bad paging'), 422: problem('unknown filter') } },
    };
    paths[`/${kind.path}/{id}`] = {
      get: { summary: `Read a ${kind.className}`, parameters: [id], responses: { 200: { description: 'the current version; ETag set', content: representations(kind.className) }, 404: problem('no such record'), 406: problem('media type not available') } },
      put: { summary: `Replace a ${kind.className} (${kind.useCases.replace})`, security: [{ bearer: [] }], parameters: [id, { name: 'If-Match', in: 'header', required: true, schema: { type: 'string' } }], requestBody: body, responses: { 200: { description: 'the new version', content: representations(kind.className) }, 412: problem('the ETag is not the current version'), 428: problem('If-Match missing'), ...writeErrors } },
    };
    paths[`/${kind.path}/{id}/history`] = { get: { summary: `Versions of a ${kind.className} and the activities that made them (UC-05.06)`, parameters: [id], responses: { 200: { description: 'versions with use case, time, agents and content hash' }, 404: problem('no such record') } } };
    paths[`/${kind.path}/{id}/versions/{version}`] = { get: { summary: `A past version of a ${kind.className}`, parameters: [id, { name: 'version', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }], responses: { 200: { description: 'that version', content: representations(kind.className) }, 404: problem('no such version') } } };
  }
  paths['/sparql'] = {
    get: { summary: 'SPARQL 1.1 query (GET query=); without a query: service description, or an editor for browsers', parameters: [{ name: 'query', in: 'query', schema: { type: 'string' } }, { name: 'default-graph-uri', in: 'query', schema: { type: 'array', items: { type: 'string' } } }, { name: 'named-graph-uri', in: 'query', schema: { type: 'array', items: { type: 'string' } } }], responses: { 200: { description: 'results (SPARQL JSON, XML, CSV, TSV) or RDF for CONSTRUCT/DESCRIBE; FMAR-Result-Truncated when the row cap was hit' }, 400: problem('syntax error'), 503: problem('query timeout') } },
    post: { summary: 'SPARQL 1.1 query (form query= or application/sparql-query), or update (form update= or application/sparql-update; administrator only, never on record graphs)', requestBody: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { query: { type: 'string' }, update: { type: 'string' } } } }, 'application/sparql-query': { schema: { type: 'string' } }, 'application/sparql-update': { schema: { type: 'string' } } } }, responses: { 200: { description: 'results, or for an update the counts and activity IRIs' }, 400: problem('syntax error, LOAD, or a default-graph write'), 401: problem('update without the administrator token'), 403: problem('the update touches record graphs') } },
  };
  return {
    openapi: '3.1.0',
    info: { ...components.info, title: 'FMAR registry API', description: 'REST (JSON-LD and RDF) and SPARQL for the FMAR registry. Schemas are generated from the FMAR ontology.' },
    servers: [{ url: baseIri }],
    paths,
    components: { ...components.components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'FMAR_ADMIN_TOKEN (until the access model of issue #6)' } } },
  };
}
