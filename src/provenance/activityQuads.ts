import { createHash } from 'node:crypto';
import { DataFactory, Writer, type Quad } from 'n3';
import { FMAR, PROV, RDF, XSD } from '../rdf/namespaces.js';
import { versionIri } from './recordGraphs.js';

const { namedNode, literal, quad } = DataFactory;

/**
 * One registry write as a PROV-O activity in its own named graph: who (agent, and the organisation it
 * acted for), when, which use case, which record version it used and which it generated, and the hash
 * of the content it wrote (requirements §12; UC-05.06).
 */
export interface ActivityDescription {
  activityIri: string;
  recordIri: string;
  useCase: string;
  agentIri: string;
  onBehalfOf?: string;
  startedAt: Date;
  previousVersion?: number;
  newVersion: number;
  content: Quad[];
}

export function activityQuads(a: ActivityDescription): Quad[] {
  const g = namedNode(a.activityIri);
  const act = namedNode(a.activityIri);
  const generated = namedNode(versionIri(a.recordIri, a.newVersion));
  const time = (d: Date) => literal(d.toISOString(), namedNode(`${XSD}dateTime`));
  const quads = [
    quad(act, namedNode(`${RDF}type`), namedNode(`${PROV}Activity`), g),
    quad(act, namedNode(`${RDF}type`), namedNode(`${FMAR}RegistryActivity`), g),
    quad(act, namedNode(`${FMAR}useCase`), literal(a.useCase), g),
    quad(act, namedNode(`${PROV}startedAtTime`), time(a.startedAt), g),
    quad(act, namedNode(`${PROV}endedAtTime`), time(new Date()), g),
    quad(act, namedNode(`${PROV}wasAssociatedWith`), namedNode(a.agentIri), g),
    quad(act, namedNode(`${PROV}generated`), generated, g),
    quad(act, namedNode(`${FMAR}contentHash`), literal(contentHash(a.content)), g),
    quad(generated, namedNode(`${RDF}type`), namedNode(`${PROV}Entity`), g),
    quad(generated, namedNode(`${PROV}specializationOf`), namedNode(a.recordIri), g),
    quad(generated, namedNode(`${FMAR}recordVersion`), literal(String(a.newVersion), namedNode(`${XSD}integer`)), g),
    quad(generated, namedNode(`${PROV}wasGeneratedBy`), act, g),
  ];
  if (a.previousVersion !== undefined) {
    const used = namedNode(versionIri(a.recordIri, a.previousVersion));
    quads.push(quad(act, namedNode(`${PROV}used`), used, g), quad(generated, namedNode(`${PROV}wasRevisionOf`), used, g));
  }
  if (a.onBehalfOf) {
    quads.push(quad(namedNode(a.agentIri), namedNode(`${PROV}actedOnBehalfOf`), namedNode(a.onBehalfOf), g));
    quads.push(quad(act, namedNode(`${PROV}wasAssociatedWith`), namedNode(a.onBehalfOf), g));
  }
  return quads;
}

/** SHA-256 of the sorted N-Triples of the content: the same record content always hashes the same. */
/** N-Triples has no prefixes: one writer serves every hash. */
const tripleWriter = new Writer({ format: 'N-Triples' });

export function contentHash(quads: Quad[]): string {
  const lines = [...new Set(quads.map((q) => tripleWriter.quadToString(q.subject, q.predicate, q.object)))].sort();
  return createHash('sha256').update(lines.join('')).digest('hex');
}
