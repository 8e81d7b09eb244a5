// One account's recently finished orders, by clOrdId, in the order they
// finished: a queue pruned from its head, an exact hash index over it, and
// filters in front of the index.
//
// Everything is kept in typed arrays, clOrdIds as bytes: at the default
// ten-minute retention an account can hold millions of finished orders, and
// as objects (an OrderRecord and its clOrdId string) they were the bulk of
// the heap, which every full collection marks: 2M of them took 491 MB and a
// full collection 566 ms; as arrays, 7 MB of heap and 8 ms. An order is
// copied in when it finishes and rebuilt as an object only when asked for
// (GET /api/v1/orders/{clOrdId}).
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
import type { SideValue } from '../pipeline/request.ts';
import type { MarketState } from './markets.ts';
import { clOrdIdHash } from './order-hashes.ts';
import { SequenceIndex } from './sequence-index.ts';

/** Entries per queue segment. */
const SEGMENT = 4096;
/** Bytes kept per clOrdId: the longest SPEC allows ([A-Za-z0-9_-]{1,36}). */
const MAX_CLORDID = 36;
/** The market slot of a clOrdId replaced away from a live order: no finished order behind it. */
const NO_ORDER = -1;

/** What is kept of an order once it has finished (an OrderRecord is one). */
export interface FinishedOrder {
  readonly orderId: number;
  readonly clOrdId: string;
  readonly market: MarketState;
  readonly side: SideValue;
  readonly type: number;
  readonly tif: number;
  readonly postOnly: boolean;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly status: number;
  readonly filledLots: number;
  readonly filledValue: number;
}
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

/** SEGMENT consecutive entries of the queue, field by field. */
class Segment {
  /** Bytes of each clOrdId, MAX_CLORDID apart; its length is in `lengths` (0: the place was emptied). */
  readonly clOrdIds = new Uint8Array(SEGMENT * MAX_CLORDID);
  readonly lengths = new Uint8Array(SEGMENT);
  readonly times = new Float64Array(SEGMENT);
  readonly hashes = new Int32Array(SEGMENT);
  // The order, unless the clOrdId was replaced away from a live one (markets[at] === NO_ORDER).
  readonly markets = new Int32Array(SEGMENT);
  readonly orderIds = new Float64Array(SEGMENT);
  readonly priceTicks = new Float64Array(SEGMENT);
  readonly qtyLots = new Float64Array(SEGMENT);
  readonly filledLots = new Float64Array(SEGMENT);
  readonly filledValues = new Float64Array(SEGMENT);
  /** side, type, tif, postOnly and status, a byte each. */
  readonly kinds = new Uint8Array(SEGMENT * 5);

  /** Whether the clOrdId at `at` is `text`. */
  holds(at: number, text: string): boolean {
    const length = this.lengths[at]!;
    if (length !== text.length) return false;
    const bytes = this.clOrdIds;
    const base = at * MAX_CLORDID;
    for (let i = 0; i < length; i++) if (bytes[base + i] !== text.charCodeAt(i)) return false;
    return true;
  }
}

export class FinishedOrders {
  readonly retentionMs: number;
  // The queue: entries numbered from 0 in the order they were added; those from
  // `headSeq` to `tailSeq` are held, in `segments` (segment k holds numbers from
  // (firstSegment + k) * SEGMENT).
  private segments: Segment[] = [];
  private firstSegment = 0;
  private headSeq = 0;
  private tailSeq = 0;
  /** The last emptied segment, kept for the next one needed (they come and go at a steady rate). */
  private spare: Segment | null = null;
  // The index: clOrdId -> sequence number of its latest entry.
  private readonly index = new SequenceIndex<string>((seq, key) =>
    this.segmentOf(seq).holds(seq % SEGMENT, key),
  );
  /** The markets of the orders held (a few per account), so that a place holds a small index. */
  private readonly markets: MarketState[] = [];
  private readonly marketIndexes = new Map<MarketState, number>();
  private lastMarket: MarketState | null = null;
  private lastMarketIndex = 0;
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

  /**
   * The order that finished under `clOrdId` less than retentionMs before `nowMs`, as a new
   * object; undefined also for a clOrdId replaced away from an order (it is not that order's name).
   */
  get(clOrdId: string, nowMs: number): FinishedOrder | undefined {
    const seq = this.findRecent(clOrdId, nowMs, clOrdIdHash(clOrdId));
    if (seq < 0) return undefined;
    const segment = this.segmentOf(seq);
    const at = seq % SEGMENT;
    const market = segment.markets[at]!;
    if (market === NO_ORDER) return undefined;
    const kinds = at * 5;
    return {
      orderId: segment.orderIds[at]!,
      clOrdId,
      market: this.markets[market]!,
      side: segment.kinds[kinds]! as SideValue,
      type: segment.kinds[kinds + 1]!,
      tif: segment.kinds[kinds + 2]!,
      postOnly: segment.kinds[kinds + 3] === 1,
      status: segment.kinds[kinds + 4]!,
      priceTicks: segment.priceTicks[at]!,
      qtyLots: segment.qtyLots[at]!,
      filledLots: segment.filledLots[at]!,
      filledValue: segment.filledValues[at]!,
    };
  }

  /** Whether an order finished under `clOrdId` less than retentionMs before `nowMs`. */
  has(clOrdId: string, nowMs: number, hash = clOrdIdHash(clOrdId)): boolean {
    return this.findRecent(clOrdId, nowMs, hash) >= 0;
  }

  /**
   * Appends an entry (times must not decrease): the order that finished under `clOrdId`, or
   * null for a clOrdId replaced away from a live order (taken, but no order is found by it).
   * An older entry under the same clOrdId is replaced. `clOrdId` is at most 36 one-byte
   * characters, as every door checks before an order is registered.
   */
  add(clOrdId: string, order: FinishedOrder | null, nowMs: number, hash = clOrdIdHash(clOrdId)): void {
    if (clOrdId.length < 1 || clOrdId.length > MAX_CLORDID) {
      throw new RangeError(`clOrdId must be 1 to ${MAX_CLORDID} characters, got ${clOrdId.length}`);
    }
    const seq = this.tailSeq;
    const at = seq % SEGMENT;
    if (at === 0) {
      if (this.segments.length === 0) this.firstSegment = seq / SEGMENT;
      this.segments.push(this.spare ?? new Segment());
      this.spare = null;
    }
    const segment = this.segments[this.segments.length - 1]!;
    const bytes = segment.clOrdIds;
    const base = at * MAX_CLORDID;
    for (let i = 0; i < clOrdId.length; i++) bytes[base + i] = clOrdId.charCodeAt(i);
    segment.lengths[at] = clOrdId.length;
    segment.times[at] = nowMs;
    segment.hashes[at] = hash;
    if (order === null) {
      segment.markets[at] = NO_ORDER;
    } else {
      segment.markets[at] = this.marketIndex(order.market);
      segment.orderIds[at] = order.orderId;
      segment.priceTicks[at] = order.priceTicks;
      segment.qtyLots[at] = order.qtyLots;
      segment.filledLots[at] = order.filledLots;
      segment.filledValues[at] = order.filledValue;
      const kinds = at * 5;
      segment.kinds[kinds] = order.side;
      segment.kinds[kinds + 1] = order.type;
      segment.kinds[kinds + 2] = order.tif;
      segment.kinds[kinds + 3] = order.postOnly ? 1 : 0;
      segment.kinds[kinds + 4] = order.status;
    }
    this.tailSeq = seq + 1;
    // The index finds the clOrdId's previous entry by its key, so that place is emptied after
    // (one entry per clOrdId; the place is not reused).
    const previous = this.index.set(clOrdId, hash, seq);
    if (previous >= 0) this.segmentOf(previous).lengths[previous % SEGMENT] = 0;
    this.addToFilter(hash, nowMs);
  }

  /**
   * Forgets the entries that finished retentionMs or more before `nowMs` (the oldest first),
   * at most `limit` of them: after a quiet spell an account can have millions to forget, and
   * one call must not stop the process for that (an expired entry is never found anyway).
   * Returns how many it forgot: fewer than `limit` means none is left to forget.
   */
  forgetExpired(nowMs: number, limit = Number.POSITIVE_INFINITY): number {
    let forgotten = 0;
    for (; this.headSeq < this.tailSeq && forgotten < limit; forgotten++) {
      const seq = this.headSeq;
      const segment = this.segments[0]!;
      const at = seq % SEGMENT;
      if (nowMs - segment.times[at]! < this.retentionMs) break;
      if (segment.lengths[at] !== 0) {
        this.index.deleteSeq(segment.hashes[at]!, seq);
        segment.lengths[at] = 0;
      }
      this.headSeq = seq + 1;
      if (at === SEGMENT - 1) {
        // Every place of the segment has been emptied: it can be written again as it is.
        this.spare = this.segments.shift()!;
        this.firstSegment++;
      }
    }
    if (this.headSeq === this.tailSeq && (this.filter.count > 0 || this.previousFilter.count > 0))
      this.dropFilters();
    return forgotten;
  }

  /**
   * Nothing is held: the filters, sized for the busiest period, go too (an account that went
   * quiet kept them for good), and the next entry starts a period as the first one did.
   */
  private dropFilters(): void {
    this.filter = new HashFilter(0);
    this.previousFilter = this.filter;
    this.olderFilters = [];
    this.previousOlderFilters = [];
    this.filterStartMs = Number.NaN;
    this.periodStartSeq = this.tailSeq;
    this.backfillSeq = this.backfillEndSeq = 0;
  }

  /** Bytes of filter held now (for tests: memory comes back as entries expire). */
  get filterBytes(): number {
    let bytes = this.filter.words.byteLength;
    if (this.previousFilter !== this.filter) bytes += this.previousFilter.words.byteLength;
    for (const f of this.olderFilters) bytes += f.words.byteLength;
    for (const f of this.previousOlderFilters) bytes += f.words.byteLength;
    return bytes;
  }

  private segmentOf(seq: number): Segment {
    return this.segments[Math.floor(seq / SEGMENT) - this.firstSegment]!;
  }

  private marketIndex(market: MarketState): number {
    if (market === this.lastMarket) return this.lastMarketIndex;
    let index = this.marketIndexes.get(market);
    if (index === undefined) {
      // A reloaded configuration brings new market objects (a finished order keeps the tick
      // and lot it was placed on); the old ones stay listed, a few objects per reload.
      index = this.markets.length;
      this.markets.push(market);
      this.marketIndexes.set(market, index);
    }
    this.lastMarket = market;
    this.lastMarketIndex = index;
    return index;
  }

  /** Sequence number of clOrdId's entry if it is within the retention at `nowMs`, or -1. */
  private findRecent(clOrdId: string, nowMs: number, hash: number): number {
    if (!this.filter.mayHave(hash) && !this.previousFilter.mayHave(hash) && !this.olderMayHave(hash))
      return -1;
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
    this.backfillSeq = seq;
    if (this.backfillSeq >= this.backfillEndSeq) this.olderFilters = [];
  }
}

function mayHave(filters: readonly HashFilter[], hash: number): boolean {
  for (let i = 0; i < filters.length; i++) if (filters[i]!.mayHave(hash)) return true;
  return false;
}
