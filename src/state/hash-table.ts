// A hash map that never shrinks, for the registry's orders: live ones by
// clOrdId and by order id, and the finished ones' index.
//
// Why not a Map: a V8 Map rehashes as it grows past each power of two and
// again as it shrinks below a quarter, so an account whose live orders swing
// between a few and a thousand pays a rehash of up to a thousand entries on
// the order that crosses each size: measured as the bulk of the order path's
// p99 (over 10 µs at 256 and 512 live orders). Here the table keeps the size
// of its busiest moment (live orders are bounded by maxOpenOrders), so after
// the first burst no order pays for a rehash.
//
// The caller passes each key's hash (clOrdIdHash for clOrdIds, orderIdHash for
// order ids): a new order's clOrdId is hashed once for both the live and the
// finished lookups. Open addressing with linear probing at most half full;
// deletion shifts the probe run back, so there are no tombstones.

import { randomBytes } from 'node:crypto';

const MIN_SLOTS = 16;
/** Seeded per process, so clients cannot pick clOrdIds that all land in one probe run without seeing it. */
const SEED = randomBytes(4).readInt32LE(0);

/** A seeded 32-bit hash of a string's UTF-16 code units (FNV-1a, then murmur3's finalizer). */
export function clOrdIdHash(text: string): number {
  let h = SEED ^ 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A 32-bit hash of a non-negative integer id (below 2^53). */
export function orderIdHash(id: number): number {
  const h = Math.imul((id | 0) ^ ((id / 4294967296) | 0), 0x9e3779b1);
  return h ^ (h >>> 15);
}

/**
 * Backward-shift deletion in a linear-probing table: whether the entry at slot `i`, whose
 * home slot is `home`, must stay where it is when slot `hole` (before it in the probe run)
 * empties: it stays if its home lies cyclically in (hole, i].
 */
export function staysInRun(hole: number, i: number, home: number): boolean {
  return hole <= i ? hole < home && home <= i : hole < home || home <= i;
}

export class HashTable<K, V> {
  private keys: (K | undefined)[];
  private values: (V | undefined)[];
  private hashes: Int32Array;
  private count = 0;

  constructor() {
    this.keys = new Array(MIN_SLOTS).fill(undefined);
    this.values = new Array(MIN_SLOTS).fill(undefined);
    this.hashes = new Int32Array(MIN_SLOTS);
  }

  get size(): number {
    return this.count;
  }

  get(key: K, hash: number): V | undefined {
    const slot = this.slotOf(key, hash);
    return this.keys[slot] === undefined ? undefined : this.values[slot];
  }

  has(key: K, hash: number): boolean {
    return this.keys[this.slotOf(key, hash)] !== undefined;
  }

  /** Adds or replaces. */
  set(key: K, hash: number, value: V): void {
    let slot = this.slotOf(key, hash);
    if (this.keys[slot] === undefined) {
      if (2 * (this.count + 1) > this.keys.length) {
        this.grow();
        slot = this.slotOf(key, hash);
      }
      this.keys[slot] = key;
      this.hashes[slot] = hash;
      this.count++;
    }
    this.values[slot] = value;
  }

  delete(key: K, hash: number): boolean {
    const keys = this.keys;
    const mask = keys.length - 1;
    let hole = this.slotOf(key, hash);
    if (keys[hole] === undefined) return false;
    // Backward shift: move later entries of the probe run into the hole unless their
    // home slot lies cyclically in (hole, i].
    for (let i = (hole + 1) & mask; keys[i] !== undefined; i = (i + 1) & mask) {
      if (staysInRun(hole, i, this.hashes[i]! & mask)) continue;
      keys[hole] = keys[i];
      this.values[hole] = this.values[i];
      this.hashes[hole] = this.hashes[i]!;
      hole = i;
    }
    keys[hole] = undefined;
    this.values[hole] = undefined;
    this.count--;
    return true;
  }

  /** Calls `fn` with each value (in no particular order); `fn` must not change the table. */
  forEach(fn: (value: V) => void): void {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== undefined) fn(this.values[i]!);
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private slotOf(key: K, hash: number): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    let i = hash & mask;
    for (;;) {
      const k = keys[i];
      if (k === undefined || (this.hashes[i] === hash && k === key)) return i;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    const hashes = this.hashes;
    const slots = keys.length * 2;
    this.keys = new Array(slots).fill(undefined);
    this.values = new Array(slots).fill(undefined);
    this.hashes = new Int32Array(slots);
    const mask = slots - 1;
    for (let j = 0; j < keys.length; j++) {
      if (keys[j] === undefined) continue;
      let i = hashes[j]! & mask;
      while (this.keys[i] !== undefined) i = (i + 1) & mask;
      this.keys[i] = keys[j];
      this.values[i] = values[j];
      this.hashes[i] = hashes[j]!;
    }
  }
}
