// The native key registry and verifiers: ids, removal, argument contracts.
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  isValidEd25519PublicKey,
  registerEd25519Key,
  registeredKeyCount,
  registerHmacSha256Key,
  removeKey,
  timingSafeEqual,
  verifyEd25519,
  verifyHmacSha256,
  verifyHmacSha256Parts,
} from '../../src/native/keys.ts';
import { startTsWorker } from '../helpers/ts-worker.ts';

function ed25519Pair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { raw, privateKey };
}

const message = Buffer.alloc(200, 0x61);

describe('key registry', () => {
  test('ids are positive small integers, distinct, and dead after removal', () => {
    const before = registeredKeyCount();
    const secret = Buffer.from('a-long-enough-shared-secret');
    const a = registerHmacSha256Key(secret);
    const b = registerHmacSha256Key(secret);
    assert.ok(a > 0 && b > 0 && a !== b && a < 2 ** 31 && b < 2 ** 31);
    assert.equal(registeredKeyCount(), before + 2);
    const mac = createHmac('sha256', secret).update(message).digest();
    assert.equal(verifyHmacSha256(a, message, mac), true);
    assert.equal(removeKey(a), true);
    assert.equal(removeKey(a), false, 'a second removal finds nothing');
    assert.equal(verifyHmacSha256(a, message, mac), false, 'a removed id never verifies');
    // The freed slot is reused under a new generation: the old id stays dead.
    const c = registerHmacSha256Key(Buffer.from('another-secret-entirely'));
    assert.notEqual(c, a);
    assert.equal(verifyHmacSha256(a, message, mac), false);
    assert.equal(verifyHmacSha256(b, message, mac), true);
    removeKey(b);
    removeKey(c);
    assert.equal(registeredKeyCount(), before);
  });

  test('an id of one key type never verifies as the other', () => {
    const { raw, privateKey } = ed25519Pair();
    const edId = registerEd25519Key(raw);
    const hmacId = registerHmacSha256Key(raw);
    const sig = sign(null, message, privateKey);
    assert.equal(verifyEd25519(edId, message, sig), true);
    assert.equal(verifyEd25519(hmacId, message, sig), false);
    assert.equal(verifyHmacSha256(edId, message, createHmac('sha256', raw).update(message).digest()), false);
    removeKey(edId);
    removeKey(hmacId);
  });

  test('unknown ids verify false', () => {
    assert.equal(verifyEd25519(0, message, Buffer.alloc(64)), false);
    assert.equal(verifyEd25519(-5, message, Buffer.alloc(64)), false);
    assert.equal(verifyEd25519(2 ** 30, message, Buffer.alloc(64)), false);
    assert.equal(verifyHmacSha256(123456, message, Buffer.alloc(32)), false);
  });

  test('registration validates lengths and types', () => {
    assert.throws(() => registerEd25519Key(Buffer.alloc(31)), RangeError);
    assert.throws(() => registerEd25519Key('x'.repeat(32) as unknown as Uint8Array), TypeError);
    assert.throws(() => registerHmacSha256Key(Buffer.from('k'), 15), RangeError);
    assert.throws(() => registerHmacSha256Key(Buffer.from('k'), 33), RangeError);
    assert.throws(() => registerHmacSha256Key(new Uint16Array(4) as unknown as Uint8Array), TypeError);
  });

  test('public key validity: keygen output is valid, small-order and non-canonical points are not', () => {
    assert.equal(isValidEd25519PublicKey(ed25519Pair().raw), true);
    assert.equal(isValidEd25519PublicKey(Buffer.alloc(32)), false, 'a small-order point');
    const identity = Buffer.alloc(32);
    identity[0] = 1;
    assert.equal(isValidEd25519PublicKey(identity), false, 'the identity');
    assert.equal(isValidEd25519PublicKey(Buffer.alloc(32, 0xff)), false, 'non-canonical');
    assert.equal(isValidEd25519PublicKey(Buffer.alloc(33)), false);
  });
});

describe('Ed25519 verification', () => {
  const { raw, privateKey } = ed25519Pair();
  const id = registerEd25519Key(raw);
  const sig = sign(null, message, privateKey);

  test('wrong lengths return false', () => {
    assert.equal(verifyEd25519(id, message, sig.subarray(0, 63)), false);
    assert.equal(verifyEd25519(id, message, Buffer.concat([sig, Buffer.from([0])])), false);
    assert.equal(verifyEd25519(id, message, Buffer.alloc(0)), false);
  });

  test('non-canonical S (S + L) returns false', () => {
    // L, the group order, little-endian.
    const order = Buffer.from('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010', 'hex');
    const malleated = Buffer.from(sig);
    let carry = 0;
    for (let i = 0; i < 32; i++) {
      const sum = malleated[32 + i]! + order[i]! + carry;
      malleated[32 + i] = sum & 0xff;
      carry = sum >> 8;
    }
    assert.equal(verifyEd25519(id, message, malleated), false);
  });

  test('small-order R returns false', () => {
    const smallOrderR = Buffer.from(sig);
    smallOrderR.fill(0, 0, 32);
    smallOrderR[0] = 1;
    assert.equal(verifyEd25519(id, message, smallOrderR), false);
  });

  test('wrong argument types throw TypeError', () => {
    assert.throws(() => verifyEd25519('1' as unknown as number, message, sig), TypeError);
    assert.throws(() => verifyEd25519(id, 'text' as unknown as Uint8Array, sig), TypeError);
    assert.throws(() => verifyEd25519(id, message, [1, 2] as unknown as Uint8Array), TypeError);
  });
});

describe('HMAC-SHA256 verification', () => {
  const secret = Buffer.from('0123456789abcdef0123456789abcdef');
  const id = registerHmacSha256Key(secret);
  const mac = createHmac('sha256', secret).update(message).digest();
  const macHex = mac.toString('hex');

  test('accepts raw bytes, a lowercase hex string, and hex as ASCII bytes', () => {
    assert.equal(verifyHmacSha256(id, message, mac), true);
    assert.equal(verifyHmacSha256(id, message, macHex), true);
    assert.equal(verifyHmacSha256(id, message, Buffer.from(macHex, 'latin1')), true);
  });

  test('rejects uppercase hex, wrong lengths, non-hex and non-ASCII characters', () => {
    assert.equal(verifyHmacSha256(id, message, macHex.toUpperCase()), false);
    assert.equal(verifyHmacSha256(id, message, macHex.slice(0, 63)), false);
    assert.equal(verifyHmacSha256(id, message, `${macHex}0`), false);
    assert.equal(verifyHmacSha256(id, message, `${macHex.slice(0, 63)}g`), false);
    // U+0130 truncated to one byte would be '0': it must not be read as hex.
    const lastIsZero = macHex.endsWith('0');
    if (lastIsZero) assert.equal(verifyHmacSha256(id, message, `${macHex.slice(0, 63)}\u0130`), false);
    assert.equal(verifyHmacSha256(id, message, `${macHex.slice(0, 63)}\u0130`), false);
    assert.equal(verifyHmacSha256(id, message, mac.subarray(0, 31)), false);
    assert.equal(verifyHmacSha256(id, message, ''), false);
    assert.equal(verifyHmacSha256(id, message, 'x'.repeat(1000)), false);
  });

  test('every single-bit change of the MAC or message is refused', () => {
    for (let bit = 0; bit < 256; bit++) {
      const bad = Buffer.from(mac);
      bad[bit >> 3]! ^= 1 << (bit & 7);
      assert.equal(verifyHmacSha256(id, message, bad), false, `bit ${bit}`);
    }
    const changed = Buffer.from(message);
    changed[199]! ^= 0x80;
    assert.equal(verifyHmacSha256(id, changed, mac), false);
  });

  test('the two-part form equals the concatenation, at every split', () => {
    for (const split of [0, 1, 63, 64, 65, 150, 200]) {
      assert.equal(
        verifyHmacSha256Parts(id, message.subarray(0, split), message.subarray(split), macHex),
        true,
      );
    }
    assert.equal(verifyHmacSha256Parts(id, message, Buffer.from('x'), macHex), false);
  });

  test('a head length takes only that many bytes of the head, and must lie within it', () => {
    // The head sits at the start of a larger scratch buffer whose tail is garbage.
    const scratch = Buffer.alloc(400, 0x5a);
    for (const split of [0, 1, 64, 150, 200]) {
      message.copy(scratch, 0, 0, split);
      assert.equal(
        verifyHmacSha256Parts(id, scratch, message.subarray(split), macHex, split),
        true,
        `${split}`,
      );
      // One byte more or less of the head is a different message.
      if (split > 0)
        assert.equal(verifyHmacSha256Parts(id, scratch, message.subarray(split), macHex, split - 1), false);
      assert.equal(verifyHmacSha256Parts(id, scratch, message.subarray(split), macHex, split + 1), false);
    }
    assert.throws(() => verifyHmacSha256Parts(id, scratch, message, macHex, 401), RangeError);
    assert.throws(() => verifyHmacSha256Parts(id, scratch, message, macHex, -1), RangeError);
  });

  test('long secrets are hashed first (RFC 2104)', () => {
    const long = Buffer.alloc(131, 0xaa);
    const longId = registerHmacSha256Key(long);
    assert.equal(
      verifyHmacSha256(longId, message, createHmac('sha256', long).update(message).digest()),
      true,
    );
    removeKey(longId);
  });

  test('wrong argument types throw TypeError', () => {
    assert.throws(() => verifyHmacSha256(id, message, 42 as unknown as string), TypeError);
    assert.throws(() => verifyHmacSha256(id, 'msg' as unknown as Uint8Array, mac), TypeError);
    assert.throws(() => verifyHmacSha256(null as unknown as number, message, mac), TypeError);
  });
});

describe('timingSafeEqual', () => {
  test('compares contents and lengths', () => {
    assert.equal(timingSafeEqual(Buffer.from('abc'), Buffer.from('abc')), true);
    assert.equal(timingSafeEqual(Buffer.from('abc'), Buffer.from('abd')), false);
    assert.equal(timingSafeEqual(Buffer.from('abc'), Buffer.from('abcd')), false);
    assert.equal(timingSafeEqual(Buffer.alloc(0), Buffer.alloc(0)), true);
    assert.throws(() => timingSafeEqual('abc' as unknown as Uint8Array, Buffer.from('abc')), TypeError);
  });
});

describe('worker threads', () => {
  test('the addon loads in a worker; its registry is separate from the main thread', async () => {
    const secret = Buffer.from('worker-thread-secret-0123456789');
    const mainId = registerHmacSha256Key(secret);
    const mac = createHmac('sha256', secret).update(message).digest('hex');
    const worker = startTsWorker(new URL('./fixtures/verify-worker.ts', import.meta.url), {
      workerData: { secret, message, mac, mainId },
    });
    const result = await new Promise<{ ownId: number; ownVerifies: boolean; mainIdVerifies: boolean }>(
      (resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      },
    );
    await worker.terminate();
    assert.equal(result.ownVerifies, true);
    // Ids are per thread: the worker's first key has the same number as some
    // main-thread id, but main's ids mean nothing to it unless registered there.
    assert.equal(typeof result.ownId, 'number');
    assert.equal(verifyHmacSha256(mainId, message, mac), true);
    removeKey(mainId);
  });
});
