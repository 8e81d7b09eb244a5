// The SDK's signatures verify with the firewall's native verifiers, for both key types.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateKey } from '../../src/cli/keygen.ts';
import { ed25519PrivateKeyFromSeed, signLogon, signRest } from '../../src/client/credentials.ts';
import {
  registerEd25519Key,
  registerHmacSha256Key,
  verifyEd25519,
  verifyHmacSha256Parts,
} from '../../src/native/keys.ts';

describe('REST signatures', () => {
  test('HMAC: lowercase hex over TIMESTAMP\\nMETHOD\\nPATH\\n + body', () => {
    const { privateHalf: secret } = generateKey('hmac-sha256', 'k1', 'MM1');
    const body = Buffer.from('{"clOrdId":"a1"}');
    const mac = signRest(
      { type: 'hmac-sha256', keyId: 'k1', secret },
      1_700_000_000_000,
      'POST',
      '/api/v1/orders',
      body,
    );
    assert.match(mac, /^[0-9a-f]{64}$/);
    const id = registerHmacSha256Key(Buffer.from(secret, 'utf8'));
    const head = Buffer.from('1700000000000\nPOST\n/api/v1/orders\n');
    assert.equal(verifyHmacSha256Parts(id, head, body, mac), true);
    assert.equal(verifyHmacSha256Parts(id, head, Buffer.from('{"clOrdId":"a2"}'), mac), false);
  });

  test('Ed25519: base64 of the 64-byte signature, from the seed keygen prints', () => {
    const generated = generateKey('ed25519', 'k2', 'MM1');
    const privateKey = ed25519PrivateKeyFromSeed(Buffer.from(generated.privateHalf, 'base64'));
    const signature = signRest(
      { type: 'ed25519', keyId: 'k2', privateKey },
      5,
      'GET',
      '/api/v1/limits',
      new Uint8Array(),
    );
    assert.equal(Buffer.from(signature, 'base64').length, 64);
    const id = registerEd25519Key(Buffer.from(generated.entry.publicKey as string, 'base64'));
    assert.equal(
      verifyEd25519(id, Buffer.from('5\nGET\n/api/v1/limits\n'), Buffer.from(signature, 'base64')),
      true,
    );
  });
});

describe('FIX Logon signatures', () => {
  test('over 35, 49, 56, 34, 52 joined by SOH', () => {
    const generated = generateKey('ed25519', 'k3', 'MM1');
    const privateKey = ed25519PrivateKeyFromSeed(Buffer.from(generated.privateHalf, 'base64'));
    const sendingTime = '20261122-14:00:00.000';
    const signature = signLogon(
      { type: 'ed25519', keyId: 'k3', privateKey },
      'SENDER',
      'PORTCULLIS',
      1,
      sendingTime,
    );
    const id = registerEd25519Key(Buffer.from(generated.entry.publicKey as string, 'base64'));
    const signed = Buffer.from(`A\x01SENDER\x01PORTCULLIS\x011\x01${sendingTime}`, 'latin1');
    assert.equal(verifyEd25519(id, signed, Buffer.from(signature, 'base64')), true);

    const secret = 'shared-secret-for-fix';
    const mac = signLogon(
      { type: 'hmac-sha256', keyId: 'k4', secret },
      'SENDER',
      'PORTCULLIS',
      1,
      sendingTime,
    );
    const hmacId = registerHmacSha256Key(Buffer.from(secret));
    assert.equal(verifyHmacSha256Parts(hmacId, signed, new Uint8Array(), Buffer.from(mac, 'base64')), true);
  });
});
