import { FMAR } from '../rdf/namespaces.js';
import type { RecordState } from './RecordService.js';

/** The value of a functional FMAR property (by local name) of a record's own subject. */
export function value(state: RecordState, local: string): string | undefined {
  return state.quads.find((q) => q.subject.value === state.iri && q.predicate.value === `${FMAR}${local}`)?.object.value;
}

/** The values of a multi-valued link (IRIs), e.g. previousResponsibleFSPs. */
export function values(state: RecordState, local: string): string[] {
  return state.quads.filter((q) => q.subject.value === state.iri && q.predicate.value === `${FMAR}${local}`).map((q) => q.object.value);
}

/** The code (last IRI segment) of a coded property. */
export function code(state: RecordState, local: string): string | undefined {
  const v = value(state, local);
  return v?.slice(v.lastIndexOf('/') + 1);
}

/** The codes of a multi-valued coded property. */
export function codes(state: RecordState, local: string): string[] {
  return state.quads.filter((q) => q.subject.value === state.iri && q.predicate.value === `${FMAR}${local}`).map((q) => q.object.value.slice(q.object.value.lastIndexOf('/') + 1));
}
