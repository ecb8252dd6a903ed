import { DataFactory, type Quad, type Quad_Object } from 'n3';
import type { DocumentLoader } from './documentLoader.js';
import { jsonLdToQuads } from './jsonLdToQuads.js';
import { FMAR_CONTEXT_URL, RDF, XSD } from './namespaces.js';
import { writeCompactJsonLd } from './serializeRdf.js';

const { namedNode, literal, defaultGraph, quad } = DataFactory;

/**
 * JSON-LD for flat FMAR records without jsonld.js on the hot paths: a codec compiled once from the JSON
 * context document (the generated shapes/context.jsonld, or the one a registry generates for its base IRI).
 *
 * jsonld.js stays the reference. Each direction has a fast path for the subset of documents the codec
 * understands and hands everything else to the jsonld.js functions unchanged (`jsonLdToQuads`,
 * `writeCompactJsonLd`), so a document outside the subset gives exactly what it gave before, errors included.
 * The fast paths follow jsonld.js 9 step by step (expand + toRDF in safe mode, fromRDF + compact); where a
 * step would depend on anything the codec does not model, the fast path declines instead of guessing.
 *
 * The subset, write direction (`toQuads`): one JSON object whose `@context` is the context URL, `@id` an
 * absolute IRI of the form scheme://..., `@type` a class term (or an array of them), and every other key a
 * property term of the context whose value is null, a scalar, or an array of scalars of the kind the term
 * coerces to: a code or record ID (or a full IRI) for `@type: @vocab` terms, a full IRI for `@type: @id`
 * terms, a string for typed and untyped terms, a JSON number for xsd:decimal and xsd:integer terms (written
 * as in JSON, like jsonLdToQuads), a JSON boolean for xsd:boolean terms. Unknown keys, keywords other than
 * `@context`/`@id`/`@type`, nested objects, value objects, nested arrays, other contexts, and values that are
 * terms, compact IRIs, blank nodes or would not be absolute IRIs all take the jsonld.js path.
 *
 * The subset, read direction (`toCompactJson`): quads whose subject is the record IRI (graphs are merged, as
 * writeCompactJsonLd does), whose predicates are rdf:type (with a class term's IRI as object) or the IRI of
 * exactly one property term, and whose objects are what that term compacts to a bare JSON value: a literal
 * of the term's datatype (xsd:string for untyped terms), or an IRI for `@vocab`/`@id` terms that compacts
 * to a code, a record ID or itself (not to a term or compact IRI).
 */

/** How a value for a property term becomes RDF, and back. */
type TermKind = 'vocab' | 'id' | 'typed' | 'plain';

interface PropertyTerm {
  name: string;
  iri: string;
  kind: TermKind;
  /** Datatype IRI, for typed terms. */
  datatype?: string;
  /** The property-scoped @vocab, for @vocab terms. */
  vocab?: string;
  /** `@container: @set`: always an array in compacted form. */
  set: boolean;
  /** Read direction: JSON number or boolean instead of the lexical form (RecordRepresentation's rule). */
  native?: NativeType;
  /** The predicate, made once. */
  predicate: ReturnType<typeof namedNode>;
}

export type NativeType = 'number' | 'boolean';

export interface FlatRecordCodecOptions {
  /** The context URL records use and the loader answers (default https://w3id.org/fmar/context/v1). */
  contextUrl?: string;
  /**
   * JSON name -> native JSON type of its values in the read direction. Default: terms typed xsd:decimal
   * or xsd:integer are numbers, xsd:boolean terms booleans.
   */
  nativeTypes?: ReadonlyMap<string, NativeType>;
}

/** jsonld.js's absolute IRI test (lib/url.js isAbsolute). */
const JSONLD_ABSOLUTE = /^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$/;
/** An absolute IRI that jsonld.js returns unexpanded whatever the context holds: scheme://... */
const SCHEME_SLASH_SLASH = /^[A-Za-z][A-Za-z0-9+-.]*:\/\/[^\s]*$/;
/** An absolute IRI that is not a blank node label. */
const IRI = /^[A-Za-z][A-Za-z0-9+-.]*:[^\s]*$/;
/** Characters that make a simple term usable as a compact-IRI prefix (JSON-LD 1.1, create term definition). */
const GEN_DELIM_END = /[:/?#[\]@]$/;
const RDF_TYPE = `${RDF}type`;
const RDF_NIL = `${RDF}nil`;
const XSD_STRING = `${XSD}string`;
const XSD_BOOLEAN = `${XSD}boolean`;
const NUMBER_LEXICAL = new Set([`${XSD}decimal`, `${XSD}integer`]);
const STRING_DATATYPE = namedNode(XSD_STRING);
const TYPE_PREDICATE = namedNode(RDF_TYPE);

/** The compiled context; `undefined` fields mean the context uses something the codec does not model. */
interface CompiledContext {
  /** Every term name of the context (values or keys equal to a term take the jsonld.js path). */
  termNames: Set<string>;
  /** Simple (string) terms such as class names: term -> IRI. */
  simpleTerms: Map<string, string>;
  /** Property terms the fast path handles, by JSON name. */
  properties: Map<string, PropertyTerm>;
  /** IRI -> the only term mapping to it (absent when none or several do). */
  propertyByIri: Map<string, PropertyTerm>;
  /** IRI -> the only simple term mapping to it, for rdf:type objects. */
  classByIri: Map<string, string>;
  /** IRIs some term maps to: an IRI value equal to one would compact to a term, not to itself. */
  termIris: Set<string>;
  /** Terms usable as compact-IRI prefixes, with their IRIs. */
  prefixes: [string, string][];
}

export class FlatRecordCodec {
  readonly contextUrl: string;
  private readonly compiled?: CompiledContext;
  /** JSON name -> native type, for both paths. */
  private readonly nativeTypes: ReadonlyMap<string, NativeType>;
  private readonly datatypes = new Map<string, ReturnType<typeof namedNode>>();

  /**
   * @param contextDocument the JSON document the loader serves for the context URL ({"@context": {...}}).
   * @param documentLoader the loader the jsonld.js fallback uses (the same one as before).
   */
  constructor(contextDocument: unknown, private readonly documentLoader: DocumentLoader, options: FlatRecordCodecOptions = {}) {
    this.contextUrl = options.contextUrl ?? FMAR_CONTEXT_URL;
    this.compiled = compileContext(contextDocument);
    this.nativeTypes = options.nativeTypes ?? new Map([...(this.compiled?.properties.values() ?? [])].flatMap((p) => {
      const native = defaultNative(p);
      return native ? [[p.name, native] as const] : [];
    }));
    for (const property of this.compiled?.properties.values() ?? []) property.native = this.nativeTypes.get(property.name);
  }

  /** Compiles the codec from the context the loader serves; a loader without it gives a codec that always falls back. */
  static async load(documentLoader: DocumentLoader, options: FlatRecordCodecOptions = {}): Promise<FlatRecordCodec> {
    const url = options.contextUrl ?? FMAR_CONTEXT_URL;
    const document = await documentLoader(url).then((d) => d.document, () => undefined);
    return new FlatRecordCodec(typeof document === 'string' ? safeJsonParse(document) : document, documentLoader, options);
  }

  /** True when the context compiled: otherwise every call takes the jsonld.js path. */
  get compiledFast(): boolean {
    return this.compiled !== undefined;
  }

  /** The quads of a JSON-LD document: the fast path when it is a flat record, jsonLdToQuads otherwise. */
  async toQuads(document: unknown): Promise<Quad[]> {
    return this.fastQuads(document) ?? jsonLdToQuads(document, this.documentLoader);
  }

  /**
   * The compacted JSON of one record's quads (graphs merged), numbers and booleans native: the fast path
   * when the quads are a flat record, writeCompactJsonLd otherwise.
   */
  async toCompactJson(quads: Quad[], recordIri: string): Promise<Record<string, unknown>> {
    return this.fastCompactJson(quads, recordIri) ?? this.nativeValues(await writeCompactJsonLd(quads, this.contextUrl, this.documentLoader));
  }

  /** The fast path of `toQuads` alone: undefined when the document is outside the subset. */
  fastQuads(document: unknown): Quad[] | undefined {
    const c = this.compiled;
    if (!c || !isPlainObject(document) || document['@context'] !== this.contextUrl) return undefined;
    const id = document['@id'];
    if (typeof id !== 'string' || !SCHEME_SLASH_SLASH.test(id)) return undefined;
    const typeIris = this.typeIris(document['@type']);
    if (!typeIris) return undefined;
    // Expansion visits keys in sorted order and merges values of one IRI; toRDF emits properties sorted by IRI.
    const byIri = new Map<string, { term: PropertyTerm; keys: Set<string>; objects: Quad_Object[] }>();
    for (const key of Object.keys(document).sort()) {
      if (key === '@context' || key === '@id' || key === '@type') continue;
      const term = c.properties.get(key);
      if (!term) return undefined;
      const value = document[key];
      if (value === null || value === undefined) continue;
      let entry = byIri.get(term.iri);
      if (!entry) byIri.set(term.iri, (entry = { term, keys: new Set(), objects: [] }));
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item === null || item === undefined) continue;
        const object = this.objectOf(term, item);
        if (!object) return undefined;
        // The node map keeps one of equal values (jsonld.js compareValues after the numeric-lexical fix).
        if (entry.keys.has(object.key)) continue;
        entry.keys.add(object.key);
        entry.objects.push(object.term);
      }
    }
    const subject = namedNode(id);
    const graph = defaultGraph();
    const out: Quad[] = [];
    for (const t of typeIris) out.push(quad(subject, TYPE_PREDICATE, namedNode(t), graph));
    for (const iri of [...byIri.keys()].sort()) {
      const { term, objects } = byIri.get(iri)!;
      for (const object of objects) out.push(quad(subject, term.predicate, object, graph));
    }
    return out;
  }

  /** The fast path of `toCompactJson` alone: undefined when the quads are outside the subset. */
  fastCompactJson(quads: Quad[], recordIri: string): Record<string, unknown> | undefined {
    const c = this.compiled;
    if (!c || !quads.length) return undefined;
    const id = this.compactIdIri(recordIri);
    if (id === undefined) return undefined;
    const types: string[] = [];
    const byIri = new Map<string, unknown[]>();
    for (const q of quads) {
      if (q.subject.termType !== 'NamedNode' || q.subject.value !== recordIri || q.predicate.termType !== 'NamedNode') return undefined;
      const o = q.object;
      if (q.predicate.value === RDF_TYPE && o.termType === 'NamedNode') {
        const term = c.classByIri.get(o.value);
        if (term === undefined) return undefined;
        types.push(term);
        continue;
      }
      const term = c.propertyByIri.get(q.predicate.value);
      if (!term) return undefined;
      const value = this.compactObject(term, o);
      if (value === undefined) return undefined;
      const values = byIri.get(term.iri);
      if (values) values.push(value);
      else byIri.set(term.iri, [value]);
    }
    const out: Record<string, unknown> = { '@context': this.contextUrl, '@id': id };
    if (types.length) out['@type'] = types.length === 1 ? types[0] : types;
    for (const iri of [...byIri.keys()].sort()) {
      const term = c.propertyByIri.get(iri)!;
      let values = byIri.get(iri)!;
      if (term.native) values = values.map((v) => toNative(term.native!, v));
      out[term.name] = term.set || values.length > 1 ? values : values[0];
    }
    return out;
  }

  /** RecordRepresentation's fix-up of jsonld.js output: lexical numbers and booleans become JSON ones. */
  nativeValues(compacted: Record<string, unknown>): Record<string, unknown> {
    const nodes = Array.isArray(compacted['@graph']) ? (compacted['@graph'] as Record<string, unknown>[]) : [compacted];
    for (const node of nodes) {
      for (const [key, value] of Object.entries(node)) {
        const type = this.nativeTypes.get(key);
        if (!type) continue;
        node[key] = Array.isArray(value) ? value.map((v) => toNative(type, v)) : toNative(type, value);
      }
    }
    return compacted;
  }

  private typeIris(value: unknown): string[] | undefined {
    const c = this.compiled!;
    const names = typeof value === 'string' ? [value] : Array.isArray(value) && value.length ? value : undefined;
    if (!names) return undefined;
    const iris: string[] = [];
    for (const name of names) {
      const iri = typeof name === 'string' ? c.simpleTerms.get(name) : undefined;
      if (iri === undefined) return undefined;
      if (!iris.includes(iri)) iris.push(iri);
    }
    return iris;
  }

  /** One JSON value of a property term as an RDF object, with its identity in the node map; undefined outside the subset. */
  private objectOf(term: PropertyTerm, value: unknown): { term: Quad_Object; key: string } | undefined {
    switch (term.kind) {
      case 'vocab': {
        if (typeof value !== 'string') return undefined;
        const iri = this.expandVocabValue(term.vocab!, value);
        return iri === undefined ? undefined : { term: namedNode(iri), key: `I${iri}` };
      }
      case 'id': {
        if (typeof value !== 'string') return undefined;
        const iri = this.expandIdValue(value);
        return iri === undefined ? undefined : { term: namedNode(iri), key: `I${iri}` };
      }
      case 'plain':
        return typeof value === 'string' ? { term: literal(value, STRING_DATATYPE), key: `S${value}` } : undefined;
      case 'typed': {
        const datatype = term.datatype!;
        let lexical: string;
        let key: string;
        if (typeof value === 'string') {
          lexical = value;
          key = `S${value}`;
        } else if (typeof value === 'number' && Number.isFinite(value) && NUMBER_LEXICAL.has(datatype)) {
          // jsonLdToQuads keeps the number as written in JSON (String(n)), before toRDF builds the node map.
          lexical = String(value);
          key = `S${lexical}`;
        } else if (typeof value === 'boolean' && datatype === XSD_BOOLEAN) {
          lexical = String(value);
          key = `B${lexical}`;
        } else {
          return undefined;
        }
        return { term: literal(lexical, this.datatype(datatype)), key };
      }
    }
  }

  /** jsonld.js _expandIri(value, {vocab: true, base: true}) in the property-scoped context, when safe to mirror. */
  private expandVocabValue(vocab: string, value: string): string | undefined {
    const c = this.compiled!;
    if (value.startsWith('@') || c.termNames.has(value)) return undefined;
    const colon = value.indexOf(':');
    let iri: string;
    if (colon === -1) iri = vocab + value;
    else if (colon === 0) return undefined;
    else iri = this.absoluteAsWritten(value, colon) ?? '';
    return iri && JSONLD_ABSOLUTE.test(iri) && !iri.startsWith('_:') ? iri : undefined;
  }

  /** jsonld.js _expandIri(value, {base: true}) with the empty document base, when safe to mirror. */
  private expandIdValue(value: string): string | undefined {
    const colon = value.indexOf(':');
    if (value.startsWith('@') || colon <= 0) return undefined;
    const iri = this.absoluteAsWritten(value, colon);
    return iri && JSONLD_ABSOLUTE.test(iri) ? iri : undefined;
  }

  /** A value with a colon that jsonld.js keeps as written: scheme://..., or an absolute IRI whose scheme is no term. */
  private absoluteAsWritten(value: string, colon: number): string | undefined {
    const prefix = value.slice(0, colon);
    if (prefix === '_') return undefined;
    if (value.startsWith('//', colon + 1)) return value;
    if (this.compiled!.termNames.has(prefix)) return undefined;
    return IRI.test(value) ? value : undefined;
  }

  /** One RDF object of a property term as its compacted JSON value; undefined outside the subset. */
  private compactObject(term: PropertyTerm, o: Quad_Object): unknown {
    switch (term.kind) {
      case 'plain':
        return o.termType === 'Literal' && !o.language && o.datatype.value === XSD_STRING ? o.value : undefined;
      case 'typed':
        return o.termType === 'Literal' && !o.language && o.datatype.value === term.datatype ? o.value : undefined;
      case 'vocab':
        return o.termType === 'NamedNode' ? this.compactVocabIri(term.vocab!, o.value) : undefined;
      case 'id':
        return o.termType === 'NamedNode' ? this.compactIdIri(o.value) : undefined;
    }
  }

  /** jsonld.js compactIri(iri, {vocab: true}) in a property-scoped context with @vocab `vocab`, when safe to mirror. */
  private compactVocabIri(vocab: string, iri: string): string | undefined {
    const c = this.compiled!;
    if (iri === RDF_NIL || !IRI.test(iri) || c.termIris.has(iri)) return undefined;
    // The code or record ID, unless that is a term (which would read back as the term's IRI).
    if (iri.startsWith(vocab) && iri.length > vocab.length && !c.termNames.has(iri.slice(vocab.length))) return iri.slice(vocab.length);
    return this.compactsToItself(iri) ? iri : undefined;
  }

  /** jsonld.js compactIri(iri, {vocab: false}) with the empty base, when safe to mirror. */
  private compactIdIri(iri: string): string | undefined {
    if (iri === RDF_NIL || !IRI.test(iri)) return undefined;
    return this.compactsToItself(iri) ? iri : undefined;
  }

  /** No compact IRI can be made of it and it is not confused with one (jsonld.js raises an error then). */
  private compactsToItself(iri: string): boolean {
    for (const [term, prefixIri] of this.compiled!.prefixes) {
      if (iri.length > prefixIri.length && iri.startsWith(prefixIri)) return false;
      if (iri.startsWith(`${term}:`)) return false;
    }
    return true;
  }

  private datatype(iri: string): ReturnType<typeof namedNode> {
    let term = this.datatypes.get(iri);
    if (!term) this.datatypes.set(iri, (term = namedNode(iri)));
    return term;
  }
}

function toNative(type: NativeType, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return type === 'boolean' ? value === 'true' : Number(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeJsonParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads the context document the way jsonld.js would for the features the FMAR generator uses: prefixes
 * and class names as simple terms, properties as expanded definitions with @id, @type (@vocab, @id or a
 * datatype), @container @set and a property-scoped {"@vocab": ...}. Anything else in a term makes that term
 * fall back; anything else at the top (@vocab, @base, @language, @import, keyword aliases...) disables the
 * fast paths entirely.
 */
function compileContext(document: unknown): CompiledContext | undefined {
  if (!isPlainObject(document)) return undefined;
  const context = document['@context'];
  if (!isPlainObject(context)) return undefined;
  const definitions = new Map<string, unknown>();
  for (const [key, value] of Object.entries(context)) {
    if (key === '@version') {
      if (value !== 1.1) return undefined;
      continue;
    }
    if (key === '@protected') {
      if (typeof value !== 'boolean') return undefined;
      continue;
    }
    // Other keywords change how every document is read; terms that look like IRIs or keywords too.
    if (key === '' || key.startsWith('@') || key.includes(':') || key.includes('/')) return undefined;
    if (typeof value === 'string' && value.startsWith('@')) return undefined;
    if (isPlainObject(value) && ('@prefix' in value || '@reverse' in value)) return undefined;
    if (value === null) return undefined;
    definitions.set(key, value);
  }
  if (context['@version'] !== 1.1) return undefined;

  // Term IRIs, resolved as jsonld.js create term definition does (terms and prefixes of this context).
  const iris = new Map<string, string | null>();
  const resolving = new Set<string>();
  const termIri = (term: string): string | null => {
    if (iris.has(term)) return iris.get(term)!;
    if (resolving.has(term)) return null;
    resolving.add(term);
    const definition = definitions.get(term);
    const raw = typeof definition === 'string' ? definition : isPlainObject(definition) && typeof definition['@id'] === 'string' ? definition['@id'] : undefined;
    const iri = raw === undefined ? null : expandInContext(raw);
    resolving.delete(term);
    iris.set(term, iri);
    return iri;
  };
  const isPrefix = (term: string): boolean => {
    const iri = termIri(term);
    return typeof definitions.get(term) === 'string' && iri !== null && GEN_DELIM_END.test(iri);
  };
  const expandInContext = (value: string): string | null => {
    if (value.startsWith('@')) return null;
    if (definitions.has(value)) return termIri(value);
    const colon = value.indexOf(':');
    if (colon <= 0) return null;
    const prefix = value.slice(0, colon);
    const suffix = value.slice(colon + 1);
    if (prefix === '_') return null;
    if (suffix.startsWith('//')) return JSONLD_ABSOLUTE.test(value) ? value : null;
    if (definitions.has(prefix)) {
      if (!isPrefix(prefix)) return null;
      const expanded = termIri(prefix)! + suffix;
      return IRI.test(expanded) ? expanded : null;
    }
    return IRI.test(value) ? value : null;
  };

  const compiled: CompiledContext = {
    termNames: new Set(definitions.keys()),
    simpleTerms: new Map(),
    properties: new Map(),
    propertyByIri: new Map(),
    classByIri: new Map(),
    termIris: new Set(),
    prefixes: [],
  };
  const termsByIri = new Map<string, string[]>();
  for (const [term, definition] of definitions) {
    const iri = termIri(term);
    if (iri === null) return undefined;
    compiled.termIris.add(iri);
    termsByIri.set(iri, [...(termsByIri.get(iri) ?? []), term]);
    if (typeof definition === 'string') {
      compiled.simpleTerms.set(term, iri);
      if (isPrefix(term)) compiled.prefixes.push([term, iri]);
      continue;
    }
    if (!isPlainObject(definition)) return undefined;
    const property = propertyTerm(term, iri, definition, expandInContext, definitions);
    if (property) compiled.properties.set(term, property);
  }
  for (const [iri, terms] of termsByIri) {
    if (terms.length !== 1) continue;
    const property = compiled.properties.get(terms[0]);
    if (property) compiled.propertyByIri.set(iri, property);
    if (compiled.simpleTerms.has(terms[0])) compiled.classByIri.set(iri, terms[0]);
  }
  // Keys mapping to one IRI are merged by expansion: keep those out of the fast path in both directions.
  for (const [name, property] of compiled.properties) {
    if (termsByIri.get(property.iri)!.length !== 1) compiled.properties.delete(name);
  }
  return compiled;
}

function defaultNative(property: PropertyTerm): NativeType | undefined {
  if (property.kind !== 'typed') return undefined;
  if (NUMBER_LEXICAL.has(property.datatype!)) return 'number';
  return property.datatype === XSD_BOOLEAN ? 'boolean' : undefined;
}

function propertyTerm(name: string, iri: string, definition: Record<string, unknown>, expand: (value: string) => string | null, definitions: Map<string, unknown>): PropertyTerm | undefined {
  for (const key of Object.keys(definition)) {
    if (!['@id', '@type', '@container', '@context'].includes(key)) return undefined;
  }
  if (!IRI.test(iri) || iri.startsWith('_:')) return undefined;
  const container = definition['@container'];
  let set = false;
  if (container !== undefined) {
    if (container === '@set' || (Array.isArray(container) && container.length === 1 && container[0] === '@set')) set = true;
    else return undefined;
  }
  const type = definition['@type'];
  const scoped = definition['@context'];
  if (type === '@vocab') {
    if (!isPlainObject(scoped) || Object.keys(scoped).length !== 1) return undefined;
    const vocab = scoped['@vocab'];
    if (typeof vocab !== 'string' || !SCHEME_SLASH_SLASH.test(vocab) || definitions.has(vocab)) return undefined;
    return { name, iri, kind: 'vocab', vocab, set, predicate: namedNode(iri) };
  }
  if (scoped !== undefined) return undefined;
  if (type === undefined) return { name, iri, kind: 'plain', set, predicate: namedNode(iri) };
  if (type === '@id') return { name, iri, kind: 'id', set, predicate: namedNode(iri) };
  if (typeof type !== 'string' || type.startsWith('@')) return undefined;
  const datatype = expand(type);
  // xsd:double values are rewritten by toRDF (canonical double form); keep them on the jsonld.js path.
  if (datatype === null || datatype.startsWith('_:') || datatype === `${XSD}double` || datatype === XSD_STRING || datatype === `${RDF}JSON`) return undefined;
  return { name, iri, kind: 'typed', datatype, set, predicate: namedNode(iri) };
}
