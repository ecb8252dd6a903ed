import { timingSafeEqual, createHash } from 'node:crypto';
import { AccessDeniedError, AuthenticationError, RecordNotFoundError } from '../domain/errors.js';
import { DELEGATION_KIND, ORGANISATION_KIND, PLATFORM_KIND, USER_KIND } from '../domain/RecordKind.js';
import type { RecordService, RecordState } from '../domain/RecordService.js';
import { FMAR, FMAR_CODE } from '../rdf/namespaces.js';
import { code, codes, value } from '../domain/recordValues.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';
import type { CredentialService } from './CredentialService.js';
import type { JwtVerifier } from './JwtVerifier.js';
import { anonymousPrincipal, isAdministrator, type DelegationInfo, type Principal } from './Principal.js';

/** What the authenticator reads of a request. */
export interface Credentials {
  /** The Authorization header. */
  authorization?: string;
  /** FMAR-On-Behalf-Of: the organisation (ID or IRI) an administrator or platform acts for. */
  onBehalfOf?: string;
  /** FMAR-Purpose: the need stated for personal data. */
  purpose?: string;
  clientAddress: string;
}

export interface AuthenticatorArgs {
  records: RecordService;
  credentials: CredentialService;
  store: RegistryStore;
  baseIri: string;
  /** The bootstrap administrator's token (FMAR_ADMIN_TOKEN) and agent IRI. */
  adminToken: string;
  adminAgent: string;
  jwt?: JwtVerifier;
  today?: () => string;
  /** How long a principal built from credentials is reused (FMAR_PRINCIPAL_CACHE_MS; 0: never). */
  cacheMs?: number;
}

/** Record paths whose changes can change a principal (its credential, user, organisation, platform, grants). */
const IDENTITY_PATHS = ['credentials/', 'users/', 'organisations/', 'platforms/', 'delegations/'];
const CACHE_LIMIT = 10_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Turns a request's credentials into a Principal (issue #6, requirements §10 "all access authenticated via
 * SPUM"): the bootstrap administrator's token, an API key, or an OIDC bearer JWT. The principal's roles,
 * areas and grants are read from the registry's records on every request, so deactivating a user,
 * de-registering an organisation or revoking a grant takes effect on the next request. No credentials at all
 * is the anonymous public principal.
 */
export class Authenticator {
  private readonly adminTokenHash: Buffer;
  private readonly today: () => string;
  /**
   * Principals by credential (a hash of it, never the secret) and FMAR-On-Behalf-Of. Building one reads up to a
   * dozen graphs (the key, the user, the organisation, platforms, grants): measured, that was most of a GET. An
   * entry lives at most cacheMs and never past its credential's expiry, and every commit of this node that
   * touches an identity record clears the cache (`forget`), so revocations and deactivations on this node act
   * at once; on a shared remote store, another node's take at most cacheMs.
   */
  private readonly cache = new Map<string, { principal: Principal; until: number }>();

  constructor(private readonly args: AuthenticatorArgs) {
    this.adminTokenHash = sha256(args.adminToken);
    this.today = args.today ?? (() => new Date().toISOString().slice(0, 10));
  }

  async authenticate(request: Credentials): Promise<Principal> {
    const purpose = this.purpose(request.purpose);
    const header = request.authorization;
    if (!header) {
      if (request.onBehalfOf) throw new AuthenticationError('FMAR-On-Behalf-Of needs credentials: send Authorization: Bearer <API key or token>');
      return anonymousPrincipal(request.clientAddress);
    }
    const match = /^Bearer ([\x21-\x7e]+)$/.exec(header);
    if (!match) throw new AuthenticationError('send credentials as Authorization: Bearer <API key or token>');
    const token = match[1];
    const key = `${sha256(token).toString('base64')}|${request.onBehalfOf ?? ''}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return purpose ? { ...cached.principal, statedPurpose: purpose } : cached.principal;
    const built = await this.build(token, request.onBehalfOf);
    const cacheMs = this.args.cacheMs ?? 2000;
    if (cacheMs > 0) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, { principal: built.principal, until: Math.min(Date.now() + cacheMs, built.expiresAt) });
    }
    return purpose ? { ...built.principal, statedPurpose: purpose } : built.principal;
  }

  /** Forgets every cached principal when a commit touched an identity record (ObservedStore.onCommitted). */
  forget(graphs: string[]): void {
    if (!this.cache.size) return;
    if (graphs.some((g) => IDENTITY_PATHS.some((path) => g.startsWith(`${this.args.baseIri}${path}`)))) this.cache.clear();
  }

  private async build(token: string, onBehalfOf: string | undefined): Promise<{ principal: Principal; expiresAt: number }> {
    let principal: Principal;
    let expiresAt = Number.POSITIVE_INFINITY;
    // Hashing both sides first gives equal lengths, so the comparison is constant-time whatever the token's length.
    if (timingSafeEqual(sha256(token), this.adminTokenHash)) {
      principal = { kind: 'administrator', agentIri: this.args.adminAgent, organisationRoles: [], userRoles: [], networkAreas: [], operatedPlatforms: [], credentialId: 'bootstrap-administrator' };
    } else if (token.startsWith('fmar_')) {
      const key = await this.args.credentials.verify(token, 'ApiKey');
      principal = await this.holder(key.holder, `api-key:${key.keyId}`);
      expiresAt = Date.parse(key.expiresAt);
    } else if (this.args.jwt && token.split('.').length === 3) {
      const verified = await this.args.jwt.subject(token);
      const subject = verified.subject;
      expiresAt = verified.expiresAt;
      if (!UUID.test(subject)) throw new AuthenticationError('the token subject must be an FMAR user ID or platform ID');
      const holder = (await this.exists(USER_KIND, subject)) ? this.args.records.recordIri(USER_KIND, subject) : this.args.records.recordIri(PLATFORM_KIND, subject);
      principal = await this.holder(holder, `jwt:${subject}`);
    } else {
      throw new AuthenticationError('the bearer token is not valid');
    }
    if (onBehalfOf) principal.actingFor = await this.actingFor(principal, this.organisationIri(onBehalfOf));
    return { principal, expiresAt };
  }

  /** A user or platform principal, refused unless the holder and its organisation are active. */
  private async holder(holderIri: string, credentialId: string): Promise<Principal> {
    const users = `${this.args.baseIri}${USER_KIND.path}/`;
    const platforms = `${this.args.baseIri}${PLATFORM_KIND.path}/`;
    if (holderIri.startsWith(users)) {
      const user = await this.record(USER_KIND, holderIri.slice(users.length));
      const status = code(user, 'userStatus');
      // UC-01.04: a deactivated user (or one not yet activated) cannot authenticate.
      if (status !== 'ACTIVE') throw new AuthenticationError(`the user ${user.id} is ${status?.toLowerCase().replace('_', ' ') ?? 'not active'} and cannot authenticate`);
      const organisation = await this.activeOrganisation(value(user, 'userOrganisation')!);
      const roles = codes(organisation, 'organisationRoles');
      return {
        kind: 'user',
        agentIri: user.iri,
        organisationIri: organisation.iri,
        organisationRoles: roles,
        userRoles: codes(user, 'userRoles'),
        networkAreas: codes(organisation, 'networkAreas'),
        operatedPlatforms: roles.includes('PLATFORM') ? await this.platformsOf(organisation.iri) : [],
        credentialId,
      };
    }
    if (holderIri.startsWith(platforms)) {
      const platform = await this.record(PLATFORM_KIND, holderIri.slice(platforms.length));
      const status = code(platform, 'platformStatus');
      // UC-05.04: a platform acts only once vetted, and not while suspended or withdrawn.
      if (status !== 'ACTIVE') throw new AuthenticationError(`the platform ${platform.id} is ${status?.toLowerCase().replace('_', ' ') ?? 'not active'} and cannot authenticate`);
      const operator = await this.activeOrganisation(value(platform, 'platformOperator')!);
      return { kind: 'platform', agentIri: platform.iri, organisationIri: operator.iri, organisationRoles: codes(operator, 'organisationRoles'), userRoles: [], networkAreas: [], operatedPlatforms: [], credentialId };
    }
    throw new AuthenticationError('the credential has no holder this registry knows');
  }

  private async activeOrganisation(iri: string): Promise<RecordState> {
    const organisation = await this.record(ORGANISATION_KIND, iri.slice(`${this.args.baseIri}${ORGANISATION_KIND.path}/`.length));
    const status = code(organisation, 'organisationStatus');
    // UC-01.04: once an organisation is de-registered (or suspended), none of its users or platforms can authenticate.
    if (status !== 'ACTIVE') throw new AuthenticationError(`the organisation ${organisation.id} is ${status?.toLowerCase().replace('_', ' ') ?? 'not active'}; its credentials do not work`);
    return organisation;
  }

  /**
   * FMAR-On-Behalf-Of: administrators may act for any organisation; a platform only for an FSP that granted it
   * an active delegation (UC-05.04); a user only for their own organisation.
   */
  private async actingFor(principal: Principal, organisationIri: string): Promise<Principal['actingFor']> {
    // An administrator may name any organisation of this registry; the use case checks what it needs of it.
    if (isAdministrator(principal)) return { organisationIri };
    if (principal.kind === 'user') {
      if (organisationIri !== principal.organisationIri) throw new AccessDeniedError('a user acts only for their own organisation: leave FMAR-On-Behalf-Of out or name your organisation');
      return undefined;
    }
    const delegation = await this.activeDelegation(organisationIri, principal.agentIri);
    if (!delegation) throw new AccessDeniedError(`the platform holds no active delegation from ${organisationIri}: the organisation must grant one (POST /delegations), and it must be valid today and not revoked`, { reason: 'no-active-delegation' });
    return { organisationIri, delegation };
  }

  /** The union of the grantor's active grants to the platform that are valid today. */
  private async activeDelegation(grantor: string, platform: string): Promise<DelegationInfo | undefined> {
    const sparql = `SELECT ?d ?action ?all ?asset ?from ?until WHERE { GRAPH ?d {
      ?d a <${DELEGATION_KIND.classIri}> ; <${FMAR}grantor> <${grantor}> ; <${FMAR}grantee> <${platform}> ;
         <${FMAR}delegationStatus> <${FMAR_CODE}DelegationStatus/ACTIVE> ; <${FMAR}appliesToAllAssets> ?all ;
         <${FMAR}grantValidFrom> ?from ; <${FMAR}delegatedActions> ?action .
      OPTIONAL { ?d <${FMAR}grantValidUntil> ?until } OPTIONAL { ?d <${FMAR}delegatedAssets> ?asset } } }`;
    const today = this.today();
    // grantValidUntil is the day after the last valid day (ontology: fmar:grantValidUntil).
    const rows = (await selectBindings(this.args.store, sparql)).filter((r) => r.from.value <= today && (!r.until || today < r.until.value));
    if (!rows.length) return undefined;
    return {
      grantIri: rows[0].d.value,
      grantorIri: grantor,
      actions: [...new Set(rows.map((r) => r.action.value.slice(r.action.value.lastIndexOf('/') + 1)))],
      allAssets: rows.some((r) => r.all.value === 'true' || r.all.value === '1'),
      assets: [...new Set(rows.flatMap((r) => (r.asset ? [r.asset.value] : [])))],
    };
  }

  private async platformsOf(organisation: string): Promise<string[]> {
    const rows = await selectBindings(this.args.store, `SELECT ?p WHERE { GRAPH ?p { ?p a <${PLATFORM_KIND.classIri}> ; <${FMAR}platformOperator> <${organisation}> } }`);
    return rows.map((r) => r.p.value);
  }

  private organisationIri(header: string): string {
    const iri = /^https?:\/\//.test(header) ? header : `${this.args.baseIri}${ORGANISATION_KIND.path}/${header}`;
    if (!iri.startsWith(`${this.args.baseIri}${ORGANISATION_KIND.path}/`) || !UUID.test(iri.slice(`${this.args.baseIri}${ORGANISATION_KIND.path}/`.length))) {
      throw new AccessDeniedError('FMAR-On-Behalf-Of must be an organisation ID (or its IRI) of this registry');
    }
    return iri;
  }

  private purpose(header: string | undefined): string | undefined {
    if (header === undefined) return undefined;
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._:-]{0,199}$/.test(header)) throw new AccessDeniedError('FMAR-Purpose must state the need in at most 200 letters, digits, spaces and . _ : -');
    return header;
  }

  private async record(kind: typeof USER_KIND, id: string): Promise<RecordState> {
    try {
      return await this.args.records.get(kind, id);
    } catch (error) {
      if (error instanceof RecordNotFoundError) throw new AuthenticationError(`the credential's ${kind.className.toLowerCase()} no longer exists`);
      throw error;
    }
  }

  private async exists(kind: typeof USER_KIND, id: string): Promise<boolean> {
    try {
      await this.args.records.get(kind, id);
      return true;
    } catch (error) {
      if (error instanceof RecordNotFoundError) return false;
      throw error;
    }
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
