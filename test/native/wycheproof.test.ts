// Every Project Wycheproof vector for Ed25519 and HMAC-SHA256 must get the
// expected answer from the native verifiers, through the registry (by id)
// and, for Ed25519, through the one-shot path as well.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  registerEd25519Key,
  registerHmacSha256Key,
  removeKey,
  verifyEd25519,
  verifyEd25519WithKey,
  verifyHmacSha256,
} from '../../src/native/keys.ts';

interface EddsaTest {
  tcId: number;
  comment: string;
  msg: string;
  sig: string;
  result: 'valid' | 'invalid';
}
interface EddsaGroup {
  publicKey: { pk: string };
  tests: EddsaTest[];
}
interface MacTest {
  tcId: number;
  comment: string;
  key: string;
  msg: string;
  tag: string;
  result: 'valid' | 'invalid';
}
interface MacGroup {
  tagSize: number;
  tests: MacTest[];
}

function vectors<T>(name: string): { numberOfTests: number; testGroups: T[] } {
  return JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8'));
}

const hex = (text: string) => Buffer.from(text, 'hex');

describe('Wycheproof Ed25519', () => {
  const file = vectors<EddsaGroup>('wycheproof_ed25519_test.json');

  test('all vectors agree with the expected result', () => {
    let checked = 0;
    for (const group of file.testGroups) {
      const publicKey = hex(group.publicKey.pk);
      const id = registerEd25519Key(publicKey);
      for (const vector of group.tests) {
        const expected = vector.result === 'valid';
        const label = `tcId ${vector.tcId} (${vector.comment})`;
        assert.equal(verifyEd25519(id, hex(vector.msg), hex(vector.sig)), expected, label);
        assert.equal(verifyEd25519WithKey(publicKey, hex(vector.msg), hex(vector.sig)), expected, label);
        checked++;
      }
      assert.equal(removeKey(id), true);
    }
    assert.equal(checked, file.numberOfTests);
    assert.equal(checked, 151);
  });
});

describe('Wycheproof HMAC-SHA256', () => {
  const file = vectors<MacGroup>('wycheproof_hmac_sha256_test.json');

  test('all vectors agree with the expected result, raw and hex MACs', () => {
    let checked = 0;
    for (const group of file.testGroups) {
      const tagBytes = group.tagSize / 8;
      for (const vector of group.tests) {
        const expected = vector.result === 'valid';
        const label = `tcId ${vector.tcId} (${vector.comment}), ${group.tagSize}-bit tag`;
        const id = registerHmacSha256Key(hex(vector.key), tagBytes);
        assert.equal(verifyHmacSha256(id, hex(vector.msg), hex(vector.tag)), expected, label);
        assert.equal(verifyHmacSha256(id, hex(vector.msg), vector.tag.toLowerCase()), expected, label);
        assert.equal(
          verifyHmacSha256(id, hex(vector.msg), Buffer.from(vector.tag.toLowerCase())),
          expected,
          label,
        );
        assert.equal(removeKey(id), true);
        checked++;
      }
    }
    assert.equal(checked, file.numberOfTests);
    assert.equal(checked, 174);
  });
});
