// Source-address allowlists, compiled once at configuration load into
// integer masks so that a check is a few integer comparisons.
import { isIPv4, isIPv6 } from 'node:net';

interface V4Range {
  network: number;
  mask: number;
}
interface V6Range {
  words: Uint32Array; // network, four 32-bit words
  masks: Uint32Array;
}

function parseV4(text: string): number {
  const parts = text.split('.');
  return ((+parts[0]! << 24) | (+parts[1]! << 16) | (+parts[2]! << 8) | +parts[3]!) >>> 0;
}

/** The eight 16-bit groups of an IPv6 address (with an embedded IPv4 tail allowed). */
function parseV6(text: string): Uint32Array {
  let address = text;
  const zone = address.indexOf('%');
  if (zone >= 0) address = address.slice(0, zone);
  let tail: number[] = [];
  const lastColon = address.lastIndexOf(':');
  if (address.indexOf('.', lastColon) >= 0) {
    const v4 = parseV4(address.slice(lastColon + 1));
    tail = [v4 >>> 16, v4 & 0xffff];
    address = `${address.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = address.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = [
    ...headGroups,
    ...Array<string>(rest !== undefined ? missing : 0).fill('0'),
    ...restGroups,
  ].map((g) => Number.parseInt(g, 16));
  if (tail.length === 2) {
    groups[6] = tail[0]!;
    groups[7] = tail[1]!;
  }
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = ((groups[2 * i]! << 16) | groups[2 * i + 1]!) >>> 0;
  return words;
}

function v6Masks(prefix: number): Uint32Array {
  const masks = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    const bits = Math.max(0, Math.min(32, prefix - 32 * i));
    masks[i] = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  }
  return masks;
}

/** "2001:db8::" for the network's four 32-bit words (RFC 5952: the longest run of zero groups as ::). */
function formatV6(words: Uint32Array): string {
  const groups: number[] = [];
  for (const word of words) groups.push(word >>> 16, word & 0xffff);
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8; i++) {
    let length = 0;
    while (i + length < 8 && groups[i + length] === 0) length++;
    if (length > best.length) best = { at: i, length };
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.length).join(':')}`;
}

/**
 * Validates "address/prefix" (or a bare address = a single host). Returns a message or null.
 * An address with bits set beyond its prefix is refused, not widened to its network: it is
 * most likely a host that was meant alone ("/32" forgotten) or a mistyped network, and
 * silently allowing the whole network would open the key to addresses nobody listed.
 */
export function cidrProblem(text: string): string | null {
  const slash = text.indexOf('/');
  const address = slash >= 0 ? text.slice(0, slash) : text;
  const prefixText = slash >= 0 ? text.slice(slash + 1) : null;
  const v4 = isIPv4(address);
  if (!v4 && !isIPv6(address)) return `"${text}" is not an IPv4 or IPv6 CIDR`;
  if (prefixText === null) return null;
  // No leading zeros: "/008" reads as octal to some tools, and is nobody's way of writing 8.
  if (!/^(0|[1-9]\d{0,2})$/.test(prefixText)) return `"${text}" has a malformed prefix length`;
  const prefix = Number(prefixText);
  if (prefix > (v4 ? 32 : 128)) return `"${text}" has a prefix longer than ${v4 ? 32 : 128} bits`;
  let network: string | null = null;
  if (v4) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    const bits = parseV4(address);
    const masked = (bits & mask) >>> 0;
    if (masked !== bits) network = [24, 16, 8, 0].map((shift) => (masked >>> shift) & 0xff).join('.');
  } else {
    const words = parseV6(address);
    const masks = v6Masks(prefix);
    const masked = words.map((word, i) => (word & masks[i]!) >>> 0);
    if (masked.some((word, i) => word !== words[i])) network = formatV6(masked);
  }
  if (network === null) return null;
  return `"${text}" has bits set past its /${prefix} prefix: write the network ${network}/${prefix}, or the host alone as ${address}/${v4 ? 32 : 128}`;
}

export class CidrMatcher {
  private readonly v4: V4Range[] = [];
  private readonly v6: V6Range[] = [];

  /** Throws on an invalid entry: validate with cidrProblem first. */
  constructor(cidrs: readonly string[]) {
    for (const text of cidrs) {
      const problem = cidrProblem(text);
      if (problem) throw new RangeError(problem);
      const slash = text.indexOf('/');
      const address = slash >= 0 ? text.slice(0, slash) : text;
      if (isIPv4(address)) {
        const prefix = slash >= 0 ? Number(text.slice(slash + 1)) : 32;
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        this.v4.push({ network: (parseV4(address) & mask) >>> 0, mask });
      } else {
        const prefix = slash >= 0 ? Number(text.slice(slash + 1)) : 128;
        const masks = v6Masks(prefix);
        const words = parseV6(address);
        for (let i = 0; i < 4; i++) words[i] = (words[i]! & masks[i]!) >>> 0;
        this.v6.push({ words, masks });
      }
    }
  }

  get empty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  /** True when the address (IPv4, IPv6, or IPv4-mapped IPv6) is inside one of the ranges. */
  matches(ip: string): boolean {
    if (isIPv4(ip)) return this.matchesV4(parseV4(ip));
    if (!isIPv6(ip)) return false;
    const words = parseV6(ip);
    // ::ffff:a.b.c.d is the IPv4 address a.b.c.d arriving on a dual-stack socket.
    if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff && this.matchesV4(words[3]!)) return true;
    for (const range of this.v6) {
      let inside = true;
      for (let i = 0; i < 4 && inside; i++) inside = (words[i]! & range.masks[i]!) >>> 0 === range.words[i];
      if (inside) return true;
    }
    return false;
  }

  private matchesV4(address: number): boolean {
    for (const range of this.v4) if ((address & range.mask) >>> 0 === range.network) return true;
    return false;
  }
}
