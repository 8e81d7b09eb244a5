// RFC 8032 section 7.1 test vectors (Ed25519). Each is also re-derived with
// node:crypto from the secret seed, so a transcription error cannot pass.
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { test } from 'node:test';
import { registerEd25519Key, removeKey, verifyEd25519, verifyEd25519WithKey } from '../../src/native/keys.ts';

const vectors = [
  {
    name: 'TEST 1 (empty message)',
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2 (one byte)',
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3 (two bytes)',
    secret: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    name: 'TEST SHA(abc)',
    secret: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    publicKey: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    message: createHash('sha512').update('abc').digest('hex'),
    signature:
      'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
];

// PKCS#8 prefix of an Ed25519 private key followed by its 32-byte seed.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

for (const vector of vectors) {
  test(`RFC 8032 ${vector.name}`, () => {
    const publicKey = Buffer.from(vector.publicKey, 'hex');
    const message = Buffer.from(vector.message, 'hex');
    const signature = Buffer.from(vector.signature, 'hex');

    // The transcription matches what the seed produces.
    const privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(vector.secret, 'hex')]),
      format: 'der',
      type: 'pkcs8',
    });
    const derived = createPublicKey(privateKey).export({ format: 'jwk' }).x;
    assert.equal(Buffer.from(derived!, 'base64url').toString('hex'), vector.publicKey);
    assert.equal(sign(null, message, privateKey).toString('hex'), vector.signature);

    const id = registerEd25519Key(publicKey);
    assert.equal(verifyEd25519(id, message, signature), true);
    assert.equal(verifyEd25519WithKey(publicKey, message, signature), true);

    const tampered = Buffer.from(signature);
    tampered[10]! ^= 0x01;
    assert.equal(verifyEd25519(id, message, tampered), false);
    assert.equal(verifyEd25519(id, Buffer.concat([message, Buffer.from([0])]), signature), false);
    removeKey(id);
  });
}
