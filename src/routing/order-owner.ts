// Who placed an order or sent a request, and how the router tells them what
// became of it. A FIX session and a REST request each implement this; the
// router never knows which door a request came through.
import type { RejectCodeValue } from '../pipeline/reject-codes.ts';
import type { OrderRecord } from '../state/order-registry.ts';

/** A cancel, replace or mass cancel the router is waiting on. */
export interface PendingRequest {
  readonly owner: OrderOwner | null;
  /** The request's own clOrdId (FIX 11). */
  readonly clOrdId: string;
  /** The order acted on (null for a mass cancel). */
  readonly order: OrderRecord | null;
  /** The order's clOrdId when the request was sent (FIX 41). */
  readonly origClOrdId: string;
  /** Replace only: the order as it would become. */
  readonly priceTicks: number;
  readonly qtyLots: number;
  /** Mass cancel only: '' for every market of the account. */
  readonly symbol: string;
  /** The inbound FIX MsgSeqNum of the request (0 over REST or from the firewall itself). */
  readonly refSeqNum: number;
  /** Replace only: the quantity it adds, counted as open until the venue answers. */
  heldLots: number;
}

export interface OrderOwner {
  /** The venue accepted the order. */
  accepted(order: OrderRecord): void;
  /** The order is dead before it rested: the venue refused it, or the link was lost with it in flight. */
  rejected(order: OrderRecord, code: RejectCodeValue, text: string): void;
  filled(order: OrderRecord, qtyLots: number, priceTicks: number, tradeId: number): void;
  /** The order was canceled: by `request`, or unsolicited (null: IOC remainder, mass cancel, link loss). */
  canceled(order: OrderRecord, request: PendingRequest | null): void;
  replaced(order: OrderRecord, request: PendingRequest): void;
  /** A cancel or replace was refused. */
  cancelRejected(request: PendingRequest, code: RejectCodeValue, text: string): void;
  massCanceled(request: PendingRequest, count: number): void;
  /** A mass cancel was refused (link lost before its answer). */
  massCancelRejected(request: PendingRequest, code: RejectCodeValue, text: string): void;
  /**
   * No answer within venue.timeoutMs: the client hears VENUE_TIMEOUT (status
   * unknown). The answer, when it comes, arrives through the methods above.
   */
  timedOut(order: OrderRecord | null, request: PendingRequest | null): void;
}
