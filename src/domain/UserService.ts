import { authorizeUserManagement } from '../access/AccessPolicy.js';
import { audience } from '../access/audiences.js';
import type { CredentialService, IssuedCredential } from '../access/CredentialService.js';
import { actingOrganisation, isAdministrator, type Principal } from '../access/Principal.js';
import { FMAR } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';
import { AccessDeniedError, AuthenticationError, InvalidRecordError, StateConflictError } from './errors.js';
import { ORGANISATION_KIND, USER_KIND } from './RecordKind.js';
import type { RecordService, RecordState } from './RecordService.js';
import { code, codes, value } from './recordValues.js';

/** UC-01.01: activation codes last a week; the first API key, issued on activation, 90 days. */
const ACTIVATION_DAYS = 7;
export const DEFAULT_KEY_DAYS = 90;

/**
 * The user use cases of SPUM: register a user in an organisation (UC-01.01), activate the account, update it,
 * and deactivate it as a path of its own (UC-01.04 "single-user deactivation must be a separate path").
 */
export class UserService {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly args: { records: RecordService; credentials: CredentialService; store: RegistryStore; baseIri: string; now?: () => Date }) {}

  /**
   * UC-01.01: an organisation administrator adds a user to their own organisation (an FMAR administrator to any,
   * naming it in `organisation`); the email must be unique within the organisation; the account starts Pending
   * Activation with a one-time activation code, returned here once for the administrator to pass on.
   */
  async register(body: Record<string, unknown>, principal: Principal): Promise<{ user: RecordState; activation: IssuedCredential }> {
    const organisation = this.organisationOf(body, principal);
    const actor = authorizeUserManagement(principal, organisation);
    const org = await this.args.records.get(ORGANISATION_KIND, organisation.slice(this.prefix(ORGANISATION_KIND.path).length));
    const status = code(org, 'organisationStatus');
    if (status !== 'ACTIVE') throw new StateConflictError(`users are added to active organisations; this one is ${status}`, { currentStatus: status, remedy: 'an FMAR administrator approves the organisation first (POST /organisations/{id}/approval)' });
    this.checkRoles(body, principal, codes(org, 'organisationRoles'));
    return this.exclusive(organisation, async () => {
      await this.refuseDuplicateEmail(organisation, body.userEmail, undefined);
      const user = await this.args.records.create(USER_KIND, { ...body, organisation }, actor);
      const expires = new Date(this.now().getTime() + ACTIVATION_DAYS * 86_400_000);
      const activation = await this.args.credentials.issue('ActivationCode', user.iri, expires, actor, 'UC-01.01', 'activation', [audience.members(organisation)]);
      return { user, activation };
    });
  }

  /** The user proves the activation code; the account becomes Active and its first API key is issued (shown once). */
  async activate(id: string, activationCode: string): Promise<{ user: RecordState; apiKey: IssuedCredential }> {
    const iri = this.args.records.recordIri(USER_KIND, id);
    const codeInfo = await this.args.credentials.verify(activationCode, 'ActivationCode');
    if (codeInfo.holder !== iri) throw new AuthenticationError('the activation code is not valid for this user');
    const actor = { agentIri: iri };
    const current = await this.args.records.get(USER_KIND, id);
    const organisation = value(current, 'userOrganisation')!;
    await this.args.credentials.close(codeInfo.keyId, 'usedAt', actor, 'UC-01.01', [audience.members(organisation)]);
    const user = await this.args.records.transition(USER_KIND, id, { userStatus: 'ACTIVE' }, actor, 'UC-01.01', (state) => {
      const status = code(state, 'userStatus');
      if (status !== 'PENDING_ACTIVATION') throw new StateConflictError(`the user is ${status}, not PENDING_ACTIVATION`, { currentStatus: status });
    });
    const expires = new Date(this.now().getTime() + DEFAULT_KEY_DAYS * 86_400_000);
    const apiKey = await this.args.credentials.issue('ApiKey', iri, expires, actor, 'UC-01.01', 'first key, issued on activation', [audience.members(organisation)]);
    return { user, apiKey };
  }

  /** Role changes are permission changes: each is a new version with its activity (requirements §12). */
  async update(id: string, body: Record<string, unknown>, ifMatch: number[] | '*' | undefined, principal: Principal): Promise<RecordState> {
    const current = await this.args.records.get(USER_KIND, id);
    const organisation = value(current, 'userOrganisation')!;
    const actor = authorizeUserManagement(principal, organisation);
    const org = await this.args.records.get(ORGANISATION_KIND, organisation.slice(this.prefix(ORGANISATION_KIND.path).length));
    this.checkRoles(body, principal, codes(org, 'organisationRoles'));
    if (body.organisation !== undefined && !sameRecord(String(body.organisation), organisation)) throw new AccessDeniedError('a user cannot move to another organisation: deactivate it and register the person there');
    return this.exclusive(organisation, async () => {
      await this.refuseDuplicateEmail(organisation, body.userEmail, current.iri);
      return this.args.records.replace(USER_KIND, id, { ...body, organisation }, ifMatch, actor);
    });
  }

  /** UC-01.04, single user: Deactivated users cannot authenticate; the record and its history stay. */
  async deactivate(id: string, principal: Principal): Promise<RecordState> {
    const current = await this.args.records.get(USER_KIND, id);
    const actor = authorizeUserManagement(principal, value(current, 'userOrganisation')!);
    return this.args.records.transition(USER_KIND, id, { userStatus: 'DEACTIVATED' }, actor, 'UC-01.04', (state) => {
      if (code(state, 'userStatus') === 'DEACTIVATED') throw new StateConflictError('the user is already deactivated', { currentStatus: 'DEACTIVATED' });
    });
  }

  private organisationOf(body: Record<string, unknown>, principal: Principal): string {
    const named = typeof body.organisation === 'string' ? body.organisation : undefined;
    const own = actingOrganisation(principal);
    const iri = named ? (/^https?:\/\//.test(named) ? named : `${this.prefix(ORGANISATION_KIND.path)}${named}`) : own;
    if (!iri) throw new InvalidRecordError('body', 'name the organisation the user belongs to', [{ severity: 'Violation', pointer: '/organisation', field: 'organisation', message: 'give the organisation ID (or act for it with FMAR-On-Behalf-Of)' }]);
    return iri;
  }

  /** Requirements §10: only FMAR administrators grant FMAR_ADMINISTRATOR, and only within the Market Facilitator. */
  private checkRoles(body: Record<string, unknown>, principal: Principal, organisationRoles: string[]): void {
    const roles = [body.userRoles].flat().map(String);
    if (!roles.some((r) => r.endsWith('FMAR_ADMINISTRATOR'))) return;
    if (!isAdministrator(principal)) throw new AccessDeniedError('only an FMAR administrator grants the FMAR_ADMINISTRATOR role');
    if (!organisationRoles.includes('MARKET_FACILITATOR')) throw new AccessDeniedError('FMAR_ADMINISTRATOR is a role of the Market Facilitator\'s users only');
  }

  /** UC-01.01 (UC-003): the email is unique among the users of one organisation, compared without case. */
  private async refuseDuplicateEmail(organisation: string, email: unknown, except: string | undefined): Promise<void> {
    if (typeof email !== 'string') return;
    const rows = await selectBindings(this.args.store, `SELECT ?u ?email WHERE { GRAPH ?u { ?u <${FMAR}userOrganisation> <${organisation}> } GRAPH ?personal { ?u <${FMAR}userEmail> ?email } FILTER (STR(?personal) = CONCAT(STR(?u), "#personal")) }`);
    const clash = rows.find((r) => r.u.value !== except && r.email.value.toLowerCase() === email.toLowerCase());
    if (clash) {
      throw new InvalidRecordError('body', 'a user of this organisation already has this email', [{ severity: 'Violation', pointer: '/userEmail', field: 'userEmail', value: email, message: `the email is already used by user ${clash.u.value.slice(clash.u.value.lastIndexOf('/') + 1)} of this organisation; emails are unique within an organisation` }]);
    }
  }

  private prefix(path: string): string {
    return `${this.args.baseIri}${path}/`;
  }

  private now(): Date {
    return this.args.now?.() ?? new Date();
  }

  private async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const next = (this.locks.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.locks.set(key, next);
    try {
      return await next;
    } finally {
      if (this.locks.get(key) === next) this.locks.delete(key);
    }
  }
}

function sameRecord(given: string, iri: string): boolean {
  return given === iri || iri.endsWith(`/${given}`);
}
