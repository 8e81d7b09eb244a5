// Client credentials and the signatures of SPEC sections 4 and 5: what a
// market maker's code needs to talk to portcullis. Uses node:crypto only.
import { createHmac, createPrivateKey, type KeyObject, sign } from 'node:crypto';

export type Credentials =
  | { type: 'hmac-sha256'; keyId: string; secret: string }
  | { type: 'ed25519'; keyId: string; privateKey: KeyObject };

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An Ed25519 private key from its 32-byte seed (what `portcullis keygen` prints, base64). */
export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/**
 * REST: the signed bytes are TIMESTAMP\nMETHOD\nPATH_WITH_QUERY\n followed by
 * the body exactly as sent. HMAC keys give lowercase hex, Ed25519 keys base64.
 */
export function signRest(
  credentials: Credentials,
  timestampMs: number,
  method: string,
  pathWithQuery: string,
  body: Uint8Array,
): string {
  const head = Buffer.from(`${timestampMs}\n${method}\n${pathWithQuery}\n`, 'utf8');
  if (credentials.type === 'hmac-sha256') {
    return createHmac('sha256', credentials.secret).update(head).update(body).digest('hex');
  }
  return sign(null, Buffer.concat([head, body]), credentials.privateKey).toString('base64');
}

/**
 * FIX Logon: the values of 35, 49, 56, 34 and 52 joined by SOH. Both key types
 * give base64 (tag 96, with its length in 95).
 */
export function signLogon(
  credentials: Credentials,
  senderCompId: string,
  targetCompId: string,
  msgSeqNum: number,
  sendingTime: string,
): string {
  const bytes = Buffer.from(
    ['A', senderCompId, targetCompId, String(msgSeqNum), sendingTime].join('\x01'),
    'latin1',
  );
  if (credentials.type === 'hmac-sha256') {
    return createHmac('sha256', credentials.secret).update(bytes).digest('base64');
  }
  return sign(null, bytes, credentials.privateKey).toString('base64');
}
