// Reads and checks a Logon (SPEC section 5) before anyone verifies its
// signature: required fields, their values, our CompID, the receive window.
// What it cannot decide alone (the key, the signature, the lockout, the
// SenderCompID's uniqueness) is left to the session's LogonAuthenticator.
//
// Which reject code a failure carries (58=<CODE>: text):
// - a required field missing (49, 56, 34, 52, 98, 108, 141, 553, 95, 96): AUTH_MISSING;
// - 52 not a UTCTimestamp, or outside recvWindowMs of our clock: TIMESTAMP_OUT_OF_WINDOW
//   (as the REST door treats its timestamp);
// - 553 not printable ASCII: AUTH_UNKNOWN_KEY (no key can have that id);
// - any other bad value (49 not [A-Za-z0-9_-]{1,32}, 56 not ours, 34 not 1, 98 not 0,
//   108 outside 1..maxHeartBtInt, 141 not Y, 8013 not Y|N, 95 not the length of 96,
//   43=Y as on any message): INVALID_REQUEST.
// A 96 that is not valid base64 is not refused here: it is handed on as an empty
// signature, so that the authenticator refuses it and counts the failure.
//
// Runs once per connection: it may allocate.

import { RejectCode, type RejectCodeValue } from '../pipeline/reject-codes.ts';
import type { FixMessage } from './message.ts';
import { isCompId, type ResolvedSessionOptions } from './session-options.ts';
import { Tag } from './tags.ts';

const SOH = 0x01;
const Y = 0x59;
const N = 0x4e;
const EMPTY = new Uint8Array(0);

/** The Logon's fields, once they passed the checks. */
export interface LogonRequest {
  senderCompId: string;
  keyId: string;
  /** Seconds. */
  heartBtInt: number;
  /** 8013 as sent; null when absent. */
  cancelOnDisconnect: boolean | null;
  /** The values of 35, 49, 56, 34, 52 joined by SOH. */
  signedBytes: Uint8Array;
  /** The decoded 96; empty when 96 is not valid base64. */
  signature: Uint8Array;
}

export type LogonCheck =
  | { readonly ok: true; readonly request: LogonRequest }
  | { readonly ok: false; readonly code: RejectCodeValue; readonly text: string };

/** Required, in this order of reporting. */
const REQUIRED = [
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
] as const;

/** The fields whose values are signed, in order (SPEC section 5). */
const SIGNED = [Tag.MsgType, Tag.SenderCompID, Tag.TargetCompID, Tag.MsgSeqNum, Tag.SendingTime] as const;

function fail(code: RejectCodeValue, text: string): LogonCheck {
  return { ok: false, code, text };
}

/** The values of 35, 49, 56, 34, 52 joined by SOH, copied out of the frame. */
export function logonSignedBytes(msg: FixMessage): Uint8Array {
  let length = SIGNED.length - 1;
  for (const tag of SIGNED) length += msg.valueEnd(tag) - msg.valueStart(tag);
  const out = new Uint8Array(length);
  const buf = msg.buffer;
  let at = 0;
  for (let i = 0; i < SIGNED.length; i++) {
    if (i > 0) out[at++] = SOH;
    const tag = SIGNED[i]!;
    out.set(buf.subarray(msg.valueStart(tag), msg.valueEnd(tag)), at);
    at += msg.valueEnd(tag) - msg.valueStart(tag);
  }
  return out;
}

function isBase64Char(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2b ||
    c === 0x2f
  );
}

/**
 * Decodes strict standard base64 (RFC 4648 section 4, padded, no whitespace) from
 * buf[start, end); null if it is not exactly that. (Buffer.from(.., 'base64') skips
 * what it does not understand, which would let two different texts verify alike.)
 */
export function decodeBase64Strict(buf: Uint8Array, start: number, end: number): Uint8Array | null {
  const length = end - start;
  if (length === 0 || length % 4 !== 0) return null;
  let padding = 0;
  if (buf[end - 1] === 0x3d) padding = buf[end - 2] === 0x3d ? 2 : 1;
  for (let p = start; p < end - padding; p++) if (!isBase64Char(buf[p]!)) return null;
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, length).toString('latin1');
  const decoded = Buffer.from(text, 'base64');
  // Non-zero bits in the last character before the padding are not canonical base64.
  if (decoded.toString('base64') !== text) return null;
  return decoded;
}

/** Checks a Logon against SPEC section 5 (everything but the key and the signature). */
export function readLogon(msg: FixMessage, options: ResolvedSessionOptions, nowMs: number): LogonCheck {
  for (const tag of REQUIRED) {
    if (!msg.has(tag)) return fail(RejectCode.AUTH_MISSING, `Logon field ${tag} is missing`);
  }
  const buf = msg.buffer;
  if (!isCompId(buf, msg.valueStart(Tag.SenderCompID), msg.valueEnd(Tag.SenderCompID))) {
    return fail(RejectCode.INVALID_REQUEST, 'SenderCompID (49) must match [A-Za-z0-9_-]{1,32}');
  }
  if (!msg.equals(Tag.TargetCompID, options.targetCompIdBytes)) {
    return fail(RejectCode.INVALID_REQUEST, `TargetCompID (56) must be ${options.targetCompId}`);
  }
  if (msg.getInt(Tag.MsgSeqNum) !== 1) {
    return fail(RejectCode.INVALID_REQUEST, 'MsgSeqNum (34) of a Logon must be 1');
  }
  if (msg.getChar(Tag.PossDupFlag) === Y) {
    return fail(RejectCode.INVALID_REQUEST, 'PossDupFlag messages are not accepted');
  }
  if (msg.getInt(Tag.EncryptMethod) !== 0) {
    return fail(RejectCode.INVALID_REQUEST, 'EncryptMethod (98) must be 0');
  }
  const heartBtInt = msg.getInt(Tag.HeartBtInt);
  if (!(heartBtInt >= 1 && heartBtInt <= options.maxHeartBtInt)) {
    return fail(RejectCode.INVALID_REQUEST, `HeartBtInt (108) must be 1..${options.maxHeartBtInt}`);
  }
  if (msg.getChar(Tag.ResetSeqNumFlag) !== Y) {
    return fail(RejectCode.INVALID_REQUEST, 'ResetSeqNumFlag (141) must be Y');
  }
  let cancelOnDisconnect: boolean | null = null;
  if (msg.has(Tag.CancelOnDisconnect)) {
    const c = msg.getChar(Tag.CancelOnDisconnect);
    if (c !== Y && c !== N)
      return fail(RejectCode.INVALID_REQUEST, 'CancelOnDisconnect (8013) must be Y or N');
    cancelOnDisconnect = c === Y;
  }
  const rawStart = msg.valueStart(Tag.RawData);
  const rawEnd = msg.valueEnd(Tag.RawData);
  if (msg.getInt(Tag.RawDataLength) !== rawEnd - rawStart) {
    return fail(RejectCode.INVALID_REQUEST, 'RawDataLength (95) must be the length of RawData (96)');
  }
  const sendingTime = msg.getUtcTimestampMs(Tag.SendingTime);
  if (Number.isNaN(sendingTime)) {
    return fail(RejectCode.TIMESTAMP_OUT_OF_WINDOW, 'SendingTime (52) is not a UTCTimestamp');
  }
  if (Math.abs(nowMs - sendingTime) > options.recvWindowMs) {
    return fail(
      RejectCode.TIMESTAMP_OUT_OF_WINDOW,
      `SendingTime (52) is more than ${options.recvWindowMs} ms away`,
    );
  }
  const keyId = msg.getAscii(Tag.Username);
  if (keyId === undefined) return fail(RejectCode.AUTH_UNKNOWN_KEY, 'Username (553) is not a key id');
  return {
    ok: true,
    request: {
      senderCompId: msg.getString(Tag.SenderCompID)!,
      keyId,
      heartBtInt,
      cancelOnDisconnect,
      signedBytes: logonSignedBytes(msg),
      signature: decodeBase64Strict(buf, rawStart, rawEnd) ?? EMPTY,
    },
  };
}
