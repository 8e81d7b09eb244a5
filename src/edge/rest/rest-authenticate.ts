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

/** The value of a timestamp header of 1 to 16 ASCII digits, or NaN. */
function timestampValue(text: string): number {
  if (text.length < 1 || text.length > 16) return Number.NaN;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return Number.NaN;
    value = value * 10 + d;
  }
  return value;
}

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
  else if (!(Math.abs(nowMs - timestampValue(timestamp)) <= recvWindowMs)) {
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
    lockout.recordFailedAttempt(ip, key, nowMs);
    result.verdict = verdict;
    return result;
  }
  result.verdict = PASS;
  result.key = key!;
  return result;
}

/**
 * Writes an ASCII string at `at` and a newline after it; returns the offset after the
 * newline. Headers and paths are short ASCII: a loop beats Buffer.write's call overhead.
 * A non-ASCII path (percent-decoding is not ours to do, but be safe) goes through UTF-8.
 */
function writeLine(text: string, at: number): number {
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return writeLineUtf8(text, at);
    scratch[at + i] = c;
  }
  scratch[at + length] = 0x0a;
  return at + length + 1;
}

function writeLineUtf8(text: string, at: number): number {
  const end = at + scratch.write(text, at, 'utf8');
  scratch[end] = 0x0a;
  return end + 1;
}

function signatureVerifies(key: ApiKeyState, c: RestCredentials): boolean {
  // Room for the head at its largest (3 bytes per UTF-16 unit) and the body.
  const headRoom = c.timestamp.length + c.method.length + 3 * c.pathWithQuery.length + 3;
  if (scratch.length < headRoom + c.body.length) scratch = Buffer.allocUnsafe(2 * (headRoom + c.body.length));
  let at = writeLine(c.timestamp, 0);
  at = writeLine(c.method, at);
  at = writeLine(c.pathWithQuery, at);
  if (key.type === KeyType.HMAC_SHA256) {
    // 64 lowercase hex characters, decoded natively without allocation. The head is the
    // scratch's first `at` bytes: a view of them would cost ~70 ns per request.
    return verifyHmacSha256Parts(key.nativeId, scratch, c.body, c.signature, at);
  }
  if (c.signature.length !== 88 || signatureBytes.write(c.signature, 'base64') !== 64) return false;
  // Only canonical base64 (what Buffer would print back) identifies a signature for the replay cache.
  if (signatureBytes.toString('base64') !== c.signature) return false;
  scratch.set(c.body, at);
  return verifyEd25519(key.nativeId, scratch.subarray(0, at + c.body.length), signatureBytes);
}
