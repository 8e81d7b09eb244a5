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
// half full, so the two hold at most 4 x maxEntries slots of 8 bytes; a table
// that grows keeps its old half until it is copied, and the table of the period
// before last is kept as a spare for the next: 7 x maxEntries slots at most
// (56 MB at the default of a million, which sustains 100,000 signed requests
// per second with a 5 s window). When the current period's table is full, new
// requests are refused rather than let through unchecked.

export interface ReplayCacheOptions {
  windowMs: number;
  /** Signatures recorded per period (two windows) at most. Default 1,000,000. */
  maxEntries?: number;
}

export const ReplayVerdict = { FRESH: 0, REPLAYED: 1, FULL: 2 } as const;
export type ReplayVerdictValue = (typeof ReplayVerdict)[keyof typeof ReplayVerdict];

const MIN_SLOTS = 4096;
const TWO_32 = 4294967296;

/** Old slots copied per add during a resize (see SignatureTable). */
const MIGRATE_STEP = 1024;
/** Slots of the spare table zeroed per add (8 KB, about a microsecond; see ReplayCache). */
const ZERO_STEP = 1024;

/** Slot index in `slots` where `stored` is, or the empty slot where it would go. */
function find(slots: Float64Array, stored: number): number {
  const mask = slots.length - 1;
  // The key's bits are a MAC's or a signature's: mixing both halves spreads any grinding.
  let i = Math.imul((stored | 0) ^ ((stored / TWO_32) | 0), 0x9e3779b1) & mask;
  for (;;) {
    const value = slots[i]!;
    if (value === stored || value === 0) return i;
    i = (i + 1) & mask;
  }
}

/**
 * One period's signatures: keys stored + 1, so that 0 marks an empty slot.
 *
 * Growing does not copy the table in one go: at half a million signatures that stopped
 * the process for 28-33 ms (measured). A full table becomes `old`, read-only, and each
 * later add copies MIGRATE_STEP of its slots into the new one; lookups meanwhile look in
 * both. Nothing is ever deleted, so `old` stays valid as it is and a key copied across is
 * simply found in either.
 *
 * Why 1,024 slots a step and not the order indexes' eight: every request looks up a fresh
 * key, which during a copy is a second cache miss in `old`, and the copy writes the new
 * table's memory for the first time (a page fault, about 3.7 us per 4 KB here). At eight
 * slots a step a quarter of a growing period's requests paid for that, and its p99 went
 * from 0.6-0.9 to 0.8-2.2 us (measured growing to a million). At 1,024 the copy is over
 * within 0.2% of the adds and p99 stays as it was; one step costs a few tens of
 * microseconds, where the whole copy cost 28-33 ms. It ends long before the new table
 * could be half full.
 */
class SignatureTable {
  private slots: Float64Array;
  private old: Float64Array | null = null;
  /** Next slot of `old` to copy. */
  private cursor = 0;
  /** Signatures added (those copied across count once). */
  count = 0;

  /** `slots` must be all zeros. */
  constructor(slots: Float64Array) {
    this.slots = slots;
  }

  /** Its memory, to be zeroed and reused once the table is dropped. */
  get memory(): Float64Array {
    return this.slots;
  }

  /** Slots allocated now (both tables during a resize), for tests and memory accounting. */
  get capacity(): number {
    return this.slots.length + (this.old === null ? 0 : this.old.length);
  }

  has(stored: number): boolean {
    if (this.slots[find(this.slots, stored)] === stored) return true;
    const old = this.old;
    return old !== null && old[find(old, stored)] === stored;
  }

  /** Records a key that `has` said is not here. */
  add(stored: number): void {
    if (this.old !== null) this.copyStep();
    else if (2 * (this.count + 1) > this.slots.length) {
      this.old = this.slots;
      this.slots = new Float64Array(2 * this.old.length);
      this.cursor = 0;
      this.copyStep();
    }
    const slots = this.slots;
    slots[find(slots, stored)] = stored;
    this.count++;
  }

  private copyStep(): void {
    const old = this.old!;
    const slots = this.slots;
    const end = Math.min(old.length, this.cursor + MIGRATE_STEP);
    for (let i = this.cursor; i < end; i++) {
      const value = old[i]!;
      if (value !== 0) slots[find(slots, value)] = value;
    }
    this.cursor = end;
    if (end === old.length) this.old = null;
  }
}

export class ReplayCache {
  private readonly periodMs: number;
  private readonly maxEntries: number;
  private current = new SignatureTable(new Float64Array(MIN_SLOTS));
  private previous = new SignatureTable(new Float64Array(MIN_SLOTS));
  private periodStart = Number.NaN;
  /**
   * The table let go at the last change of period, zeroed ZERO_STEP slots per add, which the
   * next period takes if it needs that size (as it does at a steady rate). New memory is
   * paid for when first written, a page fault per 4 KB (about 3.7 us here): on a new table
   * of two million slots a period's first 20,000 checks took 24-59 ms, with a p99 of 5-14 us;
   * on the spare, 11-19 ms and 2-3 us (measured). Zeroing it over the period costs 2 ms.
   */
  private spare: Float64Array | null = null;
  private spareZeroed = 0;
  private reused = 0;

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
    if (this.current.has(stored) || this.previous.has(stored)) return ReplayVerdict.REPLAYED;
    if (this.current.count >= this.maxEntries) return ReplayVerdict.FULL;
    this.current.add(stored);
    const spare = this.spare;
    if (spare !== null && this.spareZeroed < spare.length) {
      const end = Math.min(spare.length, this.spareZeroed + ZERO_STEP);
      spare.fill(0, this.spareZeroed, end);
      this.spareZeroed = end;
    }
    return ReplayVerdict.FRESH;
  }

  /** Signatures remembered now (both periods). */
  get entries(): number {
    return this.current.count + this.previous.count;
  }

  /** Slots allocated now (8 bytes each; the spare included), for tests and memory accounting. */
  get capacity(): number {
    return this.current.capacity + this.previous.capacity + (this.spare === null ? 0 : this.spare.length);
  }

  /** Periods that started on the spare table rather than new memory (for tests). */
  get reusedTables(): number {
    return this.reused;
  }

  private advance(nowMs: number): void {
    if (Number.isNaN(this.periodStart)) this.periodStart = nowMs;
    const periods = Math.floor((nowMs - this.periodStart) / this.periodMs);
    if (periods <= 0) return;
    // Sized for the period that just ended, so a steady rate does not regrow every time.
    const slots = Math.max(MIN_SLOTS, 2 ** Math.ceil(Math.log2(2 * this.current.count + 1)));
    const dropped = periods === 1 ? this.previous : this.current;
    let memory: Float64Array;
    if (this.spare !== null && this.spare.length === slots && this.spareZeroed === slots) {
      memory = this.spare;
      this.reused++;
    } else {
      memory = new Float64Array(slots);
    }
    this.previous = periods === 1 ? this.current : new SignatureTable(new Float64Array(MIN_SLOTS));
    this.current = new SignatureTable(memory);
    // At most one spare: one not taken is dropped for the table let go now.
    this.spare = dropped.memory;
    this.spareZeroed = 0;
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
