import type { Quad } from 'n3';
import type { ModelQueries } from '../ontology/modelQueries.js';
import type { DocumentLoader } from '../rdf/documentLoader.js';
import { FMAR_CONTEXT_URL, XSD } from '../rdf/namespaces.js';
import { writeCompactJsonLd, writeRdf } from '../rdf/serializeRdf.js';
import type { RecordMediaType } from './negotiate.js';

/**
 * A record's quads in the negotiated media type. JSON-LD is compacted with the FMAR context, and numbers
 * and booleans become JSON numbers and booleans again (JSON-LD compaction keeps typed literals as strings),
 * so that a GET body can be sent back in a PUT.
 */
export class RecordRepresentation {
  private readonly nativeTypes: Map<string, 'number' | 'boolean'>;

  constructor(
    private readonly model: ModelQueries,
    private readonly documentLoader: DocumentLoader,
    private readonly prefixes: Record<string, string>,
  ) {
    this.nativeTypes = new Map();
    for (const p of model.model.properties) {
      if (p.range === `${XSD}decimal` || p.range === `${XSD}integer`) this.nativeTypes.set(p.jsonName, 'number');
      if (p.range === `${XSD}boolean`) this.nativeTypes.set(p.jsonName, 'boolean');
    }
  }

  async json(quads: Quad[]): Promise<Record<string, unknown>> {
    const compacted = await writeCompactJsonLd(quads, FMAR_CONTEXT_URL, this.documentLoader);
    const nodes = Array.isArray(compacted['@graph']) ? (compacted['@graph'] as Record<string, unknown>[]) : [compacted];
    for (const node of nodes) {
      for (const [key, value] of Object.entries(node)) {
        const type = this.nativeTypes.get(key);
        if (!type) continue;
        const convert = (v: unknown) => (typeof v !== 'string' ? v : type === 'boolean' ? v === 'true' : Number(v));
        node[key] = Array.isArray(value) ? value.map(convert) : convert(value);
      }
    }
    return compacted;
  }

  async text(quads: Quad[], mediaType: Exclude<RecordMediaType, 'application/ld+json' | 'application/json' | 'text/html'>): Promise<string> {
    return writeRdf(quads, mediaType, this.prefixes);
  }
}
