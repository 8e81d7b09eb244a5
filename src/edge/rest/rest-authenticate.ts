// Stage: who sent this REST request? (SPEC section 4, Authentication.)
// The three headers, the receive window, the signature over the exact bytes
// (natively: HMAC-SHA256 or Ed25519), then the replay cache, and the lockout
// after repeated failures per address and per key.
//
// The signature is verified before it is recorded as seen: an attacker who
// cannot sign cannot fill the replay cache.
import { verifyEd25519, verifyHmacSha256Parts } from '../../native/keys.ts';
import { PASS, RejectCode, type Verdict } from '../../pipeline/reject-codes.ts';
import { type ApiKeyState, KeyType } from '../../state/api-keys.ts';
import type { Lockout } from '../../state/lockout.ts';
import {
  type ReplayCache,
  ReplayVerdict,
  signatureKeyFromBytes,
  signatureKeyFromHex,
} from '../replay-cache.ts';

export interface RestCredentials {
  keyId: string;
  timestamp: string;
  signature: string;
  method: string;
  pathWithQuery: string;
  body: Uint8Array;
  ip: string;
}

export interface RestAuthResult {
  verdict: Verdict;
  key: ApiKeyState | null;
}

/** Scratch for the signed bytes of Ed25519 requests and for decoded signatures; grown on demand. */
let scratch = Buffer.allocUnsafe(16 * 1024);
const signatureBytes = Buffer.allocUnsafe(64);
const TIMESTAMP = /^\d{1,16}$/;

export function authenticateRest(
  credentials: RestCredentials,
  keys: ReadonlyMap<string, ApiKeyState>,
  recvWindowMs: number,
  lockout: Lockout,
  replay: ReplayCache,
  nowMs: number,
  result: RestAuthResult,
): RestAuthResult {
  result.key = null;
  const { keyId, timestamp, signature, ip } = credentials;
  if (keyId === '' || timestamp === '' || signature === '') {
    result.verdict = RejectCode.AUTH_MISSING;
    return result;
  }
  if (lockout.isLockedOut(ip, keyId, nowMs)) {
    result.verdict = RejectCode.LOCKED_OUT;
    return result;
  }
  const key = keys.get(keyId);
  let verdict: Verdict = PASS;
  if (key === undefined) verdict = RejectCode.AUTH_UNKNOWN_KEY;
  else if (!TIMESTAMP.test(timestamp) || Math.abs(nowMs - Number(timestamp)) > recvWindowMs) {
    verdict = RejectCode.TIMESTAMP_OUT_OF_WINDOW;
  } else if (!signatureVerifies(key, credentials)) {
    verdict = RejectCode.AUTH_BAD_SIGNATURE;
  } else {
    // After verification the signature is canonical: lowercase hex (HMAC) or decoded bytes (Ed25519).
    const replayKey =
      key.type === KeyType.HMAC_SHA256
        ? signatureKeyFromHex(signature)
        : signatureKeyFromBytes(signatureBytes);
    const seen = replay.check(replayKey, nowMs);
    // A full cache cannot tell a replay from a fresh request: refuse rather than let one through.
    if (seen !== ReplayVerdict.FRESH) verdict = RejectCode.REPLAYED;
  }
  if (verdict !== PASS) {
    lockout.recordFailure(ip, key === undefined ? null : keyId, nowMs);
    result.verdict = verdict;
    return result;
  }
  result.verdict = PASS;
  result.key = key!;
  return result;
}

function signatureVerifies(key: ApiKeyState, c: RestCredentials): boolean {
  const headLength =
    Buffer.byteLength(c.timestamp) + c.method.length + Buffer.byteLength(c.pathWithQuery) + 3;
  if (scratch.length < headLength + c.body.length)
    scratch = Buffer.allocUnsafe(2 * (headLength + c.body.length));
  let at = scratch.write(c.timestamp, 0, 'latin1');
  scratch[at++] = 0x0a;
  at += scratch.write(c.method, at, 'latin1');
  scratch[at++] = 0x0a;
  at += scratch.write(c.pathWithQuery, at, 'utf8');
  scratch[at++] = 0x0a;
  if (key.type === KeyType.HMAC_SHA256) {
    // 64 lowercase hex characters, decoded natively without allocation.
    return verifyHmacSha256Parts(key.nativeId, scratch.subarray(0, at), c.body, c.signature);
  }
  if (c.signature.length !== 88 || signatureBytes.write(c.signature, 'base64') !== 64) return false;
  // Only canonical base64 (what Buffer would print back) identifies a signature for the replay cache.
  if (signatureBytes.toString('base64') !== c.signature) return false;
  scratch.set(c.body, at);
  return verifyEd25519(key.nativeId, scratch.subarray(0, at + c.body.length), signatureBytes);
}
