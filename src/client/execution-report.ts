// The application and session messages the firewall sends a FIX client (SPEC
// section 5), read out of a parsed FixMessage into plain objects: strings copied,
// so they outlive the frame. Decimals stay strings, exactly as sent.
import type { FixMessage } from '../fix/message.ts';
import { Tag } from '../fix/tags.ts';

/** ExecutionReport 35=8. Fields FIX requires are '' when the firewall left them out. */
export interface ExecutionReport {
  /** 37 */
  orderId: string;
  /** 11 */
  clOrdId: string;
  /** 41, on cancels and replaces. */
  origClOrdId: string | undefined;
  /** 17 */
  execId: string | undefined;
  /** 150: '0' new, 'F' trade, '4' canceled, '5' replaced, '8' rejected. */
  execType: string;
  /** 39 */
  ordStatus: string;
  /** 55 */
  symbol: string;
  /** 54: 1 buy, 2 sell; undefined when absent or anything else. */
  side: 'buy' | 'sell' | undefined;
  /** 38 */
  qty: string | undefined;
  /** 44 */
  price: string | undefined;
  /** 14 */
  cumQty: string;
  /** 151 */
  leavesQty: string;
  /** 6 */
  avgPx: string;
  /** 32, on fills. */
  lastQty: string | undefined;
  /** 31, on fills. */
  lastPx: string | undefined;
  /** 103 */
  ordRejReason: number | undefined;
  /** 58, `CODE: message` on rejects. */
  text: string | undefined;
  /** 34 of the report. */
  seqNum: number;
}

/** OrderCancelReject 35=9. */
export interface OrderCancelReject {
  clOrdId: string;
  origClOrdId: string | undefined;
  orderId: string;
  /** 39 */
  ordStatus: string | undefined;
  /** 434: '1' cancel request, '2' cancel/replace request. */
  cxlRejResponseTo: string;
  /** 102: e.g. 1 unknown order. */
  cxlRejReason: number | undefined;
  text: string | undefined;
  seqNum: number;
}

/** OrderMassCancelReport 35=r. */
export interface MassCancelReport {
  clOrdId: string;
  orderId: string | undefined;
  /** 530: '1' by symbol, '7' all. */
  requestType: string;
  /** 531: '0' rejected, otherwise the request type it was done for. */
  response: string;
  /** 533 */
  totalAffectedOrders: number | undefined;
  symbol: string | undefined;
  text: string | undefined;
  seqNum: number;
}

/** Reject 35=3 (session level: a malformed or incomplete message). */
export interface SessionReject {
  /** 45 */
  refSeqNum: number | undefined;
  /** 371 */
  refTagId: number | undefined;
  /** 372 */
  refMsgType: string | undefined;
  /** 373: 1 required tag missing, 5 value incorrect, 6 incorrect data format, 13 repeated tag. */
  reason: number | undefined;
  text: string | undefined;
  seqNum: number;
}

/** BusinessMessageReject 35=j. */
export interface BusinessReject {
  /** 45 */
  refSeqNum: number | undefined;
  /** 372 */
  refMsgType: string | undefined;
  /** 379 */
  businessRejectRefId: string | undefined;
  /** 380: e.g. 3 unsupported message type. */
  reason: number | undefined;
  text: string | undefined;
  seqNum: number;
}

/** FIX 4.4 BusinessRejectRefID, not in src/fix/tags.ts (the firewall does not read it). */
const BUSINESS_REJECT_REF_ID = 379;

function int(msg: FixMessage, tag: number): number | undefined {
  const value = msg.getInt(tag);
  return Number.isNaN(value) ? undefined : value;
}

function str(msg: FixMessage, tag: number): string {
  return msg.getString(tag) ?? '';
}

function side(msg: FixMessage): 'buy' | 'sell' | undefined {
  const c = msg.getChar(Tag.Side);
  return c === 0x31 ? 'buy' : c === 0x32 ? 'sell' : undefined;
}

export function readExecutionReport(msg: FixMessage): ExecutionReport {
  return {
    orderId: str(msg, Tag.OrderID),
    clOrdId: str(msg, Tag.ClOrdID),
    origClOrdId: msg.getString(Tag.OrigClOrdID),
    execId: msg.getString(Tag.ExecID),
    execType: str(msg, Tag.ExecType),
    ordStatus: str(msg, Tag.OrdStatus),
    symbol: str(msg, Tag.Symbol),
    side: side(msg),
    qty: msg.getString(Tag.OrderQty),
    price: msg.getString(Tag.Price),
    cumQty: str(msg, Tag.CumQty),
    leavesQty: str(msg, Tag.LeavesQty),
    avgPx: str(msg, Tag.AvgPx),
    lastQty: msg.getString(Tag.LastQty),
    lastPx: msg.getString(Tag.LastPx),
    ordRejReason: int(msg, Tag.OrdRejReason),
    text: msg.getString(Tag.Text),
    seqNum: msg.getInt(Tag.MsgSeqNum),
  };
}

export function readOrderCancelReject(msg: FixMessage): OrderCancelReject {
  return {
    clOrdId: str(msg, Tag.ClOrdID),
    origClOrdId: msg.getString(Tag.OrigClOrdID),
    orderId: str(msg, Tag.OrderID),
    ordStatus: msg.getString(Tag.OrdStatus),
    cxlRejResponseTo: str(msg, Tag.CxlRejResponseTo),
    cxlRejReason: int(msg, Tag.CxlRejReason),
    text: msg.getString(Tag.Text),
    seqNum: msg.getInt(Tag.MsgSeqNum),
  };
}

export function readMassCancelReport(msg: FixMessage): MassCancelReport {
  return {
    clOrdId: str(msg, Tag.ClOrdID),
    orderId: msg.getString(Tag.OrderID),
    requestType: str(msg, Tag.MassCancelRequestType),
    response: str(msg, Tag.MassCancelResponse),
    totalAffectedOrders: int(msg, Tag.TotalAffectedOrders),
    symbol: msg.getString(Tag.Symbol),
    text: msg.getString(Tag.Text),
    seqNum: msg.getInt(Tag.MsgSeqNum),
  };
}

export function readSessionReject(msg: FixMessage): SessionReject {
  return {
    refSeqNum: int(msg, Tag.RefSeqNum),
    refTagId: int(msg, Tag.RefTagID),
    refMsgType: msg.getString(Tag.RefMsgType),
    reason: int(msg, Tag.SessionRejectReason),
    text: msg.getString(Tag.Text),
    seqNum: msg.getInt(Tag.MsgSeqNum),
  };
}

export function readBusinessReject(msg: FixMessage): BusinessReject {
  return {
    refSeqNum: int(msg, Tag.RefSeqNum),
    refMsgType: msg.getString(Tag.RefMsgType),
    businessRejectRefId: msg.getString(BUSINESS_REJECT_REF_ID),
    reason: int(msg, Tag.BusinessRejectReason),
    text: msg.getString(Tag.Text),
    seqNum: msg.getInt(Tag.MsgSeqNum),
  };
}
