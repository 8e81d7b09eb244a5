import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pack, unpack } from 'msgpackr';
import { isMsgpackMap, repeatedTopLevelMsgpackKey } from '../../src/edge/rest/repeated-msgpack-key.ts';

const order = {
  clOrdId: 'a-1',
  symbol: 'BTC-PERP',
  side: 'buy',
  type: 'limit',
  qty: '1.5',
  price: '65000.5',
};

/** A msgpack map written entry by entry (pack would fold repeated keys), behind the given header. */
function rawMap(header: number[], entries: Array<[unknown, unknown]>): Uint8Array {
  return Buffer.concat([Buffer.from(header), ...entries.flatMap(([k, v]) => [pack(k), pack(v)])]);
}

const fixmap = (entries: Array<[unknown, unknown]>) => rawMap([0x80 | entries.length], entries);

/** What the REST edge asks: the repeated key of a body, given what unpack made of it. */
const repeatedKey = (body: Uint8Array) => repeatedTopLevelMsgpackKey(body, unpack(body));

test('a map without a repeated key has none', () => {
  assert.equal(repeatedKey(pack(order)), null);
  assert.equal(repeatedKey(pack({})), null);
  assert.equal(repeatedKey(fixmap(Object.entries(order))), null);
});

test('a repeated key is named, whichever field it is and wherever the repeat is', () => {
  const entries = Object.entries(order);
  assert.equal(repeatedKey(fixmap([...entries, ['clOrdId', 'other']])), 'clOrdId');
  assert.equal(repeatedKey(fixmap([['qty', '1'], ...entries])), 'qty');
  assert.equal(
    repeatedKey(
      fixmap([
        ['x', 1],
        ['x', 2],
      ]),
    ),
    'x',
  );
  // The first key seen again is named.
  assert.equal(
    repeatedKey(
      fixmap([
        ['b', 1],
        ['a', 1],
        ['a', 2],
        ['b', 2],
      ]),
    ),
    'a',
  );
});

test('map 16 and map 32 headers are read too', () => {
  const many = Array.from({ length: 20 }, (_, i): [string, number] => [`k${i}`, i]);
  assert.equal(repeatedKey(rawMap([0xde, 0, 20], many)), null);
  assert.equal(repeatedKey(rawMap([0xde, 0, 21], [...many, ['k7', 0]])), 'k7');
  const pair: Array<[unknown, unknown]> = [
    ['symbol', 'BTC-PERP'],
    ['symbol', 'ETH-PERP'],
  ];
  assert.equal(repeatedKey(rawMap([0xdf, 0, 0, 0, 2], pair)), 'symbol');
  assert.equal(repeatedKey(rawMap([0xdf, 0, 0, 0, 1], pair.slice(1))), null);
});

test('keys that msgpackr turns into the same property are a repeat', () => {
  // A number key becomes its decimal string.
  assert.equal(
    repeatedKey(
      fixmap([
        [1, 'a'],
        ['1', 'b'],
      ]),
    ),
    '1',
  );
  // "__proto__" becomes "__proto_" (never the prototype).
  assert.equal(
    repeatedKey(
      fixmap([
        ['__proto__', 1],
        ['__proto__', 2],
      ]),
    ),
    '__proto__',
  );
  assert.equal(
    repeatedKey(
      fixmap([
        ['__proto_', 1],
        ['__proto__', 2],
      ]),
    ),
    '__proto__',
  );
});

test('only the top level counts, and a body that is not a map has no repeat', () => {
  const nested = fixmap([
    ['x', 1],
    ['x', 2],
  ]);
  assert.equal(repeatedKey(Buffer.concat([Buffer.from([0x81]), pack('inner'), nested])), null);
  assert.equal(repeatedKey(pack([order, order])), null);
  assert.equal(repeatedKey(pack('order')), null);
  assert.equal(repeatedKey(pack(null)), null);
});

test('isMsgpackMap: fixmap, map 16 and map 32, and nothing else', () => {
  assert.ok(isMsgpackMap(pack(order)));
  assert.ok(isMsgpackMap(pack({})));
  assert.ok(isMsgpackMap(Uint8Array.of(0xde, 0, 0)));
  assert.ok(isMsgpackMap(Uint8Array.of(0xdf, 0, 0, 0, 0)));
  for (const value of [[order], 'order', null, 1, true]) assert.equal(isMsgpackMap(pack(value)), false);
  assert.equal(isMsgpackMap(new Uint8Array(0)), false);
});
