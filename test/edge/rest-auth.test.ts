// SPEC section 4 authentication over the real REST edge: the three headers,
// the signature over TIMESTAMP\nMETHOD\nPATH_WITH_QUERY\n + body, the receive
// window, replays, the lockout per address and per key, and the key, address,
// permission, market and account checks that follow authentication.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Credentials } from '../../src/client/credentials.ts';
import { signRest } from '../../src/client/credentials.ts';
import { RestClient } from '../../src/client/rest-client.ts';
import { ReplayCache } from '../../src/edge/replay-cache.ts';
import { authenticateRest, type RestAuthResult } from '../../src/edge/rest/rest-authenticate.ts';
import { PASS, RejectCode } from '../../src/pipeline/reject-codes.ts';
import { Lockout } from '../../src/state/lockout.ts';
import { startFirewallFixture } from '../helpers/firewall-fixture.ts';
import {
  addAccount,
  addHmacKey,
  assertError,
  assertSuccess,
  authHeaders,
  clOrdId,
  type RawResponse,
  relaxLimits,
  send,
  signed,
} from './support/rest-harness.ts';

type Fixture = Awaited<ReturnType<typeof startFirewallFixture>>;

const order = (id = clOrdId('auth')) => ({
  clOrdId: id,
  symbol: 'BTC-PERP',
  side: 'buy',
  type: 'limit',
  qty: '0.001',
  price: '1000',
});

/** The RestClient's own answer shape, checked like a raw one. */
function fromClient(res: Awaited<ReturnType<RestClient['limits']>>): RawResponse {
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: res.status, headers, body: Buffer.from(JSON.stringify(res.body)), data: res.body };
}

describe('REST authentication: headers, signatures, receive window, replays', () => {
  const WINDOW = 30_000;
  let fx: Fixture;
  let port: number;
  let mm1: Credentials;
  before(async () => {
    fx = await startFirewallFixture({
      configure: (config) => {
        relaxLimits(config);
        config.session.recvWindowMs = WINDOW;
      },
    });
    port = fx.firewall.port;
    mm1 = fx.credentials['MM1-rest']!;
  });
  after(() => fx.stop());

  it('accepts a correctly signed request (HMAC and Ed25519 keys)', async () => {
    assertSuccess(await signed(port, mm1, 'GET', '/api/v1/limits'), 200);
    const ed = fx.credentials['MM1-fix']!;
    assert.equal(ed.type, 'ed25519');
    assertSuccess(await signed(port, ed, 'POST', '/api/v1/orders', { body: order() }), 201);
  });

  it('a GET or DELETE that carries a body is signed over that body, as sent', async () => {
    const body = { note: 'not read by the route' };
    // Framed by its length (Node's client would not frame a GET's body otherwise).
    const headers = { 'Content-Length': String(Buffer.byteLength(JSON.stringify(body))) };
    assertSuccess(await signed(port, mm1, 'GET', '/api/v1/limits', { body, headers }), 200);
    assertError(
      await signed(port, mm1, 'DELETE', '/api/v1/orders/none', { body, headers }),
      404,
      'UNKNOWN_ORDER',
    );
    // Signed as if there were no body, while one is sent: the bytes as sent are what counts.
    assertError(
      await signed(port, mm1, 'GET', '/api/v1/limits', { body, headers, signBody: new Uint8Array(0) }),
      401,
      'AUTH_BAD_SIGNATURE',
    );
  });

  it('a 401 names the scheme in WWW-Authenticate (RFC 9110); other errors do not', async () => {
    const res = await signed(port, mm1, 'GET', '/api/v1/limits', { omit: 'X-PC-SIGNATURE' });
    assertError(res, 401, 'AUTH_MISSING');
    assert.match(res.headers['www-authenticate'] ?? '', /^PC-Signature realm="portcullis"/);
    const other = await signed(port, mm1, 'GET', '/api/v1/orders/none');
    assertError(other, 404, 'UNKNOWN_ORDER');
    assert.equal(other.headers['www-authenticate'], undefined);
  });

  it('AUTH_MISSING when any one of the three headers is missing (401)', async () => {
    for (const omit of ['X-PC-APIKEY', 'X-PC-TIMESTAMP', 'X-PC-SIGNATURE'] as const) {
      assertError(await signed(port, mm1, 'GET', '/api/v1/limits', { omit }), 401, 'AUTH_MISSING');
      assertError(
        await signed(port, mm1, 'POST', '/api/v1/orders', { omit, body: order() }),
        401,
        'AUTH_MISSING',
      );
    }
    assertError(await send(port, { method: 'GET', path: '/api/v1/limits' }), 401, 'AUTH_MISSING');
    assertError(
      await send(port, {
        method: 'GET',
        path: '/api/v1/limits',
        headers: { 'X-PC-APIKEY': '', 'X-PC-TIMESTAMP': '', 'X-PC-SIGNATURE': '' },
      }),
      401,
      'AUTH_MISSING',
    );
  });

  it('AUTH_UNKNOWN_KEY for a key id the firewall does not know (401)', async () => {
    const stranger: Credentials = { type: 'hmac-sha256', keyId: 'no-such-key', secret: 'x' };
    assertError(await signed(port, stranger, 'GET', '/api/v1/limits'), 401, 'AUTH_UNKNOWN_KEY');
  });

  it('AUTH_BAD_SIGNATURE: wrong secret, and each signed part altered after signing (401)', async () => {
    const wrongSecret: Credentials = { type: 'hmac-sha256', keyId: mm1.keyId, secret: 'not-the-secret' };
    assertError(await signed(port, wrongSecret, 'GET', '/api/v1/limits'), 401, 'AUTH_BAD_SIGNATURE');

    const body = order();
    const altered = { ...body, qty: '0.002' };
    assertError(
      await signed(port, mm1, 'POST', '/api/v1/orders', {
        body: altered,
        signBody: Buffer.from(JSON.stringify(body)),
      }),
      401,
      'AUTH_BAD_SIGNATURE',
    );
    // One byte of whitespace added to the body is a different body.
    assertError(
      await signed(port, mm1, 'POST', '/api/v1/orders', {
        body: `${JSON.stringify(body)} `,
        signBody: Buffer.from(JSON.stringify(body)),
      }),
      401,
      'AUTH_BAD_SIGNATURE',
    );
    // Path altered.
    assertError(
      await signed(port, mm1, 'GET', '/api/v1/orders/abd', { signPath: '/api/v1/orders/abc' }),
      401,
      'AUTH_BAD_SIGNATURE',
    );
    // Query altered, added, removed.
    assertError(
      await signed(port, mm1, 'GET', '/api/v1/limits?a=2', { signPath: '/api/v1/limits?a=1' }),
      401,
      'AUTH_BAD_SIGNATURE',
    );
    assertError(
      await signed(port, mm1, 'GET', '/api/v1/limits?a=1', { signPath: '/api/v1/limits' }),
      401,
      'AUTH_BAD_SIGNATURE',
    );
    assertError(
      await signed(port, mm1, 'GET', '/api/v1/limits', { signPath: '/api/v1/limits?a=1' }),
      401,
      'AUTH_BAD_SIGNATURE',
    );
    // Method altered.
    assertError(
      await signed(port, mm1, 'GET', '/api/v1/orders/abc', { signMethod: 'DELETE' }),
      401,
      'AUTH_BAD_SIGNATURE',
    );
    assertError(
      await signed(port, mm1, 'DELETE', '/api/v1/orders/abc', { signMethod: 'GET' }),
      401,
      'AUTH_BAD_SIGNATURE',
    );
    // Timestamp altered (the header says one time, the signature covers another).
    const now = Date.now();
    const headers = authHeaders(mm1, 'GET', '/api/v1/limits', new Uint8Array(0), now);
    headers['X-PC-TIMESTAMP'] = String(now + 1);
    assertError(
      await send(port, { method: 'GET', path: '/api/v1/limits', headers }),
      401,
      'AUTH_BAD_SIGNATURE',
    );
    // Not hex at all; uppercase hex of the right MAC is not the lowercase hex SPEC asks for.
    for (const signature of ['zz', 'A'.repeat(64)]) {
      const h = authHeaders(mm1, 'GET', '/api/v1/limits', new Uint8Array(0));
      h['X-PC-SIGNATURE'] = signature;
      assertError(
        await send(port, { method: 'GET', path: '/api/v1/limits', headers: h }),
        401,
        'AUTH_BAD_SIGNATURE',
      );
    }
    const upper = authHeaders(mm1, 'GET', '/api/v1/limits', new Uint8Array(0));
    upper['X-PC-SIGNATURE'] = upper['X-PC-SIGNATURE']!.toUpperCase();
    assertError(
      await send(port, { method: 'GET', path: '/api/v1/limits', headers: upper }),
      401,
      'AUTH_BAD_SIGNATURE',
    );
    // Ed25519: a signature of other bytes.
    const ed = fx.credentials['MM1-fix']!;
    assertError(
      await signed(port, ed, 'GET', '/api/v1/limits', { signPath: '/api/v1/limits?x' }),
      401,
      'AUTH_BAD_SIGNATURE',
    );
  });

  it('the query string is part of the signed path: a correctly signed query passes', async () => {
    assertSuccess(await signed(port, mm1, 'GET', '/api/v1/limits?verbose=1&x=%20'), 200);
  });

  it('TIMESTAMP_OUT_OF_WINDOW beyond recvWindowMs in both directions; inside the window passes', async () => {
    // Over the wire, with the SDK's clock offset; a 1 s margin absorbs the request's own travel time.
    const at = (offsetMs: number) => new RestClient(fx.baseUrl, mm1, { clock: () => Date.now() + offsetMs });
    assertSuccess(fromClient(await at(-(WINDOW - 1000)).limits()), 200);
    assertSuccess(fromClient(await at(WINDOW - 1000).limits()), 200);
    assertError(fromClient(await at(-(WINDOW + 1000)).limits()), 401, 'TIMESTAMP_OUT_OF_WINDOW');
    assertError(fromClient(await at(WINDOW + 1000).limits()), 401, 'TIMESTAMP_OUT_OF_WINDOW');
    // Not a number of milliseconds.
    for (const timestamp of ['abc', '-5', '1e12', `${Date.now()}.5`]) {
      const headers = authHeaders(mm1, 'GET', '/api/v1/limits', new Uint8Array(0));
      headers['X-PC-TIMESTAMP'] = timestamp;
      assertError(
        await send(port, { method: 'GET', path: '/api/v1/limits', headers }),
        401,
        'TIMESTAMP_OUT_OF_WINDOW',
      );
    }
  });

  it('the window boundary is exact: recvWindowMs passes, recvWindowMs + 1 fails, both ways', () => {
    // The REST authentication stage itself, with the running firewall's keys (native HMAC
    // and Ed25519 registrations) and a fixed clock, so the boundary is tested to the millisecond.
    const keys = fx.firewall.runtime.model.keys;
    const ts = 1_800_000_000_000;
    const result: RestAuthResult = { verdict: PASS, key: null };
    for (const credentials of [mm1, fx.credentials['MM1-fix']!]) {
      const signature = signRest(credentials, ts, 'GET', '/api/v1/limits', new Uint8Array(0));
      const check = (nowMs: number) =>
        authenticateRest(
          {
            keyId: credentials.keyId,
            timestamp: String(ts),
            signature,
            method: 'GET',
            pathWithQuery: '/api/v1/limits',
            body: new Uint8Array(0),
            ip: '127.0.0.1',
          },
          keys,
          WINDOW,
          new Lockout({ failuresBeforeLockout: 100, lockoutMs: 1000 }),
          new ReplayCache({ windowMs: WINDOW }),
          nowMs,
          result,
        ).verdict;
      assert.equal(check(ts + WINDOW), PASS, 'server clock exactly one window ahead');
      assert.equal(check(ts - WINDOW), PASS, 'server clock exactly one window behind');
      assert.equal(check(ts + WINDOW + 1), RejectCode.TIMESTAMP_OUT_OF_WINDOW);
      assert.equal(check(ts - WINDOW - 1), RejectCode.TIMESTAMP_OUT_OF_WINDOW);
    }
  });

  it('REPLAYED: the same signed request sent twice', async () => {
    const headers = authHeaders(mm1, 'GET', '/api/v1/limits', new Uint8Array(0));
    assertSuccess(await send(port, { method: 'GET', path: '/api/v1/limits', headers }), 200);
    assertError(await send(port, { method: 'GET', path: '/api/v1/limits', headers }), 401, 'REPLAYED');
    assertError(await send(port, { method: 'GET', path: '/api/v1/limits', headers }), 401, 'REPLAYED');

    // An order replayed is refused before it can reach the venue twice.
    const body = Buffer.from(JSON.stringify(order()));
    const orderHeaders = {
      ...authHeaders(mm1, 'POST', '/api/v1/orders', body),
      'Content-Type': 'application/json',
    };
    assertSuccess(
      await send(port, { method: 'POST', path: '/api/v1/orders', headers: orderHeaders, body }),
      201,
    );
    assertError(
      await send(port, { method: 'POST', path: '/api/v1/orders', headers: orderHeaders, body }),
      401,
      'REPLAYED',
    );
    // Ed25519 signatures too.
    const ed = fx.credentials['MM1-fix']!;
    const edHeaders = authHeaders(ed, 'GET', '/api/v1/limits', new Uint8Array(0));
    assertSuccess(await send(port, { method: 'GET', path: '/api/v1/limits', headers: edHeaders }), 200);
    assertError(
      await send(port, { method: 'GET', path: '/api/v1/limits', headers: edHeaders }),
      401,
      'REPLAYED',
    );
  });
});

describe('REST authorization after authentication: key validity, address, permission, market, account', () => {
  let fx: Fixture;
  let port: number;
  const keys: Record<string, Credentials> = {};
  before(async () => {
    fx = await startFirewallFixture({
      configure: (config) => {
        relaxLimits(config);
        addAccount(config, { id: 'PENDING', kyc: 'pending' });
        addAccount(config, { id: 'REJECTED', kyc: 'rejected' });
        addAccount(config, { id: 'BLOCKED', blocked: true });
        keys.expired = addHmacKey(config, {
          id: 'expired',
          account: 'MM1',
          expiresAt: '2020-01-01T00:00:00Z',
        });
        keys.future = addHmacKey(config, { id: 'future', account: 'MM1', notBefore: '2099-01-01T00:00:00Z' });
        keys.tenNet = addHmacKey(config, { id: 'ten-net', account: 'MM1', cidrs: ['10.0.0.0/8'] });
        keys.readOnly = addHmacKey(config, { id: 'read-only', account: 'MM1', permissions: ['read'] });
        keys.tradeOnly = addHmacKey(config, { id: 'trade-only', account: 'MM1', permissions: ['trade'] });
        keys.btcOnly = addHmacKey(config, { id: 'btc-only', account: 'MM1', markets: ['BTC-PERP'] });
        keys.pending = addHmacKey(config, { id: 'pending', account: 'PENDING' });
        keys.rejected = addHmacKey(config, { id: 'rejected', account: 'REJECTED' });
        keys.blocked = addHmacKey(config, { id: 'blocked', account: 'BLOCKED' });
        keys.revoked = addHmacKey(config, { id: 'revoked', account: 'MM1' });
      },
    });
    port = fx.firewall.port;
  });
  after(() => fx.stop());

  it('KEY_EXPIRED and KEY_NOT_YET_VALID (401) for orders and reads', async () => {
    assertError(
      await signed(port, keys.expired!, 'POST', '/api/v1/orders', { body: order() }),
      401,
      'KEY_EXPIRED',
    );
    assertError(await signed(port, keys.expired!, 'GET', '/api/v1/limits'), 401, 'KEY_EXPIRED');
    assertError(
      await signed(port, keys.future!, 'POST', '/api/v1/orders', { body: order() }),
      401,
      'KEY_NOT_YET_VALID',
    );
    assertError(await signed(port, keys.future!, 'GET', '/api/v1/orders/x'), 401, 'KEY_NOT_YET_VALID');
  });

  it('KEY_REVOKED (401) once the key is revoked at run time', async () => {
    assertSuccess(await signed(port, keys.revoked!, 'GET', '/api/v1/limits'), 200);
    assert.ok(fx.firewall.runtime.revokeKey('revoked'));
    assertError(await signed(port, keys.revoked!, 'GET', '/api/v1/limits'), 401, 'KEY_REVOKED');
    assertError(
      await signed(port, keys.revoked!, 'POST', '/api/v1/orders', { body: order() }),
      401,
      'KEY_REVOKED',
    );
  });

  it('IP_NOT_ALLOWED (403) for a key limited to 10.0.0.0/8', async () => {
    assertError(
      await signed(port, keys.tenNet!, 'POST', '/api/v1/orders', { body: order() }),
      403,
      'IP_NOT_ALLOWED',
    );
    assertError(await signed(port, keys.tenNet!, 'GET', '/api/v1/limits'), 403, 'IP_NOT_ALLOWED');
    assertError(await signed(port, keys.tenNet!, 'DELETE', '/api/v1/orders/x'), 403, 'IP_NOT_ALLOWED');
  });

  it('PERMISSION_DENIED (403): a read-only key may read but not trade or cancel', async () => {
    const ro = keys.readOnly!;
    assertError(
      await signed(port, ro, 'POST', '/api/v1/orders', { body: order() }),
      403,
      'PERMISSION_DENIED',
    );
    assertError(await signed(port, ro, 'DELETE', '/api/v1/orders/x'), 403, 'PERMISSION_DENIED');
    assertError(
      await signed(port, ro, 'POST', '/api/v1/orders/cancel-all', { body: {} }),
      403,
      'PERMISSION_DENIED',
    );
    assertSuccess(await signed(port, ro, 'GET', '/api/v1/limits'), 200);
    assertError(await signed(port, ro, 'GET', '/api/v1/orders/x'), 404, 'UNKNOWN_ORDER');
    // A trade-only key may place but not read.
    const to = keys.tradeOnly!;
    assertSuccess(await signed(port, to, 'POST', '/api/v1/orders', { body: order() }), 201);
    assertError(await signed(port, to, 'GET', '/api/v1/limits'), 403, 'PERMISSION_DENIED');
    assertError(await signed(port, to, 'GET', '/api/v1/orders/x'), 403, 'PERMISSION_DENIED');
  });

  it("MARKET_NOT_ALLOWED (403) outside the key's markets", async () => {
    const btc = keys.btcOnly!;
    assertError(
      await signed(port, btc, 'POST', '/api/v1/orders', {
        body: { ...order(), symbol: 'ETH-PERP', qty: '0.01', price: '100' },
      }),
      403,
      'MARKET_NOT_ALLOWED',
    );
    assertSuccess(await signed(port, btc, 'POST', '/api/v1/orders', { body: order() }), 201);
  });

  it('ACCOUNT_NOT_VERIFIED (kyc pending or rejected) and ACCOUNT_BLOCKED (403)', async () => {
    assertError(
      await signed(port, keys.pending!, 'POST', '/api/v1/orders', { body: order() }),
      403,
      'ACCOUNT_NOT_VERIFIED',
    );
    assertError(
      await signed(port, keys.rejected!, 'POST', '/api/v1/orders', { body: order() }),
      403,
      'ACCOUNT_NOT_VERIFIED',
    );
    assertError(
      await signed(port, keys.blocked!, 'POST', '/api/v1/orders', { body: order() }),
      403,
      'ACCOUNT_BLOCKED',
    );
  });
});

describe('REST lockout after authFailuresBeforeLockout failures, per address and per key', () => {
  const FAILURES = 3;
  let fx: Fixture;
  let port: number;
  let victim: Credentials;
  let other: Credentials;
  let flaky: Credentials;
  let gone: Credentials;
  let fenced: Credentials;
  before(async () => {
    fx = await startFirewallFixture({
      configure: (config) => {
        relaxLimits(config);
        config.limits.authFailuresBeforeLockout = FAILURES;
        config.limits.lockoutMs = 600_000;
        victim = addHmacKey(config, { id: 'victim', account: 'MM1' });
        other = addHmacKey(config, { id: 'other', account: 'MM2' });
        flaky = addHmacKey(config, { id: 'flaky', account: 'MM2' });
        gone = addHmacKey(config, { id: 'gone', account: 'MM2' });
        fenced = addHmacKey(config, { id: 'fenced', account: 'MM2', cidrs: ['127.0.1.0/24'] });
      },
    });
    fx.firewall.runtime.revokeKey('gone');
    port = fx.firewall.port;
  });
  after(() => fx.stop());

  const wrong = (c: Credentials): Credentials => ({ type: 'hmac-sha256', keyId: c.keyId, secret: 'wrong' });

  it('locks out an address after its failures; other addresses are unaffected', async () => {
    const from = '127.0.0.21';
    const stranger: Credentials = { type: 'hmac-sha256', keyId: 'nobody', secret: 'x' };
    for (let i = 0; i < FAILURES; i++) {
      assertError(
        await signed(port, stranger, 'GET', '/api/v1/limits', { localAddress: from }),
        401,
        'AUTH_UNKNOWN_KEY',
      );
    }
    // Now even a valid key is refused from that address, and so is anything else.
    assertError(
      await signed(port, other, 'GET', '/api/v1/limits', { localAddress: from }),
      401,
      'LOCKED_OUT',
    );
    assertError(
      await signed(port, other, 'POST', '/api/v1/orders', { body: order(), localAddress: from }),
      401,
      'LOCKED_OUT',
    );
    assertError(
      await signed(port, stranger, 'GET', '/api/v1/limits', { localAddress: from }),
      401,
      'LOCKED_OUT',
    );
    // The same key from another address works: the unknown-key failures did not count against it.
    assertSuccess(await signed(port, other, 'GET', '/api/v1/limits', { localAddress: '127.0.0.22' }), 200);
  });

  it('locks out a key after its failures from several addresses; other keys are unaffected', async () => {
    // One failure from each of three addresses: no address reaches the threshold, the key does.
    for (let i = 0; i < FAILURES; i++) {
      assertError(
        await signed(port, wrong(victim), 'GET', '/api/v1/limits', { localAddress: `127.0.0.${31 + i}` }),
        401,
        'AUTH_BAD_SIGNATURE',
      );
    }
    const fresh = '127.0.0.40';
    assertError(
      await signed(port, victim, 'GET', '/api/v1/limits', { localAddress: fresh }),
      401,
      'LOCKED_OUT',
    );
    assertError(
      await signed(port, victim, 'POST', '/api/v1/orders', { body: order(), localAddress: fresh }),
      401,
      'LOCKED_OUT',
    );
    // Another key from the same fresh address, and from an address that failed once, still works.
    assertSuccess(await signed(port, other, 'GET', '/api/v1/limits', { localAddress: fresh }), 200);
    assertSuccess(await signed(port, other, 'GET', '/api/v1/limits', { localAddress: '127.0.0.31' }), 200);
  });

  it('a success before the threshold clears the count', async () => {
    const from = '127.0.0.50';
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < FAILURES - 1; i++) {
        assertError(
          await signed(port, wrong(flaky), 'GET', '/api/v1/limits', { localAddress: from }),
          401,
          'AUTH_BAD_SIGNATURE',
        );
      }
      assertSuccess(await signed(port, flaky, 'GET', '/api/v1/limits', { localAddress: from }), 200);
    }
  });

  it("an address outside a key's networks cannot lock its owner out; addresses inside can", async () => {
    // Key ids are not secret: bad signatures naming the key from elsewhere count against
    // those addresses only.
    for (let i = 0; i < FAILURES + 2; i++) {
      assertError(
        await signed(port, wrong(fenced), 'GET', '/api/v1/limits', { localAddress: `127.0.0.${70 + i}` }),
        401,
        'AUTH_BAD_SIGNATURE',
      );
    }
    assertSuccess(await signed(port, fenced, 'GET', '/api/v1/limits', { localAddress: '127.0.1.1' }), 200);
    // From inside its networks they count against the key, wherever it is used from next.
    for (let i = 0; i < FAILURES; i++) {
      assertError(
        await signed(port, wrong(fenced), 'GET', '/api/v1/limits', { localAddress: `127.0.1.${10 + i}` }),
        401,
        'AUTH_BAD_SIGNATURE',
      );
    }
    assertError(
      await signed(port, fenced, 'GET', '/api/v1/limits', { localAddress: '127.0.1.1' }),
      401,
      'LOCKED_OUT',
    );
  });

  it('a good signature from a revoked key counts as a failure, and clears nothing', async () => {
    const from = '127.0.0.60';
    const stranger: Credentials = { type: 'hmac-sha256', keyId: 'nobody', secret: 'x' };
    for (let i = 0; i < FAILURES - 1; i++) {
      assertError(
        await signed(port, stranger, 'GET', '/api/v1/limits', { localAddress: from }),
        401,
        'AUTH_UNKNOWN_KEY',
      );
    }
    assertError(
      await signed(port, gone, 'GET', '/api/v1/limits', { localAddress: from }),
      401,
      'KEY_REVOKED',
    );
    assertError(
      await signed(port, other, 'GET', '/api/v1/limits', { localAddress: from }),
      401,
      'LOCKED_OUT',
    );
  });
});

describe('REST limits per address and per key, and the end of a lockout', () => {
  let fx: Fixture;
  let port: number;
  let a: Credentials;
  let b: Credentials;
  let c: Credentials;
  let d: Credentials;
  before(async () => {
    fx = await startFirewallFixture({
      configure: (config) => {
        relaxLimits(config);
        config.limits.perIp = { ratePerSec: 1, burst: 3 };
        config.limits.perConnection = { ratePerSec: 0.01, burst: 4 };
        config.limits.authFailuresBeforeLockout = 2;
        config.limits.lockoutMs = 400;
        a = addHmacKey(config, { id: 'per-ip', account: 'MM1' });
        b = addHmacKey(config, { id: 'per-key', account: 'MM2' });
        c = addHmacKey(config, { id: 'bystander', account: 'MM1' });
        d = addHmacKey(config, { id: 'locked', account: 'MM1' });
      },
    });
    port = fx.firewall.port;
  });
  after(() => fx.stop());

  it('an address past its burst gets 429 with Retry-After rounded up to at least 1', async () => {
    const from = { localAddress: '127.0.0.70' };
    for (let i = 0; i < 3; i++) assertSuccess(await signed(port, a, 'GET', '/api/v1/limits', from), 200);
    const limited = await signed(port, a, 'GET', '/api/v1/limits', from);
    assertError(limited, 429, 'RATE_LIMITED');
    // The next request is due in under a second: whole seconds, rounded up, at least 1.
    assert.equal(limited.headers['retry-after'], '1');
    // The RateLimit headers describe the limit that refused: the address's, exhausted.
    assert.match(limited.headers.ratelimit ?? '', /^"ip";r=0;/);
    assert.match(limited.headers['ratelimit-policy'] ?? '', /^"ip";q=3;/);
    // Another address is not held back.
    assertSuccess(await signed(port, a, 'GET', '/api/v1/limits', { localAddress: '127.0.0.71' }), 200);
  });

  it('a key past its burst gets 429 from any address, with Retry-After rounded up', async () => {
    // burst 4 at 0.01/s: the fifth request is due 100 s after the first, less the few ms since.
    for (let i = 0; i < 4; i++) {
      assertSuccess(
        await signed(port, b, 'GET', '/api/v1/limits', { localAddress: `127.0.0.${80 + i}` }),
        200,
      );
    }
    const limited = await signed(port, b, 'GET', '/api/v1/limits', { localAddress: '127.0.0.84' });
    assertError(limited, 429, 'RATE_LIMITED');
    assert.equal(limited.headers['retry-after'], '100');
    // t: seconds until the whole burst is back (four requests at 100 s each).
    assert.match(limited.headers.ratelimit ?? '', /^"key";r=0;t=400$/);
    assert.match(limited.headers['ratelimit-policy'] ?? '', /^"key";q=4;/);
    // Another key from the same address still works.
    assertSuccess(await signed(port, c, 'GET', '/api/v1/limits', { localAddress: '127.0.0.84' }), 200);
  });

  it('a lockout ends after lockoutMs', async () => {
    const from = { localAddress: '127.0.0.90' };
    const stranger: Credentials = { type: 'hmac-sha256', keyId: 'nobody', secret: 'x' };
    for (let i = 0; i < 2; i++) {
      assertError(await signed(port, stranger, 'GET', '/api/v1/limits', from), 401, 'AUTH_UNKNOWN_KEY');
    }
    assertError(await signed(port, d, 'GET', '/api/v1/limits', from), 401, 'LOCKED_OUT');
    await new Promise((resolve) => setTimeout(resolve, 450));
    assertSuccess(await signed(port, d, 'GET', '/api/v1/limits', from), 200);
  });
});
