// A fast path for the request bodies this API takes: one flat JSON object
// whose values are plain ASCII strings or booleans, such as
//   {"clOrdId":"a1","symbol":"BTC-PERP","side":"buy","type":"limit","qty":"1.5","price":"65000.5"}
// JSON.parse costs a few microseconds on such a body, a large share of a
// signed REST order. Anything this parser does not recognise exactly (escapes,
// numbers, nesting, non-ASCII, duplicate or prototype keys) returns null and
// the caller uses JSON.parse, so the result is always what JSON.parse gives.
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice: (start: number, end: number) => string })
  .latin1Slice;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function skipSpace(b: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = b[p]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    p++;
  }
  return p;
}

/** The end of a simple string starting after its opening quote, or -1 if it is not simple. */
function stringEnd(b: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = b[p]!;
    if (c === QUOTE) return p;
    // Escapes, control characters and non-ASCII bytes are JSON.parse's business.
    if (c === BACKSLASH || c < 0x20 || c > 0x7e) return -1;
    p++;
  }
  return -1;
}

function matches(b: Uint8Array, p: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (b[p + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** The object, or null when the body is not a simple flat object (then use JSON.parse). */
export function parseFlatJson(b: Uint8Array): Record<string, string | boolean> | null {
  const end = b.length;
  let p = skipSpace(b, 0, end);
  if (b[p] !== 0x7b /* { */) return null;
  p = skipSpace(b, p + 1, end);
  const out: Record<string, string | boolean> = {};
  if (b[p] === 0x7d /* } */) return skipSpace(b, p + 1, end) === end ? out : null;
  for (;;) {
    if (b[p] !== QUOTE) return null;
    const keyEnd = stringEnd(b, p + 1, end);
    if (keyEnd < 0) return null;
    const key = latin1Slice.call(b, p + 1, keyEnd);
    if (key === '__proto__' || key === 'constructor' || key === 'prototype' || Object.hasOwn(out, key))
      return null;
    p = skipSpace(b, keyEnd + 1, end);
    if (b[p] !== 0x3a /* : */) return null;
    p = skipSpace(b, p + 1, end);
    const c = b[p];
    if (c === QUOTE) {
      const valueEnd = stringEnd(b, p + 1, end);
      if (valueEnd < 0) return null;
      out[key] = latin1Slice.call(b, p + 1, valueEnd);
      p = valueEnd + 1;
    } else if (c === 0x74 /* t */ && matches(b, p, 'true')) {
      out[key] = true;
      p += 4;
    } else if (c === 0x66 /* f */ && matches(b, p, 'false')) {
      out[key] = false;
      p += 5;
    } else {
      return null;
    }
    p = skipSpace(b, p, end);
    if (b[p] === 0x2c /* , */) {
      p = skipSpace(b, p + 1, end);
      continue;
    }
    if (b[p] === 0x7d /* } */) return skipSpace(b, p + 1, end) === end ? out : null;
    return null;
  }
}
