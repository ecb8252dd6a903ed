import assert from 'node:assert/strict';
import { anonymousPrincipal } from '../../../src/access/Principal.js';
import { organisationNameKey as normaliseLegalName } from '../../../src/domain/organisationNames.js';
import { DuplicateRecordError } from '../../../src/domain/errors.js';
import { exampleBody, startTestRegistry, type TestRegistry } from '../../support/testRegistry.js';

describe('OrganisationService', () => {
  describe('organisation name keys for duplicate registrations (organisationNames.ts)', () => {
    const same: [string, string][] = [
      ['ACME Energy Ltd.', 'Acme Energy Limited'],
      ['acme energy ltd', 'ACME ENERGY LIMITED'],
      ['Acme  Energy   Ltd', ' Acme Energy Ltd. '],
      ['Smith & Sons Ltd', 'Smith and Sons Limited'],
      ['Smith&Sons Ltd', 'Smith and Sons Ltd'],
      ['The Acme Energy plc', 'Acme Energy Public Limited Company'],
      ['The X plc', 'X Public Limited Company'],
      ['THE X PLC', 'x plc'],
      ['Acme Partners LLP', 'Acme Partners Limited Liability Partnership'],
      ['Énergie Côte Ltd', 'Energie Cote Limited'],
      ['Société Générale Énergie', 'Societe Generale Energie'],
      ['Müller Strom GmbH', 'Muller Strom GmbH'],
      ['Acme (UK) Energy, Ltd.', 'Acme UK Energy Ltd'],
      ['Acme-Energy Ltd', 'Acme Energy Ltd'],
    ];
    for (const [a, b] of same) {
      it(`"${a}" is "${b}"`, () => {
        assert.equal(normaliseLegalName(a), normaliseLegalName(b));
      });
    }

    it('gives the expected normal form', () => {
      assert.equal(normaliseLegalName('ACME Energy Ltd.'), 'acme energy ltd');
      assert.equal(normaliseLegalName('The X Public Limited Company'), 'x plc');
      assert.equal(normaliseLegalName('Smith & Sons'), 'smith and sons');
      assert.equal(normaliseLegalName('Café Énergie'), 'cafe energie');
    });

    it('is idempotent', () => {
      for (const [a, b] of same) {
        assert.equal(normaliseLegalName(normaliseLegalName(a)), normaliseLegalName(a));
        assert.equal(normaliseLegalName(normaliseLegalName(b)), normaliseLegalName(b));
      }
    });

    const different: [string, string][] = [
      ['Acme Energy Ltd', 'Acme Power Ltd'],
      ['Acme Energy Ltd', 'Acme Energy plc'],
      ['Acme Energy Ltd', 'Acme Energy LLP'],
      ['Acme Energy Ltd', 'Acme Energy'],
      ['Acme Energy 1 Ltd', 'Acme Energy 2 Ltd'],
      ['Acme Energy Ltd', 'Acme Energies Ltd'],
      ['Theatre Energy Ltd', 'Atre Energy Ltd'],
      ['Other Energy Ltd', 'Another Energy Ltd'],
      ['Smith and Sons Ltd', 'Smith Sons Ltd'],
      ['Limited Energy Co', 'Energy Co'],
      // Letters outside a-z are letters, not punctuation.
      ['Øster Power Ltd', 'Ster Power Ltd'],
      ['Ærø Energy Ltd', 'R Energy Ltd'],
      ['Ενέργεια Ltd', 'Ήλιος Ltd'],
    ];
    for (const [a, b] of different) {
      it(`"${a}" is not "${b}"`, () => {
        assert.notEqual(normaliseLegalName(a), normaliseLegalName(b));
      });
    }

    it('drops "The" only at the start', () => {
      assert.equal(normaliseLegalName('The Energy Ltd'), 'energy ltd');
      assert.equal(normaliseLegalName('Energy The Ltd'), 'energy the ltd');
      assert.equal(normaliseLegalName('Theory Energy Ltd'), 'theory energy ltd');
    });
  });

  describe('duplicate registrations (UC-01.02)', function () {
    this.timeout(60_000);
    let t: TestRegistry;
    beforeEach(async () => {
      t = await startTestRegistry({ snapshotEvery: 0 });
    });
    afterEach(() => t.close());

    it('refuses a registration whose legal name normalises to an existing one, naming it', async () => {
      const existing = await t.registry.organisations.register({ ...(await exampleBody('organisation')), organisationLegalName: 'Acme Energy Limited' }, anonymousPrincipal('a'));
      const copy = { ...(await exampleBody('organisation')), organisationLegalName: 'ACME Energy Ltd.' };
      await assert.rejects(t.registry.organisations.register(copy, anonymousPrincipal('b')), (error: unknown) => {
        assert.ok(error instanceof DuplicateRecordError, String(error));
        assert.equal(error.existingId, existing.id);
        assert.equal(error.existingIri, existing.iri);
        assert.deepEqual(error.matchedOn, ['organisationLegalName']);
        return true;
      });
    });

    it('accepts a different name with different numbers', async () => {
      await t.registry.organisations.register({ ...(await exampleBody('organisation')), organisationLegalName: 'Acme Energy Limited' }, anonymousPrincipal('a'));
      const other = await t.registry.organisations.register({ ...(await exampleBody('organisation')), organisationLegalName: 'Acme Power Limited' }, anonymousPrincipal('b'));
      assert.ok(other.id);
    });

    it('of two racing copies, registers one', async () => {
      const first = { ...(await exampleBody('organisation')), organisationLegalName: 'Smith & Sons Ltd' };
      const second = { ...(await exampleBody('organisation')), organisationLegalName: 'Smith and Sons Limited' };
      const outcomes = await Promise.allSettled([t.registry.organisations.register(first, anonymousPrincipal('a')), t.registry.organisations.register(second, anonymousPrincipal('b'))]);
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
      const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
      assert.ok(rejected.reason instanceof DuplicateRecordError);
    });
  });
});
