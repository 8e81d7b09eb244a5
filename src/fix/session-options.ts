// The FIX session's configuration (SPEC section 2, "session"), validated and
// defaulted in one place, plus the constants the WebSocket adapter shares with
// the session: the frame limit and the close codes.

/** A frame may hold at most this many maxMessageBytes (SPEC section 5). */
export const FRAME_MESSAGE_FACTOR = 8;

/** WebSocket close codes the session asks its transport for. */
export const CloseCode = {
  /** After a Logout, whatever its reason. */
  NORMAL: 1000,
  /** A frame or a message over the limit (PAYLOAD_TOO_LARGE). */
  MESSAGE_TOO_BIG: 1009,
  /** The session or the application threw: a bug, not the client's doing. */
  INTERNAL_ERROR: 1011,
} as const;

/** The largest WebSocket frame a session accepts, in bytes; the adapter may refuse bigger ones itself. */
export function maxFrameBytes(maxMessageBytes: number): number {
  return maxMessageBytes * FRAME_MESSAGE_FACTOR;
}

export interface FixSessionOptions {
  /** Our CompID: the client's 56, our 49. */
  targetCompId: string;
  /** How far the Logon's SendingTime (52) may be from our clock, either way. */
  recvWindowMs: number;
  /** The largest HeartBtInt (108) a client may ask for, in seconds. */
  maxHeartBtInt: number;
  /** The largest FIX message, in bytes; a frame may hold FRAME_MESSAGE_FACTOR of them. */
  maxMessageBytes: number;
  /** Time from the connection to the Logon. */
  logonTimeoutMs: number;
  /** Cancel-on-disconnect when neither the Logon's 8013 nor the key says (default false). */
  cancelOnDisconnectDefault?: boolean;
}

export interface ResolvedSessionOptions {
  readonly targetCompId: string;
  /** targetCompId as bytes, to compare and write without strings. */
  readonly targetCompIdBytes: Buffer;
  readonly recvWindowMs: number;
  readonly maxHeartBtInt: number;
  readonly maxMessageBytes: number;
  readonly maxFrameBytes: number;
  readonly logonTimeoutMs: number;
  readonly cancelOnDisconnectDefault: boolean;
}

/** SPEC section 5: a SenderCompID (and our TargetCompID) is `[A-Za-z0-9_-]{1,32}`. */
export const MAX_COMP_ID_LENGTH = 32;

/** Whether buf[start, end) is a valid CompID, `[A-Za-z0-9_-]{1,32}`. */
export function isCompId(buf: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length < 1 || length > MAX_COMP_ID_LENGTH) return false;
  for (let p = start; p < end; p++) {
    const c = buf[p]!;
    const ok =
      (c >= 0x30 && c <= 0x39) || // 0-9
      (c >= 0x41 && c <= 0x5a) || // A-Z
      (c >= 0x61 && c <= 0x7a) || // a-z
      c === 0x5f || // _
      c === 0x2d; // -
    if (!ok) return false;
  }
  return true;
}

function positiveInteger(name: string, value: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new RangeError(`FixSession option ${name} must be an integer in 1..${max}, got ${value}`);
  }
  return value;
}

/** Validates and defaults the options; throws RangeError on a bad one (a configuration bug). */
export function resolveSessionOptions(options: FixSessionOptions): ResolvedSessionOptions {
  const targetCompIdBytes = Buffer.from(options.targetCompId, 'latin1');
  if (
    Buffer.byteLength(options.targetCompId, 'utf8') !== targetCompIdBytes.length ||
    !isCompId(targetCompIdBytes, 0, targetCompIdBytes.length)
  ) {
    throw new RangeError(`FixSession option targetCompId must match [A-Za-z0-9_-]{1,32}`);
  }
  const maxMessageBytes = positiveInteger('maxMessageBytes', options.maxMessageBytes, 1 << 24);
  if (maxMessageBytes < 64) throw new RangeError('FixSession option maxMessageBytes must be at least 64');
  return Object.freeze({
    targetCompId: options.targetCompId,
    targetCompIdBytes,
    recvWindowMs: positiveInteger('recvWindowMs', options.recvWindowMs, 86_400_000),
    maxHeartBtInt: positiveInteger('maxHeartBtInt', options.maxHeartBtInt, 86_400),
    maxMessageBytes,
    maxFrameBytes: maxFrameBytes(maxMessageBytes),
    logonTimeoutMs: positiveInteger('logonTimeoutMs', options.logonTimeoutMs, 86_400_000),
    cancelOnDisconnectDefault: options.cancelOnDisconnectDefault ?? false,
  });
}
