import type { Quad } from 'n3';
import type { TabularRow } from './tabularFile.js';

/**
 * One kind of published file the registry imports (issue #9): how to recognise its header, who publishes it under
 * which licence, and how one row becomes reference entities. Importers are pure: they read rows and return quads;
 * ImportRun decides what to write (idempotently) and records the provenance.
 */
export interface SourceImporter {
  /** The `fmar import <kind>` name: ecr, bm-units, bmu-fuel-types, dispatches, gsp, repd. */
  kind: string;
  /** Columns whose presence marks the header row (lines before it are preamble). */
  headerColumns: string[];
  /** Defaults for the file's description; `fmar import` options may override them. */
  source: SourceDescription;
  /** Called once with the whole file before any row (e.g. to index the columns, to learn the edition). */
  begin?(context: ImportContext): void | Promise<void>;
  /** What one row gives: entities to write, and problems found. A row with errors writes nothing. */
  mapRow(row: TabularRow, context: ImportContext): RowMapping | Promise<RowMapping>;
}

/** Who published a file, under which licence, and where it was taken from (data README). */
export interface SourceDescription {
  title: string;
  publisher: string;
  /** Licence IRI. */
  licence: string;
  /** The attribution line to keep wherever the data is shown. */
  attribution: string;
  /** The publisher's dataset, in words. */
  dataset: string;
  /** IRI of the exact file the copy was taken from, when known. */
  derivedFrom?: string;
}

export interface ImportContext {
  baseIri: string;
  /** The source file's entity (content-addressed: the same bytes are the same source). */
  sourceIri: string;
  /** The IRI naming a row of the source: what imported values are derived from. */
  rowIri(row: number): string;
}

/** An entity an import writes: one named graph, its IRI, holding the entity's statements. */
export interface ImportedEntity {
  iri: string;
  /**
   * The graph the statements go to, when it is not `iri`: an entity several sources describe (a party an ECR, the
   * BM unit report and the REPD all name) keeps one graph per source, so that importing one file never replaces
   * what another said.
   */
  graph?: string;
  /** Stable key within the source (the same real thing in a newer edition has the same key). */
  key: string;
  /**
   * Statements about the entity, all in the graph `iri` (provenance is added by ImportRun). Literals in their
   * canonical form (decimals without trailing zeros, as cellValues gives them): the store keeps that form, and a
   * re-run compares with it.
   */
  quads: Quad[];
  /** A short label for reports. */
  label: string;
  /**
   * Many rows may give this entity (a party named in many rows): what they give is merged, and the entity is
   * written once, after the last row, derived from every row that named it. Otherwise a second row giving the same
   * entity is a duplicate and is rejected.
   */
  shared?: boolean;
}

export interface RowProblem {
  /** A short, stable reason for counting (e.g. no-capacity, unmapped-technology, duplicate-key). */
  reason: string;
  /** The column the problem is in, as published. */
  column?: string;
  value?: string;
  message: string;
}

export interface RowMapping {
  entities: ImportedEntity[];
  warnings: RowProblem[];
  errors: RowProblem[];
}
