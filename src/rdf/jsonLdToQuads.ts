import jsonld from 'jsonld';
import { DataFactory, type Quad, type Quad_Object, type Quad_Subject, type Quad_Predicate, type Quad_Graph } from 'n3';
import type { DocumentLoader } from './documentLoader.js';
import { XSD } from './namespaces.js';

const { namedNode, blankNode, literal, defaultGraph, quad } = DataFactory;

/**
 * JSON-LD to RDF/JS quads (N3 terms), offline and strict:
 * - contexts come only from the given local document loader;
 * - safe mode: a key the context does not define, or any other lossy construct, is an error instead of
 *   being dropped silently (jsonld.js "safe mode");
 * - JSON numbers typed xsd:decimal or xsd:integer keep the number as written in JSON (7.5 -> "7.5"), where
 *   JSON-LD would write a double lexical form ("7.5E0") that is not a valid xsd:decimal (JSON-LD 1.1
 *   §8.6, Object to RDF Conversion).
 */
export class JsonLdSyntaxError extends Error {
  constructor(message: string, readonly detail?: unknown) {
    super(message);
    this.name = 'JsonLdSyntaxError';
  }
}

const NUMERIC_LEXICAL_TYPES = new Set([`${XSD}decimal`, `${XSD}integer`]);

export async function jsonLdToQuads(document: unknown, documentLoader: DocumentLoader): Promise<Quad[]> {
  let expanded: unknown;
  try {
    expanded = await jsonld.expand(document as jsonld.JsonLdDocument, { documentLoader: documentLoader as never, safe: true } as never);
  } catch (error) {
    throw translate(error);
  }
  keepNumbersAsWritten(expanded);
  let dataset: unknown[];
  try {
    dataset = (await jsonld.toRDF(expanded as jsonld.JsonLdDocument, { documentLoader: documentLoader as never, safe: true } as never)) as unknown as unknown[];
  } catch (error) {
    throw translate(error);
  }
  return dataset.map(toN3Quad);
}

function keepNumbersAsWritten(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(keepNumbersAsWritten);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const object = node as Record<string, unknown>;
  if (typeof object['@value'] === 'number' && typeof object['@type'] === 'string' && NUMERIC_LEXICAL_TYPES.has(object['@type'])) {
    object['@value'] = String(object['@value']);
    return;
  }
  Object.values(object).forEach(keepNumbersAsWritten);
}

function translate(error: unknown): Error {
  if (error instanceof Error && error.name === 'RemoteContextRefusedError') return error;
  const e = error as { name?: string; message?: string; details?: { event?: { code?: string; message?: string; details?: Record<string, unknown> }; cause?: unknown; code?: string } };
  const cause = e.details?.cause as Error | undefined;
  if (cause?.name === 'RemoteContextRefusedError') return cause;
  const event = e.details?.event;
  if (event) {
    const property = event.details?.property ?? event.details?.expandedProperty;
    const detail = property !== undefined ? `: ${JSON.stringify(property)}` : '';
    const explanation = event.code === 'invalid property' ? 'a key that the FMAR context does not define' : event.message ?? event.code;
    return new JsonLdSyntaxError(`JSON-LD: ${explanation}${detail}`, event.details);
  }
  return new JsonLdSyntaxError(`JSON-LD: ${e.message ?? String(error)}${e.details?.code ? ` (${e.details.code})` : ''}`);
}

interface JsonLdTerm {
  termType: string;
  value: string;
  datatype?: { value: string };
  language?: string;
}

function toTerm(term: JsonLdTerm): Quad_Object {
  switch (term.termType) {
    case 'NamedNode': return namedNode(term.value);
    case 'BlankNode': return blankNode(term.value.replace(/^_:/, ''));
    case 'Literal': return term.language ? literal(term.value, term.language) : literal(term.value, namedNode(term.datatype?.value ?? `${XSD}string`));
    case 'DefaultGraph': return defaultGraph() as never;
    default: throw new JsonLdSyntaxError(`JSON-LD produced an unsupported term type ${term.termType}`);
  }
}

function toN3Quad(q: unknown): Quad {
  const { subject, predicate, object, graph } = q as Record<'subject' | 'predicate' | 'object' | 'graph', JsonLdTerm>;
  return quad(toTerm(subject) as Quad_Subject, toTerm(predicate) as Quad_Predicate, toTerm(object), toTerm(graph) as Quad_Graph);
}
