// The FIX adapter for one logged-on session: NewOrderSingle (D),
// OrderCancelRequest (F), OrderCancelReplaceRequest (G) and
// OrderMassCancelRequest (q) become normalized requests through the shared
// pipeline and the router; the venue's answers come back here (this is the
// orders' OrderOwner) and leave as ExecutionReport, OrderCancelReject and
// OrderMassCancelReport. No policy lives here: only translation.
//
// Rejects follow SPEC section 3's FIX column: a field that is missing or
// malformed is a session Reject (35=3, 371/373) and the session goes on; a
// risk or permission refusal of a new order is an ExecutionReport 39=8 (with
// 103 where the table names one); of a cancel or replace, an
// OrderCancelReject (35=9); a key that stopped being valid ends the session.
import type { FixEncoder } from '../../fix/encoder.ts';
import type { FixMessage } from '../../fix/message.ts';
import { type FixSession, rejectText, requireFields, type SessionApplication } from '../../fix/session.ts';
import { MsgType, MsgTypeByte, SessionRejectReason, Tag } from '../../fix/tags.ts';
import { authorize } from '../../pipeline/authorize.ts';
import { setPrice, setQuantity } from '../../pipeline/order-fields.ts';
import { runPipeline } from '../../pipeline/pipeline.ts';
import {
  PASS,
  RejectCode,
  type RejectCodeValue,
  rejectInfo,
  type Verdict,
} from '../../pipeline/reject-codes.ts';
import {
  Action,
  isClOrdIdBytes,
  OrderRequest,
  OrderType,
  Side,
  TimeInForce,
} from '../../pipeline/request.ts';
import { ipLimitKey } from '../../pipeline/throttle.ts';
import type { OrderOwner, PendingRequest } from '../../routing/order-owner.ts';
import type { MarketState } from '../../state/markets.ts';
import { type OrderRecord, OrderStatus } from '../../state/order-registry.ts';
import type { EdgeContext } from '../edge-context.ts';
import { MarketLookup } from '../market-lookup.ts';

const NEW_ORDER_FIELDS = [
  Tag.ClOrdID,
  Tag.Symbol,
  Tag.Side,
  Tag.OrderQty,
  Tag.OrdType,
  Tag.TimeInForce,
  Tag.TransactTime,
];
const CANCEL_FIELDS = [Tag.ClOrdID, Tag.OrigClOrdID, Tag.Symbol, Tag.Side, Tag.TransactTime];
const REPLACE_FIELDS = [
  Tag.ClOrdID,
  Tag.OrigClOrdID,
  Tag.Symbol,
  Tag.Side,
  Tag.OrderQty,
  Tag.OrdType,
  Tag.Price,
  Tag.TransactTime,
];
const MASS_CANCEL_FIELDS = [Tag.ClOrdID, Tag.MassCancelRequestType];

/** TimeInForce (59) byte → ours. */
const TIF_BY_BYTE: Record<number, number> = {
  48: TimeInForce.DAY,
  49: TimeInForce.GTC,
  51: TimeInForce.IOC,
  52: TimeInForce.FOK,
};
const TIF_CHAR = ['', '1', '3', '4', '0'];
/** Repeated RATE_LIMITED within one second past this many ends the session ("repeated abuse → Logout"). */
const RATE_LIMIT_ABUSE_PER_SEC = 200;

let nextExecId = 1;

export class FixConnection implements SessionApplication, OrderOwner {
  private session: FixSession | null = null;
  private readonly req = new OrderRequest();
  private readonly markets = new MarketLookup();
  private rateLimitedThisSecond = 0;
  private rateLimitSecond = 0;
  /** MsgSeqNum of the message being handled. */
  private currentSeq = 0;

  constructor(
    private readonly edge: EdgeContext,
    readonly ip: string,
    private readonly connectionId: number,
  ) {}

  // --- SessionApplication ---

  onLogon(session: FixSession): void {
    this.session = session;
    const limiter = this.edge.runtime.limiter;
    this.req.ip = this.ip;
    this.req.ipLimitKey = ipLimitKey(limiter, this.ip);
    this.req.connectionLimitKey = limiter.keyOf(`fix:${this.connectionId}`);
    this.edge.log.info(
      { keyId: session.keyId, senderCompId: session.senderCompId, ip: this.ip },
      'fix logon',
    );
  }

  onMessage(session: FixSession, msg: FixMessage, msgType: number, seqNum: number): void {
    this.currentSeq = seqNum;
    switch (msgType) {
      case MsgTypeByte.NewOrderSingle:
        this.onNewOrder(session, msg);
        return;
      case MsgTypeByte.OrderCancelRequest:
        this.onCancelOrReplace(session, msg, false);
        return;
      case MsgTypeByte.OrderCancelReplaceRequest:
        this.onCancelOrReplace(session, msg, true);
        return;
      case MsgTypeByte.OrderMassCancelRequest:
        this.onMassCancel(session, msg);
        return;
      default:
        session.sendBusinessReject(
          seqNum,
          String.fromCharCode(msgType),
          3,
          'INVALID_REQUEST: unsupported MsgType',
        );
    }
  }

  onEnd(session: FixSession, reason: string): void {
    this.edge.log.info(
      { keyId: session.keyId, senderCompId: session.senderCompId, reason },
      'fix session ended',
    );
    const key = session.key;
    if (key === null || !session.cancelOnDisconnect) return;
    // Cancel-on-disconnect: this session's live orders only (other sessions of the account keep theirs).
    let canceled = 0;
    for (const order of this.edge.runtime.orders.liveOrders(key.account.index)) {
      if (order.owner === this && this.edge.router.cancelOrder(order, null) === PASS) canceled++;
    }
    if (canceled > 0) this.edge.log.info({ keyId: key.id, canceled }, 'cancel-on-disconnect');
  }

  // --- Inbound application messages ---

  private startRequest(session: FixSession, action: number): OrderRequest {
    const req = this.req.reset();
    req.action = action as OrderRequest['action'];
    req.key = session.key;
    req.account = session.key!.account;
    req.refSeqNum = this.session === session ? this.currentSeq : 0;
    return req;
  }

  /**
   * The start every application message shares: its required fields, a fresh request and
   * its ClOrdID. Null after a Reject (35=3) has been sent.
   */
  private beginRequest(
    session: FixSession,
    msg: FixMessage,
    required: readonly number[],
    action: number,
  ): OrderRequest | null {
    const missing = requireFields(msg, required);
    if (missing !== 0) {
      this.badField(
        session,
        missing,
        SessionRejectReason.RequiredTagMissing,
        `required tag ${missing} is missing`,
      );
      return null;
    }
    const clOrdId = this.readClOrdId(session, msg, Tag.ClOrdID);
    if (clOrdId === null) return null;
    const req = this.startRequest(session, action);
    req.clOrdId = clOrdId;
    return req;
  }

  /** Sends Reject 35=3 for a missing or malformed field; returns false so callers can `return`. */
  private badField(session: FixSession, tag: number, reason: number, text: string): false {
    session.sendReject(this.currentSeq, tag, reason, rejectText(RejectCode.INVALID_REQUEST, text));
    return false;
  }

  /** Side (54): 1 buy, 2 sell. False after a Reject. */
  private readSide(session: FixSession, msg: FixMessage, req: OrderRequest): boolean {
    const side = msg.getChar(Tag.Side);
    if (side !== 0x31 && side !== 0x32)
      return this.badField(session, Tag.Side, SessionRejectReason.ValueIncorrect, 'Side must be 1 or 2');
    req.side = side === 0x31 ? Side.BUY : Side.SELL;
    return true;
  }

  /** Common fields of D and G: side, order type, tif, quantity and price. False after a Reject. */
  private readOrderFields(
    session: FixSession,
    msg: FixMessage,
    req: OrderRequest,
    market: MarketState,
  ): boolean {
    if (!this.readSide(session, msg, req)) return false;
    const ordType = msg.getChar(Tag.OrdType);
    if (ordType !== 0x31 && ordType !== 0x32)
      return this.badField(
        session,
        Tag.OrdType,
        SessionRejectReason.ValueIncorrect,
        'OrdType must be 1 (market) or 2 (limit)',
      );
    // A replace restates a resting order's price (SPEC: G carries 44): it is a limit order.
    if (ordType !== 0x32 && req.action === Action.REPLACE)
      return this.badField(
        session,
        Tag.OrdType,
        SessionRejectReason.ValueIncorrect,
        'OrdType of a replace must be 2 (limit)',
      );
    req.type = ordType === 0x31 ? OrderType.MARKET : OrderType.LIMIT;
    if (msg.has(Tag.TimeInForce)) {
      const tif = TIF_BY_BYTE[msg.getChar(Tag.TimeInForce)];
      if (tif === undefined)
        return this.badField(
          session,
          Tag.TimeInForce,
          SessionRejectReason.ValueIncorrect,
          'TimeInForce must be 0, 1, 3 or 4',
        );
      req.tif = tif as OrderRequest['tif'];
    }
    if (!this.readTransactTime(session, msg)) return false;
    const buf = msg.buffer;
    setQuantity(req, market, buf, msg.valueStart(Tag.OrderQty), msg.valueEnd(Tag.OrderQty));
    if (req.fieldError === RejectCode.INVALID_REQUEST) {
      return this.badField(session, Tag.OrderQty, SessionRejectReason.IncorrectDataFormat, req.detail);
    }
    if (req.type === OrderType.LIMIT) {
      if (!msg.has(Tag.Price))
        return this.badField(
          session,
          Tag.Price,
          SessionRejectReason.RequiredTagMissing,
          'Price is required for a limit order',
        );
      // A malformed price is told even after a quantity off its lot (setPrice puts it first).
      setPrice(req, market, buf, msg.valueStart(Tag.Price), msg.valueEnd(Tag.Price));
      if ((req.fieldError as Verdict) === RejectCode.INVALID_REQUEST) {
        return this.badField(session, Tag.Price, SessionRejectReason.IncorrectDataFormat, req.detail);
      }
    } else if (msg.has(Tag.Price)) {
      return this.badField(
        session,
        Tag.Price,
        SessionRejectReason.ValueIncorrect,
        'a market order takes no Price',
      );
    }
    return true;
  }

  /** The market of the message's Symbol (55), which is present. */
  private findMarket(msg: FixMessage): MarketState | undefined {
    const start = msg.valueStart(Tag.Symbol);
    return this.markets.find(msg.buffer, start, msg.valueEnd(Tag.Symbol), this.edge.runtime.model.markets);
  }

  private readClOrdId(session: FixSession, msg: FixMessage, tag: number): string | null {
    if (isClOrdIdBytes(msg.buffer, msg.valueStart(tag), msg.valueEnd(tag))) return msg.getString(tag)!;
    this.badField(
      session,
      tag,
      SessionRejectReason.ValueIncorrect,
      'ClOrdID must be 1-36 characters of A-Z a-z 0-9 _ -',
    );
    return null;
  }

  /**
   * The refusal of a message naming a symbol no market has: `code`, unless the caller may not
   * ask at all. Who may ask comes before what was asked, as over REST: a revoked key or one
   * without the permission learns nothing about markets.
   */
  private unknownMarket(session: FixSession, req: OrderRequest, code: RejectCodeValue): Verdict {
    const allowed = authorize(req, session.receivedAtMs);
    if (allowed !== PASS) return allowed;
    req.detail = `no market ${req.symbol}`;
    return code;
  }

  /** TransactTime (60), required of D, F and G, must be a UTCTimestamp (its value is not used). */
  private readTransactTime(session: FixSession, msg: FixMessage): boolean {
    if (!Number.isNaN(msg.getUtcTimestampMs(Tag.TransactTime))) return true;
    return this.badField(
      session,
      Tag.TransactTime,
      SessionRejectReason.IncorrectDataFormat,
      'TransactTime is not a UTCTimestamp',
    );
  }

  private onNewOrder(session: FixSession, msg: FixMessage): void {
    const req = this.beginRequest(session, msg, NEW_ORDER_FIELDS, Action.NEW_ORDER);
    if (req === null) return;
    const market = this.findMarket(msg);
    req.symbol = market?.symbol ?? msg.getString(Tag.Symbol)!;
    const execInst = msg.has(Tag.ExecInst) ? msg.getString(Tag.ExecInst) : undefined;
    if (execInst !== undefined && execInst !== '6') {
      this.badField(
        session,
        Tag.ExecInst,
        SessionRejectReason.ValueIncorrect,
        'ExecInst supports only 6 (post-only)',
      );
      return;
    }
    req.postOnly = execInst === '6';
    if (market === undefined) {
      const verdict = this.unknownMarket(session, req, RejectCode.UNKNOWN_SYMBOL);
      this.rejectNewOrder(session, msg, req, verdict, req.detail);
      return;
    }
    req.market = market;
    if (!this.readOrderFields(session, msg, req, market)) return;

    const { runtime, router } = this.edge;
    let verdict: Verdict = runPipeline(req, runtime.pipeline, session.receivedAtMs);
    if (verdict === PASS) verdict = router.submitNewOrder(req, this, session.receivedAtMs);
    if (verdict !== PASS) {
      this.rejectNewOrder(session, msg, req, verdict, req.detail);
      return;
    }
  }

  private onCancelOrReplace(session: FixSession, msg: FixMessage, replace: boolean): void {
    const req = this.beginRequest(
      session,
      msg,
      replace ? REPLACE_FIELDS : CANCEL_FIELDS,
      replace ? Action.REPLACE : Action.CANCEL,
    );
    if (req === null) return;
    const origClOrdId = this.readClOrdId(session, msg, Tag.OrigClOrdID);
    if (origClOrdId === null) return;
    req.origClOrdId = origClOrdId;
    const market = this.findMarket(msg);
    req.symbol = market?.symbol ?? msg.getString(Tag.Symbol)!;
    if (market === undefined) {
      const verdict = this.unknownMarket(session, req, RejectCode.UNKNOWN_ORDER);
      this.cancelRejectNow(session, req, replace, verdict, req.detail);
      return;
    }
    req.market = market;
    const read = replace
      ? this.readOrderFields(session, msg, req, market)
      : this.readSide(session, msg, req) && this.readTransactTime(session, msg);
    if (!read) return;
    const { runtime, router } = this.edge;
    let verdict: Verdict = runPipeline(req, runtime.pipeline, session.receivedAtMs);
    if (verdict === PASS && !replace && req.target!.side !== req.side) {
      verdict = RejectCode.UNKNOWN_ORDER;
      req.detail = `order ${origClOrdId} is on the other side`;
    }
    if (verdict === PASS)
      verdict = replace ? router.submitReplace(req, this) : router.submitCancel(req, this);
    if (verdict !== PASS) this.cancelRejectNow(session, req, replace, verdict, req.detail);
  }

  private onMassCancel(session: FixSession, msg: FixMessage): void {
    const req = this.beginRequest(session, msg, MASS_CANCEL_FIELDS, Action.MASS_CANCEL);
    if (req === null) return;
    const type = msg.getChar(Tag.MassCancelRequestType);
    if (type === 0x31) {
      if (!msg.has(Tag.Symbol)) {
        this.badField(
          session,
          Tag.Symbol,
          SessionRejectReason.RequiredTagMissing,
          'Symbol is required with 530=1',
        );
        return;
      }
      req.symbol = msg.getString(Tag.Symbol)!;
      const market = this.edge.runtime.model.markets.get(req.symbol);
      if (market === undefined) {
        this.massCancelReport(
          req.clOrdId,
          '1',
          req.symbol,
          0,
          RejectCode.UNKNOWN_SYMBOL,
          `no market ${req.symbol}`,
        );
        return;
      }
      req.market = market;
    } else if (type !== 0x37) {
      this.badField(
        session,
        Tag.MassCancelRequestType,
        SessionRejectReason.ValueIncorrect,
        'MassCancelRequestType must be 1 (symbol) or 7 (all)',
      );
      return;
    }
    let verdict: Verdict = runPipeline(req, this.edge.runtime.pipeline, session.receivedAtMs);
    if (verdict === PASS) verdict = this.edge.router.submitMassCancel(req, this);
    if (verdict === RejectCode.RATE_LIMITED && this.rateLimitAbuse(session)) return;
    if (verdict !== PASS) {
      this.massCancelReport(
        req.clOrdId,
        type === 0x31 ? '1' : '7',
        req.symbol,
        0,
        verdict as RejectCodeValue,
        req.detail,
      );
    }
  }

  // --- Rejects decided before the venue ---

  /** A refused new order: ExecutionReport 39=8, or what the code's FIX column says. */
  private rejectNewOrder(
    session: FixSession,
    msg: FixMessage,
    req: OrderRequest,
    code: Verdict,
    detail: string,
  ): void {
    const info = rejectInfo(code as RejectCodeValue);
    if (info.fix === 'logout') {
      session.logout(rejectText(info.value, detail || undefined));
      return;
    }
    if (info.fix === 'session-reject') {
      this.badField(session, 0, SessionRejectReason.ValueIncorrect, detail || info.message);
      return;
    }
    if (info.fix === 'business-reject') {
      session.sendBusinessReject(
        this.currentSeq,
        MsgType.NewOrderSingle,
        0,
        rejectText(info.value, detail || undefined),
      );
      return;
    }
    if (code === RejectCode.RATE_LIMITED && this.rateLimitAbuse(session)) return;
    const enc = session.beginMessage(MsgType.ExecutionReport);
    if (enc === null) return;
    enc.field(Tag.OrderID, 'NONE').field(Tag.ExecID, nextExecId++).field(Tag.ClOrdID, req.clOrdId);
    enc.field(Tag.ExecType, '8').field(Tag.OrdStatus, '8');
    enc
      .field(Tag.Symbol, req.symbol)
      .fieldBytes(Tag.Side, msg.buffer, msg.valueStart(Tag.Side), msg.valueEnd(Tag.Side));
    enc.fieldBytes(Tag.OrderQty, msg.buffer, msg.valueStart(Tag.OrderQty), msg.valueEnd(Tag.OrderQty));
    if (msg.has(Tag.OrdType))
      enc.fieldBytes(Tag.OrdType, msg.buffer, msg.valueStart(Tag.OrdType), msg.valueEnd(Tag.OrdType));
    if (msg.has(Tag.Price))
      enc.fieldBytes(Tag.Price, msg.buffer, msg.valueStart(Tag.Price), msg.valueEnd(Tag.Price));
    enc.field(Tag.CumQty, 0).field(Tag.LeavesQty, 0).field(Tag.AvgPx, 0);
    enc.field(Tag.OrdRejReason, info.ordRejReason ?? 99);
    enc.field(Tag.Text, rejectText(info.value, detail || undefined));
    enc.fieldUtcTimestamp(Tag.TransactTime, Date.now());
    session.endMessage();
  }

  /** Counts a RATE_LIMITED refusal (of any message); past the bound within a second, ends the session. */
  private rateLimitAbuse(session: FixSession): boolean {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.rateLimitSecond) {
      this.rateLimitSecond = second;
      this.rateLimitedThisSecond = 0;
    }
    if (++this.rateLimitedThisSecond <= RATE_LIMIT_ABUSE_PER_SEC) return false;
    session.logout(rejectText(RejectCode.RATE_LIMITED, 'repeated abuse of the rate limit'));
    return true;
  }

  private cancelRejectNow(
    session: FixSession,
    req: OrderRequest,
    replace: boolean,
    code: Verdict,
    detail: string,
  ): void {
    const info = rejectInfo(code as RejectCodeValue);
    if (info.fix === 'logout') {
      session.logout(rejectText(info.value, detail || undefined));
      return;
    }
    if (code === RejectCode.RATE_LIMITED && this.rateLimitAbuse(session)) return;
    this.writeCancelReject(req.target, req.clOrdId, req.origClOrdId, replace, info.value, detail);
  }

  // --- OrderOwner: the venue's answers ---

  accepted(order: OrderRecord): void {
    const enc = this.executionReport(order, '0', '0');
    if (enc) this.session!.endMessage();
  }

  rejected(order: OrderRecord, code: RejectCodeValue, text: string): void {
    const enc = this.executionReport(order, '8', '8');
    if (!enc) return;
    enc.field(Tag.OrdRejReason, rejectInfo(code).ordRejReason ?? 99).field(Tag.Text, rejectText(code, text));
    this.session!.endMessage();
  }

  filled(order: OrderRecord, qtyLots: number, priceTicks: number): void {
    const status = order.status === OrderStatus.FILLED ? '2' : '1';
    const enc = this.executionReport(order, 'F', status);
    if (!enc) return;
    const { lot, tick } = order.market;
    enc.fieldDecimal(Tag.LastQty, qtyLots * lot.units, lot.decimals);
    enc.fieldDecimal(Tag.LastPx, priceTicks * tick.units, tick.decimals);
    this.session!.endMessage();
  }

  canceled(order: OrderRecord, request: PendingRequest | null): void {
    const solicited = request !== null && request.owner === this;
    const enc = this.executionReport(order, '4', '4', solicited ? request.clOrdId : undefined);
    if (!enc) return;
    if (solicited) enc.field(Tag.OrigClOrdID, request.origClOrdId);
    this.session!.endMessage();
  }

  replaced(order: OrderRecord, request: PendingRequest): void {
    const enc = this.executionReport(order, '5', order.filledLots > 0 ? '1' : '0');
    if (!enc) return;
    enc.field(Tag.OrigClOrdID, request.origClOrdId);
    this.session!.endMessage();
  }

  cancelRejected(request: PendingRequest, code: RejectCodeValue, text: string): void {
    this.writeCancelReject(
      request.order,
      request.clOrdId,
      request.origClOrdId,
      request.qtyLots > 0,
      code,
      text,
    );
  }

  massCanceled(request: PendingRequest, count: number): void {
    this.massCancelReport(request.clOrdId, request.symbol ? '1' : '7', request.symbol, count, PASS, '');
  }

  massCancelRejected(request: PendingRequest, code: RejectCodeValue, text: string): void {
    this.massCancelReport(request.clOrdId, request.symbol ? '1' : '7', request.symbol, 0, code, text);
  }

  timedOut(order: OrderRecord | null, request: PendingRequest | null): void {
    const session = this.session;
    if (session === null) return;
    let seq = 0;
    let refMsgType: string = MsgType.NewOrderSingle;
    if (request !== null) {
      seq = request.refSeqNum;
      // A replace carries its new quantity (as in cancelRejected); a cancel carries none.
      refMsgType =
        request.order === null
          ? MsgType.OrderMassCancelRequest
          : request.qtyLots > 0
            ? MsgType.OrderCancelReplaceRequest
            : MsgType.OrderCancelRequest;
    } else if (order !== null) {
      seq = order.refSeqNum;
    }
    session.sendBusinessReject(
      seq,
      refMsgType,
      0,
      rejectText(
        RejectCode.VENUE_TIMEOUT,
        'the venue did not answer in time; status unknown, reconciled when it answers',
      ),
    );
  }

  // --- Outbound builders ---

  /**
   * A report for an order of a session that has ended (its orders outlive it when
   * cancel-on-disconnect is off, and answers in flight land after it): nobody can be told,
   * so the log says what the client missed. A fill is a trade it has not heard of: warn.
   */
  private reportNotDelivered(order: OrderRecord, execType: string): void {
    const session = this.session;
    this.edge.log[execType === 'F' ? 'warn' : 'info'](
      {
        keyId: session?.keyId,
        senderCompId: session?.senderCompId,
        orderId: order.orderId,
        clOrdId: order.clOrdId,
        execType,
      },
      'fix report not delivered: the session has ended',
    );
  }

  /** Begins an ExecutionReport with the order's common fields; null when the session is gone. */
  private executionReport(
    order: OrderRecord,
    execType: string,
    ordStatus: string,
    clOrdId?: string,
  ): FixEncoder | null {
    const session = this.session;
    const enc = session === null ? null : session.beginMessage(MsgType.ExecutionReport);
    if (enc === null) {
      this.reportNotDelivered(order, execType);
      return null;
    }
    const market = order.market;
    enc
      .field(Tag.OrderID, order.orderId)
      .field(Tag.ExecID, nextExecId++)
      .field(Tag.ClOrdID, clOrdId ?? order.clOrdId);
    enc.field(Tag.ExecType, execType).field(Tag.OrdStatus, ordStatus).field(Tag.Symbol, market.symbol);
    // Quantities and prices are written as decimals straight from ticks and lots, without strings.
    const lot = market.lot;
    const tick = market.tick;
    enc.field(Tag.Side, order.side === Side.BUY ? '1' : '2');
    enc.fieldDecimal(Tag.OrderQty, order.qtyLots * lot.units, lot.decimals);
    if (order.type === OrderType.LIMIT) {
      enc.field(Tag.OrdType, '2').fieldDecimal(Tag.Price, order.priceTicks * tick.units, tick.decimals);
    } else {
      enc.field(Tag.OrdType, '1');
    }
    enc.field(Tag.TimeInForce, TIF_CHAR[order.tif] ?? '1');
    enc.fieldDecimal(Tag.CumQty, order.filledLots * lot.units, lot.decimals);
    enc.fieldDecimal(Tag.LeavesQty, order.live ? order.leavesLots * lot.units : 0, lot.decimals);
    enc.field(Tag.AvgPx, order.averagePriceText());
    enc.fieldUtcTimestamp(Tag.TransactTime, Date.now());
    return enc;
  }

  private writeCancelReject(
    order: OrderRecord | null,
    clOrdId: string,
    origClOrdId: string,
    replace: boolean,
    code: RejectCodeValue,
    text: string,
  ): void {
    const session = this.session;
    if (session === null) return;
    const enc = session.beginMessage(MsgType.OrderCancelReject);
    if (enc === null) return;
    enc.field(Tag.OrderID, order ? String(order.orderId) : 'NONE').field(Tag.ClOrdID, clOrdId);
    enc.field(Tag.OrigClOrdID, origClOrdId).field(Tag.OrdStatus, order ? statusChar(order) : '8');
    enc.field(Tag.CxlRejResponseTo, replace ? '2' : '1');
    enc
      .field(Tag.CxlRejReason, rejectInfo(code).cxlRejReason ?? 99)
      .field(Tag.Text, rejectText(code, text || undefined));
    session.endMessage();
  }

  private massCancelReport(
    clOrdId: string,
    type: string,
    symbol: string,
    count: number,
    code: Verdict,
    text: string,
  ): void {
    const session = this.session;
    if (session === null) return;
    const enc = session.beginMessage(MsgType.OrderMassCancelReport);
    if (enc === null) return;
    enc
      .field(Tag.ClOrdID, clOrdId)
      .field(Tag.OrderID, `mc-${clOrdId}`)
      .field(Tag.MassCancelRequestType, type);
    // 531: the request type echoed when accepted, 0 when rejected.
    enc.field(Tag.MassCancelResponse, code === PASS ? type : '0');
    if (symbol) enc.field(Tag.Symbol, symbol);
    enc.field(Tag.TotalAffectedOrders, count);
    if (code !== PASS) enc.field(Tag.Text, rejectText(code as RejectCodeValue, text || undefined));
    session.endMessage();
  }
}

function statusChar(order: OrderRecord): string {
  switch (order.status) {
    case OrderStatus.PENDING_NEW:
      return 'A';
    case OrderStatus.NEW:
      return '0';
    case OrderStatus.PARTIALLY_FILLED:
      return '1';
    case OrderStatus.FILLED:
      return '2';
    case OrderStatus.CANCELED:
      return '4';
    default:
      return '8';
  }
}
