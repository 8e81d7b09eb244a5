// FIX 4.4 over WebSocket client of the SDK (SPEC section 5): signed Logon,
// outbound sequence numbers and SendingTime, heartbeats, the order messages, and
// the firewall's answers as typed events. Market makers, tests, benches and the
// CLI use it.
//
// Events are delivered to listeners (on/once/off) as they arrive, and are also kept
// (the last `eventBufferSize` of each kind) for waitFor, so a waitFor called just
// after the send that triggers its event still sees it.
//
// The client reports what it finds wrong with the firewall's messages (a garbled
// frame, a MsgSeqNum out of order) as `protocolError` events and carries on: the
// firewall is the side that ends a session, and tests want to see what it does.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { FixEncoder } from '../fix/encoder.ts';
import { FixMessage } from '../fix/message.ts';
import { isGarbled, type ParseErrorValue, parseErrorText } from '../fix/parse-error.ts';
import { parseNext } from '../fix/parser.ts';
import { MsgType, MsgTypeByte, Tag } from '../fix/tags.ts';
import { formatUtcTimestamp } from '../fix/utc-timestamp.ts';
import { type Credentials, signLogon } from './credentials.ts';
import {
  type BusinessReject,
  type ExecutionReport,
  type MassCancelReport,
  type OrderCancelReject,
  readBusinessReject,
  readExecutionReport,
  readMassCancelReport,
  readOrderCancelReject,
  readSessionReject,
  type SessionReject,
} from './execution-report.ts';
import type { OrderInput } from './rest-client.ts';

export type {
  BusinessReject,
  ExecutionReport,
  MassCancelReport,
  OrderCancelReject,
  SessionReject,
} from './execution-report.ts';

export interface FixClientOptions {
  /** ws://host:port/fix or wss://... */
  url: string;
  credentials: Credentials;
  /** 49 of every outbound message, `[A-Za-z0-9_-]{1,32}`, unique among the key's live sessions. */
  senderCompId: string;
  /** 56 of every outbound message: the firewall's session.targetCompId. */
  targetCompId: string;
  /** 108, seconds (default 30). 0 sends 108=0 and no heartbeats (the firewall refuses it). */
  heartBtInt?: number;
  /** Sends 8013=Y or N in the Logon when set; the firewall's default otherwise. */
  cancelOnDisconnect?: boolean;
  /** Unix ms for SendingTime and TransactTime (default Date.now). */
  clock?: () => number;
  /** connect() rejects if no Logon answer arrives within this (default 10000). */
  logonTimeoutMs?: number;
  /**
   * Heartbeats after heartBtInt seconds of outbound silence and answers to TestRequest
   * (default true). False keeps the client silent, to test the firewall's timeouts.
   */
  autoHeartbeat?: boolean;
  /** How many recent events of each kind waitFor can still find (default 1000, 0 for none). */
  eventBufferSize?: number;
  /**
   * Certificates (PEM) to trust for a wss:// URL instead of the system's: a private CA or the
   * firewall's own self-signed certificate. (NODE_EXTRA_CA_CERTS adds to the system's instead.)
   */
  ca?: string | Buffer;
}

export type Side = 'buy' | 'sell';
export type NewOrderInput = OrderInput;

export interface CancelInput {
  clOrdId: string;
  origClOrdId: string;
  symbol: string;
  side: Side;
}

export interface ReplaceInput {
  clOrdId: string;
  origClOrdId: string;
  symbol: string;
  side: Side;
  qty: string;
  price: string;
  /** Default 'limit'. */
  type?: 'limit' | 'market';
}

export interface MassCancelInput {
  clOrdId: string;
  /** Cancels the symbol's orders (530=1); without it, all orders (530=7). */
  symbol?: string;
}

/** One field of a message as received, or to send with FixClient.send. */
export type FixField = [tag: number, value: string];

export interface ProtocolError {
  /**
   * 'parse': a frame that does not parse; 'sequence': an inbound MsgSeqNum that is not the next
   * one; 'silence': the firewall sent nothing, not even the answer to a TestRequest (the client
   * then drops the connection, as the firewall does a silent client).
   */
  kind: 'parse' | 'sequence' | 'silence';
  text: string;
  /** The parser's code, for 'parse'. */
  parseError?: ParseErrorValue;
}

export interface FixClientEvents {
  executionReport: ExecutionReport;
  orderCancelReject: OrderCancelReject;
  massCancelReport: MassCancelReport;
  /** Reject 35=3. */
  reject: SessionReject;
  /** BusinessMessageReject 35=j. */
  businessReject: BusinessReject;
  /** Heartbeat 35=0 (112 when it answers a TestRequest). */
  heartbeat: { testReqId: string | undefined; seqNum: number };
  /** TestRequest 35=1 (answered automatically unless autoHeartbeat is false). */
  testRequest: { testReqId: string | undefined; seqNum: number };
  /** Logout 35=5 from the firewall. */
  logout: { text: string | undefined; seqNum: number };
  /** The WebSocket closed. */
  close: { code: number; reason: string };
  /** Every inbound message, header and trailer included, in order, before its typed event. */
  message: FixField[];
  protocolError: ProtocolError;
  /** A WebSocket error after connect (a close follows). */
  error: Error;
}
export type FixClientEvent = keyof FixClientEvents;
type Listener<K extends FixClientEvent> = (payload: FixClientEvents[K]) => void;

/** Why connect() failed: the firewall's Logout text (`CODE: message`), or the close. */
export class FixLogonError extends Error {
  /** The reject code in front of the 58 text (e.g. AUTH_BAD_SIGNATURE), if any. */
  readonly code: string | undefined;
  /** The Logout's 58, if there was a Logout. */
  readonly text: string | undefined;

  constructor(message: string, text: string | undefined) {
    super(message);
    this.name = 'FixLogonError';
    this.text = text;
    this.code = text === undefined ? undefined : /^([A-Z][A-Z0-9_]*):/.exec(text)?.[1];
  }
}

interface Waiter {
  event: FixClientEvent;
  predicate: ((payload: never) => boolean) | undefined;
  resolve: (payload: never) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

type State = 'loggingOn' | 'active' | 'loggingOut' | 'closed';

const SIDE = { buy: '1', sell: '2' } as const;
const ORD_TYPE = { market: '1', limit: '2' } as const;
const TIF = { DAY: '0', GTC: '1', IOC: '3', FOK: '4' } as const;

const DEFAULT_HEARTBT_INT = 30;
const DEFAULT_LOGON_TIMEOUT_MS = 10_000;
const DEFAULT_EVENT_BUFFER = 1000;
const DEFAULT_WAIT_MS = 5000;
const CLOSE_GRACE_MS = 2000;

export class FixClient {
  readonly senderCompId: string;
  readonly targetCompId: string;
  readonly heartBtInt: number;
  private readonly ws: WebSocket;
  private readonly options: FixClientOptions;
  private readonly clock: () => number;
  private readonly autoHeartbeat: boolean;
  private readonly bufferSize: number;
  private readonly encoder = new FixEncoder(8192);
  private readonly inbound = new FixMessage(128);
  private state: State = 'loggingOn';
  private outSeq = 1;
  private inSeq = 1;
  private lastSendAt = 0;
  /** When a frame last came in (performance.now), and when the TestRequest it awaits went out. */
  private lastReceiveAt = 0;
  private testRequestSentAt = -1;
  private testRequests = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly listeners = new Map<FixClientEvent, Set<(payload: never) => void>>();
  private readonly buffered = new Map<FixClientEvent, unknown[]>();
  private waiters: Waiter[] = [];
  private closeInfo: { code: number; reason: string } | undefined;
  private readonly closed: Promise<void>;
  private markClosed: () => void = () => {};
  private logonSettle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private logoutPromise: Promise<void> | undefined;

  /** Opens the WebSocket, logs on, and resolves once the firewall has echoed the Logon. */
  static connect(options: FixClientOptions): Promise<FixClient> {
    const heartBtInt = options.heartBtInt ?? DEFAULT_HEARTBT_INT;
    if (!Number.isSafeInteger(heartBtInt) || heartBtInt < 0) {
      return Promise.reject(new RangeError(`heartBtInt must be a non-negative integer, got ${heartBtInt}`));
    }
    return new Promise<FixClient>((resolve, reject) => {
      const client = new FixClient(options, heartBtInt, {
        resolve: () => resolve(client),
        reject,
      });
    });
  }

  private constructor(
    options: FixClientOptions,
    heartBtInt: number,
    settle: { resolve: () => void; reject: (error: Error) => void },
  ) {
    this.options = options;
    this.senderCompId = options.senderCompId;
    this.targetCompId = options.targetCompId;
    this.heartBtInt = heartBtInt;
    this.clock = options.clock ?? Date.now;
    this.autoHeartbeat = options.autoHeartbeat ?? true;
    this.bufferSize = Math.max(0, options.eventBufferSize ?? DEFAULT_EVENT_BUFFER);
    this.closed = new Promise<void>((resolve) => {
      this.markClosed = resolve;
    });

    const timeoutMs = options.logonTimeoutMs ?? DEFAULT_LOGON_TIMEOUT_MS;
    const timer = setTimeout(() => {
      this.failLogon(new FixLogonError(`no Logon answer within ${timeoutMs} ms`, undefined));
      this.ws.terminate();
    }, timeoutMs);
    this.logonSettle = {
      resolve: () => {
        clearTimeout(timer);
        settle.resolve();
      },
      reject: (error) => {
        clearTimeout(timer);
        settle.reject(error);
      },
    };

    try {
      this.ws = new WebSocket(options.url, {
        perMessageDeflate: false,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      });
    } catch (error) {
      // A URL the WebSocket refuses at once: the Logon timer must not fire later on no socket.
      clearTimeout(timer);
      throw error;
    }
    this.ws.on('open', () => this.onOpen());
    this.ws.on('message', (data, isBinary) => this.onFrame(toBuffer(data), isBinary));
    this.ws.on('error', (error) => {
      if (this.logonSettle !== undefined) this.failLogon(error);
      else this.emit('error', error);
    });
    this.ws.on('close', (code, reason) => this.onClose(code, reason.toString('utf8')));
  }

  /** The MsgSeqNum the next outbound message will carry. */
  get nextSeqNum(): number {
    return this.outSeq;
  }

  /** The MsgSeqNum expected on the next inbound message. */
  get expectedInboundSeqNum(): number {
    return this.inSeq;
  }

  /** Whether the session is logged on and the socket open (false once logout() is called). */
  get isActive(): boolean {
    return this.state === 'active' && this.ws.readyState === WebSocket.OPEN;
  }

  // ---- order messages -------------------------------------------------------------------------

  /** NewOrderSingle 35=D. Returns its MsgSeqNum. */
  newOrder(order: NewOrderInput): number {
    if (order.type === 'limit' && order.price === undefined) {
      throw new TypeError('newOrder: a limit order needs a price');
    }
    const now = this.now();
    return this.write(MsgType.NewOrderSingle, now, (e) => {
      e.field(Tag.ClOrdID, order.clOrdId)
        .field(Tag.Symbol, order.symbol)
        .field(Tag.Side, SIDE[order.side])
        .field(Tag.OrderQty, order.qty)
        .field(Tag.OrdType, ORD_TYPE[order.type]);
      if (order.type === 'limit' && order.price !== undefined) e.field(Tag.Price, order.price);
      e.field(Tag.TimeInForce, TIF[order.tif ?? 'GTC']).fieldUtcTimestamp(Tag.TransactTime, now);
      if (order.postOnly === true) e.field(Tag.ExecInst, '6');
    });
  }

  /** OrderCancelRequest 35=F. Returns its MsgSeqNum. */
  cancel(request: CancelInput): number {
    const now = this.now();
    return this.write(MsgType.OrderCancelRequest, now, (e) => {
      e.field(Tag.ClOrdID, request.clOrdId)
        .field(Tag.OrigClOrdID, request.origClOrdId)
        .field(Tag.Symbol, request.symbol)
        .field(Tag.Side, SIDE[request.side])
        .fieldUtcTimestamp(Tag.TransactTime, now);
    });
  }

  /** OrderCancelReplaceRequest 35=G. Returns its MsgSeqNum. */
  replace(request: ReplaceInput): number {
    const now = this.now();
    return this.write(MsgType.OrderCancelReplaceRequest, now, (e) => {
      e.field(Tag.ClOrdID, request.clOrdId)
        .field(Tag.OrigClOrdID, request.origClOrdId)
        .field(Tag.Symbol, request.symbol)
        .field(Tag.Side, SIDE[request.side])
        .field(Tag.OrderQty, request.qty)
        .field(Tag.OrdType, ORD_TYPE[request.type ?? 'limit'])
        .field(Tag.Price, request.price)
        .fieldUtcTimestamp(Tag.TransactTime, now);
    });
  }

  /** OrderMassCancelRequest 35=q: one symbol (530=1) or everything (530=7). Returns its MsgSeqNum. */
  massCancel(request: MassCancelInput): number {
    return this.write(MsgType.OrderMassCancelRequest, this.now(), (e) => {
      e.field(Tag.ClOrdID, request.clOrdId);
      if (request.symbol === undefined) e.field(Tag.MassCancelRequestType, '7');
      else e.field(Tag.MassCancelRequestType, '1').field(Tag.Symbol, request.symbol);
    });
  }

  /** TestRequest 35=1; the firewall answers with a Heartbeat carrying the same 112. */
  testRequest(testReqId: string): number {
    return this.write(MsgType.TestRequest, this.now(), (e) => e.field(Tag.TestReqID, testReqId));
  }

  /**
   * Any message: the header (49, 56, 34, 52) is filled in, `fields` follow in order. For
   * messages the typed methods cannot make (missing or malformed fields, other MsgTypes).
   */
  send(msgType: string, fields: ReadonlyArray<readonly [number, string | number]> = []): number {
    return this.write(msgType, this.now(), (e) => {
      for (const [tag, value] of fields) e.field(tag, value);
    });
  }

  /**
   * Sends bytes as they are, without touching the sequence numbers: a Uint8Array as a binary
   * frame, a string as a text frame. For garbled input and hand-made frames; see reserveSeqNum.
   */
  sendRaw(data: Uint8Array | string): void {
    this.assertOpen();
    if (typeof data === 'string') this.ws.send(data, { binary: false });
    else this.ws.send(Buffer.from(data), { binary: true });
    this.lastSendAt = performance.now();
  }

  /** Takes the next outbound MsgSeqNum for a message sent with sendRaw, so later ones follow it. */
  reserveSeqNum(): number {
    return this.outSeq++;
  }

  // ---- session end ----------------------------------------------------------------------------

  /**
   * Logout 35=5 (with 58 when `text` is given). Resolves when the firewall's Logout arrives
   * (the client then closes the socket) or the socket closes; after `timeoutMs` without
   * either, the socket is dropped.
   */
  logout(text?: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    if (this.logoutPromise !== undefined) return this.logoutPromise;
    if (this.state === 'closed') return Promise.resolve();
    const sent = this.ws.readyState === WebSocket.OPEN;
    if (sent) {
      this.write(MsgType.Logout, this.now(), (e) => {
        if (text !== undefined) e.field(Tag.Text, text);
      });
    }
    this.state = 'loggingOut';
    this.stopHeartbeats();
    this.logoutPromise = new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.ws.terminate(), sent ? timeoutMs : CLOSE_GRACE_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const offLogout = this.once('logout', () => {
        offClose();
        done();
        this.ws.close(1000);
      });
      const offClose = this.once('close', () => {
        offLogout();
        done();
      });
    });
    return this.logoutPromise;
  }

  /** Closes the WebSocket (1000) without a Logout; resolves once it is closed. */
  close(): Promise<void> {
    if (this.state !== 'closed') {
      this.stopHeartbeats();
      this.ws.close(1000);
      setTimeout(() => {
        if (this.state !== 'closed') this.ws.terminate();
      }, CLOSE_GRACE_MS).unref();
    }
    return this.closed;
  }

  // ---- events ---------------------------------------------------------------------------------

  /**
   * Adds a listener; returns a function that removes it. Listeners run synchronously, in
   * arrival order; one that throws stops the rest of that frame (as with an EventEmitter).
   */
  on<K extends FixClientEvent>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** A listener called for the next event only; returns a function that removes it. */
  once<K extends FixClientEvent>(event: K, listener: Listener<K>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends FixClientEvent>(event: K, listener: Listener<K>): void {
    this.listeners.get(event)?.delete(listener);
  }

  /**
   * The first event of that kind that satisfies `predicate`: one of the recent events kept
   * (oldest first), else the next to arrive. Each event satisfies at most one waitFor, so
   * successive waitFor calls step through the events in order ('close' satisfies them all).
   * Rejects after `timeoutMs`, or when the socket closes first (unless waiting for 'close').
   */
  waitFor<K extends FixClientEvent>(
    event: K,
    predicate?: (payload: FixClientEvents[K]) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<FixClientEvents[K]> {
    const kept = this.buffered.get(event) as FixClientEvents[K][] | undefined;
    if (kept !== undefined) {
      try {
        const index = predicate === undefined ? (kept.length > 0 ? 0 : -1) : kept.findIndex(predicate);
        if (index >= 0) {
          const payload = kept[index]!;
          if (event !== 'close') kept.splice(index, 1);
          return Promise.resolve(payload);
        }
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.closeInfo !== undefined) {
      if (event === 'close') return Promise.resolve(this.closeInfo as FixClientEvents[K]);
      return Promise.reject(new Error(`waitFor(${event}): the connection is closed`));
    }
    return new Promise<FixClientEvents[K]>((resolve, reject) => {
      const waiter: Waiter = {
        event,
        predicate: predicate as Waiter['predicate'],
        resolve: resolve as Waiter['resolve'],
        reject,
        timer: setTimeout(() => {
          this.removeWaiter(waiter);
          reject(new Error(`waitFor(${event}) timed out after ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Forgets the kept events (of one kind, or all), so waitFor only sees what arrives next. */
  clearEvents(event?: FixClientEvent): void {
    if (event === undefined) this.buffered.clear();
    else this.buffered.delete(event);
  }

  private removeWaiter(waiter: Waiter): void {
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** Whether anything would see the event (so its payload is worth building). */
  private wants(event: FixClientEvent): boolean {
    if (this.bufferSize > 0) return true;
    const set = this.listeners.get(event);
    if (set !== undefined && set.size > 0) return true;
    for (const w of this.waiters) if (w.event === event) return true;
    return false;
  }

  private emit<K extends FixClientEvent>(event: K, payload: FixClientEvents[K]): void {
    const set = this.listeners.get(event);
    if (set !== undefined) for (const listener of set) (listener as Listener<K>)(payload);

    let taken = false;
    for (let i = 0; i < this.waiters.length; i++) {
      const waiter = this.waiters[i]!;
      if (waiter.event !== event) continue;
      let matches: boolean;
      try {
        matches =
          waiter.predicate === undefined || (waiter.predicate as (p: FixClientEvents[K]) => boolean)(payload);
      } catch (error) {
        this.waiters.splice(i--, 1);
        clearTimeout(waiter.timer);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (!matches) continue;
      this.waiters.splice(i--, 1);
      clearTimeout(waiter.timer);
      (waiter.resolve as (p: FixClientEvents[K]) => void)(payload);
      if (event !== 'close') {
        taken = true;
        break;
      }
    }
    if (taken || this.bufferSize === 0) return;
    let kept = this.buffered.get(event);
    if (kept === undefined) {
      kept = [];
      this.buffered.set(event, kept);
    }
    kept.push(payload);
    if (kept.length > this.bufferSize) kept.shift();
  }

  // ---- outbound -------------------------------------------------------------------------------

  private now(): number {
    return Math.floor(this.clock());
  }

  private assertOpen(): void {
    if (this.ws.readyState !== WebSocket.OPEN) throw new Error('FIX session is not open');
  }

  /**
   * Encodes and sends one message: 35, 49, 56, 34, 52 (SendingTime of `now`, or the exact
   * `sendingTime` given), then the body. Takes a MsgSeqNum only once the message is built.
   */
  private write(
    msgType: string,
    now: number,
    body?: (encoder: FixEncoder) => void,
    sendingTime?: string,
  ): number {
    this.assertOpen();
    const seq = this.outSeq;
    const e = this.encoder
      .begin(msgType)
      .field(Tag.SenderCompID, this.senderCompId)
      .field(Tag.TargetCompID, this.targetCompId)
      .field(Tag.MsgSeqNum, seq);
    if (sendingTime === undefined) e.fieldUtcTimestamp(Tag.SendingTime, now);
    else e.field(Tag.SendingTime, sendingTime);
    body?.(e);
    // Copied: the encoder's buffer is reused by the next message, ws may still hold this one.
    const bytes = Buffer.from(e.end());
    this.outSeq = seq + 1;
    this.ws.send(bytes, { binary: true });
    this.lastSendAt = performance.now();
    return seq;
  }

  private onOpen(): void {
    const { credentials, cancelOnDisconnect } = this.options;
    try {
      const sendingTime = formatUtcTimestamp(this.now());
      const signature = signLogon(
        credentials,
        this.senderCompId,
        this.targetCompId,
        this.outSeq,
        sendingTime,
      );
      this.write(
        MsgType.Logon,
        0,
        (e) => {
          e.field(Tag.EncryptMethod, 0)
            .field(Tag.HeartBtInt, this.heartBtInt)
            .field(Tag.ResetSeqNumFlag, 'Y')
            .field(Tag.Username, credentials.keyId)
            .field(Tag.RawDataLength, signature.length)
            .field(Tag.RawData, signature);
          if (cancelOnDisconnect !== undefined)
            e.field(Tag.CancelOnDisconnect, cancelOnDisconnect ? 'Y' : 'N');
        },
        sendingTime,
      );
    } catch (error) {
      this.failLogon(error instanceof Error ? error : new Error(String(error)));
      this.ws.close();
    }
  }

  private startHeartbeats(): void {
    if (!this.autoHeartbeat || this.heartBtInt === 0) return;
    this.lastReceiveAt = performance.now();
    this.testRequestSentAt = -1;
    this.scheduleHeartbeat(this.heartBtInt * 1000);
  }

  private scheduleHeartbeat(delayMs: number): void {
    this.heartbeatTimer = setTimeout(() => this.onHeartbeatTimer(), delayMs);
    this.heartbeatTimer.unref();
  }

  /**
   * Heartbeats after HeartBtInt of outbound silence; and, as the firewall does on its side, a
   * TestRequest after 1.2 x HeartBtInt of inbound silence, and the connection dropped when that
   * is not answered within another HeartBtInt: a client that believes its session (and its
   * quotes) alive must not go on believing it while nothing comes back.
   */
  private onHeartbeatTimer(): void {
    this.heartbeatTimer = undefined;
    if (this.state !== 'active' || this.ws.readyState !== WebSocket.OPEN) return;
    const intervalMs = this.heartBtInt * 1000;
    const now = performance.now();
    if (this.testRequestSentAt >= 0) {
      if (now - this.testRequestSentAt >= intervalMs) {
        this.emit('protocolError', {
          kind: 'silence',
          text: `nothing received for ${Math.round(now - this.lastReceiveAt)} ms, TestRequest unanswered`,
        });
        this.ws.terminate();
        return;
      }
    } else if (now - this.lastReceiveAt >= 1.2 * intervalMs) {
      this.testRequestSentAt = now;
      this.testRequest(`silence-${++this.testRequests}`);
    }
    if (now - this.lastSendAt >= intervalMs) this.write(MsgType.Heartbeat, this.now());
    const outboundDue = this.lastSendAt + intervalMs;
    const inboundDue =
      this.testRequestSentAt >= 0
        ? this.testRequestSentAt + intervalMs
        : this.lastReceiveAt + 1.2 * intervalMs;
    this.scheduleHeartbeat(Math.max(1, Math.ceil(Math.min(outboundDue, inboundDue) - performance.now())));
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer !== undefined) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  // ---- inbound --------------------------------------------------------------------------------

  private onFrame(frame: Buffer, _isBinary: boolean): void {
    this.lastReceiveAt = performance.now();
    this.testRequestSentAt = -1;
    const msg = this.inbound;
    let offset = 0;
    while (offset < frame.length) {
      const end = parseNext(frame, offset, msg);
      if (end < 0) {
        const error = end as ParseErrorValue;
        const tag = msg.errorTag === 0 ? '' : ` (tag ${msg.errorTag})`;
        this.emit('protocolError', {
          kind: 'parse',
          text: `${parseErrorText(error)}${tag} at offset ${msg.errorOffset}`,
          parseError: error,
        });
        // Intact framing (a repeated tag): skip that message. Otherwise the rest is unreadable.
        if (isGarbled(error) || msg.frameEnd < 0) return;
        offset = msg.frameEnd;
        continue;
      }
      this.onMessage(frame, msg);
      offset = end;
    }
  }

  private onMessage(frame: Buffer, msg: FixMessage): void {
    const seqNum = msg.getInt(Tag.MsgSeqNum);
    if (seqNum !== this.inSeq) {
      this.emit('protocolError', {
        kind: 'sequence',
        text: `MsgSeqNum ${seqNum < this.inSeq ? 'too low' : 'too high'}: expected ${this.inSeq}, received ${seqNum}`,
      });
    }
    if (Number.isSafeInteger(seqNum)) this.inSeq = seqNum + 1;

    if (this.wants('message')) {
      const fields: FixField[] = [];
      for (let i = 0; i < msg.fieldCount; i++) {
        fields.push([msg.tagAt(i), frame.toString('latin1', msg.valueStartAt(i), msg.valueEndAt(i))]);
      }
      this.emit('message', fields);
    }

    switch (msg.getChar(Tag.MsgType)) {
      case MsgTypeByte.ExecutionReport:
        if (this.wants('executionReport')) this.emit('executionReport', readExecutionReport(msg));
        break;
      case MsgTypeByte.OrderCancelReject:
        if (this.wants('orderCancelReject')) this.emit('orderCancelReject', readOrderCancelReject(msg));
        break;
      case MsgTypeByte.OrderMassCancelReport:
        if (this.wants('massCancelReport')) this.emit('massCancelReport', readMassCancelReport(msg));
        break;
      case MsgTypeByte.Reject:
        if (this.wants('reject')) this.emit('reject', readSessionReject(msg));
        break;
      case MsgTypeByte.BusinessMessageReject:
        if (this.wants('businessReject')) this.emit('businessReject', readBusinessReject(msg));
        break;
      case MsgTypeByte.Heartbeat:
        if (this.wants('heartbeat'))
          this.emit('heartbeat', { testReqId: msg.getString(Tag.TestReqID), seqNum });
        break;
      case MsgTypeByte.TestRequest: {
        const testReqId = msg.getString(Tag.TestReqID);
        if (this.autoHeartbeat && this.state === 'active' && this.ws.readyState === WebSocket.OPEN) {
          this.write(MsgType.Heartbeat, this.now(), (e) => {
            if (testReqId !== undefined) e.field(Tag.TestReqID, testReqId);
          });
        }
        this.emit('testRequest', { testReqId, seqNum });
        break;
      }
      case MsgTypeByte.Logon:
        if (this.logonSettle !== undefined) {
          const settle = this.logonSettle;
          this.logonSettle = undefined;
          this.state = 'active';
          this.startHeartbeats();
          settle.resolve();
        }
        break;
      case MsgTypeByte.Logout: {
        const text = msg.getString(Tag.Text);
        if (this.logonSettle !== undefined) {
          this.failLogon(new FixLogonError(text ?? 'Logon refused (Logout without 58)', text));
          this.ws.close(1000);
        }
        this.stopHeartbeats();
        if (this.state === 'active') {
          // The firewall ends the session: no more orders go out on it. Answered with a
          // Logout, as FIX has it, and the socket closed (the firewall closes it too).
          this.state = 'loggingOut';
          if (this.ws.readyState === WebSocket.OPEN) {
            this.write(MsgType.Logout, this.now());
            this.ws.close(1000);
          }
        }
        this.emit('logout', { text, seqNum });
        break;
      }
      default:
        break;
    }
  }

  private failLogon(error: Error): void {
    const settle = this.logonSettle;
    if (settle === undefined) return;
    this.logonSettle = undefined;
    settle.reject(error);
  }

  private onClose(code: number, reason: string): void {
    this.state = 'closed';
    this.stopHeartbeats();
    this.closeInfo = { code, reason };
    const why = reason.length > 0 ? `${code} ${reason}` : String(code);
    this.failLogon(new FixLogonError(`connection closed before the Logon answer (${why})`, undefined));
    this.emit('close', this.closeInfo);
    const pending = this.waiters;
    this.waiters = [];
    for (const waiter of pending) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`waitFor(${waiter.event}): the connection closed (${why})`));
    }
    this.markClosed();
  }
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
