// FIX CheckSum (10): the sum of every byte of the message before "10=", mod 256.
// The parser keeps its own running sum (fused with the field scan); this is the
// plain form for the encoder and tests.

export function fixChecksum(buf: Uint8Array, start: number, end: number): number {
  let sum = 0;
  for (let p = start; p < end; p++) sum += buf[p]!;
  return sum & 0xff;
}
