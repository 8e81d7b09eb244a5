// Differential property tests: the native verifiers must give the same answer
// as node:crypto and @noble/ed25519 (RFC 8032 strict mode) for random keys and
// messages, and for signatures, MACs and messages tampered with at random.
import assert from 'node:assert/strict';
import { createHash, createHmac, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import * as ed from '@noble/ed25519';
import fc from 'fast-check';
import {
  registerEd25519Key,
  registerHmacSha256Key,
  removeKey,
  verifyEd25519,
  verifyEd25519WithKey,
  verifyHmacSha256,
} from '../../src/native/keys.ts';

ed.hashes.sha512 = (bytes: Uint8Array) => new Uint8Array(createHash('sha512').update(bytes).digest());

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function keyPairFromSeed(seed: Uint8Array) {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey);
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { privateKey, publicKey, raw };
}

const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });
const message = fc.uint8Array({ minLength: 0, maxLength: 512 });
const runs = { numRuns: 300 };

describe('Ed25519 against node:crypto and @noble/ed25519', () => {
  test('genuine signatures verify everywhere', () => {
    fc.assert(
      fc.property(seed, message, (s, msg) => {
        const { privateKey, publicKey, raw } = keyPairFromSeed(s);
        const sig = sign(null, msg, privateKey);
        const id = registerEd25519Key(raw);
        try {
          assert.equal(verify(null, msg, publicKey, sig), true);
          assert.equal(ed.verify(sig, msg, raw, { zip215: false }), true);
          assert.equal(verifyEd25519(id, msg, sig), true);
          assert.equal(verifyEd25519WithKey(raw, msg, sig), true);
        } finally {
          removeKey(id);
        }
      }),
      runs,
    );
  });

  test('tampered signatures and messages are refused everywhere', () => {
    fc.assert(
      fc.property(seed, message, fc.nat(), fc.integer({ min: 1, max: 255 }), (s, msg, at, flip) => {
        const { privateKey, publicKey, raw } = keyPairFromSeed(s);
        const sig = sign(null, msg, privateKey);
        const badSig = Buffer.from(sig);
        badSig[at % 64]! ^= flip;
        const nodeSays = verify(null, msg, publicKey, badSig);
        assert.equal(verifyEd25519WithKey(raw, msg, badSig), nodeSays);
        assert.equal(ed.verify(badSig, msg, raw, { zip215: false }), nodeSays);
        assert.equal(nodeSays, false);

        const badMsg = Buffer.concat([msg, Buffer.from([flip])]);
        assert.equal(verifyEd25519WithKey(raw, badMsg, sig), false);
        assert.equal(verify(null, badMsg, publicKey, sig), false);
      }),
      runs,
    );
  });

  test('random signatures and keys: the native answer equals the strict reference', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        message,
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (pk, msg, sig) => {
          let reference: boolean;
          try {
            reference = ed.verify(sig, msg, pk, { zip215: false });
          } catch {
            reference = false; // noble throws for encodings that are not points
          }
          assert.equal(verifyEd25519WithKey(pk, msg, sig), reference);
        },
      ),
      runs,
    );
  });
});

describe('HMAC-SHA256 against node:crypto', () => {
  const secret = fc.uint8Array({ minLength: 0, maxLength: 200 });

  test('genuine MACs verify; tampered MACs and messages do not', () => {
    fc.assert(
      fc.property(secret, message, fc.nat(), fc.integer({ min: 1, max: 255 }), (key, msg, at, flip) => {
        const id = registerHmacSha256Key(key);
        try {
          const mac = createHmac('sha256', key).update(msg).digest();
          assert.equal(verifyHmacSha256(id, msg, mac), true);
          assert.equal(verifyHmacSha256(id, msg, mac.toString('hex')), true);
          const badMac = Buffer.from(mac);
          badMac[at % 32]! ^= flip;
          assert.equal(verifyHmacSha256(id, msg, badMac), false);
          assert.equal(verifyHmacSha256(id, Buffer.concat([msg, Buffer.from([flip])]), mac), false);
        } finally {
          removeKey(id);
        }
      }),
      runs,
    );
  });

  test('random MACs: the native answer equals comparing with node:crypto', () => {
    fc.assert(
      fc.property(secret, message, fc.uint8Array({ minLength: 32, maxLength: 32 }), (key, msg, mac) => {
        const id = registerHmacSha256Key(key);
        try {
          const expected = createHmac('sha256', key).update(msg).digest().equals(Buffer.from(mac));
          assert.equal(verifyHmacSha256(id, msg, mac), expected);
        } finally {
          removeKey(id);
        }
      }),
      runs,
    );
  });
});
