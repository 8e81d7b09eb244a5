// One parsed FIX message as a view over the frame's bytes: for each field its
// tag and the byte range of its value, nothing copied. One instance is reused
// for every message (parseNext refills it), so parsing allocates nothing; the
// values are only valid while the frame is, i.e. during the synchronous
// handling of that frame. Copy out (getString) what must outlive it.

import { latin1Text } from '../state/latin1-text.ts';
import type { ParseErrorValue } from './parse-error.ts';
import { parseUtcTimestamp } from './utc-timestamp.ts';

/** Tags below this have a direct slot, so looking them up is O(1); higher ones are scanned. */
const DIRECT_TAGS = 1024;
const EMPTY = new Uint8Array(0);
const MINUS = 0x2d;
const ZERO = 0x30;

/** Slot entries are stamp | index: a 16-bit message stamp above a 16-bit field index. */
const STAMP_SHIFT = 16;
const INDEX_MASK = 0xffff;
/** Stamps run 1..MAX_STAMP (positive as Int32); then the slots are cleared and they restart. */
const MAX_STAMP = 0x7fff;

export class FixMessage {
  readonly maxFields: number;
  // Per field, in message order: tag, value start, value end (one array, one cache line per 5 fields).
  private readonly fields: Int32Array;
  // Direct index for tags below DIRECT_TAGS: slots[tag] is (stamp << 16) | field index when
  // the tag was seen in the current message. Moving to a new stamp empties it in O(1).
  private readonly slots: Int32Array;
  private stamp = 0;
  private bytes: Uint8Array = EMPTY;
  private count = 0;
  private errorCode: ParseErrorValue | 0 = 0;
  private errorTagValue = 0;
  private errorOffsetValue = 0;
  private frameEndValue = -1;

  constructor(maxFields = 64) {
    if (!Number.isInteger(maxFields) || maxFields < 4 || maxFields > INDEX_MASK) {
      throw new RangeError(`maxFields must be an integer in 4..65535, got ${maxFields}`);
    }
    this.maxFields = maxFields;
    this.fields = new Int32Array(maxFields * 3);
    this.slots = new Int32Array(DIRECT_TAGS);
  }

  /** The frame the values point into. */
  get buffer(): Uint8Array {
    return this.bytes;
  }

  /** Number of fields, 8, 9 and 10 included (of those parsed so far, after an error). */
  get fieldCount(): number {
    return this.count;
  }

  /** The last parse's error, or 0 if it succeeded. */
  get error(): ParseErrorValue | 0 {
    return this.errorCode;
  }

  /** The tag the error is about (for 371 or the 58 text), or 0 when there is no such tag. */
  get errorTag(): number {
    return this.errorTagValue;
  }

  /** Offset in the frame where the error was found (for logs). */
  get errorOffset(): number {
    return this.errorOffsetValue;
  }

  /**
   * Offset just after this message's CheckSum once BodyLength and CheckSum have been
   * verified, even if a field was then refused (TOO_MANY_FIELDS, DUPLICATE_TAG); else -1.
   */
  get frameEnd(): number {
    return this.frameEndValue;
  }

  /** Starts a new message over `buf` (parser only). */
  reset(buf: Uint8Array): void {
    this.bytes = buf;
    this.count = 0;
    this.errorCode = 0;
    this.errorTagValue = 0;
    this.errorOffsetValue = 0;
    this.frameEndValue = -1;
    if (this.stamp === MAX_STAMP) {
      // Stamps wrapped: clear so that no stale slot looks current.
      this.slots.fill(0);
      this.stamp = 0;
    }
    this.stamp++;
  }

  /** Records a field (parser only); says why not if the tag repeats or there is no room. */
  add(tag: number, start: number, end: number): 0 | 'duplicate' | 'full' {
    const i = this.count;
    if (tag < DIRECT_TAGS) {
      const stamp = this.stamp << STAMP_SHIFT;
      if ((this.slots[tag]! & ~INDEX_MASK) === stamp) return 'duplicate';
      if (i === this.maxFields) return 'full';
      this.slots[tag] = stamp | i;
    } else {
      if (this.indexOf(tag) >= 0) return 'duplicate';
      if (i === this.maxFields) return 'full';
    }
    const at = i * 3;
    this.fields[at] = tag;
    this.fields[at + 1] = start;
    this.fields[at + 2] = end;
    this.count = i + 1;
    return 0;
  }

  /** Records a failed parse (parser only). */
  fail(error: ParseErrorValue, tag: number, offset: number, frameEnd: number): ParseErrorValue {
    this.errorCode = error;
    this.errorTagValue = tag;
    this.errorOffsetValue = offset;
    this.frameEndValue = frameEnd;
    return error;
  }

  /** Records that the message's framing (9 and 10) checked out (parser only). */
  setFrameEnd(frameEnd: number): number {
    this.frameEndValue = frameEnd;
    return frameEnd;
  }

  /** Position of the tag's field (0-based, in message order), or -1. */
  indexOf(tag: number): number {
    if (tag < DIRECT_TAGS) {
      if (tag < 0) return -1;
      const entry = this.slots[tag]!;
      return (entry & ~INDEX_MASK) === this.stamp << STAMP_SHIFT ? entry & INDEX_MASK : -1;
    }
    for (let i = 0; i < this.count; i++) if (this.fields[i * 3] === tag) return i;
    return -1;
  }

  has(tag: number): boolean {
    return this.indexOf(tag) >= 0;
  }

  tagAt(index: number): number {
    return this.fields[index * 3]!;
  }

  valueStartAt(index: number): number {
    return this.fields[index * 3 + 1]!;
  }

  valueEndAt(index: number): number {
    return this.fields[index * 3 + 2]!;
  }

  /** Offset of the tag's value in `buffer`, or -1 if absent (e.g. for parseDecimal). */
  valueStart(tag: number): number {
    const i = this.indexOf(tag);
    return i < 0 ? -1 : this.fields[i * 3 + 1]!;
  }

  /** Offset just after the tag's value in `buffer`, or -1 if absent. */
  valueEnd(tag: number): number {
    const i = this.indexOf(tag);
    return i < 0 ? -1 : this.fields[i * 3 + 2]!;
  }

  /**
   * The value as a FIX int: ASCII digits with an optional leading '-' (leading zeros
   * allowed, as FIX says). NaN if absent, malformed or beyond Number.MAX_SAFE_INTEGER.
   */
  getInt(tag: number): number {
    const i = this.indexOf(tag);
    if (i < 0) return Number.NaN;
    const buf = this.bytes;
    const end = this.fields[i * 3 + 2]!;
    let p = this.fields[i * 3 + 1]!;
    const negative = buf[p] === MINUS;
    if (negative) p++;
    if (p === end) return Number.NaN;
    let value = 0;
    for (; p < end; p++) {
      const d = buf[p]! - ZERO;
      if (d < 0 || d > 9) return Number.NaN;
      value = value * 10 + d;
    }
    if (value > Number.MAX_SAFE_INTEGER) return Number.NaN;
    return negative ? -value : value;
  }

  /** The byte of a one-character value (compare with MsgTypeByte, 0x31 for '1', ...), or -1. */
  getChar(tag: number): number {
    const i = this.indexOf(tag);
    if (i < 0) return -1;
    const start = this.fields[i * 3 + 1]!;
    return this.fields[i * 3 + 2]! - start === 1 ? this.bytes[start]! : -1;
  }

  /** Whether the value is exactly `ascii` (e.g. a session's SenderCompID, encoded once). */
  equals(tag: number, ascii: Uint8Array): boolean {
    const i = this.indexOf(tag);
    if (i < 0) return false;
    const start = this.fields[i * 3 + 1]!;
    if (this.fields[i * 3 + 2]! - start !== ascii.length) return false;
    const buf = this.bytes;
    for (let k = 0; k < ascii.length; k++) if (buf[start + k] !== ascii[k]) return false;
    return true;
  }

  /** Unix ms of a UTCTimestamp value, or NaN if absent or not a valid one. */
  getUtcTimestampMs(tag: number): number {
    const i = this.indexOf(tag);
    return i < 0
      ? Number.NaN
      : parseUtcTimestamp(this.bytes, this.fields[i * 3 + 1]!, this.fields[i * 3 + 2]!);
  }

  /** The value with one character per byte (latin1), or undefined if absent. Allocates. */
  getString(tag: number): string | undefined {
    const i = this.indexOf(tag);
    if (i < 0) return undefined;
    const buf = this.bytes;
    const start = this.fields[i * 3 + 1]!;
    const end = this.fields[i * 3 + 2]!;
    return latin1Text(buf, start, end);
  }

  /**
   * The value if it is all printable ASCII (0x20..0x7e), else undefined (also when absent),
   * so a caller never holds control or non-ASCII characters. Allocates.
   */
  getAscii(tag: number): string | undefined {
    const i = this.indexOf(tag);
    if (i < 0) return undefined;
    const buf = this.bytes;
    const end = this.fields[i * 3 + 2]!;
    const start = this.fields[i * 3 + 1]!;
    for (let p = start; p < end; p++) {
      const c = buf[p]!;
      if (c < 0x20 || c > 0x7e) return undefined;
    }
    return latin1Text(buf, start, end);
  }
}
