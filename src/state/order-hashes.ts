// The hashes the order registry keys its orders with: clOrdIdHash for
// clOrdIds (a new order's is computed once for the live and the finished
// lookups, and for registering it), orderIdHash for the firewall's order ids.

import { randomBytes } from 'node:crypto';

/** Seeded per process, so clients cannot pick clOrdIds that all land in one probe run without seeing it. */
const SEED = randomBytes(4).readInt32LE(0);

/** A seeded 32-bit hash of a string's UTF-16 code units (FNV-1a, then murmur3's finalizer). */
export function clOrdIdHash(text: string): number {
  let h = SEED ^ 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A 32-bit hash of a non-negative integer id (below 2^53). */
export function orderIdHash(id: number): number {
  const h = Math.imul((id | 0) ^ ((id / 4294967296) | 0), 0x9e3779b1);
  return h ^ (h >>> 15);
}
