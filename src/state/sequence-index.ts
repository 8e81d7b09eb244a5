// An index from keys to sequence numbers (the places of entries in a store
// that owns the keys): the finished orders of an account by clOrdId (millions
// of entries at a high order rate and the default ten-minute retention), and
// the live orders by clOrdId and by order id.
//
// Why not a plain hash table: growing one rehashes every entry in one go, and
// at millions of entries that stopped the whole process for a quarter of a
// second and more (measured: 0.5 s at 1M finished orders, 4.6 s at 4M,
// counting the queue's re-layout that went with it; about 0.7 s when the live
// orders' tables of JS arrays first grew past a million). Here a resize
// starts a new table and moves MIGRATE_STEP slots of the old one on each
// later change, as Redis's dict does: no single call does more than a few
// dozen slots of work, and a lookup meanwhile looks in both tables.
//
// The tables are typed arrays of (sequence + 1, hash): 12 bytes a slot, no
// object the garbage collector has to trace, zeroed memory for an empty table.
// The keys stay in the queue, compared there (`matches`) when hashes agree.
// Open addressing, linear probing, at most half full; deletion in the current
// table shifts the probe run back (no tombstones); the old table only ever
// loses entries during a move, so they are marked as gone (TOMBSTONE) instead.

const MIN_SLOTS = 16;
/** Old slots moved per change while growing: keeps each change short, finishes long before the new table could fill. */
const MIGRATE_STEP = 8;
/**
 * Old slots moved per change while shrinking. A shrink starts below a sixteenth full, and an
 * index that is draining may get no more changes than it has entries left: at 32 slots a
 * change the move is over when half of those are gone. (At 8 it needed twice as many changes
 * as there were entries, and an account that went quiet kept both tables, 1.5 times its
 * busiest size, for good.)
 */
const SHRINK_STEP = 32;
const EMPTY = 0;
const TOMBSTONE = -1;

class Slots {
  /** Sequence + 1 of the entry in each slot; EMPTY, or TOMBSTONE in a table being moved out of. */
  readonly seqs: Float64Array;
  readonly hashes: Int32Array;
  /** Entries held (tombstones excluded). */
  count = 0;

  constructor(slots: number) {
    this.seqs = new Float64Array(slots);
    this.hashes = new Int32Array(slots);
  }
}

export class SequenceIndex<K> {
  private table = new Slots(MIN_SLOTS);
  /** The table being moved out of during a resize, else null. */
  private old: Slots | null = null;
  /** Next slot of `old` to move. */
  private cursor = 0;
  /** Slots of `old` moved per change: MIGRATE_STEP or SHRINK_STEP. */
  private stepSlots = MIGRATE_STEP;

  /**
   * `matches(seq, key)`: whether the entry at `seq` has that key (asked only of entries this
   * index holds). `shrinks`: whether to halve when below a sixteenth full; the live orders'
   * indexes keep the size of their busiest moment instead, because an account's live orders
   * swing between a few and thousands many times a minute, and each resize allocates.
   */
  constructor(
    private readonly matches: (seq: number, key: K) => boolean,
    private readonly shrinks = true,
  ) {}

  get size(): number {
    return this.table.count + (this.old === null ? 0 : this.old.count);
  }

  /** Slots allocated now (both tables during a resize), for tests and memory accounting. */
  get capacity(): number {
    return this.table.seqs.length + (this.old === null ? 0 : this.old.seqs.length);
  }

  /** The sequence number recorded for `key`, or -1. */
  get(key: K, hash: number): number {
    const slot = this.find(this.table, key, hash);
    if (slot >= 0) return this.table.seqs[slot]! - 1;
    const old = this.old;
    if (old === null) return -1;
    const oldSlot = this.find(old, key, hash);
    return oldSlot >= 0 ? old.seqs[oldSlot]! - 1 : -1;
  }

  /** Records `seq` for `key`; returns the sequence number it replaces, or -1. */
  set(key: K, hash: number, seq: number): number {
    this.step();
    const table = this.table;
    const slot = this.find(table, key, hash);
    if (slot >= 0) {
      const previous = table.seqs[slot]! - 1;
      table.seqs[slot] = seq + 1;
      return previous;
    }
    let previous = -1;
    const old = this.old;
    if (old !== null) {
      const oldSlot = this.find(old, key, hash);
      if (oldSlot >= 0) {
        previous = old.seqs[oldSlot]! - 1;
        this.removeFromOld(old, oldSlot);
      }
    }
    insert(table, hash, seq + 1);
    this.resizeIfNeeded();
    return previous;
  }

  /** Forgets the entry at `seq` (whose key hashed to `hash`); false if it is not here. */
  deleteSeq(hash: number, seq: number): boolean {
    this.step();
    if (removeSeq(this.table, hash, seq + 1)) {
      this.resizeIfNeeded();
      return true;
    }
    const old = this.old;
    if (old === null) return false;
    const slot = slotOfSeq(old, hash, seq + 1);
    if (slot < 0) return false;
    this.removeFromOld(old, slot);
    // The old table gone, the new one may be due a shrink.
    if (this.old === null) this.resizeIfNeeded();
    return true;
  }

  /** Marks a slot of the old table gone; the table goes once nothing is left in it to move. */
  private removeFromOld(old: Slots, slot: number): void {
    old.seqs[slot] = TOMBSTONE;
    old.count--;
    if (old.count === 0) this.old = null;
  }

  /** Calls `fn` with each sequence number held, in no particular order; `fn` must not change the index. */
  forEach(fn: (seq: number) => void): void {
    eachSeq(this.table, fn);
    if (this.old !== null) eachSeq(this.old, fn);
  }

  private find(t: Slots, key: K, hash: number): number {
    const seqs = t.seqs;
    const mask = seqs.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const stored = seqs[i]!;
      if (stored === EMPTY) return -1;
      if (stored > 0 && t.hashes[i] === hash && this.matches(stored - 1, key)) return i;
    }
  }

  /** Moves the next slots of the old table, if a resize is under way. */
  private step(): void {
    const old = this.old;
    if (old === null) return;
    const end = Math.min(this.cursor + this.stepSlots, old.seqs.length);
    for (let i = this.cursor; i < end; i++) {
      const stored = old.seqs[i]!;
      if (stored <= 0) continue;
      insert(this.table, old.hashes[i]!, stored);
      old.seqs[i] = TOMBSTONE;
      old.count--;
    }
    this.cursor = end;
    // Once every entry has been moved or deleted, the rest of the old table is empty.
    if (end === old.seqs.length || old.count === 0) this.old = null;
  }

  /**
   * Starts growing past half full, or halving below a sixteenth (memory back after a burst).
   * Either way the new table starts at most a quarter full, and a move takes old size / 8
   * changes growing, old size / 32 shrinking, so it ends before the new table is half full
   * (and a shrink before the index is empty). An empty table shrinks to the least at once.
   */
  private resizeIfNeeded(): void {
    const table = this.table;
    const slots = table.seqs.length;
    const grow = 2 * table.count > slots;
    const shrink = this.shrinks && slots > MIN_SLOTS && 16 * table.count < slots;
    if (!grow && !shrink) return;
    if (this.old !== null) {
      // Cannot happen (see above); if it ever did, finishing the move first keeps every
      // entry findable.
      if (!grow) return;
      while (this.old !== null) this.step();
    }
    if (table.count === 0) {
      this.table = new Slots(MIN_SLOTS);
      return;
    }
    this.old = table;
    this.cursor = 0;
    this.stepSlots = grow ? MIGRATE_STEP : SHRINK_STEP;
    this.table = new Slots(grow ? slots * 2 : slots / 2);
  }
}

/** Puts (hash, stored) in the first free slot of its probe run (the table has no tombstones). */
function insert(t: Slots, hash: number, stored: number): void {
  const seqs = t.seqs;
  const mask = seqs.length - 1;
  let i = hash & mask;
  while (seqs[i] !== EMPTY) i = (i + 1) & mask;
  seqs[i] = stored;
  t.hashes[i] = hash;
  t.count++;
}

function eachSeq(t: Slots, fn: (seq: number) => void): void {
  const seqs = t.seqs;
  for (let i = 0; i < seqs.length; i++) if (seqs[i]! > 0) fn(seqs[i]! - 1);
}

function slotOfSeq(t: Slots, hash: number, stored: number): number {
  const seqs = t.seqs;
  const mask = seqs.length - 1;
  for (let i = hash & mask; ; i = (i + 1) & mask) {
    const value = seqs[i]!;
    if (value === stored) return i;
    if (value === EMPTY) return -1;
  }
}

/** Deletes by backward shift: later entries of the run move into the hole unless they must stay. */
function removeSeq(t: Slots, hash: number, stored: number): boolean {
  let hole = slotOfSeq(t, hash, stored);
  if (hole < 0) return false;
  const seqs = t.seqs;
  const hashes = t.hashes;
  const mask = seqs.length - 1;
  for (let i = (hole + 1) & mask; seqs[i] !== EMPTY; i = (i + 1) & mask) {
    if (staysInRun(hole, i, hashes[i]! & mask)) continue;
    seqs[hole] = seqs[i]!;
    hashes[hole] = hashes[i]!;
    hole = i;
  }
  seqs[hole] = EMPTY;
  t.count--;
  return true;
}

/**
 * Backward-shift deletion in a linear-probing table: whether the entry at slot `i`, whose
 * home slot is `home`, must stay where it is when slot `hole` (before it in the probe run)
 * empties: it stays if its home lies cyclically in (hole, i].
 */
function staysInRun(hole: number, i: number, home: number): boolean {
  return hole <= i ? hole < home && home <= i : hole < home || home <= i;
}
