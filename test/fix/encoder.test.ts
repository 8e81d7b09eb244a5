import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FixEncoder } from '../../src/fix/encoder.ts';
import { FixMessage } from '../../src/fix/message.ts';
import { parseNext } from '../../src/fix/parser.ts';
import { MsgType, Tag } from '../../src/fix/tags.ts';
import { formatUtcTimestamp, parseUtcTimestamp, writeUtcTimestamp } from '../../src/fix/utc-timestamp.ts';
import { formatUnits } from '../../src/state/decimal.ts';
import { frame, soh } from './fix-text.ts';

const MS = Date.UTC(2026, 10, 22, 14, 0, 0, 7);

test('a Heartbeat encodes byte for byte (BodyLength and CheckSum computed independently)', () => {
  const encoder = new FixEncoder();
  const out = encoder
    .begin(MsgType.Heartbeat)
    .field(Tag.SenderCompID, 'PORTCULLIS')
    .field(Tag.TargetCompID, 'MM1-A')
    .field(Tag.MsgSeqNum, 12)
    .fieldUtcTimestamp(Tag.SendingTime, MS)
    .end();
  const expected = frame('35=0|49=PORTCULLIS|56=MM1-A|34=12|52=20261122-14:00:00.007|');
  assert.equal(out.toString('latin1'), expected.toString('latin1'));
  // And by hand: the body is 5 + 14 + 9 + 6 + 25 = 59 bytes.
  assert.ok(out.toString('latin1').startsWith('8=FIX.4.4\x019=59\x0135=0\x01'));
});

test('every kind of value: negative ints, bytes echoed from a frame, the longest ints', () => {
  const encoder = new FixEncoder();
  const inbound = soh('11=ord-0001|');
  const out = encoder
    .begin(MsgType.ExecutionReport)
    .field(Tag.MsgSeqNum, 0)
    .field(Tag.RefSeqNum, -42)
    .field(Tag.CumQty, Number.MAX_SAFE_INTEGER)
    .fieldBytes(Tag.ClOrdID, inbound, 3, inbound.length - 1)
    .field(Tag.Text, 'RATE_LIMITED: too many orders = slow down')
    .end();
  const msg = new FixMessage();
  assert.equal(parseNext(out, 0, msg), out.length);
  assert.equal(msg.getInt(Tag.MsgSeqNum), 0);
  assert.equal(msg.getInt(Tag.RefSeqNum), -42);
  assert.equal(msg.getInt(Tag.CumQty), Number.MAX_SAFE_INTEGER);
  assert.equal(msg.getString(Tag.ClOrdID), 'ord-0001');
  assert.equal(msg.getString(Tag.Text), 'RATE_LIMITED: too many orders = slow down');
});

test('the encoder is reused: each begin() starts afresh, and the returned view is overwritten', () => {
  const encoder = new FixEncoder();
  const first = encoder.begin(MsgType.Heartbeat).field(Tag.MsgSeqNum, 1).end();
  const firstText = first.toString('latin1');
  const second = encoder.begin(MsgType.TestRequest).field(Tag.TestReqID, 'T').end();
  const msg = new FixMessage();
  assert.equal(parseNext(second, 0, msg), second.length);
  assert.equal(msg.has(Tag.MsgSeqNum), false);
  assert.notEqual(first.toString('latin1'), firstText, 'the old view now shows other bytes (documented)');
});

test('programming errors throw instead of sending a broken message', () => {
  const encoder = new FixEncoder(80);
  assert.throws(() => encoder.field(Tag.Text, 'x'), /before begin/);
  assert.throws(() => encoder.end(), /without begin/);
  encoder.begin(MsgType.Heartbeat);
  assert.throws(() => encoder.field(Tag.Text, 'a\x01b'), TypeError);
  assert.throws(() => encoder.field(Tag.Text, ''), TypeError);
  assert.throws(() => encoder.field(Tag.Text, '\u20ac'), TypeError);
  assert.throws(() => encoder.field(Tag.Price, 1.5), TypeError);
  assert.throws(() => encoder.field(Tag.Price, Number.NaN), TypeError);
  assert.throws(() => encoder.field(0, 'x'), TypeError);
  assert.throws(() => encoder.fieldBytes(Tag.Text, soh('a|b')), TypeError);
  assert.throws(() => encoder.fieldBytes(Tag.Text, new Uint8Array(0)), TypeError);
  assert.throws(() => encoder.field(Tag.Text, 'x'.repeat(80)), RangeError);
  assert.throws(() => encoder.fieldUtcTimestamp(Tag.SendingTime, -1), RangeError);
  // The failed calls left nothing behind.
  const out = encoder.field(Tag.MsgSeqNum, 3).end();
  const msg = new FixMessage();
  assert.equal(parseNext(out, 0, msg), out.length);
  assert.equal(msg.fieldCount, 5);
});

test('BodyLength is right across digit-count boundaries', () => {
  const encoder = new FixEncoder();
  const msg = new FixMessage();
  for (let size = 1; size < 1100; size++) {
    const out = encoder.begin(MsgType.Heartbeat).field(Tag.Text, 'x'.repeat(size)).end();
    assert.equal(parseNext(out, 0, msg), out.length, `size ${size}`);
    assert.equal(msg.getInt(Tag.BodyLength), size + 9);
  }
});

test('formatUtcTimestamp: millisecond precision, per-second cache, calendar edges', () => {
  const iso = (ms: number) =>
    new Date(ms).toISOString().replace(/[-]/g, '').replace('T', '-').replace('Z', '');
  // toISOString gives "YYYYMMDD-HH:MM:SS.sss" once the date's dashes are removed.
  for (const ms of [
    0,
    MS,
    MS + 1,
    MS + 999,
    MS + 1000,
    Date.UTC(2024, 1, 29, 23, 59, 59, 999),
    253_402_300_799_999,
  ]) {
    assert.equal(formatUtcTimestamp(ms), iso(ms));
  }
  assert.throws(() => formatUtcTimestamp(253_402_300_800_000), RangeError);
  assert.throws(() => formatUtcTimestamp(1.5), RangeError);
  const buf = Buffer.alloc(25, 0x7a);
  assert.equal(writeUtcTimestamp(buf, 2, MS), 23);
  assert.equal(buf.toString('latin1'), 'zz20261122-14:00:00.007zz');
});

test('property: UTCTimestamp writes and reads back every millisecond from 1970 to 9999', () => {
  const buf = Buffer.alloc(21);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
      writeUtcTimestamp(buf, 0, ms);
      assert.equal(parseUtcTimestamp(buf, 0, 21), ms);
      assert.equal(
        formatUtcTimestamp(ms),
        new Date(ms).toISOString().replace(/-/g, '').replace('T', '-').slice(0, 21),
      );
    }),
    { numRuns: 5000 },
  );
});

const HEADER_TAGS = new Set<number>([Tag.BeginString, Tag.BodyLength, Tag.CheckSum, Tag.MsgType]);
const fieldsArb = fc.uniqueArray(
  fc.record({
    tag: fc.oneof(fc.integer({ min: 1, max: 1200 }), fc.integer({ min: 1, max: 99_999_999 })),
    value: fc.oneof(
      fc.string({
        unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
        minLength: 1,
      }),
      fc.integer({ min: -1e12, max: 1e12 }),
    ),
  }),
  { selector: (f) => f.tag, maxLength: 60 },
);

test('property: parse(encode(fields)) gives back the same fields, in order', () => {
  const encoder = new FixEncoder(8192);
  const msg = new FixMessage(64);
  fc.assert(
    fc.property(fc.constantFrom(...Object.values(MsgType)), fieldsArb, (msgType, all) => {
      const fields = all.filter((f) => !HEADER_TAGS.has(f.tag));
      encoder.begin(msgType);
      for (const { tag, value } of fields) encoder.field(tag, value);
      const out = encoder.end();
      assert.equal(parseNext(out, 0, msg), out.length);
      assert.equal(msg.getString(Tag.MsgType), msgType);
      // 8, 9, 35 first and 10 last; ours in between.
      assert.equal(msg.fieldCount, fields.length + 4);
      fields.forEach(({ tag, value }, i) => {
        assert.equal(msg.tagAt(i + 3), tag);
        const text = out.toString('latin1', msg.valueStartAt(i + 3), msg.valueEndAt(i + 3));
        assert.equal(text, String(value));
        if (typeof value === 'number') assert.equal(msg.getInt(tag), value);
      });
    }),
    { numRuns: 2000 },
  );
});

test('fieldDecimal writes an exact decimal without a string, agreeing with formatUnits', () => {
  const enc = new FixEncoder();
  fc.assert(
    fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 8 }), (units, decimals) => {
      const text = enc.begin('8').fieldDecimal(44, units, decimals).end().toString('latin1');
      return text.includes(`\x0144=${formatUnits(units, decimals)}\x01`);
    }),
    { numRuns: 3000 },
  );
});
