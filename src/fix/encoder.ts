// Builds outbound FIX 4.4 messages in one preallocated buffer, with no string
// concatenation: begin(msgType), field(...) for each field, end(). The body is
// written first, leaving room in front; end() then knows BodyLength, writes the
// 8/9 header just before the body and the 10 trailer after it, and returns a
// view of the message, valid until the next begin().

import { fixChecksum } from './checksum.ts';
import { Tag } from './tags.ts';
import { UTC_TIMESTAMP_LENGTH, writeUtcTimestamp } from './utc-timestamp.ts';

const SOH = 0x01;
const EQUALS = 0x3d;
const ZERO = 0x30;
const BEGIN = Buffer.from('8=FIX.4.4\x019=', 'latin1');
/** Room for the header: "8=FIX.4.4<SOH>9=" + up to 7 BodyLength digits + SOH. */
const HEADER_ROOM = BEGIN.length + 7 + 1;
/** "10=ddd<SOH>". */
const TRAILER_LENGTH = 7;
/** The largest tag the parser accepts. */
const MAX_TAG = 99_999_999;
/** Longest tag=<SOH> overhead: 8 tag digits, '=' and SOH. */
const FIELD_OVERHEAD = 10;

function digitCount(value: number): number {
  let count = 1;
  while (value >= 10) {
    value = Math.floor(value / 10);
    count++;
  }
  return count;
}

export class FixEncoder {
  private readonly buf: Buffer;
  private pos = HEADER_ROOM;
  private open = false;

  /** `capacity`: the largest message, header and trailer included. */
  constructor(capacity = 4096) {
    if (capacity < HEADER_ROOM + TRAILER_LENGTH + 16 || capacity - HEADER_ROOM > 9_999_999) {
      throw new RangeError(`FixEncoder capacity out of range: ${capacity}`);
    }
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Starts a message: writes 35=msgType. Whatever the last end() returned is overwritten. */
  begin(msgType: string): this {
    this.pos = HEADER_ROOM;
    this.open = true;
    return this.field(Tag.MsgType, msgType);
  }

  /**
   * Appends tag=value. A number must be a safe integer (format decimals as strings, from
   * integer ticks and lots); a string must be non-empty latin1 with no SOH. Anything else
   * throws: it is a programming error, never the client's input.
   */
  field(tag: number, value: string | number): this {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new TypeError(`FIX tag ${tag}: ${value} is not an integer`);
      this.reserve(tag, 21);
      this.writeTag(tag);
      if (value < 0) {
        this.buf[this.pos++] = 0x2d;
        value = -value;
      }
      this.writeUnsigned(value);
    } else {
      const length = value.length;
      if (length === 0) throw new TypeError(`FIX tag ${tag}: empty value`);
      this.reserve(tag, length);
      const fieldStart = this.pos;
      this.writeTag(tag);
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < length; i++) {
        const c = value.charCodeAt(i);
        if (c === SOH || c > 0xff) {
          this.pos = fieldStart;
          throw new TypeError(`FIX tag ${tag}: character ${c} cannot be sent`);
        }
        buf[p++] = c;
      }
      this.pos = p;
    }
    this.buf[this.pos++] = SOH;
    return this;
  }

  /** Appends tag=bytes[start, end) as is (e.g. a ClOrdID echoed straight from the inbound frame). */
  /**
   * A decimal given as an integer count of 10^-decimals units, written without a string:
   * (150, 2) → "1.5", (7, 3) → "0.007", (100, 2) → "1". Trailing fraction zeros are dropped.
   */
  fieldDecimal(tag: number, units: number, decimals: number): this {
    if (!Number.isSafeInteger(units)) throw new TypeError(`FIX tag ${tag}: ${units} is not an integer`);
    this.reserve(tag, 21 + decimals);
    this.writeTag(tag);
    if (units < 0) {
      this.buf[this.pos++] = 0x2d;
      units = -units;
    }
    if (decimals === 0) {
      this.writeUnsigned(units);
      this.buf[this.pos++] = SOH;
      return this;
    }
    const scale = 10 ** decimals;
    const whole = Math.floor(units / scale);
    let fraction = units - whole * scale;
    this.writeUnsigned(whole);
    if (fraction !== 0) {
      let digits = decimals;
      while (fraction % 10 === 0) {
        fraction /= 10;
        digits--;
      }
      this.buf[this.pos++] = 0x2e;
      const end = this.pos + digits;
      for (let p = end - 1; p >= this.pos; p--) {
        const next = Math.floor(fraction / 10);
        this.buf[p] = ZERO + (fraction - next * 10);
        fraction = next;
      }
      this.pos = end;
    }
    this.buf[this.pos++] = SOH;
    return this;
  }

  fieldBytes(tag: number, bytes: Uint8Array, start = 0, end = bytes.length): this {
    if (end <= start) throw new TypeError(`FIX tag ${tag}: empty value`);
    this.reserve(tag, end - start);
    const fieldStart = this.pos;
    this.writeTag(tag);
    const buf = this.buf;
    let p = this.pos;
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      if (c === SOH) {
        this.pos = fieldStart;
        throw new TypeError(`FIX tag ${tag}: value contains SOH`);
      }
      buf[p++] = c;
    }
    buf[p++] = SOH;
    this.pos = p;
    return this;
  }

  /** Appends tag=YYYYMMDD-HH:MM:SS.sss for Unix ms (e.g. SendingTime, TransactTime). */
  fieldUtcTimestamp(tag: number, ms: number): this {
    this.reserve(tag, UTC_TIMESTAMP_LENGTH);
    this.writeTag(tag);
    this.pos = writeUtcTimestamp(this.buf, this.pos, ms);
    this.buf[this.pos++] = SOH;
    return this;
  }

  /** Completes the message: header in front, CheckSum after. The view is valid until the next begin(). */
  end(): Buffer {
    if (!this.open) throw new Error('FixEncoder.end() without begin()');
    this.open = false;
    const buf = this.buf;
    const bodyLength = this.pos - HEADER_ROOM;
    const start = HEADER_ROOM - (BEGIN.length + digitCount(bodyLength) + 1);
    BEGIN.copy(buf, start);
    let p = start + BEGIN.length;
    p = this.writeUnsignedAt(p, bodyLength);
    buf[p] = SOH;
    const checksum = fixChecksum(buf, start, this.pos);
    p = this.pos;
    buf[p] = 0x31;
    buf[p + 1] = ZERO;
    buf[p + 2] = EQUALS;
    buf[p + 3] = ZERO + Math.floor(checksum / 100);
    buf[p + 4] = ZERO + (Math.floor(checksum / 10) % 10);
    buf[p + 5] = ZERO + (checksum % 10);
    buf[p + 6] = SOH;
    return buf.subarray(start, p + TRAILER_LENGTH);
  }

  private reserve(tag: number, valueBytes: number): void {
    if (!this.open) throw new Error('FixEncoder: field before begin()');
    if (!Number.isSafeInteger(tag) || tag <= 0 || tag > MAX_TAG) throw new TypeError(`not a FIX tag: ${tag}`);
    if (this.pos + FIELD_OVERHEAD + valueBytes + TRAILER_LENGTH > this.buf.length) {
      throw new RangeError(`FIX message larger than the encoder's ${this.buf.length} bytes`);
    }
  }

  private writeTag(tag: number): void {
    this.writeUnsigned(tag);
    this.buf[this.pos++] = EQUALS;
  }

  private writeUnsigned(value: number): void {
    this.pos = this.writeUnsignedAt(this.pos, value);
  }

  /** Writes the decimal digits of a non-negative integer at `at`; returns the offset after them. */
  private writeUnsignedAt(at: number, value: number): number {
    const end = at + digitCount(value);
    let p = end;
    do {
      const next = Math.floor(value / 10);
      this.buf[--p] = ZERO + (value - next * 10);
      value = next;
    } while (value > 0);
    return end;
  }
}
