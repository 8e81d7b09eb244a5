import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FixMessage } from '../../src/fix/message.ts';
import { isGarbled, ParseError, type ParseErrorValue, parseErrorText } from '../../src/fix/parse-error.ts';
import { parseNext } from '../../src/fix/parser.ts';
import { MsgTypeByte, Tag } from '../../src/fix/tags.ts';
import { frame, LOGON_BODY, NEW_ORDER_BODY, soh } from './fix-text.ts';

const ascii = (text: string) => Buffer.from(text, 'latin1');

function parseOne(bytes: Uint8Array, msg = new FixMessage()): number {
  return parseNext(bytes, 0, msg);
}

test('a NewOrderSingle parses, and every field a session needs reads without a string', () => {
  const bytes = frame(NEW_ORDER_BODY);
  const msg = new FixMessage();
  assert.equal(parseNext(bytes, 0, msg), bytes.length);
  assert.equal(msg.error, 0);
  assert.equal(msg.frameEnd, bytes.length);
  assert.equal(msg.getChar(Tag.MsgType), MsgTypeByte.NewOrderSingle);
  assert.ok(msg.equals(Tag.SenderCompID, ascii('MM1-A')));
  assert.ok(!msg.equals(Tag.SenderCompID, ascii('MM1-')));
  assert.ok(msg.equals(Tag.TargetCompID, ascii('PORTCULLIS')));
  assert.equal(msg.getInt(Tag.MsgSeqNum), 2);
  assert.equal(msg.getUtcTimestampMs(Tag.SendingTime), Date.UTC(2026, 10, 22, 14, 0, 0, 123));
  assert.equal(msg.getString(Tag.ClOrdID), 'ord-0001');
  assert.equal(msg.getAscii(Tag.Symbol), 'BTC-PERP');
  assert.equal(msg.getChar(Tag.Side), 0x31);
  assert.equal(bytes.toString('latin1', msg.valueStart(Tag.OrderQty), msg.valueEnd(Tag.OrderQty)), '1.5');
  assert.equal(msg.getChar(Tag.OrdType), 0x32);
  assert.equal(bytes.toString('latin1', msg.valueStart(Tag.Price), msg.valueEnd(Tag.Price)), '65000.5');
  assert.equal(msg.getChar(Tag.TimeInForce), 0x31);
  assert.equal(msg.getUtcTimestampMs(Tag.TransactTime), Date.UTC(2026, 10, 22, 14, 0, 0, 120));
  // Header and trailer are fields too, in message order.
  assert.deepEqual(
    Array.from({ length: msg.fieldCount }, (_, i) => msg.tagAt(i)),
    [8, 9, 35, 49, 56, 34, 52, 11, 55, 54, 38, 40, 44, 59, 60, 10],
  );
  assert.equal(msg.getAscii(Tag.BeginString), 'FIX.4.4');
  // Absent fields.
  assert.equal(msg.has(Tag.ExecInst), false);
  assert.equal(msg.valueStart(Tag.ExecInst), -1);
  assert.ok(Number.isNaN(msg.getInt(Tag.ExecInst)));
  assert.equal(msg.getChar(Tag.ExecInst), -1);
  assert.equal(msg.getString(Tag.ExecInst), undefined);
  assert.ok(Number.isNaN(msg.getUtcTimestampMs(Tag.ExecInst)));
});

test('a Logon parses, including a tag above the direct-index table (8013)', () => {
  const msg = new FixMessage();
  const bytes = frame(LOGON_BODY);
  assert.equal(parseOne(bytes, msg), bytes.length);
  assert.equal(msg.getChar(Tag.MsgType), MsgTypeByte.Logon);
  assert.equal(msg.getInt(Tag.MsgSeqNum), 1);
  assert.equal(msg.getInt(Tag.EncryptMethod), 0);
  assert.equal(msg.getInt(Tag.HeartBtInt), 30);
  assert.equal(msg.getChar(Tag.ResetSeqNumFlag), 0x59);
  assert.equal(msg.getString(Tag.Username), 'mm1-fix');
  assert.ok(msg.getString(Tag.RawData)?.endsWith('=='), 'base64 padding is part of the value');
  assert.equal(msg.getChar(Tag.CancelOnDisconnect), 0x59);
  assert.equal(msg.has(99_999), false);
});

test('several messages in one frame parse one after the other, then the frame ends', () => {
  const bytes = Buffer.concat([frame(LOGON_BODY), frame(NEW_ORDER_BODY), frame('35=0|49=A|56=B|34=3|52=x|')]);
  const msg = new FixMessage();
  const types: number[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const end = parseNext(bytes, offset, msg);
    assert.ok(end > offset, `parse error ${end}`);
    types.push(msg.getChar(Tag.MsgType));
    offset = end;
  }
  assert.deepEqual(types, [MsgTypeByte.Logon, MsgTypeByte.NewOrderSingle, MsgTypeByte.Heartbeat]);
  // The last message has no 11: the previous message's fields do not leak into it.
  assert.equal(msg.has(Tag.ClOrdID), false);
  assert.equal(msg.has(Tag.HeartBtInt), false);
  assert.equal(parseNext(bytes, bytes.length, msg), ParseError.TRUNCATED);
});

test('a frame that is a view into a larger buffer reads correctly (byteOffset honoured)', () => {
  const inner = frame(NEW_ORDER_BODY);
  const outer = Buffer.concat([Buffer.from('junk-before'), inner, Buffer.from('junk-after')]);
  const view = new Uint8Array(outer.buffer, outer.byteOffset + 11, inner.length);
  const msg = new FixMessage();
  assert.equal(parseOne(view, msg), inner.length);
  assert.equal(msg.getString(Tag.ClOrdID), 'ord-0001');
});

const garbled: Array<[name: string, bytes: Buffer, error: ParseErrorValue, tag: number]> = [
  ['BeginString not first', soh('9=5|8=FIX.4.4|35=0|10=000|'), ParseError.BEGIN_STRING_NOT_FIRST, 8],
  ['not FIX.4.4', frame('35=0|', { beginString: 'FIX.4.2' }), ParseError.BAD_BEGIN_STRING, 8],
  ['FIX.4.44', frame('35=0|', { beginString: 'FIX.4.44' }), ParseError.BAD_BEGIN_STRING, 8],
  ['BeginString with no SOH', soh('8=FIX.4.4'), ParseError.TRUNCATED, 8],
  ['BodyLength not second', soh('8=FIX.4.4|35=0|9=5|10=000|'), ParseError.BODY_LENGTH_NOT_SECOND, 9],
  ['BodyLength not an int', frame('35=0|', { bodyLength: '5a' }), ParseError.BAD_BODY_LENGTH, 9],
  ['BodyLength negative', frame('35=0|', { bodyLength: '-5' }), ParseError.BAD_BODY_LENGTH, 9],
  ['BodyLength empty', frame('35=0|', { bodyLength: '' }), ParseError.BAD_BODY_LENGTH, 9],
  ['BodyLength absurd', frame('35=0|', { bodyLength: '123456789012' }), ParseError.BAD_BODY_LENGTH, 9],
  ['BodyLength too short', frame('35=0|49=A|', { bodyLength: '5' }), ParseError.BODY_LENGTH_MISMATCH, 10],
  ['BodyLength too long', frame('35=0|49=A|', { bodyLength: '11' }), ParseError.BODY_LENGTH_MISMATCH, 10],
  [
    'BodyLength far too long',
    frame('35=0|49=A|', { bodyLength: '900' }),
    ParseError.BODY_LENGTH_MISMATCH,
    10,
  ],
  ['MsgType not third', frame('49=A|35=0|'), ParseError.MSG_TYPE_NOT_THIRD, 35],
  ['MsgType missing (empty body)', frame(''), ParseError.MSG_TYPE_NOT_THIRD, 35],
  ['CheckSum missing', frame('35=0|49=A|', { checksum: null }), ParseError.CHECKSUM_MISSING, 10],
  ['CheckSum two digits', frame('35=0|49=A|', { checksum: '12' }), ParseError.BAD_CHECKSUM_FORMAT, 10],
  ['CheckSum four digits', frame('35=0|49=A|', { checksum: '0123' }), ParseError.BAD_CHECKSUM_FORMAT, 10],
  ['CheckSum not digits', frame('35=0|49=A|', { checksum: '1x3' }), ParseError.BAD_CHECKSUM_FORMAT, 10],
  ['CheckSum over 255', frame('35=0|49=A|', { checksum: '300' }), ParseError.BAD_CHECKSUM_FORMAT, 10],
  ['CheckSum wrong', frame('35=0|49=A|', { checksum: '000' }), ParseError.CHECKSUM_MISMATCH, 10],
  ['field without =', frame('35=0|49A|'), ParseError.MISSING_EQUALS, 0],
  ['empty field', frame('35=0||49=A|'), ParseError.MISSING_EQUALS, 0],
  ['non-digit tag', frame('35=0|4x=A|'), ParseError.BAD_TAG, 0],
  ['value where a field should be', frame('35=0|hello|'), ParseError.MISSING_EQUALS, 0],
  ['tag with a space', frame('35=0|49 =A|'), ParseError.BAD_TAG, 0],
  ['tag with leading zero', frame('35=0|049=A|'), ParseError.BAD_TAG, 0],
  ['empty tag', frame('35=0|=A|'), ParseError.BAD_TAG, 0],
  ['huge tag', frame('35=0|1234567890=A|'), ParseError.BAD_TAG, 0],
  ['empty value', frame('35=0|49=|'), ParseError.EMPTY_VALUE, 49],
  ['CheckSum inside the body', frame('35=0|10=123|49=A|'), ParseError.BODY_LENGTH_MISMATCH, 9],
  ['duplicate tag', frame('35=D|49=A|56=B|34=7|11=x|11=y|'), ParseError.DUPLICATE_TAG, 11],
  ['duplicate high tag', frame('35=A|8013=Y|8013=N|'), ParseError.DUPLICATE_TAG, 8013],
  ['BeginString repeated', frame('35=0|8=FIX.4.4|'), ParseError.DUPLICATE_TAG, 8],
];

for (const [name, bytes, error, tag] of garbled) {
  test(`garbled: ${name} → ${parseErrorText(error)}`, () => {
    const msg = new FixMessage();
    assert.equal(parseOne(bytes, msg), error);
    assert.equal(msg.error, error);
    assert.equal(msg.errorTag, tag);
  });
}

test('a field error with a wrong checksum is reported as the checksum, since the bytes are corrupt', () => {
  const good = frame('35=0|49A|');
  good[good.length - 2] = good[good.length - 2] === 0x30 ? 0x31 : 0x30;
  assert.equal(parseOne(good), ParseError.CHECKSUM_MISMATCH);
});

test('too many fields, or a duplicate, leave the framing intact so the session can Reject and go on', () => {
  const small = new FixMessage(6);
  const crowded = frame('35=D|49=A|56=B|34=7|11=x|');
  const next = frame('35=0|');
  const bytes = Buffer.concat([crowded, next]);
  assert.equal(parseNext(bytes, 0, small), ParseError.TOO_MANY_FIELDS);
  assert.equal(small.errorTag, Tag.ClOrdID);
  assert.equal(small.frameEnd, crowded.length);
  assert.equal(
    small.getInt(Tag.MsgSeqNum),
    7,
    'the fields before the error stay readable (for 45 RefSeqNum)',
  );
  assert.equal(isGarbled(ParseError.TOO_MANY_FIELDS), false);
  assert.equal(parseNext(bytes, small.frameEnd, small), bytes.length);

  const msg = new FixMessage();
  const duplicate = frame('35=D|49=A|56=B|34=9|11=x|11=y|');
  assert.equal(parseOne(duplicate, msg), ParseError.DUPLICATE_TAG);
  assert.equal(msg.frameEnd, duplicate.length);
  assert.equal(msg.getInt(Tag.MsgSeqNum), 9);
  assert.equal(isGarbled(ParseError.DUPLICATE_TAG), false);
  assert.equal(isGarbled(ParseError.CHECKSUM_MISMATCH), true);
  assert.equal(isGarbled(ParseError.MISSING_EQUALS), true);
});

test('getInt: FIX int with optional minus and leading zeros; anything else is NaN', () => {
  const msg = new FixMessage();
  const cases: Array<[string, number]> = [
    ['0', 0],
    ['42', 42],
    ['-17', -17],
    ['007', 7],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
    ['9007199254740992', Number.NaN],
    ['99999999999999999999999', Number.NaN],
    ['-', Number.NaN],
    ['+5', Number.NaN],
    ['1a', Number.NaN],
    ['1.0', Number.NaN],
    [' 1', Number.NaN],
    ['--1', Number.NaN],
  ];
  for (const [value, expected] of cases) {
    assert.ok(parseOne(frame(`35=0|34=${value}|`), msg) > 0, value);
    assert.equal(msg.getInt(Tag.MsgSeqNum), expected, value);
  }
});

test('getChar is the byte of a one-character value only', () => {
  const msg = new FixMessage();
  parseOne(frame('35=0|54=12|40=2|'), msg);
  assert.equal(msg.getChar(Tag.Side), -1);
  assert.equal(msg.getChar(Tag.OrdType), 0x32);
});

test('getAscii refuses control and non-ASCII bytes; getString keeps one char per byte', () => {
  const msg = new FixMessage();
  const bytes = Buffer.concat([soh('8=FIX.4.4|9=12|35=0|58=a'), Buffer.from([0xe9, 0x7f]), soh('|')]);
  const withTrailer = Buffer.concat([
    bytes,
    soh(`10=${String(bytes.reduce((s, b) => s + b, 0) & 0xff).padStart(3, '0')}|`),
  ]);
  assert.equal(parseOne(withTrailer, msg), withTrailer.length);
  assert.equal(msg.getAscii(Tag.Text), undefined);
  assert.equal(msg.getString(Tag.Text), 'a\u00e9\u007f');
});

test('UTCTimestamp: formats, ranges and calendar', () => {
  const msg = new FixMessage();
  const read = (value: string) => {
    assert.ok(parseOne(frame(`35=0|52=${value}|`), msg) > 0, value);
    return msg.getUtcTimestampMs(Tag.SendingTime);
  };
  assert.equal(read('20261122-14:00:00'), Date.UTC(2026, 10, 22, 14, 0, 0));
  assert.equal(read('20261122-14:00:00.007'), Date.UTC(2026, 10, 22, 14, 0, 0, 7));
  assert.equal(read('20261122-14:00:00.123456'), Date.UTC(2026, 10, 22, 14, 0, 0, 123), 'micros truncated');
  assert.equal(read('20261122-14:00:00.999999999'), Date.UTC(2026, 10, 22, 14, 0, 0, 999), 'nanos truncated');
  assert.equal(read('19700101-00:00:00.000'), 0);
  assert.equal(read('99991231-23:59:59.999'), Date.UTC(9999, 11, 31, 23, 59, 59, 999));
  assert.equal(read('20240229-12:00:00'), Date.UTC(2024, 1, 29, 12), 'leap year');
  assert.equal(read('20000229-12:00:00'), Date.UTC(2000, 1, 29, 12), '400-year leap year');
  assert.equal(read('20161231-23:59:60'), Date.UTC(2017, 0, 1), 'leap second reads as the next second');
  assert.equal(read('20260430-23:59:59'), Date.UTC(2026, 3, 30, 23, 59, 59));
  for (const bad of [
    '20230229-12:00:00',
    '21000229-12:00:00',
    '20260431-00:00:00',
    '20261301-00:00:00',
    '20260001-00:00:00',
    '20260100-00:00:00',
    '20260101-24:00:00',
    '20260101-23:60:00',
    '20260101-23:59:61',
    '20260101-23:59:59.1',
    '20260101-23:59:59.12',
    '20260101-23:59:59.1234',
    '20260101-23:59:59.1234567',
    '20260101-23:59:59.',
    '20260101-23:59:59,123',
    '20260101 23:59:59',
    '20260101-23-59-59',
    '2026011-23:59:59.0',
    '2026-01-01T23:59:59',
    '20260101-23:59:5x',
    '20260101-23:59:59.12x',
    '20260101-23:59:59.123x56',
    '1767225599000',
  ]) {
    assert.ok(Number.isNaN(read(bad)), bad);
  }
});

test('property: any bytes at all never throw, and the result is an error or a real end offset', () => {
  const msg = new FixMessage(8);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(320), (bytes, at) => {
      const offset = Math.min(at, bytes.length);
      const result = parseNext(bytes, offset, msg);
      if (result < 0) assert.equal(msg.error, result);
      else assert.ok(result > offset && result <= bytes.length);
    }),
    { numRuns: 5000 },
  );
});

test('property: FIX-looking noise (valid pieces shuffled and mutated) never throws', () => {
  const msg = new FixMessage(8);
  const piece = fc.constantFrom(
    '8=FIX.4.4|',
    '9=',
    '10=',
    '35=D|',
    '=',
    '|',
    '0',
    '1',
    '9',
    '49=A|',
    'x',
    '',
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
      const bytes = soh(pieces.join(''));
      let offset = 0;
      for (let guard = 0; offset < bytes.length && guard < 100; guard++) {
        const result = parseNext(bytes, offset, msg);
        if (result < 0) break;
        assert.ok(result > offset);
        offset = result;
      }
    }),
    { numRuns: 5000 },
  );
});

test('property: changing any one byte of a valid message is always detected', () => {
  const original = frame(NEW_ORDER_BODY);
  const msg = new FixMessage();
  fc.assert(
    fc.property(fc.nat(original.length - 1), fc.integer({ min: 1, max: 255 }), (index, delta) => {
      const bytes = Buffer.from(original);
      bytes[index] = (bytes[index]! + delta) & 0xff;
      const result = parseNext(bytes, 0, msg);
      // A single byte changes the sum mod 256, so either the framing or the checksum
      // catches it; if it ever did parse, every field would still have to be tag=value.
      if (result >= 0) {
        for (let i = 0; i < msg.fieldCount; i++) {
          assert.ok(msg.tagAt(i) > 0 && msg.valueEndAt(i) > msg.valueStartAt(i));
        }
      }
      assert.ok(result < 0, `byte ${index} changed by ${delta} went unnoticed`);
    }),
    { numRuns: 3000 },
  );
});
