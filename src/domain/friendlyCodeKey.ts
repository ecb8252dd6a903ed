import { DataFactory, type Quad } from 'n3';
import { accessGraph } from '../access/accessIndex.js';
import { FMAR, FMAR_ACCESS } from '../rdf/namespaces.js';

const { namedNode, literal, quad } = DataFactory;

/** The registry's case-folded copy of a record's friendly code. */
export const FRIENDLY_CODE_KEY = `${FMAR_ACCESS}friendlyCodeKey`;

/**
 * Friendly codes are unique within an organisation without regard to case (requirements §4; see
 * authenticity/friendlyCodeUsers.ts). Comparing `LCASE(?code)` scans every asset of the organisation: 133 ms a
 * check at 20k assets, on the event loop, for every registration (measured, issue #7). So the registry keeps
 * the folded code next to the record's access index (`{record}#access`, rewritten with every write of the
 * record, never readable through the SPARQL endpoint but by administrators) and the check is one index lookup.
 */
export function friendlyCodeKeyQuads(recordIri: string, quads: readonly Quad[]): Quad[] {
  const g = namedNode(accessGraph(recordIri));
  return quads
    .filter((q) => q.subject.value === recordIri && q.predicate.value === `${FMAR}friendlyCode`)
    .map((q) => quad(namedNode(recordIri), namedNode(FRIENDLY_CODE_KEY), literal(foldFriendlyCode(q.object.value)), g));
}

/** "BESS-GreenPark-01" and "bess-greenpark-01" are one code. */
export function foldFriendlyCode(code: string): string {
  return code.toLowerCase();
}
