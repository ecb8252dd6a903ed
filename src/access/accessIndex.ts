import { DataFactory, type Quad } from 'n3';
import { GRAPH_PARTS, partGraph, versionIri } from '../provenance/recordGraphs.js';
import { FMAR_ACCESS } from '../rdf/namespaces.js';
import type { RecordAudiences } from './audiences.js';

const { namedNode, quad } = DataFactory;

export const READABLE_BY = `${FMAR_ACCESS}readableBy`;

/** The graph that holds a record's access index: who may read each of its graphs. */
export function accessGraph(recordIri: string): string {
  return `${recordIri}#access`;
}

/**
 * The access index of a record at `version`: `<graph> access:readableBy <audience>` for every part of the
 * current state and of each superseded version, and for each activity that wrote the record. Rewritten
 * whole with every write of the record, so it always follows the record's current owner and areas.
 * Nothing but the registry writes `access:readableBy` (RecordService accepts only ontology properties and
 * SPARQL Update refuses the access namespace), so the statements can be trusted wherever the rewritten
 * queries find them.
 */
export function accessIndexQuads(recordIri: string, version: number, activities: string[], audiences: RecordAudiences): Quad[] {
  const g = namedNode(accessGraph(recordIri));
  const p = namedNode(READABLE_BY);
  const out: Quad[] = [];
  const states = [recordIri, ...Array.from({ length: version - 1 }, (_, i) => versionIri(recordIri, i + 1))];
  for (const part of GRAPH_PARTS) {
    for (const state of states) {
      for (const a of audiences[part]) out.push(quad(namedNode(partGraph(state, part)), p, namedNode(a), g));
    }
  }
  for (const activity of activities) {
    for (const a of audiences.activity) out.push(quad(namedNode(activity), p, namedNode(a), g));
  }
  return out;
}

/** Graph IRI -> audiences, from the quads of an access index. */
export function readAccessIndex(quads: Quad[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const q of quads) {
    if (q.predicate.value !== READABLE_BY) continue;
    const list = index.get(q.subject.value) ?? [];
    list.push(q.object.value);
    index.set(q.subject.value, list);
  }
  return index;
}

/** The activities an access index lists (every subject that is not one of the record's own graphs). */
export function indexedActivities(recordIri: string, index: Map<string, string[]>): string[] {
  return [...index.keys()].filter((g) => g !== recordIri && !g.startsWith(`${recordIri}#`) && !g.startsWith(`${recordIri}/versions/`));
}
