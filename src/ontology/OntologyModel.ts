import type { Store, Term } from 'n3';

/**
 * The ontology as the generators see it: classes, properties with their generation annotations, code
 * lists and rules, read once from ontology/fmar.ttl and ontology/codelists/*.ttl by loadOntologyModel.
 */
export type Sensitivity = 'PUBLIC' | 'RESTRICTED' | 'PERSONAL';

export interface CodeConcept {
  iri: string;
  scheme: string;
  notation: string;
  label: string;
  definition: string;
  active: boolean;
  /** Extra facts some rules use, e.g. the MPAN distributor id of a DNO licence area. */
  mpanDistributorId?: string;
}

export interface CodeScheme {
  iri: string;
  name: string;
  label: string;
  definition: string;
  /** In the order the code list declares them. */
  concepts: CodeConcept[];
}

export interface ClassInfo {
  iri: string;
  name: string;
  label: string;
  definition: string;
  superClasses: string[];
  abstract: boolean;
  recordPath?: string;
  identifierProperty?: string;
  source?: string;
  alignments: { relation: string; target: string }[];
}

export interface PropertyInfo {
  iri: string;
  name: string;
  jsonName: string;
  label: string;
  definition: string;
  kind: 'datatype' | 'object';
  domains: string[];
  range: string;
  functional: boolean;
  required: boolean;
  requiredFor: string[];
  minCount?: number;
  systemAssigned: boolean;
  /** Only an FMAR administrator may change it once the record exists (fmarann:administratorOnly). */
  administratorOnly: boolean;
  pattern?: string;
  patternDescription?: string;
  minLength?: number;
  maxLength?: number;
  minInclusive?: number;
  minExclusive?: number;
  maxInclusive?: number;
  maxDecimals?: number;
  unit?: string;
  codeList?: string;
  referencesClass?: string;
  sensitivity: Sensitivity;
  lessThanOrEquals: string[];
  lessThan: string[];
  disjointWith: string[];
  multiline: boolean;
  order: number;
  source?: string;
  elexonTerm?: string;
  elexonAttribute?: string;
  alignments: { relation: string; target: string }[];
}

export interface RuleInfo {
  iri: string;
  name: string;
  kind: 'conditional' | 'sparql' | 'prefix';
  label: string;
  appliesTo: string;
  message: string;
  severity: 'Violation' | 'Warning';
  reportPath?: string;
  source?: string;
  /** Conditional rules: SHACL property shapes (blank nodes of the ontology graph). */
  when: Term[];
  then: Term[];
  thenOneOf: Term[];
  /** SPARQL rules. */
  select?: string;
  /** Prefix consistency rules. */
  onProperty?: string;
  againstProperty?: string;
  prefixFrom?: string;
}

export interface OntologyModel {
  iri: string;
  versionIri: string;
  version: string;
  label: string;
  description: string;
  classes: ClassInfo[];
  properties: PropertyInfo[];
  schemes: CodeScheme[];
  rules: RuleInfo[];
  /** The parsed ontology and code lists, for copying rule fragments verbatim. */
  store: Store;
}
