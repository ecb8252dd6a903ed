import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Parser, Store, type Term } from 'n3';
import { projectRoot } from '../projectRoot.js';
import { DCTERMS, FMAR_CODE, RDF, SKOS, localName } from '../rdf/namespaces.js';
import type { RowProblem } from './SourceImporter.js';

/** The namespace of FMAR's source-vocabulary mappings: one concept scheme per publisher vocabulary. */
export const FMAR_MAPPING = 'https://w3id.org/fmar/mapping/';

/** The scheme of placeholders such as "Data not available": in every source vocabulary they mean an empty cell. */
export const NO_VALUE_SCHEME = `${FMAR_MAPPING}no-value`;

/** The mapping file kept in the project, relative to its root. */
export const SOURCE_VOCABULARIES_FILE = 'data/mappings/source-vocabularies.ttl';
/** The folder of mapping data files. */
export const MAPPINGS_DIR = 'data/mappings';

export interface MappedValue {
  /** The source concept IRI. */
  concept: string;
  /** How the value matched: its prefLabel, an altLabel or a hiddenLabel (after normalisation). */
  matchedBy: LabelKind;
  /** The label it matched. */
  label: string;
  /** FMAR code notations it maps to, by scheme local name: { AssetCategory: 'BESS', EnergySource: 'GRID' }. Empty when none fits. */
  codes: Record<string, string>;
  /** The SKOS mapping property used per scheme (exactMatch, closeMatch, broadMatch). */
  relations: Record<string, string>;
}

export type LabelKind = 'prefLabel' | 'altLabel' | 'hiddenLabel';

/** In order of preference when several labels of one concept normalise alike. */
const LABEL_KINDS: readonly LabelKind[] = ['prefLabel', 'altLabel', 'hiddenLabel'];

/**
 * The SKOS mapping properties that decide an FMAR code. narrowMatch and relatedMatch do not (the FMAR code would
 * say more than the source value), so they are not read.
 */
const DECIDING_RELATIONS = ['exactMatch', 'closeMatch', 'broadMatch'] as const;

interface LabelEntry {
  concept: string;
  kind: LabelKind;
  label: string;
}

interface MappedConcept {
  codes: Record<string, string>;
  relations: Record<string, string>;
}

/**
 * Lower-case words separated by single spaces, the form labels are compared in: NFKC, lower case, '&' -> 'and',
 * every run of characters other than letters and digits -> one space, trimmed. It absorbs the spelling drift of
 * real files (data README, file 1 quirks): "Storage - Electrochemical  (Batteries)" -> "storage electrochemical
 * batteries", "Biofuel - Landfill gas" and "Biofuel landfill gas" -> "biofuel landfill gas".
 */
export function normaliseLabel(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The free-text technology and energy-source values of GB publishers (ENA's ECR lists, REPD, Elexon, UKPN
 * dispatches) as SKOS concept schemes, each value mapped to FMAR codes by data, not code
 * (data/mappings/source-vocabularies.ttl; its README says how to add a spelling). A value matches a concept only
 * through one of its labels after normaliseLabel(): nothing is guessed.
 */
export class VocabularyMapping {
  private constructor(
    /** Scheme local name -> normalised label -> the labels with that key (all of one concept). */
    private readonly labelIndex: Map<string, Map<string, LabelEntry[]>>,
    private readonly concepts: Map<string, MappedConcept>,
    private readonly noValueKeys: Set<string>,
  ) {}

  /** Reads the mapping from Turtle; throws on a label two concepts of one scheme share, or a malformed mapping. */
  static fromTurtle(turtle: string): VocabularyMapping {
    const store = new Store(new Parser({ baseIRI: FMAR_MAPPING }).parse(turtle));
    const text = (subject: Term, predicate: string) => store.getObjects(subject, `${SKOS}${predicate}`, null).filter((o) => o.termType === 'Literal').map((o) => o.value);

    const schemes = store.getSubjects(`${RDF}type`, `${SKOS}ConceptScheme`, null).map((s) => s.value);
    for (const scheme of schemes) {
      if (!scheme.startsWith(FMAR_MAPPING)) throw new Error(`concept scheme ${scheme} is not under ${FMAR_MAPPING}`);
      // data/mappings/README.md: every scheme names the file and column (or list) its values come from.
      if (store.getObjects(scheme, `${DCTERMS}source`, null).length === 0) throw new Error(`concept scheme ${scheme} has no dcterms:source`);
    }

    const labelIndex = new Map<string, Map<string, LabelEntry[]>>();
    const concepts = new Map<string, MappedConcept>();
    const noValueKeys = new Set<string>();
    const noValueLabels: LabelEntry[] = [];

    for (const subject of store.getSubjects(`${RDF}type`, `${SKOS}Concept`, null)) {
      const iri = subject.value;
      const inSchemes = store.getObjects(subject, `${SKOS}inScheme`, null).map((o) => o.value);
      if (inSchemes.length !== 1 || !schemes.includes(inSchemes[0])) throw new Error(`concept ${iri} must be in exactly one declared concept scheme, has ${JSON.stringify(inSchemes)}`);
      const scheme = inSchemes[0];
      const prefLabels = text(subject, 'prefLabel');
      if (prefLabels.length !== 1) throw new Error(`concept ${iri} must have exactly one skos:prefLabel, has ${prefLabels.length}`);
      const labels = LABEL_KINDS.flatMap((kind) => text(subject, kind).map((label): LabelEntry => ({ concept: iri, kind, label })));
      for (const entry of labels) if (normaliseLabel(entry.label) === '') throw new Error(`concept ${iri}: ${entry.kind} ${JSON.stringify(entry.label)} has no letters or digits`);

      if (scheme === NO_VALUE_SCHEME) {
        for (const entry of labels) noValueKeys.add(normaliseLabel(entry.label));
        noValueLabels.push(...labels);
        continue;
      }
      concepts.set(iri, readMappings(store, subject));
      const name = localName(scheme);
      const index = labelIndex.get(name) ?? new Map<string, LabelEntry[]>();
      labelIndex.set(name, index);
      for (const entry of labels) {
        const key = normaliseLabel(entry.label);
        const same = index.get(key) ?? [];
        const clash = same.find((e) => e.concept !== iri);
        if (clash) throw new Error(`scheme ${name}: ${entry.kind} ${JSON.stringify(entry.label)} of ${iri} and ${clash.kind} ${JSON.stringify(clash.label)} of ${clash.concept} both normalise to "${key}"`);
        same.push(entry);
        index.set(key, same);
      }
    }

    for (const [name, index] of labelIndex) {
      for (const [key, entries] of index) {
        if (!noValueKeys.has(key)) continue;
        const sentinel = noValueLabels.find((e) => normaliseLabel(e.label) === key)!;
        throw new Error(`scheme ${name}: ${entries[0].kind} ${JSON.stringify(entries[0].label)} of ${entries[0].concept} normalises to "${key}", the no-value label ${JSON.stringify(sentinel.label)} of ${sentinel.concept}`);
      }
      for (const entries of index.values()) entries.sort((a, b) => LABEL_KINDS.indexOf(a.kind) - LABEL_KINDS.indexOf(b.kind));
    }
    return new VocabularyMapping(labelIndex, concepts, noValueKeys);
  }

  /** Reads the mapping file, by default the project's data/mappings/source-vocabularies.ttl. */
  /**
   * Loads the mapping data: a Turtle file, or every `.ttl` file of a folder (by default data/mappings/: one file
   * per group of source vocabularies), read as one graph.
   */
  static async load(path = join(projectRoot(), MAPPINGS_DIR)): Promise<VocabularyMapping> {
    const files = (await stat(path)).isDirectory() ? (await readdir(path)).filter((f) => f.endsWith('.ttl')).sort().map((f) => join(path, f)) : [path];
    const turtle = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\n');
    try {
      return VocabularyMapping.fromTurtle(turtle);
    } catch (error) {
      throw new Error(`${files.join(', ')}: ${(error as Error).message}`);
    }
  }

  /**
   * The concept a published value stands for in one source vocabulary (a scheme local name such as
   * 'ecr-energy-source'), with the FMAR codes it maps to. undefined when the value is empty or a no-value
   * placeholder ("Data not available"); { unmapped: value } when no label matches. A matched concept may map to no
   * FMAR code in some scheme (codes lacks it): the importer reports that as unmapped too.
   */
  map(scheme: string, value: string | undefined): MappedValue | { unmapped: string } | undefined {
    const index = this.labelIndex.get(scheme);
    if (!index) throw new Error(`unknown source vocabulary "${scheme}"; known: ${this.schemes().join(', ')}`);
    if (value === undefined) return undefined;
    const key = normaliseLabel(value);
    if (key === '' || this.noValueKeys.has(key)) return undefined;
    const entries = index.get(key);
    if (!entries) return { unmapped: value };
    // The label written exactly as the value, else the most canonical one (prefLabel before altLabel before hiddenLabel).
    const entry = entries.find((e) => e.label === value) ?? entries[0];
    const concept = this.concepts.get(entry.concept)!;
    return { concept: entry.concept, matchedBy: entry.kind, label: entry.label, codes: { ...concept.codes }, relations: { ...concept.relations } };
  }

  /** The local names of the source vocabularies, sorted (the no-value scheme is not one). */
  schemes(): string[] {
    return [...this.labelIndex.keys()].sort();
  }
}

/** The FMAR codes a concept maps to, at most one per FMAR scheme; links to other vocabularies are not read. */
function readMappings(store: Store, subject: Term): MappedConcept {
  const codes: Record<string, string> = {};
  const relations: Record<string, string> = {};
  for (const relation of DECIDING_RELATIONS) {
    for (const target of store.getObjects(subject, `${SKOS}${relation}`, null)) {
      if (!target.value.startsWith(FMAR_CODE)) continue;
      // ontology/codelists/*.ttl: every code is <https://w3id.org/fmar/ontology/code/{Scheme}/{notation}>.
      const match = /^([A-Za-z]+)\/([A-Z0-9_]+)$/.exec(target.value.slice(FMAR_CODE.length));
      if (!match) throw new Error(`concept ${subject.value}: skos:${relation} ${target.value} is not an FMAR code IRI ({scheme}/{notation})`);
      const [, scheme, code] = match;
      if (scheme in codes) throw new Error(`concept ${subject.value} maps to two ${scheme} codes: ${relations[scheme]} ${codes[scheme]} and ${relation} ${code}`);
      codes[scheme] = code;
      relations[scheme] = relation;
    }
  }
  return { codes, relations };
}

/** The warning for a published value no label of the source vocabularies matches: kept as published, never guessed (issue #9). */
export function unmappedValueWarning(column: string, value: string | undefined): RowProblem {
  return { reason: 'unmapped-value', column, value, message: 'no concept of the source vocabularies (data/mappings/source-vocabularies.ttl) has this label: the value is kept as published, without an FMAR code' };
}
