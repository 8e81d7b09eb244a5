// Baseline 'alt-stack': the REST order entry a team would build from the usual
// libraries instead of portcullis, in front of the same venue simulator:
// fastify (JSON schema validation of the body), node:crypto HMAC-SHA256 over
// the raw bytes with timingSafeEqual, the same timestamp window and replay
// check, rate-limiter-flexible's RateLimiterMemory per address, per key and
// per account (the firewall's three buckets), and the same pre-trade checks
// written in plain TypeScript (market open, duplicate clOrdId, tick and lot
// multiples, min/max quantity, notional, two-sided collar, open orders).
// Accepted orders are forwarded as one venue NewOrder; the venue's Ack is
// answered 201 {"clOrdId","orderId","status":"new"}, as the firewall does.
import { createHmac, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { OrderInput } from '../../src/client/rest-client.ts';
import { OrderType, Side, TimeInForce } from '../../src/pipeline/request.ts';
import { runChild } from './child.ts';
import type { KeySpec, ListeningInfo } from './protocol.ts';
import { COLLAR_BPS, REFERENCE_PRICE_TICKS, SYMBOL } from './setup.ts';
import { BenchVenueClient } from './venue-client.ts';

export interface AltStackOptions {
  venuePort: number;
  keys: KeySpec[];
  accounts: Array<{ id: string; ordersPerSec: number; burst: number }>;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

const orderSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clOrdId', 'symbol', 'side', 'type', 'qty'],
  properties: {
    clOrdId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,36}$' },
    symbol: { type: 'string', maxLength: 32 },
    side: { enum: ['buy', 'sell'] },
    type: { enum: ['limit', 'market'] },
    qty: { type: 'string', pattern: '^\\d+(\\.\\d+)?$' },
    price: { type: 'string', pattern: '^\\d+(\\.\\d+)?$' },
    tif: { enum: ['GTC', 'IOC', 'FOK', 'DAY'] },
    postOnly: { type: 'boolean' },
  },
} as const;

/** BTC-PERP as configured for the firewall (setup.ts), in integer ticks and lots. */
const market = {
  symbol: SYMBOL,
  tickDecimals: 1,
  tickUnits: 5, // 0.5
  lotDecimals: 3,
  lotUnits: 1, // 0.001
  minQtyLots: 1,
  maxQtyLots: 100_000,
  /** maxNotional 5,000,000 in lot × tick units: 5e6 / (0.001 × 0.5). */
  maxNotionalUnits: 5_000_000 / (0.001 * 0.5),
  collarBps: COLLAR_BPS,
  reference: REFERENCE_PRICE_TICKS,
  open: true,
};

/** A decimal string as a whole number of steps; -1 when it is not a multiple of the step. */
function toSteps(text: string, decimals: number, stepUnits: number): number {
  const dot = text.indexOf('.');
  const whole = dot < 0 ? text : text.slice(0, dot);
  let fraction = dot < 0 ? '' : text.slice(dot + 1);
  if (fraction.length > decimals) {
    if (!/^0*$/.test(fraction.slice(decimals))) return -1;
    fraction = fraction.slice(0, decimals);
  }
  const units = Number(whole + fraction.padEnd(decimals, '0'));
  return units % stepUnits === 0 ? units / stepUnits : -1;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function fail(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message, requestId: String(reply.request.id) } });
}

let app: FastifyInstance | null = null;
let venue: BenchVenueClient | null = null;

async function start(options: AltStackOptions): Promise<ListeningInfo> {
  const RECV_WINDOW_MS = 5000;
  const keys = new Map(options.keys.map((k) => [k.id, k]));
  const accountLimits = new Map(options.accounts.map((a) => [a.id, a]));
  const perIp = new RateLimiterMemory({ keyPrefix: 'ip', points: 1e9, duration: 1 });
  const perKey = new RateLimiterMemory({ keyPrefix: 'key', points: 1e9, duration: 1 });
  const perAccount = new Map(
    options.accounts.map((a) => [
      a.id,
      // rate-limiter-flexible's fixed window: `burst` orders per burst/ratePerSec seconds.
      new RateLimiterMemory({
        keyPrefix: `acct-${a.id}`,
        points: Math.min(a.burst, 1e9),
        duration: Math.max(1, Math.round(a.burst / a.ordersPerSec)),
      }),
    ]),
  );
  // Replay: signatures seen in the current and the previous window.
  let seen = new Set<string>();
  let seenBefore = new Set<string>();
  const rotate = setInterval(() => {
    seenBefore = seen;
    seen = new Set();
  }, RECV_WINDOW_MS);
  rotate.unref();
  const live = new Map<string, Set<string>>(); // account → live clOrdIds
  const pending = new Map<number, (accepted: boolean, reason: string) => void>();

  venue = await BenchVenueClient.connect(options.venuePort, 'bench-alt-stack', {
    onAnswer: (requestId, accepted, reason) => {
      const settle = pending.get(requestId);
      pending.delete(requestId);
      settle?.(accepted, reason);
    },
  });

  const server = Fastify({ logger: false });
  app = server;
  server.removeAllContentTypeParsers();
  server.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: 4096 },
    (request: FastifyRequest, body: Buffer, done) => {
      request.rawBody = body;
      try {
        done(null, JSON.parse(body.toString('utf8')));
      } catch {
        done(new ApiError(400, 'INVALID_REQUEST', 'the body is not valid JSON'), undefined);
      }
    },
  );
  server.setErrorHandler((error, _request, reply) => {
    if (error instanceof ApiError) return fail(reply, error.status, error.code, error.message);
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    const message = error instanceof Error ? error.message : String(error);
    return fail(reply, status, status === 400 ? 'INVALID_REQUEST' : 'INTERNAL', message);
  });

  // Authentication before validation, as the firewall does.
  server.addHook('preValidation', async (request) => {
    const keyId = request.headers['x-pc-apikey'];
    const timestamp = request.headers['x-pc-timestamp'];
    const signature = request.headers['x-pc-signature'];
    if (typeof keyId !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string')
      throw new ApiError(401, 'AUTH_MISSING', 'authentication headers missing');
    const key = keys.get(keyId);
    if (key === undefined) throw new ApiError(401, 'AUTH_UNKNOWN_KEY', 'unknown key');
    const ts = Number(timestamp);
    if (!Number.isFinite(ts) || Math.abs(Date.now() - ts) > RECV_WINDOW_MS)
      throw new ApiError(401, 'TIMESTAMP_OUT_OF_WINDOW', 'timestamp outside the window');
    const mac = createHmac('sha256', key.secret)
      .update(`${timestamp}\n${request.method}\n${request.url}\n`)
      .update(request.rawBody ?? Buffer.alloc(0))
      .digest();
    const given = Buffer.from(signature, 'hex');
    if (given.length !== mac.length || !timingSafeEqual(given, mac))
      throw new ApiError(401, 'AUTH_BAD_SIGNATURE', 'bad signature');
    if (seen.has(signature) || seenBefore.has(signature))
      throw new ApiError(401, 'REPLAYED', 'signature seen before');
    seen.add(signature);
  });

  server.post<{ Body: OrderInput }>(
    '/api/v1/orders',
    { schema: { body: orderSchema } },
    async (request, reply) => {
      const key = keys.get(request.headers['x-pc-apikey'] as string)!;
      const account = key.account;
      // Throttle: address, key, account.
      try {
        await perIp.consume(request.ip);
        await perKey.consume(key.id);
        const limiter = perAccount.get(account);
        if (limiter) await limiter.consume(account);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          reply.header('Retry-After', String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))));
          return fail(reply, 429, 'RATE_LIMITED', 'rate limit exceeded');
        }
        throw rejection;
      }
      // Pre-trade checks.
      const order = request.body;
      if (!accountLimits.has(account)) return fail(reply, 403, 'ACCOUNT_NOT_VERIFIED', 'unknown account');
      if (order.symbol !== market.symbol)
        return fail(reply, 400, 'UNKNOWN_SYMBOL', `no market ${order.symbol}`);
      if (!market.open) return fail(reply, 422, 'MARKET_HALTED', 'market halted');
      let clOrdIds = live.get(account);
      if (clOrdIds === undefined) {
        clOrdIds = new Set();
        live.set(account, clOrdIds);
      }
      if (clOrdIds.has(order.clOrdId)) return fail(reply, 409, 'DUPLICATE_CLORDID', 'clOrdId in use');
      const qtyLots = toSteps(order.qty, market.lotDecimals, market.lotUnits);
      if (qtyLots < 0) return fail(reply, 400, 'LOT_SIZE', 'quantity is not a multiple of the lot size');
      if (order.type !== 'limit' || order.price === undefined)
        return fail(reply, 400, 'INVALID_REQUEST', 'only limit orders here');
      const priceTicks = toSteps(order.price, market.tickDecimals, market.tickUnits);
      if (priceTicks < 0) return fail(reply, 400, 'TICK_SIZE', 'price is not a multiple of the tick size');
      if (qtyLots < market.minQtyLots) return fail(reply, 422, 'MIN_QTY', 'quantity below the minimum');
      if (qtyLots > market.maxQtyLots) return fail(reply, 422, 'MAX_QTY', 'quantity above the maximum');
      if (qtyLots * priceTicks > market.maxNotionalUnits)
        return fail(reply, 422, 'MAX_NOTIONAL', 'notional above the maximum');
      if (Math.abs(priceTicks - market.reference) * 10000 > market.reference * market.collarBps)
        return fail(reply, 422, 'PRICE_COLLAR', 'price outside the collar');
      if (clOrdIds.size + 1 > 1e9) return fail(reply, 422, 'MAX_OPEN_ORDERS', 'too many open orders');
      // Forward and answer on the venue's answer.
      clOrdIds.add(order.clOrdId);
      const id = venue!.newOrder(
        account,
        order.symbol,
        order.side === 'sell' ? Side.SELL : Side.BUY,
        OrderType.LIMIT,
        TimeInForce.GTC,
        priceTicks,
        qtyLots,
      );
      const [accepted, reason] = await new Promise<[boolean, string]>((resolve) =>
        pending.set(id, (ok, why) => resolve([ok, why])),
      );
      if (!accepted) {
        clOrdIds.delete(order.clOrdId);
        return fail(reply, 422, 'VENUE_REJECT', reason);
      }
      return reply.code(201).send({ clOrdId: order.clOrdId, orderId: String(id), status: 'new' });
    },
  );

  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  return { port: typeof address === 'object' && address !== null ? address.port : 0 };
}

runChild('alt-stack', {
  start: (options) => start(options as AltStackOptions),
  stop: async () => {
    await app?.close();
    venue?.close();
  },
});
