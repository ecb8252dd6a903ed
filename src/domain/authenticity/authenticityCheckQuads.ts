import { v7 as uuidv7 } from 'uuid';
import { DataFactory, type Quad } from 'n3';
import { versionIri } from '../../provenance/recordGraphs.js';
import { FMAR, FMAR_CODE, PROV, RDF, XSD } from '../../rdf/namespaces.js';
import type { AuthenticityResult } from './AuthenticityChecks.js';

const { namedNode, literal, quad } = DataFactory;

export interface AuthenticityCheckActivity {
  /** `{base}activities/{uuid v7}` (newAuthenticityCheckIri); also the name of the graph. */
  activityIri: string;
  /** Who ran the check: the registry's own agent for the automatic run after a registration. */
  agentIri: string;
  /** The use case the check serves: UC-02.02 after a registration, UC-02.04 after a change. Default UC-02.02. */
  useCase?: string;
}

export function newAuthenticityCheckIri(baseIri: string): string {
  return `${baseIri}activities/${uuidv7()}`;
}

/**
 * The check as PROV-O in its own named graph, like every registry activity (requirements §12; architecture.md,
 * "Records, provenance and versions"):
 *
 * ```turtle
 * GRAPH <activity> {
 *   <activity> a prov:Activity, fmar:RegistryActivity, fmar:AuthenticityCheck ; fmar:useCase "UC-02.02" ;
 *     prov:startedAtTime ... ; prov:endedAtTime ... ; prov:wasAssociatedWith <agent> ;
 *     prov:used <asset/versions/n>, <each source> ; prov:generated <activity#finding-1> ... ;
 *     fmar:resultingStatus <.../AssetRegistrationStatus/VERIFIED> .
 *   <asset/versions/n> prov:specializationOf <asset> .
 *   <activity#finding-1> a prov:Entity, fmar:VerificationFinding ; prov:wasGeneratedBy <activity> ;
 *     fmar:findingAttribute "importMPAN" ; fmar:findingCheck <.../AuthenticityCheckType/MPAN_CHECK_DIGIT> ;
 *     fmar:findingOutcome <.../VerificationOutcome/CONFIRMED> ; fmar:findingReason "..." ;
 *     fmar:findingSource <source> ; fmar:checkedAt "..."^^xsd:dateTime [ ; fmar:findingInconclusive true ]
 *     [ ; fmar:conflictingRecord <other asset> ] .
 * }
 * ```
 *
 * The activity generates findings, never a record version, so record histories and the change feed (which follow
 * prov:generated to a version) do not take it for a write of the asset.
 */
export function authenticityCheckQuads(result: AuthenticityResult, activity: AuthenticityCheckActivity): Quad[] {
  const g = namedNode(activity.activityIri);
  const act = namedNode(activity.activityIri);
  const used = namedNode(versionIri(result.asset, result.version));
  const time = (d: Date) => literal(d.toISOString(), namedNode(`${XSD}dateTime`));
  const p = (local: string) => namedNode(`${FMAR}${local}`);
  const out: Quad[] = [
    quad(act, namedNode(`${RDF}type`), namedNode(`${PROV}Activity`), g),
    quad(act, namedNode(`${RDF}type`), p('RegistryActivity'), g),
    quad(act, namedNode(`${RDF}type`), p('AuthenticityCheck'), g),
    quad(act, p('useCase'), literal(activity.useCase ?? 'UC-02.02'), g),
    quad(act, namedNode(`${PROV}startedAtTime`), time(result.startedAt), g),
    quad(act, namedNode(`${PROV}endedAtTime`), time(result.endedAt), g),
    quad(act, namedNode(`${PROV}wasAssociatedWith`), namedNode(activity.agentIri), g),
    quad(act, namedNode(`${PROV}used`), used, g),
    quad(used, namedNode(`${PROV}specializationOf`), namedNode(result.asset), g),
    ...result.sources.map((s) => quad(act, namedNode(`${PROV}used`), namedNode(s), g)),
    quad(act, p('resultingStatus'), namedNode(`${FMAR_CODE}AssetRegistrationStatus/${result.status}`), g),
  ];
  result.findings.forEach((f, i) => {
    const finding = namedNode(`${activity.activityIri}#finding-${i + 1}`);
    out.push(
      quad(act, namedNode(`${PROV}generated`), finding, g),
      quad(finding, namedNode(`${RDF}type`), namedNode(`${PROV}Entity`), g),
      quad(finding, namedNode(`${RDF}type`), p('VerificationFinding'), g),
      quad(finding, namedNode(`${PROV}wasGeneratedBy`), act, g),
      quad(finding, p('findingAttribute'), literal(f.attribute), g),
      quad(finding, p('findingCheck'), namedNode(`${FMAR_CODE}AuthenticityCheckType/${f.check}`), g),
      quad(finding, p('findingOutcome'), namedNode(`${FMAR_CODE}VerificationOutcome/${f.outcome.toUpperCase()}`), g),
      quad(finding, p('findingReason'), literal(f.reason), g),
      quad(finding, p('findingSource'), namedNode(f.source), g),
      quad(finding, p('checkedAt'), time(f.checkedAt), g),
    );
    if (f.inconclusive) out.push(quad(finding, p('findingInconclusive'), literal('true', namedNode(`${XSD}boolean`)), g));
    for (const other of f.conflictingRecords ?? []) out.push(quad(finding, p('conflictingRecord'), namedNode(other), g));
  });
  return out;
}
