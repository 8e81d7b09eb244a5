// The SDK's RestClient against the real firewall: what it signs is what it sends, whatever
// the caller wrote (a wrong signature is AUTH_BAD_SIGNATURE, and failures count toward the
// lockout of every key from the address).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
