// One REST request from arrival to its one response. While an order, cancel
// or cancel-all waits on the venue, the call is the request's owner
// (OrderOwner): the venue's answer becomes the HTTP response. Events after
// the response (fills of a resting order) are for FIX sessions and queries.
import type { HttpResponse } from 'uWebSockets.js';
import { RejectCode, type RejectCodeValue, rejectInfo } from '../../pipeline/reject-codes.ts';
import type { OrderOwner, PendingRequest } from '../../routing/order-owner.ts';
import type { OrderRecord } from '../../state/order-registry.ts';
import type { RateLimitHeaders, ReplyTarget } from './rest-reply.ts';
import { reply, replyError } from './rest-reply.ts';

/** What a call needs from its API, shared by all calls (no closure per request). */
export interface RestCallHooks {
  /** Logs a refused request with the requestId its error body carries. */
  logReject(call: RestCall, status: number, code: string, message: string): void;
  /** Logs an answer that found the client gone (it closed the connection while the venue decided). */
  logUnanswered(call: RestCall, status: number, body: unknown): void;
  /** The RateLimit headers of one policy for one rate-limit key, as they stand now. */
  rateLimitHeaders(key: bigint, policy: number, name: string, ratePerSec: number): RateLimitHeaders;
}

export class RestCall implements ReplyTarget, OrderOwner {
  aborted = false;
  done = false;
  /** Key id once authenticated, for the log line. */
  keyId = '';
  /** A HEAD request: answered with status and headers only (see ReplyTarget). */
  headOnly = false;
  // The policy the RateLimit headers describe: the address's until the caller
  // authenticates, then the account's. Only recorded here; the headers are built
  // once, when the response is written.
  private limitKey = 0n;
  private limitPolicy = -1;
  private limitName = '';
  private limitRatePerSec = 0;

  private requestIdText = '';

  constructor(
    readonly res: HttpResponse,
    private readonly requestIdPrefix: string,
    private readonly requestNumber: number,
    readonly msgpack: boolean,
    private readonly hooks: RestCallHooks,
  ) {}

  /** `<prefix>-<number in base 36>`, made when first needed (the response, a log line): off the way to the venue. */
  get requestId(): string {
    if (this.requestIdText === '') {
      this.requestIdText = `${this.requestIdPrefix}-${this.requestNumber.toString(36)}`;
    }
    return this.requestIdText;
  }

  /** Which policy the response's RateLimit headers describe. */
  limitBy(key: bigint, policy: number, name: string, ratePerSec: number): void {
    this.limitKey = key;
    this.limitPolicy = policy;
    this.limitName = name;
    this.limitRatePerSec = ratePerSec;
  }

  rateLimitHeaders(): RateLimitHeaders | null {
    if (this.limitPolicy < 0) return null;
    return this.hooks.rateLimitHeaders(this.limitKey, this.limitPolicy, this.limitName, this.limitRatePerSec);
  }

  fail(code: RejectCodeValue, message: string, retryAfterNs = 0, closeConnection = false): void {
    if (this.done) return;
    if (this.aborted) {
      const info = rejectInfo(code);
      this.unanswered(info.httpStatus, { error: { code: info.code, message } });
      return;
    }
    const status = replyError(this, code, message, retryAfterNs, closeConnection);
    this.hooks.logReject(this, status, rejectInfo(code).code, message);
  }

  /** An INVALID_REQUEST with an HTTP status of its own (404 no such route, 405 wrong method). */
  failWithStatus(status: number, message: string, headers?: Record<string, string>): void {
    if (this.done || this.aborted) return;
    reply(this, status, { error: { code: 'INVALID_REQUEST', message, requestId: this.requestId } }, headers);
    this.hooks.logReject(this, status, 'INVALID_REQUEST', message);
  }

  ok(status: number, body: unknown): void {
    if (this.aborted) this.unanswered(status, body);
    else reply(this, status, body);
  }

  /**
   * The venue answered after the client closed the connection (it hung up, or sent another
   * request behind this one): nobody can be told, so the log is where an operator finds
   * what became of the request.
   */
  private unanswered(status: number, body: unknown): void {
    if (this.done) return;
    this.done = true;
    this.hooks.logUnanswered(this, status, body);
  }

  // --- OrderOwner: the venue's answer to this call's request ---

  accepted(order: OrderRecord): void {
    this.release(order);
    this.ok(201, { clOrdId: order.clOrdId, orderId: String(order.orderId), status: 'new' });
  }

  rejected(order: OrderRecord, code: RejectCodeValue, text: string): void {
    this.release(order);
    this.fail(code, code === RejectCode.VENUE_REJECT ? `the venue rejected the order: ${text}` : text);
  }

  /**
   * Once answered, the call stops being the order's owner: the order outlives the HTTP
   * exchange (fills, retention), and must not keep the call and its response alive.
   */
  private release(order: OrderRecord): void {
    if (order.owner === this) order.owner = null;
  }

  filled(): void {}

  canceled(order: OrderRecord, request: PendingRequest | null): void {
    if (request !== null && request.owner === this)
      this.ok(200, { clOrdId: order.clOrdId, status: 'canceled' });
  }

  replaced(): void {}

  cancelRejected(request: PendingRequest, code: RejectCodeValue, text: string): void {
    this.fail(code, code === RejectCode.UNKNOWN_ORDER ? `no live order ${request.origClOrdId}` : text);
  }

  massCanceled(_request: PendingRequest, count: number): void {
    this.ok(200, { canceled: count });
  }

  massCancelRejected(_request: PendingRequest, code: RejectCodeValue, text: string): void {
    this.fail(code, text);
  }

  timedOut(order: OrderRecord | null): void {
    if (order !== null) this.release(order);
    this.fail(
      RejectCode.VENUE_TIMEOUT,
      'the venue did not answer in time; the status is unknown and will be reconciled',
    );
  }
}
