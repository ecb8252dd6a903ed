import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFactory } from 'n3';
import { READABLE_BY } from '../../../../src/access/accessIndex.js';
import { audience } from '../../../../src/access/audiences.js';
import { ecrEntryIri, holdsEcrOf, operatorOfEcrReference, readEcrEntry } from '../../../../src/domain/authenticity/ecrEntries.js';
import { dropLegacyEcrEdition } from '../../../../src/domain/authenticity/legacyEcrEdition.js';
import { importIntoRegistry, importUnlessImported } from '../../../../src/import/importIntoRegistry.js';
import { loadOntologyModel } from '../../../../src/ontology/loadOntologyModel.js';
import { ModelQueries } from '../../../../src/ontology/modelQueries.js';
import { projectRoot } from '../../../../src/projectRoot.js';
import { FMAR } from '../../../../src/rdf/namespaces.js';
import { BASE, startTestRegistry, type TestRegistry } from '../../../support/testRegistry.js';
import { ukpnEcrEntriesByLine } from '../../../support/ukpnEcr.js';

const { namedNode, literal, quad } = DataFactory;
/** 19 real rows of the UKPN ECR 2025-08 (docs/import/ecr.md); line 9 is line 78 of the published file. */
const EXCERPT = join(projectRoot(), 'test/fixtures/import-ecr/ukpn-ecr-excerpt.csv');

describe('ecrEntries: the Embedded Capacity Register entries the authenticity checks read', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  beforeEach(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
  });
  afterEach(async () => t.close());

  it('reads back an imported entry by its reference, with the row it was read from', async () => {
    assert.equal(await readEcrEntry(t.registry.store, BASE, 'UKPN-ECR-9ac41a9acb2e'), undefined);
    assert.equal(await holdsEcrOf(t.registry.store, BASE, 'UKPN'), false);
    const { summary } = await importIntoRegistry(t.registry, 'ecr', await readFile(EXCERPT), 'ukpn-ecr-excerpt.csv');
    const entry = await readEcrEntry(t.registry.store, BASE, ' UKPN-ECR-9ac41a9acb2e ');
    assert.ok(entry);
    assert.equal(entry.iri, ecrEntryIri(BASE, 'ukpn', '9ac41a9acb2e'));
    assert.deepEqual(entry.references, ['UKPN-ECR-9ac41a9acb2e']);
    assert.equal(entry.connectionStatus, 'Connected');
    assert.equal(entry.registeredCapacityKw, '10000');
    assert.equal(entry.dnoArea, 'UKPN_EPN');
    assert.deepEqual(entry.technologies.map((x) => [x.slot, x.assetCategory, x.capacityKw]), [[1, 'BESS', '10000']]);
    assert.deepEqual(entry.source, { file: summary.source, row: 8, line: 9 });
    assert.equal(await holdsEcrOf(t.registry.store, BASE, 'UKPN'), true);
    assert.equal(await holdsEcrOf(t.registry.store, BASE, 'NGED'), false);
    assert.equal(await readEcrEntry(t.registry.store, BASE, 'UKPN-ECR-row-78'), undefined, 'no line references');
  });

  it('reads only the registry\'s ECR graphs', async () => {
    // An entry-looking graph written elsewhere (by SPARQL Update, say) is not the register.
    const elsewhere = `${BASE}notes/ecr-copy`;
    await t.registry.store.commit({ add: [quad(namedNode(elsewhere), namedNode(`${FMAR}ecrEntryReference`), literal('UKPN-ECR-0123456789ab'), namedNode(elsewhere)), quad(namedNode(elsewhere), namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type'), namedNode(`${FMAR}EcrEntry`), namedNode(elsewhere))] });
    assert.equal(await readEcrEntry(t.registry.store, BASE, 'UKPN-ECR-0123456789ab'), undefined);
  });

  it('imports a register named at start once: a second start writes nothing, not even a run', async () => {
    const bytes = await readFile(EXCERPT);
    const first = await importUnlessImported(t.registry, 'ecr', bytes, 'ukpn-ecr-excerpt.csv');
    assert.equal(first?.summary.accepted, 19);
    const head = t.registry.store.head();
    assert.equal(await importUnlessImported(t.registry, 'ecr', bytes, 'ukpn-ecr-excerpt.csv'), undefined);
    assert.deepEqual(t.registry.store.head(), head);
  });

  it('drops the line-numbered copy older versions loaded, with its access-index entry', async () => {
    const legacy = `${BASE}reference/ecr/ukpn-2025-08`;
    const access = `${BASE}.well-known/fmar/reference-access`;
    const readable = quad(namedNode(legacy), namedNode(READABLE_BY), namedNode(audience.public(BASE)), namedNode(access));
    await t.registry.store.commit({ add: [quad(namedNode(`${legacy}/rows/78`), namedNode(`${FMAR}ecrEntryReference`), literal('UKPN-ECR-row-78'), namedNode(legacy)), readable] });
    const warnings: string[] = [];
    await dropLegacyEcrEdition(t.registry.store, BASE, (m) => warnings.push(m));
    assert.equal(await t.registry.store.graphExists(legacy), false);
    assert.deepEqual((await t.registry.store.readGraph(access)).filter((q) => q.subject.value === legacy), []);
    assert.equal(warnings.length, 1);
    await dropLegacyEcrEdition(t.registry.store, BASE, (m) => warnings.push(m));
    assert.equal(warnings.length, 1, 'nothing to do the second time');
  });

  it('names the operator of a reference', () => {
    assert.equal(operatorOfEcrReference('ukpn-ECR-9ac41a9acb2e'), 'UKPN');
    assert.equal(operatorOfEcrReference('NGED-ECR-row-78'), 'NGED');
    assert.equal(operatorOfEcrReference('ECR12345'), undefined);
  });
});

describe('The sample portfolio against the register it came from', function () {
  this.timeout(60_000);
  it('names, in every asset, the entry of its row, with its capacity and category', async () => {
    const entries = await ukpnEcrEntriesByLine(new ModelQueries(await loadOntologyModel(join(projectRoot(), 'ontology'))), BASE);
    const byReference = new Map([...entries].map(([line, e]) => [e.references[0], { line, e }]));
    const sample = JSON.parse(await readFile(join(projectRoot(), 'data/sample/assets.json'), 'utf8')) as { source: { line: number }; body: { ecrReference: string; ratedCapacity: number; assetCategory: string } }[];
    assert.ok(sample.length >= 200);
    for (const { source, body } of sample) {
      const found = byReference.get(body.ecrReference);
      assert.ok(found, body.ecrReference);
      assert.equal(found.line, source.line);
      assert.equal(Number(found.e.registeredCapacityKw), body.ratedCapacity, body.ecrReference);
      assert.ok(found.e.technologies.some((x) => x.assetCategory === body.assetCategory), body.ecrReference);
    }
  });
});
