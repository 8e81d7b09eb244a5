// SPEC section 4 request bodies over the real REST edge: the size cap (with
// and without Content-Length), content types, strict body validation (400
// INVALID_REQUEST), msgpack in and out, slow and aborted bodies, and the
// RateLimit headers on every /api/v1 answer, errors included.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Packr, pack, unpack } from 'msgpackr';
import type { Credentials } from '../../src/client/credentials.ts';
import { startFirewallFixture } from '../helpers/firewall-fixture.ts';
import {
  assertError,
  assertRateLimitHeaders,
  assertSuccess,
  authHeaders,
  clOrdId,
  type RawPart,
  rawExchange,
  rawHead,
  relaxLimits,
  send,
  signed,
  sleep,
} from './support/rest-harness.ts';

type Fixture = Awaited<ReturnType<typeof startFirewallFixture>>;

const MAX = 4096; // session.maxMessageBytes of config/demo.json

const order = (extra: Record<string, unknown> = {}) => ({
  clOrdId: clOrdId('body'),
  symbol: 'BTC-PERP',
  side: 'buy',
  type: 'limit',
  qty: '0.001',
  price: '1000',
  ...extra,
});

describe('REST request bodies', () => {
  let fx: Fixture;
  let port: number;
  let mm1: Credentials;

  /** A raw POST /api/v1/orders head, signed over `body`. */
  const orderHead = (body: Uint8Array, headers: Record<string, string>) =>
    rawHead('POST', '/api/v1/orders', {
      ...authHeaders(mm1, 'POST', '/api/v1/orders', body),
      'Content-Type': 'application/json',
      ...headers,
    });

  /** The server still answers normally (it did not crash or wedge). */
  const stillServes = async () => {
    assertSuccess(await signed(port, mm1, 'POST', '/api/v1/orders', { body: order() }), 201);
  };

  before(async () => {
    fx = await startFirewallFixture({
      configure: (config) => {
        relaxLimits(config);
        assert.equal(config.session.maxMessageBytes, MAX);
      },
    });
    port = fx.firewall.port;
    mm1 = fx.credentials['MM1-rest']!;
  });
  after(() => fx.stop());

  it('a body of exactly maxMessageBytes passes; one byte more is PAYLOAD_TOO_LARGE (413)', async () => {
    const text = JSON.stringify(order());
    const exact = Buffer.from(text + ' '.repeat(MAX - Buffer.byteLength(text)));
    assert.equal(exact.length, MAX);
    assertSuccess(await signed(port, mm1, 'POST', '/api/v1/orders', { body: exact }), 201);
    const over = Buffer.from(JSON.stringify(order()) + ' '.repeat(MAX + 1 - Buffer.byteLength(text)));
    assert.equal(over.length, MAX + 1);
    assertError(await signed(port, mm1, 'POST', '/api/v1/orders', { body: over }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('PAYLOAD_TOO_LARGE from the declared Content-Length, before the body is read', async () => {
    const big = Buffer.alloc(MAX * 4, 0x20);
    // Only the head: the server answers without waiting for the body.
    const res = await rawExchange(port, [orderHead(big, { 'Content-Length': String(big.length) })]);
    assertError(res, 413, 'PAYLOAD_TOO_LARGE');
    // Also on routes without a body, and on the cancel-all route.
    assertError(
      await rawExchange(port, [
        rawHead('POST', '/api/v1/orders/cancel-all', {
          ...authHeaders(mm1, 'POST', '/api/v1/orders/cancel-all', big),
          'Content-Type': 'application/json',
          'Content-Length': String(big.length),
        }),
      ]),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    await stillServes();
  });

  it('PAYLOAD_TOO_LARGE without Content-Length: a chunked body counted as it arrives', async () => {
    const big = Buffer.alloc(MAX + 100, 0x20);
    const head = orderHead(big, { 'Transfer-Encoding': 'chunked' });
    // One chunk, all at once.
    assertError(
      await rawExchange(port, [head, `${big.length.toString(16)}\r\n`, big, '\r\n0\r\n\r\n']),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    // Small chunks trickled in: the cap is crossed by the sum, not by any one chunk.
    const parts: RawPart[] = [head];
    for (let sent = 0; sent < big.length; sent += 1000) {
      const piece = big.subarray(sent, Math.min(big.length, sent + 1000));
      parts.push(`${piece.length.toString(16)}\r\n`, piece, '\r\n', { pauseMs: 5 });
    }
    parts.push('0\r\n\r\n');
    assertError(await rawExchange(port, parts), 413, 'PAYLOAD_TOO_LARGE');
    // A chunked body within the cap is fine.
    const ok = Buffer.from(JSON.stringify(order()));
    const small = rawHead('POST', '/api/v1/orders', {
      ...authHeaders(mm1, 'POST', '/api/v1/orders', ok),
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
    });
    const halves = [ok.subarray(0, 20), ok.subarray(20)];
    const res = await rawExchange(port, [
      small,
      ...halves.flatMap((h): RawPart[] => [`${h.length.toString(16)}\r\n`, h, '\r\n', { pauseMs: 10 }]),
      '0\r\n\r\n',
    ]);
    assertSuccess(res, 201);
    // A GET carrying a chunked body is verified over that body too, as sent.
    const note = Buffer.from('{"note":"not read by the route"}');
    const get = rawHead('GET', '/api/v1/limits', {
      ...authHeaders(mm1, 'GET', '/api/v1/limits', note),
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
    });
    assertSuccess(
      await rawExchange(port, [get, `${note.length.toString(16)}\r\n`, note, '\r\n0\r\n\r\n']),
      200,
    );
    await stillServes();
  });

  it('UNSUPPORTED_MEDIA_TYPE (415) for other content types; charset parameters are fine', async () => {
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'json',
    ]) {
      assertError(
        await signed(port, mm1, 'POST', '/api/v1/orders', { body: order(), contentType }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    }
    // No Content-Type at all.
    const body = Buffer.from(JSON.stringify(order()));
    assertError(
      await send(port, {
        method: 'POST',
        path: '/api/v1/orders',
        headers: authHeaders(mm1, 'POST', '/api/v1/orders', body),
        body,
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    assertError(
      await signed(port, mm1, 'POST', '/api/v1/orders/cancel-all', { body: {}, contentType: 'text/plain' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    assertSuccess(
      await signed(port, mm1, 'POST', '/api/v1/orders', {
        body: order(),
        contentType: 'Application/JSON; charset=utf-8',
      }),
      201,
    );
  });

  it('INVALID_REQUEST (400) for every kind of malformed body', async () => {
    const good = JSON.stringify(order());
    const deep = `{"clOrdId":${'['.repeat(1500)}${']'.repeat(1500)},"symbol":"BTC-PERP"}`;
    assert.ok(deep.length < MAX);
    const cases: Array<[string, string | Uint8Array]> = [
      ['malformed JSON', good.slice(0, -1)],
      ['trailing garbage', `${good}x`],
      ['empty body', ''],
      ['not an object', '[1,2]'],
      ['a JSON string', '"order"'],
      ['null', 'null'],
      ['unknown field', JSON.stringify(order({ leverage: '10' }))],
      ['wrong type: qty as a number', JSON.stringify(order({ qty: 0.001 }))],
      ['wrong type: price as a number', JSON.stringify(order({ price: 1000 }))],
      ['wrong type: postOnly as a string', JSON.stringify(order({ postOnly: 'true' }))],
      ['wrong type: clOrdId as an object', JSON.stringify(order({ clOrdId: { id: 1 } }))],
      ['missing required field', JSON.stringify({ ...order(), symbol: undefined })],
      ['bad enum: side', JSON.stringify(order({ side: 'short' }))],
      ['bad enum: type', JSON.stringify(order({ type: 'stop' }))],
      ['bad enum: tif', JSON.stringify(order({ tif: 'GTD' }))],
      ['__proto__ key in the raw text', `{"__proto__":{"admin":true},${good.slice(1)}`],
      ['__proto__ key with a string value', `${good.slice(0, -1)},"__proto__":"x"}`],
      ['constructor key', `${good.slice(0, -1)},"constructor":{"prototype":{"x":1}}}`],
      ['prototype key', `${good.slice(0, -1)},"prototype":"x"}`],
      ['a field twice', `${good.slice(0, -1)},"clOrdId":"other"}`],
      ['a field twice, once escaped', `${good.slice(0, -1)},"\\u0063lOrdId":"other"}`],
      ['a field twice, with spaces', `{ "qty" : "1", ${good.slice(1)}`],
      ['deeply nested JSON', deep],
      ['oversized string: 37-character clOrdId', JSON.stringify(order({ clOrdId: 'a'.repeat(37) }))],
      ['oversized string: price of 41 characters', JSON.stringify(order({ price: '1'.repeat(41) }))],
      ['oversized string: 3000-character symbol', JSON.stringify(order({ symbol: 'S'.repeat(3000) }))],
      ['bad clOrdId charset: space', JSON.stringify(order({ clOrdId: 'a b' }))],
      ['bad clOrdId charset: unicode', JSON.stringify(order({ clOrdId: 'ordre-é' }))],
      ['bad clOrdId charset: slash', JSON.stringify(order({ clOrdId: 'a/b' }))],
      ['empty clOrdId', JSON.stringify(order({ clOrdId: '' }))],
      ['malformed quantity', JSON.stringify(order({ qty: '1e3' }))],
      ['negative quantity', JSON.stringify(order({ qty: '-1' }))],
      ['zero price', JSON.stringify(order({ price: '0' }))],
      ['limit order without a price', JSON.stringify({ ...order(), price: undefined })],
      ['market order with a price', JSON.stringify(order({ type: 'market', price: '1000' }))],
      [
        'invalid UTF-8',
        Buffer.concat([Buffer.from(good.slice(0, -2)), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      ],
    ];
    for (const [name, body] of cases) {
      const res = await signed(port, mm1, 'POST', '/api/v1/orders', { body });
      assert.equal(res.status, 400, `${name}: ${res.body.toString('utf8').slice(0, 200)}`);
      const { message } = assertError(res, 400, 'INVALID_REQUEST');
      if (name.startsWith('a field twice')) assert.match(message, /appears more than once/, name);
    }
    // Nothing was polluted by the prototype keys.
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.equal(({} as Record<string, unknown>).x, undefined);
    // A bad clOrdId in the path.
    for (const id of ['a!b', 'a'.repeat(37), '%20']) {
      assertError(await signed(port, mm1, 'GET', `/api/v1/orders/${id}`), 400, 'INVALID_REQUEST');
      assertError(await signed(port, mm1, 'DELETE', `/api/v1/orders/${id}`), 400, 'INVALID_REQUEST');
    }
    await stillServes();
  });

  it('a msgpack body signed over its raw bytes is accepted', async () => {
    const body = order();
    const bytes = pack(body);
    const res = await signed(port, mm1, 'POST', '/api/v1/orders', {
      body: bytes,
      contentType: 'application/msgpack',
    });
    const placed = assertSuccess(res, 201);
    assert.equal(res.headers['content-type'], 'application/json', 'JSON unless msgpack is asked for');
    assert.equal(placed.clOrdId, body.clOrdId);
    // The signature covers the msgpack bytes, not a JSON rendering of them.
    assertError(
      await signed(port, mm1, 'POST', '/api/v1/orders', {
        body: pack(order()),
        contentType: 'application/msgpack',
        signBody: Buffer.from(JSON.stringify(body)),
      }),
      401,
      'AUTH_BAD_SIGNATURE',
    );
    // Cancel-all takes msgpack too.
    assertSuccess(
      await signed(port, mm1, 'POST', '/api/v1/orders/cancel-all', {
        body: pack({ symbol: 'ETH-PERP' }),
        contentType: 'application/msgpack',
      }),
      200,
    );
    // msgpack bodies are as strict as JSON ones.
    for (const bad of [
      pack({ ...order(), extra: 1 }),
      pack({ ...order(), qty: 1 }),
      pack([order()]),
      Buffer.from([0xc1]),
      Buffer.concat([pack(order()), pack(1)]),
      // A map whose last key is "__proto__".
      Buffer.concat([
        Buffer.from([0x87]),
        ...Object.entries(order()).flatMap(([k, v]) => [pack(k), pack(v)]),
        pack('__proto__'),
        pack({ admin: true }),
      ]),
    ]) {
      assertError(
        await signed(port, mm1, 'POST', '/api/v1/orders', { body: bad, contentType: 'application/msgpack' }),
        400,
        'INVALID_REQUEST',
      );
    }
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  });

  it('a msgpack body that names a field twice is 400 INVALID_REQUEST, as a JSON one is', async () => {
    /** A msgpack map written entry by entry (pack would keep one of two equal keys). */
    const rawMap = (entries: ReadonlyArray<readonly [string, unknown]>) =>
      Buffer.concat([
        Buffer.from([0x80 | entries.length]),
        ...entries.flatMap(([k, v]) => [pack(k), pack(v)]),
      ]);
    const post = (path: string, body: Uint8Array) =>
      signed(port, mm1, 'POST', path, { body, contentType: 'application/msgpack' });
    const first = order();
    const other = clOrdId('other');
    for (const [field, entries] of [
      // The last value would have won: the order placed would have been `other`.
      ['clOrdId', [...Object.entries(first), ['clOrdId', other]]],
      ['qty', [['qty', '5'], ...Object.entries(order())]],
    ] as const) {
      const { message } = assertError(await post('/api/v1/orders', rawMap(entries)), 400, 'INVALID_REQUEST');
      assert.equal(message, `field "${field}" appears more than once`);
    }
    // Nothing was placed under either clOrdId.
    for (const id of [first.clOrdId, other]) {
      assertError(await signed(port, mm1, 'GET', `/api/v1/orders/${id}`), 404, 'UNKNOWN_ORDER');
    }
    // The same message as for a JSON body naming the field twice.
    const json = `${JSON.stringify(order()).slice(0, -1)},"qty":"5"}`;
    const { message } = assertError(
      await signed(port, mm1, 'POST', '/api/v1/orders', { body: json }),
      400,
      'INVALID_REQUEST',
    );
    assert.equal(message, 'field "qty" appears more than once');
    // Cancel-all's body too.
    const twice = rawMap([
      ['symbol', 'ETH-PERP'],
      ['symbol', 'BTC-PERP'],
    ]);
    const refused = assertError(await post('/api/v1/orders/cancel-all', twice), 400, 'INVALID_REQUEST');
    assert.equal(refused.message, 'field "symbol" appears more than once');
    // The same map with each field once is an order.
    const once = order();
    const placed = assertSuccess(await post('/api/v1/orders', rawMap(Object.entries(once))), 201);
    assert.equal(placed.clOrdId, once.clOrdId);
  });

  it('a msgpack body must be a map: msgpackr records and other values are 400', async () => {
    // msgpackr's record extension decodes to an object too, keys and all, repeats unchecked.
    const record = new Packr({ useRecords: true }).pack(order());
    assert.ok(record[0]! < 0x80 || record[0]! > 0x8f, 'not written as a map');
    const notAMap = [record, pack([order()]), pack('order'), pack(null)];
    for (const body of notAMap) {
      const { message } = assertError(
        await signed(port, mm1, 'POST', '/api/v1/orders', { body, contentType: 'application/msgpack' }),
        400,
        'INVALID_REQUEST',
      );
      assert.equal(message, 'the body must be a msgpack map');
    }
  });

  it('Accept: application/msgpack returns msgpack bodies, errors included', async () => {
    const body = order();
    const placed = await signed(port, mm1, 'POST', '/api/v1/orders', {
      body,
      accept: 'application/msgpack',
    });
    assert.equal(placed.headers['content-type'], 'application/msgpack');
    const decoded = unpack(placed.body) as Record<string, unknown>;
    assert.equal(decoded.clOrdId, body.clOrdId);
    assert.equal(decoded.status, 'new');
    assertSuccess(placed, 201);

    const view = await signed(port, mm1, 'GET', `/api/v1/orders/${body.clOrdId}`, {
      accept: 'application/msgpack',
    });
    assert.equal(view.headers['content-type'], 'application/msgpack');
    assert.equal((unpack(view.body) as Record<string, unknown>).qty, '0.001');

    const error = await signed(port, mm1, 'GET', '/api/v1/orders/none', { accept: 'application/msgpack' });
    assert.equal(error.headers['content-type'], 'application/msgpack');
    assertError(error, 404, 'UNKNOWN_ORDER');
    // msgpack both ways.
    const both = await signed(port, mm1, 'POST', '/api/v1/orders', {
      body: pack(order()),
      contentType: 'application/msgpack',
      accept: 'application/msgpack',
    });
    assert.equal(both.headers['content-type'], 'application/msgpack');
    assertSuccess(both, 201);
    // Accept is weighed: msgpack refused with q=0, or weighed below JSON, gets JSON.
    for (const [accept, type] of [
      ['application/msgpack;q=0, application/json', 'application/json'],
      ['application/json, application/msgpack;q=0.5', 'application/json'],
      ['application/json;q=0.5, application/msgpack', 'application/msgpack'],
      ['text/html, application/msgpack', 'application/msgpack'],
    ] as const) {
      const res = await signed(port, mm1, 'GET', '/api/v1/limits', { accept });
      assert.equal(res.headers['content-type'], type, accept);
      assertSuccess(res, 200);
    }
  });

  it('a slow body trickled over a raw socket still works', async () => {
    const bytes = Buffer.from(JSON.stringify(order()));
    const parts: RawPart[] = [orderHead(bytes, { 'Content-Length': String(bytes.length) })];
    for (let i = 0; i < bytes.length; i += 7) parts.push({ pauseMs: 15 }, bytes.subarray(i, i + 7));
    assertSuccess(await rawExchange(port, parts), 201);
  });

  it('a client that aborts mid-body, or lies about Content-Length, does not hurt the server', async () => {
    const bytes = Buffer.from(JSON.stringify(order()));
    const head = orderHead(bytes, { 'Content-Length': String(bytes.length) });
    // Abort after part of the body; after the head only; in the middle of the head.
    for (const parts of [[head, bytes.subarray(0, 20)], [head], [head.slice(0, 30)]]) {
      const res = await rawExchange(port, [...parts, { pauseMs: 30 }], { timeoutMs: 100 }).catch(
        (e: Error) => e,
      );
      assert.ok(res instanceof Error, 'no answer to an incomplete request');
      await stillServes();
    }
    // Declares more than it sends, then waits: no answer, and the server keeps serving others.
    const waiting = rawExchange(
      port,
      [orderHead(bytes, { 'Content-Length': String(bytes.length + 50) }), bytes],
      { timeoutMs: 200 },
    ).catch((e: Error) => e);
    await stillServes();
    assert.ok((await waiting) instanceof Error);
    // Declares less than it sends: the body is cut at the declared length (so the signature fails), and
    // the rest is garbage where the next request should start: uWS refuses it on that connection.
    const short = await rawExchange(port, [
      orderHead(bytes, { 'Content-Length': String(bytes.length - 10) }),
      bytes,
    ]);
    assert.ok(short.status >= 400 && short.status < 600, `cut body: ${short.status}`);
    await stillServes();
    // Many aborts at once.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        rawExchange(port, [head, bytes.subarray(0, 10), { pauseMs: 20 }], { timeoutMs: 60 }).catch(
          () => null,
        ),
      ),
    );
    await sleep(20);
    await stillServes();
  });

  it('RateLimit-Policy and RateLimit headers on every /api/v1 response, errors included', async () => {
    const responses = [
      await signed(port, mm1, 'GET', '/api/v1/limits'),
      await signed(port, mm1, 'GET', '/api/v1/orders/none'),
      await send(port, { method: 'GET', path: '/api/v1/limits' }),
      await signed(port, mm1, 'POST', '/api/v1/orders', { body: order(), contentType: 'text/plain' }),
      await signed(port, mm1, 'POST', '/api/v1/orders', { body: Buffer.alloc(MAX + 1, 0x20) }),
      await signed(port, mm1, 'POST', '/api/v1/orders', { body: '{' }),
      await send(port, { method: 'GET', path: '/api/v1/no-such-route' }),
      await send(port, { method: 'PUT', path: '/api/v1/orders' }),
      await send(port, { method: 'PATCH', path: '/api/v1/orders/abc' }),
      await send(port, { method: 'GET', path: '/api/v2/orders' }),
      await rawExchange(port, [orderHead(Buffer.alloc(0), { 'Content-Length': String(MAX + 1) })]),
    ];
    for (const res of responses) {
      assertRateLimitHeaders(res);
      assert.ok(res.headers['x-request-id'], `X-Request-Id on ${res.status}`);
    }
  });
});
