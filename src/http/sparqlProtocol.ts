import type { Request, Response } from 'express';
import { SparqlUpdateRefusedError } from '../domain/SparqlUpdateService.js';
import type { Registry } from '../registry.js';
import { holdsPersonalAudience } from '../access/audiences.js';
import { isAdministrator } from '../access/Principal.js';
import { QueryRefusedError, restrictQuery } from '../access/restrictQuery.js';
import { principalOf, readersOf } from './authentication.js';
import { QuerySyntaxError, QueryTimeoutError } from '../store/QueryReplica.js';
import { BadRequestHttpError, ForbiddenHttpError, HttpError, UnauthorizedHttpError, NotAcceptableHttpError, QueryTimeoutHttpError } from './HttpError.js';
import { RESULT_MEDIA_TYPES, queryForm, writeResults, type ResultMediaType, type SparqlJson } from './sparqlResults.js';
import { yasguiPage } from './browserPages.js';

const GRAPH_MEDIA_TYPES = ['text/turtle', 'application/n-triples', 'application/n-quads', 'application/trig', 'application/ld+json', 'application/rdf+xml'] as const;

/**
 * SPARQL 1.1 Protocol, query operation (https://www.w3.org/TR/sparql11-protocol/ §2.1): GET with query=,
 * POST form-encoded, POST application/sparql-query; default-graph-uri and named-graph-uri restrict the
 * dataset. Queries run on a replica in a worker with a deadline; SELECT results are capped at
 * FMAR_QUERY_ROW_LIMIT rows, with the FMAR-Result-Truncated header when the cap is hit.
 * SPARQL Update (POST, §2.2) is for administrators and never touches record, version or activity graphs:
 * those change through the REST API, which validates, versions and attributes every change.
 */
export function sparqlProtocol(registry: Registry) {
  const { config } = registry;
  return async (req: Request, res: Response): Promise<void> => {
    const params = { ...(req.query as Record<string, string | string[]>), ...(req.is('application/x-www-form-urlencoded') ? (req.body as Record<string, string | string[]>) : {}) };
    if (req.is('application/sparql-update') || params.update !== undefined) {
      // SPARQL 1.1 Protocol §2.2: update via POST only; administrators only, and never on record graphs.
      if (req.method !== 'POST') throw new BadRequestHttpError('SPARQL Update is sent with POST');
      const principal = principalOf(res);
      if (principal.kind === 'anonymous') throw new UnauthorizedHttpError('SPARQL Update needs an administrator\'s credentials');
      if (!isAdministrator(principal)) throw new ForbiddenHttpError('SPARQL Update is for FMAR administrators; records change through the REST API');
      const update = req.is('application/sparql-update') ? (typeof req.body === 'string' ? req.body : '') : first(params.update) ?? '';
      try {
        res.json(await registry.updates.execute(update, { agentIri: principal.agentIri }));
      } catch (error) {
        if (error instanceof SparqlUpdateRefusedError) throw error.status === 403 ? new ForbiddenHttpError(error.message) : new BadRequestHttpError(error.message);
        throw error;
      }
      return;
    }
    let query = first(params.query);
    if (req.is('application/sparql-query')) query = typeof req.body === 'string' ? req.body : undefined;
    if (req.method === 'POST' && !req.is(['application/x-www-form-urlencoded', 'application/sparql-query'])) {
      throw new HttpError(415, 'Unsupported Media Type', 'POST a query as application/x-www-form-urlencoded (query=...) or application/sparql-query');
    }
    if (query === undefined) {
      if (req.accepts(['text/html', 'text/turtle']) === 'text/html') res.type('text/html').send(yasguiPage());
      else res.type('text/turtle').send(serviceDescription(config.baseIri));
      return;
    }
    if (query.length > 100_000) throw new BadRequestHttpError('the query is longer than 100,000 characters');
    const form = queryForm(query);
    if (!form) throw new BadRequestHttpError('not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue');
    let dataset: { defaultGraphs?: string[]; namedGraphs?: string[] } = {
      defaultGraphs: list(params['default-graph-uri']),
      namedGraphs: list(params['named-graph-uri']),
    };
    // Issue #6: anyone but an administrator queries only the graphs they may read, whatever the query says
    // (FROM, GRAPH, default-graph-uri...): the query is rewritten to join every pattern with the access index.
    const readers = readersOf(res);
    if (readers !== undefined) {
      try {
        query = restrictQuery(query, { audiences: readers, ...dataset, transitivePathsStayInGraph: config.store === 'embedded' });
      } catch (error) {
        if (error instanceof QueryRefusedError) throw new BadRequestHttpError(error.message);
        throw error;
      }
      dataset = {};
    }
    // UC-05.01: queries that could reach personal data are logged once they have run (administrators' included).
    const logRead = () => {
      if (holdsPersonalAudience(readers)) registry.accessLog.record({ principal: principalOf(res), channel: 'SPARQL', query: first(params.query) ?? (typeof req.body === 'string' ? req.body : ''), at: new Date() });
    };
    try {
      if (form === 'SELECT' || form === 'ASK') {
        const mediaType = req.accepts([...RESULT_MEDIA_TYPES]) as ResultMediaType | false;
        if (!mediaType) throw new NotAcceptableHttpError('results are available as SPARQL JSON, XML, CSV or TSV', { available: RESULT_MEDIA_TYPES });
        const json = JSON.parse(await registry.queries.query({ sparql: query, resultsFormat: 'application/sparql-results+json', ...dataset }, config.queryTimeoutMs)) as SparqlJson;
        const bindings = json.results?.bindings;
        if (bindings && bindings.length > config.queryRowLimit) {
          json.results!.bindings = bindings.slice(0, config.queryRowLimit);
          res.set('FMAR-Result-Truncated', `rows=${config.queryRowLimit}`);
        }
        logRead();
        res.type(mediaType).send(writeResults(json, mediaType));
      } else {
        const mediaType = req.accepts([...GRAPH_MEDIA_TYPES]);
        if (!mediaType) throw new NotAcceptableHttpError('graph results are available as Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML', { available: GRAPH_MEDIA_TYPES });
        const result = await registry.queries.query({ sparql: query, resultsFormat: mediaType, ...dataset }, config.queryTimeoutMs);
        logRead();
        res.type(mediaType).send(result);
      }
    } catch (error) {
      if (error instanceof QueryTimeoutError) throw new QueryTimeoutHttpError(`${error.message}; narrow the query or add a LIMIT`);
      if (error instanceof QuerySyntaxError) throw new BadRequestHttpError(`the query failed: ${error.message}`);
      throw error;
    }
  };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function list(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return [value].flat();
}

/** SPARQL 1.1 Service Description of this endpoint. */
function serviceDescription(baseIri: string): string {
  return `@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix fmt: <http://www.w3.org/ns/formats/> .

<${baseIri}sparql> a sd:Service ;
    sd:endpoint <${baseIri}sparql> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat fmt:SPARQL_Results_JSON, fmt:SPARQL_Results_XML, fmt:SPARQL_Results_CSV, fmt:SPARQL_Results_TSV,
        fmt:Turtle, fmt:N-Triples, fmt:N-Quads, fmt:TriG, fmt:JSON-LD, fmt:RDF_XML .
`;
}
