// The clOrdId syntax (SPEC section 2) checked on bytes agrees with the regex on strings.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CL_ORD_ID, isClOrdIdBytes } from '../../src/pipeline/request.ts';

const allowed = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

describe('clOrdId syntax', () => {
  test('bytes and regex agree on any byte string, valid ones included', () => {
    const nearValid = fc
      .array(fc.constantFrom(...allowed.split(''), '.', ' ', '\x01', '\xff'), { maxLength: 40 })
      .map((chars) => Buffer.from(chars.join(''), 'latin1'));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
          nearValid,
        ),
        (bytes) => {
          const framed = Buffer.concat([Buffer.from('x='), bytes, Buffer.from('\x01')]);
          assert.equal(
            isClOrdIdBytes(framed, 2, 2 + bytes.length),
            CL_ORD_ID.test(bytes.toString('latin1')),
            JSON.stringify(bytes.toString('latin1')),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('the length bounds are 1 and 36', () => {
    const id = Buffer.from('a'.repeat(37));
    assert.equal(isClOrdIdBytes(id, 0, 0), false);
    assert.equal(isClOrdIdBytes(id, 0, 1), true);
    assert.equal(isClOrdIdBytes(id, 0, 36), true);
    assert.equal(isClOrdIdBytes(id, 0, 37), false);
  });
});
