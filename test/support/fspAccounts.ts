import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import { asAdmin, exampleBody } from './testRegistry.js';

/** An approved organisation and API keys of its users, made through the REST use cases (UC-01.02, UC-01.01). */
export interface TestOrganisation {
  id: string;
  /** Authorization header of a user with each role asked for, by role. */
  keys: Record<string, Record<string, string>>;
}

/**
 * Registers an organisation with `organisationRoles` (an administrator approves it) and, for each user role
 * asked for, a user that an administrator adds and that activates its account: what accessMatrix.test.ts does.
 * `extra` adds organisation fields (a system operator's networkAreas).
 */
export async function registerOrganisationWithUsers(app: Express, organisationRoles: string[], userRoles: string[] = ['ASSET_MANAGER'], extra: Record<string, unknown> = {}): Promise<TestOrganisation> {
  const created = await asAdmin(app).post('/organisations').send({ ...(await exampleBody('organisation')), organisationRoles, ...extra }).expect(201);
  const id = created.body.fmarOrganisationId as string;
  await asAdmin(app).post(`/organisations/${id}/approval`).expect(200);
  const keys: Record<string, Record<string, string>> = {};
  for (const role of userRoles) {
    const user = await asAdmin(app).post('/users').send({ organisation: id, userGivenName: 'Sam', userFamilyName: 'Tester', userEmail: `${role.toLowerCase()}.${Math.random().toString(36).slice(2)}@example.org`, userRoles: [role] }).expect(201);
    const activated = await request(app).post(`/users/${user.body.userId}/activation`).send({ activationCode: user.body.activationCode }).expect(200);
    assert.match(activated.body.apiKey, /^fmar_/);
    keys[role] = { Authorization: `Bearer ${activated.body.apiKey}` };
  }
  return { id, keys };
}

/** A 13-digit MPAN core with a correct check digit (the distributor id first), from 12 leading digits. */
export function mpan(first12: string): string {
  const primes = [3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43];
  const sum = [...first12].reduce((s, d, i) => s + Number(d) * primes[i], 0);
  return `${first12}${(sum % 11) % 10}`;
}

/** Reads a streamed text response whole (supertest buffers only the types it knows). */
export function asText(res: request.Test): request.Test {
  return res.buffer(true).parse((r, cb) => {
    let s = '';
    r.setEncoding('utf8');
    r.on('data', (c: string) => (s += c));
    r.on('end', () => cb(null, s));
  });
}
