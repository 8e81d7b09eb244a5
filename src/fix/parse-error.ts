// Why a FIX message could not be parsed. Negative, so that parseNext's result
// is either the end offset of a message (>= 0) or one of these, with no
// exception and no allocation. The session turns a code into the Logout's 58
// text (garbled message: SPEC section 5) or, for a message whose framing is
// intact, into a Reject 35=3 with 371/373.

export const ParseError = {
  /** The buffer ended inside the header (BeginString or BodyLength), or there was nothing to parse. */
  TRUNCATED: -1,
  /** The message does not start with tag 8. */
  BEGIN_STRING_NOT_FIRST: -2,
  /** 8 is not FIX.4.4. */
  BAD_BEGIN_STRING: -3,
  /** The second field is not 9. */
  BODY_LENGTH_NOT_SECOND: -4,
  /** 9 is not a plain non-negative integer (or is absurdly large). */
  BAD_BODY_LENGTH: -5,
  /** There is a CheckSum field, but not where BodyLength says it is. */
  BODY_LENGTH_MISMATCH: -6,
  /** The third field is not 35. */
  MSG_TYPE_NOT_THIRD: -7,
  /** No CheckSum (10) field at all. */
  CHECKSUM_MISSING: -8,
  /** 10 is not exactly three digits followed by SOH. */
  BAD_CHECKSUM_FORMAT: -9,
  /** 10 does not match the sum of the bytes before it. */
  CHECKSUM_MISMATCH: -10,
  /** A field with no '=' before its SOH. */
  MISSING_EQUALS: -11,
  /** A tag that is empty, not all digits, has a leading zero or is too large. */
  BAD_TAG: -12,
  /** tag= with nothing after the '='. */
  EMPTY_VALUE: -13,
  /** More fields than the FixMessage has room for (framing is intact). */
  TOO_MANY_FIELDS: -14,
  /** A tag seen twice; we use no repeating groups (framing is intact). */
  DUPLICATE_TAG: -15,
} as const;
export type ParseErrorValue = (typeof ParseError)[keyof typeof ParseError];

const TEXT: Record<ParseErrorValue, string> = {
  [ParseError.TRUNCATED]: 'Message truncated',
  [ParseError.BEGIN_STRING_NOT_FIRST]: 'BeginString (8) must be the first field',
  [ParseError.BAD_BEGIN_STRING]: 'BeginString (8) must be FIX.4.4',
  [ParseError.BODY_LENGTH_NOT_SECOND]: 'BodyLength (9) must be the second field',
  [ParseError.BAD_BODY_LENGTH]: 'BodyLength (9) is not a valid length',
  [ParseError.BODY_LENGTH_MISMATCH]: 'BodyLength (9) does not match the message',
  [ParseError.MSG_TYPE_NOT_THIRD]: 'MsgType (35) must be the third field',
  [ParseError.CHECKSUM_MISSING]: 'CheckSum (10) missing',
  [ParseError.BAD_CHECKSUM_FORMAT]: 'CheckSum (10) must be three digits',
  [ParseError.CHECKSUM_MISMATCH]: 'CheckSum (10) is wrong',
  [ParseError.MISSING_EQUALS]: "Field is not tag=value (no '=')",
  [ParseError.BAD_TAG]: 'Field is not tag=value (bad tag)',
  [ParseError.EMPTY_VALUE]: 'Tag specified without a value',
  [ParseError.TOO_MANY_FIELDS]: 'Too many fields',
  [ParseError.DUPLICATE_TAG]: 'Tag appears more than once',
};

/** A fixed text for Logout/Reject 58; the caller may append the tag (FixMessage.errorTag). */
export function parseErrorText(error: ParseErrorValue): string {
  return TEXT[error];
}

/**
 * Garbled in SPEC section 5's sense (bad 8/9/10, not tag=value): the session must end.
 * The other errors leave the message's framing intact (FixMessage.frameEnd >= 0), so the
 * session may Reject it and go on with the next message.
 */
export function isGarbled(error: ParseErrorValue): boolean {
  return error !== ParseError.TOO_MANY_FIELDS && error !== ParseError.DUPLICATE_TAG;
}
