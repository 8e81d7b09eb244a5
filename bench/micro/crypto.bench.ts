// Ed25519 and HMAC-SHA256 verification of a 200-byte message: ours (native,
// key registered once) against what a user would otherwise call.
import { createHash, createHmac, generateKeyPairSync, sign, timingSafeEqual, verify } from 'node:crypto';
import * as ed from '@noble/ed25519';
import sodium from 'sodium-native';
import {
  registerEd25519Key,
  registerHmacSha256Key,
  verifyEd25519,
  verifyHmacSha256,
} from '../../src/native/keys.ts';
import type { MicroSuite } from '../lib/suite.ts';

ed.hashes.sha512 = (bytes: Uint8Array) => new Uint8Array(createHash('sha512').update(bytes).digest());

export const cryptoSuite: MicroSuite = {
  name: 'crypto',
  cases: () => {
    const message = Buffer.alloc(200);
    for (let i = 0; i < message.length; i++) message[i] = (i * 31) & 0xff;

    const { publicKey, privateKey } = generateKeyPairSync('ed25519'); // KeyObject created once
    const rawPublicKey = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    const signature = sign(null, message, privateKey);
    const keyId = registerEd25519Key(rawPublicKey);
    if (!verifyEd25519(keyId, message, signature)) throw new Error('bench setup: signature does not verify');

    const secret = Buffer.from('bench-secret-0123456789abcdef0123');
    const hmacId = registerHmacSha256Key(secret);
    // The MAC as it arrives in an X-PC-SIGNATURE header: lowercase hex.
    const macHex = createHmac('sha256', secret).update(message).digest('hex');
    if (!verifyHmacSha256(hmacId, message, macHex)) throw new Error('bench setup: MAC does not verify');

    return [
      { name: 'ed25519.verify.native', batch: 1, run: () => verifyEd25519(keyId, message, signature) },
      {
        name: 'ed25519.verify.node-crypto',
        batch: 1,
        run: () => verify(null, message, publicKey, signature),
      },
      {
        name: 'ed25519.verify.sodium-native',
        batch: 1,
        run: () => sodium.crypto_sign_verify_detached(signature, message, rawPublicKey),
      },
      { name: 'ed25519.verify.noble', batch: 1, run: () => ed.verify(signature, message, rawPublicKey) },
      { name: 'hmac.verify.native', batch: 100, run: () => verifyHmacSha256(hmacId, message, macHex) },
      {
        name: 'hmac.verify.node-crypto',
        batch: 20,
        run: () =>
          timingSafeEqual(createHmac('sha256', secret).update(message).digest(), Buffer.from(macHex, 'hex')),
      },
    ];
  },
  comparisons: [
    ['ed25519.verify.native', 'ed25519.verify.node-crypto'],
    ['ed25519.verify.native', 'ed25519.verify.sodium-native'],
    ['ed25519.verify.native', 'ed25519.verify.noble'],
    ['hmac.verify.native', 'hmac.verify.node-crypto'],
  ],
};
