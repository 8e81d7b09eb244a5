// The venue protocol's messages as plain objects: what decodeVenueMessage
// returns and VenueEncoder.encode takes. Ids, prices (ticks) and quantities
// (lots) are safe integers; side, type and tif use the pipeline's numeric
// constants, which equal the schema's enum values.
import type { OrderTypeValue, SideValue, TimeInForceValue } from '../pipeline/request.ts';

/** Version of schema/venue.fbs that this build speaks, sent in Hello. */
export const VENUE_PROTOCOL_VERSION = 1;

export interface HelloMessage {
  kind: 'hello';
  firewallId: string;
  protocolVersion: number;
}

export interface NewOrderMessage {
  kind: 'newOrder';
  /** Equal to orderId for new orders. */
  requestId: number;
  orderId: number;
  account: string;
  symbol: string;
  side: SideValue;
  type: OrderTypeValue;
  tif: TimeInForceValue;
  postOnly: boolean;
  priceTicks: number;
  qtyLots: number;
}

export interface CancelMessage {
  kind: 'cancel';
  requestId: number;
  orderId: number;
}

export interface ReplaceMessage {
  kind: 'replace';
  requestId: number;
  orderId: number;
  priceTicks: number;
  /** New total quantity of the order, filled part included. */
  qtyLots: number;
}

export interface MassCancelMessage {
  kind: 'massCancel';
  requestId: number;
  account: string;
  /** '' cancels every symbol of the account. */
  symbol: string;
}

export interface HeartbeatMessage {
  kind: 'heartbeat';
  requestId: number;
  /** Nanoseconds of the sender's monotonic clock (an echo shows the round trip); a bigint: they may exceed 2^53. */
  timestampNs: bigint;
}

export interface AckMessage {
  kind: 'ack';
  requestId: number;
  orderId: number;
}

export interface RejectMessage {
  kind: 'reject';
  requestId: number;
  orderId: number;
  reason: string;
}

export interface FillMessage {
  kind: 'fill';
  orderId: number;
  qtyLots: number;
  priceTicks: number;
  leavesLots: number;
  tradeId: number;
}

export interface CanceledMessage {
  kind: 'canceled';
  /** 0 when unsolicited (IOC, FOK or market remainder). */
  requestId: number;
  orderId: number;
}

export interface ReplacedMessage {
  kind: 'replaced';
  requestId: number;
  orderId: number;
  priceTicks: number;
  qtyLots: number;
  leavesLots: number;
}

export interface MassCancelDoneMessage {
  kind: 'massCancelDone';
  requestId: number;
  count: number;
}

export interface RefPriceMessage {
  kind: 'refPrice';
  symbol: string;
  priceTicks: number;
}

/** Requests: sent by the firewall. */
export type VenueRequest =
  | HelloMessage
  | NewOrderMessage
  | CancelMessage
  | ReplaceMessage
  | MassCancelMessage
  | HeartbeatMessage;

/** Events: sent by the venue (Hello and Heartbeat travel both ways). */
export type VenueEvent =
  | HelloMessage
  | HeartbeatMessage
  | AckMessage
  | RejectMessage
  | FillMessage
  | CanceledMessage
  | ReplacedMessage
  | MassCancelDoneMessage
  | RefPriceMessage;

export type VenueMessage = VenueRequest | VenueEvent;
export type VenueMessageKind = VenueMessage['kind'];
