import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CANCEL_ALL_BODY, checkBody, NEW_ORDER_BODY, toJsonSchema } from '../../src/edge/rest/body-schema.ts';

const valid = {
  clOrdId: 'a-1_B',
  symbol: 'BTC-PERP',
  side: 'buy',
  type: 'limit',
  qty: '1.5',
  price: '65000.5',
  tif: 'GTC',
  postOnly: false,
};

test('a valid order passes, and optional fields may be left out', () => {
  assert.deepEqual(checkBody(NEW_ORDER_BODY, valid), { ok: true });
  const { tif: _t, postOnly: _p, price: _price, ...minimal } = valid;
  assert.deepEqual(checkBody(NEW_ORDER_BODY, { ...minimal, type: 'market' }), { ok: true });
});

test('every kind of bad body names the field', () => {
  const cases: Array<[unknown, string]> = [
    [null, '$'],
    [[valid], '$'],
    ['text', '$'],
    [{ ...valid, extra: 1 }, 'extra'],
    [{ ...valid, qty: 1.5 }, 'qty'],
    [{ ...valid, qty: '1e3' }, 'qty'],
    [{ ...valid, qty: '-1' }, 'qty'],
    [{ ...valid, side: 'BUY' }, 'side'],
    [{ ...valid, postOnly: 'false' }, 'postOnly'],
    [{ ...valid, clOrdId: 'x'.repeat(37) }, 'clOrdId'],
    [{ ...valid, clOrdId: 'has space' }, 'clOrdId'],
    [{ ...valid, symbol: { nested: { deeper: [1, 2, 3] } } }, 'symbol'],
    [{ ...valid, price: 'x'.repeat(100_000) }, 'price'],
    [JSON.parse('{"__proto__": {"admin": true}, "clOrdId": "a"}'), '__proto__'],
    [JSON.parse('{"constructor": {"prototype": {}}}'), 'constructor'],
    [(({ clOrdId: _c, ...rest }) => rest)(valid), 'clOrdId'],
  ];
  for (const [body, field] of cases) {
    const result = checkBody(NEW_ORDER_BODY, body);
    assert.equal(result.ok, false, JSON.stringify(body)?.slice(0, 80));
    if (!result.ok) assert.equal(result.field, field);
  }
});

test('cancel-all takes an optional symbol only', () => {
  assert.deepEqual(checkBody(CANCEL_ALL_BODY, {}), { ok: true });
  assert.deepEqual(checkBody(CANCEL_ALL_BODY, { symbol: 'BTC-PERP' }), { ok: true });
  assert.equal(checkBody(CANCEL_ALL_BODY, { symbol: 'BTC-PERP', all: true }).ok, false);
});

test('the JSON Schema says the same as the validator', () => {
  const schema = toJsonSchema(NEW_ORDER_BODY) as { required: string[]; additionalProperties: boolean };
  assert.deepEqual(schema.required.sort(), ['clOrdId', 'qty', 'side', 'symbol', 'type']);
  assert.equal(schema.additionalProperties, false);
});
