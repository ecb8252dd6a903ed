import { createHash } from 'node:crypto';
import { DataFactory } from 'n3';
import { FMAR, RDF } from '../../rdf/namespaces.js';
import { organisationNameKey } from '../../domain/organisationNames.js';
import type { ImportedEntity } from '../SourceImporter.js';

const { namedNode, literal, quad } = DataFactory;

/**
 * Company forms (the Welsh Cyf., Cyfyngedig and CCC too) and public bodies that mark a published name as an organisation's. Registers also list people (an
 * ECR customer may be a farmer under their own name): a name without such a mark is kept only as the source
 * published it, never made into a party (the data README: "do not enrich them").
 */
const ORGANISATION_MARK = /\b(ltd|limited|cyf|cyfyngedig|ccc|plc|llp|lp|llc|inc|incorporated|cic|co-?operative|council|university|college|nhs|trust|group|holdings|partnership|company|corporation|corp|society|association|authority|energy|power|solar|wind|storage|renewables?|services|estates?|farms?|properties|developments?|networks?|gmbh|bv|sa|ag|ab|as)\b/i;

export function looksLikeOrganisation(name: string): boolean {
  return ORGANISATION_MARK.test(name);
}

/**
 * A party a published file names (an ECR customer, a BSC lead party, a flexibility provider): one entity per
 * organisation name key (domain/organisationNames.ts), so "BSR Applications Limited" and "BSR Applications Ltd" are one
 * party holding both names. `shared`: many rows name it; ImportRun merges what they say.
 * Identifiers (an Elexon Party ID) key the party instead of its name when given.
 */
export function referencePartyEntity(baseIri: string, name: string, role: string, identifier?: { scheme: string; value: string }): ImportedEntity | undefined {
  if (!identifier && !looksLikeOrganisation(name)) return undefined;
  const key = identifier ? `${identifier.scheme}:${identifier.value}` : `name:${organisationNameKey(name)}`;
  const iri = `${baseIri}reference/parties/${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  // One graph per role (source) the party is named in: importing the REPD never replaces what the ECR said of it.
  const graph = `${iri}/as/${role.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
  const s = namedNode(iri);
  const g = namedNode(graph);
  const quads = [
    quad(s, namedNode(`${RDF}type`), namedNode(`${FMAR}ReferenceParty`), g),
    quad(s, namedNode(`${FMAR}sourceKey`), literal(key), g),
    quad(s, namedNode(`${FMAR}partyName`), literal(name.trim()), g),
    quad(s, namedNode(`${FMAR}partyRole`), literal(role), g),
  ];
  if (identifier) quads.push(quad(s, namedNode(`${FMAR}partyIdentifier`), literal(`${identifier.scheme}:${identifier.value}`), g));
  return { iri, graph, key, quads, label: `party ${name.trim()}`, shared: true };
}
