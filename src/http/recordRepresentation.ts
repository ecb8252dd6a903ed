import type { Quad } from 'n3';
import type { ModelQueries } from '../ontology/modelQueries.js';
import type { DocumentLoader } from '../rdf/documentLoader.js';
import { FlatRecordCodec, type NativeType } from '../rdf/FlatRecordCodec.js';
import { FMAR_CONTEXT_URL, XSD } from '../rdf/namespaces.js';
import { writeRdf } from '../rdf/serializeRdf.js';
import type { RecordMediaType } from './negotiate.js';

/**
 * A record's quads in the negotiated media type. JSON-LD is compacted with the FMAR context, and numbers
 * and booleans become JSON numbers and booleans again (JSON-LD compaction keeps typed literals as strings),
 * so that a GET body can be sent back in a PUT. A flat record is compacted by the FlatRecordCodec (compiled
 * once from the context); anything else by jsonld.js (writeCompactJsonLd), the reference it is tested against.
 */
export class RecordRepresentation {
  private readonly nativeTypes: Map<string, NativeType>;
  private codec?: Promise<FlatRecordCodec>;

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
    this.codec ??= FlatRecordCodec.load(this.documentLoader, { contextUrl: FMAR_CONTEXT_URL, nativeTypes: this.nativeTypes });
    // A record's quads are all about the record (its IRI is their subject); the codec checks that.
    return (await this.codec).toCompactJson(quads, quads[0]?.subject.value ?? '');
  }

  async text(quads: Quad[], mediaType: Exclude<RecordMediaType, 'application/ld+json' | 'application/json' | 'text/html'>): Promise<string> {
    return writeRdf(quads, mediaType, this.prefixes);
  }
}
