import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalDocumentLoader, RemoteContextRefusedError } from '../../../src/rdf/documentLoader.js';
import { JsonLdSyntaxError, jsonLdToQuads } from '../../../src/rdf/jsonLdToQuads.js';
import { FMAR, FMAR_CODE, FMAR_CONTEXT_URL, XSD } from '../../../src/rdf/namespaces.js';
import { root } from '../../support/fixtures.js';

const context = JSON.parse(await readFile(join(root, 'shapes/context.jsonld'), 'utf8'));
const loader = createLocalDocumentLoader({ [FMAR_CONTEXT_URL]: context });
const asset = { '@context': FMAR_CONTEXT_URL, '@id': 'https://registry.fmar.example/assets/a1', '@type': 'Asset' };

function objectOf(quads: Awaited<ReturnType<typeof jsonLdToQuads>>, property: string) {
  return quads.find((q) => q.predicate.value === FMAR + property)?.object;
}

describe('JSON-LD to quads', () => {
  it('writes codes as concept IRIs of their code list', async () => {
    const quads = await jsonLdToQuads({ ...asset, assetCategory: 'BESS', fuelType_EnergySource: 'OTHER', fuelType_DemandTechType: 'OTHER' }, loader);
    assert.equal(objectOf(quads, 'assetCategory')?.value, `${FMAR_CODE}AssetCategory/BESS`);
    assert.equal(objectOf(quads, 'energySource')?.value, `${FMAR_CODE}EnergySource/OTHER`);
    assert.equal(objectOf(quads, 'demandTechType')?.value, `${FMAR_CODE}DemandTechType/OTHER`);
  });

  it('turns a record ID into the record IRI and keeps a full IRI as it is', async () => {
    const byId = await jsonLdToQuads({ ...asset, organisationId: '0b7e5b3c-2f4d-4a8e-9c1f-6d2e8a4b7c90' }, loader);
    assert.equal(objectOf(byId, 'assetOwner')?.value, 'https://registry.fmar.example/organisations/0b7e5b3c-2f4d-4a8e-9c1f-6d2e8a4b7c90');
    const byIri = await jsonLdToQuads({ ...asset, organisationId: 'https://other.example/organisations/x' }, loader);
    assert.equal(objectOf(byIri, 'assetOwner')?.value, 'https://other.example/organisations/x');
  });

  it('keeps decimals as written in JSON instead of the double form 7.5E0', async () => {
    const quads = await jsonLdToQuads({ ...asset, ratedCapacity: 7.5, genCapacity: 12500, demandCapacity: '7.50' }, loader);
    const rated = objectOf(quads, 'ratedCapacity') as { value: string; datatype: { value: string } };
    assert.equal(rated.value, '7.5');
    assert.equal(rated.datatype.value, `${XSD}decimal`);
    assert.equal(objectOf(quads, 'generationCapacity')?.value, '12500');
    assert.equal(objectOf(quads, 'demandCapacity')?.value, '7.50');
  });

  it('refuses a remote context without fetching it', async () => {
    await assert.rejects(jsonLdToQuads({ '@context': 'https://evil.example/context.jsonld', assetName: 'x' }, loader), RemoteContextRefusedError);
  });

  it('refuses a remote context nested in an array of contexts', async () => {
    await assert.rejects(jsonLdToQuads({ '@context': [FMAR_CONTEXT_URL, 'http://127.0.0.1:1/ctx'], assetName: 'x' }, loader), RemoteContextRefusedError);
  });

  it('refuses a key the context does not define instead of dropping it', async () => {
    await assert.rejects(jsonLdToQuads({ ...asset, ratedCapacty: 7 }, loader), (error: Error) => error instanceof JsonLdSyntaxError && /ratedCapacty/.test(error.message));
  });

  it('refuses a document that redefines a protected FMAR term', async () => {
    await assert.rejects(
      jsonLdToQuads({ '@context': [FMAR_CONTEXT_URL, { ratedCapacity: 'http://evil.example/capacity' }], '@type': 'Asset', ratedCapacity: 1 }, loader),
      JsonLdSyntaxError,
    );
  });
});
