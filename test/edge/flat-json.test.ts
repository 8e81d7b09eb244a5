import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseFlatJson } from '../../src/edge/rest/flat-json.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');

test('parses a flat object of ASCII strings and booleans exactly as JSON.parse', () => {
  const text = ' {"clOrdId":"a1", "symbol" : "BTC-PERP","postOnly":true,"x":false}\n';
  assert.deepEqual(parseFlatJson(bytes(text)), JSON.parse(text));
  assert.deepEqual(parseFlatJson(bytes('{}')), {});
});

test('leaves everything else to JSON.parse', () => {
  for (const text of [
    '{"a":"\\u0041"}',
    '{"a":1}',
    '{"a":null}',
    '{"a":{"b":"c"}}',
    '{"a":["b"]}',
    '{"a":"é"}',
    '{"a":"b","a":"c"}',
    '{"__proto__":"x"}',
    '{"constructor":"x"}',
    '{"a":"b",}',
    '{"a":"b"} x',
    '["a"]',
    '',
    '{"a":tru}',
  ]) {
    assert.equal(parseFlatJson(bytes(text)), null, text);
  }
});

test('never disagrees with JSON.parse (property)', () => {
  const flat = fc.dictionary(
    fc.string({ unit: fc.constantFrom(...'abcXYZ_-09 .'), maxLength: 8 }),
    fc.oneof(fc.string({ maxLength: 12 }), fc.boolean()),
    { maxKeys: 8 },
  );
  fc.assert(
    fc.property(flat, (object) => {
      const text = JSON.stringify(object);
      const fast = parseFlatJson(bytes(text));
      if (fast !== null) assert.deepEqual(fast, JSON.parse(text));
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(...'{}":,truefals ab\\\n1'), maxLength: 30 }), (text) => {
      const fast = parseFlatJson(bytes(text));
      if (fast === null) return;
      assert.deepEqual(fast, JSON.parse(text), text);
    }),
    { numRuns: 5000 },
  );
});
