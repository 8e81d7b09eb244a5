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
import WebSocket from 'ws';
import { FixMessage } from '../../src/fix/message.ts';
import { parseNext } from '../../src/fix/parser.ts';
import { Tag } from '../../src/fix/tags.ts';
import { startFirewallFixture } from '../helpers/firewall-fixture.ts';
import { buildLogon, clOrdId, compId, encode, header, limitBuyFields } from './support/fix-harness.ts';
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

  it('logs on over wss and trades', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${fx.firewall.port}/fix`, {
      ca: cert,
      perMessageDeflate: false,
    });
    await once(ws, 'open');
    const received: Map<number, string>[] = [];
    const msg = new FixMessage();
    ws.on('message', (data: Buffer) => {
      for (let offset = 0; offset < data.length; ) {
        const end = parseNext(data, offset, msg);
        assert.ok(end > 0, `the firewall's bytes parse (error ${end})`);
        const fields = new Map<number, string>();
        for (let i = 0; i < msg.fieldCount; i++)
          fields.set(msg.tagAt(i), data.toString('latin1', msg.valueStartAt(i), msg.valueEndAt(i)));
        received.push(fields);
        offset = end;
      }
    });
    const until = async (msgType: string) => {
      for (let waited = 0; waited < 5000; waited += 10) {
        const found = received.find((f) => f.get(Tag.MsgType) === msgType);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`no 35=${msgType} (got ${received.map((f) => f.get(Tag.MsgType)).join(',')})`);
    };
    const sender = compId('TLS');
    ws.send(buildLogon({ credentials: fx.credentials['MM1-fix']!, senderCompId: sender }));
    assert.equal((await until('A')).get(Tag.TargetCompID), sender);
    ws.send(encode('D', [...header(sender, 2), ...limitBuyFields(clOrdId('tls'))]));
    const report = await until('8');
    assert.equal(report.get(Tag.ExecType), '0');
    assert.equal(report.get(Tag.OrdStatus), '0');
    ws.close(1000);
    await once(ws, 'close');
  });
});
