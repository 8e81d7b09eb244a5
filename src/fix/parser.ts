// Parses FIX 4.4 messages straight out of a WebSocket frame, which may hold
// several messages back to back: call parseNext from offset 0, then from each
// returned end offset, until the end of the frame or an error.
//
// Framing (8, 9, 10) is verified before the fields are trusted: BodyLength
// tells where CheckSum must be, and the checksum is summed during the single
// scan over the fields. A field error is reported only if the checksum holds
// (otherwise the bytes are corrupt and CHECKSUM_MISMATCH is the truth).
//
// Not supported, because none of our messages use them: repeating groups (a
// repeated tag is an error) and data fields containing SOH.

import { fixChecksum } from './checksum.ts';
import type { FixMessage } from './message.ts';
import { ParseError, type ParseErrorValue } from './parse-error.ts';
import { Tag } from './tags.ts';

const SOH = 0x01;
const EQUALS = 0x3d;
const ZERO = 0x30;
const NINE = 0x39;
const BEGIN_STRING = Uint8Array.from(Buffer.from('FIX.4.4', 'latin1'));
/** Larger tags are refused as BAD_TAG, so a tag always fits an Int32Array. */
const MAX_TAG = 99_999_999;
/** Larger BodyLengths are refused (far beyond any frame we accept). */
const MAX_BODY_LENGTH = 9_999_999;
/** "10=" + three digits + SOH. */
const TRAILER_LENGTH = 7;

/** Offset of the first SOH at or after `from`, or -1. */
function findSoh(buf: Uint8Array, from: number): number {
  for (let p = from; p < buf.length; p++) if (buf[p] === SOH) return p;
  return -1;
}

/** Whether buf[at..] is "<SOH>10=". */
function isTrailerStart(buf: Uint8Array, at: number): boolean {
  return buf[at] === SOH && buf[at + 1] === 0x31 && buf[at + 2] === ZERO && buf[at + 3] === EQUALS;
}

/**
 * Why the CheckSum is not where BodyLength puts it: if a "<SOH>10=" follows before the
 * next message's "<SOH>8=", the length is wrong; otherwise the CheckSum is missing.
 */
function misplacedTrailer(buf: Uint8Array, from: number): ParseErrorValue {
  for (let p = from; p < buf.length - 2; p++) {
    if (buf[p] !== SOH) continue;
    if (isTrailerStart(buf, p)) return ParseError.BODY_LENGTH_MISMATCH;
    if (buf[p + 1] === 0x38 && buf[p + 2] === EQUALS) return ParseError.CHECKSUM_MISSING;
  }
  return ParseError.CHECKSUM_MISSING;
}

/**
 * A field whose tag went wrong at `from`: without any '=' before its SOH it is
 * MISSING_EQUALS, otherwise the tag itself is bad. The SOH before the trailer bounds the scan.
 */
function tagError(buf: Uint8Array, from: number): ParseErrorValue {
  for (let p = from; ; p++) {
    const c = buf[p];
    if (c === EQUALS) return ParseError.BAD_TAG;
    if (c === SOH || c === undefined) return ParseError.MISSING_EQUALS;
  }
}

/**
 * Reads the body's tag=value<SOH> fields in buf[from, to) into `msg`, summing every byte
 * on the way for the checksum. Returns that sum, or a negative ParseError (recorded in
 * `msg`). The caller has checked that buf[to - 1] is SOH: it stops every inner loop, so
 * none needs a bounds check.
 */
function scanFields(buf: Uint8Array, from: number, to: number, msg: FixMessage): number {
  let sum = 0;
  let p = from;
  while (p < to) {
    const fieldStart = p;
    let c = buf[p]!;
    if (c < 0x31 || c > NINE) return msg.fail(tagError(buf, p), 0, p, -1);
    let tag = 0;
    for (;;) {
      sum += c;
      p++;
      tag = tag * 10 + (c - ZERO);
      c = buf[p]!;
      if (c === EQUALS) break;
      if (c < ZERO || c > NINE || tag > MAX_TAG / 10) return msg.fail(tagError(buf, p), 0, fieldStart, -1);
    }
    sum += c;
    p++;
    const valueStart = p;
    // Two bytes per turn: the loop's own overhead is a large share of the parse.
    for (;;) {
      c = buf[p]!;
      if (c === SOH) break;
      const d = buf[p + 1]!;
      if (d === SOH) {
        sum += c;
        p++;
        break;
      }
      sum += c + d;
      p += 2;
    }
    sum += SOH;
    if (p === valueStart) return msg.fail(ParseError.EMPTY_VALUE, tag, fieldStart, -1);
    // A CheckSum before the place BodyLength gives it: the length is what is wrong.
    if (tag === Tag.CheckSum)
      return msg.fail(ParseError.BODY_LENGTH_MISMATCH, Tag.BodyLength, fieldStart, -1);
    if (msg.fieldCount === 2 && tag !== Tag.MsgType) {
      return msg.fail(ParseError.MSG_TYPE_NOT_THIRD, Tag.MsgType, fieldStart, -1);
    }
    const added = msg.add(tag, valueStart, p);
    if (added !== 0) {
      const error = added === 'duplicate' ? ParseError.DUPLICATE_TAG : ParseError.TOO_MANY_FIELDS;
      return msg.fail(error, tag, fieldStart, -1);
    }
    p++;
  }
  if (msg.fieldCount < 3) return msg.fail(ParseError.MSG_TYPE_NOT_THIRD, Tag.MsgType, from, -1);
  return sum;
}

/**
 * Parses the message starting at buf[offset] into `msg`. Returns the offset just after
 * it, or a negative ParseError (details in msg.error, msg.errorTag, msg.errorOffset).
 * Never throws, never allocates. `msg`'s values point into `buf`.
 */
export function parseNext(buf: Uint8Array, offset: number, msg: FixMessage): number {
  msg.reset(buf);
  const length = buf.length;
  if (offset < 0 || offset >= length) return msg.fail(ParseError.TRUNCATED, 0, offset, -1);

  // 8=FIX.4.4
  if (buf[offset] !== 0x38 || buf[offset + 1] !== EQUALS) {
    return msg.fail(ParseError.BEGIN_STRING_NOT_FIRST, Tag.BeginString, offset, -1);
  }
  const beginStart = offset + 2;
  const beginEnd = findSoh(buf, beginStart);
  if (beginEnd < 0) return msg.fail(ParseError.TRUNCATED, Tag.BeginString, offset, -1);
  let same = beginEnd - beginStart === BEGIN_STRING.length;
  for (let k = 0; same && k < BEGIN_STRING.length; k++) same = buf[beginStart + k] === BEGIN_STRING[k];
  if (!same) return msg.fail(ParseError.BAD_BEGIN_STRING, Tag.BeginString, beginStart, -1);
  msg.add(Tag.BeginString, beginStart, beginEnd);

  // 9=<BodyLength>
  let p = beginEnd + 1;
  if (p + 1 >= length) return msg.fail(ParseError.TRUNCATED, Tag.BodyLength, p, -1);
  if (buf[p] !== 0x39 || buf[p + 1] !== EQUALS) {
    return msg.fail(ParseError.BODY_LENGTH_NOT_SECOND, Tag.BodyLength, p, -1);
  }
  const lengthStart = p + 2;
  let bodyLength = 0;
  for (p = lengthStart; p < length && buf[p] !== SOH; p++) {
    const d = buf[p]! - ZERO;
    if (d < 0 || d > 9 || bodyLength > MAX_BODY_LENGTH) {
      return msg.fail(ParseError.BAD_BODY_LENGTH, Tag.BodyLength, lengthStart, -1);
    }
    bodyLength = bodyLength * 10 + d;
  }
  if (p === length) return msg.fail(ParseError.TRUNCATED, Tag.BodyLength, lengthStart, -1);
  if (p === lengthStart || bodyLength > MAX_BODY_LENGTH) {
    return msg.fail(ParseError.BAD_BODY_LENGTH, Tag.BodyLength, lengthStart, -1);
  }
  msg.add(Tag.BodyLength, lengthStart, p);
  const bodyStart = p + 1;

  // The trailer must sit exactly BodyLength bytes after the body starts: "<SOH>10=ddd<SOH>".
  const checksumStart = bodyStart + bodyLength;
  if (checksumStart + 3 > length || !isTrailerStart(buf, checksumStart - 1)) {
    return msg.fail(misplacedTrailer(buf, bodyStart - 1), Tag.CheckSum, checksumStart, -1);
  }
  const digitsStart = checksumStart + 3;
  let expected = 0;
  for (let k = digitsStart; k < digitsStart + 3; k++) {
    const d = (buf[k] ?? 0) - ZERO;
    if (d < 0 || d > 9) return msg.fail(ParseError.BAD_CHECKSUM_FORMAT, Tag.CheckSum, digitsStart, -1);
    expected = expected * 10 + d;
  }
  if (buf[digitsStart + 3] !== SOH || expected > 255) {
    return msg.fail(ParseError.BAD_CHECKSUM_FORMAT, Tag.CheckSum, digitsStart, -1);
  }

  const frameEnd = checksumStart + TRAILER_LENGTH;
  const bodySum = scanFields(buf, bodyStart, checksumStart, msg);
  if (bodySum < 0) {
    // A field error counts only if the checksum holds; otherwise the bytes are corrupt
    // and the field is just a symptom.
    if (fixChecksum(buf, offset, checksumStart) !== expected) {
      return msg.fail(ParseError.CHECKSUM_MISMATCH, Tag.CheckSum, digitsStart, -1);
    }
    msg.setFrameEnd(frameEnd);
    return bodySum;
  }
  if (((fixChecksum(buf, offset, bodyStart) + bodySum) & 0xff) !== expected) {
    return msg.fail(ParseError.CHECKSUM_MISMATCH, Tag.CheckSum, digitsStart, -1);
  }
  if (msg.add(Tag.CheckSum, digitsStart, digitsStart + 3) !== 0) {
    return msg.fail(ParseError.TOO_MANY_FIELDS, Tag.CheckSum, checksumStart, frameEnd);
  }
  return msg.setFrameEnd(frameEnd);
}
