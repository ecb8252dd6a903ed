import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { DataFactory, type Quad, type Term } from 'n3';
import { FMAR, RDF, XSD } from '../../../src/rdf/namespaces.js';
import { readRdfFile } from '../../../src/rdf/readRdfFile.js';
import { parseTurtle } from '../../../src/rdf/readTurtle.js';
import { CompiledShapes, UnsupportedShapesError } from '../../../src/validation/CompiledShapes.js';
import { CompiledValidator } from '../../../src/validation/CompiledValidator.js';
import { loadFmarValidation, type FmarValidation } from '../../../src/validation/loadFmarValidator.js';
import { openShapesValidator } from '../../../src/validation/openShapesValidator.js';
import { ShaclValidator } from '../../../src/validation/ShaclValidator.js';
import { parseShaclEngine } from '../../../src/validation/shaclEngineName.js';
import type { ValidationReport } from '../../../src/validation/ValidationReport.js';
import { sharedDir } from '../../../src/projectRoot.js';
import { readShaclSuite } from '../../conformance/shaclManifest.js';
import { fixturesDir, readFixtureManifest, root } from '../../support/fixtures.js';

/**
 * The compiled SHACL validator against the reference engine (shacl-engine, through ShaclValidator): every
 * report must be identical, results, messages, values, fields and order (docs/validation-engine.md).
 * Differential on every fixture and example, on a few hundred randomly broken assets and organisations, and
 * on small hand-written shapes for each supported constraint; plus the refusals.
 */
const { namedNode, literal, blankNode, quad, defaultGraph } = DataFactory;
const manifest = await readFixtureManifest();
const ASSET_RUNS = Number(process.env.FC_RUNS_ASSETS ?? 300);
const ORGANISATION_RUNS = Number(process.env.FC_RUNS_ORGANISATIONS ?? 150);

async function sameReport(reference: ShaclValidator, compiled: CompiledValidator, data: Quad[]): Promise<ValidationReport> {
  const expected = await reference.validate(data);
  const actual = await compiled.validate(data);
  assert.deepStrictEqual(actual, expected);
  const sync = compiled.validateSync(data);
  if (sync) assert.deepStrictEqual(sync, expected);
  return actual;
}

// ---------------------------------------------------------------------------------------------------------
// Broken records for the property test: a valid record with one to four mutations of its quads.

interface MutationPools {
  /** Objects seen in any fixture (valid or not) and crafted edge cases: wrong datatypes, ill-formed literals... */
  values: Term[];
  /** Predicates seen in the fixtures, plus unknown ones. */
  predicates: Term[];
  /** The values each predicate has somewhere in the fixtures (realistic alternatives: other codes, dates...). */
  valuesOf: Map<string, Term[]>;
  classes: Term[];
  datatypes: string[];
  lexicals: string[];
  records: Quad[][];
}

const EX = 'http://example.org/';

function mutationPools(records: Quad[][]): MutationPools {
  const values = new Map<string, Term>();
  const predicates = new Map<string, Term>();
  const valuesOf = new Map<string, Map<string, Term>>();
  for (const record of records) {
    for (const q of record) {
      values.set(q.object.id, q.object);
      predicates.set(q.predicate.id, q.predicate);
      if (!valuesOf.has(q.predicate.value)) valuesOf.set(q.predicate.value, new Map());
      valuesOf.get(q.predicate.value)!.set(q.object.id, q.object);
    }
  }
  const crafted: Term[] = [
    literal('abc', namedNode(`${XSD}integer`)),
    literal('2030', namedNode(`${XSD}integer`)),
    literal('2099', namedNode(`${XSD}integer`)),
    literal('1e3', namedNode(`${XSD}decimal`)),
    literal('-5', namedNode(`${XSD}decimal`)),
    literal('0.001', namedNode(`${XSD}decimal`)),
    literal('2000000', namedNode(`${XSD}decimal`)),
    literal('2027-02-30', namedNode(`${XSD}date`)),
    literal('2026-13-01', namedNode(`${XSD}date`)),
    literal('2020-01-01', namedNode(`${XSD}date`)),
    literal('2030-06-15', namedNode(`${XSD}date`)),
    literal('2026-11-20T10:00:00Z', namedNode(`${XSD}dateTime`)),
    literal('2026-11-20T10:00:00', namedNode(`${XSD}dateTime`)),
    literal('maybe', namedNode(`${XSD}boolean`)),
    literal('true', namedNode(`${XSD}boolean`)),
    literal('Green Park', 'en'),
    literal(''),
    literal('x'.repeat(300)),
    literal('tab\there'),
    literal('+1'),
    literal('+447700900123'),
    literal('2026-11-20'),
    literal('7.5'),
    blankNode('b1'),
    namedNode(`${EX}somewhere`),
    namedNode('https://registry.fmar.example/organisations/0b7e5b3c-2f4d-4a8e-9c1f-6d2e8a4b7c90'),
    namedNode('https://registry.fmar.example/assets/01935f3e-8c2a-7d4b-9a1e-3c5d7f9b2e41'),
    namedNode(`${FMAR}Organisation`),
    namedNode('https://w3id.org/fmar/ontology/code/AssetCategory/FLYWHEEL'),
    namedNode('https://w3id.org/fmar/ontology/code/DNOCode/IDNO_GTC'),
    namedNode('https://w3id.org/fmar/ontology/code/OrganisationRole/OTHER'),
  ];
  for (const t of crafted) values.set(t.id, t);
  for (const p of [`${FMAR}unknownProperty`, `${EX}extra`, `${RDF}type`, 'http://www.w3.org/2000/01/rdf-schema#label']) predicates.set(p, namedNode(p));
  const classes = ['Asset', 'Organisation', 'Consent', 'MarketUnit', 'ServiceProvidingGroup', 'AccountingPoint', 'Device'].map((c) => namedNode(FMAR + c));
  return {
    values: [...values.values()],
    predicates: [...predicates.values()],
    valuesOf: new Map([...valuesOf].map(([p, v]) => [p, [...v.values()]])),
    classes,
    datatypes: ['string', 'integer', 'decimal', 'date', 'dateTime', 'boolean', 'anyURI', 'gYear'].map((d) => XSD + d),
    lexicals: ['abc', '', ' 7', '7', '-1', '1e5', '2027-02-30', '2026-11-20', '2026-11-20T00:00:00Z', '+44', '+1', '12345', '2099', 'true'],
    records,
  };
}

type Mutation = (quads: Quad[], pools: MutationPools) => Quad[];

const pick = <T>(items: T[], i: number): T => items[i % items.length];
const withObject = (q: Quad, object: Term): Quad => quad(q.subject, q.predicate, object as never, q.graph);

function mutation(): fc.Arbitrary<Mutation> {
  const n = fc.nat(10_000);
  return fc.oneof(
    // drop a statement
    n.map((i): Mutation => (quads) => quads.filter((_, j) => j !== i % quads.length)),
    // a second value for a property
    fc.tuple(n, n).map(([i, v]): Mutation => (quads, pools) => [...quads, withObject(pick(quads, i), pick(pools.values, v))]),
    // another value (a code of another list, a wrong type, an IRI for a literal...)
    fc.tuple(n, n).map(([i, v]): Mutation => (quads, pools) => quads.map((q, j) => (j === i % quads.length ? withObject(q, pick(pools.values, v)) : q))),
    // the value another record has for that property (another code, date, country code...)
    fc.tuple(n, n).map(([i, v]): Mutation => (quads, pools) => quads.map((q, j) => (j === i % quads.length ? withObject(q, pick(pools.valuesOf.get(q.predicate.value) ?? [q.object], v)) : q))),
    // the same lexical form, another datatype
    fc.tuple(n, n).map(([i, d]): Mutation => (quads, pools) => quads.map((q, j) => (j === i % quads.length ? withObject(q, literal(q.object.value, namedNode(pick(pools.datatypes, d)))) : q))),
    // another lexical form, the same datatype (ill-formed numbers, impossible dates...)
    fc.tuple(n, n).map(([i, l]): Mutation => (quads, pools) =>
      quads.map((q, j) => (j === i % quads.length && q.object.termType === 'Literal' ? withObject(q, literal(pick(pools.lexicals, l), q.object.datatype)) : q)),
    ),
    // an extra property
    fc.tuple(n, n).map(([p, v]): Mutation => (quads, pools) => [...quads, quad(quads[0].subject, pick(pools.predicates, p) as never, pick(pools.values, v) as never)]),
    // two values swapped (dates most of all)
    fc.tuple(n, n, fc.boolean()).map(([i, j, datesOnly]): Mutation => (quads) => {
      const candidates = quads.map((q, k) => k).filter((k) => !datesOnly || (quads[k].object.termType === 'Literal' && /date/i.test((quads[k].object as { datatype: Term }).datatype.value)));
      if (candidates.length < 2) return quads;
      const a = pick(candidates, i);
      const b = pick(candidates, j);
      return quads.map((q, k) => (k === a ? withObject(q, quads[b].object) : k === b ? withObject(q, quads[a].object) : q));
    }),
    // a second type (shapes of two classes on one node: shacl-engine's memo)
    n.map((c): Mutation => (quads, pools) => [...quads, quad(quads[0].subject, namedNode(`${RDF}type`), pick(pools.classes, c) as never)]),
    // another record in the same data (two focus nodes)
    n.map((r): Mutation => (quads, pools) => [...quads, ...pick(pools.records, r)]),
    // a statement in a named graph, or repeated there
    fc.tuple(n, fc.boolean()).map(([i, move]): Mutation => (quads) => {
      const q = pick(quads, i);
      const named = quad(q.subject, q.predicate, q.object, namedNode(`${EX}graph`));
      return move ? quads.map((x) => (x === q ? named : x)) : [...quads, named];
    }),
  );
}

function brokenRecord(records: Quad[][], pools: MutationPools): fc.Arbitrary<Quad[]> {
  return fc.tuple(fc.constantFrom(...records), fc.array(mutation(), { minLength: 1, maxLength: 4 })).map(([record, mutations]) => {
    let quads = record.map((q) => quad(q.subject, q.predicate, q.object, defaultGraph()));
    for (const m of mutations) if (quads.length > 0) quads = m(quads, pools);
    return quads;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Small shapes, one concern each; every data graph is validated by both engines and must agree.

const PREFIXES = `
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix fmarann: <https://w3id.org/fmar/ontology/annotation#> .
@prefix ex: <${EX}> .
`;

interface ConstraintCase {
  name: string;
  shapes: string;
  data: (string | Quad[])[];
  /** Checks that the case exercises what it is named after (the agreement alone could be vacuous). */
  check?: ((report: ValidationReport) => void)[];
}

const constraints = (...names: string[]) => (r: ValidationReport) => assert.deepEqual(r.results.map((x) => x.constraint?.replace('http://www.w3.org/ns/shacl#', 'sh:')), names);
const conforms = (r: ValidationReport) => assert.deepEqual(r.results, []);

const CONSTRAINT_CASES: ConstraintCase[] = [
  {
    name: 'sh:minCount and sh:maxCount',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 2 ; sh:message "one or two names"@en ] .',
    data: ['ex:a a ex:C ; ex:name "x" .', 'ex:a a ex:C .', 'ex:a a ex:C ; ex:name "x", "y", "z" .'],
    check: [conforms, constraints('sh:MinCountConstraintComponent'), constraints('sh:MaxCountConstraintComponent')],
  },
  {
    name: 'sh:datatype, with ill-formed literals ("abc"^^xsd:integer) as shacl-engine reports them',
    shapes: `ex:S a sh:NodeShape ; sh:targetClass ex:C ;
      sh:property [ sh:path ex:n ; sh:datatype xsd:integer ] , [ sh:path ex:d ; sh:datatype xsd:date ] , [ sh:path ex:s ; sh:datatype xsd:string ] , [ sh:path ex:b ; sh:datatype xsd:boolean ] .`,
    data: [
      'ex:a a ex:C ; ex:n 12 ; ex:d "2026-11-20"^^xsd:date ; ex:s "text" ; ex:b true .',
      'ex:a a ex:C ; ex:n "abc"^^xsd:integer, "1.5"^^xsd:integer, "12" ; ex:d "2026-1-2"^^xsd:date, "2027-02-30"^^xsd:date ; ex:s "en"@en, ex:iri ; ex:b "maybe"^^xsd:boolean, "1"^^xsd:boolean .',
    ],
    check: [conforms, (r) => assert.ok(r.results.length >= 6)],
  },
  {
    name: 'sh:pattern, with sh:flags, on literals and IRIs',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:name ; sh:pattern "^ab+c$" ; sh:flags "i" ] , [ sh:path ex:ref ; sh:pattern "/things/[^/]+$" ] .',
    data: ['ex:a a ex:C ; ex:name "ABBC" ; ex:ref <http://example.org/things/1> .', 'ex:a a ex:C ; ex:name "abd", _:b ; ex:ref <http://example.org/other/1>, "x/things/2" .'],
    check: [conforms, (r) => assert.equal(r.results.length, 3)],
  },
  {
    name: 'sh:minLength and sh:maxLength (IRIs count, blank nodes fail; a message fills only its own arguments)',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:name ; sh:minLength 2 ; sh:maxLength 5 ; sh:message "2 to {$maxLength} characters" ] .',
    data: ['ex:a a ex:C ; ex:name "abc" .', 'ex:a a ex:C ; ex:name "a", "abcdef", _:b, ex:longer-iri .'],
    check: [conforms, (r) => assert.deepEqual(new Set(r.results.map((x) => x.message)), new Set(['2 to {$maxLength} characters', '2 to 5 characters']))],
  },
  {
    name: 'sh:hasValue on a node and on a property',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:name ; sh:hasValue "x" ] . ex:T a sh:NodeShape ; sh:targetClass ex:D ; sh:hasValue ex:a .',
    data: ['ex:a a ex:C, ex:D ; ex:name "x", "y" .', 'ex:b a ex:C, ex:D ; ex:name "y" .'],
    check: [conforms, constraints('sh:HasValueConstraintComponent', 'sh:HasValueConstraintComponent')],
  },
  {
    name: 'sh:in (IRIs and literals, default message listing the values)',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:code ; sh:in ( ex:A ex:B "c" 1 ) ] .',
    data: ['ex:a a ex:C ; ex:code ex:A, "c", 1 .', 'ex:a a ex:C ; ex:code ex:Z, "C", "1", 1.0 .'],
    check: [conforms, (r) => assert.ok(r.results.length === 4 && r.results.every((x) => x.message === 'Value is not in http://example.org/A, http://example.org/B, c, 1'))],
  },
  {
    name: 'sh:nodeKind',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:ref ; sh:nodeKind sh:IRI ] , [ sh:path ex:lit ; sh:nodeKind sh:Literal ] , [ sh:path ex:any ; sh:nodeKind sh:BlankNodeOrIRI ] .',
    data: ['ex:a a ex:C ; ex:ref ex:b ; ex:lit "x" ; ex:any _:c .', 'ex:a a ex:C ; ex:ref "b", _:c ; ex:lit ex:x ; ex:any "y" .'],
    check: [conforms, (r) => assert.equal(r.results.length, 4)],
  },
  {
    name: 'sh:class, with rdfs:subClassOf read from the shapes graph (not the data graph, as shacl-engine)',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:owner ; sh:class ex:Org ] . ex:Company rdfs:subClassOf ex:Org .',
    data: ['ex:a a ex:C ; ex:owner ex:o . ex:o a ex:Company .', 'ex:a a ex:C ; ex:owner ex:o, ex:p, "lit" . ex:o a ex:Charity . ex:Charity rdfs:subClassOf ex:Org .'],
    check: [conforms, (r) => assert.equal(r.results.length, 3)],
  },
  {
    name: 'sh:targetClass reaches subclasses declared in the shapes graph, not those declared only in the data',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:Record ; sh:property [ sh:path ex:name ; sh:minCount 1 ] . ex:Asset rdfs:subClassOf ex:Record .',
    data: ['ex:a a ex:Asset . ex:b a ex:Org . ex:Org rdfs:subClassOf ex:Record .'],
    check: [(r) => assert.deepEqual(r.results.map((x) => x.focusNode), [`${EX}a`])],
  },
  {
    name: 'a node shape is also a class (implicit class target)',
    shapes: 'ex:Person a sh:NodeShape, rdfs:Class ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .',
    data: ['ex:a a ex:Person .', 'ex:a a ex:Other .'],
    check: [constraints('sh:MinCountConstraintComponent'), conforms],
  },
  {
    name: 'sh:node',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:address ; sh:node ex:Address ] . ex:Address sh:property [ sh:path ex:city ; sh:minCount 1 ] .',
    data: ['ex:a a ex:C ; ex:address ex:x . ex:x ex:city "C" .', 'ex:a a ex:C ; ex:address ex:x, ex:y . ex:x ex:city "C" .'],
    check: [conforms, constraints('sh:NodeConstraintComponent')],
  },
  {
    name: 'sh:or and sh:not (the conditional rules), with the field from fmarann:reportPath',
    shapes: `ex:Rule a sh:NodeShape ; sh:targetClass ex:C ; fmarann:reportPath ex:name ; sh:message "name is required when status is DONE" ;
      sh:or ( [ sh:not [ sh:property [ sh:path ex:status ; sh:hasValue ex:DONE ; sh:minCount 1 ] ] ] [ sh:property [ sh:path ex:name ; sh:minCount 1 ] ] ) .`,
    data: ['ex:a a ex:C ; ex:status ex:DONE ; ex:name "n" .', 'ex:a a ex:C ; ex:status ex:OPEN .', 'ex:a a ex:C ; ex:status ex:DONE .'],
    check: [conforms, conforms, (r) => assert.deepEqual(r.results.map((x) => [x.constraint, x.field]), [['http://www.w3.org/ns/shacl#OrConstraintComponent', 'name']])],
  },
  {
    name: 'sh:and and sh:xone',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:and ( [ sh:class ex:D ] [ sh:property [ sh:path ex:p ; sh:minCount 1 ] ] ) ; sh:xone ( [ sh:class ex:D ] [ sh:class ex:E ] ) .',
    data: ['ex:a a ex:C, ex:D ; ex:p 1 .', 'ex:a a ex:C, ex:D, ex:E .', 'ex:a a ex:C .'],
    check: [conforms, constraints('sh:AndConstraintComponent', 'sh:XoneConstraintComponent'), constraints('sh:AndConstraintComponent', 'sh:XoneConstraintComponent')],
  },
  {
    name: 'sh:targetNode (present in the data or not), sh:targetSubjectsOf, sh:targetObjectsOf',
    shapes: `ex:N a sh:NodeShape ; sh:targetNode ex:a, ex:absent, "lit" ; sh:nodeKind sh:IRI .
      ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .
      ex:O a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:nodeKind sh:BlankNode .`,
    data: ['ex:a ex:p ex:b . ex:c ex:p ex:b, _:x ; ex:q 1 .', []],
    check: [(r) => assert.deepEqual(new Set(r.results.map((x) => x.focusNode)), new Set(['lit', `${EX}a`, `${EX}b`])), conforms],
  },
  {
    name: 'sh:closed with sh:ignoredProperties (one result per statement), property shapes deactivated',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; sh:ignoredProperties ( rdf:type ) ; sh:property [ sh:path ex:name ] , [ sh:path ex:old ; sh:deactivated true ] .',
    data: ['ex:a a ex:C ; ex:name "x" .', 'ex:a a ex:C ; ex:name "x" ; ex:extra "1", "2" ; ex:old "o" .'],
    check: [conforms, (r) => assert.deepEqual(r.results.map((x) => [x.field, x.value]), [['ex:extra', '1'], ['ex:extra', '2'], ['ex:old', 'o']].map(([f, v]) => [`<${EX}${f.slice(3)}>`, v]))],
  },
  {
    name: 'sh:minInclusive, sh:minExclusive, sh:maxInclusive, sh:maxExclusive on numbers, dates and strings',
    shapes: `ex:S a sh:NodeShape ; sh:targetClass ex:C ;
      sh:property [ sh:path ex:n ; sh:minExclusive 0.0 ; sh:maxInclusive 100 ] , [ sh:path ex:d ; sh:minInclusive "2026-01-01"^^xsd:date ] ,
        [ sh:path ex:t ; sh:maxExclusive "2026-01-01T00:00:00Z"^^xsd:dateTime ] , [ sh:path ex:s ; sh:minInclusive "m" ] .`,
    data: [
      'ex:a a ex:C ; ex:n 5, 100, 0.5 ; ex:d "2026-06-01"^^xsd:date ; ex:t "2025-06-01T00:00:00Z"^^xsd:dateTime ; ex:s "n" .',
      'ex:a a ex:C ; ex:n 0, -1, 101, "5", "abc"^^xsd:decimal ; ex:d "2025-06-01"^^xsd:date, "2026-06-01" ; ex:t "2025-06-01T00:00:00"^^xsd:dateTime ; ex:s "a", 5 .',
    ],
    check: [conforms, (r) => assert.ok(r.results.length >= 9)],
  },
  {
    name: 'sh:lessThan and sh:lessThanOrEquals (every pair of values, incomparable ones fail)',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:from ; sh:lessThan ex:to ] , [ sh:path ex:min ; sh:lessThanOrEquals ex:max ] .',
    data: [
      'ex:a a ex:C ; ex:from "2026-01-01"^^xsd:date ; ex:to "2026-02-01"^^xsd:date ; ex:min 5 ; ex:max 5.0 .',
      'ex:a a ex:C ; ex:from "2026-03-01"^^xsd:date, "2026-01-01" ; ex:to "2026-02-01"^^xsd:date, "2026-01-01"^^xsd:date ; ex:min 6, "x" ; ex:max 5 .',
    ],
    check: [conforms, (r) => assert.ok(r.results.length >= 5)],
  },
  {
    name: 'sh:disjoint and sh:equals (on a property and on a node)',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:disjoint ex:b ] , [ sh:path ex:x ; sh:equals ex:y ] . ex:T a sh:NodeShape ; sh:targetClass ex:D ; sh:equals ex:self .',
    data: ['ex:s a ex:C, ex:D ; ex:a 1 ; ex:b 2 ; ex:x 1, 2 ; ex:y 2, 1 ; ex:self ex:s .', 'ex:s a ex:C, ex:D ; ex:a 1, 2 ; ex:b 2 ; ex:x 1, 3 ; ex:y 2, 1 ; ex:self ex:s, ex:t .'],
    check: [conforms, (r) => assert.equal(r.results.length, 4)],
  },
  {
    name: 'sh:severity and conformance: warnings and infos do not break it',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:severity sh:Warning ] , [ sh:path ex:note ; sh:minCount 1 ; sh:severity sh:Info ] .',
    data: ['ex:a a ex:C .'],
    check: [(r) => assert.deepEqual([r.conforms, r.results.map((x) => x.severity).sort()], [true, ['Info', 'Warning']])],
  },
  {
    name: 'sh:message: several languages, {$...} arguments, none (default messages), empty',
    shapes: `ex:S a sh:NodeShape ; sh:targetClass ex:C ;
      sh:property [ sh:path ex:a ; sh:minCount 2 ; sh:message "au moins {$minCount}"@fr, "at least {$minCount}"@en ] ,
        [ sh:path ex:b ; sh:datatype xsd:integer ] , [ sh:path ex:c ; sh:pattern "^x" ; sh:message "" ] , [ sh:path ex:d ; sh:class ex:K ] .`,
    data: ['ex:s a ex:C ; ex:b "x" ; ex:c "y" ; ex:d ex:e .'],
    check: [(r) => assert.ok(r.results.some((x) => x.message === 'Value does not have datatype <http://www.w3.org/2001/XMLSchema#integer>'))],
  },
  {
    name: 'sh:deactivated shapes validate nothing',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:deactivated true ] . ex:T a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated true ; sh:class ex:Nope .',
    data: ['ex:a a ex:C .'],
    check: [conforms],
  },
  {
    name: "shacl-engine's memo: a shape shared by two classes of one node repeats only its property-level results",
    shapes: `ex:A a sh:NodeShape ; sh:targetClass ex:C1 ; sh:property ex:common . ex:B a sh:NodeShape ; sh:targetClass ex:C2 ; sh:property ex:common .
      ex:common a sh:PropertyShape ; sh:path ex:name ; sh:minCount 2 ; sh:datatype xsd:integer .`,
    data: ['ex:a a ex:C1, ex:C2 ; ex:name "x" .', 'ex:a a ex:C1 ; ex:name "x" . ex:b a ex:C2 ; ex:name "y" .'],
    check: [constraints('sh:MinCountConstraintComponent', 'sh:MinCountConstraintComponent', 'sh:DatatypeConstraintComponent'), (r) => assert.equal(r.results.length, 4)],
  },
  {
    name: "shacl-engine's memo within one shape: sh:not of a shape sharing a property shape sees only its property-level results",
    shapes: `ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:shared ; sh:not ex:M . ex:M sh:property ex:shared .
      ex:shared sh:path ex:code ; sh:in ( ex:A ) ; sh:maxCount 1 .`,
    data: ['ex:a a ex:C ; ex:code ex:B .', 'ex:a a ex:C ; ex:code ex:A, ex:B .'],
    // The second visit of ex:shared repeats no sh:in result, so ex:M "conforms" and sh:not fails.
    check: [constraints('sh:NotConstraintComponent', 'sh:InConstraintComponent'), constraints('sh:MaxCountConstraintComponent', 'sh:InConstraintComponent')],
  },
  {
    name: "shacl-engine's memo under values: nested shapes reached twice on one value",
    shapes: `ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:N ] , [ sh:path ex:q ; sh:node ex:N ] .
      ex:N sh:property [ sh:path ex:name ; sh:minCount 1 ] ; sh:property ex:shared . ex:shared sh:path ex:code ; sh:in ( ex:A ) .
      ex:T a sh:NodeShape ; sh:targetClass ex:D ; sh:property [ sh:path ex:p ; sh:or ( ex:N2 [ sh:class ex:K ] ) ] .
      ex:N2 sh:property ex:shared2 ; sh:not ex:M2 . ex:M2 sh:property ex:shared2 . ex:shared2 sh:path ex:code ; sh:in ( ex:A ) .`,
    data: ['ex:a a ex:C ; ex:p ex:v ; ex:q ex:v . ex:v ex:code ex:B .', 'ex:a a ex:C ; ex:p ex:v, ex:w . ex:b a ex:C ; ex:p ex:v . ex:v ex:name "n" .', 'ex:a a ex:D ; ex:p ex:v . ex:v ex:code ex:B .'],
  },
  {
    name: 'SHACL-SPARQL: a sh:sparql rule (run through Comunica) and a shape mixing SPARQL with sh:property (left to shacl-engine)',
    shapes: `<${EX}> sh:declare [ sh:prefix "ex" ; sh:namespace "${EX}"^^xsd:anyURI ] .
      ex:Rule a sh:NodeShape ; sh:targetClass ex:C ; sh:severity sh:Warning ; fmarann:reportPath ex:name ;
        sh:sparql [ a sh:SPARQLConstraint ; sh:message "{?value} is longer than {$limit}" ; sh:prefixes <${EX}> ;
          sh:select "SELECT $this ?value (3 AS ?limit) WHERE { $this ex:name ?value . FILTER (STRLEN(?value) > 3) }" ] .
      ex:Mixed a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:name ; sh:maxCount 1 ] ;
        sh:sparql [ sh:prefixes <${EX}> ; sh:select "SELECT $this ?path WHERE { $this ?path ex:Bad }" ] .`,
    data: ['ex:a a ex:C ; ex:name "abc" .', 'ex:a a ex:C ; ex:name "abcd", "abcde" ; ex:status ex:Bad . ex:b a ex:C ; ex:name "toolong" .', 'ex:a a ex:Other ; ex:name "abcdef" .'],
    check: [conforms, (r) => assert.ok(r.results.some((x) => x.message === '"abcd" is longer than "3"^^<http://www.w3.org/2001/XMLSchema#integer>' && x.field === 'name')), conforms],
  },
  {
    name: 'data in named graphs, repeated statements, and an empty data graph',
    shapes: 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:name ; sh:maxCount 1 ; sh:minLength 3 ] .',
    data: [
      [
        quad(namedNode(`${EX}a`), namedNode(`${RDF}type`), namedNode(`${EX}C`)),
        quad(namedNode(`${EX}a`), namedNode(`${EX}name`), literal('x'), namedNode(`${EX}g1`)),
        quad(namedNode(`${EX}a`), namedNode(`${EX}name`), literal('x'), namedNode(`${EX}g2`)),
        quad(namedNode(`${EX}a`), namedNode(`${EX}name`), literal('y')),
        quad(namedNode(`${EX}a`), namedNode(`${EX}name`), literal('y')),
      ],
      [],
    ],
    check: [(r) => assert.equal(r.results.length, 3), conforms],
  },
];

describe('The compiled SHACL validator (CompiledShapes)', function () {
  this.timeout(600_000);

  describe('agrees with shacl-engine on the FMAR shapes', () => {
    let fmar: FmarValidation;
    let compiled: CompiledValidator;
    const records = new Map<string, Quad[]>();
    before(async () => {
      fmar = await loadFmarValidation(join(root, 'shapes'));
      const shapes = parseTurtle(await readFile(join(root, 'shapes/fmar-shapes.ttl'), 'utf8'), 'https://w3id.org/fmar/shapes');
      compiled = new CompiledValidator(shapes, { fieldNames: fmar.fieldNames });
      const files = ['docs/examples/asset.jsonld', 'docs/examples/organisation.jsonld', ...['asset.nq', 'asset.nt', 'asset.ttl'].map((f) => `test/fixtures/asset/valid/rdf/${f}`)];
      for (const file of [...files.map((f) => join(root, f)), ...manifest.map((f) => join(fixturesDir, f.file))]) {
        try {
          records.set(file.slice(root.length + 1), await readRdfFile(file, fmar.documentLoader));
        } catch {
          // Fixtures the JSON-LD parser refuses never reach SHACL.
        }
      }
    });

    it('compiles them whole: SPARQL rules run through Comunica, none left to shacl-engine', () => {
      const kinds = compiled.shapes.topLevel.map((s) => s.kind);
      assert.equal(kinds.filter((k) => k === 'sparql').length, 2);
      assert.equal(kinds.filter((k) => k === 'delegated').length, 0);
    });

    it('gives the same report on every example and rule fixture', async () => {
      assert.ok(records.size >= 120, `only ${records.size} records read`);
      for (const [file, quads] of records) {
        try {
          await sameReport(fmar.validator, compiled, quads);
        } catch (error) {
          throw new Error(`${file}: ${(error as Error).message}`);
        }
      }
    });

    describe('on randomly broken records (fast-check)', () => {
      let pools: MutationPools;
      before(() => {
        pools = mutationPools([...records.values()]);
      });

      it(`gives the same report on ${ASSET_RUNS} broken assets`, async () => {
        const assets = [...records.entries()].filter(([file]) => file.includes('asset') && !file.includes('invalid')).map(([, q]) => q);
        await fc.assert(
          fc.asyncProperty(brokenRecord(assets, pools), async (data) => {
            await sameReport(fmar.validator, compiled, data);
          }),
          { numRuns: ASSET_RUNS },
        );
      });

      it(`gives the same report on ${ORGANISATION_RUNS} broken organisations (SHACL-SPARQL rules included)`, async () => {
        const organisations = [...records.entries()].filter(([file]) => file.includes('organisation') && !file.includes('invalid')).map(([, q]) => q);
        await fc.assert(
          fc.asyncProperty(brokenRecord(organisations, pools), async (data) => {
            await sameReport(fmar.validator, compiled, data);
          }),
          { numRuns: ORGANISATION_RUNS },
        );
      });
    });
  });

  describe('agrees with shacl-engine on the W3C SHACL test suite, wherever it compiles the shapes', () => {
    it('every case it compiles gives the same report; the others are refused, never miscompiled', async () => {
      const cases = await readShaclSuite(join(sharedDir(), 'conformance/shacl/manifest.ttl'));
      const compiledCases: string[] = [];
      for (const testCase of cases) {
        let compiled: CompiledValidator;
        try {
          compiled = new CompiledValidator(testCase.shapes);
        } catch (error) {
          if (error instanceof UnsupportedShapesError) continue;
          throw error;
        }
        let reference: ValidationReport | undefined;
        try {
          reference = await new ShaclValidator(testCase.shapes).validate(testCase.data);
        } catch (error) {
          // shacl-engine fails on these (SPARQL the suite expects an engine to refuse): so must the compiled one.
          await assert.rejects(compiled.validate(testCase.data), { message: (error as Error).message }, testCase.name);
          compiledCases.push(testCase.name);
          continue;
        }
        assert.deepStrictEqual(await compiled.validate(testCase.data), reference, testCase.name);
        compiledCases.push(testCase.name);
      }
      assert.ok(compiledCases.length >= 94, `only ${compiledCases.length} cases compiled`);
    });
  });

  describe('agrees with shacl-engine on each supported constraint', () => {
    for (const c of CONSTRAINT_CASES) {
      it(c.name, async () => {
        const shapes = parseTurtle(PREFIXES + c.shapes);
        const reference = new ShaclValidator(shapes, { fieldNames: new Map([[`${EX}name`, 'name']]) });
        const compiled = new CompiledValidator(shapes, { fieldNames: new Map([[`${EX}name`, 'name']]) });
        for (const [i, data] of c.data.entries()) {
          let report: ValidationReport;
          try {
            report = await sameReport(reference, compiled, typeof data === 'string' ? parseTurtle(PREFIXES + data) : data);
          } catch (error) {
            throw new Error(`data #${i}: ${(error as Error).message}`);
          }
          c.check?.[i]?.(report);
        }
      });
    }
  });

  describe('refuses SHACL it does not compile, naming it', () => {
    const refusals: [string, string, RegExp][] = [
      ['sh:qualifiedValueShape', 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 1 ] .', /sh:qualifiedValueShape is not supported/],
      ['sh:and over a shape validated twice on a node (shacl-engine runs the branches concurrently)', 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:and ( ex:T ex:T ) . ex:T sh:class ex:D .', /sh:and over a shape that can be validated twice on one node \(<http:\/\/example.org\/T>\)/],
      ['sh:xone on a property shape', 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:xone ( [ sh:class ex:D ] [ sh:class ex:E ] ) ] .', /sh:xone over a shape that can be validated twice/],
      ['sh:languageIn', 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:languageIn ( "en" ) ] .', /sh:languageIn is not supported/],
      ['sh:uniqueLang', 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:uniqueLang true ] .', /sh:uniqueLang is not supported/],
      ['an inverse path', 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ] .', /path form sh:inversePath is not supported/],
      ['a sequence path', 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .', /path form rdf:first, rdf:rest is not supported/],
      ['sh:target (SPARQL-based targets)', 'ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this ?p ?o }" ] ; sh:class ex:D .', /the target sh:target is not supported/],
      ['two values of a one-value parameter', 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1, 2 ] .', /sh:minCount has 2 values/],
      ['recursive shapes', 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P . ex:P sh:path ex:p ; sh:node ex:S .', /recursive shapes are not supported/],
      ['a severity other than Violation, Warning, Info', 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:severity ex:Fatal ; sh:class ex:D .', /the severity <http:\/\/example.org\/Fatal> is not supported/],
      ['an unknown SHACL term', 'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:rule [ ] .', /sh:rule is not supported/],
    ];
    for (const [what, shapes, message] of refusals) {
      it(what, () => {
        assert.throws(() => CompiledShapes.compile(parseTurtle(PREFIXES + shapes)), (error: unknown) => error instanceof UnsupportedShapesError && message.test(error.message));
      });
    }

    it('ignores what shacl-engine never validates: a shape without targets that no targeted shape uses', () => {
      const compiled = CompiledShapes.compile(parseTurtle(`${PREFIXES} ex:Unused a sh:PropertyShape ; sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 1 .`));
      assert.equal(compiled.topLevel.length, 0);
    });

    it('refuses sh:sparql when asked to compile it', () => {
      const shapes = parseTurtle(`${PREFIXES} ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ?v }" ] .`);
      assert.throws(() => CompiledShapes.compile(shapes, { sparql: false }), /sh:sparql constraints are not compiled/);
    });
  });

  describe('choosing the engine (FMAR_SHACL_ENGINE)', () => {
    it('is compiled by default, shacl-engine on request, and nothing else', () => {
      assert.equal(parseShaclEngine(undefined), 'compiled');
      assert.equal(parseShaclEngine('shacl-engine'), 'shacl-engine');
      assert.throws(() => parseShaclEngine('jena'), /FMAR_SHACL_ENGINE must be compiled or shacl-engine/);
    });

    it('opens the requested engine', () => {
      const shapes = parseTurtle(`${PREFIXES} ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:class ex:D .`);
      assert.ok(openShapesValidator('compiled', shapes, new Map()).validator instanceof CompiledValidator);
      assert.ok(openShapesValidator('shacl-engine', shapes, new Map()).validator instanceof ShaclValidator);
    });

    it('falls back to shacl-engine, with a warning naming the reason, when the compiler refuses the shapes', () => {
      const warnings: string[] = [];
      const shapes = parseTurtle(`${PREFIXES} ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 1 ] .`);
      const { engine, validator } = openShapesValidator('compiled', shapes, new Map(), (w) => warnings.push(w));
      assert.equal(engine, 'shacl-engine');
      assert.ok(validator instanceof ShaclValidator);
      assert.match(warnings.join('\n'), /validating with shacl-engine instead: cannot compile a blank-node shape: the constraint component sh:qualifiedValueShape is not supported/);
    });
  });
});
