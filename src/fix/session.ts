// The FIX 4.4 session state machine (SPEC section 5), apart from the codec and
// from the socket, as in Artio: it is fed whole WebSocket frames (onFrame) and
// the transport's close (onTransportClosed), sends through a SessionTransport,
// asks a LogonAuthenticator about the Logon, hands in-sequence application
// messages to a SessionApplication, and reads time only through SessionTimers,
// so that tests drive it deterministically.
//
// States: awaiting-logon → active → ended. 'logging-out' lasts only while our
// Logout is being written: the session never waits for the client's answer, it
// closes the transport at once, and every ending path (Logout sent, transport
// closed, frame too large, internal error) calls app.onEnd exactly once.
//
// Decisions where SPEC section 5 is silent:
// - Logon failures carry `58=<CODE>: text` (codes in logon.ts); a SenderCompID already
//   live on the key (claim() refused) is INVALID_REQUEST. Before a valid 49 is known,
//   our Logout has no 56.
// - Session-level Logouts that are not rejects carry FIX-engine texts without a code:
//   "MsgSeqNum too low, expecting N but received M", "Garbled message: ...", "CompID
//   problem: ...", "Heartbeat timeout: ...". A wrong 49 or 56 after the Logon ends the
//   session (it is not the session's traffic).
// - Rejects (35=3) and BusinessMessageRejects (35=j) carry `INVALID_REQUEST: text`.
// - A second Logon on an active session: Reject 35=3 (371=35, 373=5); the session goes on.
// - Any in-sequence inbound message counts as the answer to our TestRequest.
// - DUPLICATE_TAG / TOO_MANY_FIELDS: Reject (373=13 / 99) with the message's 34 if it was
//   read (a 34 out of sequence ends the session as usual), else the expected number;
//   either way that number is consumed. Before the Logon, they end the session.
// - 52 missing or not a UTCTimestamp after the Logon: Reject (373=1 / 6), seq consumed.
// - PossDupFlag 43=Y: Reject (371=43, 373=5), seq consumed.
// - ResendRequest (2), SequenceReset (4) and every MsgType we do not handle:
//   BusinessMessageReject 380=3. Client Reject (3) and BusinessMessageReject (j) are counted
//   and otherwise ignored.
// - A message over maxMessageBytes closes with 1009 like a frame over the frame limit,
//   without a Logout (SPEC section 3: PAYLOAD_TOO_LARGE → close 1009).
// - If the session or the application throws while handling a frame, the session sends
//   Logout "INTERNAL: internal error" and closes with 1011; onEnd's reason says what threw.
//
// Allocation: an in-sequence application message goes from the frame to app.onMessage
// without allocating (byte compares, integer reads, one clock read); outbound messages are
// built in one encoder shared by the thread's sessions (sending is synchronous, so the
// transport must copy or write the bytes before send() returns).

import {
  PASS,
  RejectCode,
  type RejectCodeInfo,
  type RejectCodeValue,
  rejectInfo,
} from '../pipeline/reject-codes.ts';
import type { ApiKeyState } from '../state/api-keys.ts';
import { FixEncoder } from './encoder.ts';
import { readLogon } from './logon.ts';
import { FixMessage } from './message.ts';
import { isGarbled, ParseError, type ParseErrorValue, parseErrorText } from './parse-error.ts';
import { parseNext } from './parser.ts';
import {
  CloseCode,
  type FixSessionOptions,
  isCompId,
  type ResolvedSessionOptions,
  resolveSessionOptions,
} from './session-options.ts';
import { MsgType, MsgTypeByte, SessionRejectReason, Tag } from './tags.ts';

export { CloseCode, type FixSessionOptions, FRAME_MESSAGE_FACTOR, maxFrameBytes } from './session-options.ts';

export interface SessionTransport {
  /** Sends one FIX message. `bytes` is reused after the call: copy it or write it now. */
  send(bytes: Uint8Array): void;
  /** Closes the WebSocket; the session has already ended (onTransportClosed is then ignored). */
  close(code: number, reason: string): void;
}

export interface LogonAuthenticator {
  /**
   * keyId = tag 553; signedBytes = values of 35,49,56,34,52 joined by SOH; signature =
   * decoded bytes of tag 96 (base64; empty when 96 is not valid base64, which must fail).
   * Returns PASS (0) or a RejectCode value, and the key. Counts failures / lockout itself.
   */
  authenticate(
    keyId: string,
    signedBytes: Uint8Array,
    signature: Uint8Array,
    senderCompId: string,
    nowMs: number,
  ): { verdict: number; key: ApiKeyState | null };
  /** SenderCompID uniqueness among the key's live sessions: claim on logon (false: taken)... */
  claim(keyId: string, senderCompId: string): boolean;
  /** ... and release when the session ends. */
  release(keyId: string, senderCompId: string): void;
  /**
   * Optional: told about every Logon failure the session decides itself (all but
   * authenticate()'s own), for the lockout (SPEC: failures count toward it). `keyId` is the
   * key to count against as well as the address, or null for the address alone.
   */
  recordFailure?(keyId: string | null, verdict: number, nowMs: number): void;
}

export interface SessionApplication {
  onLogon(session: FixSession): void;
  /**
   * A valid, in-sequence application message (D, F, G, q) and its MsgSeqNum (already read
   * by the session). The message view is valid only during the call.
   */
  onMessage(session: FixSession, msg: FixMessage, msgType: number, seqNum: number): void;
  /** Exactly once, after logout/close for any reason. */
  onEnd(session: FixSession, reason: string): void;
}

export interface SessionTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Unix ms (SendingTime is written from it). */
  now(): number;
}

export type SessionState = 'awaiting-logon' | 'active' | 'logging-out' | 'ended';

/** BusinessRejectReason (380) values. */
export const BusinessRejectReason = {
  Other: 0,
  UnknownId: 1,
  UnknownSecurity: 2,
  UnsupportedMessageType: 3,
  ApplicationNotAvailable: 4,
  ConditionallyRequiredFieldMissing: 5,
} as const;

/** SessionRejectReason (373) "Other", for TOO_MANY_FIELDS (tags.ts has the ones SPEC names). */
export const SESSION_REJECT_OTHER = 99;

export interface SessionCounters {
  framesIn: number;
  bytesIn: number;
  /** Messages whose framing held (garbled ones are counted in `garbled`). */
  messagesIn: number;
  /** Application messages handed to app.onMessage. */
  applicationMessagesIn: number;
  messagesOut: number;
  /** Reject 35=3 sent (by the session or the application). */
  rejects: number;
  /** BusinessMessageReject 35=j sent. */
  businessRejects: number;
  /** Reject or BusinessMessageReject received from the client. */
  rejectsIn: number;
  garbled: number;
  heartbeatsOut: number;
  testRequestsOut: number;
  /** Logons refused, including the Logon timeout and a first message that is not a Logon. */
  logonFailures: number;
  /** Frames or messages over the limit (closed with 1009). */
  tooLarge: number;
  /** Exceptions caught while handling a frame or a timer (closed with 1011). */
  internalErrors: number;
}

function newCounters(): SessionCounters {
  return {
    framesIn: 0,
    bytesIn: 0,
    messagesIn: 0,
    applicationMessagesIn: 0,
    messagesOut: 0,
    rejects: 0,
    businessRejects: 0,
    rejectsIn: 0,
    garbled: 0,
    heartbeatsOut: 0,
    testRequestsOut: 0,
    logonFailures: 0,
    tooLarge: 0,
    internalErrors: 0,
  };
}

/** The first of `tags` that `msg` lacks, or 0 if it has them all (for Reject 373=1, 371=tag). */
export function requireFields(msg: FixMessage, tags: readonly number[]): number {
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i]!;
    if (!msg.has(tag)) return tag;
  }
  return 0;
}

/** `CODE: message` for 58, from the reject-code table (the code's default message if none given). */
export function rejectText(code: RejectCodeValue, message?: string): string {
  const info = codeInfo(code);
  return `${info.code}: ${message ?? info.message}`;
}

function codeInfo(code: number): RejectCodeInfo {
  return (
    (rejectInfo(code as RejectCodeValue) as RejectCodeInfo | undefined) ?? rejectInfo(RejectCode.INTERNAL)
  );
}

/** A WebSocket close reason: printable ASCII, at most 123 bytes. */
function closeReason(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 123 ? clean.slice(0, 123) : clean;
}

const sharedInbound = new FixMessage();
let inboundInUse = false;

// One encoder for all the sessions of this thread: sending is synchronous, so one
// message is built at a time; `encoderOwner` catches a message begun inside another.
const MIN_ENCODER_CAPACITY = 16 * 1024;
/** Room beyond an echoed inbound value (TestReqID) for our header and fields. */
const ENCODER_HEADROOM = 1024;
let encoder = new FixEncoder(MIN_ENCODER_CAPACITY);
let encoderCapacity = MIN_ENCODER_CAPACITY;
let encoderOwner: FixSession | null = null;

function ensureEncoderCapacity(capacity: number): void {
  if (capacity <= encoderCapacity || encoderOwner !== null) return;
  encoder = new FixEncoder(capacity);
  encoderCapacity = capacity;
}

const Y = 0x59;
/** The longest MsgType echoed in 372. */
const MAX_REF_MSG_TYPE = 32;
const LOGOUT_ACKNOWLEDGED = 'Logout acknowledged';

export class FixSession {
  readonly counters: SessionCounters = newCounters();
  readonly options: ResolvedSessionOptions;
  private readonly transport: SessionTransport;
  private readonly authenticator: LogonAuthenticator;
  private readonly app: SessionApplication;
  private readonly timers: SessionTimers;

  private stateValue: SessionState = 'awaiting-logon';
  private endReasonValue: string | null = null;
  /** The client's CompID as bytes: our 56 and what its 49 must be. Known from a Logon with a valid 49. */
  private peerCompId: Buffer | null = null;
  private senderCompIdValue: string | null = null;
  private keyIdValue: string | null = null;
  private keyValue: ApiKeyState | null = null;
  private claimed = false;
  private cancelOnDisconnectValue = false;
  private heartBtIntValue = 0;
  private heartBtIntMs = 0;
  private testRequestAfterMs = 0;

  private nextOutSeq = 1;
  private nextInSeq = 1;
  private lastSentMs = 0;
  private lastReceivedMs = 0;
  /** When our unanswered TestRequest went out, or -1. */
  private testRequestSentMs = -1;
  private testRequestId = 0;
  private buildingNow = 0;

  private logonTimer: unknown = null;
  private logonTimerSet = false;
  private heartbeatTimer: unknown = null;
  private heartbeatTimerSet = false;
  private readonly logonTimeoutCallback = (): void => this.onLogonTimeout();
  private readonly heartbeatCallback = (): void => this.onHeartbeatTimer();

  constructor(
    options: FixSessionOptions | ResolvedSessionOptions,
    transport: SessionTransport,
    authenticator: LogonAuthenticator,
    app: SessionApplication,
    timers: SessionTimers,
  ) {
    this.options = 'maxFrameBytes' in options ? options : resolveSessionOptions(options);
    this.transport = transport;
    this.authenticator = authenticator;
    this.app = app;
    this.timers = timers;
    ensureEncoderCapacity(this.options.maxMessageBytes + ENCODER_HEADROOM);
    this.logonTimer = timers.setTimeout(this.logonTimeoutCallback, this.options.logonTimeoutMs);
    this.logonTimerSet = true;
  }

  get state(): SessionState {
    return this.stateValue;
  }

  /** The client's SenderCompID once logged on, else null. */
  get senderCompId(): string | null {
    return this.senderCompIdValue;
  }

  /** The Logon's key id (553) once logged on, else null. */
  get keyId(): string | null {
    return this.keyIdValue;
  }

  /** The authenticated key once logged on, else null. */
  get key(): ApiKeyState | null {
    return this.keyValue;
  }

  /** Cancel the session's live orders when it ends: the Logon's 8013, else the key's, else the option. */
  get cancelOnDisconnect(): boolean {
    return this.cancelOnDisconnectValue;
  }

  /** The Logon's HeartBtInt (108), in seconds; 0 before the Logon. */
  get heartBtInt(): number {
    return this.heartBtIntValue;
  }

  /** The MsgSeqNum (34) our next message will carry. */
  get nextOutboundSeqNum(): number {
    return this.nextOutSeq;
  }

  /** The MsgSeqNum (34) the client's next message must carry. */
  get nextInboundSeqNum(): number {
    return this.nextInSeq;
  }

  /** When the message being handled arrived (Unix ms, from the session's clock): one clock read per message. */
  get receivedAtMs(): number {
    return this.lastReceivedMs;
  }

  /** Why the session ended, or null while it lives. */
  get endReason(): string | null {
    return this.endReasonValue;
  }

  /** A WebSocket frame holding one or more complete FIX messages. */
  onFrame(bytes: Uint8Array): void {
    if (this.stateValue !== 'awaiting-logon' && this.stateValue !== 'active') return;
    const counters = this.counters;
    counters.framesIn++;
    counters.bytesIn += bytes.length;
    if (bytes.length > this.options.maxFrameBytes) {
      this.closeTooLarge(`PAYLOAD_TOO_LARGE: frame larger than ${this.options.maxFrameBytes} bytes`);
      return;
    }
    try {
      this.handleFrame(bytes);
    } catch (error) {
      this.onInternalError(error);
    }
  }

  /** The WebSocket closed (by the client or the network). */
  onTransportClosed(): void {
    this.finish(false, 0, '', 'transport closed');
  }

  /** Sends Logout with 58=text, then closes (1000). Nothing once the session has ended. */
  logout(text: string): void {
    this.endWithLogout(text, text, CloseCode.NORMAL);
  }

  /**
   * Sends one message: 35=msgType, 49, 56, 34, 52, then what `write` appends. False when
   * the session has ended. `write` must not send another message.
   */
  sendMessage(msgType: string, write: (enc: FixEncoder) => void): boolean {
    const enc = this.beginMessage(msgType);
    if (enc === null) return false;
    try {
      write(enc);
    } catch (error) {
      this.abortMessage();
      throw error;
    }
    return this.endMessage();
  }

  /**
   * The closure-free form of sendMessage: writes the header and returns the encoder for
   * the body (null once the session has ended); endMessage() sends it.
   */
  beginMessage(msgType: string): FixEncoder | null {
    if (this.stateValue === 'ended') return null;
    // Every message is begun and ended within one synchronous call, so an owner still set
    // here was left by a build that threw part-way (reported where it was caught). Its
    // partial message is dropped: the encoder is shared, and keeping it locked would silence
    // every session. (A nested build still fails, at the outer endMessage.)
    if (encoderOwner !== null) encoderOwner.abortMessage();
    const now = Math.floor(this.timers.now());
    const enc = encoder;
    enc.begin(msgType).fieldBytes(Tag.SenderCompID, this.options.targetCompIdBytes);
    if (this.peerCompId !== null) enc.fieldBytes(Tag.TargetCompID, this.peerCompId);
    enc.field(Tag.MsgSeqNum, this.nextOutSeq).fieldUtcTimestamp(Tag.SendingTime, now);
    this.buildingNow = now;
    encoderOwner = this;
    return enc;
  }

  /** Completes and sends the message beginMessage() started. */
  endMessage(): boolean {
    if (encoderOwner !== this) throw new Error('FixSession.endMessage() without beginMessage()');
    encoderOwner = null;
    const bytes = encoder.end();
    if (this.stateValue === 'ended') return false;
    this.nextOutSeq++;
    this.lastSentMs = this.buildingNow;
    this.counters.messagesOut++;
    this.transport.send(bytes);
    return true;
  }

  /** Drops the message beginMessage() started (e.g. a field threw). */
  abortMessage(): void {
    if (encoderOwner === this) encoderOwner = null;
  }

  /**
   * Reject 35=3: 45=refSeqNum, 371=refTagId (left out when 0), 373=sessionRejectReason
   * (1 required tag missing, 5 value incorrect, 6 incorrect data format...), 58=text.
   */
  sendReject(refSeqNum: number, refTagId: number, sessionRejectReason: number, text: string): boolean {
    const enc = this.beginMessage(MsgType.Reject);
    if (enc === null) return false;
    try {
      enc.field(Tag.RefSeqNum, refSeqNum);
      if (refTagId > 0) enc.field(Tag.RefTagID, refTagId);
      enc.field(Tag.SessionRejectReason, sessionRejectReason);
      if (text.length > 0) enc.field(Tag.Text, text);
    } catch (error) {
      this.abortMessage();
      throw error;
    }
    this.counters.rejects++;
    return this.endMessage();
  }

  /** BusinessMessageReject 35=j: 45=refSeqNum, 372=refMsgType, 380=reason, 58=text. */
  sendBusinessReject(refSeqNum: number, refMsgType: string, reason380: number, text: string): boolean {
    const enc = this.beginMessage(MsgType.BusinessMessageReject);
    if (enc === null) return false;
    try {
      enc.field(Tag.RefSeqNum, refSeqNum).field(Tag.RefMsgType, refMsgType);
      enc.field(Tag.BusinessRejectReason, reason380);
      if (text.length > 0) enc.field(Tag.Text, text);
    } catch (error) {
      this.abortMessage();
      throw error;
    }
    this.counters.businessRejects++;
    return this.endMessage();
  }

  // ---- inbound ----

  private handleFrame(bytes: Uint8Array): void {
    // One message view for all the sessions of the thread (7 KiB of tables each would be the
    // bulk of an idle session): frames are handled one at a time. Should a frame ever be
    // handled inside another's handling, it gets a view of its own.
    const msg = inboundInUse ? new FixMessage() : sharedInbound;
    const outermost = !inboundInUse;
    inboundInUse = true;
    try {
      this.parseFrame(bytes, msg);
    } finally {
      if (outermost) inboundInUse = false;
    }
  }

  private parseFrame(bytes: Uint8Array, msg: FixMessage): void {
    const maxMessageBytes = this.options.maxMessageBytes;
    let offset = 0;
    while (offset < bytes.length) {
      const state = this.stateValue;
      if (state !== 'awaiting-logon' && state !== 'active') return;
      const end = parseNext(bytes, offset, msg);
      if (end < 0) {
        const error = end as ParseErrorValue;
        const frameEnd = msg.frameEnd;
        if (isGarbled(error) || frameEnd < 0) {
          this.onGarbled(error);
          return;
        }
        if (frameEnd - offset > maxMessageBytes) {
          this.closeTooLarge(`PAYLOAD_TOO_LARGE: message larger than ${maxMessageBytes} bytes`);
          return;
        }
        this.counters.messagesIn++;
        this.onMalformed(msg, error);
        offset = frameEnd;
        continue;
      }
      if (end - offset > maxMessageBytes) {
        this.closeTooLarge(`PAYLOAD_TOO_LARGE: message larger than ${maxMessageBytes} bytes`);
        return;
      }
      this.counters.messagesIn++;
      if (state === 'active') this.onSessionMessage(msg);
      else this.onFirstMessage(msg);
      offset = end;
    }
  }

  /** Bad 8/9/10 or not tag=value: the session ends (SPEC section 5). */
  private onGarbled(error: ParseErrorValue): void {
    this.counters.garbled++;
    if (this.stateValue === 'awaiting-logon') this.logonFailed(null, RejectCode.INVALID_REQUEST);
    this.logout(`Garbled message: ${parseErrorText(error)}`);
  }

  /** Framing intact, but a tag repeats or there are too many fields. */
  private onMalformed(msg: FixMessage, error: ParseErrorValue): void {
    const tag = msg.errorTag;
    const what = tag > 0 ? `${parseErrorText(error)} (tag ${tag})` : parseErrorText(error);
    if (this.stateValue === 'awaiting-logon') {
      this.logonFailed(null, RejectCode.INVALID_REQUEST);
      this.logout(rejectText(RejectCode.INVALID_REQUEST, what));
      return;
    }
    const seq = msg.getInt(Tag.MsgSeqNum);
    if (!Number.isNaN(seq) && seq !== this.nextInSeq) {
      this.onBadSequence(seq);
      return;
    }
    const refSeqNum = this.nextInSeq;
    this.received();
    const reason =
      error === ParseError.DUPLICATE_TAG ? SessionRejectReason.TagAppearsMoreThanOnce : SESSION_REJECT_OTHER;
    this.sendReject(refSeqNum, tag, reason, rejectText(RejectCode.INVALID_REQUEST, what));
  }

  private onBadSequence(seq: number): void {
    const expected = this.nextInSeq;
    if (Number.isNaN(seq)) this.logout('MsgSeqNum (34) missing or not a number');
    else if (seq < expected) this.logout(`MsgSeqNum too low, expecting ${expected} but received ${seq}`);
    else this.logout(`MsgSeqNum too high, expecting ${expected} but received ${seq}`);
  }

  /** An in-sequence message arrived: consume its number; it answers any TestRequest. */
  private received(): void {
    this.nextInSeq++;
    this.lastReceivedMs = this.timers.now();
    this.testRequestSentMs = -1;
  }

  /** A well-framed message on an active session. */
  private onSessionMessage(msg: FixMessage): void {
    const peer = this.peerCompId!;
    if (
      !msg.equals(Tag.SenderCompID, peer) ||
      !msg.equals(Tag.TargetCompID, this.options.targetCompIdBytes)
    ) {
      this.logout(`CompID problem: 49 must be ${this.senderCompIdValue} and 56 ${this.options.targetCompId}`);
      return;
    }
    const seq = msg.getInt(Tag.MsgSeqNum);
    if (seq !== this.nextInSeq) {
      this.onBadSequence(seq);
      return;
    }
    this.received();
    if (!msg.has(Tag.SendingTime)) {
      this.sendReject(
        seq,
        Tag.SendingTime,
        SessionRejectReason.RequiredTagMissing,
        'INVALID_REQUEST: SendingTime (52) is missing',
      );
      return;
    }
    if (Number.isNaN(msg.getUtcTimestampMs(Tag.SendingTime))) {
      this.sendReject(
        seq,
        Tag.SendingTime,
        SessionRejectReason.IncorrectDataFormat,
        'INVALID_REQUEST: SendingTime (52) is not a UTCTimestamp',
      );
      return;
    }
    if (msg.getChar(Tag.PossDupFlag) === Y) {
      this.sendReject(
        seq,
        Tag.PossDupFlag,
        SessionRejectReason.ValueIncorrect,
        'INVALID_REQUEST: PossDupFlag messages are not accepted',
      );
      return;
    }
    const msgType = msg.getChar(Tag.MsgType);
    switch (msgType) {
      case MsgTypeByte.NewOrderSingle:
      case MsgTypeByte.OrderCancelRequest:
      case MsgTypeByte.OrderCancelReplaceRequest:
      case MsgTypeByte.OrderMassCancelRequest:
        this.counters.applicationMessagesIn++;
        this.app.onMessage(this, msg, msgType, seq);
        return;
      case MsgTypeByte.Heartbeat:
        return;
      case MsgTypeByte.TestRequest:
        this.answerTestRequest(msg, seq);
        return;
      case MsgTypeByte.Logout:
        this.endWithLogout(LOGOUT_ACKNOWLEDGED, 'client logout', CloseCode.NORMAL);
        return;
      case MsgTypeByte.Logon:
        this.sendReject(
          seq,
          Tag.MsgType,
          SessionRejectReason.ValueIncorrect,
          'INVALID_REQUEST: the session is already logged on',
        );
        return;
      case MsgTypeByte.Reject:
      case MsgTypeByte.BusinessMessageReject:
        this.counters.rejectsIn++;
        return;
      case MsgTypeByte.ResendRequest:
        this.rejectMsgType(
          msg,
          seq,
          'INVALID_REQUEST: ResendRequest is not supported; log on again with 141=Y',
        );
        return;
      case MsgTypeByte.SequenceReset:
        this.rejectMsgType(
          msg,
          seq,
          'INVALID_REQUEST: SequenceReset is not supported; log on again with 141=Y',
        );
        return;
      default:
        this.rejectMsgType(msg, seq, 'INVALID_REQUEST: unsupported MsgType');
    }
  }

  private answerTestRequest(msg: FixMessage, seq: number): void {
    const start = msg.valueStart(Tag.TestReqID);
    if (start < 0) {
      this.sendReject(
        seq,
        Tag.TestReqID,
        SessionRejectReason.RequiredTagMissing,
        'INVALID_REQUEST: TestReqID (112) is missing',
      );
      return;
    }
    const enc = this.beginMessage(MsgType.Heartbeat);
    if (enc === null) return;
    try {
      enc.fieldBytes(Tag.TestReqID, msg.buffer, start, msg.valueEnd(Tag.TestReqID));
    } catch (error) {
      this.abortMessage();
      throw error;
    }
    this.counters.heartbeatsOut++;
    this.endMessage();
  }

  /** BusinessMessageReject 380=3, echoing the MsgType straight from the frame. */
  private rejectMsgType(msg: FixMessage, seq: number, text: string): void {
    const enc = this.beginMessage(MsgType.BusinessMessageReject);
    if (enc === null) return;
    try {
      const start = msg.valueStart(Tag.MsgType);
      const end = Math.min(msg.valueEnd(Tag.MsgType), start + MAX_REF_MSG_TYPE);
      enc.field(Tag.RefSeqNum, seq).fieldBytes(Tag.RefMsgType, msg.buffer, start, end);
      enc.field(Tag.BusinessRejectReason, BusinessRejectReason.UnsupportedMessageType).field(Tag.Text, text);
    } catch (error) {
      this.abortMessage();
      throw error;
    }
    this.counters.businessRejects++;
    this.endMessage();
  }

  // ---- Logon ----

  private onFirstMessage(msg: FixMessage): void {
    const start = msg.valueStart(Tag.SenderCompID);
    const end = msg.valueEnd(Tag.SenderCompID);
    // Address our answer (even a refusal) to the client's CompID when it is a valid one.
    if (start >= 0 && isCompId(msg.buffer, start, end)) {
      this.peerCompId = Buffer.from(msg.buffer.subarray(start, end));
    }
    if (msg.getChar(Tag.MsgType) !== MsgTypeByte.Logon) {
      this.logonFailed(null, RejectCode.AUTH_MISSING);
      this.refuseLogon(RejectCode.AUTH_MISSING, 'the first message must be a Logon');
      return;
    }
    const now = this.timers.now();
    const check = readLogon(msg, this.options, now);
    if (!check.ok) {
      // A stale SendingTime or a key that does not exist also counts against the key named;
      // a Logon malformed otherwise against the address alone.
      const againstKey =
        check.code === RejectCode.TIMESTAMP_OUT_OF_WINDOW || check.code === RejectCode.AUTH_UNKNOWN_KEY;
      this.logonFailed(againstKey ? (msg.getAscii(Tag.Username) ?? null) : null, check.code);
      this.refuseLogon(check.code, check.text);
      return;
    }
    const request = check.request;
    const { verdict, key } = this.authenticator.authenticate(
      request.keyId,
      request.signedBytes,
      request.signature,
      request.senderCompId,
      now,
    );
    if (verdict !== PASS) {
      // authenticate() counted it toward the lockout itself.
      this.counters.logonFailures++;
      this.refuseLogon(verdict, undefined);
      return;
    }
    if (!this.authenticator.claim(request.keyId, request.senderCompId)) {
      this.logonFailed(null, RejectCode.INVALID_REQUEST);
      this.refuseLogon(
        RejectCode.INVALID_REQUEST,
        `SenderCompID ${request.senderCompId} is already logged on with this key`,
      );
      return;
    }
    this.claimed = true;
    this.keyIdValue = request.keyId;
    this.keyValue = key;
    this.senderCompIdValue = request.senderCompId;
    this.cancelOnDisconnectValue =
      request.cancelOnDisconnect ?? key?.cancelOnDisconnect ?? this.options.cancelOnDisconnectDefault;
    this.heartBtIntValue = request.heartBtInt;
    this.heartBtIntMs = request.heartBtInt * 1000;
    this.testRequestAfterMs = request.heartBtInt * 1200;
    this.clearLogonTimer();
    this.stateValue = 'active';
    this.nextInSeq = 2;
    this.lastReceivedMs = now;
    const enc = this.beginMessage(MsgType.Logon);
    if (enc === null) return;
    enc.field(Tag.EncryptMethod, 0).field(Tag.HeartBtInt, request.heartBtInt).field(Tag.ResetSeqNumFlag, 'Y');
    // 8013 is a user-defined tag: echoed only to a client that sent it. One whose dictionary
    // lacks it (QuickFIX's stock FIX44.xml) would reject the whole Logon answer for it.
    if (request.cancelOnDisconnect !== null)
      enc.field(Tag.CancelOnDisconnect, this.cancelOnDisconnectValue ? 'Y' : 'N');
    this.endMessage();
    this.scheduleHeartbeat(now);
    this.app.onLogon(this);
  }

  /** A Logon failure decided here: counted, and told to the lockout (per address, and per key when given). */
  private logonFailed(keyId: string | null, code: number): void {
    this.counters.logonFailures++;
    this.authenticator.recordFailure?.(keyId, code, this.timers.now());
  }

  /** Logout with the code in 58 (the failure already counted by the caller). */
  private refuseLogon(code: number, text: string | undefined): void {
    const info = codeInfo(code);
    this.logout(`${info.code}: ${text ?? info.message}`);
  }

  private onLogonTimeout(): void {
    this.logonTimerSet = false;
    if (this.stateValue !== 'awaiting-logon') return;
    this.logonFailed(null, RejectCode.AUTH_MISSING);
    try {
      this.endWithLogout(
        rejectText(RejectCode.AUTH_MISSING, `no Logon within ${this.options.logonTimeoutMs} ms`),
        'logon timeout',
        CloseCode.NORMAL,
      );
    } catch (error) {
      this.onInternalError(error);
    }
  }

  private clearLogonTimer(): void {
    if (!this.logonTimerSet) return;
    this.logonTimerSet = false;
    this.timers.clearTimeout(this.logonTimer);
    this.logonTimer = null;
  }

  // ---- heartbeats ----

  /**
   * One timer, set for the earliest deadline. Deadlines only move later as messages flow
   * (they are not re-armed per message), so a timer that fires early just re-arms itself.
   */
  private scheduleHeartbeat(now: number): void {
    const sendDue = this.lastSentMs + this.heartBtIntMs;
    const receiveDue =
      this.testRequestSentMs >= 0
        ? this.testRequestSentMs + this.heartBtIntMs
        : this.lastReceivedMs + this.testRequestAfterMs;
    const due = sendDue < receiveDue ? sendDue : receiveDue;
    this.heartbeatTimer = this.timers.setTimeout(this.heartbeatCallback, due > now ? due - now : 0);
    this.heartbeatTimerSet = true;
  }

  private onHeartbeatTimer(): void {
    this.heartbeatTimerSet = false;
    this.heartbeatTimer = null;
    if (this.stateValue !== 'active') return;
    try {
      const now = this.timers.now();
      if (this.testRequestSentMs >= 0) {
        if (now - this.testRequestSentMs >= this.heartBtIntMs) {
          this.endWithLogout(
            'Heartbeat timeout: no answer to TestRequest',
            'heartbeat timeout',
            CloseCode.NORMAL,
          );
          return;
        }
      } else if (now - this.lastReceivedMs >= this.testRequestAfterMs) {
        const enc = this.beginMessage(MsgType.TestRequest);
        if (enc === null) return;
        enc.field(Tag.TestReqID, ++this.testRequestId);
        this.testRequestSentMs = now;
        this.counters.testRequestsOut++;
        this.endMessage();
      }
      if (now - this.lastSentMs >= this.heartBtIntMs) {
        if (this.beginMessage(MsgType.Heartbeat) === null) return;
        this.counters.heartbeatsOut++;
        this.endMessage();
      }
      this.scheduleHeartbeat(now);
    } catch (error) {
      this.onInternalError(error);
    }
  }

  // ---- ending ----

  private endWithLogout(text: string, endReason: string, code: number): void {
    const state = this.stateValue;
    if (state === 'ended' || state === 'logging-out') return;
    this.stateValue = 'logging-out';
    try {
      const enc = this.beginMessage(MsgType.Logout);
      if (enc !== null) {
        try {
          if (text.length > 0) enc.field(Tag.Text, text);
        } catch (error) {
          this.abortMessage();
          throw error;
        }
        this.endMessage();
      }
    } finally {
      this.finish(true, code, text, endReason);
    }
  }

  private closeTooLarge(text: string): void {
    this.counters.tooLarge++;
    this.finish(true, CloseCode.MESSAGE_TOO_BIG, text, text);
  }

  private onInternalError(error: unknown): void {
    this.counters.internalErrors++;
    // Whatever was being built (by any session) was abandoned by the exception.
    encoderOwner = null;
    if (this.stateValue === 'ended') return;
    const reason = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    try {
      this.endWithLogout(rejectText(RejectCode.INTERNAL), reason, CloseCode.INTERNAL_ERROR);
    } catch {
      this.finish(true, CloseCode.INTERNAL_ERROR, 'INTERNAL: internal error', reason);
    }
  }

  /** The one way out: timers stopped, SenderCompID released, transport closed, app told once. */
  private finish(close: boolean, code: number, reason: string, endReason: string): void {
    if (this.stateValue === 'ended') return;
    this.stateValue = 'ended';
    this.endReasonValue = endReason;
    this.clearLogonTimer();
    if (this.heartbeatTimerSet) {
      this.heartbeatTimerSet = false;
      this.timers.clearTimeout(this.heartbeatTimer);
      this.heartbeatTimer = null;
    }
    try {
      if (this.claimed) {
        this.claimed = false;
        this.authenticator.release(this.keyIdValue!, this.senderCompIdValue!);
      }
    } finally {
      try {
        if (close) this.transport.close(code, closeReason(reason));
      } finally {
        this.app.onEnd(this, endReason);
      }
    }
  }
}
