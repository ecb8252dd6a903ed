import { createHmac, randomBytes } from 'node:crypto';
import { DataFactory, type Quad } from 'n3';
import { v7 as uuidv7 } from 'uuid';
import { authorizeOrganisationChange } from '../access/AccessPolicy.js';
import { principalAudiences } from '../access/audiences.js';
import type { Principal } from '../access/Principal.js';
import { FMAR_ACCESS, RDF, XSD } from '../rdf/namespaces.js';
import type { RegistryStore } from '../store/RegistryStore.js';
import { selectBindings } from '../store/selectBindings.js';
import type { ChangeFeed, FeedEvent } from './ChangeFeed.js';
import { AuthenticationError, InvalidRecordError, RecordNotFoundError } from './errors.js';
import { ORGANISATION_KIND } from './RecordKind.js';
import type { RecordService } from './RecordService.js';
import { codes } from './recordValues.js';

const { namedNode, literal, quad } = DataFactory;
const W = (name: string) => `${FMAR_ACCESS}webhook/${name}`;

export interface WebhookSubscription {
  id: string;
  iri: string;
  organisation: string;
  url: string;
  eventTypes: string[];
  createdAt: string;
  /** The last feed position delivered (or given up on). */
  position: number;
  active: boolean;
}

export interface DeliveryOutcome {
  deliveryId: string;
  subscription: string;
  firstPosition: number;
  lastPosition: number;
  events: number;
  attempts: number;
  status: 'delivered' | 'failed';
  httpStatus?: number;
  error?: string;
  at: string;
}

export interface WebhookOptions {
  store: RegistryStore;
  records: RecordService;
  feed: ChangeFeed;
  baseIri: string;
  /** Delays between attempts of one delivery (default 1 s, 5 s, 30 s, 2 min, 10 min); after the last, it is given up. */
  retryDelaysMs?: number[];
  /** How often subscriptions are checked for new events (default 1000 ms). */
  pollMs?: number;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  warn?: (message: string) => void;
}

/**
 * Webhooks (issue #7): an organisation subscribes a URL to event types; the registry POSTs the events its
 * members may see, in feed order, signed with HMAC-SHA256 over `{timestamp}.{body}` with the subscription's
 * secret (header `FMAR-Signature: t=...,v1=...`, as Stripe and GitHub do, so receivers can check origin and
 * freshness). A failed delivery is retried with backoff; after the last attempt it is recorded as failed and
 * the subscription moves on. Every outcome is kept and visible to the subscriber. The subscription, its
 * position in the feed and the outcomes live in the store (graph {base}webhooks/{id}), so a restart resumes where
 * delivery stopped: events are delivered at least once.
 * The secret must be kept to sign, so it is stored as given (in a graph no audience may read) and shown once.
 */
export class WebhookService {
  private readonly retryDelays: number[];
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly nextAttemptAt = new Map<string, { at: number; attempts: number }>();

  constructor(private readonly options: WebhookOptions) {
    this.retryDelays = options.retryDelaysMs ?? [1_000, 5_000, 30_000, 120_000, 600_000];
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.running ??= this.deliverAll().finally(() => {
        this.running = undefined;
      });
    }, this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Subscribes the principal's organisation (its administrators, or an administrator acting for it). */
  async subscribe(principal: Principal, request: { url?: unknown; eventTypes?: unknown; organisation?: string }): Promise<WebhookSubscription & { secret: string }> {
    if (principal.kind === 'anonymous') throw new AuthenticationError('subscribing webhooks needs credentials');
    const organisation = request.organisation ?? principal.actingFor?.organisationIri ?? principal.organisationIri;
    if (!organisation) throw this.invalid('organisation', undefined, 'act for the subscribing organisation');
    const actor = authorizeOrganisationChange(principal, organisation, 'subscribing webhooks');
    const url = typeof request.url === 'string' ? request.url : '';
    if (!/^https?:\/\/[^\s]+$/.test(url) || url.length > 2000) throw this.invalid('url', request.url, 'an http(s) URL');
    const eventTypes = Array.isArray(request.eventTypes) ? request.eventTypes.map(String) : [];
    if (!eventTypes.length || eventTypes.some((t) => !/^[A-Z][A-Za-z]{2,60}$/.test(t))) throw this.invalid('eventTypes', request.eventTypes, 'a list of event types, e.g. ["AssetRegistered", "AssetUpdated"] (docs/feed.md)');
    const id = uuidv7();
    const iri = `${this.options.baseIri}webhooks/${id}`;
    const secret = randomBytes(32).toString('base64url');
    const createdAt = new Date().toISOString();
    // New subscribers get what happens from now on: their position starts at the journal's head.
    const position = this.options.store.head().sequence;
    const g = namedNode(iri);
    const add: Quad[] = [
      quad(g, namedNode(`${RDF}type`), namedNode(W('Subscription')), g),
      quad(g, namedNode(W('organisation')), namedNode(organisation), g),
      quad(g, namedNode(W('url')), literal(url), g),
      quad(g, namedNode(W('secret')), literal(secret), g),
      quad(g, namedNode(W('createdAt')), literal(createdAt, namedNode(`${XSD}dateTime`)), g),
      quad(g, namedNode(W('createdBy')), namedNode(actor.agentIri), g),
      quad(g, namedNode(W('position')), literal(String(position), namedNode(`${XSD}integer`)), g),
      ...eventTypes.map((t) => quad(g, namedNode(W('eventType')), literal(t), g)),
    ];
    await this.options.store.commit({ add });
    return { id, iri, organisation, url, eventTypes, createdAt, position, active: true, secret };
  }

  async list(principal: Principal, organisation?: string): Promise<WebhookSubscription[]> {
    const org = organisation ?? principal.actingFor?.organisationIri ?? principal.organisationIri;
    if (!org) return [];
    authorizeOrganisationChange(principal, org, 'reading webhook subscriptions');
    return (await this.all()).filter((s) => s.organisation === org).map(withoutSecret);
  }

  /** The subscription and its recent delivery outcomes, newest first. */
  async deliveries(principal: Principal, id: string): Promise<{ subscription: WebhookSubscription; deliveries: DeliveryOutcome[] }> {
    const subscription = await this.get(id);
    authorizeOrganisationChange(principal, subscription.organisation, 'reading webhook deliveries');
    const quads = await this.options.store.readGraph(`${subscription.iri}/deliveries`);
    const bySubject = new Map<string, Record<string, string>>();
    for (const q of quads) {
      const record = bySubject.get(q.subject.value) ?? {};
      record[q.predicate.value.slice(W('').length)] = q.object.value;
      bySubject.set(q.subject.value, record);
    }
    const deliveries = [...bySubject.values()].map((r): DeliveryOutcome => ({
      deliveryId: r.deliveryId, subscription: id, firstPosition: Number(r.firstPosition), lastPosition: Number(r.lastPosition), events: Number(r.events), attempts: Number(r.attempts),
      status: r.status as DeliveryOutcome['status'], ...(r.httpStatus ? { httpStatus: Number(r.httpStatus) } : {}), ...(r.error ? { error: r.error } : {}), at: r.at,
    }));
    return { subscription: withoutSecret(subscription), deliveries: deliveries.sort((a, b) => b.at.localeCompare(a.at)).slice(0, 100) };
  }

  async unsubscribe(principal: Principal, id: string): Promise<void> {
    const subscription = await this.get(id);
    authorizeOrganisationChange(principal, subscription.organisation, 'removing a webhook');
    const g = namedNode(subscription.iri);
    await this.options.store.commit({ add: [quad(g, namedNode(W('removedAt')), literal(new Date().toISOString(), namedNode(`${XSD}dateTime`)), g)] });
  }

  /** One round: every active subscription gets the events after its position (tests call it directly). */
  async deliverAll(): Promise<void> {
    for (const subscription of await this.all()) {
      if (!subscription.active) continue;
      const retry = this.nextAttemptAt.get(subscription.id);
      if (retry && retry.at > Date.now()) continue;
      try {
        await this.deliverNext(subscription, retry?.attempts ?? 0);
      } catch (error) {
        this.options.warn?.(`webhook ${subscription.id}: ${(error as Error).message}`);
      }
    }
  }

  private async deliverNext(subscription: WebhookSubscription & { secret?: string }, previousAttempts: number): Promise<void> {
    const readers = await this.organisationAudiences(subscription.organisation);
    const page = await this.options.feed.page(subscription.position, 100, readers, new Set(subscription.eventTypes));
    if (page.next === subscription.position) return;
    if (!page.events.length) {
      await this.advance(subscription, page.next);
      return;
    }
    const deliveryId = uuidv7();
    const body = JSON.stringify({ subscription: subscription.id, deliveryId, events: page.events });
    const attempts = previousAttempts + 1;
    const result = await this.post(subscription.url, body, subscription.secret!, deliveryId);
    if (result.ok || attempts > this.retryDelays.length) {
      this.nextAttemptAt.delete(subscription.id);
      await this.record(subscription, page.events, { deliveryId, attempts, status: result.ok ? 'delivered' : 'failed', httpStatus: result.status, error: result.error }, page.next);
      return;
    }
    this.nextAttemptAt.set(subscription.id, { at: Date.now() + this.retryDelays[attempts - 1], attempts });
  }

  private async post(url: string, body: string, secret: string, deliveryId: string): Promise<{ ok: boolean; status?: number; error?: string }> {
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'fmar-signature': `t=${timestamp},v1=${signature}`, 'fmar-delivery-id': deliveryId },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        redirect: 'manual',
      });
      await res.arrayBuffer().catch(() => undefined);
      return { ok: res.status >= 200 && res.status < 300, status: res.status, ...(res.status >= 300 ? { error: `answered ${res.status}` } : {}) };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }

  private async record(subscription: WebhookSubscription, events: FeedEvent[], outcome: Omit<DeliveryOutcome, 'subscription' | 'firstPosition' | 'lastPosition' | 'events' | 'at'>, next: number): Promise<void> {
    const g = namedNode(`${subscription.iri}/deliveries`);
    const d = namedNode(`${subscription.iri}/deliveries#${outcome.deliveryId}`);
    const text = (name: string, value: string) => quad(d, namedNode(W(name)), literal(value), g);
    const add = [
      text('deliveryId', outcome.deliveryId),
      text('firstPosition', String(events[0].position)),
      text('lastPosition', String(events[events.length - 1].position)),
      text('events', String(events.length)),
      text('attempts', String(outcome.attempts)),
      text('status', outcome.status),
      text('at', new Date().toISOString()),
      ...(outcome.httpStatus ? [text('httpStatus', String(outcome.httpStatus))] : []),
      ...(outcome.error ? [text('error', outcome.error.slice(0, 500))] : []),
    ];
    await this.advance(subscription, next, add);
  }

  /** Moves the subscription's position (with the delivery outcome, in one transaction). */
  private async advance(subscription: WebhookSubscription, position: number, also: Quad[] = []): Promise<void> {
    const g = namedNode(subscription.iri);
    const p = namedNode(W('position'));
    const old = quad(g, p, literal(String(subscription.position), namedNode(`${XSD}integer`)), g);
    await this.options.store.commit({ remove: [old], add: [quad(g, p, literal(String(position), namedNode(`${XSD}integer`)), g), ...also], requires: [old] });
  }

  /** What the subscribing organisation's members may read: its events only (docs/access.md). */
  private async organisationAudiences(organisation: string): Promise<string[]> {
    const org = await this.options.records.get(ORGANISATION_KIND, organisation.slice(organisation.lastIndexOf('/') + 1));
    const member: Principal = { kind: 'user', agentIri: `${organisation}#webhooks`, organisationIri: organisation, organisationRoles: codes(org, 'organisationRoles'), userRoles: [], networkAreas: codes(org, 'networkAreas'), operatedPlatforms: [], credentialId: 'webhooks' };
    return principalAudiences(member, this.options.baseIri)!;
  }

  private async get(id: string): Promise<WebhookSubscription & { secret?: string }> {
    const found = (await this.all()).find((s) => s.id === id);
    if (!found) throw new RecordNotFoundError(`${this.options.baseIri}webhooks/${id}`);
    return found;
  }

  private async all(): Promise<(WebhookSubscription & { secret?: string })[]> {
    const prefix = `${this.options.baseIri}webhooks/`;
    const rows = await selectBindings(this.options.store, `SELECT ?s ?p ?o WHERE { GRAPH ?s { ?s a <${W('Subscription')}> ; ?p ?o } FILTER (STRSTARTS(STR(?s), ${JSON.stringify(prefix)})) }`);
    const subscriptions = new Map<string, WebhookSubscription & { secret?: string; removed?: boolean }>();
    for (const row of rows) {
      const iri = row.s.value;
      const s = subscriptions.get(iri) ?? { id: iri.slice(prefix.length), iri, organisation: '', url: '', eventTypes: [], createdAt: '', position: 0, active: true };
      const name = row.p.value.slice(W('').length);
      if (name === 'organisation') s.organisation = row.o.value;
      else if (name === 'url') s.url = row.o.value;
      else if (name === 'secret') s.secret = row.o.value;
      else if (name === 'createdAt') s.createdAt = row.o.value;
      else if (name === 'position') s.position = Number(row.o.value);
      else if (name === 'eventType') s.eventTypes.push(row.o.value);
      else if (name === 'removedAt') s.active = false;
      subscriptions.set(iri, s);
    }
    return [...subscriptions.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  private invalid(field: string, value: unknown, message: string): InvalidRecordError {
    return new InvalidRecordError('body', `the webhook subscription is not valid: ${field}`, [{ severity: 'Violation', pointer: `/${field}`, field, value: value === undefined ? undefined : JSON.stringify(value), message }]);
  }
}

function withoutSecret(subscription: WebhookSubscription & { secret?: string }): WebhookSubscription {
  const { secret: _secret, ...rest } = subscription;
  return rest;
}
