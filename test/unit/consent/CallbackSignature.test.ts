import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signCallback, verifyCallbackSignature } from '../../../src/consent/CallbackSignature.js';

describe('Consent callback signatures', () => {
  const secret = 'whsec_test_0123456789';
  const body = JSON.stringify({ eventId: '0b6f3c2e-3a51-4a43-9d0b-0f6c1c1e2a11', type: 'ConsentRevoked', reference: 'CCS-abcdefgh', note: 'Ünïcödé ✓' });
  const at = new Date('2025-06-01T12:00:00.750Z');
  const t = Math.floor(at.getTime() / 1000);
  const hex = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');

  it('signs as the registry\'s webhooks do: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    assert.equal(signCallback(secret, body, at), `t=${t},v1=${hex(secret, `${t}.${body}`)}`);
  });

  it('refuses to sign without a secret', () => {
    assert.throws(() => signCallback('', body, at), /secret/);
  });

  it('accepts its own signature, on the body as a string or as the raw UTF-8 bytes', () => {
    const header = signCallback(secret, body, at);
    assert.deepEqual(verifyCallbackSignature(secret, header, body, at), { ok: true, timestamp: t });
    assert.deepEqual(verifyCallbackSignature(secret, header, Buffer.from(body, 'utf8'), at), { ok: true, timestamp: t });
  });

  it('accepts upper-case hex and spaces around the parts', () => {
    const header = `t=${t}, v1=${hex(secret, `${t}.${body}`).toUpperCase()}`;
    assert.equal(verifyCallbackSignature(secret, header, body, at).ok, true);
  });

  it('refuses a missing header', () => {
    for (const header of [undefined, '']) {
      const result = verifyCallbackSignature(secret, header, body, at);
      assert.equal(result.ok, false);
      assert.match((result as { reason: string }).reason, /missing/);
    }
  });

  const good = hex(secret, `${t}.${body}`);
  for (const [label, header, why] of [
    ['not key=value', 'garbage', /key=value/],
    ['without a timestamp', `v1=${good}`, /no t= timestamp/],
    ['without a signature', `t=${t}`, /no v1= signature/],
    ['with only another scheme\'s signature', `t=${t},v0=${good}`, /no v1= signature/],
    ['with a timestamp that is not a number', `t=abc,v1=${good}`, /unix seconds/],
    ['with a negative timestamp', `t=-5,v1=${good}`, /unix seconds/],
    ['with two timestamps', `t=${t},t=${t},v1=${good}`, /more than once/],
    ['with a short signature', `t=${t},v1=${good.slice(2)}`, /64 hexadecimal/],
    ['with a signature that is not hex', `t=${t},v1=${good.slice(2)}zz`, /64 hexadecimal/],
    ['with an empty part', `t=${t},,v1=${good}`, /key=value/],
  ] as const) {
    it(`refuses a header ${label}`, () => {
      const result = verifyCallbackSignature(secret, header, body, at);
      assert.equal(result.ok, false);
      assert.match((result as { reason: string }).reason, /malformed/);
      assert.match((result as { reason: string }).reason, why);
    });
  }

  it('refuses a signature made with another secret', () => {
    const result = verifyCallbackSignature(secret, signCallback('another secret', body, at), body, at);
    assert.deepEqual(result, { ok: false, reason: 'the signature does not match the body (wrong secret, or the body was changed)' });
  });

  it('refuses a body changed by one byte', () => {
    const header = signCallback(secret, body, at);
    assert.equal(verifyCallbackSignature(secret, header, body.replace('ConsentRevoked', 'ConsentRevokeD'), at).ok, false);
    assert.equal(verifyCallbackSignature(secret, header, `${body} `, at).ok, false);
  });

  it('refuses a signature whose timestamp was changed (it is part of what is signed)', () => {
    const header = signCallback(secret, body, at).replace(`t=${t}`, `t=${t + 1}`);
    assert.equal(verifyCallbackSignature(secret, header, body, at).ok, false);
  });

  it('accepts timestamps up to the tolerance either way and refuses beyond, old or in the future', () => {
    const header = signCallback(secret, body, at);
    const after = (seconds: number) => new Date(at.getTime() + seconds * 1000);
    assert.equal(verifyCallbackSignature(secret, header, body, after(300)).ok, true);
    assert.equal(verifyCallbackSignature(secret, header, body, after(-300)).ok, true);
    const old = verifyCallbackSignature(secret, header, body, after(301));
    assert.equal(old.ok, false);
    assert.match((old as { reason: string }).reason, /301 s old; at most 300 s/);
    const future = verifyCallbackSignature(secret, header, body, after(-302));
    assert.equal(future.ok, false);
    assert.match((future as { reason: string }).reason, /in the future/);
  });

  it('takes another tolerance when asked', () => {
    const header = signCallback(secret, body, at);
    assert.equal(verifyCallbackSignature(secret, header, body, new Date(at.getTime() + 20_000), 10).ok, false);
    assert.equal(verifyCallbackSignature(secret, header, body, new Date(at.getTime() + 20_000), 30).ok, true);
  });

  it('accepts several v1 entries while a secret is rotated, if any one matches', () => {
    const rotated = `t=${t},v1=${hex('old secret', `${t}.${body}`)},v1=${good}`;
    assert.equal(verifyCallbackSignature(secret, rotated, body, at).ok, true);
    assert.equal(verifyCallbackSignature('old secret', rotated, body, at).ok, true);
    assert.equal(verifyCallbackSignature('third secret', rotated, body, at).ok, false);
  });

  it('trusts nothing when no secret is configured, not even a signature made with an empty key', () => {
    const emptyKeyHeader = `t=${t},v1=${hex('', `${t}.${body}`)}`;
    const result = verifyCallbackSignature('', emptyKeyHeader, body, at);
    assert.equal(result.ok, false);
    assert.match((result as { reason: string }).reason, /no callback secret/);
  });
});
