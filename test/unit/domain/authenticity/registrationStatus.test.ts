import assert from 'node:assert/strict';
import type { AuthenticityFinding } from '../../../../src/domain/authenticity/AuthenticityFinding.js';
import { registrationStatusOf } from '../../../../src/domain/authenticity/registrationStatus.js';

const finding = (outcome: AuthenticityFinding['outcome'], inconclusive?: boolean): AuthenticityFinding => ({
  attribute: 'importMPAN', check: 'EXTERNAL_VERIFIER', outcome, reason: 'r', source: 'https://www.ecoes.co.uk/', checkedAt: new Date(0), ...(inconclusive ? { inconclusive } : {}),
});

describe('registrationStatusOf', () => {
  it('is QUERY when any finding is a query, whatever else there is', () => {
    assert.equal(registrationStatusOf([finding('confirmed'), finding('query')]), 'QUERY');
    assert.equal(registrationStatusOf([finding('warning', true), finding('query'), finding('warning')]), 'QUERY');
  });

  it('stays PENDING_VALIDATION while a source could not be consulted and nothing is queried', () => {
    assert.equal(registrationStatusOf([finding('confirmed'), finding('warning', true)]), 'PENDING_VALIDATION');
  });

  it('is VERIFIED when every finding is confirmed or a warning, and when there was nothing to check', () => {
    assert.equal(registrationStatusOf([finding('confirmed'), finding('warning')]), 'VERIFIED');
    assert.equal(registrationStatusOf([]), 'VERIFIED');
  });
});
