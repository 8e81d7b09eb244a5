// Bytes become the same text whichever way latin1Text builds it: by
// String.fromCharCode up to 16 bytes, by Buffer's latin1 slice beyond.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { latin1Text } from '../../src/state/latin1-text.ts';

test('every length from 0 to 40, at any offset, reads as latin1', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 48 }), fc.nat(48), fc.nat(40), (bytes, from, length) => {
      const start = Math.min(from, bytes.length);
      const end = Math.min(start + length, bytes.length);
      const expected = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString(
        'latin1',
        start,
        end,
      );
      assert.equal(latin1Text(bytes, start, end), expected);
    }),
    { numRuns: 2000 },
  );
});

test('each length of both paths, byte for byte, high bytes included', () => {
  const bytes = Uint8Array.from({ length: 40 }, (_, i) => (i * 37 + 200) & 0xff);
  for (let length = 0; length <= 40; length++) {
    const text = latin1Text(bytes, 3, 3 + Math.min(length, 37));
    assert.equal(text.length, Math.min(length, 37));
    for (let i = 0; i < text.length; i++) assert.equal(text.charCodeAt(i), bytes[3 + i]);
  }
});
