import { authorizeCredentialManagement } from '../access/AccessPolicy.js';
import { audience } from '../access/audiences.js';
import type { CredentialInfo, CredentialService, IssuedCredential } from '../access/CredentialService.js';
import type { Principal } from '../access/Principal.js';
import { InvalidRecordError, RecordNotFoundError, StateConflictError } from './errors.js';
import { PLATFORM_KIND, USER_KIND } from './RecordKind.js';
import type { RecordService } from './RecordService.js';
import { code, value } from './recordValues.js';
import { DEFAULT_KEY_DAYS } from './UserService.js';

/** Keys live at most a year: rotation is part of "secure credential management" (UC-05.04 rules). */
const MAX_KEY_DAYS = 366;

/**
 * API keys of users and platforms (issue #6): issued by their holder (users) or by the administrators of the
 * holder's organisation, listed without secrets, revoked at once. A platform's keys are distinct from any
 * FSP's (UC-05.04) and are issued only once the platform is Active.
 */
export class ApiKeyService {
  constructor(private readonly args: { records: RecordService; credentials: CredentialService; baseIri: string; now?: () => Date }) {}

  async issue(principal: Principal, request: { holder?: string; label?: string; expiresOn?: string }): Promise<IssuedCredential> {
    const holder = await this.holder(request.holder ?? principal.agentIri);
    const actor = authorizeCredentialManagement(principal, holder.iri, holder.organisation);
    if (holder.status !== 'ACTIVE') throw new StateConflictError(`the ${holder.kind} is ${holder.status}; keys are issued to active holders only`, { currentStatus: holder.status });
    const now = this.args.now?.() ?? new Date();
    const expires = request.expiresOn ? new Date(`${request.expiresOn}T00:00:00Z`) : new Date(now.getTime() + DEFAULT_KEY_DAYS * 86_400_000);
    if (Number.isNaN(expires.getTime()) || !/^\d{4}-\d{2}-\d{2}$/.test(request.expiresOn ?? '2000-01-01')) throw this.invalid('expiresOn', request.expiresOn, 'give a date (YYYY-MM-DD)');
    if (expires.getTime() <= now.getTime()) throw this.invalid('expiresOn', request.expiresOn, 'the expiry must be in the future');
    if (expires.getTime() > now.getTime() + MAX_KEY_DAYS * 86_400_000) throw this.invalid('expiresOn', request.expiresOn, `a key lives at most ${MAX_KEY_DAYS - 1} days; issue a new one to rotate`);
    if (request.label !== undefined && (typeof request.label !== 'string' || request.label.length > 100 || /[\u0000-\u001f]/.test(request.label))) throw this.invalid('label', request.label, 'at most 100 printable characters');
    return this.args.credentials.issue('ApiKey', holder.iri, expires, actor, holder.kind === 'platform' ? 'UC-05.04' : 'UC-01.01', request.label, [audience.members(holder.organisation)]);
  }

  async list(principal: Principal, holderGiven?: string): Promise<CredentialInfo[]> {
    const holder = await this.holder(holderGiven ?? principal.agentIri);
    authorizeCredentialManagement(principal, holder.iri, holder.organisation);
    return this.args.credentials.list([holder.iri]);
  }

  async revoke(principal: Principal, keyId: string): Promise<CredentialInfo> {
    const key = await this.args.credentials.get(keyId);
    if (key.type !== 'ApiKey') throw new RecordNotFoundError(key.iri);
    const holder = await this.holder(key.holder);
    const actor = authorizeCredentialManagement(principal, holder.iri, holder.organisation);
    return this.args.credentials.close(keyId, 'revokedAt', actor, holder.kind === 'platform' ? 'UC-05.04' : 'UC-01.01', [audience.members(holder.organisation)]);
  }

  private async holder(given: string): Promise<{ iri: string; kind: 'user' | 'platform'; organisation: string; status?: string }> {
    const id = given.slice(given.lastIndexOf('/') + 1);
    const isPlatform = given.includes(`/${PLATFORM_KIND.path}/`);
    if (!isPlatform) {
      const user = await this.args.records.get(USER_KIND, id).catch(() => undefined);
      if (user) return { iri: user.iri, kind: 'user', organisation: value(user, 'userOrganisation')!, status: code(user, 'userStatus') };
    }
    const platform = await this.args.records.get(PLATFORM_KIND, id).catch(() => undefined);
    if (platform) return { iri: platform.iri, kind: 'platform', organisation: value(platform, 'platformOperator')!, status: code(platform, 'platformStatus') };
    throw this.invalid('holder', given, 'give the ID of a user or platform of this registry (the bootstrap administrator has no API keys)');
  }

  private invalid(field: string, value: unknown, message: string): InvalidRecordError {
    return new InvalidRecordError('body', `the API key request is not valid: ${field}`, [{ severity: 'Violation', pointer: `/${field}`, field, value: value === undefined ? undefined : String(value), message }]);
  }
}
