import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataFactory, type Quad } from 'n3';
import { v7 as uuidv7 } from 'uuid';
import { AuthenticationError, RecordNotFoundError, StateConflictError } from '../domain/errors.js';
import type { Actor } from '../domain/RecordService.js';
import { FMAR, FMAR_ACCESS, PROV, RDF, XSD } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';
import { accessGraph, READABLE_BY } from './accessIndex.js';
import { audience } from './audiences.js';

const { namedNode, literal, quad } = DataFactory;

export type CredentialType = 'ApiKey' | 'ActivationCode';

/** What anyone may know of a credential: never its secret or hash. */
export interface CredentialInfo {
  keyId: string;
  iri: string;
  type: CredentialType;
  holder: string;
  label?: string;
  issuedAt: string;
  issuedBy: string;
  expiresAt: string;
  revokedAt?: string;
  usedAt?: string;
}

export interface IssuedCredential extends CredentialInfo {
  /** The whole secret token: shown once, in the response that issues it, and stored only as a salted hash. */
  token: string;
}

const ID_LENGTH = 12;
const PREFIX = 'fmar_';
const A = (name: string) => `${FMAR_ACCESS}${name}`;

/**
 * API keys and activation codes (issue #6, UC-01.01, UC-05.04). A token is `fmar_<id>_<secret>`: the id finds
 * the credential, the 256-bit secret proves it. Only a salted SHA-256 of the secret is stored (a fast hash is
 * enough for random secrets of this length; password hashing would only slow every request) and it is
 * compared in constant time. Each credential lives in its own graph {base}credentials/{id}, which no
 * audience may read (only administrators' SPARQL sees it); issuing and revoking are activities, as every
 * permission change must be (requirements §12).
 */
export class CredentialService {
  private readonly closing = new Map<string, Promise<CredentialInfo>>();

  constructor(private readonly args: { store: RegistryStore; baseIri: string; now?: () => Date }) {}

  private now(): Date {
    return this.args.now?.() ?? new Date();
  }

  credentialIri(keyId: string): string {
    return `${this.args.baseIri}credentials/${keyId}`;
  }

  async issue(type: CredentialType, holder: string, expiresAt: Date, actor: Actor, useCase: string, label?: string, readers: string[] = []): Promise<IssuedCredential> {
    const keyId = randomBytes(9).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    const salt = randomBytes(16).toString('hex');
    const iri = this.credentialIri(keyId);
    const g = namedNode(iri);
    const s = namedNode(iri);
    const issuedAt = this.now();
    const time = (d: Date) => literal(d.toISOString(), namedNode(`${XSD}dateTime`));
    const credential = [
      quad(s, namedNode(`${RDF}type`), namedNode(A(type)), g),
      quad(s, namedNode(A('holder')), namedNode(holder), g),
      quad(s, namedNode(A('salt')), literal(salt), g),
      quad(s, namedNode(A('secretHash')), literal(hashSecret(salt, secret)), g),
      quad(s, namedNode(A('issuedAt')), time(issuedAt), g),
      quad(s, namedNode(A('issuedBy')), namedNode(actor.agentIri), g),
      quad(s, namedNode(A('expiresAt')), time(expiresAt), g),
      ...(label ? [quad(s, namedNode(A('label')), literal(label), g)] : []),
    ];
    const activity = this.activity(iri, `issue ${type}`, actor, useCase, issuedAt, readers);
    await this.args.store.commit({ add: [...credential, ...activity] });
    return { keyId, iri, type, holder, label, issuedAt: issuedAt.toISOString(), issuedBy: actor.agentIri, expiresAt: expiresAt.toISOString(), token: `${PREFIX}${keyId}_${secret}` };
  }

  /** The credential a token names, if its secret matches, it has the type asked for, and it is neither expired, revoked nor used. */
  async verify(token: string, type: CredentialType): Promise<CredentialInfo> {
    const parsed = parseToken(token);
    if (!parsed) throw new AuthenticationError('the token is not an FMAR credential (fmar_<id>_<secret>)');
    const stored = await this.read(parsed.keyId);
    // The same answer for an unknown id and a wrong secret: nothing to learn by probing ids.
    const refused = () => new AuthenticationError('the credential is not valid');
    if (!stored || stored.info.type !== type) throw refused();
    const given = Buffer.from(hashSecret(stored.salt, parsed.secret), 'hex');
    const expected = Buffer.from(stored.secretHash, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused();
    if (stored.info.revokedAt) throw new AuthenticationError(`the credential ${parsed.keyId} was revoked at ${stored.info.revokedAt}`);
    if (stored.info.usedAt) throw new AuthenticationError(`the credential ${parsed.keyId} was already used at ${stored.info.usedAt}`);
    if (Date.parse(stored.info.expiresAt) <= this.now().getTime()) throw new AuthenticationError(`the credential ${parsed.keyId} expired at ${stored.info.expiresAt}`);
    return stored.info;
  }

  async get(keyId: string): Promise<CredentialInfo> {
    const stored = await this.read(keyId);
    if (!stored) throw new RecordNotFoundError(this.credentialIri(keyId));
    return stored.info;
  }

  /** Revokes (API keys) or marks used (activation codes): the credential stops working at once, and stays on record. */
  close(keyId: string, how: 'revokedAt' | 'usedAt', actor: Actor, useCase: string, readers: string[] = []): Promise<CredentialInfo> {
    // One change per credential at a time: of two concurrent revocations one succeeds and one gets 409.
    const previous = this.closing.get(keyId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.closeNow(keyId, how, actor, useCase, readers));
    this.closing.set(keyId, next);
    void next.finally(() => {
      if (this.closing.get(keyId) === next) this.closing.delete(keyId);
    }).catch(() => undefined);
    return next;
  }

  private async closeNow(keyId: string, how: 'revokedAt' | 'usedAt', actor: Actor, useCase: string, readers: string[]): Promise<CredentialInfo> {
    const stored = await this.read(keyId);
    if (!stored) throw new RecordNotFoundError(this.credentialIri(keyId));
    if (stored.info.revokedAt || stored.info.usedAt) throw new StateConflictError(`the credential ${keyId} is already ${stored.info.revokedAt ? 'revoked' : 'used'}`, { currentStatus: stored.info.revokedAt ? 'REVOKED' : 'USED' });
    const at = this.now();
    const g = namedNode(stored.info.iri);
    const closing = [
      quad(g, namedNode(A(how)), literal(at.toISOString(), namedNode(`${XSD}dateTime`)), g),
      quad(g, namedNode(A(how === 'revokedAt' ? 'revokedBy' : 'usedBy')), namedNode(actor.agentIri), g),
    ];
    await this.args.store.commit({ add: [...closing, ...this.activity(stored.info.iri, how === 'revokedAt' ? 'revoke credential' : 'use activation code', actor, useCase, at, readers)] });
    return { ...stored.info, [how]: at.toISOString() };
  }

  /** Credentials held by any of `holders` (metadata only), newest first. */
  async list(holders: string[], type: CredentialType = 'ApiKey'): Promise<CredentialInfo[]> {
    if (!holders.length) return [];
    const rows = await selectBindings(this.args.store, `SELECT ?c WHERE { GRAPH ?c { ?c a <${A(type)}> ; <${A('holder')}> ?h } VALUES ?h { ${holders.map((h) => `<${h}>`).join(' ')} } }`);
    const infos = await Promise.all(rows.map((r) => this.get(r.c.value.slice(this.credentialIri('').length))));
    return infos.sort((a, b) => Date.parse(b.issuedAt) - Date.parse(a.issuedAt));
  }

  private async read(keyId: string): Promise<{ info: CredentialInfo; salt: string; secretHash: string } | undefined> {
    if (!/^[A-Za-z0-9_-]{12}$/.test(keyId)) return undefined;
    const iri = this.credentialIri(keyId);
    const quads = await this.args.store.readGraph(iri);
    const value = (name: string) => quads.find((q) => q.subject.value === iri && q.predicate.value === A(name))?.object.value;
    const typeIri = quads.find((q) => q.subject.value === iri && q.predicate.value === `${RDF}type`)?.object.value;
    const salt = value('salt');
    const secretHash = value('secretHash');
    if (!typeIri || !salt || !secretHash) return undefined;
    return {
      salt,
      secretHash,
      info: { keyId, iri, type: typeIri.slice(FMAR_ACCESS.length) as CredentialType, holder: value('holder')!, label: value('label'), issuedAt: value('issuedAt')!, issuedBy: value('issuedBy')!, expiresAt: value('expiresAt')!, revokedAt: value('revokedAt'), usedAt: value('usedAt') },
    };
  }

  /** A PROV activity for a credential change, readable by `readers` and the audit trail. */
  private activity(credentialIri: string, label: string, actor: Actor, useCase: string, at: Date, readers: string[]): Quad[] {
    const activityIri = `${this.args.baseIri}activities/${uuidv7()}`;
    const g = namedNode(activityIri);
    const act = namedNode(activityIri);
    const out = [
      quad(act, namedNode(`${RDF}type`), namedNode(`${PROV}Activity`), g),
      quad(act, namedNode(`${RDF}type`), namedNode(`${FMAR}RegistryActivity`), g),
      quad(act, namedNode(`${FMAR}useCase`), literal(useCase), g),
      quad(act, namedNode(`${PROV}startedAtTime`), literal(at.toISOString(), namedNode(`${XSD}dateTime`)), g),
      quad(act, namedNode(`${PROV}wasAssociatedWith`), namedNode(actor.agentIri), g),
      quad(act, namedNode(`${PROV}used`), namedNode(credentialIri), g),
      quad(act, namedNode(`${FMAR_ACCESS}change`), literal(label), g),
    ];
    if (actor.onBehalfOf) out.push(quad(namedNode(actor.agentIri), namedNode(`${PROV}actedOnBehalfOf`), namedNode(actor.onBehalfOf), g));
    const index = namedNode(accessGraph(activityIri));
    for (const reader of [audience.audit(this.args.baseIri), ...readers]) out.push(quad(act, namedNode(READABLE_BY), namedNode(reader), index));
    return out;
  }
}

export function parseToken(token: string): { keyId: string; secret: string } | undefined {
  if (!token.startsWith(PREFIX) || token.length < PREFIX.length + ID_LENGTH + 2 || token[PREFIX.length + ID_LENGTH] !== '_') return undefined;
  return { keyId: token.slice(PREFIX.length, PREFIX.length + ID_LENGTH), secret: token.slice(PREFIX.length + ID_LENGTH + 1) };
}

function hashSecret(salt: string, secret: string): string {
  return createHash('sha256').update(salt).update(':').update(secret).digest('hex');
}
