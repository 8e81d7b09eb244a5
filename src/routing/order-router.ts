// Between the pipeline and the venue: forwards what passed, and turns the
// venue's answers into order-registry updates and calls on the order's owner.
//
// Contract with the venue link (SPEC section 6, and our reading of it):
// - every request gets exactly one outcome: its answer, or the link's loss;
//   a timeout is reported early (VENUE_TIMEOUT) and the answer still lands;
// - when the link is lost, the venue drops every order placed over it (as a
//   gateway-level cancel-on-disconnect): in-flight new orders end rejected
//   with VENUE_UNAVAILABLE, live orders end canceled, and their owners hear it.
import { PASS, RejectCode, type Verdict } from '../pipeline/reject-codes.ts';
import type { OrderRequest } from '../pipeline/request.ts';
import type { OrderCanceller } from '../state/kill-switch.ts';
import { type OrderRecord, type OrderRegistry, OrderStatus } from '../state/order-registry.ts';
import type { SharedTables } from '../state/shared-tables.ts';
import type { VenueEvent } from '../venue/codec.ts';
import { type InFlightRequest, RequestKind, type VenueLinkHandler } from '../venue/link.ts';
import type { VenueSender } from '../venue/venue-sender.ts';
import type { OrderOwner, PendingRequest } from './order-owner.ts';

export interface OrderRouterDeps {
  orders: OrderRegistry;
  tables: SharedTables;
  /** Market index by symbol, for reference prices (follows reloads). */
  marketIndexOf(symbol: string): number;
  /** Account id by index, for mass cancels sent by the kill switch. */
  accountIdOf(accountIndex: number): string | undefined;
  now?: () => number;
  /** Where a venue that contradicts the firewall's books is reported. */
  log?: (level: 'warn' | 'error', fields: Record<string, unknown>, message: string) => void;
}

export class OrderRouter implements VenueLinkHandler, OrderCanceller {
  private link: VenueSender | null = null;
  private readonly now: () => number;
  /** Counters for metrics and tests. */
  readonly stats = { forwarded: 0, venueRejects: 0, fills: 0, lostOnLinkDown: 0 };

  constructor(private readonly deps: OrderRouterDeps) {
    this.now = deps.now ?? Date.now;
  }

  attach(link: VenueSender): void {
    this.link = link;
  }

  /**
   * Forwards a new order that passed the pipeline. PASS, or VENUE_UNAVAILABLE (nothing was
   * registered). `nowMs`: the time the caller already read for this request.
   */
  submitNewOrder(req: OrderRequest, owner: OrderOwner | null, nowMs: number = this.now()): Verdict {
    const link = this.link;
    // Checked before registering: a refused order must not take its clOrdId.
    if (!link?.canSendNewOrder()) return RejectCode.VENUE_UNAVAILABLE;
    const orderId = link.nextId();
    const record = this.deps.orders.open(orderId, req, owner);
    const sent = link.sendNewOrder(
      orderId,
      req.account!.id,
      req.symbol,
      req.side,
      req.type,
      req.tif,
      req.postOnly,
      req.priceTicks,
      req.qtyLots,
      record,
    );
    if (!sent) {
      this.deps.orders.onReject(orderId, nowMs);
      return RejectCode.VENUE_UNAVAILABLE;
    }
    this.stats.forwarded++;
    return PASS;
  }

  /** Forwards a cancel of req.target (found by the pre-trade stage). */
  submitCancel(req: OrderRequest, owner: OrderOwner | null): Verdict {
    const order = req.target!;
    const pending = pendingOf(owner, req.clOrdId, order, 0, 0, '', req.refSeqNum);
    return this.link?.sendCancel(order.orderId, pending) ? PASS : RejectCode.VENUE_UNAVAILABLE;
  }

  /** Cancels one live order on the firewall's own initiative (cancel-on-disconnect). */
  cancelOrder(order: OrderRecord, owner: OrderOwner | null): Verdict {
    const pending = pendingOf(owner, order.clOrdId, order, 0, 0, '', 0);
    return this.link?.sendCancel(order.orderId, pending) ? PASS : RejectCode.VENUE_UNAVAILABLE;
  }

  /** Forwards a replace of req.target to req's price and quantity under req's clOrdId. */
  submitReplace(req: OrderRequest, owner: OrderOwner | null): Verdict {
    const order = req.target!;
    const pending = pendingOf(owner, req.clOrdId, order, req.priceTicks, req.qtyLots, '', req.refSeqNum);
    if (!this.link?.sendReplace(order.orderId, req.priceTicks, req.qtyLots, pending))
      return RejectCode.VENUE_UNAVAILABLE;
    pending.heldLots = this.deps.orders.startReplace(order, pending.clOrdId, req.qtyLots);
    return PASS;
  }

  /** Cancels every live order of the request's account (of req.symbol's market when set). */
  submitMassCancel(req: OrderRequest, owner: OrderOwner | null): Verdict {
    const pending = pendingOf(owner, req.clOrdId, null, 0, 0, req.market ? req.symbol : '', req.refSeqNum);
    return this.link?.sendMassCancel(req.account!.id, pending.symbol, pending)
      ? PASS
      : RejectCode.VENUE_UNAVAILABLE;
  }

  // --- OrderCanceller (the kill switch) ---

  cancelAccountOrders(accountIndex: number): number {
    const live = this.deps.orders.liveOrders(accountIndex).length;
    const account = this.deps.accountIdOf(accountIndex);
    if (live === 0 || account === undefined) return 0;
    const pending = pendingOf(null, '', null, 0, 0, '', 0);
    return this.link?.sendMassCancel(account, '', pending) ? live : 0;
  }

  accountsWithLiveOrders(): number[] {
    return this.deps.orders.accountsWithLiveOrders();
  }

  // --- VenueLinkHandler ---

  onAnswer(request: InFlightRequest, event: VenueEvent): void {
    const now = this.now();
    const orders = this.deps.orders;
    if (request.kind === RequestKind.NEW_ORDER) {
      const record = request.context as OrderRecord;
      if (record.status !== OrderStatus.PENDING_NEW) {
        // An event about the order came first and told its owner the venue had it (see
        // acceptedByEvent): the ack has nothing to add, and a reject contradicts a trade.
        if (event.kind === 'reject') this.rejectedAfterAccepting(record, event.reason, now);
        return;
      }
      if (event.kind === 'ack') {
        this.acceptedByEvent(record);
      } else if (event.kind === 'reject') {
        this.stats.venueRejects++;
        orders.onReject(record.orderId, now);
        ownerOf(record)?.rejected(record, RejectCode.VENUE_REJECT, event.reason);
      }
      return;
    }
    const pending = request.context as PendingRequest;
    // Whatever the answer, what the replace held in flight is let go (an applied one counts
    // through onReplaced).
    if (request.kind === RequestKind.REPLACE) this.endReplace(pending);
    if (pending.order !== null && (event.kind === 'canceled' || event.kind === 'replaced'))
      this.acceptedByEvent(pending.order);
    switch (event.kind) {
      case 'canceled': {
        const record = orders.onCanceled(event.orderId, now);
        if (record) pending.owner?.canceled(record, pending);
        else this.tooLate(pending);
        return;
      }
      case 'replaced': {
        const record = orders.onReplaced(
          event.orderId,
          pending.clOrdId,
          event.priceTicks,
          event.qtyLots,
          now,
        );
        if (!record) {
          this.tooLate(pending);
          return;
        }
        if (record.leavesLots !== event.leavesLots) this.leavesDisagree(record, event.leavesLots, event.kind);
        pending.owner?.replaced(record, pending);
        return;
      }
      case 'massCancelDone':
        pending.owner?.massCanceled(pending, event.count);
        return;
      case 'reject': {
        // UNKNOWN_ORDER from the venue: the order ended there (a fill, usually) before the
        // request reached it; the code alone would be the whole text ("UNKNOWN_ORDER: UNKNOWN_ORDER").
        const unknown = event.reason === 'UNKNOWN_ORDER';
        const code = unknown ? RejectCode.UNKNOWN_ORDER : RejectCode.VENUE_REJECT;
        const text = unknown ? 'the venue no longer has the order (it finished meanwhile)' : event.reason;
        if (request.kind === RequestKind.MASS_CANCEL) pending.owner?.massCancelRejected(pending, code, text);
        else pending.owner?.cancelRejected(pending, code, text);
        return;
      }
      default:
        return;
    }
  }

  onTimeout(request: InFlightRequest): void {
    if (request.kind === RequestKind.NEW_ORDER) {
      const record = request.context as OrderRecord;
      // Its owner already knows the venue has it (an event about it came before the ack).
      if (record.status !== OrderStatus.PENDING_NEW) return;
      ownerOf(record)?.timedOut(record, null);
    } else {
      const pending = request.context as PendingRequest;
      pending.owner?.timedOut(pending.order, pending);
    }
  }

  onEvent(event: VenueEvent): void {
    const now = this.now();
    switch (event.kind) {
      case 'fill': {
        // Only a live order takes a fill: one for a finished or unknown order changes nothing
        // and is not relayed.
        const record = this.deps.orders.byId(event.orderId);
        if (record === undefined) {
          // A fill for no live order: the venue's books and ours differ (a position we do not count).
          this.log(
            'error',
            { orderId: event.orderId, qtyLots: event.qtyLots, priceTicks: event.priceTicks },
            'venue filled an order that is not live here; not counted',
          );
          return;
        }
        if (!representable(record, event.qtyLots, event.priceTicks)) {
          // Its report could not be written (FIX decimals, JSON): a price or size no order
          // of this market can have. Not counted; the venue needs looking at.
          this.log(
            'error',
            { orderId: event.orderId, qtyLots: event.qtyLots, priceTicks: event.priceTicks },
            'venue sent a fill no order of its market can have; not counted',
          );
          return;
        }
        this.acceptedByEvent(record);
        const leavesBefore = record.leavesLots;
        this.deps.orders.onFill(event.orderId, event.qtyLots, event.priceTicks, now);
        this.stats.fills++;
        if (event.qtyLots > leavesBefore) {
          this.log(
            'error',
            {
              orderId: record.orderId,
              clOrdId: record.clOrdId,
              qtyLots: event.qtyLots,
              leavesLots: leavesBefore,
            },
            'venue filled more than the order had open; the fill counts in full',
          );
        } else if (record.leavesLots !== event.leavesLots) {
          this.leavesDisagree(record, event.leavesLots, event.kind);
        }
        // The last trade is the freshest reference price we have.
        this.deps.tables.setReferencePrice(record.market.index, event.priceTicks);
        ownerOf(record)?.filled(record, event.qtyLots, event.priceTicks, event.tradeId);
        return;
      }
      case 'canceled': {
        const live = this.deps.orders.byId(event.orderId);
        if (live !== undefined) this.acceptedByEvent(live);
        const record = this.deps.orders.onCanceled(event.orderId, now);
        if (record) ownerOf(record)?.canceled(record, null);
        return;
      }
      case 'refPrice': {
        const index = this.deps.marketIndexOf(event.symbol);
        if (index >= 0) this.deps.tables.setReferencePrice(index, event.priceTicks);
        else
          this.log(
            'warn',
            { symbol: event.symbol },
            'venue sent a reference price for an unknown market; ignored',
          );
        return;
      }
      default:
        return;
    }
  }

  onLinkDown(inFlight: InFlightRequest[], reason: string): void {
    const now = this.now();
    const orders = this.deps.orders;
    const text = `${reason}; the venue drops orders of a lost link`;
    for (const request of inFlight) {
      if (request.kind === RequestKind.NEW_ORDER) {
        const record = request.context as OrderRecord;
        // One the venue was already trading is canceled below, with the other live orders.
        if (!record.live || record.status !== OrderStatus.PENDING_NEW) continue;
        orders.onReject(record.orderId, now);
        ownerOf(record)?.rejected(record, RejectCode.VENUE_UNAVAILABLE, text);
      } else {
        const pending = request.context as PendingRequest;
        if (request.kind === RequestKind.REPLACE) this.endReplace(pending);
        if (request.kind === RequestKind.MASS_CANCEL) {
          pending.owner?.massCancelRejected(pending, RejectCode.VENUE_UNAVAILABLE, text);
        } else {
          pending.owner?.cancelRejected(pending, RejectCode.VENUE_UNAVAILABLE, text);
        }
      }
    }
    for (const record of orders.allLiveOrders()) {
      this.stats.lostOnLinkDown++;
      orders.onCanceled(record.orderId, now);
      ownerOf(record)?.canceled(record, null);
    }
  }

  onLinkUp(): void {}

  /**
   * The venue has the order: its ack, or a fill, cancel or replace of it before the ack (its
   * owner then hears the acceptance first: FIX 150=0 before the trade, REST's 201). Once only:
   * an ack after such an event adds nothing, and no timeout is told.
   */
  private acceptedByEvent(record: OrderRecord): void {
    if (record.status !== OrderStatus.PENDING_NEW) return;
    this.deps.orders.onAck(record.orderId);
    ownerOf(record)?.accepted(record);
  }

  /**
   * The venue rejected an order it had already traded or canceled. What it traded stands; what
   * is still open here is not at the venue, so it is canceled (and its owner told so).
   */
  private rejectedAfterAccepting(record: OrderRecord, reason: string, nowMs: number): void {
    this.log(
      'error',
      { orderId: record.orderId, clOrdId: record.clOrdId, reason, filledLots: record.filledLots },
      'venue rejected an order it had already reported on; what is open is canceled',
    );
    if (this.deps.orders.onCanceled(record.orderId, nowMs)) ownerOf(record)?.canceled(record, null);
  }

  /**
   * The venue answered a cancel or replace for an order that had already finished (filled, or
   * canceled by an earlier request): the requester still gets its one outcome.
   */
  private tooLate(pending: PendingRequest): void {
    pending.owner?.cancelRejected(pending, RejectCode.UNKNOWN_ORDER, 'the order had already finished');
  }

  /** The venue's leaves differ from the firewall's count, which stands (see OrderRegistry.onFill). */
  private leavesDisagree(record: OrderRecord, venueLeaves: number, kind: string): void {
    this.log(
      'error',
      { orderId: record.orderId, clOrdId: record.clOrdId, venueLeaves, leavesLots: record.leavesLots, kind },
      'venue leaves disagree with the firewall; its own count stands',
    );
  }

  private log(level: 'warn' | 'error', fields: Record<string, unknown>, message: string): void {
    this.deps.log?.(level, fields, message);
  }

  private endReplace(pending: PendingRequest): void {
    this.deps.orders.endReplace(pending.order!, pending.clOrdId, pending.heldLots);
  }
}

/** Whether a fill of the order's market can be written as decimals (safe integers of the market's units). */
function representable(record: OrderRecord, qtyLots: number, priceTicks: number): boolean {
  const { lot, tick } = record.market;
  return (
    Number.isSafeInteger(qtyLots * lot.units) &&
    Number.isSafeInteger(priceTicks * tick.units) &&
    Number.isSafeInteger((record.filledLots + qtyLots) * lot.units) &&
    Number.isSafeInteger(record.filledValue + qtyLots * priceTicks)
  );
}

function ownerOf(record: OrderRecord): OrderOwner | null {
  return record.owner as OrderOwner | null;
}

function pendingOf(
  owner: OrderOwner | null,
  clOrdId: string,
  order: OrderRecord | null,
  priceTicks: number,
  qtyLots: number,
  symbol: string,
  refSeqNum: number,
): PendingRequest {
  return {
    owner,
    clOrdId,
    order,
    origClOrdId: order?.clOrdId ?? '',
    priceTicks,
    qtyLots,
    symbol,
    refSeqNum,
    heldLots: 0,
  };
}
