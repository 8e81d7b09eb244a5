// Remembers recently seen request signatures, so the same signed request
// cannot be played twice within the receive window (REST: REPLAYED).
//
// A signature is remembered by its first 52 bits, as a number: a verified
// MAC or signature cannot be steered by an attacker, and two honest ones
// collide with probability entries / 2^52 (2e-10 per request at a million
// entries), while a number key costs a fraction of a 64-character string.
//
// Signatures are kept in two open-addressing tables of numbers, each recording
// one period of two receive windows (a timestamp may be up to one window in
// the past or the future): a check looks in both and records in the current
// one; when a period ends, the older table is dropped and a new one starts. So
// a signature is remembered for at least two windows (at most four). A table
// is a Float64Array read at one place per probe: a check costs a cache line
// or two, where a Map of a million numbers cost several scattered misses, and
// nothing is deleted one by one.
//
// Memory bound: at most `maxEntries` signatures per period; a table is at most
// half full, so the two hold at most 4 x maxEntries slots of 8 bytes (32 MB at
// the default of a million, which sustains 100,000 signed requests per second
// with a 5 s window). When the current period's table is full, new requests are
// refused rather than let through unchecked.

export interface ReplayCacheOptions {
  windowMs: number;
  /** Signatures recorded per period (two windows) at most. Default 1,000,000. */
  maxEntries?: number;
}

export const ReplayVerdict = { FRESH: 0, REPLAYED: 1, FULL: 2 } as const;
export type ReplayVerdictValue = (typeof ReplayVerdict)[keyof typeof ReplayVerdict];

const MIN_SLOTS = 4096;
const TWO_32 = 4294967296;

/** One period's signatures: keys stored + 1, so that 0 marks an empty slot. */
class SignatureTable {
  slots: Float64Array;
  count = 0;

  constructor(slots: number) {
    this.slots = new Float64Array(slots);
  }

  /** Slot index where `stored` is, or the empty slot where it would go. */
  find(stored: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    // The key's bits are a MAC's or a signature's: mixing both halves spreads any grinding.
    let i = Math.imul((stored | 0) ^ ((stored / TWO_32) | 0), 0x9e3779b1) & mask;
    for (;;) {
      const value = slots[i]!;
      if (value === stored || value === 0) return i;
      i = (i + 1) & mask;
    }
  }

  has(stored: number): boolean {
    return this.slots[this.find(stored)] === stored;
  }

  /** Records a key not in the table; grows it first if it would be over half full. */
  add(stored: number): void {
    if (2 * (this.count + 1) > this.slots.length) this.grow();
    this.slots[this.find(stored)] = stored;
    this.count++;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    for (let i = 0; i < old.length; i++) {
      const value = old[i]!;
      if (value !== 0) this.slots[this.find(value)] = value;
    }
  }
}

export class ReplayCache {
  private readonly periodMs: number;
  private readonly maxEntries: number;
  private current = new SignatureTable(MIN_SLOTS);
  private previous = new SignatureTable(MIN_SLOTS);
  private periodStart = Number.NaN;

  constructor(options: ReplayCacheOptions) {
    this.periodMs = Math.max(1, 2 * options.windowMs);
    this.maxEntries = options.maxEntries ?? 1_000_000;
  }

  /** Records the signature (its first 52 bits, see signatureKey*); says whether it was fresh, already seen, or could not be recorded. */
  check(signature: number, nowMs: number): ReplayVerdictValue {
    this.advance(nowMs);
    // Keys are verified signatures' bits (>= 0); anything else is refused, never recorded.
    if (!(signature >= 0)) return ReplayVerdict.REPLAYED;
    const stored = signature + 1;
    const slot = this.current.find(stored);
    if (this.current.slots[slot] === stored || this.previous.has(stored)) return ReplayVerdict.REPLAYED;
    if (this.current.count >= this.maxEntries) return ReplayVerdict.FULL;
    this.current.add(stored);
    return ReplayVerdict.FRESH;
  }

  /** Signatures remembered now (both periods). */
  get entries(): number {
    return this.current.count + this.previous.count;
  }

  private advance(nowMs: number): void {
    if (Number.isNaN(this.periodStart)) this.periodStart = nowMs;
    const periods = Math.floor((nowMs - this.periodStart) / this.periodMs);
    if (periods <= 0) return;
    // Sized for the period that just ended, so a steady rate does not regrow every time.
    const slots = Math.max(MIN_SLOTS, 2 ** Math.ceil(Math.log2(2 * this.current.count + 1)));
    this.previous = periods === 1 ? this.current : new SignatureTable(MIN_SLOTS);
    this.current = new SignatureTable(slots);
    this.periodStart += periods * this.periodMs;
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
