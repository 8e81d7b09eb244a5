// The order body's fast path accepts only what JSON.parse and the schema
// accept, reading the same values; and it does accept the usual bodies.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { checkBody, NEW_ORDER_BODY } from '../../src/edge/rest/body-schema.ts';
import { NewOrderJson } from '../../src/edge/rest/new-order-json.ts';
import { OrderType, Side, TimeInForce } from '../../src/pipeline/request.ts';

const whitespace = fc.constantFrom('', '', '', ' ', '\n', '\t ', '\r\n');

const goodValues: Record<string, string[]> = {
  clOrdId: ['a', 'mm1-000123', 'A_b-9', 'x'.repeat(36)],
  symbol: ['BTC-PERP', 'ETH.X', 'a_b-1'],
  side: ['buy', 'sell'],
  type: ['limit', 'market'],
  qty: ['1', '0', '1.5', '0.001', '10000000'],
  price: ['65000.5', '0.1', '1'],
  tif: ['GTC', 'IOC', 'FOK', 'DAY'],
};
const badValues = [
  '',
  '01',
  '1.',
  '.5',
  '-1',
  '1e5',
  ' 1',
  'BUY',
  'Sell',
  'gtc',
  'x'.repeat(37),
  '1'.repeat(41),
  'a b',
  'é',
  'a\\"b',
  '\\u0041',
  'BTC/PERP',
];
const nonStrings = ['1.5', 'true', 'false', 'null', '[]', '{}', '"a"'.slice(1, 2)];

/** A JSON value's text for a field: a string (good or bad), or another JSON value. */
function valueText(field: string): fc.Arbitrary<string> {
  if (field === 'postOnly') return fc.constantFrom('true', 'false', 'null', '"true"', '1');
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(...(Object.hasOwn(goodValues, field) ? goodValues[field]! : ['x']))
        .map((v) => JSON.stringify(v)),
    },
    { weight: 2, arbitrary: fc.constantFrom(...badValues).map((v) => `"${v}"`) },
    { weight: 1, arbitrary: fc.constantFrom(...nonStrings) },
  );
}

const fieldNames = [...Object.keys(NEW_ORDER_BODY)];
const keyName = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...fieldNames) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('foo', '__proto__', 'constructor', 'Qty', 'cl\\u004FrdId', 'qty '),
  },
);
const entry = keyName.chain((key) =>
  fc.tuple(fc.constant(key), valueText(key.replace('\\u004F', 'O')), whitespace, whitespace),
);

const required = ['clOrdId', 'symbol', 'side', 'type', 'qty'];
/** Usually every required field, sometimes one missing; some optional ones; in any order. */
const bodyKeys = fc
  .tuple(
    fc.subarray(['price', 'tif', 'postOnly']),
    fc.oneof(
      { weight: 5, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constantFrom(...required) },
    ),
  )
  .map(([optional, dropped]) => [...required.filter((k) => k !== dropped), ...optional])
  .chain((keys) => fc.shuffledSubarray(keys, { minLength: keys.length }));

function bodyText(entries: [string, string, string, string][], outer: string): string {
  return `${outer}{${entries.map(([k, v, a, b]) => `${a}"${k}"${b}:${a}${v}${b}`).join(',')}}${outer}`;
}

/** The canonical order body a client sends: every required field once, optional ones maybe. */
const usualBody = fc
  .record({
    clOrdId: fc.constantFrom(...goodValues.clOrdId!),
    symbol: fc.constantFrom(...goodValues.symbol!),
    side: fc.constantFrom(...goodValues.side!),
    type: fc.constantFrom(...goodValues.type!),
    qty: fc.constantFrom(...goodValues.qty!),
    price: fc.option(fc.constantFrom(...goodValues.price!), { nil: undefined }),
    tif: fc.option(fc.constantFrom(...goodValues.tif!), { nil: undefined }),
    postOnly: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((fields) => JSON.stringify(fields, null, 0));

describe('order body fast path', () => {
  test('whatever it accepts, JSON.parse and the schema accept with the same values', () => {
    const reader = new NewOrderJson();
    let accepted = 0;
    fc.assert(
      fc.property(
        bodyKeys.chain((keys) =>
          fc.tuple(...keys.map((key) => fc.tuple(fc.constant(key), valueText(key), whitespace, whitespace))),
        ),
        fc.oneof(
          { weight: 3, arbitrary: fc.constant([]) },
          { weight: 1, arbitrary: fc.array(entry, { maxLength: 2 }) },
        ),
        fc.nat(10),
        whitespace,
        (fields, extra, at, outer) => {
          const entries = [...fields];
          entries.splice(at % (entries.length + 1), 0, ...extra);
          const text = bodyText(entries, outer);
          const bytes = Buffer.from(text, 'utf8');
          if (!reader.read(bytes)) return;
          accepted++;
          const parsed = JSON.parse(text) as Record<string, unknown>;
          const check = checkBody(NEW_ORDER_BODY, parsed);
          assert.ok(check.ok, `${text}: ${check.ok ? '' : check.message}`);
          const slice = (start: number, end: number) => bytes.toString('latin1', start, end);
          assert.equal(slice(reader.clOrdIdStart, reader.clOrdIdEnd), parsed.clOrdId);
          assert.equal(slice(reader.symbolStart, reader.symbolEnd), parsed.symbol);
          assert.equal(reader.side, parsed.side === 'sell' ? Side.SELL : Side.BUY);
          assert.equal(reader.type, parsed.type === 'market' ? OrderType.MARKET : OrderType.LIMIT);
          assert.equal(reader.tif, TimeInForce[(parsed.tif as 'GTC' | undefined) ?? 'GTC']);
          assert.equal(reader.postOnly, parsed.postOnly === true);
          assert.equal(slice(reader.qtyStart, reader.qtyEnd), parsed.qty);
          if (parsed.price === undefined) assert.equal(reader.priceStart, -1);
          else assert.equal(slice(reader.priceStart, reader.priceEnd), parsed.price);
        },
      ),
      { numRuns: 5000 },
    );
    assert.ok(accepted > 150, `only ${accepted} generated bodies were valid: the property tested little`);
  });

  test('it accepts every usual body (the general path is the exception)', () => {
    const reader = new NewOrderJson();
    fc.assert(
      fc.property(usualBody, (text) => {
        assert.ok(reader.read(Buffer.from(text)), text);
      }),
    );
  });

  test('it declines what only the general path may judge', () => {
    const reader = new NewOrderJson();
    const base = '"clOrdId":"a","symbol":"BTC-PERP","side":"buy","type":"limit","qty":"1"';
    assert.equal(reader.read(Buffer.from(`{${base}}`)), true);
    for (const body of [
      `{${base},"qty":"2"}`, // repeated field (JSON.parse keeps the last)
      `{${base},"note":"x"}`, // unknown field
      `{${base},"__proto__":{}}`,
      `\ufeff{${base}}`, // byte order mark
      `{${base.replace('"a"', '"\\u0061"')}}`, // escape
      `{${base}`, // truncated
      `{${base}} x`, // trailing bytes
      `[{${base}}]`,
      `{${base.replace(',"qty":"1"', '')}}`, // a required field missing
      '',
    ]) {
      assert.equal(reader.read(Buffer.from(body)), false, body);
    }
  });
});
