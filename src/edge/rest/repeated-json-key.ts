// A JSON body that names a field twice is refused: JSON.parse keeps the last
// value silently, while a proxy or an audit tool in front of the firewall may
// read the first, so the order executed would not be the order they saw.
// (The fast reader of new-order-json.ts declines such bodies; this is the
// check of the general path.)

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The first key the top-level object of `text` (valid JSON) repeats, decoded, or null. */
export function repeatedTopLevelKey(text: string): string | null {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      for (i++; text.charCodeAt(i) !== QUOTE; i++) if (text.charCodeAt(i) === BACKSLASH) i++;
      if (depth !== 1) continue;
      let next = i + 1;
      while (isWhitespace(text.charCodeAt(next))) next++;
      if (text.charCodeAt(next) !== COLON) continue;
      // Decoded, so that "\u0063lOrdId" and "clOrdId" are the same key.
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (seen.has(key)) return key;
      seen.add(key);
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return null;
}
