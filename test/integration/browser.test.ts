import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestRegistry, type TestRegistry, asAdmin } from '../support/testRegistry.js';

describe('Pages and descriptions for people and tools', () => {
  let t: TestRegistry;
  before(async () => {
    t = await startTestRegistry();
  });
  after(async () => t.close());

  it('answers / with an HTML landing page with live counts, and JSON for programs', async () => {
    const html = await asAdmin(t.app).get('/').set('Accept', 'text/html').expect(200);
    assert.match(html.text, /<h1>FMAR registry<\/h1>/);
    assert.match(html.text, /<a href="\/assets">assets<\/a>: 0/);
    const json = await asAdmin(t.app).get('/').set('Accept', 'application/json').expect(200);
    assert.deepEqual(json.body.records, { organisations: 0, users: 0, platforms: 0, delegations: 0, assets: 0, 'connection-limits': 0, 'category-schemas': 0, 'market-units': 0, memberships: 0, switches: 0, 'service-windows': 0, consents: 0, qualifications: 0 });
  });

  it('describes every endpoint in OpenAPI 3.1 with the generated schemas, and serves an interactive reference', async () => {
    const doc = await asAdmin(t.app).get('/openapi.json').expect(200);
    assert.equal(doc.body.openapi, '3.1.0');
    for (const path of ['/organisations', '/organisations/{id}', '/assets', '/assets/{id}', '/assets/{id}/history', '/sparql']) assert.ok(doc.body.paths[path], `missing ${path}`);
    assert.ok(doc.body.components.schemas.Asset.properties.ratedCapacity);
    const page = await asAdmin(t.app).get('/docs').expect(200);
    assert.match(page.text, /SwaggerUIBundle/);
    await asAdmin(t.app).get('/static/swagger-ui/swagger-ui-bundle.js').expect(200);
  });

  it('serves the JSON-LD context for this registry\'s base and the ontology documentation', async () => {
    const context = await asAdmin(t.app).get('/context/v1').expect(200);
    assert.equal(context.body['@context'].organisationId['@context']['@vocab'], 'http://registry.test/organisations/');
    await asAdmin(t.app).get('/ontology/Asset.html').expect(200);
  });

  it('answers unknown paths with problem+json 404', async () => {
    const res = await asAdmin(t.app).get('/nowhere').expect(404);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
  });
});
