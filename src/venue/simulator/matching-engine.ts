// The reference venue's matching engine: one OrderBook per symbol,
// price-time priority, limit and market orders. It speaks through a sink
// (not sockets) so that it is unit-testable; the TCP server turns sink calls
// into frames.
//
// Rules:
// - Every request gets exactly one direct answer: NewOrder -> Ack or Reject
//   (Fills and an unsolicited Canceled may follow the Ack), Cancel ->
//   Canceled or Reject, Replace -> Replaced or Reject (Fills may follow),
//   MassCancel -> MassCancelDone, Heartbeat -> Heartbeat.
// - Orders are owned by the connection that sent them (`owner`), keyed by
//   (owner, orderId); their events go to that connection.
// - GTC and DAY rest (the simulator has no session end, so DAY is GTC). IOC
//   cancels its remainder; FOK fills completely or is canceled whole; market
//   orders never rest. Those cancels are unsolicited: Canceled(request 0).
// - A post-only order that would trade on arrival is rejected
//   (POST_ONLY_WOULD_CROSS), and so is a replace that would make a resting
//   post-only order trade.
// - Each trade fills both sides at the maker's price with one tradeId; each
//   Fill carries the order's remaining (leaves) quantity. After an
//   aggressing order's matching, one RefPrice gives the last trade price
//   (one per aggressor rather than one per maker, so a sweep does not flood
//   every connection with stale prices).
// - Replace: qtyLots is the new total quantity. Same price and no larger
//   quantity keeps time priority; a price change or a larger quantity goes
//   to the back of the queue, and a replace whose new price crosses trades
//   at once (Replaced first, then Fills). A quantity not above the filled
//   quantity is rejected (INVALID_REPLACE), not treated as a cancel: the
//   firewall asked for a replace, and cancel has its own request.
// - MassCancel cancels the connection's live orders of the account (and of
//   the symbol, unless empty): one unsolicited Canceled(request 0) per
//   order, so the firewall can close each order, then MassCancelDone(count).
// - Self-trade is allowed.
import { OrderType, Side, type SideValue, TimeInForce } from '../../pipeline/request.ts';
import type {
  CancelMessage,
  HeartbeatMessage,
  MassCancelMessage,
  NewOrderMessage,
  ReplaceMessage,
  VenueMessage,
} from '../messages.ts';
import { SimOrder } from './order.ts';
import { OrderBook } from './order-book.ts';
import { VenueRejectReason } from './reject-reasons.ts';

/** Receives the engine's events; `owner` is the connection an event goes to. */
export interface VenueEventSink {
  ack(owner: number, requestId: number, orderId: number): void;
  reject(owner: number, requestId: number, orderId: number, reason: string): void;
  fill(
    owner: number,
    orderId: number,
    qtyLots: number,
    priceTicks: number,
    leavesLots: number,
    tradeId: number,
  ): void;
  canceled(owner: number, requestId: number, orderId: number): void;
  replaced(
    owner: number,
    requestId: number,
    orderId: number,
    priceTicks: number,
    qtyLots: number,
    leavesLots: number,
  ): void;
  massCancelDone(owner: number, requestId: number, count: number): void;
  heartbeat(owner: number, requestId: number, timestampNs: bigint): void;
  /** Market data: for every connection. */
  refPrice(symbol: string, priceTicks: number): void;
}

/** request_id of unsolicited events. */
const UNSOLICITED = 0;

export class MatchingEngine {
  private readonly sink: VenueEventSink;
  private readonly books = new Map<string, OrderBook>();
  /** Live (resting) orders by owner, then by orderId. */
  private readonly orders = new Map<number, Map<number, SimOrder>>();
  private lastTradeId = 0;

  constructor(sink: VenueEventSink) {
    this.sink = sink;
  }

  /** Handles one request; returns false for a message that is not a request to the engine. */
  handle(owner: number, message: VenueMessage): boolean {
    switch (message.kind) {
      case 'newOrder':
        this.newOrder(owner, message);
        return true;
      case 'cancel':
        this.cancel(owner, message);
        return true;
      case 'replace':
        this.replace(owner, message);
        return true;
      case 'massCancel':
        this.massCancel(owner, message);
        return true;
      case 'heartbeat':
        this.heartbeat(owner, message);
        return true;
      default:
        return false;
    }
  }

  newOrder(owner: number, m: NewOrderMessage): void {
    const reason = this.validateNew(owner, m);
    if (reason !== null) {
      this.sink.reject(owner, m.requestId, m.orderId, reason);
      return;
    }
    const book = this.bookFor(m.symbol);
    const limit = m.type === OrderType.MARKET ? marketLimit(m.side) : m.priceTicks;
    if (m.postOnly && book.bestMaker(m.side, limit) !== null) {
      this.sink.reject(owner, m.requestId, m.orderId, VenueRejectReason.POST_ONLY_WOULD_CROSS);
      return;
    }
    this.sink.ack(owner, m.requestId, m.orderId);
    if (m.tif === TimeInForce.FOK && book.availableLots(m.side, limit, m.qtyLots) < m.qtyLots) {
      this.sink.canceled(owner, UNSOLICITED, m.orderId);
      return;
    }
    const order = new SimOrder(
      owner,
      m.orderId,
      m.account,
      m.symbol,
      m.side,
      m.type,
      m.tif,
      m.postOnly,
      m.type === OrderType.MARKET ? 0 : m.priceTicks,
      m.qtyLots,
    );
    this.match(book, order, limit);
    if (order.leavesLots === 0) return;
    if (m.type === OrderType.MARKET || m.tif === TimeInForce.IOC || m.tif === TimeInForce.FOK) {
      this.sink.canceled(owner, UNSOLICITED, m.orderId);
      return;
    }
    book.rest(order);
    this.ordersOf(owner).set(order.orderId, order);
  }

  cancel(owner: number, m: CancelMessage): void {
    const order = this.orders.get(owner)?.get(m.orderId);
    if (order === undefined) {
      this.sink.reject(owner, m.requestId, m.orderId, VenueRejectReason.UNKNOWN_ORDER);
      return;
    }
    this.bookFor(order.symbol).remove(order);
    this.forget(order);
    this.sink.canceled(owner, m.requestId, m.orderId);
  }

  replace(owner: number, m: ReplaceMessage): void {
    const order = this.orders.get(owner)?.get(m.orderId);
    if (order === undefined) {
      this.sink.reject(owner, m.requestId, m.orderId, VenueRejectReason.UNKNOWN_ORDER);
      return;
    }
    if (m.qtyLots <= order.filledLots || m.priceTicks <= 0) {
      this.sink.reject(owner, m.requestId, m.orderId, VenueRejectReason.INVALID_REPLACE);
      return;
    }
    const book = this.bookFor(order.symbol);
    const priceChanged = m.priceTicks !== order.priceTicks;
    if (order.postOnly && priceChanged && book.bestMaker(order.side, m.priceTicks) !== null) {
      this.sink.reject(owner, m.requestId, m.orderId, VenueRejectReason.POST_ONLY_WOULD_CROSS);
      return;
    }
    const leavesLots = m.qtyLots - order.filledLots;
    if (!priceChanged && m.qtyLots <= order.qtyLots) {
      book.reduceLeaves(order, leavesLots);
      order.qtyLots = m.qtyLots;
      this.sink.replaced(owner, m.requestId, m.orderId, m.priceTicks, m.qtyLots, leavesLots);
      return;
    }
    // Loses its time priority: out of the queue, then matched and rested anew.
    book.remove(order);
    order.priceTicks = m.priceTicks;
    order.qtyLots = m.qtyLots;
    order.leavesLots = leavesLots;
    this.sink.replaced(owner, m.requestId, m.orderId, m.priceTicks, m.qtyLots, leavesLots);
    this.match(book, order, order.priceTicks);
    if (order.leavesLots > 0) book.rest(order);
    else this.forget(order);
  }

  massCancel(owner: number, m: MassCancelMessage): void {
    let count = 0;
    const mine = this.orders.get(owner);
    if (mine !== undefined) {
      for (const order of mine.values()) {
        if (order.account !== m.account || (m.symbol !== '' && order.symbol !== m.symbol)) continue;
        this.bookFor(order.symbol).remove(order);
        mine.delete(order.orderId);
        count++;
        this.sink.canceled(owner, UNSOLICITED, order.orderId);
      }
    }
    this.sink.massCancelDone(owner, m.requestId, count);
  }

  heartbeat(owner: number, m: HeartbeatMessage): void {
    this.sink.heartbeat(owner, m.requestId, m.timestampNs);
  }

  /**
   * Cancel on disconnect: removes every order of `owner` from the books,
   * without events (there is no one to send them to). Returns how many.
   */
  disconnect(owner: number): number {
    const mine = this.orders.get(owner);
    if (mine === undefined) return 0;
    for (const order of mine.values()) this.bookFor(order.symbol).remove(order);
    this.orders.delete(owner);
    return mine.size;
  }

  /** The book of `symbol`, if any order ever named it. */
  book(symbol: string): OrderBook | undefined {
    return this.books.get(symbol);
  }

  /** Live orders of one connection. */
  openOrders(owner: number): number {
    return this.orders.get(owner)?.size ?? 0;
  }

  /** Trades `taker` against the book up to `limit`, reporting both sides of each trade. */
  private match(book: OrderBook, taker: SimOrder, limit: number): void {
    let traded = false;
    while (taker.leavesLots > 0) {
      const maker = book.bestMaker(taker.side, limit);
      if (maker === null) break;
      const qty = Math.min(taker.leavesLots, maker.leavesLots);
      const price = maker.priceTicks;
      const tradeId = ++this.lastTradeId;
      book.execute(maker, qty);
      if (maker.leavesLots === 0) this.forget(maker);
      taker.filledLots += qty;
      taker.leavesLots -= qty;
      this.sink.fill(taker.owner, taker.orderId, qty, price, taker.leavesLots, tradeId);
      this.sink.fill(maker.owner, maker.orderId, qty, price, maker.leavesLots, tradeId);
      book.lastTradeTicks = price;
      traded = true;
    }
    if (traded) this.sink.refPrice(book.symbol, book.lastTradeTicks);
  }

  private validateNew(owner: number, m: NewOrderMessage): string | null {
    if (this.orders.get(owner)?.has(m.orderId)) return VenueRejectReason.DUPLICATE_ORDER_ID;
    if (m.symbol === '') return VenueRejectReason.INVALID_ORDER;
    if (m.qtyLots <= 0) return VenueRejectReason.INVALID_QUANTITY;
    if (m.type === OrderType.MARKET) return m.postOnly ? VenueRejectReason.INVALID_ORDER : null;
    return m.priceTicks <= 0 ? VenueRejectReason.INVALID_PRICE : null;
  }

  private bookFor(symbol: string): OrderBook {
    let book = this.books.get(symbol);
    if (book === undefined) {
      book = new OrderBook(symbol);
      this.books.set(symbol, book);
    }
    return book;
  }

  private ordersOf(owner: number): Map<number, SimOrder> {
    let mine = this.orders.get(owner);
    if (mine === undefined) {
      mine = new Map();
      this.orders.set(owner, mine);
    }
    return mine;
  }

  private forget(order: SimOrder): void {
    this.orders.get(order.owner)?.delete(order.orderId);
  }
}

/** The limit of a market order: any price on the other side. */
function marketLimit(side: SideValue): number {
  return side === Side.BUY ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}
