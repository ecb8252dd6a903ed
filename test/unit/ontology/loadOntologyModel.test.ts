import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { buildOntologyModel, loadOntologyModel } from '../../../src/ontology/loadOntologyModel.js';
import type { OntologyModel } from '../../../src/ontology/OntologyModel.js';
import { parseTurtle } from '../../../src/rdf/readTurtle.js';
import { sharedDir } from '../../../src/projectRoot.js';
import { root } from '../../support/fixtures.js';

const shared = sharedDir();

async function elexonTerms(table: string): Promise<{ attribute: string; term: string }[]> {
  const rows = parse(await readFile(join(shared, 'spec/data-definitions', table), 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
  return rows.map((r) => ({ attribute: (r['FMAR Attribute Name'] ?? r['Attribute Name']).trim(), term: r['Ontology Term (Machine-Friendly)'].trim() }));
}

describe('The ontology model', () => {
  let model: OntologyModel;
  before(async () => {
    model = await loadOntologyModel(join(root, 'ontology'));
  });

  it('gives every class and property a label and a definition', () => {
    for (const item of [...model.classes, ...model.properties]) {
      assert.ok(item.label.length > 1, `${item.iri} has no label`);
      assert.ok(item.definition.length > 10, `${item.iri} has no definition`);
    }
  });

  it('implements all 21 asset attributes of Elexon\'s table', async () => {
    const terms = await elexonTerms('asset-attributes.csv');
    assert.equal(terms.length, 21);
    for (const { attribute, term } of terms) {
      const property = model.properties.find((p) => (term ? p.elexonTerm === term : p.elexonAttribute === attribute));
      assert.ok(property, `no property for ${attribute} (${term})`);
      assert.ok(property.domains.includes('https://w3id.org/fmar/ontology#Asset'));
    }
  });

  it('implements all 37 organisation attributes of Elexon\'s table', async () => {
    const terms = await elexonTerms('organisation-attributes.csv');
    assert.equal(terms.length, 37);
    for (const { attribute, term } of terms) {
      const property = model.properties.find((p) => p.elexonTerm === term);
      assert.ok(property, `no property for ${attribute} (${term})`);
      assert.equal(property.jsonName, term[0].toLowerCase() + term.slice(1), 'JSON names are the Ontology Term with a lower-case start');
    }
  });

  it('covers every concept the requirements name', () => {
    const names = model.classes.map((c) => c.name);
    for (const name of ['Organisation', 'User', 'Platform', 'DelegationGrant', 'Asset', 'AccountingPoint', 'Device', 'MarketUnit', 'ServiceProvidingUnit', 'ServiceProvidingGroup', 'MarketUnitMembership', 'Product', 'ProductVersion', 'EquivalenceEntry', 'Qualification', 'Consent', 'ConnectionLimit', 'Dispute']) {
      assert.ok(names.includes(name), `missing class ${name}`);
    }
  });

  it('refuses an ontology whose properties share a JSON name', () => {
    const ttl = `@prefix fmar: <https://w3id.org/fmar/ontology#> . @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix fmarann: <https://w3id.org/fmar/ontology/annotation#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/fmar/ontology> a owl:Ontology ; owl:versionIRI <https://w3id.org/fmar/ontology/9> ; owl:versionInfo "9" ; rdfs:label "t" ; <http://purl.org/dc/terms/description> "t" .
fmar:A a owl:Class ; rdfs:label "a" ; skos:definition "a class for testing" .
fmar:p a owl:DatatypeProperty ; rdfs:label "p" ; skos:definition "a property for testing" ; rdfs:domain fmar:A ; rdfs:range xsd:string ; fmarann:jsonName "x" .
fmar:q a owl:DatatypeProperty ; rdfs:label "q" ; skos:definition "a property for testing" ; rdfs:domain fmar:A ; rdfs:range xsd:string ; fmarann:jsonName "x" .`;
    assert.throws(() => buildOntologyModel(parseTurtle(ttl)), /JSON name x is used by both/);
  });

  it('keeps code lists in their declared order and marks inactive codes', () => {
    const status = model.schemes.find((s) => s.name === 'ConnectionStatus')!;
    assert.deepEqual(status.concepts.map((c) => c.notation), ['CONNECTED', 'PENDING', 'DISCONNECTED', 'DE_ENERGISED', 'COMMISSIONING', 'SUSPENDED', 'DECOMMISSIONED']);
    assert.deepEqual(status.concepts.filter((c) => c.active).map((c) => c.notation), ['CONNECTED', 'PENDING', 'DISCONNECTED']);
  });

  it('adds Platform, System Operator and Installer to the organisation roles', () => {
    const roles = model.schemes.find((s) => s.name === 'OrganisationRole')!.concepts.map((c) => c.notation);
    for (const role of ['PLATFORM', 'SYSTEM_OPERATOR', 'INSTALLER']) assert.ok(roles.includes(role));
  });
});
