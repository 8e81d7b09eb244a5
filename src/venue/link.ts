// The firewall's TCP link to the venue (SPEC section 6).
//
// - Connects, sends Hello, and counts as up once the venue's Hello arrives.
//   Reconnects with capped exponential backoff and equal jitter; a connect
//   that hangs is given up after three heartbeat intervals. Each failed
//   attempt is logged, with the next delay.
// - Every request gets exactly one outcome through the handler: its answer
//   (onAnswer), or a timeout (onTimeout, after which the late answer still
//   arrives through onAnswer with `timedOut` set, to be reconciled), or the
//   link going down (onLinkDown lists what was in flight).
// - While down, or while the outbound queue is over its bound (the venue is
//   not reading), send* returns false at once: the caller answers
//   VENUE_UNAVAILABLE instead of buffering without limit. Cancels get twice
//   the room of new orders, so risk can still be pulled when the link is slow.
// - Heartbeats: one every heartbeatMs; no byte from the venue for three
//   intervals means the link is dead (a hung venue does not look alive).
// - The venue's events are checked before anything acts on them
//   (event-checks.ts): an impossible one, or an answer that does not fit its
//   request, is logged and dropped; the request then waits on, to its timeout.
//   A message of a type this build does not know (a newer venue's) is skipped.
// - A request still unanswered UNANSWERED_LOG_TIMEOUTS x timeoutMs after it was
//   sent is logged at error, once: the venue owes every request an answer, and
//   until it comes (or the link drops) the order stays counted as it was.
import { connect, type Socket } from 'node:net';
import type { OrderTypeValue, SideValue, TimeInForceValue } from '../pipeline/request.ts';
import {
  decodeVenueMessage,
  UnknownMessageTypeError,
  VENUE_PROTOCOL_VERSION,
  VenueEncoder,
  type VenueEvent,
  type VenueMessage,
} from './codec.ts';
import { impossibleVenueEvent, misfitAnswer } from './event-checks.ts';
import { FrameWriter } from './frame-writer.ts';
import { FrameDecoder } from './framing.ts';
import { InFlightRequest, REQUEST_KINDS, RequestKind } from './in-flight-request.ts';
import type { VenueSender } from './venue-sender.ts';

/** A link up this long counts as healthy: its loss restarts the backoff from the minimum. */
const STABLE_LINK_MS = 10_000;
/** One read from the venue's socket at most (Node's own read size). */
const READ_BUFFER_BYTES = 64 * 1024;
/** A request unanswered this many timeouts after it was sent is logged at error. */
const UNANSWERED_LOG_TIMEOUTS = 10;

export { InFlightRequest, RequestKind, type RequestKindValue } from './in-flight-request.ts';

export interface VenueLinkHandler {
  /** The direct answer to a request (also when it comes after the timeout: check `request.timedOut`). */
  onAnswer(request: InFlightRequest, event: VenueEvent): void;
  /** No answer within timeoutMs: tell the client VENUE_TIMEOUT; the request stays in flight. */
  onTimeout(request: InFlightRequest): void;
  /** Events that answer no request: fills, unsolicited cancels, reference prices. */
  onEvent(event: VenueEvent): void;
  /** The link went down; these requests will never be answered (the venue drops a lost link's orders). */
  onLinkDown(inFlight: InFlightRequest[], reason: string): void;
  onLinkUp(): void;
}

export interface VenueLinkOptions {
  host: string;
  port: number;
  timeoutMs: number;
  firewallId: string;
  handler: VenueLinkHandler;
  /** Bytes queued towards the venue beyond which new orders are refused. Default 4 MiB. */
  maxQueuedBytes?: number;
  heartbeatMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  log?: (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string) => void;
}

/**
 * A queue consumed from `head` (the slots before it emptied): drops those slots once they are
 * over a thousand and most of it, so it neither grows for good nor moves its entries often.
 * Returns the new head.
 */
function dropConsumed(queue: unknown[], head: number): number {
  if (head > 1024 && head * 2 > queue.length) {
    queue.splice(0, head);
    return 0;
  }
  return head;
}

export class VenueLink implements VenueSender {
  private socket: Socket | null = null;
  private writer: FrameWriter | null = null;
  private up = false;
  private stopped = false;
  private readonly encoder = new VenueEncoder();
  /** What each read from the venue lands in (see open()). */
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private readonly inFlight = new Map<number, InFlightRequest>();
  /**
   * In-flight requests in send order; deadlines only grow, so the head expires first.
   * Answered requests are let go from the head as answers arrive (slots before the head
   * are cleared), not only when the head's timer fires: held for timeoutMs, every
   * answered request (and what it points to) outlived young-generation collections.
   */
  private readonly deadlines: (InFlightRequest | undefined)[] = [];
  private deadlineHead = 0;
  private deadlineTimer: NodeJS.Timeout | null = null;
  /** Timed-out requests, in timeout order, until answered or logged as long unanswered. */
  private readonly overdue: (InFlightRequest | undefined)[] = [];
  private overdueHead = 0;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private backoffMs: number;
  private lastInboundMs = 0;
  /** When the link last came up: the backoff resets only after a link that stayed up a while. */
  private upSinceMs = 0;
  private nextRequestId = 1;
  private nextHeartbeatId = 1;
  /** Connection attempts since the link was last up (for the log). */
  private attempts = 0;
  private flushScheduled = false;
  private readonly maxQueuedBytes: number;
  private readonly heartbeatMs: number;
  /** Three heartbeat intervals: how long the venue may be silent, or a connect may hang. */
  private readonly silenceMs: number;
  private readonly reconnectMinMs: number;
  private readonly reconnectMaxMs: number;
  private readonly flush = () => {
    this.flushScheduled = false;
    this.writer?.flush();
  };

  /** Counters for metrics and tests. */
  readonly stats = {
    connects: 0,
    disconnects: 0,
    timeouts: 0,
    lateAnswers: 0,
    /** Requests logged as unanswered long after their timeout. */
    longUnanswered: 0,
    refusedWhileDown: 0,
    refusedQueueFull: 0,
  };

  constructor(private readonly options: VenueLinkOptions) {
    this.maxQueuedBytes = options.maxQueuedBytes ?? 4 * 1024 * 1024;
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.silenceMs = 3 * this.heartbeatMs;
    this.reconnectMinMs = options.reconnectMinMs ?? 100;
    this.reconnectMaxMs = options.reconnectMaxMs ?? 5000;
    this.backoffMs = this.reconnectMinMs;
  }

  get isUp(): boolean {
    return this.up;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** A fresh id for a request (new orders use it as their orderId too); unique for this run. */
  nextId(): number {
    return this.nextRequestId++;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  /** Closes the link for good; in-flight requests are reported through onLinkDown. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }

  /** Sends a new order (its requestId is its orderId). False when the link cannot take it now. */
  sendNewOrder(
    orderId: number,
    account: string,
    symbol: string,
    side: SideValue,
    type: OrderTypeValue,
    tif: TimeInForceValue,
    postOnly: boolean,
    priceTicks: number,
    qtyLots: number,
    context: unknown,
  ): boolean {
    if (!this.canSend(1)) return false;
    const frame = this.encoder.newOrder(
      orderId,
      orderId,
      account,
      symbol,
      side,
      type,
      tif,
      postOnly,
      priceTicks,
      qtyLots,
    );
    this.send(frame, new InFlightRequest(orderId, RequestKind.NEW_ORDER, orderId, this.deadline(), context));
    return true;
  }

  sendCancel(orderId: number, context: unknown): InFlightRequest | null {
    if (!this.canSend(2)) return null;
    const id = this.nextId();
    const request = new InFlightRequest(id, RequestKind.CANCEL, orderId, this.deadline(), context);
    this.send(this.encoder.cancel(id, orderId), request);
    return request;
  }

  sendReplace(
    orderId: number,
    priceTicks: number,
    qtyLots: number,
    context: unknown,
  ): InFlightRequest | null {
    if (!this.canSend(1)) return null;
    const id = this.nextId();
    const request = new InFlightRequest(id, RequestKind.REPLACE, orderId, this.deadline(), context);
    this.send(this.encoder.replace(id, orderId, priceTicks, qtyLots), request);
    return request;
  }

  sendMassCancel(account: string, symbol: string, context: unknown): InFlightRequest | null {
    if (!this.canSend(2)) return null;
    const id = this.nextId();
    const request = new InFlightRequest(id, RequestKind.MASS_CANCEL, 0, this.deadline(), context);
    this.send(this.encoder.massCancel(id, account, symbol), request);
    return request;
  }

  canSendNewOrder(): boolean {
    return this.canSend(1);
  }

  private canSend(room: number): boolean {
    if (!this.up) {
      this.stats.refusedWhileDown++;
      return false;
    }
    const queued = this.socket!.writableLength + this.writer!.pendingBytes;
    if (queued > this.maxQueuedBytes * room) {
      this.stats.refusedQueueFull++;
      return false;
    }
    return true;
  }

  private deadline(): number {
    return Date.now() + this.options.timeoutMs;
  }

  private send(frame: Uint8Array, request: InFlightRequest): void {
    this.writer!.push(frame);
    this.inFlight.set(request.requestId, request);
    this.deadlines.push(request);
    if (this.deadlineTimer === null) this.armDeadlineTimer();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // End of the event-loop turn: every order of this turn goes out in one write.
      setImmediate(this.flush);
    }
  }

  private open(): void {
    if (this.stopped) return;
    this.attempts++;
    let failure = '';
    const decoder = new FrameDecoder({
      onFrame: (payload) => this.onFrame(payload, socket, decoder),
      onError: (error) => {
        this.log('warn', { error: error.message }, 'venue sent a bad frame; dropping the link');
        socket.destroy();
      },
    });
    // The venue's bytes are read into one buffer of the link's, handed to the decoder in the
    // callback, and not kept (the decoder copies what it keeps of a split frame). A 'data'
    // event instead allocates a buffer per read and passes it through the stream's queueing,
    // on the way of every answer and fill to the client.
    const socket = connect({
      host: this.options.host,
      port: this.options.port,
      onread: {
        buffer: this.readBuffer,
        callback: (bytes) => {
          this.lastInboundMs = Date.now();
          decoder.push(this.readBuffer, bytes);
          // Keep reading: returning false would pause the socket.
          return true;
        },
      },
    });
    socket.setNoDelay(true);
    this.socket = socket;
    // Without this a connect to an address that drops the attempt waits out the kernel's
    // retries (about two minutes) before the next try.
    const connectTimer = setTimeout(() => {
      failure = `no connection within ${this.silenceMs} ms`;
      socket.destroy();
    }, this.silenceMs);
    connectTimer.unref();
    socket.on('connect', () => {
      clearTimeout(connectTimer);
      this.stats.connects++;
      this.writer = new FrameWriter(socket);
      this.lastInboundMs = Date.now();
      this.writer.push(this.encoder.hello(this.options.firewallId, VENUE_PROTOCOL_VERSION));
      this.writer.flush();
      // Watch for silence from now on: a venue that never says Hello must not hold the link forever.
      this.startHeartbeats();
    });
    socket.on('error', (error) => {
      failure = error.message;
      if (this.up) this.log('warn', { error: error.message }, 'venue link error');
    });
    socket.on('close', () => {
      clearTimeout(connectTimer);
      decoder.destroy();
      if (this.socket === socket) this.onClosed(failure);
    });
  }

  /** Stops reading a link we decided to drop: nothing more from it is acted on. */
  private drop(socket: Socket, decoder: FrameDecoder): void {
    decoder.destroy();
    socket.destroy();
  }

  private onFrame(payload: Buffer, socket: Socket, decoder: FrameDecoder): void {
    let event: VenueMessage;
    try {
      event = decodeVenueMessage(payload);
    } catch (error) {
      if (error instanceof UnknownMessageTypeError) {
        // The schema grows its union only at the end: a newer venue's message, not garbage.
        this.log(
          'warn',
          { messageType: error.messageType },
          'venue sent a message type this firewall does not know; skipped',
        );
        return;
      }
      this.log(
        'warn',
        { error: (error as Error).message },
        'venue sent an undecodable message; dropping the link',
      );
      this.drop(socket, decoder);
      return;
    }
    // The handler reaches every door's clients (reports, HTTP answers). An exception there is
    // a bug met by one event: logged, and the link goes on with the next, rather than ending
    // the process (this runs in the socket's read callback) and every client's session with it.
    try {
      this.dispatch(event, socket, decoder);
    } catch (error) {
      this.log(
        'error',
        { kind: event.kind, error: error instanceof Error ? error.message : String(error) },
        'handling a venue message failed',
      );
    }
  }

  private dispatch(event: VenueMessage, socket: Socket, decoder: FrameDecoder): void {
    if (!this.up && event.kind !== 'hello' && event.kind !== 'heartbeat') {
      this.log('warn', { kind: event.kind }, 'venue spoke before its Hello; dropping the link');
      this.drop(socket, decoder);
      return;
    }
    const impossible = impossibleVenueEvent(event);
    if (impossible !== null) {
      this.log('error', { event }, `venue sent ${impossible}; ignored`);
      return;
    }
    switch (event.kind) {
      case 'hello':
        if (this.up) {
          this.log('warn', { venue: event.firewallId }, 'venue said Hello twice; ignored');
          return;
        }
        if (event.protocolVersion !== VENUE_PROTOCOL_VERSION) {
          this.log(
            'warn',
            { theirs: event.protocolVersion, ours: VENUE_PROTOCOL_VERSION },
            'venue protocol mismatch',
          );
          this.drop(socket, decoder);
          return;
        }
        this.up = true;
        this.upSinceMs = Date.now();
        this.attempts = 0;
        this.startHeartbeats();
        this.log('info', { venue: event.firewallId }, 'venue link up');
        this.options.handler.onLinkUp();
        return;
      case 'heartbeat':
        return;
      case 'ack':
      case 'reject':
      case 'replaced':
      case 'massCancelDone':
        this.answer(event.requestId, event);
        return;
      case 'canceled':
        if (event.requestId !== 0) this.answer(event.requestId, event);
        else this.options.handler.onEvent(event);
        return;
      case 'fill':
      case 'refPrice':
        this.options.handler.onEvent(event);
        return;
      default:
        // A request (NewOrder, Cancel, ...) goes the other way.
        this.log('warn', { kind: event.kind }, 'venue sent a request; ignored');
    }
  }

  private answer(requestId: number, event: VenueEvent): void {
    const request = this.inFlight.get(requestId);
    if (!request) {
      this.log('warn', { requestId, kind: event.kind }, 'venue answered an unknown request');
      return;
    }
    const misfit = misfitAnswer(request, event);
    if (misfit !== null) {
      // Acting on it would settle this request with another order's event (or none): the
      // request waits on for its own answer, or its timeout (VENUE_TIMEOUT, status unknown).
      this.log('error', { requestId, event }, `venue answered with ${misfit}; ignored`);
      return;
    }
    this.inFlight.delete(requestId);
    request.answered = true;
    this.releaseAnsweredHead();
    if (request.timedOut) this.stats.lateAnswers++;
    this.options.handler.onAnswer(request, event);
  }

  /** Moves the deadline queue's head past answered requests, letting them go. */
  private releaseAnsweredHead(): void {
    const deadlines = this.deadlines;
    let head = this.deadlineHead;
    while (head < deadlines.length && deadlines[head]!.answered) deadlines[head++] = undefined;
    this.deadlineHead = dropConsumed(deadlines, head);
  }

  private armDeadlineTimer(): void {
    this.releaseAnsweredHead();
    const head = this.deadlines[this.deadlineHead];
    if (!head) {
      this.deadlineTimer = null;
      return;
    }
    this.deadlineTimer = setTimeout(() => this.expire(), Math.max(0, head.deadlineMs - Date.now()));
    this.deadlineTimer.unref();
  }

  private expire(): void {
    const now = Date.now();
    while (this.deadlineHead < this.deadlines.length) {
      const request = this.deadlines[this.deadlineHead]!;
      if (!request.answered && request.deadlineMs > now) break;
      this.deadlines[this.deadlineHead++] = undefined;
      if (!request.answered && !request.timedOut) {
        request.timedOut = true;
        this.stats.timeouts++;
        this.overdue.push(request);
        this.options.handler.onTimeout(request);
      }
    }
    this.armDeadlineTimer();
  }

  /** Logs, once each, the timed-out requests the venue has left unanswered for UNANSWERED_LOG_TIMEOUTS timeouts. */
  private logLongUnanswered(now: number): void {
    const overdue = this.overdue;
    // Sent at deadlineMs - timeoutMs.
    const limitMs = (UNANSWERED_LOG_TIMEOUTS - 1) * this.options.timeoutMs;
    let head = this.overdueHead;
    while (head < overdue.length) {
      const request = overdue[head]!;
      if (!request.answered) {
        if (now - request.deadlineMs < limitMs) break;
        this.stats.longUnanswered++;
        this.log(
          'error',
          {
            requestId: request.requestId,
            kind: REQUEST_KINDS[request.kind].message,
            orderId: request.orderId,
            waitedMs: now - request.deadlineMs + this.options.timeoutMs,
          },
          'venue has not answered a request it owes an answer; its order stays counted as it was until the answer comes or the link drops',
        );
      }
      overdue[head++] = undefined;
    }
    this.overdueHead = dropConsumed(overdue, head);
  }

  private startHeartbeats(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => {
      if (!this.writer) return;
      if (this.overdueHead < this.overdue.length) this.logLongUnanswered(Date.now());
      if (this.silent()) {
        // Timers run before I/O in each turn of the event loop: after this process stalled
        // (a long collection, a busy turn), what the venue sent in time may wait unread.
        // Decide once it has been read, at the end of this turn.
        const socket = this.socket;
        setImmediate(() => {
          if (this.socket !== socket || !this.silent()) return;
          this.log(
            'warn',
            { silentMs: Date.now() - this.lastInboundMs, up: this.up },
            'venue silent; dropping the link',
          );
          socket?.destroy();
        });
        return;
      }
      if (!this.up) return; // heartbeats only after the handshake
      this.writer.push(this.encoder.heartbeat(this.nextHeartbeatId++, process.hrtime.bigint()));
      this.writer.flush();
    }, this.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  /** No byte from the venue for three heartbeat intervals. */
  private silent(): boolean {
    return Date.now() - this.lastInboundMs > this.silenceMs;
  }

  private onClosed(failure: string): void {
    const wasUp = this.up;
    this.up = false;
    this.socket = null;
    this.writer = null;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    const lost = [...this.inFlight.values()];
    this.inFlight.clear();
    this.deadlines.length = 0;
    this.deadlineHead = 0;
    this.overdue.length = 0;
    this.overdueHead = 0;
    if (wasUp && !this.stopped) {
      this.stats.disconnects++;
      this.log('warn', { inFlight: lost.length }, 'venue link down');
    }
    const reason = this.stopped ? 'the firewall is shutting down' : 'venue link lost';
    if (wasUp || lost.length > 0) this.options.handler.onLinkDown(lost, reason);
    if (this.stopped) return;
    // A venue that accepts and then drops the link at once must not be hammered at the minimum interval.
    if (wasUp && Date.now() - this.upSinceMs >= STABLE_LINK_MS) this.backoffMs = this.reconnectMinMs;
    // Equal jitter: between half and all of the backoff, so firewalls restarted together spread out.
    const delay = this.backoffMs / 2 + Math.random() * (this.backoffMs / 2);
    this.backoffMs = Math.min(this.backoffMs * 2, this.reconnectMaxMs);
    if (!wasUp) {
      this.log(
        'warn',
        { error: failure || 'closed before its Hello', attempt: this.attempts, retryInMs: Math.round(delay) },
        'venue link not established; retrying',
      );
    }
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.open();
    }, delay);
  }

  private log(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string): void {
    this.options.log?.(level, fields, message);
  }
}
