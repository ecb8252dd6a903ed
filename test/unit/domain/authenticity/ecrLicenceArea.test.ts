import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dnoCodeOfLicenceArea } from '../../../../src/domain/authenticity/ecrLicenceArea.js';
import { loadOntologyModel } from '../../../../src/ontology/loadOntologyModel.js';
import type { CodeConcept } from '../../../../src/ontology/OntologyModel.js';
import { FMAR_CODE } from '../../../../src/rdf/namespaces.js';
import { root } from '../../../support/fixtures.js';

describe('dnoCodeOfLicenceArea', () => {
  let dnoCodes: CodeConcept[];
  before(async () => {
    dnoCodes = (await loadOntologyModel(join(root, 'ontology'))).schemes.find((s) => s.iri === `${FMAR_CODE}DNOCode`)!.concepts;
  });

  it('reads the licence areas the UKPN ECR publishes, the "plc" variant included', () => {
    const names = ['Eastern Power Networks (EPN)', 'South Eastern Power Networks (SPN)', 'London Power Networks (LPN)', 'Eastern Power Networks plc'];
    assert.deepEqual(names.map((n) => dnoCodeOfLicenceArea(n, dnoCodes)?.notation), ['UKPN_EPN', 'UKPN_SPN', 'UKPN_LPN', 'UKPN_EPN']);
  });

  it('matches area names on the code list labels, without taking "Eastern" for "South Eastern"', () => {
    assert.equal(dnoCodeOfLicenceArea('South Eastern Power Networks', dnoCodes)?.notation, 'UKPN_SPN');
    assert.equal(dnoCodeOfLicenceArea('east midlands', dnoCodes)?.notation, 'NGED_EMID');
    assert.equal(dnoCodeOfLicenceArea('Electricity North West Limited', dnoCodes)?.notation, 'ENWL');
    assert.equal(dnoCodeOfLicenceArea('Electricity North West (ENWL)', dnoCodes)?.notation, 'ENWL');
  });

  it('names nothing for an unknown or ambiguous area', () => {
    assert.equal(dnoCodeOfLicenceArea('Atlantis Power Networks', dnoCodes), undefined);
    assert.equal(dnoCodeOfLicenceArea('', dnoCodes), undefined);
    // "(IDNO)" is the last part of no code, and several IDNO labels carry it.
    assert.equal(dnoCodeOfLicenceArea('Some network (IDNO)', dnoCodes), undefined);
  });
});
