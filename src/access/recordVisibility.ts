import type { Quad } from 'n3';
import type { RecordState } from '../domain/RecordService.js';
import { mayRead } from './audiences.js';

/**
 * What of a record a principal holding `readers` (undefined: an administrator) may see, decided by the
 * record's access index graph by graph, the same statements the SPARQL rewriting joins with.
 * Undefined when the record's public part is not readable: the record is then "not found" for them.
 */
export function visibleRecord(state: RecordState, readers: readonly string[] | undefined): { quads: Quad[]; personalGraphs: string[] } | undefined {
  if (!mayRead(readers, state.access.get(state.iri))) return undefined;
  const quads = state.quads.filter((q) => mayRead(readers, state.access.get(q.graph.value)));
  const personalGraphs = [...new Set(quads.map((q) => q.graph.value).filter((g) => g.endsWith('#personal')))];
  return { quads, personalGraphs };
}

