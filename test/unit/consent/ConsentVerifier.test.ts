import assert from 'node:assert/strict';
import type { ConsentEvidence } from '../../../src/consent/ConsentEvidence.js';
import { ConsentUnavailableError, scopeProblems, type ConsentScope } from '../../../src/consent/ConsentVerifier.js';

describe('The scope of a consent (scopeProblems)', () => {
  const fspId = '0193a1b2-0000-7000-8000-00000000f501';
  const otherFsp = '0193a1b2-0000-7000-8000-00000000f502';
  const assetId = '0193a1b2-0000-7000-8000-0000000a5e01';
  const mpan = '1012345678907';
  const now = new Date('2025-06-01T12:00:00Z');
  const evidence: ConsentEvidence = {
    reference: 'CCS-0123456789abcdef',
    status: 'GIVEN',
    dataSubject: 'subject-42',
    fspId,
    assets: [{ assetId }, { mpan }],
    purposes: ['ASSET_REGISTRATION', 'DATA_SHARING'],
    givenAt: '2025-05-01T09:00:00Z',
    expiresAt: '2026-05-01T09:00:00Z',
    verifiedAt: '2025-06-01T12:00:00Z',
  };
  const scope: ConsentScope = { fspId, asset: { assetId }, purpose: 'ASSET_REGISTRATION', now };
  const codes = (e: Partial<ConsentEvidence>, s: Partial<ConsentScope> = {}) => scopeProblems({ ...evidence, ...e }, { ...scope, ...s }).map((p) => p.code);

  it('finds no problem with a given, unexpired consent for that FSP, asset and purpose', () => {
    assert.deepEqual(scopeProblems(evidence, scope), []);
  });

  it('accepts a consent without an expiry', () => {
    const { expiresAt: _expiresAt, ...open } = evidence;
    assert.deepEqual(scopeProblems(open, scope), []);
  });

  it('refuses a revoked or withdrawn consent, saying since when and that GIVEN is needed', () => {
    assert.deepEqual(codes({ status: 'REVOKED' }), ['CONSENT_NOT_GIVEN']);
    const [problem] = scopeProblems({ ...evidence, status: 'WITHDRAWN', withdrawnAt: '2025-05-20T08:00:00Z' }, scope);
    assert.equal(problem.code, 'CONSENT_NOT_GIVEN');
    assert.equal(problem.message, 'consent CCS-0123456789abcdef is WITHDRAWN since 2025-05-20T08:00:00Z; it must be GIVEN');
  });

  it('refuses a consent the CCS reports EXPIRED', () => {
    assert.deepEqual(codes({ status: 'EXPIRED' }), ['CONSENT_EXPIRED']);
  });

  it('refuses a GIVEN consent whose expiry has passed, or is exactly now', () => {
    assert.deepEqual(codes({ expiresAt: '2025-06-01T11:59:59Z' }), ['CONSENT_EXPIRED']);
    assert.deepEqual(codes({ expiresAt: '2025-06-01T12:00:00Z' }), ['CONSENT_EXPIRED']);
    assert.deepEqual(codes({ expiresAt: '2025-06-01T12:00:01Z' }), []);
    assert.match(scopeProblems({ ...evidence, expiresAt: '2025-06-01T11:00:00Z' }, scope)[0].message, /expired at 2025-06-01T11:00:00Z; a consent that has not expired is needed/);
  });

  it('treats an expiry it cannot read as passed', () => {
    assert.deepEqual(codes({ expiresAt: 'next year' }), ['CONSENT_EXPIRED']);
  });

  it('refuses a consent given to another FSP, naming both', () => {
    const [problem] = scopeProblems(evidence, { ...scope, fspId: otherFsp });
    assert.equal(problem.code, 'CONSENT_OTHER_FSP');
    assert.equal(problem.message, `consent CCS-0123456789abcdef is given to FSP ${fspId}, not to FSP ${otherFsp}`);
  });

  it('compares UUIDs without regard to case', () => {
    assert.deepEqual(codes({}, { fspId: fspId.toUpperCase(), asset: { assetId: assetId.toUpperCase() } }), []);
  });

  it('finds the asset by its asset ID or by its MPAN', () => {
    assert.deepEqual(codes({}, { asset: { assetId } }), []);
    assert.deepEqual(codes({}, { asset: { mpan } }), []);
  });

  it('with both identifiers in the scope, either matching is enough', () => {
    assert.deepEqual(codes({}, { asset: { assetId, mpan: '1999999999999' } }), []);
    assert.deepEqual(codes({}, { asset: { assetId: '0193a1b2-0000-7000-8000-0000000a5e99', mpan } }), []);
  });

  it('refuses a consent that covers other assets, listing what it covers', () => {
    const [problem] = scopeProblems(evidence, { ...scope, asset: { assetId: '0193a1b2-0000-7000-8000-0000000a5e99', mpan: '1999999999999' } });
    assert.equal(problem.code, 'CONSENT_OTHER_ASSET');
    assert.equal(problem.message, `consent CCS-0123456789abcdef does not cover asset 0193a1b2-0000-7000-8000-0000000a5e99 / MPAN 1999999999999; it covers asset ${assetId}, MPAN ${mpan}`);
  });

  it('does not match an MPAN against an asset ID', () => {
    assert.deepEqual(codes({ assets: [{ mpan }] }, { asset: { assetId: mpan } }), ['CONSENT_OTHER_ASSET']);
  });

  it('refuses when the scope names no asset at all', () => {
    const [problem] = scopeProblems(evidence, { ...scope, asset: {} });
    assert.equal(problem.code, 'CONSENT_OTHER_ASSET');
    assert.match(problem.message, /neither an asset ID nor an MPAN/);
  });

  it('refuses a consent without the purpose, listing the purposes it has', () => {
    const [problem] = scopeProblems(evidence, { ...scope, purpose: 'ASSET_SWITCH' });
    assert.equal(problem.code, 'CONSENT_OTHER_PURPOSE');
    assert.equal(problem.message, 'consent CCS-0123456789abcdef does not include the purpose ASSET_SWITCH; it allows ASSET_REGISTRATION, DATA_SHARING');
  });

  it('lists every problem at once', () => {
    assert.deepEqual(codes({ status: 'REVOKED' }, { fspId: otherFsp, asset: { mpan: '1999999999999' }, purpose: 'ASSET_SWITCH' }), ['CONSENT_NOT_GIVEN', 'CONSENT_OTHER_FSP', 'CONSENT_OTHER_ASSET', 'CONSENT_OTHER_PURPOSE']);
  });

  it('reports an expired, revoked consent once, as expired', () => {
    assert.deepEqual(codes({ status: 'REVOKED', expiresAt: '2025-01-01T00:00:00Z' }), ['CONSENT_EXPIRED']);
  });

  it('has an error for a consent solution that cannot answer', () => {
    const error = new ConsentUnavailableError('down');
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'ConsentUnavailableError');
  });
});
