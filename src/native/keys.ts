// Signature and MAC verification through the native key registry.
//
// Threads: the registry is per thread. Each thread that loads the addon (the
// main thread, each worker) has its own registry and its own ids; an id from
// one thread means nothing in another. Register the keys a thread needs in
// that thread. The verifiers themselves hold no state and are safe anywhere.
//
// Secrets: an HMAC secret is turned into its precomputed inner/outer SHA-256
// states at registration, kept in guarded native memory (libsodium's
// sodium_malloc) and wiped on removal. No function returns key material.
// The caller should zero its own copy of the secret after registering.
//
// Contract: verifiers return false for anything malformed (wrong lengths, bad
// hex, unknown or removed ids, non-canonical or small-order encodings); they
// throw only when an argument has the wrong type.
import { addon } from './addon.ts';

/** Registers an Ed25519 public key (32 raw bytes); returns its id. */
export function registerEd25519Key(publicKey: Uint8Array): number {
  return addon.addEd25519Key(publicKey);
}

/**
 * Registers an HMAC-SHA256 secret; returns its id. `tagBytes` (16..32,
 * default 32) is the MAC length the key accepts: shorter values verify
 * truncated MACs (RFC 2104 section 5).
 */
export function registerHmacSha256Key(secret: Uint8Array, tagBytes = 32): number {
  return addon.addHmacSha256Key(secret, tagBytes);
}

/** Removes a key and wipes its material. Returns false for an unknown id. */
export function removeKey(id: number): boolean {
  return addon.removeKey(id);
}

/** Number of keys registered in this thread. */
export function registeredKeyCount(): number {
  return addon.keyCount();
}

/** Verifies a 64-byte Ed25519 signature of msg under a registered key. */
export function verifyEd25519(id: number, msg: Uint8Array, sig: Uint8Array): boolean {
  return addon.verifyEd25519(id, msg, sig);
}

/** One-shot Ed25519 verification with a raw 32-byte public key. */
export function verifyEd25519WithKey(publicKey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  return addon.verifyEd25519WithKey(publicKey, msg, sig);
}

/** True when the 32 bytes are a canonical point of the prime-order subgroup (what keygen produces). */
export function isValidEd25519PublicKey(publicKey: Uint8Array): boolean {
  return addon.ed25519PublicKeyIsValid(publicKey);
}

/**
 * Verifies an HMAC-SHA256 MAC of msg. The MAC is either tagBytes raw bytes or
 * 2*tagBytes lowercase hex characters (a string or their ASCII bytes), decoded natively.
 */
export function verifyHmacSha256(id: number, msg: Uint8Array, mac: Uint8Array | string): boolean {
  return addon.verifyHmacSha256(id, msg, mac);
}

/**
 * As verifyHmacSha256, over head || body, without concatenating them. With `headLength`,
 * only the head's first headLength bytes (a RangeError if it has fewer).
 */
export function verifyHmacSha256Parts(
  id: number,
  head: Uint8Array,
  body: Uint8Array,
  mac: Uint8Array | string,
  headLength: number = head.length,
): boolean {
  return addon.verifyHmacSha256Parts(id, head, headLength, body, mac);
}

/** Constant-time equality of two byte arrays (false when the lengths differ). */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return addon.timingSafeEqual(a, b);
}
