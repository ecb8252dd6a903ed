import type { Store, Term } from 'n3';
import { RDF, SH } from '../rdf/namespaces.js';
import type { TurtleValue } from '../rdf/TurtleDocument.js';

/**
 * A SHACL property shape written inside a rule of the ontology (fmarann:when / fmarann:then), read into
 * a plain value that both the SHACL and the JSON Schema generators can use.
 */
export interface ShapeFragment {
  path: string;
  /** Constraint predicate IRI -> value, in predicate order (sh:path excluded). */
  constraints: [string, TurtleValue][];
}

export function readShapeFragment(store: Store, node: Term): ShapeFragment {
  const quads = store.getQuads(node as never, null, null, null);
  const path = quads.find((q) => q.predicate.value === `${SH}path`);
  if (!path || path.object.termType !== 'NamedNode') throw new Error('a rule condition or requirement needs sh:path with a property IRI');
  const constraints = quads
    .filter((q) => q.predicate.value !== `${SH}path`)
    .map((q): [string, TurtleValue] => [q.predicate.value, toTurtleValue(store, q.object)])
    .sort((a, b) => a[0].localeCompare(b[0]));
  return { path: path.object.value, constraints };
}

export function constraintValue(fragment: ShapeFragment, shLocalName: string): TurtleValue | undefined {
  return fragment.constraints.find(([p]) => p === SH + shLocalName)?.[1];
}

function toTurtleValue(store: Store, term: Term): TurtleValue {
  if (term.termType === 'NamedNode') return { iri: term.value };
  if (term.termType === 'Literal') {
    const literal = term as Term & { datatype: { value: string }; language: string };
    return literal.language ? { literal: term.value, language: literal.language } : { literal: term.value, datatype: literal.datatype.value };
  }
  if (term.termType === 'BlankNode') {
    if (store.getObjects(term as never, `${RDF}first`, null).length) return { list: readList(store, term).map((t) => toTurtleValue(store, t)) };
    throw new Error('nested blank nodes other than lists are not supported inside rule fragments');
  }
  throw new Error(`unsupported term in a rule fragment: ${term.termType}`);
}

function readList(store: Store, head: Term): Term[] {
  const items: Term[] = [];
  let node = head;
  while (node.value !== `${RDF}nil`) {
    items.push(store.getObjects(node as never, `${RDF}first`, null)[0]);
    node = store.getObjects(node as never, `${RDF}rest`, null)[0];
  }
  return items;
}
