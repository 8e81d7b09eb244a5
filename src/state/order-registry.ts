// The order registry: every order the firewall has forwarded, per account,
// with the counters the pre-trade checks read (open orders, open buy and sell
// quantity per market, filled position per market) kept exact through the
// venue's answers.
//
// An order counts as open from the moment it is forwarded (before the
// venue's ack): the checks must see orders in flight, or a burst could slip
// past a limit. A replace in flight likewise holds its new clOrdId and the
// quantity it adds until the venue answers (startReplace, endReplace).
// Finished orders stay readable (and their clOrdIds stay taken) for
// `retentionMs`.
import { Side, type SideValue } from '../pipeline/request.ts';
import { formatUnits } from './decimal.ts';
import { type FinishedOrder, FinishedOrders } from './finished-orders.ts';
import { LiveOrders } from './live-orders.ts';
import type { MarketState } from './markets.ts';
import { clOrdIdHash } from './order-hashes.ts';
import type { SharedTables } from './shared-tables.ts';

/**
 * Expired finished orders forgotten per order that finishes: more than one, so forgetting
 * keeps up with finishing, and few, so that an account busy again after a quiet spell does
 * not forget its whole backlog on one order's path (the sweep takes the rest).
 */
const FORGET_PER_FINISH = 16;
/**
 * Expired finished orders forgotten per sweep, over all accounts: a sweep costs about
 * 0.4 ms (0.37 ms on average, measured with 2M entries held), however many accounts went
 * quiet at once. At 10 sweeps a second that is 10,240 entries a second: an idle account's
 * 6 million (10 minutes at 10,000 orders a second) drain in about 10 minutes.
 */
const SWEEP_BUDGET = 1024;

export const OrderStatus = {
  PENDING_NEW: 0,
  NEW: 1,
  PARTIALLY_FILLED: 2,
  FILLED: 3,
  CANCELED: 4,
  REJECTED: 5,
} as const;
export type OrderStatusValue = (typeof OrderStatus)[keyof typeof OrderStatus];

export const ORDER_STATUS_NAMES = [
  'pending_new',
  'new',
  'partially_filled',
  'filled',
  'canceled',
  'rejected',
] as const;

/**
 * What a new order is registered from: the fields of the request that passed the
 * pipeline (an OrderRequest is one, so the router hands it over as it is).
 */
export interface NewOrder {
  clOrdId: string;
  account: { readonly index: number } | null;
  market: MarketState | null;
  side: SideValue;
  type: number;
  tif: number;
  postOnly: boolean;
  priceTicks: number;
  qtyLots: number;
  /** The inbound FIX MsgSeqNum that placed it (0 over REST). */
  refSeqNum: number;
}

/** One forwarded order: what it was placed as, and where the venue has taken it since. */
export class OrderRecord {
  readonly orderId: number;
  clOrdId: string;
  readonly accountIndex: number;
  readonly market: MarketState;
  readonly side: SideValue;
  readonly type: number;
  readonly tif: number;
  readonly postOnly: boolean;
  priceTicks: number;
  qtyLots: number;
  /** Where its events are relayed (a FIX session, a REST request). */
  owner: unknown;
  /** The inbound FIX MsgSeqNum that placed it (0 over REST), for 45 in a later reject. */
  readonly refSeqNum: number;
  status: OrderStatusValue = OrderStatus.PENDING_NEW;
  leavesLots: number;
  filledLots = 0;
  /** Sum of fill price x fill qty, in ticks x lots, for the average price. */
  filledValue = 0;
  /** Where the registry's live orders hold it (-1 once finished). */
  place = -1;

  constructor(orderId: number, order: NewOrder, owner: unknown) {
    this.orderId = orderId;
    this.clOrdId = order.clOrdId;
    this.accountIndex = order.account!.index;
    this.market = order.market!;
    this.side = order.side;
    this.type = order.type;
    this.tif = order.tif;
    this.postOnly = order.postOnly;
    this.priceTicks = order.priceTicks;
    this.qtyLots = order.qtyLots;
    this.owner = owner;
    this.refSeqNum = order.refSeqNum;
    this.leavesLots = order.qtyLots;
  }

  /** An order rebuilt from what the finished orders keep of it (for reading: it has no owner). */
  static ofFinished(accountIndex: number, order: FinishedOrder): OrderRecord {
    const record = new OrderRecord(
      order.orderId,
      { ...order, account: { index: accountIndex }, refSeqNum: 0 },
      null,
    );
    record.status = order.status as OrderStatusValue;
    record.leavesLots = 0;
    record.filledLots = order.filledLots;
    record.filledValue = order.filledValue;
    return record;
  }

  get live(): boolean {
    return this.status <= OrderStatus.PARTIALLY_FILLED;
  }

  /** Average fill price in ticks (0 before any fill). */
  get averagePriceTicks(): number {
    return this.filledLots === 0 ? 0 : this.filledValue / this.filledLots;
  }

  /**
   * The average fill price as a decimal, exact to the tick's decimals plus four more
   * (truncated), for execution reports and order queries; "0" before any fill.
   */
  averagePriceText(): string {
    if (this.filledLots === 0) return '0';
    const tick = this.market.tick;
    const extra = 4;
    // BigInt: value x tick units x 10^4 can pass 2^53 for fine ticks.
    const units =
      (BigInt(this.filledValue) * BigInt(tick.units) * 10n ** BigInt(extra)) / BigInt(this.filledLots);
    return formatUnits(units, tick.decimals + extra);
  }
}

/** Order ids are given in the order orders arrive: sorting by them lists the oldest first. */
function byOrderId(a: OrderRecord, b: OrderRecord): number {
  return a.orderId - b.orderId;
}

export class OrderRegistry {
  private readonly live = new LiveOrders();
  /** Per account: finished orders and replaced-away clOrdIds, by clOrdId, for the retention window. */
  private readonly finished: (FinishedOrders | undefined)[] = [];
  /** Per account: the new clOrdIds of replaces the venue has not answered yet. */
  private readonly replacing: (Set<string> | undefined)[] = [];
  /** How many clOrdIds `replacing` holds in all: none, nearly always, and then the check skips it. */
  private replacingCount = 0;
  /** The last clOrdId hashed and its hash: a new order's is checked, then registered. */
  private lastClOrdId = '';
  private lastClOrdIdHash = clOrdIdHash('');
  /** The account the next sweep starts with. */
  private sweepFrom = 0;

  constructor(
    private readonly tables: SharedTables,
    readonly retentionMs = 10 * 60 * 1000,
  ) {}

  private hashOf(clOrdId: string): number {
    if (clOrdId !== this.lastClOrdId) {
      this.lastClOrdId = clOrdId;
      this.lastClOrdIdHash = clOrdIdHash(clOrdId);
    }
    return this.lastClOrdIdHash;
  }

  private finishedOf(accountIndex: number): FinishedOrders {
    let finished = this.finished[accountIndex];
    if (finished === undefined) {
      finished = new FinishedOrders(this.retentionMs);
      this.finished[accountIndex] = finished;
    }
    return finished;
  }

  /** True when the clOrdId is live or was used by a recently finished order of the account. */
  isClOrdIdTaken(accountIndex: number, clOrdId: string, nowMs: number): boolean {
    // One hash for both lookups, and for registering the order if it passes.
    const hash = this.hashOf(clOrdId);
    if (this.live.has(accountIndex, clOrdId, hash)) return true;
    if (this.replacingCount > 0 && this.replacing[accountIndex]?.has(clOrdId) === true) return true;
    // Expired entries are forgotten when orders finish and by the sweep (off the order's
    // path); one not yet forgotten is told apart by its time.
    return this.finished[accountIndex]?.has(clOrdId, nowMs, hash) === true;
  }

  /**
   * A replace of `order` to `qtyLots` under `clOrdId` is on its way to the venue. Until the
   * venue answers, the firewall counts it as if it will be applied, as it counts new orders in
   * flight: its new clOrdId is taken (no new order or other replace can claim it meanwhile),
   * and the quantity it adds counts as open (the risk checks of later orders see it). Returns
   * the lots it holds open, for endReplace.
   */
  startReplace(order: OrderRecord, clOrdId: string, qtyLots: number): number {
    if (clOrdId !== order.clOrdId) {
      let held = this.replacing[order.accountIndex];
      if (held === undefined) {
        held = new Set();
        this.replacing[order.accountIndex] = held;
      }
      if (!held.has(clOrdId)) {
        held.add(clOrdId);
        this.replacingCount++;
      }
    }
    const heldLots = Math.max(0, qtyLots - order.filledLots - order.leavesLots);
    if (heldLots > 0)
      this.tables.addOpen(order.accountIndex, order.market.index, order.side === Side.BUY, heldLots);
    return heldLots;
  }

  /**
   * The venue answered the replace that startReplace counted (or never will: the link is
   * down). What it held is let go; a replace that was applied counts through onReplaced.
   */
  endReplace(order: OrderRecord, clOrdId: string, heldLots: number): void {
    if (this.replacing[order.accountIndex]?.delete(clOrdId) === true) this.replacingCount--;
    if (heldLots > 0)
      this.tables.addOpen(order.accountIndex, order.market.index, order.side === Side.BUY, -heldLots);
  }

  findLive(accountIndex: number, clOrdId: string): OrderRecord | undefined {
    return this.live.find(accountIndex, clOrdId, clOrdIdHash(clOrdId));
  }

  /** A live or recently finished order of the account. */
  find(accountIndex: number, clOrdId: string, nowMs: number): OrderRecord | undefined {
    const live = this.live.find(accountIndex, clOrdId, clOrdIdHash(clOrdId));
    if (live) return live;
    const finished = this.finished[accountIndex]?.get(clOrdId, nowMs);
    return finished && OrderRecord.ofFinished(accountIndex, finished);
  }

  /** Finished orders (and replaced-away clOrdIds) the account holds, expired ones not yet forgotten included. */
  finishedHeld(accountIndex: number): number {
    return this.finished[accountIndex]?.size ?? 0;
  }

  /**
   * Forgets up to `budget` expired finished orders, over the accounts in turn (a timer
   * calls this, so that accounts that stopped trading give their memory back; the next
   * call starts where this one stopped). Returns true when nothing expired is left.
   */
  forgetExpired(nowMs: number, budget = SWEEP_BUDGET): boolean {
    const accounts = this.finished;
    let left = budget;
    for (let k = 0; k < accounts.length; k++) {
      const index = (this.sweepFrom + k) % accounts.length;
      const finished = accounts[index];
      if (finished === undefined) continue;
      left -= finished.forgetExpired(nowMs, left);
      if (left === 0) {
        this.sweepFrom = index;
        return false;
      }
    }
    return true;
  }

  /** A live order by the firewall's order id (finished ones are found by clOrdId). */
  byId(orderId: number): OrderRecord | undefined {
    return this.live.byId(orderId);
  }

  /** The order with this id if the venue may still change it (pending, new, partially filled). */
  private liveById(orderId: number): OrderRecord | undefined {
    const record = this.byId(orderId);
    return record?.live ? record : undefined;
  }

  /** Live orders of an account, optionally of one market, oldest first. */
  liveOrders(accountIndex: number, marketIndex = -1): OrderRecord[] {
    const result: OrderRecord[] = [];
    this.live.forEachOf(accountIndex, (order) => {
      if (marketIndex < 0 || order.market.index === marketIndex) result.push(order);
    });
    return result.sort(byOrderId);
  }

  /** Indices of the accounts that have at least one live order. */
  accountsWithLiveOrders(): number[] {
    return this.live.accountsWithOrders();
  }

  /** Every live order of every account, oldest first (cold path: link loss, shutdown). */
  allLiveOrders(): OrderRecord[] {
    const result: OrderRecord[] = [];
    this.live.forEach((order) => {
      result.push(order);
    });
    return result.sort(byOrderId);
  }

  /**
   * Registers an order being forwarded under `orderId`; it counts as open from now on.
   * `owner` (a FIX session, a REST request) is where its events are relayed.
   */
  open(orderId: number, order: NewOrder, owner: unknown): OrderRecord {
    const record = new OrderRecord(orderId, order, owner);
    this.live.add(record, this.hashOf(record.clOrdId));
    this.tables.addOpenOrders(record.accountIndex, 1);
    this.tables.addOpen(
      record.accountIndex,
      record.market.index,
      record.side === Side.BUY,
      record.leavesLots,
    );
    return record;
  }

  onAck(orderId: number): OrderRecord | undefined {
    const record = this.byId(orderId);
    if (record && record.status === OrderStatus.PENDING_NEW) record.status = OrderStatus.NEW;
    return record;
  }

  // The venue's answers and events: each returns the order it changed, or undefined (and
  // changes nothing) when no live order has that id: unknown, or already finished.

  onReject(orderId: number, nowMs: number): OrderRecord | undefined {
    const record = this.liveById(orderId);
    if (record === undefined) return undefined;
    this.finish(record, OrderStatus.REJECTED, nowMs);
    return record;
  }

  /**
   * A fill of `qtyLots` at `priceTicks`. What remains open is the firewall's own count (the
   * order's leaves less the fill, never below 0), not the venue's `leavesLots`: the caller
   * compares the two and reports a venue that disagrees, but a venue's error must not raise
   * or lower the open quantity the risk checks count. The fill itself counts in full (the trade
   * happened), even past the order's quantity.
   */
  onFill(orderId: number, qtyLots: number, priceTicks: number, nowMs: number) {
    const record = this.liveById(orderId);
    if (record === undefined) return undefined;
    const buy = record.side === Side.BUY;
    const leavesLots = Math.max(0, record.leavesLots - qtyLots);
    record.filledLots += qtyLots;
    record.filledValue += qtyLots * priceTicks;
    this.tables.addPosition(record.accountIndex, record.market.index, buy ? qtyLots : -qtyLots);
    this.tables.addOpen(record.accountIndex, record.market.index, buy, leavesLots - record.leavesLots);
    record.leavesLots = leavesLots;
    if (leavesLots === 0) this.finish(record, OrderStatus.FILLED, nowMs);
    else record.status = OrderStatus.PARTIALLY_FILLED;
    return record;
  }

  onCanceled(orderId: number, nowMs: number): OrderRecord | undefined {
    const record = this.liveById(orderId);
    if (record === undefined) return undefined;
    this.finish(record, OrderStatus.CANCELED, nowMs);
    return record;
  }

  /**
   * The venue replaced the order: new clOrdId, price and total quantity (filled part
   * included). What remains open is that quantity less what has filled, by the firewall's own
   * count (see onFill).
   */
  onReplaced(orderId: number, clOrdId: string, priceTicks: number, qtyLots: number, nowMs: number) {
    const record = this.liveById(orderId);
    if (record === undefined) return undefined;
    if (clOrdId !== record.clOrdId) {
      const oldHash = this.live.clOrdIdHashOf(record);
      this.remember(record.accountIndex, record.clOrdId, oldHash, null, nowMs); // stays taken, naming no order
      this.live.rename(record, clOrdId, clOrdIdHash(clOrdId));
    }
    const leavesLots = Math.max(0, qtyLots - record.filledLots);
    this.tables.addOpen(
      record.accountIndex,
      record.market.index,
      record.side === Side.BUY,
      leavesLots - record.leavesLots,
    );
    record.priceTicks = priceTicks;
    record.qtyLots = qtyLots;
    record.leavesLots = leavesLots;
    if (leavesLots === 0) this.finish(record, OrderStatus.FILLED, nowMs);
    return record;
  }

  private finish(record: OrderRecord, status: OrderStatusValue, nowMs: number): void {
    this.tables.addOpen(
      record.accountIndex,
      record.market.index,
      record.side === Side.BUY,
      -record.leavesLots,
    );
    this.tables.addOpenOrders(record.accountIndex, -1);
    if (status !== OrderStatus.FILLED) record.leavesLots = 0;
    record.status = status;
    // Only live orders are found by id (the venue's events); finished ones by clOrdId.
    const hash = this.live.clOrdIdHashOf(record);
    this.live.remove(record);
    this.remember(record.accountIndex, record.clOrdId, hash, record, nowMs);
  }

  /**
   * Keeps a clOrdId that left the live orders taken for the retention window (forgetting a
   * little of what has passed that window first), with a copy of the order if it has
   * finished, none if it was replaced away.
   */
  private remember(
    accountIndex: number,
    clOrdId: string,
    hash: number,
    finished: OrderRecord | null,
    nowMs: number,
  ): void {
    const orders = this.finishedOf(accountIndex);
    orders.forgetExpired(nowMs, FORGET_PER_FINISH);
    orders.add(clOrdId, finished, nowMs, hash);
  }
}
