// The FIX session over the real /fix WebSocket (SPEC section 5): sequence
// numbers, garbled and malformed messages, heartbeats and TestRequests,
// session-level rejects, several messages in one frame, the frame limit,
// the per-address connection cap and a client that stops reading.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { FixClient } from '../../src/client/fix-client.ts';
import { Tag } from '../../src/fix/tags.ts';
import {
  buildLogon,
  Clients,
  clientFrame,
  compId,
  encode,
  type Fixture,
  fixUrl,
  frameText,
  header,
  openStalledSocket,
  RawFix,
  rawLogon,
  startFixture,
  until,
} from './support/fix-harness.ts';

const MAX_MESSAGE_BYTES = 512;
const FRAME_LIMIT = MAX_MESSAGE_BYTES * 8;

/** Waits for the firewall's Logout and the close that must follow it. */
async function loggedOut(client: FixClient): Promise<{ text: string; code: number }> {
  const logout = await client.waitFor('logout');
  const close = await client.waitFor('close');
  return { text: logout.text ?? '', code: close.code };
}

describe('FIX session', () => {
  let fx: Fixture;
  const clients = new Clients();
  before(async () => {
    fx = await startFixture({
      configure: (config) => {
        config.session.maxMessageBytes = MAX_MESSAGE_BYTES;
        config.session.maxHeartBtInt = 30;
        config.session.logonTimeoutMs = 2000;
      },
    });
  });
  afterEach(() => clients.closeAll());
  after(() => fx.stop());

  describe('sequence numbers', () => {
    it('a MsgSeqNum too high ends the session: Logout "MsgSeqNum too high", close', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      client.reserveSeqNum(); // 2 is never sent
      client.testRequest('gap');
      const { text, code } = await loggedOut(client);
      assert.equal(text, 'MsgSeqNum too high, expecting 2 but received 3');
      assert.equal(code, 1000);
    });

    it('a MsgSeqNum too low ends the session: Logout "MsgSeqNum too low", close', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      client.testRequest('t-2');
      await client.waitFor('heartbeat', (h) => h.testReqId === 't-2');
      client.sendRaw(encode('1', [...header(client.senderCompId, 2), [Tag.TestReqID, 'again']]));
      const { text, code } = await loggedOut(client);
      assert.equal(text, 'MsgSeqNum too low, expecting 3 but received 2');
      assert.equal(code, 1000);
    });

    it('a message without MsgSeqNum ends the session', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const h = header(client.senderCompId, 0).filter(([tag]) => tag !== Tag.MsgSeqNum);
      client.sendRaw(encode('1', [...h, [Tag.TestReqID, 'x']]));
      const { text, code } = await loggedOut(client);
      assert.match(text, /MsgSeqNum \(34\) missing/);
      assert.equal(code, 1000);
    });

    it('the firewall numbers its own messages from 1 without gaps', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const seqs: number[] = [];
      client.on('heartbeat', (h) => seqs.push(h.seqNum));
      for (let i = 0; i < 5; i++) client.testRequest(`n-${i}`);
      await client.waitFor('heartbeat', (h) => h.testReqId === 'n-4');
      assert.deepEqual(seqs, [2, 3, 4, 5, 6]);
      assert.equal(client.expectedInboundSeqNum, 7);
    });
  });

  describe('garbled messages end the session (Logout with the reason, then close)', () => {
    const garbled: {
      name: string;
      bytes: (sender: string, seq: number) => Uint8Array | string;
      text: RegExp;
    }[] = [
      {
        name: 'bad checksum',
        bytes: (sender, seq) => {
          const good = encode('1', [...header(sender, seq), [Tag.TestReqID, 'x']]).toString('latin1');
          const sum = Number(good.slice(-4, -1));
          return Buffer.from(`${good.slice(0, -4)}${String((sum + 1) % 256).padStart(3, '0')}\x01`, 'latin1');
        },
        text: /^Garbled message: CheckSum \(10\) is wrong/,
      },
      {
        name: 'checksum not three digits',
        bytes: (sender, seq) =>
          frameText(`35=1|49=${sender}|56=PORTCULLIS|34=${seq}|52=20260101-00:00:00.000|112=x|`, {
            checksum: '12',
          }),
        text: /^Garbled message: /,
      },
      {
        name: 'BodyLength too short',
        bytes: (sender, seq) => {
          const body = `35=1|49=${sender}|56=PORTCULLIS|34=${seq}|52=20260101-00:00:00.000|112=x|`;
          return frameText(body, { bodyLength: String(body.length - 3) });
        },
        text: /^Garbled message: /,
      },
      {
        name: 'BodyLength too long',
        bytes: (sender, seq) => {
          const body = `35=1|49=${sender}|56=PORTCULLIS|34=${seq}|52=20260101-00:00:00.000|112=x|`;
          return frameText(body, { bodyLength: String(body.length + 5) });
        },
        text: /^Garbled message: /,
      },
      {
        name: 'BodyLength not a number',
        bytes: (sender, seq) =>
          frameText(`35=1|49=${sender}|56=PORTCULLIS|34=${seq}|52=20260101-00:00:00.000|`, {
            bodyLength: 'abc',
          }),
        text: /^Garbled message: BodyLength \(9\)/,
      },
      {
        name: 'not tag=value at all',
        bytes: () => 'hello, is this the FIX desk?',
        text: /^Garbled message: BeginString \(8\) must be the first field/,
      },
      {
        name: 'a field without =',
        bytes: (sender, seq) =>
          frameText(`35=1|49=${sender}|56=PORTCULLIS|34=${seq}|52=20260101-00:00:00.000|112|`),
        text: /^Garbled message: Field is not tag=value/,
      },
      {
        name: 'BeginString FIX.4.2',
        bytes: (sender, seq) =>
          Buffer.from(
            encode('1', [...header(sender, seq), [Tag.TestReqID, 'x']])
              .toString('latin1')
              .replace('FIX.4.4', 'FIX.4.2'),
            'latin1',
          ),
        text: /^Garbled message: /,
      },
      {
        name: 'a truncated message',
        bytes: (sender, seq) => encode('1', [...header(sender, seq), [Tag.TestReqID, 'x']]).subarray(0, 30),
        text: /^Garbled message: /,
      },
    ];

    for (const { name, bytes, text } of garbled) {
      it(name, async () => {
        const client = await clients.connect(fx, 'MM1-fix');
        client.sendRaw(bytes(client.senderCompId, client.reserveSeqNum()));
        const result = await loggedOut(client);
        assert.match(result.text, text);
        assert.equal(result.code, 1000);
      });
    }

    it('a garbled first message: Logout, close', async () => {
      const raw = await RawFix.open(fx);
      raw.send('GET / HTTP/1.1');
      const close = await raw.waitClose();
      assert.equal(close.code, 1000);
      assert.equal(raw.received.length, 1);
      assert.match(raw.received[0]!.get(Tag.Text) ?? '', /^Garbled message: /);
    });

    it('a valid message before the garbled one in the same frame is still handled', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const sender = client.senderCompId;
      const first = encode('1', [...header(sender, client.reserveSeqNum()), [Tag.TestReqID, 'before']]);
      client.sendRaw(Buffer.concat([first, Buffer.from('garbage\x01', 'latin1')]));
      const heartbeat = await client.waitFor('heartbeat');
      assert.equal(heartbeat.testReqId, 'before');
      const result = await loggedOut(client);
      assert.match(result.text, /^Garbled message: /);
    });
  });

  describe('session-level rejects (the session goes on)', () => {
    it('a repeated tag: Reject 373=13 with the tag; the number is consumed', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const seq = client.reserveSeqNum();
      client.sendRaw(
        encode('1', [...header(client.senderCompId, seq), [Tag.TestReqID, 'a'], [Tag.TestReqID, 'b']]),
      );
      const reject = await client.waitFor('reject');
      assert.equal(reject.refSeqNum, seq);
      assert.equal(reject.refTagId, Tag.TestReqID);
      assert.equal(reject.reason, 13);
      client.testRequest('after-dup');
      await client.waitFor('heartbeat', (h) => h.testReqId === 'after-dup');
    });

    it('PossDupFlag=Y: Reject 371=43 373=5', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const seq = client.send('1', [
        [Tag.PossDupFlag, 'Y'],
        [Tag.TestReqID, 'pd'],
      ]);
      const reject = await client.waitFor('reject');
      assert.equal(reject.refSeqNum, seq);
      assert.equal(reject.refTagId, Tag.PossDupFlag);
      assert.equal(reject.reason, 5);
      assert.match(reject.text ?? '', /^INVALID_REQUEST: /);
      client.testRequest('after-pd');
      await client.waitFor('heartbeat', (h) => h.testReqId === 'after-pd');
    });

    it('SendingTime missing or not a UTCTimestamp: Reject 371=52 373=1 / 373=6', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const sender = client.senderCompId;
      const base = (seq: number) => header(sender, seq).filter(([tag]) => tag !== Tag.SendingTime);
      let seq = client.reserveSeqNum();
      client.sendRaw(encode('1', [...base(seq), [Tag.TestReqID, 'x']]));
      let reject = await client.waitFor('reject');
      assert.deepEqual([reject.refSeqNum, reject.refTagId, reject.reason], [seq, Tag.SendingTime, 1]);
      seq = client.reserveSeqNum();
      client.sendRaw(
        encode('1', [...base(seq), [Tag.SendingTime, '2026-01-01T00:00:00Z'], [Tag.TestReqID, 'x']]),
      );
      reject = await client.waitFor('reject');
      assert.deepEqual([reject.refSeqNum, reject.refTagId, reject.reason], [seq, Tag.SendingTime, 6]);
      client.testRequest('after-52');
      await client.waitFor('heartbeat', (h) => h.testReqId === 'after-52');
    });

    it('a TestRequest without 112: Reject 371=112 373=1', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const seq = client.send('1');
      const reject = await client.waitFor('reject');
      assert.deepEqual([reject.refSeqNum, reject.refTagId, reject.reason], [seq, Tag.TestReqID, 1]);
    });

    it('an unsupported MsgType, ResendRequest, SequenceReset: BusinessMessageReject 380=3', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const cases: [string, [number, string][]][] = [
        ['V', [[262, 'md-1']]],
        [
          '2',
          [
            [7, '1'],
            [16, '0'],
          ],
        ],
        ['4', [[36, '10']]],
        ['XYZ', []],
      ];
      for (const [msgType, fields] of cases) {
        const seq = client.send(msgType, fields);
        const reject = await client.waitFor('businessReject');
        assert.equal(reject.refSeqNum, seq, msgType);
        assert.equal(reject.refMsgType, msgType);
        assert.equal(reject.reason, 3);
        assert.match(reject.text ?? '', /^INVALID_REQUEST: /);
      }
      assert.ok(client.isActive);
    });

    it('client Reject and BusinessMessageReject are taken without an answer', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      client.send('3', [[Tag.RefSeqNum, 1]]);
      client.send('j', [
        [Tag.RefSeqNum, 1],
        [Tag.RefMsgType, 'A'],
        [Tag.BusinessRejectReason, 0],
      ]);
      client.testRequest('after-rejects');
      await client.waitFor('heartbeat', (h) => h.testReqId === 'after-rejects');
      const answers = await Promise.allSettled([client.waitFor('reject', undefined, 50)]);
      assert.equal(answers[0]!.status, 'rejected');
    });

    it('a wrong SenderCompID or TargetCompID after the Logon ends the session', async () => {
      for (const field of [Tag.SenderCompID, Tag.TargetCompID]) {
        const client = await clients.connect(fx, 'MM1-fix');
        const h = header(client.senderCompId, client.reserveSeqNum()).map(([tag, value]) =>
          tag === field ? ([tag, 'SOMEONE-ELSE'] as const) : ([tag, value] as const),
        );
        client.sendRaw(encode('1', [...h, [Tag.TestReqID, 'x']]));
        const { text, code } = await loggedOut(client);
        assert.match(text, /^CompID problem/);
        assert.equal(code, 1000);
      }
    });

    it('a client Logout is answered with a Logout, then close', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const answer = client.waitFor('logout');
      await client.logout('bye');
      assert.equal((await answer).text, 'Logout acknowledged');
      assert.equal((await client.waitFor('close')).code, 1000);
    });
  });

  describe('heartbeats and TestRequests', () => {
    it('a TestRequest is answered with a Heartbeat carrying its 112', async () => {
      const client = await clients.connect(fx, 'MM1-fix', { heartBtInt: 1 });
      client.testRequest('are-you-there');
      const heartbeat = await client.waitFor('heartbeat', (h) => h.testReqId !== undefined);
      assert.equal(heartbeat.testReqId, 'are-you-there');
    });

    it('a silent client gets a TestRequest after 108 x 1.2 s, then a Logout and close', async () => {
      const started = Date.now();
      const client = await clients.connect(fx, 'MM1-fix', { heartBtInt: 1, autoHeartbeat: false });
      const order: string[] = [];
      client.on('heartbeat', (h) => order.push(h.testReqId === undefined ? 'heartbeat' : 'answer'));
      client.on('testRequest', () => order.push('testRequest'));
      client.on('logout', () => order.push('logout'));
      const testRequest = await client.waitFor('testRequest');
      assert.ok(testRequest.testReqId !== undefined && testRequest.testReqId.length > 0);
      assert.ok(Date.now() - started >= 1100, 'the TestRequest comes after ~1.2 s of silence, not before');
      const { text, code } = await loggedOut(client);
      assert.match(text, /^Heartbeat timeout/);
      assert.equal(code, 1000);
      // Our outbound silence was filled with heartbeats; the TestRequest came before the Logout.
      assert.ok(order.indexOf('testRequest') < order.indexOf('logout'), order.join(','));
      assert.ok(order.includes('heartbeat'), order.join(','));
    });

    it('answering the TestRequest (any in-sequence message) keeps the session', async () => {
      const client = await clients.connect(fx, 'MM1-fix', { heartBtInt: 1, autoHeartbeat: false });
      const first = await client.waitFor('testRequest');
      client.send('0', [[Tag.TestReqID, first.testReqId!]]);
      // Not answered this time: the next TestRequest, then the timeout.
      const second = await client.waitFor('testRequest');
      assert.notEqual(second.testReqId, first.testReqId);
      const { text } = await loggedOut(client);
      assert.match(text, /^Heartbeat timeout/);
    });

    it('a client that heartbeats stays logged on and receives heartbeats', async () => {
      const client = await clients.connect(fx, 'MM1-fix', { heartBtInt: 1 });
      await client.waitFor('heartbeat', (h) => h.testReqId === undefined, 5000);
      await client.waitFor('heartbeat', (h) => h.testReqId === undefined, 5000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.ok(client.isActive);
      assert.equal(
        (await Promise.allSettled([client.waitFor('logout', undefined, 10)]))[0]!.status,
        'rejected',
      );
    });
  });

  describe('frames', () => {
    it('several messages in one frame are all handled, in order', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const sender = client.senderCompId;
      const a = encode('1', [...header(sender, client.reserveSeqNum()), [Tag.TestReqID, 'one']]);
      const b = encode('1', [...header(sender, client.reserveSeqNum()), [Tag.TestReqID, 'two']]);
      const c = encode('D', [
        ...header(sender, client.reserveSeqNum()),
        [Tag.ClOrdID, 'frame-1'],
        [Tag.Symbol, 'BTC-PERP'],
        [Tag.Side, '1'],
        [Tag.OrderQty, '0.01'],
        [Tag.OrdType, '2'],
        [Tag.Price, '60000'],
        [Tag.TimeInForce, '1'],
        [Tag.TransactTime, '20260101-00:00:00.000'],
      ]);
      client.sendRaw(Buffer.concat([a, b, c]));
      assert.equal((await client.waitFor('heartbeat')).testReqId, 'one');
      assert.equal((await client.waitFor('heartbeat')).testReqId, 'two');
      const ack = await client.waitFor('executionReport', (r) => r.clOrdId === 'frame-1');
      assert.equal(ack.execType, '0');
      // The session's numbers went on from there.
      client.testRequest('after-frame');
      await client.waitFor('heartbeat', (h) => h.testReqId === 'after-frame');
      client.massCancel({ clOrdId: 'frame-mc' });
      await client.waitFor('massCancelReport');
    });

    it('a text frame works like a binary one', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const msg = encode('1', [
        ...header(client.senderCompId, client.reserveSeqNum()),
        [Tag.TestReqID, 'text'],
      ]);
      client.sendRaw(msg.toString('latin1'));
      assert.equal((await client.waitFor('heartbeat')).testReqId, 'text');
    });

    it('a frame over maxMessageBytes x 8 is closed with 1009', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      client.sendRaw(Buffer.alloc(FRAME_LIMIT + 1, 0x41));
      const close = await client.waitFor('close');
      assert.equal(close.code, 1009);
    });

    it('an absurd frame (beyond what uWS buffers) is cut at once, and the endpoint goes on', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      client.sendRaw(Buffer.alloc(Math.max(FRAME_LIMIT * 16, 512 * 1024) + 1, 0x41));
      const close = await client.waitFor('close');
      // Above uWS's maxPayloadLength, uWS drops the connection itself, without a close frame.
      assert.ok(close.code === 1009 || close.code === 1006, String(close.code));
      const next = await clients.connect(fx, 'MM1-fix');
      assert.ok(next.isActive);
    });

    it('a frame far over the limit is closed with 1009 (SPEC section 5)', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      client.sendRaw(Buffer.alloc(FRAME_LIMIT * 4, 0x41));
      assert.equal((await client.waitFor('close')).code, 1009);
    });

    it('a frame of exactly maxMessageBytes x 8 holding 8 messages is accepted', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const sender = client.senderCompId;
      const messages: Buffer[] = [];
      for (let i = 0; i < 8; i++) {
        const seq = client.reserveSeqNum();
        let length = MAX_MESSAGE_BYTES - 100;
        let msg = encode('1', [...header(sender, seq), [Tag.TestReqID, `${i}`.padEnd(length, 'p')]]);
        while (msg.length !== MAX_MESSAGE_BYTES) {
          length += MAX_MESSAGE_BYTES - msg.length;
          msg = encode('1', [...header(sender, seq), [Tag.TestReqID, `${i}`.padEnd(length, 'p')]]);
        }
        messages.push(msg);
      }
      const frame = Buffer.concat(messages);
      assert.equal(frame.length, FRAME_LIMIT);
      client.sendRaw(frame);
      for (let i = 0; i < 8; i++) {
        const heartbeat = await client.waitFor('heartbeat');
        assert.equal(heartbeat.testReqId?.[0], String(i));
      }
    });

    it('one message over maxMessageBytes is closed with 1009', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const msg = encode('1', [
        ...header(client.senderCompId, client.reserveSeqNum()),
        [Tag.TestReqID, 'x'.repeat(MAX_MESSAGE_BYTES)],
      ]);
      assert.ok(msg.length > MAX_MESSAGE_BYTES && msg.length <= FRAME_LIMIT);
      client.sendRaw(msg);
      assert.equal((await client.waitFor('close')).code, 1009);
    });
  });
});

describe('FIX endpoint limits', () => {
  let fx: Fixture;
  const clients = new Clients();
  before(async () => {
    fx = await startFixture({
      configure: (config) => {
        config.limits.maxConnectionsPerIp = 2;
        config.limits.maxPendingLogons = 2;
        config.session.maxMessageBytes = 65_536;
      },
    });
  });
  afterEach(() => clients.closeAll());
  after(() => fx.stop());

  /** Tries an upgrade; resolves with the HTTP status of a refusal, or 101. */
  function tryUpgrade(
    localAddress?: string,
  ): Promise<{ status: number; retryAfter?: string; body: string; ws?: WebSocket }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(fixUrl(fx), {
        perMessageDeflate: false,
        ...(localAddress ? { localAddress } : {}),
      });
      ws.once('open', () => resolve({ status: 101, body: '', ws }));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString('utf8');
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}),
          }),
        );
      });
      ws.once('error', (error) => {
        if (!('statusCode' in error)) reject(error);
      });
    });
  }

  it('refuses an upgrade past maxConnectionsPerIp with HTTP 429, per address', async () => {
    const a = await RawFix.open(fx);
    const b = await clients.connect(fx, 'MM1-fix');
    const refused = await tryUpgrade();
    assert.equal(refused.status, 429);
    assert.equal(refused.retryAfter, '1');
    const error = (JSON.parse(refused.body) as { error: { code: string; requestId: string } }).error;
    assert.equal(error.code, 'RATE_LIMITED');
    assert.match(error.requestId, /^fix-upgrade-/, 'the refusal names a request id, as its log line does');
    // Another address is counted apart.
    const other = await tryUpgrade('127.0.0.9');
    assert.equal(other.status, 101);
    other.ws!.close();
    // Once one closes, a new connection is let in.
    await a.close();
    await until(() => fx.firewall.fix.connections <= 1, 5000, 'the close to be counted');
    const again = await tryUpgrade();
    assert.equal(again.status, 101);
    again.ws!.close();
    assert.ok(b.isActive);
  });

  it('holds the cap when upgrades arrive together', async () => {
    await until(() => fx.firewall.fix.connections === 0, 5000, 'earlier connections to close');
    const attempts = await Promise.all(Array.from({ length: 6 }, () => tryUpgrade()));
    const opened = attempts.filter((a) => a.status === 101);
    assert.equal(opened.length, 2, attempts.map((a) => a.status).join(','));
    assert.ok(attempts.every((a) => a.status === 101 || a.status === 429));
    for (const a of opened) a.ws!.close();
  });

  it('refuses upgrades past maxPendingLogons, from any address, until one logs on or closes', async () => {
    await until(() => fx.firewall.fix.connections === 0, 5000, 'earlier connections to close');
    const a = await RawFix.open(fx, { localAddress: '127.0.0.21' });
    const b = await RawFix.open(fx, { localAddress: '127.0.0.22' });
    assert.equal(fx.firewall.fix.awaitingLogon, 2);
    // A third address, well under its own cap, is refused: two connections await their Logon.
    const refused = await tryUpgrade('127.0.0.23');
    assert.equal(refused.status, 429);
    assert.equal(refused.retryAfter, '1');
    const error = (JSON.parse(refused.body) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'RATE_LIMITED');
    assert.equal(error.message, 'too many connections awaiting logon');
    // Once one logs on it no longer counts, and a new connection is let in.
    a.send(buildLogon({ credentials: fx.credentials['MM1-fix']!, senderCompId: compId('PEND') }));
    await a.next('A');
    assert.equal(fx.firewall.fix.awaitingLogon, 1);
    const c = await tryUpgrade('127.0.0.23');
    assert.equal(c.status, 101);
    // And once one closes before logging on.
    await b.close();
    await until(() => fx.firewall.fix.awaitingLogon === 1, 5000, 'the close to be counted');
    const d = await tryUpgrade('127.0.0.24');
    assert.equal(d.status, 101);
    assert.equal(fx.firewall.fix.awaitingLogon, 2);
    c.ws!.close();
    d.ws!.close();
    await a.close();
    await until(
      () => fx.firewall.fix.connections === 0 && fx.firewall.fix.awaitingLogon === 0,
      5000,
      'all closed',
    );
  });

  it('disconnects a client that stops reading', async () => {
    await until(() => fx.firewall.fix.connections === 0, 5000, 'earlier connections to close');
    const socket = await openStalledSocket(fx);
    const sender = compId('STALL');
    socket.write(clientFrame(buildLogon({ credentials: fx.credentials['MM1-fix']!, senderCompId: sender })));
    await until(() => fx.firewall.fix.connections === 1, 5000, 'the connection');
    // Each TestRequest is echoed back in a Heartbeat with its 112: ~64 KiB out for 64 KiB in.
    const big = 'x'.repeat(60_000);
    let seq = 2;
    let written = 0;
    try {
      while (fx.firewall.fix.connections > 0 && written < 256 * 1024 * 1024) {
        const messages: Buffer[] = [];
        for (let i = 0; i < 8; i++)
          messages.push(encode('1', [...header(sender, seq++), [Tag.TestReqID, big]]));
        const frame = clientFrame(Buffer.concat(messages));
        written += frame.length;
        if (!socket.write(frame)) {
          await Promise.race([
            new Promise((resolve) => socket.once('drain', resolve)),
            until(() => fx.firewall.fix.connections === 0 || socket.destroyed, 10_000).catch(() => {}),
          ]);
        }
        if (socket.destroyed) break;
      }
      await until(() => fx.firewall.fix.connections === 0, 10_000, 'the firewall to drop the stalled client');
    } finally {
      socket.destroy();
    }
    // The endpoint still serves others.
    const client = await clients.connect(fx, 'MM1-fix');
    assert.ok(client.isActive);
  });

  it('an active raw session logs on from another address too', async () => {
    const raw = await rawLogon(
      fx,
      { credentials: fx.credentials['MM2-fix']!, senderCompId: compId() },
      {
        localAddress: '127.0.0.10',
      },
    );
    await raw.close();
  });
});
