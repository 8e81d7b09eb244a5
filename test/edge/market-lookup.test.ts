// The adapters' market lookup: a repeated symbol is matched by its bytes,
// and nothing stale survives another symbol or a reload's new markets.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MarketLookup } from '../../src/edge/market-lookup.ts';
import { FixMessage } from '../../src/fix/message.ts';
import { parseNext } from '../../src/fix/parser.ts';
import { Tag } from '../../src/fix/tags.ts';
import type { MarketState } from '../../src/state/markets.ts';
import { frame } from '../fix/fix-text.ts';

function marketsOf(...symbols: string[]): Map<string, MarketState> {
  return new Map(symbols.map((symbol, index) => [symbol, { symbol, index } as MarketState]));
}

/** The symbol inside a FIX frame, as the FIX adapter passes it: the frame and the value's range. */
function withSymbol(symbol: string): [Uint8Array, number, number] {
  const msg = new FixMessage();
  const bytes = frame(`35=D|49=A|56=B|34=2|52=20261122-14:00:00.000|55=${symbol}|`);
  assert.equal(parseNext(bytes, 0, msg), bytes.length);
  return [msg.buffer, msg.valueStart(Tag.Symbol), msg.valueEnd(Tag.Symbol)];
}

describe('market lookup', () => {
  test('finds each symbol, again on a repeat, and nothing for an unknown or a prefix of one', () => {
    const lookup = new MarketLookup();
    const markets = marketsOf('BTC-PERP', 'ETH-PERP');
    for (const symbol of ['BTC-PERP', 'BTC-PERP', 'ETH-PERP', 'BTC-PERP']) {
      assert.equal(lookup.find(...withSymbol(symbol), markets), markets.get(symbol));
    }
    assert.equal(lookup.find(...withSymbol('BTC'), markets), undefined);
    assert.equal(lookup.find(...withSymbol('BTC-PERPX'), markets), undefined);
    // An unknown symbol does not disturb the last match.
    assert.equal(lookup.find(...withSymbol('BTC-PERP'), markets), markets.get('BTC-PERP'));
  });

  test('after a reload the new markets answer, including a symbol that went away', () => {
    const lookup = new MarketLookup();
    const before = marketsOf('BTC-PERP');
    assert.equal(lookup.find(...withSymbol('BTC-PERP'), before), before.get('BTC-PERP'));
    const after = marketsOf('BTC-PERP', 'SOL-PERP');
    assert.equal(lookup.find(...withSymbol('BTC-PERP'), after), after.get('BTC-PERP'));
    assert.notEqual(after.get('BTC-PERP'), before.get('BTC-PERP'));
    assert.equal(lookup.find(...withSymbol('BTC-PERP'), marketsOf('SOL-PERP')), undefined);
  });
});
