import { DCTERMS, DEFAULT_RECORD_BASE, FMAR, PROV, SKOS, XSD } from '../rdf/namespaces.js';
import type { OntologyModel, PropertyInfo } from './OntologyModel.js';
import { ModelQueries } from './modelQueries.js';

/**
 * Generates the JSON-LD 1.1 context FSPs post against (shapes/context.jsonld, served for
 * https://w3id.org/fmar/context/v1 by the local document loader).
 * - Terms are the JSON names of the ontology (Elexon's Ontology Term with a lower-case start).
 * - Codes are written as their code ("assetCategory": "BESS"): a property-scoped @vocab maps them to the
 *   code list's concept IRIs.
 * - Links to records are written as the record's ID: a property-scoped @vocab of the record collection
 *   ({recordBase}{recordPath}/) makes the IRI; a full IRI is accepted as is.
 * - The context is @protected, so a document cannot redefine FMAR terms (JSON-LD 1.1 §4.1.11).
 */
export type JsonLdContext = { '@context': Record<string, unknown> };

export function generateContext(model: OntologyModel, recordBase = DEFAULT_RECORD_BASE): JsonLdContext {
  const q = new ModelQueries(model);
  const context: Record<string, unknown> = {
    '@version': 1.1,
    '@protected': true,
    fmar: FMAR,
    xsd: XSD,
    skos: SKOS,
    dcterms: DCTERMS,
    prov: PROV,
  };
  for (const c of model.classes) context[c.name] = `fmar:${c.name}`;
  for (const p of model.properties) context[p.jsonName] = termDefinition(q, p, recordBase);
  return { '@context': context };
}

function termDefinition(q: ModelQueries, p: PropertyInfo, recordBase: string): Record<string, unknown> {
  const definition: Record<string, unknown> = { '@id': `fmar:${p.name}` };
  if (p.codeList) {
    definition['@type'] = '@vocab';
    definition['@context'] = { '@vocab': `${p.codeList}/` };
  } else if (p.kind === 'object') {
    const target = p.referencesClass ? q.classOf(p.referencesClass) : undefined;
    if (target?.recordPath) {
      definition['@type'] = '@vocab';
      definition['@context'] = { '@vocab': `${recordBase}${target.recordPath}/` };
    } else {
      definition['@type'] = '@id';
    }
  } else if (p.range !== `${XSD}string`) {
    definition['@type'] = `xsd:${p.range.slice(XSD.length)}`;
  }
  if (!p.functional) definition['@container'] = '@set';
  return definition;
}
