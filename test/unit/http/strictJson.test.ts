import assert from 'node:assert/strict';
import { checkJsonBody, JsonBodyRejectedError } from '../../../src/http/strictJson.js';

describe('The strict JSON body check', () => {
  it('accepts ordinary JSON, with the same key in different objects and quoted braces in strings', () => {
    assert.doesNotThrow(() => checkJsonBody(Buffer.from('{"a": {"b": 1}, "c": [{"b": 2}, {"b": "}{,\\"b\\":"}], "d": "ü"}')));
  });
  it('refuses a repeated key, also in nested objects and with escapes', () => {
    assert.throws(() => checkJsonBody(Buffer.from('{"assetName": "a", "assetName": "b"}')), /repeats the key "assetName"/);
    assert.throws(() => checkJsonBody(Buffer.from('{"x": [{"k": 1, "k": 2}]}')), JsonBodyRejectedError);
    assert.throws(() => checkJsonBody(Buffer.from('{"\\u0061": 1, "a": 2}')), /repeats the key "a"/);
  });
  it('refuses bytes that are not UTF-8', () => {
    assert.throws(() => checkJsonBody(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])), /not valid UTF-8/);
  });
});
