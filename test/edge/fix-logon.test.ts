// FIX Logon against the real firewall (SPEC section 5 and the 401 codes of
// section 3): both key types, every refusal as a Logout with `58=<CODE>: ...`
// followed by the close, the Logon timeout, SenderCompID uniqueness, and the
// lockout per source address and per key.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Credentials } from '../../src/client/credentials.ts';
import { FixClient, FixLogonError } from '../../src/client/fix-client.ts';
import { Tag } from '../../src/fix/tags.ts';
import { formatUtcTimestamp } from '../../src/fix/utc-timestamp.ts';
import {
  addEd25519Key,
  buildLogon,
  Clients,
  compId,
  encode,
  type Fixture,
  fixUrl,
  header,
  RawFix,
  rawLogon,
  refusedLogon,
  startFixture,
  TARGET,
} from './support/fix-harness.ts';

const LOGON_TIMEOUT_MS = 400;

/** Asserts the Logout's 58 starts with `CODE: ` and the socket then closed normally. */
function assertRefused(result: { text: string; close: { code: number } }, code: string): void {
  assert.match(result.text, new RegExp(`^${code}: `), result.text);
  assert.equal(result.close.code, 1000);
}

function expectLogonError(promise: Promise<FixClient>, code: string): Promise<void> {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof FixLogonError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

describe('FIX Logon', () => {
  let fx: Fixture;
  const clients = new Clients();
  const extra: Record<string, Credentials> = {};

  before(async () => {
    fx = await startFixture({
      configure: (config) => {
        config.session.logonTimeoutMs = LOGON_TIMEOUT_MS;
        config.session.maxHeartBtInt = 60;
        // No lockout here: this suite refuses many Logons from 127.0.0.1 on purpose.
        config.limits.authFailuresBeforeLockout = 1_000_000;
        extra.expired = addEd25519Key(config, 'expired-fix', 'MM1', {
          notBefore: '2020-01-01T00:00:00Z',
          expiresAt: '2021-01-01T00:00:00Z',
        });
        extra.future = addEd25519Key(config, 'future-fix', 'MM1', { notBefore: '2999-01-01T00:00:00Z' });
        extra.elsewhere = addEd25519Key(config, 'elsewhere-fix', 'MM1', { cidrs: ['10.0.0.0/8'] });
        extra.revoked = addEd25519Key(config, 'revoked-fix', 'MM1');
      },
    });
    fx.firewall.runtime.revokeKey('revoked-fix');
  });
  afterEach(() => clients.closeAll());
  after(() => fx.stop());

  const mm1 = (): Credentials => fx.credentials['MM1-fix']!;

  describe('success', () => {
    it('an Ed25519 key: the Logon is echoed back with 108, 141=Y and the session is live', async () => {
      const sender = compId('ED');
      const raw = await rawLogon(fx, { credentials: mm1(), senderCompId: sender, heartBtInt: 7 });
      const answer = raw.received[0]!;
      assert.equal(answer.get(Tag.MsgType), 'A');
      assert.equal(answer.get(Tag.SenderCompID), TARGET);
      assert.equal(answer.get(Tag.TargetCompID), sender);
      assert.equal(answer.get(Tag.MsgSeqNum), '1');
      assert.equal(answer.get(Tag.EncryptMethod), '0');
      assert.equal(answer.get(Tag.HeartBtInt), '7');
      assert.equal(answer.get(Tag.ResetSeqNumFlag), 'Y');
      // No 8013 (a user-defined tag) in the answer to a Logon that did not send it.
      assert.equal(answer.has(Tag.CancelOnDisconnect), false);
      raw.send(encode('1', [...header(sender, 2), [Tag.TestReqID, 'ping-1']]));
      const heartbeat = await raw.next('0');
      assert.equal(heartbeat.get(Tag.TestReqID), 'ping-1');
      assert.equal(heartbeat.get(Tag.MsgSeqNum), '2');
      await raw.close();
    });

    it('an HMAC key (the REST key MM1-rest) logs on and trades over FIX too', async () => {
      const client = await clients.connect(fx, 'MM1-rest', { cancelOnDisconnect: false });
      assert.ok(client.isActive);
      client.newOrder({
        clOrdId: 'hmac-1',
        symbol: 'BTC-PERP',
        side: 'buy',
        type: 'limit',
        qty: '0.01',
        price: '60000',
      });
      const ack = await client.waitFor('executionReport', (r) => r.clOrdId === 'hmac-1');
      assert.equal(ack.execType, '0');
      client.cancel({ clOrdId: 'hmac-1c', origClOrdId: 'hmac-1', symbol: 'BTC-PERP', side: 'buy' });
      const canceled = await client.waitFor('executionReport', (r) => r.clOrdId === 'hmac-1c');
      assert.equal(canceled.execType, '4');
      await client.logout();
    });

    it('takes SendingTime with seconds, milliseconds, micro- or nanoseconds (signed as written)', async () => {
      const base = formatUtcTimestamp(Date.now()).slice(0, 17);
      for (const sendingTime of [base, `${base}.123`, `${base}.123456`, `${base}.123456789`]) {
        const raw = await rawLogon(fx, { credentials: mm1(), senderCompId: compId('TS'), sendingTime });
        await raw.close();
      }
    });

    it('handles the messages that follow the Logon in the same frame', async () => {
      const sender = compId('SAME');
      const raw = await RawFix.open(fx);
      raw.send(
        Buffer.concat([
          buildLogon({ credentials: mm1(), senderCompId: sender }),
          encode('1', [...header(sender, 2), [Tag.TestReqID, 'same-frame']]),
        ]),
      );
      await raw.next('A');
      assert.equal((await raw.next('0')).get(Tag.TestReqID), 'same-frame');
      await raw.close();
    });

    it('echoes 8013 as the Logon set it', async () => {
      for (const cod of [true, false]) {
        const sender = compId('COD');
        const raw = await rawLogon(fx, { credentials: mm1(), senderCompId: sender, cancelOnDisconnect: cod });
        assert.equal(raw.received[0]!.get(Tag.CancelOnDisconnect), cod ? 'Y' : 'N');
        await raw.close();
      }
    });
  });

  describe('refusals: Logout with the code in 58, then close', () => {
    it('PossDupFlag=Y on a Logon: INVALID_REQUEST, as on any message', async () => {
      const logon = buildLogon({
        credentials: mm1(),
        senderCompId: compId(),
        extra: [[Tag.PossDupFlag, 'Y']],
      });
      assertRefused(await refusedLogon(fx, logon), 'INVALID_REQUEST');
    });

    it('a Logon copied off the wire and sent again within the window: REPLAYED, from any address', async () => {
      for (const credentials of [mm1(), fx.credentials['MM1-rest']!]) {
        const sender = compId('RP');
        const logon = buildLogon({ credentials, senderCompId: sender });
        const first = await RawFix.open(fx);
        first.send(logon);
        await first.next('A');
        await first.close();
        // The same bytes again, from this address and from another one.
        assertRefused(await refusedLogon(fx, logon), 'REPLAYED');
        assertRefused(await refusedLogon(fx, logon, { localAddress: '127.0.0.3' }), 'REPLAYED');
        // A new Logon (a new SendingTime, so a new signature) of the same client is welcome.
        const again = await rawLogon(fx, {
          credentials,
          senderCompId: sender,
          sendingTimeMs: Date.now() + 1,
        });
        await again.close();
      }
    });

    it('a signature made with other key material: AUTH_BAD_SIGNATURE', async () => {
      const wrongEd: Credentials = {
        type: 'ed25519',
        keyId: 'mm1-fix',
        privateKey: (fx.credentials['MM2-fix'] as Credentials & { type: 'ed25519' }).privateKey,
      };
      const result = await refusedLogon(fx, buildLogon({ credentials: wrongEd, senderCompId: compId() }));
      assertRefused(result, 'AUTH_BAD_SIGNATURE');

      const wrongHmac: Credentials = { type: 'hmac-sha256', keyId: 'mm1-rest', secret: 'not-the-secret' };
      assertRefused(
        await refusedLogon(fx, buildLogon({ credentials: wrongHmac, senderCompId: compId() })),
        'AUTH_BAD_SIGNATURE',
      );
      // The FixClient reports it as a FixLogonError with the code.
      await expectLogonError(
        FixClient.connect({
          url: fixUrl(fx),
          credentials: wrongEd,
          senderCompId: compId(),
          targetCompId: TARGET,
        }),
        'AUTH_BAD_SIGNATURE',
      );
    });

    it('a signature of the wrong type, not base64, or over other bytes: AUTH_BAD_SIGNATURE', async () => {
      // An HMAC key given an Ed25519-sized signature, and the other way round.
      const hmacKeyWithEdSignature = buildLogon({
        credentials: fx.credentials['MM1-rest']!,
        senderCompId: compId(),
        signature: Buffer.alloc(64, 7).toString('base64'),
      });
      assertRefused(await refusedLogon(fx, hmacKeyWithEdSignature), 'AUTH_BAD_SIGNATURE');
      for (const signature of ['!!!!', 'QUJD', Buffer.alloc(64).toString('base64')]) {
        assertRefused(
          await refusedLogon(fx, buildLogon({ credentials: mm1(), senderCompId: compId(), signature })),
          'AUTH_BAD_SIGNATURE',
        );
      }
      // A valid signature of another SenderCompID.
      const sender = compId();
      const other = buildLogon({ credentials: mm1(), senderCompId: 'someone-else' });
      const signature = other
        .toString('latin1')
        .split('\x01')
        .find((f) => f.startsWith('96='))!
        .slice(3);
      assertRefused(
        await refusedLogon(fx, buildLogon({ credentials: mm1(), senderCompId: sender, signature })),
        'AUTH_BAD_SIGNATURE',
      );
    });

    it('an unknown key id: AUTH_UNKNOWN_KEY', async () => {
      const nobody: Credentials = { type: 'hmac-sha256', keyId: 'nobody', secret: 'x' };
      const result = await refusedLogon(fx, buildLogon({ credentials: nobody, senderCompId: compId() }));
      assertRefused(result, 'AUTH_UNKNOWN_KEY');
      await expectLogonError(
        FixClient.connect({
          url: fixUrl(fx),
          credentials: nobody,
          senderCompId: compId(),
          targetCompId: TARGET,
        }),
        'AUTH_UNKNOWN_KEY',
      );
    });

    it('a SendingTime outside recvWindowMs, either way: TIMESTAMP_OUT_OF_WINDOW', async () => {
      const window = fx.config.session.recvWindowMs;
      for (const offset of [-(window + 5000), window + 5000]) {
        await expectLogonError(
          FixClient.connect({
            url: fixUrl(fx),
            credentials: mm1(),
            senderCompId: compId(),
            targetCompId: TARGET,
            clock: () => Date.now() + offset,
          }),
          'TIMESTAMP_OUT_OF_WINDOW',
        );
        const result = await refusedLogon(
          fx,
          buildLogon({ credentials: mm1(), senderCompId: compId(), sendingTimeMs: Date.now() + offset }),
        );
        assertRefused(result, 'TIMESTAMP_OUT_OF_WINDOW');
      }
      // Just inside the window is fine.
      const inside = await clients.connect(fx, 'MM1-fix', { clock: () => Date.now() - (window - 2000) });
      assert.ok(inside.isActive);
    });

    it('a TargetCompID that is not ours: INVALID_REQUEST naming 56', async () => {
      const result = await refusedLogon(
        fx,
        buildLogon({ credentials: mm1(), senderCompId: compId(), targetCompId: 'SOMEONE' }),
      );
      assertRefused(result, 'INVALID_REQUEST');
      assert.match(result.text, /56/);
      await expectLogonError(
        FixClient.connect({
          url: fixUrl(fx),
          credentials: mm1(),
          senderCompId: compId(),
          targetCompId: 'NOPE',
        }),
        'INVALID_REQUEST',
      );
    });

    it('each required field left out: AUTH_MISSING naming the tag', async () => {
      const required = [
        Tag.SenderCompID,
        Tag.TargetCompID,
        Tag.MsgSeqNum,
        Tag.SendingTime,
        Tag.EncryptMethod,
        Tag.HeartBtInt,
        Tag.ResetSeqNumFlag,
        Tag.Username,
        Tag.RawDataLength,
        Tag.RawData,
      ];
      for (const tag of required) {
        const sender = compId();
        const result = await refusedLogon(
          fx,
          buildLogon({ credentials: mm1(), senderCompId: sender, omit: [tag] }),
        );
        assertRefused(result, 'AUTH_MISSING');
        assert.match(result.text, new RegExp(`\\b${tag}\\b`), `tag ${tag}: ${result.text}`);
        // Addressed to the client's CompID when it gave one.
        assert.equal(result.logout.get(Tag.TargetCompID), tag === Tag.SenderCompID ? undefined : sender);
      }
    });

    it('bad Logon values: INVALID_REQUEST', async () => {
      const max = fx.config.session.maxHeartBtInt;
      const cases: { name: string; logon: Buffer }[] = [
        { name: '108=0', logon: buildLogon({ credentials: mm1(), senderCompId: compId(), heartBtInt: 0 }) },
        {
          name: '108>max',
          logon: buildLogon({ credentials: mm1(), senderCompId: compId(), heartBtInt: max + 1 }),
        },
        { name: '34=2', logon: buildLogon({ credentials: mm1(), senderCompId: compId(), seq: 2 }) },
        { name: '49 with a space', logon: buildLogon({ credentials: mm1(), senderCompId: 'bad id' }) },
        { name: '49 too long', logon: buildLogon({ credentials: mm1(), senderCompId: 'x'.repeat(33) }) },
        {
          name: '8013=X',
          logon: buildLogon({
            credentials: mm1(),
            senderCompId: compId(),
            extra: [[Tag.CancelOnDisconnect, 'X']],
          }),
        },
      ];
      for (const { name, logon } of cases) {
        const result = await refusedLogon(fx, logon);
        assert.match(result.text, /^INVALID_REQUEST: /, `${name}: ${result.text}`);
        assert.equal(result.close.code, 1000, name);
      }
      // 98, 141 and 95 altered in an otherwise signed Logon.
      const sender = compId();
      const good = buildLogon({ credentials: mm1(), senderCompId: sender }).toString('latin1');
      const body = good.slice(good.indexOf('\x0135=') + 1, good.lastIndexOf('10='));
      for (const [from, to] of [
        ['\x0198=0\x01', '\x0198=1\x01'],
        ['\x01141=Y\x01', '\x01141=N\x01'],
        ['\x0195=88\x01', '\x0195=87\x01'],
      ] as const) {
        assert.ok(body.includes(from), from);
        const altered = body.replace(from, to);
        const bytes = Buffer.from(altered, 'latin1');
        const { text, close } = await refusedLogon(fx, reframe(bytes));
        assert.match(text, /^INVALID_REQUEST: /, `${JSON.stringify(to)}: ${text}`);
        assert.equal(close.code, 1000);
      }
    });

    it('a first message that is not a Logon: AUTH_MISSING', async () => {
      const sender = compId();
      const result = await refusedLogon(fx, encode('0', header(sender, 1)));
      assertRefused(result, 'AUTH_MISSING');
    });

    it('an expired, not yet valid or revoked key, or one not allowed from this address', async () => {
      const cases: [Credentials, string][] = [
        [extra.expired!, 'KEY_EXPIRED'],
        [extra.future!, 'KEY_NOT_YET_VALID'],
        [extra.revoked!, 'KEY_REVOKED'],
        [extra.elsewhere!, 'IP_NOT_ALLOWED'],
      ];
      for (const [credentials, code] of cases) {
        assertRefused(await refusedLogon(fx, buildLogon({ credentials, senderCompId: compId() })), code);
      }
    });

    it('a second Logon with a SenderCompID live on the same key is refused; the first session goes on', async () => {
      const sender = compId('DUP');
      // Each Logon on this key and name is signed at a millisecond of its own: two in the same
      // one would be the same bytes, refused as REPLAYED instead (a fast machine does that).
      let last = 0;
      const later = () => {
        last = Math.max(last + 1, Date.now());
        return last;
      };
      const first = await clients.connect(fx, 'MM1-fix', { senderCompId: sender, clock: later });
      await expectLogonError(
        FixClient.connect({
          url: fixUrl(fx),
          credentials: mm1(),
          senderCompId: sender,
          targetCompId: TARGET,
          clock: later,
        }),
        'INVALID_REQUEST',
      );
      const raw = await refusedLogon(
        fx,
        buildLogon({ credentials: mm1(), senderCompId: sender, sendingTimeMs: later() }),
      );
      assertRefused(raw, 'INVALID_REQUEST');
      assert.match(raw.text, /already logged on/);

      first.testRequest('still-here');
      assert.equal(
        (await first.waitFor('heartbeat', (h) => h.testReqId === 'still-here')).testReqId,
        'still-here',
      );
      // The same name on another key is another session.
      const otherKey = await clients.connect(fx, 'MM1-rest', { senderCompId: sender });
      assert.ok(otherKey.isActive);
      // Once the first session is gone, the name is free again.
      await first.logout();
      const again = await clients.connect(fx, 'MM1-fix', { senderCompId: sender, clock: later });
      assert.ok(again.isActive);
    });

    it('a second Logon on an active session: Reject 371=35 373=5, the session goes on', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      client.send('A', [
        [Tag.EncryptMethod, 0],
        [Tag.HeartBtInt, 30],
        [Tag.ResetSeqNumFlag, 'Y'],
      ]);
      const reject = await client.waitFor('reject');
      assert.equal(reject.refTagId, Tag.MsgType);
      assert.equal(reject.reason, 5);
      client.testRequest('after-relogon');
      await client.waitFor('heartbeat', (h) => h.testReqId === 'after-relogon');
    });

    it('no Logon within logonTimeoutMs: Logout AUTH_MISSING, then close', async () => {
      const raw = await RawFix.open(fx);
      const close = await raw.waitClose(LOGON_TIMEOUT_MS + 5000);
      assert.equal(close.code, 1000);
      assert.equal(raw.received.length, 1);
      const logout = raw.received[0]!;
      assert.equal(logout.get(Tag.MsgType), '5');
      assert.match(logout.get(Tag.Text) ?? '', /^AUTH_MISSING: no Logon within/);
    });
  });
});

/** Re-frames a body (35=... up to the trailer) with a correct 9 and 10. */
function reframe(body: Buffer): Buffer {
  const head = Buffer.from(`8=FIX.4.4\x019=${body.length}\x01`, 'latin1');
  const message = Buffer.concat([head, body]);
  let sum = 0;
  for (const b of message) sum += b;
  return Buffer.concat([message, Buffer.from(`10=${String(sum & 0xff).padStart(3, '0')}\x01`, 'latin1')]);
}

describe('FIX Logon lockout (authFailuresBeforeLockout = 3)', () => {
  let fx: Fixture;
  const clients = new Clients();
  before(async () => {
    fx = await startFixture({
      configure: (config) => {
        config.limits.authFailuresBeforeLockout = 3;
        config.limits.lockoutMs = 60_000;
        config.session.logonTimeoutMs = 300;
      },
    });
  });
  afterEach(() => clients.closeAll());
  after(() => fx.stop());

  it('per source address: after 3 failures from one address, even a good Logon from it is LOCKED_OUT', async () => {
    const nobody: Credentials = { type: 'hmac-sha256', keyId: 'nobody', secret: 'x' };
    const from = { localAddress: '127.0.0.2' };
    for (let i = 0; i < 3; i++) {
      const result = await refusedLogon(
        fx,
        buildLogon({ credentials: nobody, senderCompId: compId() }),
        from,
      );
      assertRefused(result, 'AUTH_UNKNOWN_KEY');
    }
    const locked = await refusedLogon(
      fx,
      buildLogon({ credentials: fx.credentials['MM1-fix']!, senderCompId: compId() }),
      from,
    );
    assertRefused(locked, 'LOCKED_OUT');
    // Another address with the same key is not locked (unknown-key failures count against no key).
    const raw = await rawLogon(
      fx,
      { credentials: fx.credentials['MM1-fix']!, senderCompId: compId() },
      { localAddress: '127.0.0.3' },
    );
    await raw.close();
  });

  it('per key: 3 bad signatures from 3 addresses lock the key everywhere, not the other keys', async () => {
    const mm2 = fx.credentials['MM2-fix']!;
    const forged: Credentials = {
      type: 'ed25519',
      keyId: mm2.keyId,
      privateKey: (fx.credentials['MM1-fix'] as Credentials & { type: 'ed25519' }).privateKey,
    };
    for (const localAddress of ['127.0.0.4', '127.0.0.5', '127.0.0.6']) {
      const result = await refusedLogon(fx, buildLogon({ credentials: forged, senderCompId: compId() }), {
        localAddress,
      });
      assertRefused(result, 'AUTH_BAD_SIGNATURE');
    }
    const from = { localAddress: '127.0.0.7' };
    assertRefused(
      await refusedLogon(fx, buildLogon({ credentials: mm2, senderCompId: compId() }), from),
      'LOCKED_OUT',
    );
    const raw = await rawLogon(fx, { credentials: fx.credentials['MM1-fix']!, senderCompId: compId() }, from);
    await raw.close();
  });

  it("bad Logons from outside a key's networks do not lock its owner out", async () => {
    let fenced: Credentials | undefined;
    const own = await startFixture({
      configure: (config) => {
        config.limits.authFailuresBeforeLockout = 3;
        config.limits.lockoutMs = 60_000;
        fenced = addEd25519Key(config, 'fenced-fix', 'MM1', { cidrs: ['127.0.2.0/24'] });
      },
    });
    try {
      const forged: Credentials = {
        type: 'ed25519',
        keyId: 'fenced-fix',
        privateKey: (own.credentials['MM1-fix'] as Credentials & { type: 'ed25519' }).privateKey,
      };
      for (const localAddress of ['127.0.0.41', '127.0.0.42', '127.0.0.43', '127.0.0.44']) {
        assertRefused(
          await refusedLogon(own, buildLogon({ credentials: forged, senderCompId: compId() }), {
            localAddress,
          }),
          'AUTH_BAD_SIGNATURE',
        );
      }
      const raw = await rawLogon(
        own,
        { credentials: fenced!, senderCompId: compId() },
        { localAddress: '127.0.2.1' },
      );
      await raw.close();
    } finally {
      await own.stop();
    }
  });

  it('stale SendingTimes count toward the lockout', async () => {
    const mm1rest = fx.credentials['MM1-rest']!;
    const from = { localAddress: '127.0.0.8' };
    for (let i = 0; i < 3; i++) {
      const result = await refusedLogon(
        fx,
        buildLogon({ credentials: mm1rest, senderCompId: compId(), sendingTimeMs: Date.now() - 3_600_000 }),
        from,
      );
      assertRefused(result, 'TIMESTAMP_OUT_OF_WINDOW');
    }
    assertRefused(
      await refusedLogon(fx, buildLogon({ credentials: mm1rest, senderCompId: compId() }), from),
      'LOCKED_OUT',
    );
  });

  it('every kind of Logon failure counts: not a Logon, garbled, timed out, malformed, CompID taken', async () => {
    const mm1 = fx.credentials['MM1-fix']!;
    const first = { localAddress: '127.0.0.9' };
    const sender = compId('LK');
    assertRefused(await refusedLogon(fx, encode('0', header(sender, 1)), first), 'AUTH_MISSING');
    const garbled = Buffer.from(buildLogon({ credentials: mm1, senderCompId: sender }));
    garbled[garbled.length - 2] = garbled[garbled.length - 2] === 0x30 ? 0x31 : 0x30; // the CheckSum
    assert.match((await refusedLogon(fx, garbled, first)).text, /^Garbled message/);
    const silent = await RawFix.open(fx, first);
    await silent.waitClose();
    assert.match(silent.received.at(-1)?.get(Tag.Text) ?? '', /^AUTH_MISSING: no Logon/);
    assertRefused(
      await refusedLogon(fx, buildLogon({ credentials: mm1, senderCompId: compId() }), first),
      'LOCKED_OUT',
    );

    // A Logon with a good signature clears the address's count (the key was proven), so the
    // refusal that comes after the signature check goes first here.
    const second = { localAddress: '127.0.0.10' };
    const live = await rawLogon(fx, { credentials: mm1, senderCompId: sender });
    // A SendingTime after the live Logon's: within the same millisecond, the same signed bytes
    // would be refused as REPLAYED (deterministic Ed25519) instead of as a CompID taken.
    assertRefused(
      await refusedLogon(
        fx,
        buildLogon({ credentials: mm1, senderCompId: sender, sendingTimeMs: Date.now() + 1 }),
        second,
      ),
      'INVALID_REQUEST',
    );
    assertRefused(
      await refusedLogon(fx, buildLogon({ credentials: mm1, senderCompId: compId(), seq: 2 }), second),
      'INVALID_REQUEST',
    );
    assertRefused(
      await refusedLogon(
        fx,
        buildLogon({ credentials: mm1, senderCompId: compId(), omit: [Tag.HeartBtInt] }),
        second,
      ),
      'AUTH_MISSING',
    );
    assertRefused(
      await refusedLogon(fx, buildLogon({ credentials: mm1, senderCompId: compId() }), second),
      'LOCKED_OUT',
    );
    await live.close();
  });
});
