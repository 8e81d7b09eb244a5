// GET /openapi.json against the running server: served without
// authentication, OpenAPI 3.1, documents every route of REST_ROUTES, every
// documented operation is really routed (unknown routes get the API's own
// 404 body, not uWS's default page, inside the API and out; a HEAD gets the
// same 404 or 405 without the body), and real answers of every route validate against the
// documented schemas.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Credentials } from '../../src/client/credentials.ts';
import { REST_ROUTES } from '../../src/edge/rest/rest-api.ts';
import { REJECT_CODES } from '../../src/pipeline/reject-codes.ts';
import { startFirewallFixture } from '../helpers/firewall-fixture.ts';
import { validate } from './support/json-schema.ts';
import {
  assertError,
  assertRateLimitHeaders,
  assertSuccess,
  authHeaders,
  clOrdId,
  eventually,
  type RawResponse,
  rawConversation,
  rawExchange,
  rawHead,
  relaxLimits,
  send,
  signed,
} from './support/rest-harness.ts';

type Fixture = Awaited<ReturnType<typeof startFirewallFixture>>;
type Json = Record<string, unknown>;

const EMPTY = new Uint8Array(0);

interface Operation {
  operationId: string;
  parameters?: Json[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json }>; headers?: Record<string, Json> }>;
}

describe('GET /openapi.json', () => {
  let fx: Fixture;
  let port: number;
  let mm1: Credentials;
  let mm2: Credentials;
  let doc: { openapi: string; info: Json; paths: Record<string, Record<string, Operation>> };

  const toOpenApiPath = (pattern: string) => pattern.replace(/:(\w+)/g, '{$1}');
  const operation = (name: string): Operation => {
    const route = REST_ROUTES.find((r) => r.name === name)!;
    return doc.paths[toOpenApiPath(route.pattern)]![route.method.toLowerCase()]!;
  };

  /** The response matches the schema the document gives for its status and content type. */
  const assertDocumented = (name: string, res: RawResponse) => {
    const responses = operation(name).responses;
    const documented = responses[String(res.status)];
    assert.ok(documented, `${name}: status ${res.status} is documented`);
    const contentType = res.headers['content-type']!;
    const schema = documented.content?.[contentType]?.schema;
    assert.ok(schema, `${name}: ${res.status} ${contentType} has a schema`);
    assert.deepEqual(validate(schema, res.data), [], `${name} ${res.status}: ${res.body.toString('utf8')}`);
    // Every header the document promises for that status is there.
    for (const header of Object.keys(documented.headers ?? {})) {
      assert.ok(res.headers[header.toLowerCase()], `${name} ${res.status}: the documented ${header} header`);
    }
  };

  before(async () => {
    fx = await startFirewallFixture({ configure: relaxLimits });
    port = fx.firewall.port;
    mm1 = fx.credentials['MM1-rest']!;
    mm2 = fx.credentials['MM2-rest']!;
    const res = await send(port, { method: 'GET', path: '/openapi.json' });
    assert.equal(res.status, 200);
    doc = res.data as typeof doc;
  });
  after(() => fx.stop());

  it('needs no authentication and is an OpenAPI 3.1 JSON document', async () => {
    const res = await send(port, { method: 'GET', path: '/openapi.json' });
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type']!, /^application\/json/);
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    assert.equal(typeof doc.info.title, 'string');
    assert.equal(typeof doc.info.version, 'string');
    // Authentication headers are ignored, not required, even when wrong.
    const withJunk = await send(port, {
      method: 'GET',
      path: '/openapi.json',
      headers: { 'X-PC-APIKEY': 'nobody', 'X-PC-TIMESTAMP': '1', 'X-PC-SIGNATURE': 'x' },
    });
    assert.equal(withJunk.status, 200);
    assert.deepEqual(withJunk.data, doc);
  });

  it('documents every route of REST_ROUTES with its method, parameters, body and success schema', () => {
    assert.ok(REST_ROUTES.length >= 5);
    const operationIds = new Set<string>();
    for (const route of REST_ROUTES) {
      const path = toOpenApiPath(route.pattern);
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      assert.ok(op, `${route.method} ${path} is documented`);
      assert.equal(op.operationId, route.name);
      operationIds.add(op.operationId);
      const headers = (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
      assert.deepEqual(headers.sort(), ['X-PC-APIKEY', 'X-PC-SIGNATURE', 'X-PC-TIMESTAMP']);
      if (path.includes('{clOrdId}')) {
        assert.ok((op.parameters ?? []).some((p) => p.in === 'path' && p.name === 'clOrdId' && p.required));
      }
      assert.equal(op.requestBody !== undefined, route.body !== null, `${route.name} body documented`);
      if (op.requestBody) {
        assert.ok(op.requestBody.content['application/json']);
        assert.ok(op.requestBody.content['application/msgpack']);
      }
      const success = op.responses[String(route.status)];
      assert.ok(success?.content?.['application/json']?.schema, `${route.name} ${route.status} schema`);
      assert.ok(success?.content?.['application/msgpack']?.schema);
      // Every HTTP status of SPEC section 3 is documented, with the error body.
      for (const code of REJECT_CODES) {
        const documented: Operation['responses'][string] | undefined = op.responses[String(code.httpStatus)];
        assert.ok(documented, `${route.name}: ${code.httpStatus} (${code.code})`);
        const sample = { error: { code: code.code, message: 'm', requestId: 'r' } };
        assert.deepEqual(validate(documented.content!['application/json']!.schema, sample), []);
      }
    }
    assert.equal(operationIds.size, REST_ROUTES.length, 'operationIds are unique');
    // Nothing is documented that is not a route.
    const documentedOperations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routed = REST_ROUTES.map((r) => `${r.method} ${toOpenApiPath(r.pattern)}`);
    assert.deepEqual(documentedOperations.sort(), routed.sort());
  });

  it('every documented operation is routed: unsigned calls get 401 AUTH_MISSING, not a 404', async () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const concrete = path.replace('{clOrdId}', 'some-order');
        const res = await send(port, {
          method: method.toUpperCase(),
          path: concrete,
          ...(op.requestBody ? { headers: { 'Content-Type': 'application/json' }, body: '{}' } : {}),
        });
        assert.notEqual(res.status, 404, `${method} ${concrete}`);
        assertError(res, 401, 'AUTH_MISSING');
        assertDocumented(op.operationId, res);
      }
    }
  });

  it('unknown routes answer 404 (and known paths with another method 405) with the error body', async () => {
    for (const [method, path] of [
      // Outside the API too: the same body, not the HTTP server's HTML page.
      ['GET', '/no-such-page'],
      ['GET', '/'],
      ['DELETE', '/openapi.json/x'],
      ['GET', '/api/v1/no-such-route'],
      ['GET', '/api/v1/orders/a/b'],
      ['POST', '/api/v2/orders'],
      ['GET', '/api/v1'],
    ] as const) {
      const res = await send(port, { method, path });
      assertError(res, 404, 'INVALID_REQUEST');
    }
    for (const [method, path, allow] of [
      ['PUT', '/api/v1/orders', 'POST'],
      ['GET', '/api/v1/orders', 'POST'],
      ['PATCH', '/api/v1/orders/abc', 'DELETE, GET'],
      ['POST', '/api/v1/limits', 'GET'],
      ['POST', '/openapi.json', 'GET, HEAD'],
    ] as const) {
      const res = await send(port, { method, path });
      assertError(res, 405, 'INVALID_REQUEST');
      // RFC 9110: a 405 names the methods the path has.
      assert.equal(res.headers.allow, allow, `${method} ${path}`);
    }
  });

  it('a GET of /fix without the WebSocket upgrade: 426 naming the upgrade', async () => {
    const res = await send(port, { method: 'GET', path: '/fix' });
    const { message } = assertError(res, 426, 'INVALID_REQUEST');
    assert.match(message, /WebSocket/);
    assert.equal(res.headers.upgrade, 'websocket');
  });

  it('what is not HTTP/1.1 is refused by the HTTP server and closed (wire contract section 8)', async () => {
    for (const [request, status] of [
      ['GARBAGE\r\n\r\n', 505],
      ['GET /api/v1/limits HTTP/1.0\r\nHost: x\r\n\r\n', 505],
      ['POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400],
      [
        'POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}',
        400,
      ],
    ] as const) {
      const res = await rawExchange(port, [request]);
      assert.equal(res.status, status, JSON.stringify(request));
      assert.equal(res.headers.connection, 'close', JSON.stringify(request));
    }
    // Without Host, HTTP/1.1 gets no answer (the idle timeout closes it).
    await assert.rejects(
      rawExchange(port, ['GET /api/v1/limits HTTP/1.1\r\n\r\n'], { timeoutMs: 1000 }),
      /no complete response/,
    );
    // The server goes on.
    const limits = await send(port, {
      method: 'GET',
      path: '/api/v1/limits',
      headers: authHeaders(mm1, 'GET', '/api/v1/limits', EMPTY),
    });
    assertSuccess(limits, 200);
  });

  it('HEAD of /openapi.json: 200 with its headers and no body; the connection goes on', async () => {
    const getLimits = () =>
      rawHead('GET', '/api/v1/limits', authHeaders(mm1, 'GET', '/api/v1/limits', EMPTY));
    const [head, get] = await rawConversation(port, [rawHead('HEAD', '/openapi.json', {}), getLimits()]);
    assert.equal(head!.status, 200);
    assert.equal(head!.headers['content-type'], 'application/json');
    assert.equal(head!.body.length, 0);
    assertSuccess(get!, 200);
  });

  it('HEAD on an API path: the same 404 or 405 with its headers and no body; the connection goes on', async () => {
    const getLimits = () =>
      rawHead('GET', '/api/v1/limits', authHeaders(mm1, 'GET', '/api/v1/limits', EMPTY));
    for (const [path, status, allow] of [
      ['/api/v1/limits', 405, 'GET'],
      ['/api/v1/orders', 405, 'POST'],
      ['/api/v1/orders/abc', 405, 'DELETE, GET'],
      // "cancel-all" is also a clOrdId: GET and DELETE of it reach the order routes.
      ['/api/v1/orders/cancel-all', 405, 'POST, DELETE, GET'],
      ['/api/v1/no-such-route', 404, undefined],
      ['/no-such-page', 404, undefined],
      ['/fix', 426, undefined],
    ] as const) {
      // A signed HEAD is answered the same: HEAD is no method of the API, whoever asks.
      for (const headers of [{}, authHeaders(mm1, 'HEAD', path, EMPTY)]) {
        const [head, get] = await rawConversation(port, [rawHead('HEAD', path, headers), getLimits()]);
        const shown = `HEAD ${path}`;
        assert.equal(head!.status, status, shown);
        assert.equal(head!.headers.allow, allow, shown);
        assert.ok(head!.headers['x-request-id'], shown);
        assertRateLimitHeaders(head!);
        assert.equal(head!.headers['content-type'], 'application/json', shown);
        // No Content-Length: RFC 9110 allows one on a HEAD answer only if it is the length of
        // the GET's body, and a GET of the same path gets another answer.
        assert.equal(head!.headers['content-length'], undefined, shown);
        // rawConversation read the GET's answer right after the HEAD's head: no body between.
        assert.equal(head!.body.length, 0, shown);
        assertSuccess(get!, 200);
        assert.notEqual(get!.headers['x-request-id'], head!.headers['x-request-id']);
      }
    }
  });

  it('real answers of every route validate against the documented schemas', async () => {
    // placeOrder: a resting order and a maker to be filled.
    const resting = {
      clOrdId: clOrdId('doc'),
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '0.001',
      price: '1000',
    };
    const requestSchema = operation('placeOrder').requestBody!.content['application/json']!.schema;
    assert.deepEqual(validate(requestSchema, resting), [], 'the sample body is a documented body');
    assert.notDeepEqual(
      validate(requestSchema, { ...resting, extra: 1 }),
      [],
      'the documented body is strict',
    );
    const placed = await signed(port, mm1, 'POST', '/api/v1/orders', { body: resting });
    assert.equal(placed.status, 201);
    assertDocumented('placeOrder', placed);

    // getOrder: a live order, a partially filled one, a filled one (avgPrice set), a market order.
    const maker = {
      clOrdId: clOrdId('mk'),
      symbol: 'ETH-PERP',
      side: 'sell',
      type: 'limit',
      qty: '0.05',
      price: '3000.05',
    };
    assert.equal((await signed(port, mm2, 'POST', '/api/v1/orders', { body: maker })).status, 201);
    const taker = { ...maker, clOrdId: clOrdId('tk'), side: 'buy', qty: '0.02' };
    assert.equal((await signed(port, mm1, 'POST', '/api/v1/orders', { body: taker })).status, 201);
    await eventually(async () => {
      const res = await signed(port, mm1, 'GET', `/api/v1/orders/${taker.clOrdId}`);
      return (res.data as Json).status === 'filled' ? true : undefined;
    }, 'the fill');
    const ethIndex = fx.firewall.runtime.model.markets.get('ETH-PERP')!.index;
    await eventually(
      () => (fx.firewall.runtime.tables.referencePriceTicks(ethIndex) > 0 ? true : undefined),
      'the reference price',
    );
    const market = {
      clOrdId: clOrdId('mo'),
      symbol: 'ETH-PERP',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      tif: 'IOC',
    };
    const marketRes = await signed(port, mm1, 'POST', '/api/v1/orders', { body: market });
    assertRateLimitHeaders(marketRes);
    for (const [credentials, id] of [
      [mm1, resting.clOrdId],
      [mm2, maker.clOrdId],
      [mm1, taker.clOrdId],
      [mm1, market.clOrdId],
    ] as const) {
      const res = await signed(port, credentials, 'GET', `/api/v1/orders/${id}`);
      if (id === market.clOrdId && res.status === 404) continue; // the venue may refuse it outright
      assert.equal(res.status, 200, res.body.toString('utf8'));
      assertDocumented('getOrder', res);
    }
    const filled = (await signed(port, mm1, 'GET', `/api/v1/orders/${taker.clOrdId}`)).data as Json;
    assert.equal(typeof filled.avgPrice, 'string', 'the filled order has an average price');

    // cancelOrder and cancelAll.
    const canceled = await signed(port, mm1, 'DELETE', `/api/v1/orders/${resting.clOrdId}`);
    assert.equal(canceled.status, 200);
    assertDocumented('cancelOrder', canceled);
    const all = await signed(port, mm2, 'POST', '/api/v1/orders/cancel-all', { body: {} });
    assert.equal(all.status, 200);
    assertDocumented('cancelAll', all);
    assert.equal((all.data as Json).canceled, 1, "the maker's remaining part");
    const oneMarket = await signed(port, mm2, 'POST', '/api/v1/orders/cancel-all', {
      body: { symbol: 'ETH-PERP' },
    });
    assertDocumented('cancelAll', oneMarket);

    // limits.
    const limits = await signed(port, mm1, 'GET', '/api/v1/limits');
    assert.equal(limits.status, 200);
    assertDocumented('limits', limits);

    // And errors of each route against the documented error schema.
    assertDocumented('placeOrder', await signed(port, mm1, 'POST', '/api/v1/orders', { body: resting }));
    assertDocumented('getOrder', await signed(port, mm1, 'GET', '/api/v1/orders/none'));
    assertDocumented('cancelOrder', await signed(port, mm1, 'DELETE', '/api/v1/orders/none'));
    assertDocumented(
      'cancelAll',
      await signed(port, mm1, 'POST', '/api/v1/orders/cancel-all', { body: { symbol: 'NOPE' } }),
    );
  });
});
