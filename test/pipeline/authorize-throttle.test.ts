// Authorization and throttling, one test per reject code and boundary.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runPipeline } from '../../src/pipeline/pipeline.ts';
import { PASS, RejectCode } from '../../src/pipeline/reject-codes.ts';
import { Action } from '../../src/pipeline/request.ts';
import { Kyc } from '../../src/state/accounts.ts';
import { type ApiKeyState, Permission } from '../../src/state/api-keys.ts';
import { CidrMatcher } from '../../src/state/cidr.ts';
import { makeFixture, NOW } from './fixture.ts';

describe('authorize', () => {
  test('a request without a key is refused', () => {
    const f = makeFixture();
    assert.equal(runPipeline(f.newOrder({ key: null }), f.state, NOW), RejectCode.AUTH_MISSING);
  });

  test('revoked keys', () => {
    const f = makeFixture();
    f.key.revoked = true;
    assert.equal(runPipeline(f.newOrder(), f.state, NOW), RejectCode.KEY_REVOKED);
  });

  test('validity window: notBefore is inclusive, expiresAt exclusive', () => {
    const f = makeFixture();
    assert.equal(runPipeline(f.newOrder(), f.state, f.key.notBeforeMs), PASS);
    assert.equal(runPipeline(f.newOrder(), f.state, f.key.notBeforeMs - 1), RejectCode.KEY_NOT_YET_VALID);
    assert.equal(runPipeline(f.newOrder(), f.state, f.key.expiresAtMs - 1), PASS);
    assert.equal(runPipeline(f.newOrder(), f.state, f.key.expiresAtMs), RejectCode.KEY_EXPIRED);
  });

  test('source address must be in the key CIDRs (IPv4, IPv6, IPv4-mapped)', () => {
    const f = makeFixture();
    for (const ip of ['127.0.0.1', '127.255.255.254', '::1', '::ffff:127.0.0.9']) {
      assert.equal(runPipeline(f.newOrder({ ip }), f.state, NOW), PASS, ip);
    }
    for (const ip of ['10.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1', 'not-an-ip']) {
      assert.equal(runPipeline(f.newOrder({ ip }), f.state, NOW), RejectCode.IP_NOT_ALLOWED, ip);
    }
  });

  test('CIDR prefixes are exact at their edges', () => {
    const matcher = new CidrMatcher(['192.168.4.0/22', '2001:db8:abcd::/48', '0.0.0.0/0']);
    assert.equal(new CidrMatcher(['192.168.4.0/22']).matches('192.168.7.255'), true);
    assert.equal(new CidrMatcher(['192.168.4.0/22']).matches('192.168.8.0'), false);
    assert.equal(new CidrMatcher(['192.168.4.0/22']).matches('192.168.3.255'), false);
    assert.equal(new CidrMatcher(['2001:db8:abcd::/48']).matches('2001:db8:abcd:ffff::1'), true);
    assert.equal(new CidrMatcher(['2001:db8:abcd::/48']).matches('2001:db8:abce::1'), false);
    assert.equal(matcher.matches('8.8.8.8'), true, '/0 matches every IPv4 address');
    assert.throws(() => new CidrMatcher(['10.0.0.0/33']), RangeError);
    assert.throws(() => new CidrMatcher(['10.0.0/8']), RangeError);
  });

  test('blocked and unverified accounts', () => {
    const f = makeFixture();
    f.account.blocked = true;
    assert.equal(runPipeline(f.newOrder(), f.state, NOW), RejectCode.ACCOUNT_BLOCKED);
    f.account.blocked = false;
    for (const kyc of [Kyc.PENDING, Kyc.REJECTED]) {
      const account = { ...f.account, kyc };
      const key: ApiKeyState = { ...f.key, account };
      assert.equal(runPipeline(f.newOrder({ key, account }), f.state, NOW), RejectCode.ACCOUNT_NOT_VERIFIED);
    }
  });

  test('each action needs its permission', () => {
    const f = makeFixture();
    const cases = [
      [Action.NEW_ORDER, Permission.TRADE],
      [Action.REPLACE, Permission.TRADE],
      [Action.CANCEL, Permission.CANCEL],
      [Action.MASS_CANCEL, Permission.CANCEL],
      [Action.QUERY, Permission.READ],
    ] as const;
    for (const [action, needed] of cases) {
      const all = Permission.TRADE | Permission.CANCEL | Permission.READ;
      const without: ApiKeyState = { ...f.key, permissions: all & ~needed };
      const req = f.newOrder({ action, key: without, origClOrdId: 'x' });
      assert.equal(runPipeline(req, f.state, NOW), RejectCode.PERMISSION_DENIED, `action ${action}`);
    }
  });

  test('markets outside the key allowlist', () => {
    const f = makeFixture();
    assert.equal(
      runPipeline(f.newOrder({ market: f.eth, symbol: 'ETH-PERP' }), f.state, NOW),
      RejectCode.MARKET_NOT_ALLOWED,
    );
    const star: ApiKeyState = { ...f.key, allMarkets: true };
    f.tables.setReferencePrice(1, 130_000);
    assert.equal(
      runPipeline(f.newOrder({ key: star, market: f.eth, symbol: 'ETH-PERP' }), f.state, NOW),
      PASS,
    );
  });
});

describe('throttle', () => {
  test('per account: burst passes, the next is RATE_LIMITED with a retry time', () => {
    const f = makeFixture();
    f.limiter.setPolicy(f.account.orderPolicy, { ratePerSec: 1, burst: 3 });
    f.account.maxPositionLots[0] = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i++) assert.equal(runPipeline(f.newOrder(), f.state, NOW), PASS);
    const req = f.newOrder();
    assert.equal(runPipeline(req, f.state, NOW), RejectCode.RATE_LIMITED);
    assert.ok(req.retryAfterNs > 0 && req.retryAfterNs <= 1e9);
  });

  test('cancels have their own bucket: an exhausted order budget never blocks pulling quotes', () => {
    const f = makeFixture();
    f.limiter.setPolicy(f.account.orderPolicy, { ratePerSec: 1, burst: 1 });
    const live = f.forward(f.newOrder());
    assert.equal(runPipeline(f.newOrder(), f.state, NOW), PASS);
    assert.equal(runPipeline(f.newOrder(), f.state, NOW), RejectCode.RATE_LIMITED);
    const cancel = f.newOrder({ action: Action.CANCEL, origClOrdId: live.clOrdId });
    assert.equal(runPipeline(cancel, f.state, NOW), PASS);
  });

  test('per source address and per connection', () => {
    const f = makeFixture();
    f.limiter.setPolicy(f.policies.perIp, { ratePerSec: 1, burst: 2 });
    assert.equal(runPipeline(f.newOrder(), f.state, NOW), PASS);
    assert.equal(runPipeline(f.newOrder(), f.state, NOW), PASS);
    assert.equal(runPipeline(f.newOrder(), f.state, NOW), RejectCode.RATE_LIMITED);
    const otherIp = f.newOrder({ ip: '127.0.0.2', ipLimitKey: f.limiter.keyOf('ip:127.0.0.2') });
    assert.equal(runPipeline(otherIp, f.state, NOW), PASS);

    const g = makeFixture();
    g.limiter.setPolicy(g.policies.perConnection, { ratePerSec: 1, burst: 1 });
    assert.equal(runPipeline(g.newOrder(), g.state, NOW), PASS);
    assert.equal(runPipeline(g.newOrder(), g.state, NOW), RejectCode.RATE_LIMITED);
    const otherConnection = g.newOrder({ connectionLimitKey: g.limiter.keyOf('conn:2') });
    assert.equal(runPipeline(otherConnection, g.state, NOW), PASS);
  });

  test('a rejected authorization does not consume rate budget', () => {
    const f = makeFixture();
    f.limiter.setPolicy(f.account.orderPolicy, { ratePerSec: 1, burst: 1 });
    assert.equal(runPipeline(f.newOrder({ ip: '10.0.0.1' }), f.state, NOW), RejectCode.IP_NOT_ALLOWED);
    assert.equal(runPipeline(f.newOrder(), f.state, NOW), PASS);
  });
});
