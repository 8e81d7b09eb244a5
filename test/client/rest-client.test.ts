// The SDK's RestClient against the real firewall: what it signs is what it sends, whatever
// the caller wrote (a wrong signature is AUTH_BAD_SIGNATURE, and failures count toward the
// lockout of every key from the address).
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RestClient } from '../../src/client/rest-client.ts';
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
      const client = new RestClient(fx.baseUrl, fx.credentials['MM1-rest']!, () => Date.now() + 0.5);
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
        Date.now,
        200,
      );
      await assert.rejects(client.limits(), (error: Error) => error.name === 'TimeoutError');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
