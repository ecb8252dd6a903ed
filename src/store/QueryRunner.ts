/** Runs SPARQL queries with a deadline: a worker replica (embedded store) or the remote server itself. */
export interface QueryRequest {
  sparql: string;
  resultsFormat: string;
  defaultGraphs?: string[];
  namedGraphs?: string[];
}

export interface QueryRunner {
  query(request: QueryRequest, timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}
