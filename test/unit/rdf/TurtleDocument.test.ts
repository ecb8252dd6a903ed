import assert from 'node:assert/strict';
import { Parser } from 'n3';
import { TurtleDocument, blank, int, iri, list, str, typed } from '../../../src/rdf/TurtleDocument.js';

describe('A Turtle document', () => {
  it('writes nested shapes, lists and literals that parse back to the same triples', () => {
    const doc = new TurtleDocument({ ex: 'http://ex/', sh: 'http://www.w3.org/ns/shacl#', xsd: 'http://www.w3.org/2001/XMLSchema#' });
    doc.subject('http://ex/S', [
      ['http://www.w3.org/1999/02/22-rdf-syntax-ns#type', iri('http://www.w3.org/ns/shacl#NodeShape')],
      ['http://www.w3.org/ns/shacl#in', list([iri('http://ex/a'), str('b "quoted"\n')])],
      ['http://www.w3.org/ns/shacl#property', blank([['http://www.w3.org/ns/shacl#minCount', int(1)], ['http://www.w3.org/ns/shacl#minExclusive', typed('0.0', 'http://www.w3.org/2001/XMLSchema#decimal')]])],
      ['http://www.w3.org/ns/shacl#ignoredProperties', list([iri('http://www.w3.org/1999/02/22-rdf-syntax-ns#type')])],
    ]);
    const text = doc.toString();
    assert.match(text, /ex:S a sh:NodeShape/);
    assert.doesNotMatch(text, /\( a \)/, 'rdf:type as an object is written as an IRI, not the keyword a');
    const quads = new Parser().parse(text);
    assert.ok(quads.some((q) => q.object.termType === 'Literal' && q.object.value === 'b "quoted"\n'));
    assert.ok(quads.some((q) => q.object.value === '0.0'));
  });

  it('refuses an IRI that Turtle cannot hold', () => {
    assert.throws(() => new TurtleDocument({}).subject('http://ex/a b', [['http://ex/p', str('x')]]).toString(), /not a valid IRI/);
  });
});
