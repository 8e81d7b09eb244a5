// Lockout after repeated authentication failures, per source address and per
// key id (SPEC: limits.authFailuresBeforeLockout, limits.lockoutMs). Shared by
// the FIX and REST doors: failing on one counts on the other.
//
// Memory is bounded: at most `maxTracked` addresses and key ids are tracked;
// past that the oldest entries are forgotten first (an attacker spraying
// addresses cannot grow memory, only shorten their own memory of failures).

interface Entry {
  failures: number;
  /** Start of the current counting window (ms). */
  since: number;
  /** Locked until this time (ms); 0 when not locked. */
  lockedUntil: number;
}

export interface LockoutOptions {
  failuresBeforeLockout: number;
  lockoutMs: number;
  maxTracked?: number;
}

/** What the lockout needs of a key: its id, and the networks it may be used from. */
export interface LockoutKey {
  readonly id: string;
  readonly cidrs: { matches(ip: string): boolean };
}

export class Lockout {
  /** Addresses and key ids apart, so that checking allocates no combined key. */
  private readonly byIp = new Map<string, Entry>();
  private readonly byKey = new Map<string, Entry>();
  private readonly maxTracked: number;

  constructor(private readonly options: LockoutOptions) {
    this.maxTracked = options.maxTracked ?? 100_000;
  }

  /** True while either the address or the key id is locked out. */
  isLockedOut(ip: string, keyId: string | null, nowMs: number): boolean {
    return locked(this.byIp, ip, nowMs) || (keyId !== null && locked(this.byKey, keyId, nowMs));
  }

  /**
   * Counts a failed attempt from `ip` naming `key` (undefined: no such key). It counts against
   * the key only from an address the key may be used from: key ids are not secret (every
   * request names one), so counting failures from anywhere would let any address lock any
   * key's owner out without knowing its secret; this way only an address inside the key's
   * networks can.
   */
  recordFailedAttempt(ip: string, key: LockoutKey | undefined, nowMs: number): void {
    this.recordFailure(ip, key?.cidrs.matches(ip) ? key.id : null, nowMs);
  }

  /** Counts a failure against the address and (when given) the key id. */
  recordFailure(ip: string, keyId: string | null, nowMs: number): void {
    this.count(this.byIp, ip, nowMs);
    if (keyId !== null) this.count(this.byKey, keyId, nowMs);
  }

  /** A success clears the address's and the key's failure counts (not an active lockout). */
  recordSuccess(ip: string, keyId: string, nowMs: number): void {
    if (this.byIp.size > 0) forget(this.byIp, ip, nowMs);
    if (this.byKey.size > 0) forget(this.byKey, keyId, nowMs);
  }

  private count(entries: Map<string, Entry>, id: string, nowMs: number): void {
    let entry = entries.get(id);
    // Failures older than one lockout period no longer count.
    if (entry && entry.lockedUntil <= nowMs && nowMs - entry.since >= this.options.lockoutMs) {
      entries.delete(id);
      entry = undefined;
    }
    if (!entry) {
      if (this.byIp.size + this.byKey.size >= this.maxTracked) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entry = { failures: 0, since: nowMs, lockedUntil: 0 };
      entries.set(id, entry);
    }
    entry.failures++;
    if (entry.failures >= this.options.failuresBeforeLockout) {
      entry.lockedUntil = nowMs + this.options.lockoutMs;
      entry.failures = 0;
      entry.since = nowMs;
    }
  }
}

function locked(entries: Map<string, Entry>, id: string, nowMs: number): boolean {
  // Usually nobody is failing: an empty map answers without hashing the id.
  if (entries.size === 0) return false;
  const entry = entries.get(id);
  return entry !== undefined && entry.lockedUntil > nowMs;
}

function forget(entries: Map<string, Entry>, id: string, nowMs: number): void {
  const entry = entries.get(id);
  if (entry && entry.lockedUntil <= nowMs) entries.delete(id);
}
