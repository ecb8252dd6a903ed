import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFactory, Store, type Quad, type Term } from 'n3';
import { FMAR, FMAR_ANN, FMAR_CODE, OWL, RDF, RDFS, SH, SKOS, localName } from '../rdf/namespaces.js';
import { parseTurtle } from '../rdf/readTurtle.js';
import type { ClassInfo, CodeConcept, CodeScheme, OntologyModel, PropertyInfo, RuleInfo, Sensitivity } from './OntologyModel.js';

const { namedNode } = DataFactory;
const ALIGNMENT_RELATIONS = [`${RDFS}subClassOf`, `${RDFS}subPropertyOf`, `${SKOS}closeMatch`, `${SKOS}exactMatch`, `${SKOS}relatedMatch`];

/** The ontology files: fmar.ttl first, then every code list in name order. */
export async function ontologySourceFiles(ontologyDir: string): Promise<string[]> {
  const codelists = (await readdir(join(ontologyDir, 'codelists'))).filter((f) => f.endsWith('.ttl')).sort();
  return [join(ontologyDir, 'fmar.ttl'), ...codelists.map((f) => join(ontologyDir, 'codelists', f))];
}

export async function loadOntologyModel(ontologyDir: string): Promise<OntologyModel> {
  const quads: Quad[] = [];
  for (const file of await ontologySourceFiles(ontologyDir)) {
    try {
      quads.push(...parseTurtle(await readFile(file, 'utf8'), `file://${file}`));
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
  }
  return buildOntologyModel(quads);
}

/** Builds the model from parsed quads; the quad order decides the order of code list concepts. */
export function buildOntologyModel(quads: Quad[]): OntologyModel {
  const store = new Store(quads);
  const read = new GraphReader(store);
  const ontology = store.getSubjects(`${RDF}type`, `${OWL}Ontology`, null)[0];
  if (!ontology) throw new Error('no owl:Ontology in the ontology files');

  const classes = store
    .getSubjects(`${RDF}type`, `${OWL}Class`, null)
    .filter((s) => s.termType === 'NamedNode' && s.value.startsWith(FMAR))
    .map((s): ClassInfo => ({
      iri: s.value,
      name: localName(s.value),
      label: read.required(s, `${RDFS}label`),
      definition: read.required(s, `${SKOS}definition`),
      superClasses: read.iris(s, `${RDFS}subClassOf`).filter((c) => c.startsWith(FMAR)),
      abstract: read.boolean(s, `${FMAR_ANN}abstract`),
      recordPath: read.optional(s, `${FMAR_ANN}recordPath`),
      identifierProperty: read.optionalIri(s, `${FMAR_ANN}identifierProperty`),
      source: read.optional(s, `${FMAR_ANN}source`),
      alignments: read.alignments(s),
    }))
    .sort(byName);
  const classIris = new Set(classes.map((c) => c.iri));

  const properties = [`${OWL}DatatypeProperty`, `${OWL}ObjectProperty`]
    .flatMap((type) => store.getSubjects(`${RDF}type`, type, null).map((s) => ({ s, type })))
    .filter(({ s }) => s.value.startsWith(FMAR))
    .map(({ s, type }) => ({ s, type, domains: read.domains(s) }))
    .filter(({ domains }) => domains.length > 0 && domains.every((d) => classIris.has(d)))
    .map(({ s, type, domains }): PropertyInfo => {
      const name = localName(s.value);
      return {
        iri: s.value,
        name,
        jsonName: read.optional(s, `${FMAR_ANN}jsonName`) ?? name,
        label: read.required(s, `${RDFS}label`),
        definition: read.required(s, `${SKOS}definition`),
        kind: type === `${OWL}ObjectProperty` ? 'object' : 'datatype',
        domains,
        range: read.requiredIri(s, `${RDFS}range`),
        functional: store.has(DataFactory.quad(s as never, namedNode(`${RDF}type`), namedNode(`${OWL}FunctionalProperty`))),
        required: read.boolean(s, `${FMAR_ANN}required`),
        requiredFor: read.iris(s, `${FMAR_ANN}requiredFor`),
        minCount: read.number(s, `${FMAR_ANN}minCount`),
        systemAssigned: read.boolean(s, `${FMAR_ANN}systemAssigned`),
        administratorOnly: read.boolean(s, `${FMAR_ANN}administratorOnly`),
        pattern: read.optional(s, `${FMAR_ANN}pattern`),
        patternDescription: read.optional(s, `${FMAR_ANN}patternDescription`),
        minLength: read.number(s, `${FMAR_ANN}minLength`),
        maxLength: read.number(s, `${FMAR_ANN}maxLength`),
        minInclusive: read.number(s, `${FMAR_ANN}minInclusive`),
        minExclusive: read.number(s, `${FMAR_ANN}minExclusive`),
        maxInclusive: read.number(s, `${FMAR_ANN}maxInclusive`),
        maxDecimals: read.number(s, `${FMAR_ANN}maxDecimals`),
        unit: read.optionalIri(s, `${FMAR_ANN}unit`),
        codeList: read.optionalIri(s, `${FMAR_ANN}codeList`),
        referencesClass: read.optionalIri(s, `${FMAR_ANN}referencesClass`),
        sensitivity: sensitivityOf(read.optionalIri(s, `${FMAR_ANN}sensitivity`), s.value),
        lessThanOrEquals: read.iris(s, `${FMAR_ANN}lessThanOrEquals`),
        lessThan: read.iris(s, `${FMAR_ANN}lessThan`),
        disjointWith: read.iris(s, `${FMAR_ANN}disjointWith`),
        multiline: read.boolean(s, `${FMAR_ANN}multiline`),
        order: read.number(s, `${FMAR_ANN}order`) ?? 1000,
        source: read.optional(s, `${FMAR_ANN}source`),
        elexonTerm: read.optional(s, `${FMAR_ANN}elexonTerm`),
        elexonAttribute: read.optional(s, `${FMAR_ANN}elexonAttribute`),
        alignments: read.alignments(s),
      };
    })
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));

  const schemes = readSchemes(quads, store, read);
  const rules = readRules(store, read);
  const model: OntologyModel = {
    iri: ontology.value,
    versionIri: read.requiredIri(ontology, `${OWL}versionIRI`),
    version: read.required(ontology, `${OWL}versionInfo`),
    label: read.required(ontology, `${RDFS}label`),
    description: read.required(ontology, 'http://purl.org/dc/terms/description'),
    classes,
    properties,
    schemes,
    rules,
    store,
  };
  checkModel(model);
  return model;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name);
}

function sensitivityOf(iri: string | undefined, property: string): Sensitivity {
  if (!iri || iri === `${FMAR_ANN}Public`) return 'PUBLIC';
  if (iri === `${FMAR_ANN}Restricted`) return 'RESTRICTED';
  if (iri === `${FMAR_ANN}Personal`) return 'PERSONAL';
  throw new Error(`${property}: unknown sensitivity ${iri}`);
}

function readSchemes(quads: Quad[], store: Store, read: GraphReader): CodeScheme[] {
  const firstSeen = new Map<string, number>();
  quads.forEach((q, i) => {
    if (!firstSeen.has(q.subject.value)) firstSeen.set(q.subject.value, i);
  });
  return store
    .getSubjects(`${RDF}type`, `${SKOS}ConceptScheme`, null)
    // Code lists of records live under FMAR_CODE; fmarann:DataSensitivity is the generators' own.
    .filter((s) => s.value.startsWith(FMAR_CODE))
    .map((s): CodeScheme => ({
      iri: s.value,
      name: localName(s.value),
      label: read.required(s, `${SKOS}prefLabel`),
      definition: read.required(s, `${SKOS}definition`),
      concepts: store
        .getSubjects(`${SKOS}inScheme`, s, null)
        .map((c): CodeConcept => ({
          iri: c.value,
          scheme: s.value,
          notation: read.required(c, `${SKOS}notation`),
          label: read.required(c, `${SKOS}prefLabel`),
          definition: read.required(c, `${SKOS}definition`),
          active: read.booleanRequired(c, `${FMAR}isActive`),
          mpanDistributorId: read.optional(c, `${FMAR}mpanDistributorId`),
        }))
        .sort((a, b) => firstSeen.get(a.iri)! - firstSeen.get(b.iri)!),
    }))
    .sort(byName);
}

function readRules(store: Store, read: GraphReader): RuleInfo[] {
  const kinds: [string, RuleInfo['kind']][] = [
    [`${FMAR_ANN}ConditionalRule`, 'conditional'],
    [`${FMAR_ANN}SparqlRule`, 'sparql'],
    [`${FMAR_ANN}PrefixConsistencyRule`, 'prefix'],
  ];
  return kinds
    .flatMap(([type, kind]) =>
      store.getSubjects(`${RDF}type`, type, null).map((s): RuleInfo => ({
        iri: s.value,
        name: localName(s.value),
        kind,
        label: read.required(s, `${RDFS}label`),
        appliesTo: read.requiredIri(s, `${FMAR_ANN}appliesTo`),
        message: read.required(s, `${FMAR_ANN}message`),
        severity: read.optionalIri(s, `${FMAR_ANN}severity`) === `${SH}Warning` ? 'Warning' : 'Violation',
        reportPath: read.optionalIri(s, `${FMAR_ANN}reportPath`),
        source: read.optional(s, `${FMAR_ANN}source`),
        when: store.getObjects(s, `${FMAR_ANN}when`, null),
        then: store.getObjects(s, `${FMAR_ANN}then`, null),
        thenOneOf: store.getObjects(s, `${FMAR_ANN}thenOneOf`, null).flatMap((list) => read.list(list)),
        select: read.optional(s, `${FMAR_ANN}select`),
        onProperty: read.optionalIri(s, `${FMAR_ANN}onProperty`),
        againstProperty: read.optionalIri(s, `${FMAR_ANN}againstProperty`),
        prefixFrom: read.optionalIri(s, `${FMAR_ANN}prefixFrom`),
      })),
    )
    .sort(byName);
}

/** Refuses a model the generators would turn into wrong artefacts. */
function checkModel(model: OntologyModel): void {
  const problems: string[] = [];
  const classIris = new Set(model.classes.map((c) => c.iri));
  const schemeIris = new Set(model.schemes.map((s) => s.iri));
  const propertyIris = new Set(model.properties.map((p) => p.iri));
  const jsonNames = new Map<string, string>();
  for (const p of model.properties) {
    const clash = jsonNames.get(p.jsonName);
    if (clash) problems.push(`JSON name ${p.jsonName} is used by both ${clash} and ${p.iri}`);
    jsonNames.set(p.jsonName, p.iri);
    if (p.codeList && !schemeIris.has(p.codeList)) problems.push(`${p.name}: code list ${p.codeList} is not defined`);
    if (p.referencesClass && !classIris.has(p.referencesClass)) problems.push(`${p.name}: referenced class ${p.referencesClass} is not defined`);
    for (const other of [...p.lessThan, ...p.lessThanOrEquals, ...p.disjointWith]) {
      if (!propertyIris.has(other)) problems.push(`${p.name}: compares with undefined property ${other}`);
    }
    for (const cls of p.requiredFor) if (!classIris.has(cls)) problems.push(`${p.name}: requiredFor names undefined class ${cls}`);
    if (p.pattern) {
      try {
        new RegExp(p.pattern);
      } catch (error) {
        problems.push(`${p.name}: pattern does not compile: ${(error as Error).message}`);
      }
    }
  }
  for (const c of model.classes) {
    if (c.identifierProperty && !propertyIris.has(c.identifierProperty)) problems.push(`${c.name}: identifier property ${c.identifierProperty} is not defined`);
  }
  for (const s of model.schemes) {
    const notations = new Set<string>();
    for (const c of s.concepts) {
      if (notations.has(c.notation)) problems.push(`${s.name}: duplicate notation ${c.notation}`);
      notations.add(c.notation);
      if (c.iri !== `${s.iri}/${c.notation}`) problems.push(`${c.iri}: concept IRI must be the scheme IRI, '/', and the notation`);
    }
  }
  for (const r of model.rules) {
    if (!classIris.has(r.appliesTo)) problems.push(`${r.name}: applies to undefined class ${r.appliesTo}`);
    if (r.reportPath && !propertyIris.has(r.reportPath)) problems.push(`${r.name}: report path ${r.reportPath} is not a property`);
    if (r.kind === 'conditional' && r.then.length + r.thenOneOf.length === 0) problems.push(`${r.name}: a conditional rule needs fmarann:then or fmarann:thenOneOf`);
    if (r.kind === 'sparql' && !r.select) problems.push(`${r.name}: a SPARQL rule needs fmarann:select`);
  }
  if (problems.length) throw new Error(`the ontology is inconsistent:\n- ${problems.join('\n- ')}`);
}

/** Small typed accessors over the ontology graph. */
class GraphReader {
  constructor(private readonly store: Store) {}

  private values(s: Term, p: string): Term[] {
    return this.store.getObjects(s as never, p, null);
  }
  optional(s: Term, p: string): string | undefined {
    const values = this.values(s, p);
    if (values.length > 1) throw new Error(`${s.value} has ${values.length} values of ${p}, expected one`);
    return values[0]?.value;
  }
  required(s: Term, p: string): string {
    const value = this.optional(s, p);
    if (value === undefined) throw new Error(`${s.value} has no ${p}`);
    return value;
  }
  optionalIri(s: Term, p: string): string | undefined {
    const term = this.values(s, p)[0];
    if (term && term.termType !== 'NamedNode') throw new Error(`${s.value}: ${p} must be an IRI`);
    return term?.value;
  }
  requiredIri(s: Term, p: string): string {
    const value = this.optionalIri(s, p);
    if (value === undefined) throw new Error(`${s.value} has no ${p}`);
    return value;
  }
  iris(s: Term, p: string): string[] {
    return this.values(s, p).filter((t) => t.termType === 'NamedNode').map((t) => t.value).sort();
  }
  number(s: Term, p: string): number | undefined {
    const value = this.optional(s, p);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`${s.value}: ${p} must be a number, got ${value}`);
    return n;
  }
  boolean(s: Term, p: string): boolean {
    return this.optional(s, p) === 'true';
  }
  booleanRequired(s: Term, p: string): boolean {
    const value = this.required(s, p);
    if (value !== 'true' && value !== 'false') throw new Error(`${s.value}: ${p} must be true or false`);
    return value === 'true';
  }
  list(head: Term): Term[] {
    const items: Term[] = [];
    let node = head;
    while (node.value !== `${RDF}nil`) {
      const first = this.values(node, `${RDF}first`)[0];
      const rest = this.values(node, `${RDF}rest`)[0];
      if (!first || !rest) throw new Error('malformed RDF list in the ontology');
      items.push(first);
      node = rest;
    }
    return items;
  }
  /** rdfs:domain as a class or an owl:unionOf list of classes. */
  domains(s: Term): string[] {
    return this.values(s, `${RDFS}domain`)
      .flatMap((d) => (d.termType === 'BlankNode' ? this.values(d, `${OWL}unionOf`).flatMap((l) => this.list(l)) : [d]))
      .map((t) => t.value)
      .sort();
  }
  alignments(s: Term): { relation: string; target: string }[] {
    return ALIGNMENT_RELATIONS.flatMap((relation) =>
      this.values(s, relation)
        .filter((t) => t.termType === 'NamedNode' && !t.value.startsWith(FMAR))
        .map((t) => ({ relation, target: t.value })),
    ).sort((a, b) => (a.relation + a.target).localeCompare(b.relation + b.target));
  }
}
