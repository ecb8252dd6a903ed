import express from 'express';
import type { Registry } from '../../registry.js';
import { sparqlProtocol } from '../sparqlProtocol.js';

export interface SparqlRoutesArgs {
  registry: Registry;
}

/** GET and POST /sparql: the SPARQL 1.1 Protocol (query operation). */
export function sparqlRoutes(args: SparqlRoutesArgs): express.Router {
  const router = express.Router();
  const handle = sparqlProtocol(args.registry);
  router.get('/sparql', handle);
  router.post('/sparql', express.urlencoded({ extended: false, limit: args.registry.config.bodyLimit }), express.text({ type: ['application/sparql-query', 'application/sparql-update'], limit: args.registry.config.bodyLimit }), handle);
  return router;
}
