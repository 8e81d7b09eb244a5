// Who is logging on over FIX? (SPEC section 5, Logon.) The signature over the
// Logon's 35, 49, 56, 34 and 52 values, verified natively with the key's
// registered material, then the key's standing (revoked, validity window,
// source address), then the replay cache: a Logon copied off the wire and sent
// again within the receive window is REPLAYED, as a REST request would be.
// Failures count toward the lockout per address and per key, shared with the
// REST door. SenderCompIDs are unique among a key's live sessions.

import type { LogonAuthenticator } from '../../fix/session.ts';
import { verifyEd25519, verifyHmacSha256 } from '../../native/keys.ts';
import { PASS, RejectCode, type Verdict } from '../../pipeline/reject-codes.ts';
import { type ApiKeyState, KeyType } from '../../state/api-keys.ts';
import type { Lockout } from '../../state/lockout.ts';
import type { FirewallRuntime } from '../../state/runtime.ts';
import { type ReplayCache, ReplayVerdict, signatureKeyFromBytes } from '../replay-cache.ts';

export class FixAuthenticator implements LogonAuthenticator {
  private readonly result: { verdict: number; key: ApiKeyState | null } = { verdict: PASS, key: null };

  constructor(
    private readonly runtime: FirewallRuntime,
    private readonly lockout: Lockout,
    /** The REST door's cache: one receive window, and a signature is never valid for both doors. */
    private readonly replay: ReplayCache,
    private readonly claims: SenderCompIdClaims,
    /** The source address of the connection this authenticator serves. */
    private readonly ip: string,
  ) {}

  authenticate(
    keyId: string,
    signedBytes: Uint8Array,
    signature: Uint8Array,
    _senderCompId: string,
    nowMs: number,
  ): { verdict: number; key: ApiKeyState | null } {
    const result = this.result;
    result.key = null;
    if (this.lockout.isLockedOut(this.ip, keyId, nowMs)) {
      result.verdict = RejectCode.LOCKED_OUT;
      return result;
    }
    const key = this.runtime.model.keys.get(keyId);
    const verdict =
      key === undefined ? RejectCode.AUTH_UNKNOWN_KEY : this.check(key, signedBytes, signature, nowMs);
    if (verdict !== PASS) {
      this.lockout.recordFailedAttempt(this.ip, key, nowMs);
      result.verdict = verdict;
      return result;
    }
    this.lockout.recordSuccess(this.ip, keyId, nowMs);
    result.verdict = PASS;
    result.key = key!;
    return result;
  }

  recordFailure(keyId: string | null, _verdict: number, nowMs: number): void {
    const key = keyId === null ? undefined : this.runtime.model.keys.get(keyId);
    this.lockout.recordFailedAttempt(this.ip, key, nowMs);
  }

  claim(keyId: string, senderCompId: string): boolean {
    return this.claims.claim(keyId, senderCompId);
  }

  release(keyId: string, senderCompId: string): void {
    this.claims.release(keyId, senderCompId);
  }

  private check(key: ApiKeyState, signedBytes: Uint8Array, signature: Uint8Array, nowMs: number): Verdict {
    const verified =
      key.type === KeyType.ED25519
        ? signature.length === 64 && verifyEd25519(key.nativeId, signedBytes, signature)
        : signature.length === 32 && verifyHmacSha256(key.nativeId, signedBytes, signature);
    if (!verified) return RejectCode.AUTH_BAD_SIGNATURE;
    if (key.revoked) return RejectCode.KEY_REVOKED;
    if (nowMs < key.notBeforeMs) return RejectCode.KEY_NOT_YET_VALID;
    if (nowMs >= key.expiresAtMs) return RejectCode.KEY_EXPIRED;
    // A session from an address the key may not use is refused at the door, not order by order.
    if (!key.cidrs.matches(this.ip)) return RejectCode.IP_NOT_ALLOWED;
    // Recorded only once verified (an attacker who cannot sign cannot fill the cache). A full
    // cache cannot tell a replay from a fresh Logon: refuse rather than let one through.
    if (this.replay.check(signatureKeyFromBytes(signature), nowMs) !== ReplayVerdict.FRESH)
      return RejectCode.REPLAYED;
    return PASS;
  }
}

/** One claim registry for all the connections of a thread (SenderCompID uniqueness is per key, across connections). */
export class SenderCompIdClaims {
  private readonly live = new Map<string, Set<string>>();

  claim(keyId: string, senderCompId: string): boolean {
    let names = this.live.get(keyId);
    if (names === undefined) {
      names = new Set();
      this.live.set(keyId, names);
    }
    if (names.has(senderCompId)) return false;
    names.add(senderCompId);
    return true;
  }

  release(keyId: string, senderCompId: string): void {
    const names = this.live.get(keyId);
    if (!names) return;
    names.delete(senderCompId);
    if (names.size === 0) this.live.delete(keyId);
  }
}
