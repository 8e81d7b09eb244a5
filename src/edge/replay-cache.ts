// Remembers recently seen request signatures, so the same signed request
// cannot be played twice within the receive window (REST: REPLAYED).
//
// A signature is remembered by its first 52 bits, as a number: a verified
// MAC or signature cannot be steered by an attacker, and two honest ones
// collide with probability entries / 2^52 (2e-10 per request at a million
// entries), while a number key costs a fraction of a 64-character string.
//
// Signatures are kept in time buckets covering twice the receive window (a
// timestamp may be up to one window in the past or the future); whole buckets
// expire at once. Memory bound: at most `maxEntries` signatures in total
// (about 40 bytes each with the map's overhead: 40 MB at the default of a
// million, which sustains about 85,000 signed requests per second with a 5 s
// window). When it is full, new requests are refused rather than let through unchecked.

export interface ReplayCacheOptions {
  windowMs: number;
  maxEntries?: number;
  buckets?: number;
}

export const ReplayVerdict = { FRESH: 0, REPLAYED: 1, FULL: 2 } as const;
export type ReplayVerdictValue = (typeof ReplayVerdict)[keyof typeof ReplayVerdict];

export class ReplayCache {
  /** Every remembered signature, with the bucket it was recorded in: one lookup per check. */
  private readonly seen = new Map<number, number>();
  /** The signatures recorded in each bucket, to forget them when the bucket expires. */
  private readonly buckets: number[][];
  private readonly bucketMs: number;
  private readonly maxEntries: number;
  private currentBucket = 0;
  private currentStart = 0;

  constructor(options: ReplayCacheOptions) {
    const count = options.buckets ?? 8;
    this.buckets = Array.from({ length: count }, () => []);
    // The buckets together span 2 x window plus one bucket of slack.
    this.bucketMs = Math.max(1, Math.ceil((2 * options.windowMs) / (count - 1)));
    this.maxEntries = options.maxEntries ?? 1_000_000;
  }

  /** Records the signature (its first 52 bits, see signatureKey*); says whether it was fresh, already seen, or could not be recorded. */
  check(signature: number, nowMs: number): ReplayVerdictValue {
    this.advance(nowMs);
    if (this.seen.has(signature)) return ReplayVerdict.REPLAYED;
    if (this.seen.size >= this.maxEntries) return ReplayVerdict.FULL;
    this.seen.set(signature, this.currentBucket);
    this.buckets[this.currentBucket]!.push(signature);
    return ReplayVerdict.FRESH;
  }

  get entries(): number {
    return this.seen.size;
  }

  private advance(nowMs: number): void {
    if (this.currentStart === 0) this.currentStart = nowMs;
    let steps = Math.floor((nowMs - this.currentStart) / this.bucketMs);
    if (steps <= 0) return;
    if (steps > this.buckets.length) steps = this.buckets.length;
    for (let i = 0; i < steps; i++) {
      this.currentBucket = (this.currentBucket + 1) % this.buckets.length;
      const expired = this.buckets[this.currentBucket]!;
      for (const signature of expired) {
        if (this.seen.get(signature) === this.currentBucket) this.seen.delete(signature);
      }
      expired.length = 0;
    }
    this.currentStart = nowMs - ((nowMs - this.currentStart) % this.bucketMs);
  }
}

/** The first 52 bits of a signature given as lowercase hex (at least 13 characters), or -1. */
export function signatureKeyFromHex(hex: string): number {
  if (hex.length < 13) return -1;
  let key = 0;
  for (let i = 0; i < 13; i++) {
    const c = hex.charCodeAt(i);
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (digit < 0) return -1;
    key = key * 16 + digit;
  }
  return key;
}

/** The first 52 bits of a signature given as bytes (at least 7). */
export function signatureKeyFromBytes(bytes: Uint8Array): number {
  let key = 0;
  for (let i = 0; i < 6; i++) key = key * 256 + bytes[i]!;
  return key * 16 + (bytes[6]! >> 4);
}
