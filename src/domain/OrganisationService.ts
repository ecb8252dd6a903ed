import { authorizeAdministration, authorizeOrganisationChange, authorizeOrganisationRegistration } from '../access/AccessPolicy.js';
import { isAdministrator, type Principal } from '../access/Principal.js';
import type { ModelQueries } from '../ontology/modelQueries.js';
import { FMAR, FMAR_CODE } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';
import { AccessDeniedError, DuplicateRecordError, StateConflictError } from './errors.js';
import { ASSET_KIND, DELEGATION_KIND, ORGANISATION_KIND, PLATFORM_KIND, USER_KIND } from './RecordKind.js';
import type { RecordService, RecordState } from './RecordService.js';
import { code } from './recordValues.js';
import { organisationNameKey } from './organisationNames.js';

/**
 * The organisation use cases of the Service Provider & User Module: register (UC-01.02) with duplicate
 * detection, approve, update with administrator-only fields (UC-01.03), and de-register (UC-01.04) with its
 * dependency check and the deactivation of everything that acts for the organisation.
 */
export class OrganisationService {
  /** Registrations are checked for duplicates and written one at a time, so two racing copies cannot both pass. */
  private registering: Promise<unknown> = Promise.resolve();

  constructor(private readonly args: { records: RecordService; store: RegistryStore; model: ModelQueries; baseIri: string }) {}

  register(body: Record<string, unknown>, principal: Principal): Promise<RecordState> {
    const actor = authorizeOrganisationRegistration(principal);
    const run = this.registering.catch(() => undefined).then(async () => {
      await this.refuseDuplicate(body);
      return this.args.records.create(ORGANISATION_KIND, body, actor);
    });
    this.registering = run;
    return run;
  }

  /**
   * UC-01.02 sequence: "uniqueness check on regNo/VAT and legalName (duplicate => return existingOrgId)". The
   * legal name is compared by its organisation name key (organisationNames.ts: case, accents, punctuation,
   * "Limited"/"Ltd", "&"/"and", a leading "The"), so "ACME Energy Ltd." and "Acme Energy Limited" are the same
   * organisation. The imports match published names with the same key (docs/import/README.md).
   */
  private async refuseDuplicate(body: Record<string, unknown>): Promise<void> {
    const registrationNumber = typeof body.organisationRegistrationNumber === 'string' ? body.organisationRegistrationNumber : undefined;
    const vat = typeof body.vatRegistrationNumber === 'string' ? body.vatRegistrationNumber : undefined;
    const name = typeof body.organisationLegalName === 'string' ? organisationNameKey(body.organisationLegalName) : undefined;
    const prefix = `${this.args.baseIri}${ORGANISATION_KIND.path}/`;
    const rows = await selectBindings(this.args.store, `SELECT ?o ?id ?name ?number ?vat WHERE {
      GRAPH ?o { ?o a <${FMAR}Organisation> ; <${FMAR}fmarOrganisationId> ?id ; <${FMAR}organisationLegalName> ?name . OPTIONAL { ?o <${FMAR}organisationRegistrationNumber> ?number } }
      OPTIONAL { GRAPH ?restricted { ?o <${FMAR}vatRegistrationNumber> ?vat } FILTER (STR(?restricted) = CONCAT(STR(?o), "#restricted")) }
      FILTER (STRSTARTS(STR(?o), ${JSON.stringify(prefix)})) }`);
    for (const row of rows) {
      const matchedOn: string[] = [];
      if (registrationNumber && row.number && normaliseNumber(row.number.value) === normaliseNumber(registrationNumber)) matchedOn.push('organisationRegistrationNumber');
      if (vat && row.vat && normaliseNumber(row.vat.value) === normaliseNumber(vat)) matchedOn.push('vatRegistrationNumber');
      if (name && organisationNameKey(row.name.value) === name) matchedOn.push('organisationLegalName');
      if (matchedOn.length) {
        throw new DuplicateRecordError(`this organisation is already registered as ${row.id.value} (same ${matchedOn.join(', ')}): update it (PUT /organisations/${row.id.value}) instead of registering it again`, row.id.value, row.o.value, matchedOn);
      }
    }
  }

  /** UC-01.03, with ETags; fields marked fmarann:administratorOnly change only by an FMAR administrator. */
  async update(id: string, body: Record<string, unknown>, ifMatch: number[] | '*' | undefined, principal: Principal): Promise<RecordState> {
    const actor = authorizeOrganisationChange(principal, this.args.records.recordIri(ORGANISATION_KIND, id), 'updating an organisation');
    return this.args.records.replace(ORGANISATION_KIND, id, body, ifMatch, actor, (current) => {
      if (isAdministrator(principal)) return;
      const changed = this.args.model.propertiesOf(ORGANISATION_KIND.classIri).filter((p) => p.administratorOnly).filter((p) => {
        const stored = current.quads.filter((q) => q.subject.value === current.iri && q.predicate.value === p.iri).map((q) => localCode(q.object.value)).sort();
        const sent = body[p.jsonName] === undefined ? [] : [body[p.jsonName]].flat().map((v) => localCode(String(v))).sort();
        return JSON.stringify(stored) !== JSON.stringify(sent);
      });
      if (changed.length) {
        throw new AccessDeniedError(`only an FMAR administrator may change ${changed.map((p) => p.jsonName).join(', ')} (send the current values back unchanged, or raise a request with the administrator)`, { fields: changed.map((p) => p.jsonName) });
      }
    });
  }

  /** UC-01.02: an FMAR administrator approves a Pending Approval organisation, which becomes Active. */
  approve(id: string, principal: Principal): Promise<RecordState> {
    const actor = authorizeAdministration(principal, 'approving an organisation');
    return this.args.records.transition(ORGANISATION_KIND, id, { organisationStatus: 'ACTIVE' }, actor, 'UC-01.02', (current) => {
      const status = code(current, 'organisationStatus');
      if (status !== 'PENDING_APPROVAL') throw new StateConflictError(`the organisation is ${status}, not PENDING_APPROVAL`, { currentStatus: status });
    });
  }

  /**
   * UC-01.04: refused while the organisation still has active assets or market units (the error lists them and
   * says what to do first); otherwise the organisation becomes Inactive and so do all its users (Deactivated),
   * the platforms it operates (Withdrawn) and the delegations it granted (Revoked), each change an activity.
   * Credentials stop working at once: authentication checks the organisation's status on every request.
   */
  async deregister(id: string, principal: Principal): Promise<{ organisation: RecordState; users: string[]; platforms: string[]; delegations: string[] }> {
    const iri = this.args.records.recordIri(ORGANISATION_KIND, id);
    const actor = authorizeOrganisationChange(principal, iri, 'de-registering an organisation');
    const current = await this.args.records.get(ORGANISATION_KIND, id);
    const status = code(current, 'organisationStatus');
    if (status === 'INACTIVE') throw new StateConflictError('the organisation is already de-registered (INACTIVE)', { currentStatus: status });
    const assets = await this.ids(`?r <${FMAR}responsibleFSP> <${iri}> ; <${FMAR}assetRegistrationStatus> ?status . FILTER (?status != <${FMAR_CODE}AssetRegistrationStatus/DE_REGISTERED>) ?r a <${ASSET_KIND.classIri}> .`);
    const units = await this.ids(`?r <${FMAR}responsibleFSP> <${iri}> ; <${FMAR}marketUnitStatus> ?status . FILTER (!CONTAINS(STR(?status), "DE_REGISTERED") && !CONTAINS(STR(?status), "INACTIVE"))`);
    if (assets.length || units.length) {
      throw new StateConflictError(`the organisation still has ${assets.length} active asset(s) and ${units.length} active market unit(s)`, {
        blockers: { activeAssets: { count: assets.length, first: assets.slice(0, 20) }, activeMarketUnits: { count: units.length, first: units.slice(0, 20) } },
        remedy: 'de-register the assets (UC-02.03) and market units (UC-03.05) first, or re-assign them to another FSP (UC-03.02), then de-register the organisation',
      });
    }
    const organisation = await this.args.records.transition(ORGANISATION_KIND, id, { organisationStatus: 'INACTIVE' }, actor, 'UC-01.04');
    const users = await this.ids(`?r <${FMAR}userOrganisation> <${iri}> ; <${FMAR}userStatus> ?status . FILTER (?status != <${FMAR_CODE}UserStatus/DEACTIVATED>)`);
    for (const user of users) await this.args.records.transition(USER_KIND, user, { userStatus: 'DEACTIVATED' }, actor, 'UC-01.04');
    const platforms = await this.ids(`?r <${FMAR}platformOperator> <${iri}> ; <${FMAR}platformStatus> ?status . FILTER (?status != <${FMAR_CODE}PlatformStatus/WITHDRAWN>)`);
    for (const platform of platforms) await this.args.records.transition(PLATFORM_KIND, platform, { platformStatus: 'WITHDRAWN' }, actor, 'UC-01.04');
    const delegations = await this.ids(`?r <${FMAR}grantor> <${iri}> ; <${FMAR}delegationStatus> <${FMAR_CODE}DelegationStatus/ACTIVE> .`);
    const today = new Date().toISOString().slice(0, 10);
    for (const delegation of delegations) await this.args.records.transition(DELEGATION_KIND, delegation, { delegationStatus: 'REVOKED', revokedOn: today }, actor, 'UC-01.04');
    return { organisation, users, platforms, delegations };
  }

  /** IDs of current records matching a pattern on ?r (in the record's own graph). */
  private async ids(pattern: string): Promise<string[]> {
    const rows = await selectBindings(this.args.store, `SELECT ?r WHERE { GRAPH ?r { ${pattern} } } ORDER BY ?r`);
    return rows.map((r) => r.r.value.slice(r.r.value.lastIndexOf('/') + 1));
  }
}


function normaliseNumber(value: string): string {
  return value.toUpperCase().replace(/[\s-]+/g, '');
}

function localCode(value: string): string {
  return value.slice(value.lastIndexOf('/') + 1);
}
