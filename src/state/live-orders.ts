// The registry's live orders (pending, new, partially filled), each held at a
// numbered place and found by order id (the venue's answers and events) and by
// account and clOrdId (a new order's uniqueness check, cancels, reads).
//
// Why not hash tables of objects, as before: growing one allocated and
// refilled JS arrays of twice its slots in one go, which stopped the whole
// process for about 17 ms when the firewall first held 65,537 live orders and
// about 0.7 s at 1,048,577 (both tables grew on the same order). Here places
// come in 4,096-record segments that never move, a freed place is reused
// first, and the two indexes are SequenceIndexes (typed arrays, resized a few
// slots per change): no single order pays for the store's growth, and the
// collector traces one pointer per live order instead of four tables' worth.

import { orderIdHash } from './order-hashes.ts';
import type { OrderRecord } from './order-registry.ts';
import { SequenceIndex } from './sequence-index.ts';

const SEGMENT_BITS = 12;
const SEGMENT = 1 << SEGMENT_BITS;
const NO_PLACE = -1;

export class LiveOrders {
  /** The record at each place (undefined while free), SEGMENT places a segment. */
  private readonly records: (OrderRecord | undefined)[][] = [];
  /** For each free place, the next free place (a stack threaded through the free places). */
  private readonly nextFree: Int32Array[] = [];
  /** For each held place, the clOrdIdHash its order is indexed under (so that it is computed once). */
  private readonly hashes: Int32Array[] = [];
  private freeHead = NO_PLACE;
  private count = 0;
  private readonly byOrderId = new SequenceIndex<number>(
    (place, orderId) => this.at(place).orderId === orderId,
    false,
  );
  /** Per account: live orders by clOrdId (keyed with clOrdIdHash). */
  private readonly byClOrdId: (SequenceIndex<string> | undefined)[] = [];
  private readonly clOrdIdAt = (place: number, clOrdId: string) => this.at(place).clOrdId === clOrdId;

  get size(): number {
    return this.count;
  }

  /** Places allocated (held and free), for tests and memory accounting. */
  get places(): number {
    return this.records.length * SEGMENT;
  }

  /** Live orders of the account. */
  sizeOf(accountIndex: number): number {
    return this.byClOrdId[accountIndex]?.size ?? 0;
  }

  byId(orderId: number): OrderRecord | undefined {
    const place = this.byOrderId.get(orderId, orderIdHash(orderId));
    return place < 0 ? undefined : this.at(place);
  }

  /** The account's live order with this clOrdId (`hash` its clOrdIdHash). */
  find(accountIndex: number, clOrdId: string, hash: number): OrderRecord | undefined {
    const index = this.byClOrdId[accountIndex];
    if (index === undefined) return undefined;
    const place = index.get(clOrdId, hash);
    return place < 0 ? undefined : this.at(place);
  }

  has(accountIndex: number, clOrdId: string, hash: number): boolean {
    const index = this.byClOrdId[accountIndex];
    return index !== undefined && index.get(clOrdId, hash) >= 0;
  }

  /** Holds a new live order (its order id and clOrdId not held yet); `hash` is its clOrdIdHash. */
  add(record: OrderRecord, hash: number): void {
    const place = this.takePlace();
    this.records[place >>> SEGMENT_BITS]![place & (SEGMENT - 1)] = record;
    this.hashes[place >>> SEGMENT_BITS]![place & (SEGMENT - 1)] = hash;
    record.place = place;
    this.count++;
    this.byOrderId.set(record.orderId, orderIdHash(record.orderId), place);
    this.clOrdIdIndexOf(record.accountIndex).set(record.clOrdId, hash, place);
  }

  /** The clOrdIdHash of a live order's current clOrdId, as it was given to add or rename. */
  clOrdIdHashOf(record: OrderRecord): number {
    const place = record.place;
    return this.hashes[place >>> SEGMENT_BITS]![place & (SEGMENT - 1)]!;
  }

  /** The order is now known by `clOrdId` (`hash` its clOrdIdHash), no longer by its old one. */
  rename(record: OrderRecord, clOrdId: string, hash: number): void {
    const place = record.place;
    const index = this.clOrdIdIndexOf(record.accountIndex);
    index.deleteSeq(this.clOrdIdHashOf(record), place);
    record.clOrdId = clOrdId;
    this.hashes[place >>> SEGMENT_BITS]![place & (SEGMENT - 1)] = hash;
    index.set(clOrdId, hash, place);
  }

  /** Lets go of a live order; its place is reused first. */
  remove(record: OrderRecord): void {
    const place = record.place;
    if (place === NO_PLACE) return;
    this.byOrderId.deleteSeq(orderIdHash(record.orderId), place);
    this.clOrdIdIndexOf(record.accountIndex).deleteSeq(this.clOrdIdHashOf(record), place);
    const segment = place >>> SEGMENT_BITS;
    const at = place & (SEGMENT - 1);
    this.records[segment]![at] = undefined;
    this.nextFree[segment]![at] = this.freeHead;
    this.freeHead = place;
    record.place = NO_PLACE;
    this.count--;
  }

  /** Indices of the accounts that have at least one live order. */
  accountsWithOrders(): number[] {
    const result: number[] = [];
    for (let accountIndex = 0; accountIndex < this.byClOrdId.length; accountIndex++) {
      if (this.sizeOf(accountIndex) > 0) result.push(accountIndex);
    }
    return result;
  }

  /** Calls `fn` with each live order, in no particular order; `fn` must not change the store. */
  forEach(fn: (record: OrderRecord) => void): void {
    for (const records of this.records) {
      for (const record of records) if (record !== undefined) fn(record);
    }
  }

  /** Calls `fn` with each live order of the account, in no particular order; `fn` must not change the store. */
  forEachOf(accountIndex: number, fn: (record: OrderRecord) => void): void {
    this.byClOrdId[accountIndex]?.forEach((place) => {
      fn(this.at(place));
    });
  }

  private at(place: number): OrderRecord {
    return this.records[place >>> SEGMENT_BITS]![place & (SEGMENT - 1)]!;
  }

  private clOrdIdIndexOf(accountIndex: number): SequenceIndex<string> {
    let index = this.byClOrdId[accountIndex];
    if (index === undefined) {
      index = new SequenceIndex<string>(this.clOrdIdAt, false);
      this.byClOrdId[accountIndex] = index;
    }
    return index;
  }

  /** A free place: the last one freed, else the first of a new segment (whose other places become free). */
  private takePlace(): number {
    if (this.freeHead === NO_PLACE) {
      const segment = this.records.length;
      const base = segment * SEGMENT;
      this.records.push(new Array<OrderRecord | undefined>(SEGMENT).fill(undefined));
      const next = new Int32Array(SEGMENT);
      for (let i = 0; i < SEGMENT - 1; i++) next[i] = base + i + 1;
      next[SEGMENT - 1] = NO_PLACE;
      this.nextFree.push(next);
      this.hashes.push(new Int32Array(SEGMENT));
      this.freeHead = base;
    }
    const place = this.freeHead;
    this.freeHead = this.nextFree[place >>> SEGMENT_BITS]![place & (SEGMENT - 1)]!;
    return place;
  }
}
