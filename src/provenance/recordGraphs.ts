import type { Sensitivity } from '../ontology/OntologyModel.js';

/**
 * Named graphs of a record. The current state lives in the record's own graph (its IRI), with personal and
 * restricted values in graphs of their own so that access can be decided per graph (architecture.md,
 * "Named graphs"). A superseded version keeps the same split under {record}/versions/{n}.
 */
export type GraphPart = Sensitivity;
export const GRAPH_PARTS: GraphPart[] = ['PUBLIC', 'RESTRICTED', 'PERSONAL'];

export function partGraph(base: string, part: GraphPart): string {
  return part === 'PUBLIC' ? base : `${base}#${part.toLowerCase()}`;
}

export function currentGraphs(recordIri: string): string[] {
  return GRAPH_PARTS.map((p) => partGraph(recordIri, p));
}

export function versionIri(recordIri: string, version: number): string {
  return `${recordIri}/versions/${version}`;
}

export function versionGraphs(recordIri: string, version: number): string[] {
  return GRAPH_PARTS.map((p) => partGraph(versionIri(recordIri, version), p));
}

/** Maps a graph of the current state to the same part of a version. */
export function toVersionGraph(graph: string, recordIri: string, version: number): string {
  return versionIri(recordIri, version) + graph.slice(recordIri.length);
}
