// The SDK's RestClient against the real firewall: what it signs is what it sends, whatever
// the caller wrote (a wrong signature is AUTH_BAD_SIGNATURE, and failures count toward the
// lockout of every key from the address).
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type OrderInput, RestClient } from '../../src/client/rest-client.ts';
import { startFirewallFixture } from '../helpers/firewall-fixture.ts';

describe('RestClient signs the request as it goes on the wire', () => {
  let fx: Awaited<ReturnType<typeof startFirewallFixture>>;
  before(async () => {
    fx = await startFirewallFixture();
  });
  after(() => fx.stop());

  for (const [method, path] of [
    ['GET', '/api/v1/limits?note=a b'],
    ['GET', "/api/v1/limits?who=o'brien"],
    ['GET', '/api/v1/limits?q=é'],
    ['GET', '/api/v1/./limits'],
    ['GET', '/api/v1/limits#part'],
    ['get', '/api/v1/limits'],
  ] as const) {
    it(`${method} ${path}`, async () => {
      const res = await fx.rest('MM1-rest').request(method, path);
      assert.equal(res.status, 200, JSON.stringify(res.body));
    });
  }
});

describe('RestClient clock and timeout', () => {
  it('a clock with a fraction of a millisecond still signs a timestamp the firewall accepts', async () => {
    const fx = await startFirewallFixture();
    try {
      const client = new RestClient(fx.baseUrl, fx.credentials['MM1-rest']!, {
        clock: () => Date.now() + 0.5,
      });
      assert.equal((await client.limits()).status, 200);
    } finally {
      await fx.stop();
    }
  });

  it('a server that never answers: the request fails after timeoutMs, not minutes later', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const client = new RestClient(
        `http://127.0.0.1:${port}`,
        { type: 'hmac-sha256', keyId: 'k', secret: 's' },
        { timeoutMs: 200 },
      );
      await assert.rejects(client.limits(), (error: Error) => error.name === 'TimeoutError');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('RestClient msgpack bodies', () => {
  let fx: Awaited<ReturnType<typeof startFirewallFixture>>;
  let client: RestClient;
  before(async () => {
    fx = await startFirewallFixture({ mode: 'ack' });
    client = new RestClient(fx.baseUrl, fx.credentials['MM1-rest']!, { encoding: 'msgpack' });
  });
  after(() => fx.stop());
  const buy = (clOrdId: string, symbol: string): OrderInput => ({
    clOrdId,
    symbol,
    side: 'buy',
    type: 'limit',
    qty: '0.01',
    price: '60000',
  });

  it('places, reads back and cancels an order with msgpack bodies both ways', async () => {
    const placed = await client.placeOrder(buy('mp-1', 'BTC-PERP'));
    assert.equal(placed.headers.get('content-type'), 'application/msgpack');
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const { orderId, ...rest } = placed.body as { orderId: string };
    assert.match(orderId, /^[1-9][0-9]*$/);
    assert.deepEqual(rest, { clOrdId: 'mp-1', status: 'new' });
    const read = await client.getOrder('mp-1');
    assert.equal(read.status, 200);
    assert.equal((read.body as { price: string }).price, '60000');
    assert.equal((read.body as { status: string }).status, 'new');
    const canceled = await client.cancelOrder('mp-1');
    assert.deepEqual([canceled.status, canceled.body], [200, { clOrdId: 'mp-1', status: 'canceled' }]);
  });

  it('a refused order: the error body comes back decoded from msgpack', async () => {
    const res = await client.placeOrder(buy('mp-2', 'NOPE-PERP'));
    assert.equal(res.headers.get('content-type'), 'application/msgpack');
    assert.equal(res.status, 400);
    assert.equal((res.body as { error: { code: string } }).error.code, 'UNKNOWN_SYMBOL');
  });
});

describe('RestClient baseUrl', () => {
  const credentials = { type: 'hmac-sha256', keyId: 'k', secret: 's' } as const;
  for (const good of ['http://127.0.0.1:7400', 'http://127.0.0.1:7400/', 'https://fw.example:443']) {
    it(`takes ${good}`, () => {
      assert.doesNotThrow(() => new RestClient(good, credentials));
    });
  }
  for (const [bad, why] of [
    ['http://127.0.0.1:7400/prefix', /without a path/],
    ['http://127.0.0.1:7400/?x=1', /without a path, query/],
    ['http://user:pw@127.0.0.1:7400', /or user/],
    ['ws://127.0.0.1:7400', /http:\/\/ or https:\/\//],
    ['127.0.0.1:7400', /http:\/\/ or https:\/\//],
  ] as const) {
    it(`refuses ${bad}`, () => {
      assert.throws(() => new RestClient(bad, credentials), why);
    });
  }
  it('refuses an unknown encoding', () => {
    assert.throws(
      () => new RestClient('http://127.0.0.1:7400', credentials, { encoding: 'xml' as 'json' }),
      /encoding must be 'json' or 'msgpack'/,
    );
  });
});
