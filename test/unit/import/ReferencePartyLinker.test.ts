import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importIntoRegistry } from '../../../src/import/importIntoRegistry.js';
import { projectRoot } from '../../../src/projectRoot.js';
import { FMAR } from '../../../src/rdf/namespaces.js';
import { selectBindings } from '../../../src/store/selectBindings.js';
import { organisation } from '../../support/domainRecords.js';
import { startTestRegistry, type TestRegistry } from '../../support/testRegistry.js';

/** Six real rows of Elexon's Registered BM Units (2022-06): Flexitricity Limited (FLEXTRCY) leads V__AFLEX001. */
const BM_UNITS = join(projectRoot(), 'test/fixtures/import/elexon-bm-units-excerpt.csv');

describe('ReferencePartyLinker: imported parties follow the organisations registered after the import', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  beforeEach(async () => {
    t = await startTestRegistry({ snapshotEvery: 0 });
  });
  afterEach(async () => t.close());

  /** The link of the lead party FLEXTRCY, as stored. */
  const flexitricityLink = async () => {
    const rows = await selectBindings(t.registry.store, `SELECT ?organisation ?method ?evidence WHERE {
      GRAPH ?g { ?party <${FMAR}partyIdentifier> "elexonPartyId:FLEXTRCY" . OPTIONAL { ?party <${FMAR}matchedOrganisation> ?organisation } OPTIONAL { ?party <${FMAR}matchMethod> ?method } OPTIONAL { ?party <${FMAR}matchEvidence> ?evidence } }
    }`);
    assert.equal(rows.length, 1);
    return { organisation: rows[0].organisation?.value, method: rows[0].method?.value, evidence: rows[0].evidence?.value };
  };

  it('links a lead party once its organisation registers, as a new import would, and a re-import changes nothing', async () => {
    const bytes = await readFile(BM_UNITS);
    await importIntoRegistry(t.registry, 'bm-units', bytes, 'elexon-bm-units-excerpt.csv');
    assert.deepEqual(await flexitricityLink(), { organisation: undefined, method: undefined, evidence: undefined });

    const flexitricity = await organisation(t.registry, ['FSP'], { organisationLegalName: 'Flexitricity Ltd', organisationRegistrationNumber: 'SC200000' });
    await t.registry.partyLinker.idle();
    assert.deepEqual(await flexitricityLink(), { organisation: flexitricity.iri, method: 'normalised-name', evidence: '"Flexitricity Limited" matched "Flexitricity Ltd" (Limited→Ltd)' });
    assert.deepEqual(await t.registry.partyLinker.relink(), { parties: 6, changed: 0 }, 'nothing left to do');

    const again = await importIntoRegistry(t.registry, 'bm-units', bytes, 'elexon-bm-units-excerpt.csv');
    assert.deepEqual(again.summary.entities, { created: 0, updated: 0, unchanged: 12 }, 'the import computes the same link');
  });

  it('unlinks a party whose name a second organisation also answers to: ambiguous, with the evidence', async () => {
    await organisation(t.registry, ['FSP'], { organisationLegalName: 'Flexitricity Limited', organisationRegistrationNumber: 'SC200000' });
    await importIntoRegistry(t.registry, 'bm-units', await readFile(BM_UNITS), 'elexon-bm-units-excerpt.csv');
    assert.equal((await flexitricityLink()).method, 'exact-name');

    await organisation(t.registry, ['FSP'], { organisationLegalName: 'Flexitricity Trading Limited', organisationTradingName: 'Flexitricity Limited', organisationRegistrationNumber: 'SC200001' });
    await t.registry.partyLinker.idle();
    const link = await flexitricityLink();
    assert.equal(link.organisation, undefined);
    assert.match(link.evidence ?? '', /^"Flexitricity Limited" is ambiguous: .* \(not linked\)$/);
  });

  it('does nothing in a registry without imported parties', async () => {
    await organisation(t.registry, ['FSP']);
    await t.registry.partyLinker.idle();
    assert.deepEqual(await t.registry.partyLinker.relink(), { parties: 0, changed: 0 });
  });
});
