// One account's recently finished orders, by clOrdId, in the order they
// finished: a queue pruned from its head, an exact hash index over it, and
// filters in front of the index.
//
// Why not a Map<string, OrderRecord>: every new order asks whether its
// clOrdId was used recently, and the answer is nearly always no. With the
// retention window holding hundreds of thousands of entries, a Map's miss
// walks a bucket chain of heap objects scattered in memory (measured 250 ns
// at 200k entries, 640 ns at 2M). Here a miss reads one cache line of an
// index of typed arrays, and the strings are compared only when their 32-bit
// hashes agree.
//
// Even that line is a cache and TLB miss once the index outgrows the caches
// (measured 300 ns inside the order path). So a blocked Bloom filter, 16 bits
// per entry in 64-byte blocks, answers first: "not there" (over 99% of the
// time for a fresh clOrdId) costs a cache line per filter, in structures a
// twentieth of the index's size. Entries cannot be taken out of a Bloom
// filter, so each retention period fills its own filters; a period's filters
// are dropped once everything in them has expired.
//
// Nothing here is ever rebuilt in one go, because at the default ten-minute
// retention an account can hold millions of entries, and one rebuild stopped
// the process for seconds (measured with 4M entries: 4.6 s, when the queue
// was one ring re-laid at each doubling and the index and filter rehashed
// with it). So:
// - the queue is a list of fixed segments: it grows and shrinks a segment at
//   a time, and an entry keeps its sequence number for life;
// - the index (SequenceIndex) resizes a few slots per change;
// - a period whose filter fills up gets a new one, FILTER_GROWTH times larger,
//   which takes the new entries at once and the period's earlier ones a few
//   per add (BACKFILL_STEP); then the smaller filters are dropped. A lookup
//   reads one line per filter: two in the steady state, three meanwhile.
import { clOrdIdHash } from './hash-table.ts';
import { SequenceIndex } from './sequence-index.ts';

/** Entries per queue segment. */
const SEGMENT = 4096;
/** A period's next filter holds this many times what its filters hold so far. */
const FILTER_GROWTH = 4;
/** Earlier entries copied into a period's new filter per add. */
const BACKFILL_STEP = 4;
/** A new period's first filter is sized for this much more than the last period held. */
const FILTER_HEADROOM = 1.25;

/** Bits of filter per entry (4 probes: about 0.3% false positives when full). */
const FILTER_BITS_PER_ENTRY = 16;
/** Blocks of 512 bits (16 words, one cache line). */
const BLOCK_WORDS = 16;
const MIN_FILTER_BLOCKS = 8;
/**
 * A filter is dropped this long after its period ended on top of the retention, so a
 * caller whose clock runs slightly behind the one that recorded still finds the entry.
 */
const FILTER_SLACK_MS = 1000;

/** A blocked Bloom filter over 32-bit hashes. */
class HashFilter {
  readonly words: Int32Array;
  readonly capacity: number;
  count = 0;

  constructor(entries: number) {
    const blocks = Math.max(
      MIN_FILTER_BLOCKS,
      2 ** Math.ceil(Math.log2((entries * FILTER_BITS_PER_ENTRY) / (BLOCK_WORDS * 32))),
    );
    this.words = new Int32Array(blocks * BLOCK_WORDS);
    this.capacity = (blocks * BLOCK_WORDS * 32) / FILTER_BITS_PER_ENTRY;
  }

  add(hash: number): void {
    const words = this.words;
    const base = (hash & (words.length / BLOCK_WORDS - 1)) * BLOCK_WORDS;
    // Four 9-bit positions in the block, from bits the block choice did not use.
    const g = Math.imul(hash ^ (hash >>> 16), 0x7feb352d);
    words[base + ((g >>> 5) & 15)]! |= 1 << (g & 31);
    words[base + ((g >>> 14) & 15)]! |= 1 << ((g >>> 9) & 31);
    words[base + ((g >>> 23) & 15)]! |= 1 << ((g >>> 18) & 31);
    words[base + ((g >>> 27) & 15)]! |= 1 << ((g ^ (g >>> 22)) & 31);
    this.count++;
  }

  mayHave(hash: number): boolean {
    const words = this.words;
    const base = (hash & (words.length / BLOCK_WORDS - 1)) * BLOCK_WORDS;
    const g = Math.imul(hash ^ (hash >>> 16), 0x7feb352d);
    return (
      (words[base + ((g >>> 5) & 15)]! & (1 << (g & 31))) !== 0 &&
      (words[base + ((g >>> 14) & 15)]! & (1 << ((g >>> 9) & 31))) !== 0 &&
      (words[base + ((g >>> 23) & 15)]! & (1 << ((g >>> 18) & 31))) !== 0 &&
      (words[base + ((g >>> 27) & 15)]! & (1 << ((g ^ (g >>> 22)) & 31))) !== 0
    );
  }
}

/** SEGMENT consecutive entries of the queue. */
class Segment<T> {
  readonly ids: (string | undefined)[] = new Array(SEGMENT).fill(undefined);
  readonly records: (T | undefined)[] = new Array(SEGMENT).fill(undefined);
  readonly times = new Float64Array(SEGMENT);
  readonly hashes = new Int32Array(SEGMENT);
}

export class FinishedOrders<T> {
  readonly retentionMs: number;
  // The queue: entries numbered from 0 in the order they were added; those from
  // `headSeq` to `tailSeq` are held, in `segments` (segment k holds numbers from
  // (firstSegment + k) * SEGMENT).
  private segments: Segment<T>[] = [];
  private firstSegment = 0;
  private headSeq = 0;
  private tailSeq = 0;
  /** The last emptied segment, kept for the next one needed (they come and go at a steady rate). */
  private spare: Segment<T> | null = null;
  // The index: clOrdId -> sequence number of its latest entry.
  private readonly index = new SequenceIndex((seq) => this.segmentOf(seq).ids[seq % SEGMENT]);
  // The filters: `filter` takes what finishes in the period since `filterStartMs`, and
  // `previousFilter` took the period before. A period's smaller filters stay in
  // `olderFilters` / `previousOlderFilters` only while its newest is being backfilled
  // (plain fields for the usual case: a lookup that reads an array costs ~15 ns more).
  private filter = new HashFilter(0);
  private olderFilters: HashFilter[] = [];
  private previousFilter = new HashFilter(0);
  private previousOlderFilters: HashFilter[] = [];
  private filterStartMs = Number.NaN;
  /** First entry of the current period. */
  private periodStartSeq = 0;
  /** While the period's last filter is being given its earlier entries: the next one to give, up to backfillEndSeq. */
  private backfillSeq = 0;
  private backfillEndSeq = 0;

  constructor(retentionMs: number) {
    this.retentionMs = retentionMs;
  }

  /** Entries in the queue (a replaced entry's emptied place counts until it is pruned). */
  get size(): number {
    return this.tailSeq - this.headSeq;
  }

  /** Queue segments held now (for tests: memory comes back as entries expire). */
  get segmentCount(): number {
    return this.segments.length;
  }

  /** Filters held now, both periods (for tests: a lookup reads one cache line of each). */
  get filterCount(): number {
    return 2 + this.olderFilters.length + this.previousOlderFilters.length;
  }

  /** The order that finished (or was replaced away) under `clOrdId` less than retentionMs before `nowMs`. */
  get(clOrdId: string, nowMs: number): T | undefined {
    const seq = this.findRecent(clOrdId, nowMs, clOrdIdHash(clOrdId));
    return seq < 0 ? undefined : this.segmentOf(seq).records[seq % SEGMENT];
  }

  /** Whether an order finished under `clOrdId` less than retentionMs before `nowMs`. */
  has(clOrdId: string, nowMs: number, hash = clOrdIdHash(clOrdId)): boolean {
    return this.findRecent(clOrdId, nowMs, hash) >= 0;
  }

  /** Appends an entry (times must not decrease); an older entry under the same clOrdId is replaced. */
  add(clOrdId: string, record: T, nowMs: number, hash = clOrdIdHash(clOrdId)): void {
    const previous = this.index.get(clOrdId, hash);
    const seq = this.tailSeq;
    const at = seq % SEGMENT;
    if (at === 0) {
      if (this.segments.length === 0) this.firstSegment = seq / SEGMENT;
      this.segments.push(this.spare ?? new Segment<T>());
      this.spare = null;
    }
    const segment = this.segments[this.segments.length - 1]!;
    segment.ids[at] = clOrdId;
    segment.records[at] = record;
    segment.times[at] = nowMs;
    segment.hashes[at] = hash;
    this.tailSeq = seq + 1;
    // The index finds the clOrdId's previous entry by its key, so that place is emptied after.
    this.index.set(clOrdId, hash, seq);
    if (previous >= 0) {
      // Keep one entry per clOrdId: the old one's queue place is emptied, not reused.
      const old = this.segmentOf(previous);
      old.ids[previous % SEGMENT] = undefined;
      old.records[previous % SEGMENT] = undefined;
    }
    this.addToFilter(hash, nowMs);
  }

  /** Forgets the entries that finished retentionMs or more before `nowMs` (the oldest first). */
  forgetExpired(nowMs: number): void {
    while (this.headSeq < this.tailSeq) {
      const seq = this.headSeq;
      const segment = this.segments[0]!;
      const at = seq % SEGMENT;
      if (nowMs - segment.times[at]! < this.retentionMs) return;
      const id = segment.ids[at];
      if (id !== undefined) {
        this.index.deleteSeq(segment.hashes[at]!, seq);
        segment.ids[at] = undefined;
        segment.records[at] = undefined;
      }
      this.headSeq = seq + 1;
      if (at === SEGMENT - 1) {
        // Every place of the segment has been emptied: it can be written again as it is.
        this.spare = this.segments.shift()!;
        this.firstSegment++;
      }
    }
  }

  private segmentOf(seq: number): Segment<T> {
    return this.segments[Math.floor(seq / SEGMENT) - this.firstSegment]!;
  }

  /** Sequence number of clOrdId's entry if it is within the retention at `nowMs`, or -1. */
  private findRecent(clOrdId: string, nowMs: number, hash: number): number {
    if (!this.filter.mayHave(hash) && !this.previousFilter.mayHave(hash) && !this.olderMayHave(hash)) return -1;
    const seq = this.index.get(clOrdId, hash);
    return seq >= 0 && nowMs - this.segmentOf(seq).times[seq % SEGMENT]! < this.retentionMs ? seq : -1;
  }

  private olderMayHave(hash: number): boolean {
    if (this.olderFilters.length === 0 && this.previousOlderFilters.length === 0) return false;
    return mayHave(this.olderFilters, hash) || mayHave(this.previousOlderFilters, hash);
  }

  private addToFilter(hash: number, nowMs: number): void {
    if (Number.isNaN(this.filterStartMs)) this.filterStartMs = nowMs;
    if (nowMs - this.filterStartMs >= this.retentionMs + FILTER_SLACK_MS) {
      // The previous filters stopped taking entries a retention (and the slack) ago, so
      // all of them have expired: drop them. The new one is sized for the period just ended.
      this.previousFilter = this.filter;
      this.previousOlderFilters = this.olderFilters;
      this.olderFilters = [];
      this.filter = new HashFilter(Math.ceil((this.tailSeq - 1 - this.periodStartSeq) * FILTER_HEADROOM));
      this.filterStartMs = nowMs;
      this.periodStartSeq = this.tailSeq - 1;
      this.backfillSeq = this.backfillEndSeq = 0;
    } else if (this.filter.count >= this.filter.capacity) {
      // Entries before this one (the one being added) go in a few per add from now on.
      this.olderFilters.push(this.filter);
      this.filter = new HashFilter(FILTER_GROWTH * (this.tailSeq - this.periodStartSeq));
      this.backfillSeq = Math.max(this.periodStartSeq, this.headSeq);
      this.backfillEndSeq = this.tailSeq - 1;
    }
    this.filter.add(hash);
    if (this.backfillSeq < this.backfillEndSeq) this.backfill();
  }

  /** Gives the newest filter BACKFILL_STEP more of the period's earlier entries; drops the older ones once it has them all. */
  private backfill(): void {
    const end = Math.min(this.backfillSeq + BACKFILL_STEP, this.backfillEndSeq);
    // Entries expired meanwhile need no filter; the queue no longer holds them.
    let seq = Math.max(this.backfillSeq, this.headSeq);
    for (; seq < end; seq++) this.filter.add(this.segmentOf(seq).hashes[seq % SEGMENT]!);
    this.backfillSeq = Math.max(seq, end);
    if (this.backfillSeq >= this.backfillEndSeq) this.olderFilters = [];
  }
}

function mayHave(filters: readonly HashFilter[], hash: number): boolean {
  for (let i = 0; i < filters.length; i++) if (filters[i]!.mayHave(hash)) return true;
  return false;
}
