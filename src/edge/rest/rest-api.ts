// The signed REST API of SPEC section 4 on the uWS.js app.
//
// A request's path: read what is needed from uWS's stack-allocated request
// (only valid during the handler), stream the body with the size cap enforced
// as bytes arrive, authenticate the exact bytes, validate the body against
// its route's schema, fill the normalized request, run the shared pipeline,
// and forward. The response is written when the venue answers.

import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { unpack } from 'msgpackr';
import { authorize } from '../../pipeline/authorize.ts';
import { setPrice, setQuantity } from '../../pipeline/order-fields.ts';
import { runPipeline } from '../../pipeline/pipeline.ts';
import { PASS, RejectCode, type Verdict } from '../../pipeline/reject-codes.ts';
import { Action, CL_ORD_ID, OrderRequest, OrderType, Side, TimeInForce } from '../../pipeline/request.ts';
import { ipLimitKey } from '../../pipeline/throttle.ts';
import { latin1Text } from '../../state/latin1-text.ts';
import type { MarketState } from '../../state/markets.ts';
import type { EdgeContext } from '../edge-context.ts';
import { FIX_PATH } from '../fix/fix-endpoint.ts';
import { MarketLookup } from '../market-lookup.ts';
import { peerAddress } from '../peer-address.ts';
import { prefersMsgpack } from './accept.ts';
import { type BodySchema, CANCEL_ALL_BODY, checkBody, NEW_ORDER_BODY } from './body-schema.ts';
import { NewOrderJson } from './new-order-json.ts';
import { buildOpenApi } from './openapi.ts';
import { orderView } from './order-view.ts';
import { repeatedTopLevelKey } from './repeated-json-key.ts';
import { isMsgpackMap, repeatedTopLevelMsgpackKey } from './repeated-msgpack-key.ts';
import { authenticateRest, type RestAuthResult } from './rest-authenticate.ts';
import { RestCall, type RestCallHooks } from './rest-call.ts';

export type RouteName = 'placeOrder' | 'cancelOrder' | 'cancelAll' | 'getOrder' | 'limits';

export interface RestRoute {
  name: RouteName;
  method: 'GET' | 'POST' | 'DELETE';
  /** uWS pattern; `:clOrdId` is the one parameter. */
  pattern: string;
  body: BodySchema | null;
  /** The body may be left out altogether (every field of `body` is optional). */
  bodyOptional: boolean;
  /** Status of the success response. */
  status: number;
  summary: string;
}

/** The routes, in one table: the router and the OpenAPI document are both built from it. */
export const REST_ROUTES: readonly RestRoute[] = [
  {
    name: 'placeOrder',
    method: 'POST',
    pattern: '/api/v1/orders',
    body: NEW_ORDER_BODY,
    bodyOptional: false,
    status: 201,
    summary: 'Place an order; answers after the venue acknowledges it',
  },
  {
    name: 'cancelAll',
    method: 'POST',
    pattern: '/api/v1/orders/cancel-all',
    body: CANCEL_ALL_BODY,
    bodyOptional: true,
    status: 200,
    summary: "Cancel every live order of the caller's account (of one market when symbol is given)",
  },
  {
    name: 'cancelOrder',
    method: 'DELETE',
    pattern: '/api/v1/orders/:clOrdId',
    body: null,
    bodyOptional: false,
    status: 200,
    summary: 'Cancel a live order of the account; answers after the venue cancels it',
  },
  {
    name: 'getOrder',
    method: 'GET',
    pattern: '/api/v1/orders/:clOrdId',
    body: null,
    bodyOptional: false,
    status: 200,
    summary: 'An order of the account, live or finished in the last 10 minutes',
  },
  {
    name: 'limits',
    method: 'GET',
    pattern: '/api/v1/limits',
    body: null,
    bodyOptional: false,
    status: 200,
    summary: "The caller's current rate-limit usage",
  },
];

/** Whether the verdict refuses the key itself, whatever was asked (it counts toward the lockout). */
function refusesKey(verdict: Verdict): boolean {
  return (
    verdict === RejectCode.KEY_REVOKED ||
    verdict === RejectCode.KEY_EXPIRED ||
    verdict === RejectCode.KEY_NOT_YET_VALID ||
    verdict === RejectCode.IP_NOT_ALLOWED
  );
}

const utf8 = new TextDecoder();
const EMPTY = new Uint8Array(0);

const TIF = {
  GTC: TimeInForce.GTC,
  IOC: TimeInForce.IOC,
  FOK: TimeInForce.FOK,
  DAY: TimeInForce.DAY,
} as const;

interface RequestHead {
  route: RestRoute;
  method: string;
  pathWithQuery: string;
  param: string;
  keyId: string;
  timestamp: string;
  signature: string;
  /** The body is msgpack (Content-Type application/msgpack), else JSON. */
  msgpackBody: boolean;
  ip: string;
  /** Rate-limit key of the address. */
  ipKey: bigint;
}

export class RestApi {
  /** One normalized request, reused: processing up to the forward is synchronous. */
  private readonly req = new OrderRequest();
  private readonly newOrderJson = new NewOrderJson();
  private readonly markets = new MarketLookup();
  private readonly auth: RestAuthResult = { verdict: PASS, key: null };
  private readonly ipKeys = new Map<string, bigint>();
  private nextRequestId = 1;
  private readonly idPrefix = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  private openApiText = '';
  private lastIp = '';

  constructor(private readonly edge: EdgeContext) {}

  register(app: TemplatedApp): void {
    this.openApiText = JSON.stringify(buildOpenApi(REST_ROUTES));
    app.get('/openapi.json', (res) => {
      res.writeHeader('Content-Type', 'application/json').end(this.openApiText);
    });
    // Its headers without the body (RFC 9110 section 9.3.2). Not endWithoutBody(length): uWS.js
    // then takes the response as unfinished and ends the process.
    app.head('/openapi.json', (res) => {
      res.writeHeader('Content-Type', 'application/json').endWithoutBody();
    });
    for (const route of REST_ROUTES) {
      const handler = (res: HttpResponse, req: HttpRequest) => this.onRequest(route, res, req);
      if (route.method === 'GET') app.get(route.pattern, handler);
      else if (route.method === 'POST') app.post(route.pattern, handler);
      else app.del(route.pattern, handler);
    }
    // Anything else, under the API or not: a clear error, not uWS's HTML 404 page (whose body
    // a HEAD answer would carry, and a keep-alive client read as its next response). A plain
    // GET of /fix, without the WebSocket upgrade, also lands here.
    app.any('/*', (res, req) => {
      const url = req.getUrl();
      const method = req.getCaseSensitiveMethod();
      // A known path asked with another method: 405 with the methods it has (RFC 9110: Allow).
      const methods =
        url === '/openapi.json'
          ? ['GET', 'HEAD']
          : REST_ROUTES.filter((r) => matches(r.pattern, url)).map((r) => r.method);
      const ipKey = this.ipKey(peerAddress(res));
      const call = this.newCall(res, req.getHeader('accept'), ipKey);
      // HEAD is not one of the API's methods, so it lands here too: the same 404 or 405, without
      // the body, which a HEAD response may not carry (the client would read it as the next response).
      call.headOnly = method === 'HEAD';
      const message = `no route ${method} ${url}`;
      if (url === FIX_PATH)
        call.failWithStatus(426, `${FIX_PATH} takes WebSocket connections (FIX 4.4 over WebSocket)`, {
          Upgrade: 'websocket',
        });
      else if (methods.length > 0) call.failWithStatus(405, message, { Allow: methods.join(', ') });
      else call.failWithStatus(404, message);
    });
  }

  private readonly hooks: RestCallHooks = {
    logReject: (call, status, code, message) =>
      this.edge.log.info(
        { requestId: call.requestId, status, code, keyId: call.keyId, reason: message },
        'rest reject',
      ),
    logUnanswered: (call, status, body) =>
      this.edge.log.warn(
        { requestId: call.requestId, status, keyId: call.keyId, answer: body },
        'rest answer not delivered: the client closed the connection before the venue answered',
      ),
    // IETF RateLimit headers of one policy: quota = burst, window = the time a full burst takes to refill.
    rateLimitHeaders: (key, policy, name, ratePerSec) => {
      const usage = this.edge.runtime.limiter.usage(key, policy);
      const windowSec = Math.max(1, Math.ceil(usage.limit / ratePerSec));
      return {
        policy: `"${name}";q=${usage.limit};w=${windowSec}`,
        state: `"${name}";r=${usage.remaining};t=${Math.ceil(usage.resetNs / 1e9)}`,
      };
    },
  };

  /** A call whose RateLimit headers describe the caller's address until it authenticates (SPEC: on every response). */
  private newCall(res: HttpResponse, accept: string, ipKey: bigint): RestCall {
    const call = new RestCall(res, this.idPrefix, this.nextRequestId++, prefersMsgpack(accept), this.hooks);
    call.limitBy(
      ipKey,
      this.edge.runtime.model.policies.perIp,
      'ip',
      this.edge.runtime.config.limits.perIp.ratePerSec,
    );
    return call;
  }

  /**
   * One request as uWS.js delivers it (public for in-process benchmarks, which drive it without
   * a socket). An exception thrown by a uWS.js handler ends the whole process, so a bug met by
   * one request is caught here (and in the body's handler) and answered 500 INTERNAL instead.
   */
  onRequest(route: RestRoute, res: HttpResponse, req: HttpRequest): void {
    let call: RestCall | null = null;
    try {
      const ip = peerAddress(res);
      const ipKey = this.ipKey(ip);
      call = this.newCall(res, req.getHeader('accept'), ipKey);
      this.startRequest(call, route, res, req, ip, ipKey);
    } catch (error) {
      this.onInternalError(call, res, error);
    }
  }

  /** Answers a request that met an unexpected exception: 500 INTERNAL, logged with its requestId. */
  private onInternalError(call: RestCall | null, res: HttpResponse, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    try {
      const failed = call ?? this.newCall(res, '', 0n);
      this.edge.log.error({ requestId: failed.requestId, error: reason }, 'rest internal error');
      failed.fail(RejectCode.INTERNAL, 'internal error');
    } catch (again) {
      // Even the error answer failed (an aborted response, say): log it and go on serving.
      this.edge.log.error({ error: reason, answerError: String(again) }, 'rest internal error, unanswered');
    }
  }

  /** Reads the request's head, answers what can be answered without a body, else waits for the body. */
  private startRequest(
    call: RestCall,
    route: RestRoute,
    res: HttpResponse,
    req: HttpRequest,
    ip: string,
    ipKey: bigint,
  ): void {
    const url = req.getUrl();
    const query = req.getQuery();
    const head: RequestHead = {
      route,
      method: req.getCaseSensitiveMethod(),
      pathWithQuery: query ? `${url}?${query}` : url,
      param: route.pattern.includes(':') ? req.getParameter(0) : '',
      keyId: req.getHeader('x-pc-apikey'),
      timestamp: req.getHeader('x-pc-timestamp'),
      signature: req.getHeader('x-pc-signature'),
      msgpackBody: false,
      ip,
      ipKey,
    };
    res.onAborted(() => {
      call.aborted = true;
    });
    const maxBytes = this.edge.runtime.config.session.maxMessageBytes;
    const declared = req.getHeader('content-length');
    if (declared !== '' && Number(declared) > maxBytes) {
      call.fail(RejectCode.PAYLOAD_TOO_LARGE, `the body exceeds ${maxBytes} bytes`, 0, true);
      return;
    }
    if (route.body === null) {
      const chunked = req.getHeader('transfer-encoding') !== '';
      if ((declared === '' || declared === '0') && !chunked) {
        this.process(call, head, EMPTY);
        return;
      }
      // A body on a route that takes none is read all the same: the signature covers the
      // body's bytes exactly as sent (SPEC section 4). The route then ignores them.
      this.readBody(call, head, res, maxBytes, declared);
      return;
    }
    const contentType = req.getHeader('content-type');
    // No body at all (no Content-Type, no or a zero Content-Length) where every field is
    // optional, as for cancel-all: the same as an empty object.
    if (contentType === '' && (declared === '' || declared === '0') && route.bodyOptional) {
      this.process(call, head, EMPTY);
      return;
    }
    // The exact common value first: splitting and lowercasing costs more than the rest of this check.
    const mediaType =
      contentType === 'application/json' ? contentType : contentType.split(';', 1)[0]!.trim().toLowerCase();
    if (mediaType !== 'application/json' && mediaType !== 'application/msgpack') {
      call.fail(RejectCode.UNSUPPORTED_MEDIA_TYPE, 'send application/json or application/msgpack', 0, true);
      return;
    }
    head.msgpackBody = mediaType === 'application/msgpack';
    this.readBody(call, head, res, maxBytes, declared);
  }

  /** Streams the body in, its size capped as it arrives, then processes the request with it. */
  private readBody(
    call: RestCall,
    head: RequestHead,
    res: HttpResponse,
    maxBytes: number,
    declared: string,
  ): void {
    let body: Buffer | null = null;
    let length = 0;
    res.onData((chunk, isLast) => {
      if (call.done || call.aborted) return;
      try {
        const bytes = new Uint8Array(chunk);
        if (length + bytes.length > maxBytes) {
          call.fail(RejectCode.PAYLOAD_TOO_LARGE, `the body exceeds ${maxBytes} bytes`, 0, true);
          return;
        }
        // A body in one chunk (the usual case) is handled in place: processing up to the
        // forward is synchronous and copies what it keeps, so nothing outlives the chunk.
        if (isLast && body === null) {
          this.process(call, head, bytes);
          return;
        }
        // The chunk is neutered when this callback returns: copy it.
        if (body === null)
          body = Buffer.allocUnsafe(Math.min(maxBytes, Math.max(Number(declared) || 0, 256)));
        if (length + bytes.length > body.length) {
          const grown = Buffer.allocUnsafe(Math.min(maxBytes, 2 * (length + bytes.length)));
          body.copy(grown, 0, 0, length);
          body = grown;
        }
        body.set(bytes, length);
        length += bytes.length;
        if (isLast) this.process(call, head, body.subarray(0, length));
      } catch (error) {
        this.onInternalError(call, res, error);
      }
    });
  }

  private process(call: RestCall, head: RequestHead, body: Uint8Array): void {
    const { runtime, lockout, replay } = this.edge;
    const model = runtime.model;
    const now = Date.now();
    const auth = authenticateRest(
      {
        keyId: head.keyId,
        timestamp: head.timestamp,
        signature: head.signature,
        method: head.method,
        pathWithQuery: head.pathWithQuery,
        body,
        ip: head.ip,
      },
      model.keys,
      runtime.config.session.recvWindowMs,
      lockout,
      replay,
      now,
      this.auth,
    );
    const req = this.req.reset();
    req.ip = head.ip;
    req.ipLimitKey = head.ipKey;
    if (auth.verdict !== PASS) {
      // The call already shows the address's RateLimit headers (newCall).
      call.fail(auth.verdict, '');
      return;
    }
    const key = auth.key!;
    call.keyId = key.id;
    req.key = key;
    req.account = key.account;
    req.connectionLimitKey = key.limitKey;
    // The shared request remembers which key last passed its CIDR check from which address.
    if (head.ip !== this.lastIp) {
      req.ipAllowedForKey = null;
      this.lastIp = head.ip;
    }

    let verdict: Verdict;
    switch (head.route.name) {
      case 'placeOrder':
        verdict = this.fillNewOrder(req, body, head.msgpackBody);
        break;
      case 'cancelOrder':
        verdict = this.fillTarget(req, head.param, Action.CANCEL);
        break;
      case 'cancelAll':
        verdict = this.fillMassCancel(req, body, head.msgpackBody);
        break;
      case 'getOrder':
        verdict = this.fillTarget(req, head.param, Action.QUERY);
        break;
      default:
        // GET /api/v1/limits names no order: a read of the caller's own usage.
        req.action = Action.QUERY;
        verdict = PASS;
    }
    if (verdict === PASS) verdict = runPipeline(req, runtime.pipeline, now);
    else {
      // Who may ask comes before what was asked: an expired key learns nothing about its bodies.
      const allowed = authorize(req, now);
      if (allowed !== PASS) verdict = allowed;
    }
    // A good signature from a key that may not be used (revoked, outside its validity, from
    // this address) is a failed authentication for the lockout, as at a FIX Logon; anything
    // else proved the key, and clears the counts.
    if (refusesKey(verdict)) lockout.recordFailedAttempt(head.ip, key, now);
    else lockout.recordSuccess(head.ip, key.id, now);
    if (verdict === RejectCode.RATE_LIMITED) this.limitByExhausted(call, req);
    else call.limitBy(key.account.limitKey, key.account.orderPolicy, 'account', key.account.ordersPerSec);
    if (verdict !== PASS) {
      call.fail(verdict, req.detail, req.retryAfterNs);
      return;
    }
    const router = this.edge.router;
    switch (head.route.name) {
      case 'placeOrder':
        verdict = router.submitNewOrder(req, call, now);
        break;
      case 'cancelOrder':
        verdict = router.submitCancel(req, call);
        break;
      case 'cancelAll':
        verdict = router.submitMassCancel(req, call);
        break;
      case 'getOrder': {
        const order = runtime.orders.find(key.account.index, req.origClOrdId, now);
        if (order) call.ok(200, orderView(order));
        else call.fail(RejectCode.UNKNOWN_ORDER, `no order ${req.origClOrdId}`);
        return;
      }
      case 'limits':
        call.ok(200, this.limitsOf(req));
        return;
    }
    if (verdict !== PASS) call.fail(verdict, '');
  }

  /** Decodes and validates a body by content type: its fields, or what is wrong with it (400). */
  private decodeBody(
    body: Uint8Array,
    msgpack: boolean,
    schema: BodySchema,
  ): Record<string, unknown> | string {
    let decoded: unknown;
    try {
      let repeated: string | null;
      if (msgpack) {
        if (!isMsgpackMap(body)) return 'the body must be a msgpack map';
        decoded = unpack(body);
        repeated = repeatedTopLevelMsgpackKey(body, decoded);
      } else {
        const text = utf8.decode(body);
        decoded = JSON.parse(text);
        repeated = repeatedTopLevelKey(text);
      }
      if (repeated !== null) return `field "${repeated}" appears more than once`;
    } catch {
      return msgpack ? 'the body is not valid msgpack' : 'the body is not valid JSON';
    }
    const check = checkBody(schema, decoded);
    return check.ok ? (decoded as Record<string, unknown>) : check.message;
  }

  private fillNewOrder(req: OrderRequest, body: Uint8Array, msgpack: boolean): Verdict {
    req.action = Action.NEW_ORDER;
    const markets = this.edge.runtime.model.markets;
    const json = this.newOrderJson;
    if (!msgpack && json.read(body)) {
      req.clOrdId = latin1Text(body, json.clOrdIdStart, json.clOrdIdEnd);
      req.side = json.side;
      req.type = json.type;
      req.tif = json.tif;
      req.postOnly = json.postOnly;
      const market = this.markets.find(body, json.symbolStart, json.symbolEnd, markets);
      req.symbol = market?.symbol ?? latin1Text(body, json.symbolStart, json.symbolEnd);
      const price = json.priceStart < 0 ? null : body;
      return this.setOrderValues(
        req,
        market,
        body,
        json.qtyStart,
        json.qtyEnd,
        price,
        json.priceStart,
        json.priceEnd,
      );
    }
    const fields = this.decodeBody(body, msgpack, NEW_ORDER_BODY);
    if (typeof fields === 'string') {
      req.detail = fields;
      return RejectCode.INVALID_REQUEST;
    }
    req.clOrdId = fields.clOrdId as string;
    req.symbol = fields.symbol as string;
    req.side = fields.side === 'sell' ? Side.SELL : Side.BUY;
    req.type = fields.type === 'market' ? OrderType.MARKET : OrderType.LIMIT;
    req.tif = TIF[(fields.tif as keyof typeof TIF | undefined) ?? 'GTC'];
    req.postOnly = fields.postOnly === true;
    const qty = fields.qty as string;
    const price = (fields.price as string | undefined) ?? null;
    return this.setOrderValues(
      req,
      markets.get(req.symbol),
      qty,
      0,
      qty.length,
      price,
      0,
      price?.length ?? 0,
    );
  }

  /** The market, quantity and price of a new order, from its body's text or bytes. */
  private setOrderValues(
    req: OrderRequest,
    market: MarketState | undefined,
    qty: string | Uint8Array,
    qtyStart: number,
    qtyEnd: number,
    price: string | Uint8Array | null,
    priceStart: number,
    priceEnd: number,
  ): Verdict {
    if (market === undefined) {
      req.detail = `no market ${req.symbol}`;
      return RejectCode.UNKNOWN_SYMBOL;
    }
    req.market = market;
    setQuantity(req, market, qty, qtyStart, qtyEnd);
    if (req.type === OrderType.LIMIT) {
      if (price === null) {
        req.detail = 'a limit order needs a price';
        return RejectCode.INVALID_REQUEST;
      }
      setPrice(req, market, price, priceStart, priceEnd);
    } else if (price !== null) {
      req.detail = 'a market order takes no price';
      return RejectCode.INVALID_REQUEST;
    }
    return PASS;
  }

  private fillTarget(
    req: OrderRequest,
    param: string,
    action: typeof Action.CANCEL | typeof Action.QUERY,
  ): Verdict {
    req.action = action;
    if (!CL_ORD_ID.test(param)) {
      req.detail = 'clOrdId must be 1-36 characters of A-Z a-z 0-9 _ -';
      return RejectCode.INVALID_REQUEST;
    }
    req.origClOrdId = param;
    req.clOrdId = param;
    return PASS;
  }

  private fillMassCancel(req: OrderRequest, body: Uint8Array, msgpack: boolean): Verdict {
    const fields = body.length === 0 ? {} : this.decodeBody(body, msgpack, CANCEL_ALL_BODY);
    if (typeof fields === 'string') {
      req.detail = fields;
      return RejectCode.INVALID_REQUEST;
    }
    req.action = Action.MASS_CANCEL;
    const symbol = fields.symbol as string | undefined;
    if (symbol !== undefined) {
      const market = this.edge.runtime.model.markets.get(symbol);
      if (market === undefined) {
        req.detail = `no market ${symbol}`;
        return RejectCode.UNKNOWN_SYMBOL;
      }
      req.symbol = symbol;
      req.market = market;
    }
    return PASS;
  }

  /**
   * A 429's RateLimit headers describe the limit that refused it (the address's, the key's or
   * the account's), so that they show nothing remaining, as the Retry-After says. Off the
   * order's way: a refused request only.
   */
  private limitByExhausted(call: RestCall, req: OrderRequest): void {
    const { limiter, config } = this.edge.runtime;
    const policies = this.edge.runtime.model.policies;
    const account = req.account!;
    const cancel = req.action === Action.CANCEL || req.action === Action.MASS_CANCEL;
    const candidates: [bigint, number, string, number][] = [
      [req.ipLimitKey, cancel ? policies.perIpCancel : policies.perIp, 'ip', config.limits.perIp.ratePerSec],
      [
        req.connectionLimitKey,
        cancel ? policies.perConnectionCancel : policies.perConnection,
        'key',
        config.limits.perConnection.ratePerSec,
      ],
      [
        account.limitKey,
        cancel ? account.cancelPolicy : account.orderPolicy,
        'account',
        account.ordersPerSec,
      ],
    ];
    // An exhausted one refused (if several, the one that refills last sets the wait).
    let chosen = candidates[2]!;
    let longest = -1;
    for (const candidate of candidates) {
      const usage = limiter.usage(candidate[0], candidate[1]);
      if (usage.remaining === 0 && usage.resetNs > longest) {
        longest = usage.resetNs;
        chosen = candidate;
      }
    }
    call.limitBy(chosen[0], chosen[1], chosen[2], chosen[3]);
  }

  private limitsOf(req: OrderRequest) {
    const { limiter, config } = this.edge.runtime;
    const policies = this.edge.runtime.model.policies;
    const account = req.account!;
    const usage = (name: string, key: bigint, policy: number, ratePerSec: number) => {
      const u = limiter.usage(key, policy);
      return {
        name,
        ratePerSec,
        burst: u.limit,
        remaining: u.remaining,
        resetMs: Math.ceil(u.resetNs / 1e6),
      };
    };
    return {
      limits: [
        usage('account.orders', account.limitKey, account.orderPolicy, account.ordersPerSec),
        usage('account.cancels', account.limitKey, account.cancelPolicy, account.ordersPerSec),
        usage(
          'key.requests',
          req.connectionLimitKey,
          policies.perConnection,
          config.limits.perConnection.ratePerSec,
        ),
        usage('ip.requests', req.ipLimitKey, policies.perIp, config.limits.perIp.ratePerSec),
      ],
    };
  }

  private ipKey(ip: string): bigint {
    let key = this.ipKeys.get(ip);
    if (key === undefined) {
      if (this.ipKeys.size >= 65_536) this.ipKeys.clear();
      key = ipLimitKey(this.edge.runtime.limiter, ip);
      this.ipKeys.set(ip, key);
    }
    return key;
  }
}

function matches(pattern: string, url: string): boolean {
  const a = pattern.split('/');
  const b = url.split('/');
  return a.length === b.length && a.every((part, i) => part.startsWith(':') || part === b[i]);
}
