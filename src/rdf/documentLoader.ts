import { FMAR_CONTEXT_URL } from './namespaces.js';

/**
 * The only JSON-LD document loader the registry uses: it answers the bundled FMAR context and refuses
 * every other URL, so parsing a document never touches the network (jsonld.js fetches remote contexts
 * by default). A refused context is a client error, reported with the URL.
 */
export class RemoteContextRefusedError extends Error {
  constructor(readonly url: string) {
    super(`remote JSON-LD context ${JSON.stringify(url)} refused: only ${FMAR_CONTEXT_URL} is available (contexts are never fetched)`);
    this.name = 'RemoteContextRefusedError';
  }
}

export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}

export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

export function createLocalDocumentLoader(contexts: Record<string, unknown>): DocumentLoader {
  return async (url: string) => {
    if (!Object.hasOwn(contexts, url)) throw new RemoteContextRefusedError(url);
    return { contextUrl: null, documentUrl: url, document: contexts[url] };
  };
}
