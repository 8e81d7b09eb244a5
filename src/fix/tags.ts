// The FIX 4.4 tags and enumerated values portcullis reads or writes (SPEC
// section 5), named as in the FIX dictionary. Numbers, not strings, so the
// parser's direct-index table and the encoder's digit writer use them as is.

export const Tag = {
  Account: 1,
  AvgPx: 6,
  BeginString: 8,
  BodyLength: 9,
  CheckSum: 10,
  ClOrdID: 11,
  CumQty: 14,
  ExecID: 17,
  ExecInst: 18,
  LastPx: 31,
  LastQty: 32,
  MsgSeqNum: 34,
  MsgType: 35,
  OrderID: 37,
  OrderQty: 38,
  OrdStatus: 39,
  OrdType: 40,
  OrigClOrdID: 41,
  PossDupFlag: 43,
  Price: 44,
  RefSeqNum: 45,
  SenderCompID: 49,
  SendingTime: 52,
  Side: 54,
  Symbol: 55,
  TargetCompID: 56,
  Text: 58,
  TimeInForce: 59,
  TransactTime: 60,
  RawDataLength: 95,
  RawData: 96,
  PossResend: 97,
  EncryptMethod: 98,
  CxlRejReason: 102,
  OrdRejReason: 103,
  HeartBtInt: 108,
  TestReqID: 112,
  ResetSeqNumFlag: 141,
  ExecType: 150,
  LeavesQty: 151,
  RefTagID: 371,
  RefMsgType: 372,
  SessionRejectReason: 373,
  BusinessRejectReason: 380,
  CxlRejResponseTo: 434,
  MassCancelRequestType: 530,
  MassCancelResponse: 531,
  TotalAffectedOrders: 533,
  Username: 553,
  /** Not in FIX 4.4: our Logon's cancel-on-disconnect switch (Y|N). */
  CancelOnDisconnect: 8013,
} as const;
export type TagValue = (typeof Tag)[keyof typeof Tag];

/** MsgType (35) values, as the encoder writes them. All of ours are one character. */
export const MsgType = {
  Heartbeat: '0',
  TestRequest: '1',
  ResendRequest: '2',
  Reject: '3',
  SequenceReset: '4',
  Logout: '5',
  ExecutionReport: '8',
  OrderCancelReject: '9',
  Logon: 'A',
  NewOrderSingle: 'D',
  OrderCancelRequest: 'F',
  OrderCancelReplaceRequest: 'G',
  BusinessMessageReject: 'j',
  OrderMassCancelRequest: 'q',
  OrderMassCancelReport: 'r',
} as const;
export type MsgTypeValue = (typeof MsgType)[keyof typeof MsgType];

/**
 * The same MsgTypes as byte values, for comparing with `FixMessage.getChar(Tag.MsgType)`
 * without creating a string.
 */
export const MsgTypeByte = {
  Heartbeat: 0x30,
  TestRequest: 0x31,
  ResendRequest: 0x32,
  Reject: 0x33,
  SequenceReset: 0x34,
  Logout: 0x35,
  ExecutionReport: 0x38,
  OrderCancelReject: 0x39,
  Logon: 0x41,
  NewOrderSingle: 0x44,
  OrderCancelRequest: 0x46,
  OrderCancelReplaceRequest: 0x47,
  BusinessMessageReject: 0x6a,
  OrderMassCancelRequest: 0x71,
  OrderMassCancelReport: 0x72,
} as const satisfies Record<keyof typeof MsgType, number>;

/** SessionRejectReason (373) values a Reject 35=3 carries (SPEC section 5, plus 13 for a repeated tag). */
export const SessionRejectReason = {
  RequiredTagMissing: 1,
  ValueIncorrect: 5,
  IncorrectDataFormat: 6,
  TagAppearsMoreThanOnce: 13,
} as const;
