import { accessGraph, readAccessIndex } from '../access/accessIndex.js';
import { audience } from '../access/audiences.js';
import { actingOrganisation, type Principal } from '../access/Principal.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { AccessDeniedError } from './errors.js';
import { ORGANISATION_KIND } from './RecordKind.js';
import type { RecordService } from './RecordService.js';
import { codes } from './recordValues.js';

/** A system operator as the access rules need it: its organisation, roles and network areas (GSP groups). */
export interface SystemOperator {
  iri: string;
  roles: string[];
  areas: string[];
}

/** The organisation a principal acts as for a system operator's write: its own, or the one an administrator names. */
export async function actingSystemOperator(records: RecordService, principal: Principal, what: string): Promise<SystemOperator> {
  const iri = actingOrganisation(principal);
  if (!iri) throw new AccessDeniedError(`${what} are written by a system operator: an administrator names it with FMAR-On-Behalf-Of`);
  const org = await records.get(ORGANISATION_KIND, iri.slice(iri.lastIndexOf('/') + 1));
  return { iri, roles: codes(org, 'organisationRoles'), areas: codes(org, 'networkAreas') };
}

/** The GSP groups a record is read by system operators in, as its access index states them (docs/access.md). */
export async function areasOfRecord(store: RegistryStore, baseIri: string, recordIri: string): Promise<string[]> {
  const index = readAccessIndex(await store.readGraph(accessGraph(recordIri)));
  const prefix = audience.area(baseIri, '');
  return (index.get(recordIri) ?? []).filter((a) => a.startsWith(prefix) && !a.endsWith('/personal')).map((a) => a.slice(prefix.length));
}
