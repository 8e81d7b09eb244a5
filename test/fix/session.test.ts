// FixSession (src/fix/session.ts) driven through fakes: a transport that
// records and parses what is sent, an authenticator with a settable verdict,
// timers on a manual clock, and an application that records its calls.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeBase64Strict } from '../../src/fix/logon.ts';
import { FixMessage } from '../../src/fix/message.ts';
import { parseNext } from '../../src/fix/parser.ts';
import {
  CloseCode,
  FixSession,
  type FixSessionOptions,
  FRAME_MESSAGE_FACTOR,
  type LogonAuthenticator,
  maxFrameBytes,
  requireFields,
  type SessionApplication,
  type SessionTimers,
  type SessionTransport,
} from '../../src/fix/session.ts';
import { resolveSessionOptions } from '../../src/fix/session-options.ts';
import { MsgTypeByte } from '../../src/fix/tags.ts';
import { formatUtcTimestamp } from '../../src/fix/utc-timestamp.ts';
import { PASS, RejectCode } from '../../src/pipeline/reject-codes.ts';
import type { ApiKeyState } from '../../src/state/api-keys.ts';
import { frame } from './fix-text.ts';

// ---------------------------------------------------------------- fakes
const T0 = Date.UTC(2026, 10, 22, 14, 0, 0, 0);
const SIGNATURE = Buffer.alloc(64, 7);
const SIGNATURE_B64 = SIGNATURE.toString('base64');

const OPTIONS: FixSessionOptions = {
  targetCompId: 'PORTCULLIS',
  recvWindowMs: 5000,
  maxHeartBtInt: 60,
  maxMessageBytes: 512,
  logonTimeoutMs: 5000,
};

/** A sent message as tag → value (latin1), with the raw bytes. */
interface Sent {
  fields: Map<number, string>;
  bytes: Buffer;
}

function parseSent(bytes: Uint8Array): Sent {
  const msg = new FixMessage();
  const end = parseNext(bytes, 0, msg);
  if (end !== bytes.length) throw new Error(`sent bytes do not parse: ${end}`);
  const fields = new Map<number, string>();
  for (let i = 0; i < msg.fieldCount; i++) {
    const tag = msg.tagAt(i);
    fields.set(tag, Buffer.from(bytes).toString('latin1', msg.valueStartAt(i), msg.valueEndAt(i)));
  }
  return { fields, bytes: Buffer.from(bytes) };
}

class FakeTransport implements SessionTransport {
  readonly sent: Sent[] = [];
  readonly closes: { code: number; reason: string }[] = [];
  /** Set to make close() call back into the session, as some sockets do. */
  onClose: (() => void) | null = null;

  send(bytes: Uint8Array): void {
    this.sent.push(parseSent(bytes));
  }

  close(code: number, reason: string): void {
    this.closes.push({ code, reason });
    this.onClose?.();
  }

  types(): string[] {
    return this.sent.map((m) => m.fields.get(35)!);
  }

  last(): Sent {
    const m = this.sent.at(-1);
    if (!m) throw new Error('nothing sent');
    return m;
  }
}

function fakeKey(cancelOnDisconnect = true): ApiKeyState {
  return { id: 'mm1-fix', cancelOnDisconnect } as unknown as ApiKeyState;
}

class FakeAuthenticator implements LogonAuthenticator {
  verdict: number = PASS;
  key: ApiKeyState | null = fakeKey();
  readonly calls: {
    keyId: string;
    signed: string;
    signature: Buffer;
    senderCompId: string;
    nowMs: number;
  }[] = [];
  readonly live = new Set<string>();
  readonly released: string[] = [];
  readonly failures: { keyId: string | null; verdict: number }[] = [];

  authenticate(
    keyId: string,
    signedBytes: Uint8Array,
    signature: Uint8Array,
    senderCompId: string,
    nowMs: number,
  ) {
    this.calls.push({
      keyId,
      signed: Buffer.from(signedBytes).toString('latin1'),
      signature: Buffer.from(signature),
      senderCompId,
      nowMs,
    });
    if (this.verdict === PASS && signature.length !== 64) return { verdict: 7, key: null };
    return { verdict: this.verdict, key: this.verdict === PASS ? this.key : null };
  }

  claim(keyId: string, senderCompId: string): boolean {
    const id = `${keyId}/${senderCompId}`;
    if (this.live.has(id)) return false;
    this.live.add(id);
    return true;
  }

  release(keyId: string, senderCompId: string): void {
    const id = `${keyId}/${senderCompId}`;
    this.live.delete(id);
    this.released.push(id);
  }

  recordFailure(keyId: string | null, verdict: number): void {
    this.failures.push({ keyId, verdict });
  }
}

interface Task {
  id: number;
  due: number;
  fn: () => void;
}

class FakeTimers implements SessionTimers {
  nowMs: number;
  private tasks: Task[] = [];
  private nextId = 1;

  constructor(nowMs = T0) {
    this.nowMs = nowMs;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const task = { id: this.nextId++, due: this.nowMs + ms, fn };
    this.tasks.push(task);
    return task.id;
  }

  clearTimeout(handle: unknown): void {
    this.tasks = this.tasks.filter((t) => t.id !== handle);
  }

  now(): number {
    return this.nowMs;
  }

  get pending(): number {
    return this.tasks.length;
  }

  /** Moves the clock forward, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      let next: Task | undefined;
      for (const t of this.tasks) if (t.due <= target && (!next || t.due < next.due)) next = t;
      if (!next) break;
      const run = next;
      this.tasks = this.tasks.filter((t) => t !== run);
      this.nowMs = Math.max(this.nowMs, run.due);
      run.fn();
    }
    this.nowMs = target;
  }
}

class FakeApp implements SessionApplication {
  logons = 0;
  readonly messages: { type: number; seq: number; clOrdId: string | undefined }[] = [];
  readonly ends: string[] = [];
  onMessageHook: ((session: FixSession, msg: FixMessage) => void) | null = null;

  onLogon(): void {
    this.logons++;
  }

  onMessage(session: FixSession, msg: FixMessage, msgType: number): void {
    this.messages.push({ type: msgType, seq: msg.getInt(34), clOrdId: msg.getString(11) });
    this.onMessageHook?.(session, msg);
  }

  onEnd(_session: FixSession, reason: string): void {
    this.ends.push(reason);
  }
}

type Fields = [number, string | null][];

/** A Logon body's fields in order; override a value, or remove a field with null. */
function logonFields(overrides: Record<number, string | null> = {}, nowMs = T0): Fields {
  const fields: Fields = [
    [35, 'A'],
    [49, 'MM1-A'],
    [56, 'PORTCULLIS'],
    [34, '1'],
    [52, formatUtcTimestamp(nowMs)],
    [98, '0'],
    [108, '30'],
    [141, 'Y'],
    [553, 'mm1-fix'],
    [95, String(SIGNATURE_B64.length)],
    [96, SIGNATURE_B64],
    [8013, 'N'],
  ];
  for (const [tag, value] of Object.entries(overrides)) {
    const entry = fields.find(([t]) => t === Number(tag));
    if (entry) entry[1] = value;
    else fields.push([Number(tag), value]);
  }
  return fields;
}

function bodyOf(fields: Fields): string {
  return fields
    .filter(([, v]) => v !== null)
    .map(([t, v]) => `${t}=${v}|`)
    .join('');
}

function logonFrame(overrides: Record<number, string | null> = {}, nowMs = T0): Buffer {
  return frame(bodyOf(logonFields(overrides, nowMs)));
}

/** A session message: header with the given seq, then `rest` ('|'-separated, ending in '|'). */
function message(type: string, seq: number, rest = '', header: Record<number, string> = {}): Buffer {
  const h = { 49: 'MM1-A', 56: 'PORTCULLIS', 52: formatUtcTimestamp(T0), ...header };
  return frame(`35=${type}|49=${h[49]}|56=${h[56]}|34=${seq}|52=${h[52]}|${rest}`);
}

const ORDER_REST = '11=ord-1|55=BTC-PERP|54=1|38=1.5|40=2|44=65000.5|59=1|60=20261122-14:00:00.000|';

interface Harness {
  session: FixSession;
  transport: FakeTransport;
  auth: FakeAuthenticator;
  app: FakeApp;
  timers: FakeTimers;
}

function harness(options: Partial<FixSessionOptions> = {}): Harness {
  const transport = new FakeTransport();
  const auth = new FakeAuthenticator();
  const app = new FakeApp();
  const timers = new FakeTimers();
  const session = new FixSession({ ...OPTIONS, ...options }, transport, auth, app, timers);
  return { session, transport, auth, app, timers };
}

/** A harness whose session has logged on (the Logon echo is in transport.sent[0]). */
function loggedOn(options: Partial<FixSessionOptions> = {}): Harness {
  const h = harness(options);
  h.session.onFrame(logonFrame());
  if (h.session.state !== 'active') throw new Error(`logon failed: ${h.transport.last().fields.get(58)}`);
  return h;
}

// ---------------------------------------------------------------- tests

const ascii = (s: string) => Buffer.from(s, 'latin1');

function assertEndedOnce(h: Harness, closeCode = 1000): void {
  assert.equal(h.session.state, 'ended');
  assert.equal(h.app.ends.length, 1, `onEnd calls: ${JSON.stringify(h.app.ends)}`);
  assert.equal(h.transport.closes.length, 1);
  assert.equal(h.transport.closes[0]!.code, closeCode);
  assert.equal(h.timers.pending, 0, 'no timer left behind');
  // Late events change nothing.
  h.session.onTransportClosed();
  h.session.onFrame(message('0', 99));
  h.timers.advance(10 * 60_000);
  assert.equal(h.app.ends.length, 1);
  assert.equal(h.transport.closes.length, 1);
}

function assertLogoutCode(h: Harness, code: string): void {
  const last = h.transport.last();
  assert.equal(last.fields.get(35), '5');
  assert.ok(last.fields.get(58)?.startsWith(`${code}: `), `58=${last.fields.get(58)}, expected ${code}`);
}

test('logon: success echoes the Logon, tells the app, and keeps the client as the session', () => {
  const h = harness();
  h.session.onFrame(logonFrame());
  assert.equal(h.session.state, 'active');
  assert.equal(h.app.logons, 1);
  assert.equal(h.transport.sent.length, 1);
  const echo = h.transport.sent[0]!.fields;
  assert.equal(echo.get(35), 'A');
  assert.equal(echo.get(49), 'PORTCULLIS');
  assert.equal(echo.get(56), 'MM1-A');
  assert.equal(echo.get(34), '1');
  assert.equal(echo.get(52), '20261122-14:00:00.000');
  assert.equal(echo.get(98), '0');
  assert.equal(echo.get(108), '30');
  assert.equal(echo.get(141), 'Y');
  assert.equal(echo.get(8013), 'N');
  assert.equal(h.auth.calls.length, 1);
  const call = h.auth.calls[0]!;
  assert.equal(call.keyId, 'mm1-fix');
  assert.equal(call.signed, 'A\x01MM1-A\x01PORTCULLIS\x011\x0120261122-14:00:00.000');
  assert.deepEqual(call.signature, SIGNATURE);
  assert.equal(call.senderCompId, 'MM1-A');
  assert.equal(call.nowMs, T0);
  assert.equal(h.session.senderCompId, 'MM1-A');
  assert.equal(h.session.keyId, 'mm1-fix');
  assert.equal(h.session.key, h.auth.key);
  assert.equal(h.session.heartBtInt, 30);
  assert.equal(h.session.cancelOnDisconnect, false, '8013=N wins over the key');
  assert.equal(h.session.nextInboundSeqNum, 2);
  assert.equal(h.session.nextOutboundSeqNum, 2);
  assert.ok(h.auth.live.has('mm1-fix/MM1-A'));
  assert.equal(h.transport.closes.length, 0);
});

test('logon: cancel-on-disconnect comes from 8013, else the key, else the option', () => {
  const a = harness();
  a.session.onFrame(logonFrame({ 8013: 'Y' }));
  assert.equal(a.session.cancelOnDisconnect, true);
  const b = harness();
  b.auth.key = fakeKey(true);
  b.session.onFrame(logonFrame({ 8013: null }));
  assert.equal(b.session.cancelOnDisconnect, true);
  // 8013 is user-defined: a client that did not send it may not know it (QuickFIX's stock
  // FIX44.xml does not), and a dictionary check would reject the whole Logon answer for it.
  assert.equal(b.transport.sent[0]!.fields.get(35), 'A');
  assert.equal(b.transport.sent[0]!.fields.has(8013), false, 'no 8013 in the answer to a Logon without it');
  const c = harness({ cancelOnDisconnectDefault: true });
  c.auth.key = null;
  c.session.onFrame(logonFrame({ 8013: null }));
  assert.equal(c.session.state, 'active');
  assert.equal(c.session.cancelOnDisconnect, true);
});

const LOGON_FAILURES: {
  name: string;
  overrides?: Record<number, string | null>;
  code: string;
  setup?: (h: Harness) => void;
}[] = [
  { name: 'missing 553', overrides: { 553: null }, code: 'AUTH_MISSING' },
  { name: 'missing 96', overrides: { 96: null }, code: 'AUTH_MISSING' },
  { name: 'missing 95', overrides: { 95: null }, code: 'AUTH_MISSING' },
  { name: 'missing 52', overrides: { 52: null }, code: 'AUTH_MISSING' },
  { name: 'missing 108', overrides: { 108: null }, code: 'AUTH_MISSING' },
  {
    name: 'bad signature verdict',
    code: 'AUTH_BAD_SIGNATURE',
    setup: (h) => {
      h.auth.verdict = RejectCode.AUTH_BAD_SIGNATURE;
    },
  },
  {
    name: 'unknown key verdict',
    code: 'AUTH_UNKNOWN_KEY',
    setup: (h) => {
      h.auth.verdict = RejectCode.AUTH_UNKNOWN_KEY;
    },
  },
  {
    name: 'locked out verdict',
    code: 'LOCKED_OUT',
    setup: (h) => {
      h.auth.verdict = RejectCode.LOCKED_OUT;
    },
  },
  {
    name: 'expired key verdict',
    code: 'KEY_EXPIRED',
    setup: (h) => {
      h.auth.verdict = RejectCode.KEY_EXPIRED;
    },
  },
  {
    name: '96 not base64 (handed on as an empty signature)',
    overrides: { 96: 'not*base64', 95: '10' },
    code: 'AUTH_BAD_SIGNATURE',
  },
  { name: 'stale 52', overrides: { 52: formatUtcTimestamp(T0 - 5001) }, code: 'TIMESTAMP_OUT_OF_WINDOW' },
  { name: 'future 52', overrides: { 52: formatUtcTimestamp(T0 + 5001) }, code: 'TIMESTAMP_OUT_OF_WINDOW' },
  { name: '52 not a timestamp', overrides: { 52: '2026-11-22T14:00:00Z' }, code: 'TIMESTAMP_OUT_OF_WINDOW' },
  { name: 'wrong 56', overrides: { 56: 'SOMEONE-ELSE' }, code: 'INVALID_REQUEST' },
  { name: '34 not 1', overrides: { 34: '2' }, code: 'INVALID_REQUEST' },
  { name: '98 not 0', overrides: { 98: '1' }, code: 'INVALID_REQUEST' },
  { name: '108 = 0', overrides: { 108: '0' }, code: 'INVALID_REQUEST' },
  { name: '108 above maxHeartBtInt', overrides: { 108: '61' }, code: 'INVALID_REQUEST' },
  { name: '108 not a number', overrides: { 108: '3x' }, code: 'INVALID_REQUEST' },
  { name: '141 = N', overrides: { 141: 'N' }, code: 'INVALID_REQUEST' },
  { name: '8013 not Y|N', overrides: { 8013: 'maybe' }, code: 'INVALID_REQUEST' },
  { name: '95 not the length of 96', overrides: { 95: '87' }, code: 'INVALID_REQUEST' },
  { name: '49 with a bad character', overrides: { 49: 'MM1 A' }, code: 'INVALID_REQUEST' },
  { name: '49 too long', overrides: { 49: 'A'.repeat(33) }, code: 'INVALID_REQUEST' },
  { name: '553 not printable', overrides: { 553: 'mm1\x7ffix' }, code: 'AUTH_UNKNOWN_KEY' },
  {
    name: 'duplicate SenderCompID claim',
    code: 'INVALID_REQUEST',
    setup: (h) => {
      h.auth.live.add('mm1-fix/MM1-A');
    },
  },
];

for (const failure of LOGON_FAILURES) {
  test(`logon failure: ${failure.name} → Logout 58=${failure.code}, then close`, () => {
    const h = harness();
    failure.setup?.(h);
    h.session.onFrame(logonFrame(failure.overrides));
    assert.equal(h.transport.sent.length, 1);
    assertLogoutCode(h, failure.code);
    const logout = h.transport.last().fields;
    assert.equal(logout.get(49), 'PORTCULLIS');
    assert.equal(logout.get(34), '1');
    assert.equal(h.app.logons, 0);
    assert.equal(h.session.counters.logonFailures, 1);
    assertEndedOnce(h);
    assert.deepEqual(h.auth.released, [], 'nothing was claimed, nothing is released');
    if (failure.name === 'duplicate SenderCompID claim') assert.ok(h.auth.live.has('mm1-fix/MM1-A'));
  });
}

test('logon failure: the Logout goes to the 49 when it is valid, with no 56 otherwise', () => {
  const a = harness();
  a.session.onFrame(logonFrame({ 553: null }));
  assert.equal(a.transport.last().fields.get(56), 'MM1-A');
  const b = harness();
  b.session.onFrame(logonFrame({ 49: 'bad id!' }));
  assert.equal(b.transport.last().fields.has(56), false);
});

test('logon failures the lockout must count are reported to recordFailure', () => {
  const h = harness();
  h.session.onFrame(logonFrame({ 52: formatUtcTimestamp(T0 - 60_000) }));
  assert.deepEqual(h.auth.failures, [{ keyId: 'mm1-fix', verdict: RejectCode.TIMESTAMP_OUT_OF_WINDOW }]);
  assert.equal(h.auth.calls.length, 0, 'a stale Logon is refused before any signature check');
});

test('logon: the first message must be a Logon', () => {
  const h = harness();
  h.session.onFrame(message('D', 1, ORDER_REST));
  assertLogoutCode(h, 'AUTH_MISSING');
  assert.equal(h.app.messages.length, 0);
  assertEndedOnce(h);
});

test('logon: a duplicate tag in the Logon ends the session', () => {
  const h = harness();
  h.session.onFrame(frame(`${bodyOf(logonFields())}108=30|`));
  assertLogoutCode(h, 'INVALID_REQUEST');
  assertEndedOnce(h);
});

test('logon timeout: no Logon within logonTimeoutMs → Logout AUTH_MISSING, close', () => {
  const h = harness();
  h.timers.advance(4999);
  assert.equal(h.session.state, 'awaiting-logon');
  assert.equal(h.transport.sent.length, 0);
  h.timers.advance(1);
  assertLogoutCode(h, 'AUTH_MISSING');
  assert.equal(h.transport.last().fields.has(56), false);
  assert.deepEqual(h.app.ends, ['logon timeout']);
  assertEndedOnce(h);
});

test('logon timeout is cancelled by a successful Logon', () => {
  const h = loggedOn();
  h.timers.advance(6000);
  assert.equal(h.session.state, 'active');
  assert.deepEqual(h.transport.types(), ['A']);
});

test('application messages in sequence reach the app; the app may Reject with requireFields', () => {
  const h = loggedOn();
  h.app.onMessageHook = (session, msg) => {
    if (msg.getChar(35) !== MsgTypeByte.NewOrderSingle) return;
    const missing = requireFields(msg, [11, 55, 54, 38, 40, 59, 60]);
    if (missing !== 0)
      session.sendReject(msg.getInt(34), missing, 1, `INVALID_REQUEST: tag ${missing} is missing`);
  };
  h.session.onFrame(message('D', 2, ORDER_REST));
  h.session.onFrame(message('F', 3, '11=c-1|41=ord-1|55=BTC-PERP|54=1|60=20261122-14:00:00.000|'));
  h.session.onFrame(message('D', 4, '11=ord-2|55=BTC-PERP|'));
  assert.deepEqual(
    h.app.messages.map((m) => [m.type, m.seq, m.clOrdId]),
    [
      [MsgTypeByte.NewOrderSingle, 2, 'ord-1'],
      [MsgTypeByte.OrderCancelRequest, 3, 'c-1'],
      [MsgTypeByte.NewOrderSingle, 4, 'ord-2'],
    ],
  );
  const reject = h.transport.last().fields;
  assert.equal(reject.get(35), '3');
  assert.equal(reject.get(45), '4');
  assert.equal(reject.get(371), '54');
  assert.equal(reject.get(373), '1');
  assert.equal(h.session.state, 'active');
  assert.equal(h.session.counters.applicationMessagesIn, 3);
  assert.equal(h.session.counters.rejects, 1);
});

test('requireFields: 0 when all are there, else the first missing tag', () => {
  const msg = new FixMessage();
  parseNext(message('D', 2, ORDER_REST), 0, msg);
  assert.equal(requireFields(msg, [11, 55, 54]), 0);
  assert.equal(requireFields(msg, [11, 18, 41]), 18);
  assert.equal(requireFields(msg, []), 0);
});

test('sendMessage writes our header, the next sequence number and SendingTime', () => {
  const h = loggedOn();
  h.timers.advance(1234);
  const sent = h.session.sendMessage('8', (enc) => {
    enc.field(37, '42').field(11, 'ord-1').field(150, '0').field(39, '0');
  });
  assert.equal(sent, true);
  const m = h.transport.last().fields;
  assert.deepEqual([...m.keys()], [8, 9, 35, 49, 56, 34, 52, 37, 11, 150, 39, 10]);
  assert.equal(m.get(49), 'PORTCULLIS');
  assert.equal(m.get(56), 'MM1-A');
  assert.equal(m.get(34), '2');
  assert.equal(m.get(52), '20261122-14:00:01.234');
  // The closure-free form.
  const enc = h.session.beginMessage('8');
  assert.ok(enc);
  enc.field(37, '43');
  assert.equal(h.session.endMessage(), true);
  assert.equal(h.transport.last().fields.get(34), '3');
  // A write that throws sends nothing and leaves the encoder usable.
  assert.throws(() => h.session.sendMessage('8', (e) => e.field(58, 'a\x01b')));
  assert.equal(h.session.sendBusinessReject(7, 'D', 0, 'VENUE_TIMEOUT: status unknown'), true);
  const j = h.transport.last().fields;
  assert.equal(j.get(34), '4');
  assert.equal(j.get(45), '7');
  assert.equal(j.get(372), 'D');
  assert.equal(j.get(380), '0');
  assert.equal(j.get(58), 'VENUE_TIMEOUT: status unknown');
  h.session.logout('bye');
  assert.equal(
    h.session.sendMessage('0', () => {}),
    false,
    'nothing is sent once ended',
  );
  assert.equal(h.session.beginMessage('0'), null);
});

test('a report whose building threw part-way does not lock the shared encoder for other sessions', () => {
  const a = loggedOn();
  const b = loggedOn();
  // A closure-free build that throws before endMessage (as a field that cannot be written does).
  const enc = a.session.beginMessage('8');
  assert.ok(enc);
  assert.throws(() => enc.field(58, 'a\x01b'));
  // Another session sends, and so does the first one afterwards; the dropped message is not sent.
  const sentByA = a.transport.sent.length;
  assert.equal(b.session.sendBusinessReject(7, 'D', 0, 'VENUE_TIMEOUT: status unknown'), true);
  assert.equal(b.transport.last().fields.get(35), 'j');
  assert.equal(a.session.sendBusinessReject(8, 'D', 0, 'VENUE_TIMEOUT: status unknown'), true);
  assert.equal(a.transport.sent.length, sentByA + 1);
  assert.equal(a.transport.last().fields.get(45), '8');
  // A nested build is still caught: the outer message cannot be ended.
  const outer = a.session.beginMessage('8');
  assert.ok(outer);
  assert.ok(b.session.beginMessage('8'));
  assert.throws(() => a.session.endMessage(), /without beginMessage/);
  b.session.abortMessage();
});

test('sequence: too low → Logout "MsgSeqNum too low", close', () => {
  const h = loggedOn();
  h.session.onFrame(message('0', 2));
  h.session.onFrame(message('D', 2, ORDER_REST));
  const logout = h.transport.last().fields;
  assert.equal(logout.get(35), '5');
  assert.equal(logout.get(58), 'MsgSeqNum too low, expecting 3 but received 2');
  assert.equal(h.app.messages.length, 0);
  assertEndedOnce(h);
  assert.deepEqual(h.auth.released, ['mm1-fix/MM1-A'], 'the SenderCompID is free again');
});

test('sequence: too high → Logout "MsgSeqNum too high", close', () => {
  const h = loggedOn();
  h.session.onFrame(message('D', 5, ORDER_REST));
  assert.equal(h.transport.last().fields.get(58), 'MsgSeqNum too high, expecting 2 but received 5');
  assert.equal(h.app.messages.length, 0);
  assertEndedOnce(h);
});

test('sequence: a missing 34 ends the session', () => {
  const h = loggedOn();
  h.session.onFrame(frame(`35=0|49=MM1-A|56=PORTCULLIS|52=${formatUtcTimestamp(T0)}|`));
  assert.equal(h.transport.last().fields.get(35), '5');
  assertEndedOnce(h);
});

test('PossDupFlag=Y → Reject 371=43 373=5; the number is consumed and the session goes on', () => {
  const h = loggedOn();
  h.session.onFrame(message('D', 2, `43=Y|${ORDER_REST}`));
  const reject = h.transport.last().fields;
  assert.equal(reject.get(35), '3');
  assert.equal(reject.get(45), '2');
  assert.equal(reject.get(371), '43');
  assert.equal(reject.get(373), '5');
  assert.ok(reject.get(58)?.startsWith('INVALID_REQUEST: '));
  assert.equal(h.app.messages.length, 0);
  h.session.onFrame(message('D', 3, `43=N|${ORDER_REST}`));
  assert.equal(h.app.messages.length, 1);
  assert.equal(h.session.state, 'active');
});

test('52 missing or malformed after the Logon → Reject 371=52, the session goes on', () => {
  const h = loggedOn();
  h.session.onFrame(frame(`35=D|49=MM1-A|56=PORTCULLIS|34=2|${ORDER_REST}`));
  let reject = h.transport.last().fields;
  assert.deepEqual([reject.get(35), reject.get(371), reject.get(373)], ['3', '52', '1']);
  h.session.onFrame(message('D', 3, ORDER_REST, { 52: '20261322-14:00:00' }));
  reject = h.transport.last().fields;
  assert.deepEqual([reject.get(35), reject.get(45), reject.get(371), reject.get(373)], ['3', '3', '52', '6']);
  assert.equal(h.app.messages.length, 0);
  h.session.onFrame(message('D', 4, ORDER_REST));
  assert.equal(h.app.messages.length, 1);
});

test('CompID problem after the Logon ends the session', () => {
  for (const header of [{ 49: 'MM1-B' }, { 56: 'OTHER' }] as Record<number, string>[]) {
    const h = loggedOn();
    h.session.onFrame(message('D', 2, ORDER_REST, header));
    assert.equal(h.transport.last().fields.get(35), '5');
    assert.ok(h.transport.last().fields.get(58)?.startsWith('CompID problem'));
    assert.equal(h.app.messages.length, 0);
    assertEndedOnce(h);
  }
});

const GARBLED: { name: string; bytes: () => Buffer }[] = [
  {
    name: 'bad checksum',
    bytes: () => frame(`35=0|49=MM1-A|56=PORTCULLIS|34=2|52=${formatUtcTimestamp(T0)}|`, { checksum: '000' }),
  },
  {
    name: 'bad body length',
    bytes: () =>
      frame(`35=0|49=MM1-A|56=PORTCULLIS|34=2|52=${formatUtcTimestamp(T0)}|`, { bodyLength: '10' }),
  },
  {
    name: 'not tag=value',
    bytes: () => frame(`35=0|49=MM1-A|56=PORTCULLIS|34=2|hello|52=${formatUtcTimestamp(T0)}|`),
  },
  { name: 'not FIX at all', bytes: () => ascii('GET / HTTP/1.1\r\n\r\n') },
  {
    name: 'wrong BeginString',
    bytes: () => frame('35=0|49=MM1-A|56=PORTCULLIS|34=2|', { beginString: 'FIX.4.2' }),
  },
  { name: 'trailing bytes after a good message', bytes: () => Buffer.concat([message('0', 2), ascii('\n')]) },
];

for (const g of GARBLED) {
  test(`garbled (${g.name}) → Logout with the reason, then close`, () => {
    const h = loggedOn();
    h.session.onFrame(g.bytes());
    const logout = h.transport.last().fields;
    assert.equal(logout.get(35), '5');
    assert.ok(logout.get(58)?.startsWith('Garbled message: '), logout.get(58));
    assert.equal(h.session.counters.garbled, 1);
    assertEndedOnce(h);
    assert.deepEqual(h.auth.released, ['mm1-fix/MM1-A']);
  });
}

test('garbled before the Logon → Logout (no 56), close', () => {
  const h = harness();
  h.session.onFrame(ascii('8=FIX.4.4\x019=5\x0135=A\x0110=000\x01'));
  assert.equal(h.transport.last().fields.get(35), '5');
  assert.equal(h.transport.last().fields.has(56), false);
  assertEndedOnce(h);
});

test('duplicate tag → Reject 373=13 371=tag, and the session continues', () => {
  const h = loggedOn();
  h.session.onFrame(message('D', 2, `${ORDER_REST}55=ETH-PERP|`));
  const reject = h.transport.last().fields;
  assert.equal(reject.get(35), '3');
  assert.equal(reject.get(45), '2');
  assert.equal(reject.get(371), '55');
  assert.equal(reject.get(373), '13');
  assert.ok(reject.get(58)?.startsWith('INVALID_REQUEST: Tag appears more than once'));
  assert.equal(h.app.messages.length, 0);
  assert.equal(h.session.state, 'active');
  h.session.onFrame(message('D', 3, ORDER_REST));
  assert.equal(h.app.messages.length, 1);
});

test('too many fields → Reject 373=99, and the session continues', () => {
  const h = loggedOn({ maxMessageBytes: 1024 });
  const extra = Array.from({ length: 70 }, (_, i) => `${5000 + i}=x|`).join('');
  h.session.onFrame(message('D', 2, extra));
  const reject = h.transport.last().fields;
  assert.deepEqual([reject.get(35), reject.get(45), reject.get(373)], ['3', '2', '99']);
  assert.equal(h.session.state, 'active');
  h.session.onFrame(message('0', 3));
  assert.equal(h.session.state, 'active');
});

test('a malformed message out of sequence still ends the session', () => {
  const h = loggedOn();
  h.session.onFrame(message('D', 9, `${ORDER_REST}55=X|`));
  assert.equal(h.transport.last().fields.get(58), 'MsgSeqNum too high, expecting 2 but received 9');
  assertEndedOnce(h);
});

test('TestRequest is answered with a Heartbeat carrying its 112', () => {
  const h = loggedOn();
  h.session.onFrame(message('1', 2, '112=ping-17|'));
  const hb = h.transport.last().fields;
  assert.equal(hb.get(35), '0');
  assert.equal(hb.get(112), 'ping-17');
  assert.equal(hb.get(34), '2');
  h.session.onFrame(message('1', 3));
  const reject = h.transport.last().fields;
  assert.deepEqual([reject.get(35), reject.get(371), reject.get(373)], ['3', '112', '1']);
  assert.equal(h.session.state, 'active');
});

test('heartbeat: sent after HeartBtInt of outbound silence', () => {
  const h = loggedOn();
  h.timers.advance(20_000);
  h.session.onFrame(message('0', 2)); // inbound keeps the line alive; outbound is still silent
  h.timers.advance(9_999);
  assert.deepEqual(h.transport.types(), ['A']);
  h.timers.advance(1);
  assert.deepEqual(h.transport.types(), ['A', '0']);
  assert.equal(h.transport.last().fields.has(112), false);
  // Our own messages push the next heartbeat back.
  h.timers.advance(20_000);
  h.session.onFrame(message('0', 3));
  h.timers.advance(5_000);
  h.session.sendMessage('8', (enc) => enc.field(37, '1'));
  h.timers.advance(29_999);
  assert.deepEqual(h.transport.types(), ['A', '0', '8']);
  h.timers.advance(1);
  assert.deepEqual(h.transport.types(), ['A', '0', '8', '0']);
  assert.equal(h.session.counters.heartbeatsOut, 2);
});

test('heartbeat: TestRequest after 1.2 × HeartBtInt of inbound silence, Logout when unanswered', () => {
  const h = loggedOn();
  h.timers.advance(30_000);
  assert.deepEqual(h.transport.types(), ['A', '0']);
  h.timers.advance(5_999);
  assert.deepEqual(h.transport.types(), ['A', '0']);
  h.timers.advance(1); // 36 s = 1.2 × 30 s
  assert.deepEqual(h.transport.types(), ['A', '0', '1']);
  const testRequest = h.transport.last().fields;
  assert.ok(testRequest.get(112));
  h.timers.advance(29_999);
  assert.equal(h.session.state, 'active');
  h.timers.advance(1);
  const logout = h.transport.last().fields;
  assert.equal(logout.get(35), '5');
  assert.ok(logout.get(58)?.startsWith('Heartbeat timeout'));
  assert.deepEqual(h.app.ends, ['heartbeat timeout']);
  assertEndedOnce(h);
});

test('heartbeat: an answer to the TestRequest keeps the session', () => {
  const h = loggedOn();
  h.timers.advance(36_000);
  const id = h.transport.last().fields.get(112)!;
  h.timers.advance(10_000);
  h.session.onFrame(message('0', 2, `112=${id}|`));
  h.timers.advance(25_000);
  assert.equal(h.session.state, 'active');
  // Silent again: a new TestRequest 36 s after the answer, then the Logout 30 s later.
  h.timers.advance(11_000);
  assert.equal(h.transport.types().filter((t) => t === '1').length, 2);
  h.timers.advance(30_000);
  assert.equal(h.session.state, 'ended');
});

test('several messages in one frame are handled in order', () => {
  const h = harness();
  h.session.onFrame(
    Buffer.concat([
      logonFrame(),
      message('D', 2, ORDER_REST),
      message('1', 3, '112=t|'),
      message('F', 4, '11=c-1|41=ord-1|55=BTC-PERP|54=1|60=20261122-14:00:00.000|'),
    ]),
  );
  assert.equal(h.session.state, 'active');
  assert.deepEqual(
    h.app.messages.map((m) => m.seq),
    [2, 4],
  );
  assert.deepEqual(h.transport.types(), ['A', '0']);
  assert.equal(h.session.nextInboundSeqNum, 5);
});

test('messages after a fatal one in the same frame are not handled', () => {
  const h = loggedOn();
  h.session.onFrame(
    Buffer.concat([message('D', 2, ORDER_REST), message('D', 4, ORDER_REST), message('D', 3, ORDER_REST)]),
  );
  assert.equal(h.app.messages.length, 1);
  assertEndedOnce(h);
});

test('a frame over maxMessageBytes × 8 → close 1009, nothing parsed', () => {
  const h = loggedOn();
  assert.equal(maxFrameBytes(512), 512 * FRAME_MESSAGE_FACTOR);
  h.session.onFrame(Buffer.alloc(512 * 8 + 1, 0x41));
  assert.equal(h.transport.closes[0]?.code, CloseCode.MESSAGE_TOO_BIG);
  assert.ok(h.transport.closes[0]?.reason.startsWith('PAYLOAD_TOO_LARGE'));
  assert.deepEqual(h.transport.types(), ['A'], 'no Logout');
  assert.equal(h.session.counters.tooLarge, 1);
  assertEndedOnce(h, 1009);
});

test('a frame of exactly maxMessageBytes × 8 is accepted', () => {
  const h = loggedOn();
  const parts: Buffer[] = [];
  for (let seq = 2; seq < 10; seq++) {
    // Pad each Heartbeat to exactly maxMessageBytes with an unknown tag.
    const base = message('0', seq, `9999=${'x'.repeat(100)}|`).length - 100;
    parts.push(message('0', seq, `9999=${'x'.repeat(512 - base)}|`));
  }
  const bytes = Buffer.concat(parts);
  assert.equal(bytes.length, 512 * 8);
  h.session.onFrame(bytes);
  assert.equal(h.session.state, 'active');
  assert.equal(h.session.nextInboundSeqNum, 10);
});

test('a TestReqID as long as a message allows is echoed (the encoder grows to fit)', () => {
  const h = loggedOn({ maxMessageBytes: 40_000 });
  const id = 'i'.repeat(39_000);
  h.session.onFrame(message('1', 2, `112=${id}|`));
  assert.equal(h.transport.last().fields.get(112), id);
  assert.equal(h.session.state, 'active');
});

test('a message over maxMessageBytes → close 1009', () => {
  const h = loggedOn();
  h.session.onFrame(message('D', 2, `${ORDER_REST}58=${'x'.repeat(600)}|`));
  assertEndedOnce(h, 1009);
  assert.equal(h.app.messages.length, 0);
});

test('unsupported MsgType → BusinessMessageReject 380=3 with 372, the session goes on', () => {
  const h = loggedOn();
  h.session.onFrame(message('2', 2, '7=1|16=0|'));
  h.session.onFrame(message('4', 3, '36=10|'));
  h.session.onFrame(message('XY', 4));
  h.session.onFrame(message('8', 5));
  const rejects = h.transport.sent.slice(1).map((m) => m.fields);
  assert.deepEqual(
    rejects.map((f) => [f.get(35), f.get(45), f.get(372), f.get(380)]),
    [
      ['j', '2', '2', '3'],
      ['j', '3', '4', '3'],
      ['j', '4', 'XY', '3'],
      ['j', '5', '8', '3'],
    ],
  );
  assert.ok(rejects[0]!.get(58)?.includes('ResendRequest'));
  assert.equal(h.session.state, 'active');
  assert.equal(h.session.nextInboundSeqNum, 6);
});

test('a second Logon on an active session → Reject 371=35, the session goes on', () => {
  const h = loggedOn();
  h.session.onFrame(frame(bodyOf(logonFields({ 34: '2' }))));
  const reject = h.transport.last().fields;
  assert.deepEqual([reject.get(35), reject.get(45), reject.get(371), reject.get(373)], ['3', '2', '35', '5']);
  assert.equal(h.session.state, 'active');
  assert.equal(h.app.logons, 1);
});

test('client Reject and BusinessMessageReject are counted and ignored', () => {
  const h = loggedOn();
  h.session.onFrame(message('3', 2, '45=1|'));
  h.session.onFrame(message('j', 3, '45=1|380=0|'));
  assert.equal(h.session.counters.rejectsIn, 2);
  assert.deepEqual(h.transport.types(), ['A']);
});

test('client Logout → Logout answered, close 1000, onEnd("client logout")', () => {
  const h = loggedOn();
  h.session.onFrame(message('5', 2, '58=bye|'));
  const logout = h.transport.last().fields;
  assert.equal(logout.get(35), '5');
  assert.equal(logout.get(34), '2');
  assert.deepEqual(h.app.ends, ['client logout']);
  assertEndedOnce(h);
});

test('server logout(text) sends 58 and closes; the transport closing re-entrantly ends once', () => {
  const h = loggedOn();
  h.transport.onClose = () => h.session.onTransportClosed();
  h.session.logout('KILL_SWITCH: trading is stopped');
  assert.equal(h.transport.last().fields.get(58), 'KILL_SWITCH: trading is stopped');
  assert.equal(h.session.endReason, 'KILL_SWITCH: trading is stopped');
  assertEndedOnce(h);
});

test('transport closed → onEnd once, no close, the SenderCompID released', () => {
  const h = loggedOn();
  h.session.onTransportClosed();
  assert.equal(h.session.state, 'ended');
  assert.deepEqual(h.app.ends, ['transport closed']);
  assert.equal(h.transport.closes.length, 0);
  assert.equal(h.timers.pending, 0);
  assert.deepEqual(h.auth.released, ['mm1-fix/MM1-A']);
  h.session.onTransportClosed();
  h.session.logout('late');
  assert.equal(h.app.ends.length, 1);
  assert.deepEqual(h.transport.types(), ['A']);
});

test('transport closed before the Logon → onEnd once, the logon timer cleared', () => {
  const h = harness();
  h.session.onTransportClosed();
  assert.deepEqual(h.app.ends, ['transport closed']);
  assert.equal(h.timers.pending, 0);
  h.timers.advance(10_000);
  assert.equal(h.transport.sent.length, 0);
});

test('the app logging out from onMessage stops the frame', () => {
  const h = loggedOn();
  h.app.onMessageHook = (session) => session.logout('RATE_LIMITED: repeated abuse');
  h.session.onFrame(Buffer.concat([message('D', 2, ORDER_REST), message('D', 3, ORDER_REST)]));
  assert.equal(h.app.messages.length, 1);
  assertEndedOnce(h);
});

test('an exception in the app → Logout INTERNAL, close 1011, onEnd once with the cause', () => {
  const h = loggedOn();
  h.app.onMessageHook = () => {
    throw new Error('boom');
  };
  assert.doesNotThrow(() => h.session.onFrame(message('D', 2, ORDER_REST)));
  assert.equal(h.transport.last().fields.get(58), 'INTERNAL: internal error');
  assert.deepEqual(h.app.ends, ['internal error: boom']);
  assert.equal(h.session.counters.internalErrors, 1);
  assertEndedOnce(h, 1011);
});

test('an app that leaves a message half-built does not wedge other sessions', () => {
  const a = loggedOn();
  a.app.onMessageHook = (session) => {
    session.beginMessage('8');
    throw new Error('forgot endMessage');
  };
  a.session.onFrame(message('D', 2, ORDER_REST));
  assert.equal(a.session.state, 'ended');
  const b = loggedOn();
  assert.equal(
    b.session.sendMessage('8', (enc) => enc.field(37, '1')),
    true,
  );
});

test('options are validated', () => {
  assert.throws(() => harness({ targetCompId: 'bad id' }), RangeError);
  assert.throws(() => harness({ maxHeartBtInt: 0 }), RangeError);
  assert.throws(() => harness({ maxMessageBytes: 1.5 }), RangeError);
  const resolved = resolveSessionOptions(OPTIONS);
  assert.equal(resolved.maxFrameBytes, 4096);
  const h = new FixSession(
    resolved,
    new FakeTransport(),
    new FakeAuthenticator(),
    new FakeApp(),
    new FakeTimers(),
  );
  assert.equal(h.options, resolved);
});

test('strict base64: what Buffer would silently accept is refused', () => {
  const b = (s: string) => decodeBase64Strict(ascii(s), 0, s.length);
  assert.deepEqual(b(SIGNATURE_B64), SIGNATURE);
  assert.equal(b('AAA'), null);
  assert.equal(b('AA=A'), null);
  assert.equal(b('AB=='), null, 'non-canonical trailing bits');
  assert.equal(b('A-_A'), null, 'base64url is not base64');
  assert.deepEqual(b('AA=='), Buffer.from([0]));
});

// ---------------------------------------------------------------- property

/** Valid-looking messages, their mutations, and raw bytes, for a logged-on session. */
const frameArb = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 600 }),
  fc
    .record({
      type: fc.constantFrom('0', '1', '2', '3', '4', '5', 'A', 'D', 'F', 'G', 'q', 'j', 'Z'),
      seq: fc.integer({ min: 0, max: 6 }),
      rest: fc.constantFrom('', ORDER_REST, '43=Y|', '112=x|', `${ORDER_REST}55=A|`, '58=é|'),
    })
    .map(({ type, seq, rest }) => message(type, seq, rest)),
  fc
    .tuple(
      fc.constantFrom(message('D', 2, ORDER_REST), message('1', 2, '112=a|'), message('0', 3)),
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
    )
    .map(([bytes, at, byte]) => {
      const copy = Buffer.from(bytes);
      copy[at % copy.length] = byte;
      return copy;
    }),
);

test('property: random frames never throw; the session goes on or ends cleanly', () => {
  fc.assert(
    fc.property(fc.array(frameArb, { minLength: 1, maxLength: 8 }), fc.boolean(), (frames, oneFrame) => {
      const h = loggedOn();
      const inputs = oneFrame ? [Buffer.concat(frames)] : frames;
      for (const bytes of inputs) {
        h.session.onFrame(bytes);
        h.timers.advance(7_000);
      }
      assert.equal(h.session.counters.internalErrors, 0);
      const state = h.session.state;
      assert.ok(state === 'active' || state === 'ended', state);
      if (state === 'ended') {
        assert.equal(h.app.ends.length, 1);
        assert.ok(h.transport.closes.length === 1);
        assert.equal(h.timers.pending, 0);
        assert.deepEqual(h.auth.released, ['mm1-fix/MM1-A']);
      } else {
        assert.equal(h.app.ends.length, 0);
        assert.equal(h.transport.closes.length, 0);
      }
      // Whatever was sent is valid FIX with consecutive sequence numbers from 1.
      for (const [i, m] of h.transport.sent.entries()) assert.equal(m.fields.get(34), String(i + 1));
    }),
    { numRuns: 400 },
  );
});

test('property: random bytes before the Logon never throw and never log on', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (bytes) => {
      const h = harness();
      h.session.onFrame(bytes);
      assert.equal(h.session.counters.internalErrors, 0);
      assert.notEqual(h.session.state, 'active');
      assert.equal(h.app.logons, 0);
    }),
  );
});
