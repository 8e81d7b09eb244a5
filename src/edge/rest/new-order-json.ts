// The usual POST /api/v1/orders body, read straight from its bytes.
//
// Nearly every order body is a flat JSON object of short ASCII strings that
// passes the schema. JSON.parse alone costs about 0.9 µs for it, and the
// schema check and conversions add more, making objects and strings that are
// dropped at once; reading the bytes costs about 0.35 µs and leaves byte
// ranges for the exact decimal parser.
//
// The fast path accepts only a body that NEW_ORDER_BODY accepts, and declines
// everything else: escapes, non-ASCII, whitespace inside values, unknown or
// repeated fields, any value the schema refuses. The general path (JSON.parse,
// checkBody) then decides and words the error, so every body gets the same
// answer either way.

import {
  isClOrdIdBytes,
  OrderType,
  type OrderTypeValue,
  Side,
  type SideValue,
  TimeInForce,
  type TimeInForceValue,
} from '../../pipeline/request.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;

enum Field {
  ClOrdId = 1,
  Symbol = 2,
  Side = 4,
  Type = 8,
  Qty = 16,
  Price = 32,
  Tif = 64,
  PostOnly = 128,
}
const REQUIRED = Field.ClOrdId | Field.Symbol | Field.Side | Field.Type | Field.Qty;
/** NEW_ORDER_BODY's maxLength of a decimal (qty, price) and of a symbol. */
const MAX_DECIMAL = 40;
const MAX_SYMBOL = 32;

/** 1 for the bytes of NEW_ORDER_BODY's symbol pattern, [A-Za-z0-9._-]. */
const SYMBOL_BYTE = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-')
  SYMBOL_BYTE[c.charCodeAt(0)] = 1;

/** 1 for the bytes a fast-path string may hold: printable ASCII but the quote and the backslash. */
const PLAIN_BYTE = new Uint8Array(256);
for (let c = 0x20; c <= 0x7e; c++) if (c !== QUOTE && c !== BACKSLASH) PLAIN_BYTE[c] = 1;

/** Up to four bytes at `at` as one little-endian number (0 for the bytes past `end`). */
function pack(buf: Uint8Array, at: number, end: number): number {
  let value = 0;
  for (let k = Math.min(end - at, 4) - 1; k >= 0; k--) value = (value << 8) | buf[at + k]!;
  return value;
}

/** An ASCII word of up to eight bytes, packed for a compare of two numbers, and what it stands for. */
interface Word {
  length: number;
  head: number;
  tail: number;
  value: number;
}

function word(text: string, value = 1): Word {
  const bytes = Buffer.from(text, 'latin1');
  return {
    length: bytes.length,
    head: pack(bytes, 0, bytes.length),
    tail: pack(bytes, 4, bytes.length),
    value,
  };
}

/** The value of the word buf[start, end) is among `words`, or 0 if it is none of them. */
function wordValue(buf: Uint8Array, start: number, end: number, words: readonly Word[]): number {
  const length = end - start;
  const head = pack(buf, start, end);
  const tail = pack(buf, start + 4, end);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.length === length && w.head === head && w.tail === tail) return w.value;
  }
  return 0;
}

const FIELDS = [
  word('clOrdId', Field.ClOrdId),
  word('symbol', Field.Symbol),
  word('side', Field.Side),
  word('type', Field.Type),
  word('qty', Field.Qty),
  word('price', Field.Price),
  word('tif', Field.Tif),
  word('postOnly', Field.PostOnly),
];
const SIDES = [word('buy', Side.BUY), word('sell', Side.SELL)];
const TYPES = [word('limit', OrderType.LIMIT), word('market', OrderType.MARKET)];
const TIFS = [
  word('GTC', TimeInForce.GTC),
  word('IOC', TimeInForce.IOC),
  word('FOK', TimeInForce.FOK),
  word('DAY', TimeInForce.DAY),
];
const TRUE = [word('true')];
const FALSE = [word('false')];

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** NEW_ORDER_BODY's decimal pattern, (0|[1-9][0-9]*)(\.[0-9]+)?, and its maxLength. */
function isDecimal(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start < 1 || end - start > MAX_DECIMAL) return false;
  let p = start;
  const first = buf[p]!;
  if (first === ZERO) p++;
  else {
    if (first < 0x31 || first > NINE) return false;
    while (p < end && buf[p]! >= ZERO && buf[p]! <= NINE) p++;
  }
  if (p === end) return true;
  if (buf[p] !== DOT || p + 1 === end) return false;
  for (p++; p < end; p++) if (buf[p]! < ZERO || buf[p]! > NINE) return false;
  return true;
}

function isSymbol(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start < 1 || end - start > MAX_SYMBOL) return false;
  for (let p = start; p < end; p++) if (SYMBOL_BYTE[buf[p]!] === 0) return false;
  return true;
}

/** One reader per REST API, reused: read() fills it from a body, valid until the next read(). */
export class NewOrderJson {
  clOrdIdStart = 0;
  clOrdIdEnd = 0;
  symbolStart = 0;
  symbolEnd = 0;
  side: SideValue = Side.BUY;
  type: OrderTypeValue = OrderType.LIMIT;
  tif: TimeInForceValue = TimeInForce.GTC;
  postOnly = false;
  qtyStart = 0;
  qtyEnd = 0;
  /** -1 when the body has no price. */
  priceStart = -1;
  priceEnd = -1;

  /** Reads a body the schema accepts; false to leave it to the general path. */
  read(buf: Uint8Array): boolean {
    const length = buf.length;
    let p = 0;
    while (p < length && isWhitespace(buf[p]!)) p++;
    if (buf[p] !== OPEN) return false;
    p++;
    let seen = 0;
    this.tif = TimeInForce.GTC;
    this.postOnly = false;
    this.priceStart = -1;
    this.priceEnd = -1;
    for (;;) {
      while (p < length && isWhitespace(buf[p]!)) p++;
      // The key: plain ASCII, no escapes.
      if (buf[p] !== QUOTE) return false;
      const keyStart = ++p;
      while (p < length && buf[p] !== QUOTE) p++;
      if (p === length) return false;
      const field = wordValue(buf, keyStart, p, FIELDS);
      if (field === 0 || (seen & field) !== 0) return false;
      seen |= field;
      p++;
      while (p < length && isWhitespace(buf[p]!)) p++;
      if (buf[p] !== COLON) return false;
      p++;
      while (p < length && isWhitespace(buf[p]!)) p++;
      if (field === Field.PostOnly) {
        if (wordValue(buf, p, Math.min(p + 4, length), TRUE) !== 0) {
          this.postOnly = true;
          p += 4;
        } else if (wordValue(buf, p, Math.min(p + 5, length), FALSE) !== 0) {
          p += 5;
        } else return false;
      } else {
        // A string value of printable ASCII; anything else (escapes included) is left to JSON.parse.
        if (buf[p] !== QUOTE) return false;
        const start = ++p;
        while (p < length && PLAIN_BYTE[buf[p]!] === 1) p++;
        if (buf[p] !== QUOTE) return false;
        if (!this.setString(field, buf, start, p)) return false;
        p++;
      }
      while (p < length && isWhitespace(buf[p]!)) p++;
      if (buf[p] === COMMA) {
        p++;
        continue;
      }
      if (buf[p] !== CLOSE) return false;
      p++;
      break;
    }
    while (p < length && isWhitespace(buf[p]!)) p++;
    return p === length && (seen & REQUIRED) === REQUIRED;
  }

  /** Records a string field if the schema accepts its value. */
  private setString(field: number, buf: Uint8Array, start: number, end: number): boolean {
    switch (field) {
      case Field.ClOrdId:
        this.clOrdIdStart = start;
        this.clOrdIdEnd = end;
        return isClOrdIdBytes(buf, start, end);
      case Field.Symbol:
        this.symbolStart = start;
        this.symbolEnd = end;
        return isSymbol(buf, start, end);
      case Field.Side: {
        const side = wordValue(buf, start, end, SIDES);
        this.side = side as SideValue;
        return side !== 0;
      }
      case Field.Type: {
        const type = wordValue(buf, start, end, TYPES);
        this.type = type as OrderTypeValue;
        return type !== 0;
      }
      case Field.Tif: {
        const tif = wordValue(buf, start, end, TIFS);
        this.tif = tif as TimeInForceValue;
        return tif !== 0;
      }
      case Field.Qty:
        this.qtyStart = start;
        this.qtyEnd = end;
        return isDecimal(buf, start, end);
      case Field.Price:
        this.priceStart = start;
        this.priceEnd = end;
        return isDecimal(buf, start, end);
      default:
        return false;
    }
  }
}
