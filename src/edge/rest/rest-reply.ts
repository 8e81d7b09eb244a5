// Writing a REST response: status line, rate-limit headers, and a JSON or
// msgpack body by content negotiation. Every error body has the shape of
// SPEC section 4 and names the request id that the log line carries too.

import type { HttpResponse } from 'uWebSockets.js';
import { pack } from 'msgpackr';
import { type RejectCodeValue, rejectInfo } from '../../pipeline/reject-codes.ts';

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK',
  201: '201 Created',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  409: '409 Conflict',
  413: '413 Payload Too Large',
  415: '415 Unsupported Media Type',
  422: '422 Unprocessable Content',
  426: '426 Upgrade Required',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
  504: '504 Gateway Timeout',
};

/**
 * A 401 names how to authenticate (RFC 9110 requires WWW-Authenticate on it): the request
 * signature of SPEC section 4, in the three headers it names.
 */
const UNAUTHORIZED_HEADERS = {
  'WWW-Authenticate': 'PC-Signature realm="portcullis", headers="X-PC-APIKEY X-PC-TIMESTAMP X-PC-SIGNATURE"',
};

/** The IETF RateLimit-Policy / RateLimit header values of one policy, for the caller. */
export interface RateLimitHeaders {
  policy: string;
  state: string;
}

export interface ReplyTarget {
  readonly res: HttpResponse;
  readonly requestId: string;
  /** The client asked for msgpack (Accept: application/msgpack). */
  readonly msgpack: boolean;
  /**
   * The request was a HEAD: the response has its status and headers, never a body (RFC 9110
   * section 9.3.2). Only the router's 404 and 405 answer a HEAD, and they keep the connection.
   */
  readonly headOnly: boolean;
  /** The RateLimit headers, computed when the response is written (once per response). */
  rateLimitHeaders(): RateLimitHeaders | null;
  aborted: boolean;
  done: boolean;
}

/** Sends a success or error body. Safe to call from any context (corks itself); ignores aborted calls. */
export function reply(
  target: ReplyTarget,
  status: number,
  body: unknown,
  extraHeaders?: Record<string, string>,
  closeConnection = false,
): void {
  if (target.aborted || target.done) return;
  target.done = true;
  const payload = target.headOnly ? '' : target.msgpack ? pack(body) : JSON.stringify(body);
  const rateLimit = target.rateLimitHeaders();
  target.res.cork(() => {
    const res = target.res;
    res.writeStatus(STATUS_TEXT[status] ?? `${status} Status`);
    res.writeHeader('Content-Type', target.msgpack ? 'application/msgpack' : 'application/json');
    res.writeHeader('X-Request-Id', target.requestId);
    if (rateLimit) {
      res.writeHeader('RateLimit-Policy', rateLimit.policy);
      res.writeHeader('RateLimit', rateLimit.state);
    }
    if (extraHeaders) for (const name in extraHeaders) res.writeHeader(name, extraHeaders[name]!);
    // No Content-Length on a HEAD either: RFC 9110 section 8.6 allows one only if it is the
    // length a GET would have had, and a GET of the same path gets another answer.
    if (target.headOnly) res.endWithoutBody();
    else res.end(payload, closeConnection);
  });
}

/** Sends the SPEC error body of a reject code, with Retry-After for RATE_LIMITED. */
export function replyError(
  target: ReplyTarget,
  code: RejectCodeValue,
  message: string,
  retryAfterNs = 0,
  closeConnection = false,
): number {
  const info = rejectInfo(code);
  const headers =
    info.code === 'RATE_LIMITED'
      ? { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterNs / 1e9))) }
      : info.httpStatus === 401
        ? UNAUTHORIZED_HEADERS
        : undefined;
  reply(
    target,
    info.httpStatus,
    { error: { code: info.code, message: message || info.message, requestId: target.requestId } },
    headers,
    closeConnection,
  );
  return info.httpStatus;
}
