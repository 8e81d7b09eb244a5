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

export class Lockout {
  private readonly entries = new Map<string, Entry>();
  private readonly maxTracked: number;

  constructor(private readonly options: LockoutOptions) {
    this.maxTracked = options.maxTracked ?? 100_000;
  }

  /** True while either the address or the key id is locked out. */
  isLockedOut(ip: string, keyId: string | null, nowMs: number): boolean {
    return this.locked(`ip:${ip}`, nowMs) || (keyId !== null && this.locked(`key:${keyId}`, nowMs));
  }

  /** Counts a failure against the address and (when known) the key id. */
  recordFailure(ip: string, keyId: string | null, nowMs: number): void {
    this.count(`ip:${ip}`, nowMs);
    if (keyId !== null) this.count(`key:${keyId}`, nowMs);
  }

  /** A success clears the address's and the key's failure counts (not an active lockout). */
  recordSuccess(ip: string, keyId: string, nowMs: number): void {
    for (const id of [`ip:${ip}`, `key:${keyId}`]) {
      const entry = this.entries.get(id);
      if (entry && entry.lockedUntil <= nowMs) this.entries.delete(id);
    }
  }

  private locked(id: string, nowMs: number): boolean {
    const entry = this.entries.get(id);
    return entry !== undefined && entry.lockedUntil > nowMs;
  }

  private count(id: string, nowMs: number): void {
    let entry = this.entries.get(id);
    // Failures older than one lockout period no longer count.
    if (entry && entry.lockedUntil <= nowMs && nowMs - entry.since >= this.options.lockoutMs) {
      this.entries.delete(id);
      entry = undefined;
    }
    if (!entry) {
      if (this.entries.size >= this.maxTracked) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
      entry = { failures: 0, since: nowMs, lockedUntil: 0 };
      this.entries.set(id, entry);
    }
    entry.failures++;
    if (entry.failures >= this.options.failuresBeforeLockout) {
      entry.lockedUntil = nowMs + this.options.lockoutMs;
      entry.failures = 0;
      entry.since = nowMs;
    }
  }
}
