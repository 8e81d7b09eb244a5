// listen.tls (SPEC section 5: "wss when TLS is configured"): the same app over TLS,
// with a certificate made for the test. A signed REST request over HTTPS and a FIX
// session over wss, through the real server and the venue simulator.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixClient } from '../../src/client/fix-client.ts';
import { startFirewallFixture } from '../helpers/firewall-fixture.ts';
import { clOrdId, compId, limitBuy, TARGET } from './support/fix-harness.ts';
import { authHeaders } from './support/rest-harness.ts';

type Fixture = Awaited<ReturnType<typeof startFirewallFixture>>;

describe('TLS: HTTPS and wss on the listen port when listen.tls is set', () => {
  let dir: string;
  let cert: Buffer;
  let fx: Fixture;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-tls-'));
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
        .concat(['-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1'])
        .concat(['-addext', 'subjectAltName=IP:127.0.0.1']),
      { stdio: 'ignore' },
    );
    cert = readFileSync(certFile);
    fx = await startFirewallFixture({
      configure: (config) => {
        config.listen.tls = { certFile, keyFile };
      },
    });
  });
  after(async () => {
    await fx?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a signed REST request over HTTPS, and nothing over plain HTTP', async () => {
    const path = '/api/v1/limits';
    const headers = authHeaders(fx.credentials['MM1-rest']!, 'GET', path, new Uint8Array(0));
    const req = request({
      host: '127.0.0.1',
      port: fx.firewall.port,
      path,
      method: 'GET',
      headers,
      ca: cert,
    });
    req.end();
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    let body = '';
    for await (const chunk of res) body += chunk;
    assert.equal(res.statusCode, 200, body);
    assert.ok(Array.isArray(JSON.parse(body).limits));

    // Plain HTTP on the TLS port gets no answer of ours.
    const plain = await fetch(`http://127.0.0.1:${fx.firewall.port}${path}`, { headers }).then(
      (r) => r.status,
      () => 'failed',
    );
    assert.equal(plain, 'failed');
  });

  it('logs on over wss and trades, with the client SDK trusting the certificate', async () => {
    const client = await FixClient.connect({
      url: `wss://127.0.0.1:${fx.firewall.port}/fix`,
      credentials: fx.credentials['MM1-fix']!,
      senderCompId: compId('TLS'),
      targetCompId: TARGET,
      ca: cert,
    });
    try {
      const id = clOrdId('tls');
      client.newOrder(limitBuy(id));
      const report = await client.waitFor('executionReport', (r) => r.clOrdId === id);
      assert.deepEqual([report.execType, report.ordStatus], ['0', '0']);
    } finally {
      await client.logout();
    }
    // Without the certificate trusted, the TLS handshake fails: nothing is sent in the clear.
    await assert.rejects(
      FixClient.connect({
        url: `wss://127.0.0.1:${fx.firewall.port}/fix`,
        credentials: fx.credentials['MM1-fix']!,
        senderCompId: compId('TLS'),
        targetCompId: TARGET,
      }),
    );
  });
});
