/** IRIs of the vocabularies the registry speaks. One place, so no module spells a namespace twice. */
export const FMAR = 'https://w3id.org/fmar/ontology#';
export const FMAR_ANN = 'https://w3id.org/fmar/ontology/annotation#';
export const FMAR_CODE = 'https://w3id.org/fmar/ontology/code/';
export const FMAR_SHAPES = 'https://w3id.org/fmar/shapes#';
export const FMAR_ONTOLOGY = 'https://w3id.org/fmar/ontology';
/**
 * The registry's access index (docs/access.md): `<graph> access:readableBy <audience>` statements, written by the
 * registry with each record in the graph {record}#access, decide which named graphs a principal may read.
 */
export const FMAR_ACCESS = 'https://w3id.org/fmar/access#';
/** The IRI FSPs put in `@context`; the local document loader answers it with the generated context. */
export const FMAR_CONTEXT_URL = 'https://w3id.org/fmar/context/v1';
/** Record IRIs of the checked-in context and examples; a registry substitutes its own base at run time. */
export const DEFAULT_RECORD_BASE = 'https://registry.fmar.example/';

export const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
export const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';
export const OWL = 'http://www.w3.org/2002/07/owl#';
export const XSD = 'http://www.w3.org/2001/XMLSchema#';
export const SKOS = 'http://www.w3.org/2004/02/skos/core#';
export const SH = 'http://www.w3.org/ns/shacl#';
export const DCTERMS = 'http://purl.org/dc/terms/';
export const PROV = 'http://www.w3.org/ns/prov#';

/** Prefixes written into generated Turtle and offered in the JSON-LD context. */
export const PREFIXES: Record<string, string> = {
  fmar: FMAR,
  fmarann: FMAR_ANN,
  fmarsh: FMAR_SHAPES,
  rdf: RDF,
  rdfs: RDFS,
  owl: OWL,
  xsd: XSD,
  skos: SKOS,
  sh: SH,
  dcterms: DCTERMS,
  prov: PROV,
};

/** Shortens an IRI with the known prefixes, for messages and documentation. */
export function compactIri(iri: string): string {
  for (const [prefix, ns] of Object.entries(PREFIXES)) {
    if (iri.startsWith(ns) && iri.length > ns.length) return `${prefix}:${iri.slice(ns.length)}`;
  }
  if (iri.startsWith(FMAR_CODE)) return iri.slice(FMAR_CODE.length);
  return `<${iri}>`;
}

export function localName(iri: string): string {
  const cut = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/'));
  return iri.slice(cut + 1);
}
