// A msgpack body whose top-level map names a field twice is refused, as a JSON
// one is (repeated-json-key.ts): msgpackr keeps the last value silently, while
// a proxy or an audit tool in front of the firewall may read the first.
//
// Nearly free for bodies without a repeat: the map's header says how many
// entries it has, and the decoded object has as many keys unless two entries
// named the same one. Only then are the keys read again, to name the field.

import { unpackMultiple } from 'msgpackr';

/**
 * Whether the body is a msgpack map (fixmap, map 16 or map 32). Every route's body is a map;
 * anything else is refused before decoding, msgpackr's own record extension (0x72) included,
 * which decodes to an object too but whose keys this check could not see.
 */
export function isMsgpackMap(body: Uint8Array): boolean {
  const first = body[0];
  return first !== undefined && ((first >= 0x80 && first <= 0x8f) || first === 0xde || first === 0xdf);
}

/**
 * The first key the top-level map of `body` repeats, or null. `decoded` is what msgpackr's
 * unpack made of `body` (valid msgpack, a map: see isMsgpackMap).
 */
export function repeatedTopLevelMsgpackKey(body: Uint8Array, decoded: unknown): string | null {
  const first = body[0]!;
  let entries: number;
  let headerLength: number;
  if (first >= 0x80 && first <= 0x8f) {
    entries = first & 0x0f; // fixmap
    headerLength = 1;
  } else if (first === 0xde) {
    entries = (body[1]! << 8) | body[2]!; // map 16
    headerLength = 3;
  } else if (first === 0xdf) {
    entries = ((body[1]! << 24) | (body[2]! << 16) | (body[3]! << 8) | body[4]!) >>> 0; // map 32
    headerLength = 5;
  } else return null;
  if (typeof decoded !== 'object' || decoded === null) return null;
  let keys = 0;
  for (const key in decoded) if (Object.hasOwn(decoded, key)) keys++;
  if (keys >= entries) return null;

  // Two entries made one property: the map's keys and values, in order, name the first repeat.
  const items = unpackMultiple(body.subarray(headerLength)) as unknown[];
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i += 2) {
    const key = String(items[i]);
    // The property msgpackr made of the key: any key as a string, "__proto__" renamed.
    const property = key === '__proto__' ? '__proto_' : key;
    if (seen.has(property)) return key;
    seen.add(property);
  }
  return null;
}
