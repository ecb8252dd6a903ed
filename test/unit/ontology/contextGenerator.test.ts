import assert from 'node:assert/strict';
import { join } from 'node:path';
import jsonld from 'jsonld';
import { generateContext } from '../../../src/ontology/contextGenerator.js';
import { loadOntologyModel } from '../../../src/ontology/loadOntologyModel.js';
import type { OntologyModel } from '../../../src/ontology/OntologyModel.js';
import { createLocalDocumentLoader } from '../../../src/rdf/documentLoader.js';
import { FMAR_CONTEXT_URL } from '../../../src/rdf/namespaces.js';
import { root } from '../../support/fixtures.js';

describe('The JSON-LD context generator', () => {
  let model: OntologyModel;
  before(async () => {
    model = await loadOntologyModel(join(root, 'ontology'));
  });

  it('names every property by its JSON name, Elexon terms with a lower-case start', () => {
    const terms = generateContext(model)['@context'];
    for (const name of ['assetName', 'ratedCapacity', 'importMPAN', 'assetCategory', 'organisationLegalName', 'fuelType_EnergySource', 'genCapacity', 'dnoConnection', 'countryCode']) {
      assert.ok(terms[name], `missing term ${name}`);
    }
    assert.equal(terms['@protected'], true);
  });

  it('compacts code IRIs back to their codes and record IRIs back to IDs', async () => {
    const context = generateContext(model);
    const loader = createLocalDocumentLoader({ [FMAR_CONTEXT_URL]: context });
    const body = { '@context': FMAR_CONTEXT_URL, '@id': 'https://registry.fmar.example/assets/a1', '@type': 'Asset', assetCategory: 'EV_CHARGER', organisationRoles: ['FSP'], organisationId: 'o1' };
    const expanded = await jsonld.expand(body, { documentLoader: loader as never });
    const compacted = (await jsonld.compact(expanded, FMAR_CONTEXT_URL as never, { documentLoader: loader as never })) as unknown as Record<string, unknown>;
    assert.equal(compacted.assetCategory, 'EV_CHARGER');
    assert.deepEqual(compacted.organisationRoles, ['FSP']);
    assert.equal(compacted.organisationId, 'o1');
  });

  it('uses the record base it is given for links', () => {
    const terms = generateContext(model, 'https://fmar.example.org/')['@context'] as Record<string, { '@context'?: { '@vocab': string } }>;
    assert.equal(terms.organisationId['@context']?.['@vocab'], 'https://fmar.example.org/organisations/');
  });
});
