import jsonld from 'jsonld';
import { DataFactory, Writer, type Quad } from 'n3';
import type { DocumentLoader } from './documentLoader.js';

/** RDF serialisations the registry answers with, by media type. */
export const RDF_MEDIA_TYPES = ['application/ld+json', 'text/turtle', 'application/n-triples', 'application/n-quads', 'application/trig'] as const;
export type RdfMediaType = (typeof RDF_MEDIA_TYPES)[number];

const N3_FORMATS: Record<Exclude<RdfMediaType, 'application/ld+json'>, string> = {
  'text/turtle': 'Turtle',
  'application/n-triples': 'N-Triples',
  'application/n-quads': 'N-Quads',
  'application/trig': 'TriG',
};

/** Serialises quads; formats without graphs (Turtle, N-Triples) merge the graphs into one. */
export function writeRdf(quads: Quad[], mediaType: Exclude<RdfMediaType, 'application/ld+json'>, prefixes: Record<string, string> = {}): Promise<string> {
  const format = N3_FORMATS[mediaType];
  const keepGraphs = format === 'N-Quads' || format === 'TriG';
  const writer = new Writer({ format, prefixes: format === 'Turtle' || format === 'TriG' ? prefixes : undefined });
  const seen = new Set<string>();
  for (const q of quads) {
    const out = keepGraphs ? q : DataFactory.quad(q.subject, q.predicate, q.object);
    const key = `${out.subject.value} ${out.predicate.value} ${out.object.value} ${out.graph.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    writer.addQuad(out);
  }
  return new Promise((resolve, reject) => writer.end((error, result) => (error ? reject(error) : resolve(result))));
}

/**
 * Quads as compacted JSON-LD with the FMAR context (graphs merged: a record is one object). Passes
 * RDF/JS quads to fromRDF, never an N-Quads string (quadratic duplicate scan on large inputs).
 */
export async function writeCompactJsonLd(quads: Quad[], contextUrl: string, documentLoader: DocumentLoader): Promise<Record<string, unknown>> {
  const triples = quads.map((q) => DataFactory.quad(q.subject, q.predicate, q.object));
  const expanded = await jsonld.fromRDF(triples as never, { useNativeTypes: false } as never);
  const compacted = (await jsonld.compact(expanded as never, contextUrl as never, { documentLoader: documentLoader as never, compactArrays: true } as never)) as unknown as Record<string, unknown>;
  compacted['@context'] = contextUrl;
  return compacted;
}
