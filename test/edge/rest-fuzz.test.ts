// Property: whatever signed or unsigned request reaches the REST edge (any route
// or none, any content type, well-formed orders, orders with a field removed,
// added or replaced, orders with one byte altered, random JSON, random msgpack,
// random bytes), the firewall answers with the SPEC section 4 shape: a code from
// the one table under that code's HTTP status, never INTERNAL. A body that is not
// a valid order is refused as INVALID_REQUEST and reaches the venue in no form; a
// 201 always stands for exactly the order the body says, as the venue received it
// (checked against an independent reading of the body); a cancel goes out only for a
// DELETE that was taken, a mass cancel only for a cancel-all, of the account and the
// body's market (or all). Afterwards the firewall still takes a normal order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { pack, unpack } from 'msgpackr';
import type { Credentials } from '../../src/client/credentials.ts';
import { REJECT_CODES } from '../../src/pipeline/reject-codes.ts';
import { OrderType, Side, TimeInForce } from '../../src/pipeline/request.ts';
import { startFirewallFixture } from '../helpers/firewall-fixture.ts';
import {
  assertError,
  assertSuccess,
  authHeaders,
  clOrdId,
  type RawResponse,
  relaxLimits,
  send,
} from './support/rest-harness.ts';
import {
  assertSentAsRead,
  generatedOrder,
  type OrderReading,
  OutcomeTally,
  parseDecimalText,
  recordSent,
  type Sent,
  type SentMassCancel,
  type SentOrder,
} from './support/venue-oracle.ts';

type Fixture = Awaited<ReturnType<typeof startFirewallFixture>>;

const SEED = Number(process.env.PORTCULLIS_FC_SEED ?? 20261126);
const RUNS = Number(process.env.PORTCULLIS_FC_RUNS ?? 300);
const MAX_BYTES = 4096; // session.maxMessageBytes of config/demo.json

// --- the requests ------------------------------------------------------------

type Entry = [string, unknown];
type Body =
  | { kind: 'none' }
  | { kind: 'entries'; entries: Entry[]; encoding: 'json' | 'msgpack' }
  | {
      kind: 'json-text-mutated';
      entries: Entry[];
      at: number;
      byte: number;
      mode: 'replace' | 'insert' | 'delete';
    }
  | { kind: 'value'; value: unknown; encoding: 'json' | 'msgpack' }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'oversized' };

type Auth = 'ok' | 'bad-signature' | 'stale' | 'unknown-key' | 'missing';

interface FuzzRequest {
  method: string;
  path: string;
  contentType: string | null;
  accept: string | null;
  auth: Auth;
  body: Body;
}

/** Placeholder for a fresh clOrdId, filled in when the request is sent (so valid orders are not duplicates). */
const FRESH = Symbol('fresh clOrdId');

const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('BTC-PERP', 'buy', 'sell', 'limit', 'market', 'GTC', '1.5', '65000', '0', '-1', '1e3', ''),
  fc.constantFrom('x'.repeat(41), '٣', '65000.5 ', ' 1', '01', '1.', '.5', '0x10'),
);

/** A well-formed order body, its optional fields (tif, postOnly) written or left out. */
const validOrder: fc.Arbitrary<Entry[]> = generatedOrder.map((o) => {
  const entries: Entry[] = [
    ['clOrdId', FRESH],
    ['symbol', o.symbol],
    ['side', o.side],
    ['type', o.type],
    ['qty', o.qty],
  ];
  if (o.type === 'limit') entries.push(['price', o.price]);
  if (o.hasTif) entries.push(['tif', o.tif]);
  if (o.hasPostOnly) entries.push(['postOnly', o.postOnly]);
  return entries;
});

/** A valid order with one field removed, added (an unknown, hostile or repeated key) or given another value. */
const alteredOrder: fc.Arbitrary<Entry[]> = fc
  .tuple(
    validOrder,
    fc.constantFrom('remove', 'add', 'replace'),
    fc.nat(),
    fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'clOrdId', 'price', 'qty', 'Symbol', 'extra'),
      fc.string({ maxLength: 8 }),
    ),
    anyValue,
  )
  .map(([entries, how, at, key, value]) => {
    const i = at % entries.length;
    if (how === 'remove') return entries.filter((_, k) => k !== i);
    if (how === 'add') return [...entries.slice(0, i), [key, value] as Entry, ...entries.slice(i)];
    return entries.map((e, k) => (k === i ? ([e[0], value] as Entry) : e));
  });

const body: fc.Arbitrary<Body> = fc.oneof(
  {
    // A cancel-all's body.
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('entries' as const),
      entries: fc
        .constantFrom('BTC-PERP', 'ETH-PERP', 'NO-SUCH-PERP')
        .map((symbol): Entry[] => [['symbol', symbol]]),
      encoding: fc.constantFrom('json' as const, 'msgpack' as const),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('entries' as const),
      entries: validOrder,
      encoding: fc.constantFrom('json' as const, 'json' as const, 'msgpack' as const),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('entries' as const),
      entries: alteredOrder,
      encoding: fc.constantFrom('json' as const, 'msgpack' as const),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('json-text-mutated' as const),
      entries: validOrder,
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
      mode: fc.constantFrom('replace' as const, 'insert' as const, 'delete' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('value' as const),
      value: fc.jsonValue({ maxDepth: 4 }),
      encoding: fc.constantFrom('json' as const, 'msgpack' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 200 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'oversized' as const }) },
);

const route = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ method: 'POST', path: '/api/v1/orders' }) },
  { weight: 2, arbitrary: fc.constant({ method: 'POST', path: '/api/v1/orders/cancel-all' }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('GET', 'DELETE'),
        fc.constantFrom('abc', 'no-such-order', 'a.b', 'x'.repeat(37), '_-_'),
      )
      .map(([method, id]) => ({ method, path: `/api/v1/orders/${id}` })),
  },
  { weight: 1, arbitrary: fc.constant({ method: 'GET', path: '/api/v1/limits' }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { method: 'PUT', path: '/api/v1/orders' },
      { method: 'PATCH', path: '/api/v1/limits' },
      { method: 'POST', path: '/api/v1/nothing-here' },
      { method: 'GET', path: '/api/v2/orders' },
      { method: 'POST', path: '/api/v1/orders?x=1' },
    ),
  },
);

const request: fc.Arbitrary<FuzzRequest> = fc
  .record({
    route,
    contentType: fc.oneof(
      { weight: 6, arbitrary: fc.constant('from-body') },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          'application/json',
          'application/msgpack',
          'Application/JSON; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
        ),
      },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    accept: fc.constantFrom(null, 'application/json', 'application/msgpack', '*/*', 'text/html'),
    auth: fc.oneof(
      { weight: 12, arbitrary: fc.constant('ok' as const) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'bad-signature' as const,
          'stale' as const,
          'unknown-key' as const,
          'missing' as const,
        ),
      },
    ),
    body,
  })
  .map((r) => ({
    method: r.route.method,
    path: r.route.path,
    contentType:
      r.contentType === 'from-body'
        ? r.body.kind === 'none'
          ? null
          : 'encoding' in r.body && r.body.encoding === 'msgpack'
            ? 'application/msgpack'
            : 'application/json'
        : r.contentType,
    accept: r.accept,
    auth: r.auth,
    body: r.body,
  }));

// --- encoding them -----------------------------------------------------------

function withFreshIds(entries: Entry[]): Entry[] {
  return entries.map(([k, v]) => [k, v === FRESH ? clOrdId('fz') : v]);
}

/** JSON text of the entries in order (repeated and `__proto__` keys written as they are). */
function jsonText(entries: Entry[]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

function bodyBytes(b: Body): Uint8Array | undefined {
  switch (b.kind) {
    case 'none':
      return undefined;
    case 'entries': {
      const entries = withFreshIds(b.entries);
      return b.encoding === 'json' ? Buffer.from(jsonText(entries)) : pack(Object.fromEntries(entries));
    }
    case 'json-text-mutated': {
      const text = Buffer.from(jsonText(withFreshIds(b.entries)));
      const at = b.at % text.length;
      if (b.mode === 'replace') {
        text[at] = b.byte;
        return text;
      }
      if (b.mode === 'insert')
        return Buffer.concat([text.subarray(0, at), Buffer.from([b.byte]), text.subarray(at)]);
      return Buffer.concat([text.subarray(0, at), text.subarray(at + 1)]);
    }
    case 'value':
      return b.encoding === 'json' ? Buffer.from(JSON.stringify(b.value) ?? 'null') : pack(b.value);
    case 'bytes':
      return b.bytes;
    case 'oversized':
      return Buffer.from(
        jsonText([
          ['clOrdId', clOrdId('big')],
          ['pad', 'x'.repeat(MAX_BYTES)],
        ]),
      );
  }
}

// --- an independent reading of what a request asks ---------------------------

const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const ORDER_FIELDS = new Set(['clOrdId', 'symbol', 'side', 'type', 'qty', 'price', 'tif', 'postOnly']);

/** The request's media type: its Content-Type without parameters, in lower case ('' for none). */
function mediaTypeOf(r: FuzzRequest): string {
  return (r.contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** A body decoded as its media type says (a msgpack body must be a map); undefined when it does not decode. */
function decodeBody(bytes: Uint8Array, msgpack: boolean): unknown {
  try {
    if (!msgpack) return JSON.parse(new TextDecoder().decode(bytes));
    const first = bytes[0]!;
    return (first >= 0x80 && first <= 0x8f) || first === 0xde || first === 0xdf ? unpack(bytes) : undefined;
  } catch {
    return undefined;
  }
}

/** The body as the POST /api/v1/orders schema reads it: the order, or null when it is not a valid order. */
function oracleOrder(bytes: Uint8Array | undefined, msgpack: boolean): OrderReading | null {
  if (bytes === undefined || bytes.length === 0) return null;
  const decoded = decodeBody(bytes, msgpack);
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) return null;
  if (Object.getPrototypeOf(decoded) !== Object.prototype) return null;
  const o = decoded as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.some((k) => !ORDER_FIELDS.has(k))) return null;
  const str = (k: string, pattern: RegExp, max: number) =>
    typeof o[k] === 'string' && (o[k] as string).length <= max && pattern.test(o[k] as string);
  if (!str('clOrdId', /^[A-Za-z0-9_-]{1,36}$/, 36)) return null;
  if (!str('symbol', /^[A-Za-z0-9._-]{1,32}$/, 32)) return null;
  if (o.side !== 'buy' && o.side !== 'sell') return null;
  if (o.type !== 'limit' && o.type !== 'market') return null;
  if (!str('qty', DECIMAL, 40)) return null;
  if ('price' in o && !str('price', DECIMAL, 40)) return null;
  if ('tif' in o && !['GTC', 'IOC', 'FOK', 'DAY'].includes(o.tif as string)) return null;
  if ('postOnly' in o && typeof o.postOnly !== 'boolean') return null;
  return {
    symbol: o.symbol as string,
    side: o.side === 'buy' ? Side.BUY : Side.SELL,
    type: o.type === 'limit' ? OrderType.LIMIT : OrderType.MARKET,
    tif: TimeInForce[(o.tif as keyof typeof TimeInForce | undefined) ?? 'GTC'],
    postOnly: o.postOnly === true,
    qty: parseDecimalText(o.qty as string),
    price: 'price' in o ? parseDecimalText(o.price as string) : null,
  };
}

const HTTP_STATUS = new Map<string, number>(REJECT_CODES.map((c) => [c.code, c.httpStatus]));
const ROUTED = new Set(['POST /api/v1/orders', 'POST /api/v1/orders/cancel-all', 'GET /api/v1/limits']);
const withoutQuery = (path: string) => path.split('?', 1)[0]!;
const isPlaceOrder = (r: FuzzRequest) => r.method === 'POST' && withoutQuery(r.path) === '/api/v1/orders';
const isRouted = (method: string, path: string) =>
  ROUTED.has(`${method} ${withoutQuery(path)}`) ||
  ((method === 'GET' || method === 'DELETE') && /^\/api\/v1\/orders\/[^/]+$/.test(path));

describe('REST fuzz: any request to the REST edge', () => {
  let fx: Fixture;
  let port: number;
  let mm1: Credentials;
  let sent: Sent;

  before(async () => {
    fx = await startFirewallFixture({
      configure: (config) => {
        relaxLimits(config);
        for (const account of config.accounts) account.limits.maxOpenOrders = 100_000;
      },
    });
    port = fx.firewall.port;
    mm1 = fx.credentials['MM1-rest']!;
    sent = recordSent(fx.firewall.link);
  });
  after(async () => {
    await fx.stop();
  });

  function headersFor(r: FuzzRequest, bytes: Uint8Array | undefined): Record<string, string> {
    const signedBytes = bytes ?? new Uint8Array(0);
    let headers: Record<string, string>;
    switch (r.auth) {
      case 'ok':
        headers = authHeaders(mm1, r.method, r.path, signedBytes);
        break;
      case 'bad-signature': {
        headers = authHeaders(mm1, r.method, r.path, signedBytes);
        const s = headers['X-PC-SIGNATURE']!;
        headers['X-PC-SIGNATURE'] = (s[0] === '0' ? '1' : '0') + s.slice(1);
        break;
      }
      case 'stale':
        headers = authHeaders(mm1, r.method, r.path, signedBytes, Date.now() - 600_000);
        break;
      case 'unknown-key':
        headers = { ...authHeaders(mm1, r.method, r.path, signedBytes), 'X-PC-APIKEY': 'no-such-key' };
        break;
      case 'missing':
        headers = authHeaders(mm1, r.method, r.path, signedBytes);
        delete headers['X-PC-SIGNATURE'];
        break;
    }
    // Stated on every method: Node's client sends a GET's or DELETE's body without a length,
    // which a server then reads as the start of the next request.
    if (bytes !== undefined) headers['Content-Length'] = String(bytes.length);
    if (r.contentType !== null) headers['Content-Type'] = r.contentType;
    if (r.accept !== null) headers.Accept = r.accept;
    return headers;
  }

  /** What SPEC section 4 fixes for this request: an exact code, or only that it is some code of the table. */
  function expectedCode(r: FuzzRequest, bytes: Uint8Array | undefined): string | null {
    if (!isRouted(r.method, r.path)) return null; // 404 or 405, checked below
    if (bytes !== undefined && bytes.length > MAX_BYTES) return 'PAYLOAD_TOO_LARGE';
    const takesBody = r.method === 'POST';
    const mediaType = mediaTypeOf(r);
    const json = mediaType === 'application/json';
    const msgpack = mediaType === 'application/msgpack';
    const noBody = bytes === undefined || bytes.length === 0;
    const cancelAllWithNothing = r.path === '/api/v1/orders/cancel-all' && r.contentType === null && noBody;
    if (takesBody && !json && !msgpack && !cancelAllWithNothing) return 'UNSUPPORTED_MEDIA_TYPE';
    if (r.auth === 'missing') return 'AUTH_MISSING';
    if (r.auth === 'unknown-key') return 'AUTH_UNKNOWN_KEY';
    if (r.auth === 'stale') return 'TIMESTAMP_OUT_OF_WINDOW';
    if (r.auth === 'bad-signature') return 'AUTH_BAD_SIGNATURE';
    if (isPlaceOrder(r) && oracleOrder(bytes, msgpack) === null) {
      return 'INVALID_REQUEST';
    }
    return null;
  }

  function check(r: FuzzRequest, bytes: Uint8Array | undefined, res: RawResponse, sent: SentOrder[]): string {
    const shown = `${r.method} ${r.path} ${r.contentType} ${r.auth} ${Buffer.from(bytes ?? [])
      .toString('latin1')
      .slice(0, 200)}`;
    if (!isRouted(r.method, r.path)) {
      assert.ok(res.status === 404 || res.status === 405, `${res.status} for ${shown}`);
      assertError(res, res.status, 'INVALID_REQUEST');
      assert.equal(sent.length, 0, shown);
      return String(res.status);
    }
    const expected = expectedCode(r, bytes);
    const isOrder = isPlaceOrder(r);
    if (res.status < 300) {
      assert.equal(expected, null, `${res.status} where ${expected} was due: ${shown}`);
      assertSuccess(res, res.status);
      if (isOrder) {
        assert.equal(res.status, 201, shown);
        assertForwardedAsSent(r, bytes, sent, shown);
      } else {
        assert.equal(sent.length, 0, shown);
      }
      return String(res.status);
    }
    const code = ((res.data as { error?: { code?: string } })?.error?.code ?? '') as string;
    assert.ok(HTTP_STATUS.has(code), `an unknown code ${code} (${res.status}) for ${shown}`);
    assert.notEqual(code, 'INTERNAL', `500 INTERNAL for ${shown}`);
    assertError(res, HTTP_STATUS.get(code)!, code);
    if (expected !== null) assert.equal(code, expected, shown);
    // An order refused by the venue, or unanswered in time, did go out; every other refusal did not.
    if (isOrder && (code === 'VENUE_REJECT' || code === 'VENUE_TIMEOUT'))
      assertForwardedAsSent(r, bytes, sent, shown);
    else assert.equal(sent.length, 0, `${code}, yet sent to the venue: ${shown}`);
    return code;
  }

  /** A cancel goes out only for a DELETE the firewall took; a mass cancel only for a cancel-all, of the body's market (or all). */
  function checkCancels(
    r: FuzzRequest,
    bytes: Uint8Array | undefined,
    res: RawResponse,
    cancels: number[],
    massCancels: SentMassCancel[],
  ): void {
    const shown = `${r.method} ${r.path} ${res.status} ${Buffer.from(bytes ?? [])
      .toString('latin1')
      .slice(0, 200)}`;
    const tookIt = res.status === 200 || res.status === 422 || res.status === 504;
    const isDelete = r.method === 'DELETE' && isRouted(r.method, r.path);
    const isCancelAll = r.method === 'POST' && withoutQuery(r.path) === '/api/v1/orders/cancel-all';
    if (cancels.length > 0)
      assert.ok(isDelete && tookIt && cancels.length === 1, `a cancel sent for ${shown}`);
    if (isDelete && res.status === 200)
      assert.equal(cancels.length, 1, `canceled without a cancel sent: ${shown}`);
    if (massCancels.length > 0) assert.ok(isCancelAll && tookIt, `a mass cancel sent for ${shown}`);
    if (isCancelAll && res.status === 200) {
      const mediaType = mediaTypeOf(r);
      const decoded =
        bytes === undefined || bytes.length === 0
          ? {}
          : decodeBody(bytes, mediaType === 'application/msgpack');
      const symbol = (decoded as { symbol?: string }).symbol ?? '';
      assert.deepEqual(massCancels, [{ account: 'MM1', symbol }], shown);
    }
  }

  /** The order a 201 (or a venue's refusal) stands for went to the venue exactly as the body says. */
  function assertForwardedAsSent(
    r: FuzzRequest,
    bytes: Uint8Array | undefined,
    sent: SentOrder[],
    shown: string,
  ) {
    const mediaType = mediaTypeOf(r);
    assertSentAsRead(oracleOrder(bytes, mediaType === 'application/msgpack'), sent, shown);
  }

  it('sends on exactly what each accepted body says when requests arrive together', async () => {
    // The edge reuses one request object for every request: the processing up to the forward
    // must be synchronous, or concurrent requests would take each other's fields.
    const orders = fc.oneof({ weight: 3, arbitrary: validOrder }, { weight: 1, arbitrary: alteredOrder });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(orders, fc.constantFrom('json' as const, 'msgpack' as const)), {
          minLength: 2,
          maxLength: 12,
        }),
        async (batch) => {
          const before = sent.orders.length;
          const requests = batch.map(([entries, encoding]) => {
            const body: Body = { kind: 'entries', entries, encoding };
            const r: FuzzRequest = {
              method: 'POST',
              path: '/api/v1/orders',
              contentType: encoding === 'json' ? 'application/json' : 'application/msgpack',
              accept: null,
              auth: 'ok',
              body,
            };
            return { r, bytes: bodyBytes(body) };
          });
          const answers = await Promise.all(
            requests.map(({ r, bytes }) =>
              send(port, { method: r.method, path: r.path, headers: headersFor(r, bytes), body: bytes! }),
            ),
          );
          // Each order that went out, by the id its 201 (or its refusal by the venue) carries.
          const byId = new Map<number, SentOrder>();
          for (let k = before; k < sent.orders.length; k++) byId.set(sent.orderIds[k]!, sent.orders[k]!);
          let wentOut = 0;
          answers.forEach((res, k) => {
            const { r, bytes } = requests[k]!;
            const shown = Buffer.from(bytes ?? []).toString('latin1');
            if (res.status === 201) {
              wentOut++;
              const orderId = Number((res.data as { orderId: string }).orderId);
              const order = byId.get(orderId);
              assert.ok(order, `201 for order ${orderId}, which did not go to the venue: ${shown}`);
              assertForwardedAsSent(r, bytes, [order], shown);
            } else {
              const code = (res.data as { error?: { code?: string } }).error?.code;
              assert.notEqual(code, 'INTERNAL', shown);
              if (code === 'VENUE_REJECT' || code === 'VENUE_TIMEOUT') wentOut++;
            }
          });
          assert.equal(
            sent.orders.length - before,
            wentOut,
            'orders sent on against orders the answers account for',
          );
        },
      ),
      { seed: SEED, numRuns: Math.ceil(RUNS / 6), endOnFailure: true, includeErrorInReport: true },
    );
  });

  it('answers every request with a code of the table, refuses what is not an order, and sends on exactly what it accepts', async () => {
    const outcomes = new OutcomeTally();
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (requests) => {
        for (const r of requests) {
          const bytes = bodyBytes(r.body);
          const before = {
            orders: sent.orders.length,
            cancels: sent.cancels.length,
            mass: sent.massCancels.length,
          };
          const res = await send(port, {
            method: r.method,
            path: r.path,
            headers: headersFor(r, bytes),
            ...(bytes !== undefined ? { body: bytes } : {}),
          });
          const outcome = check(r, bytes, res, sent.orders.slice(before.orders));
          checkCancels(
            r,
            bytes,
            res,
            sent.cancels.slice(before.cancels),
            sent.massCancels.slice(before.mass),
          );
          outcomes.count(outcome);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
    );
    // The run reached acceptance and each kind of refusal it is about.
    outcomes.assertReached(['201', 'INVALID_REQUEST', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', '404']);
    assert.ok(
      ['AUTH_MISSING', 'AUTH_UNKNOWN_KEY', 'TIMESTAMP_OUT_OF_WINDOW', 'AUTH_BAD_SIGNATURE'].some((c) =>
        outcomes.has(c),
      ),
      String(outcomes),
    );

    // The firewall still takes a normal order (priced at the reference, which the run's trades moved).
    const market = fx.firewall.runtime.model.markets.get('BTC-PERP')!;
    const placed = await fx.rest('MM1-rest').placeOrder({
      clOrdId: clOrdId('after-fuzz'),
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '0.001',
      price: market.tick.format(fx.firewall.runtime.tables.referencePriceTicks(market.index)),
    });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
  });
});
