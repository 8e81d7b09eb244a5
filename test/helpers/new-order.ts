// What the order registry is given for a new order, for the registry's own tests:
// a limit order of `account` that buys 5 lots at 10 ticks unless `fields` say otherwise.
import { Side } from '../../src/pipeline/request.ts';
import type { MarketState } from '../../src/state/markets.ts';
import type { NewOrder } from '../../src/state/order-registry.ts';

export const testMarket = { symbol: 'BTC-PERP', index: 1 } as MarketState;

export function newOrder(clOrdId: string, account: number, fields: Partial<NewOrder> = {}): NewOrder {
  return {
    clOrdId,
    account: { index: account },
    market: testMarket,
    side: Side.BUY,
    type: 1,
    tif: 1,
    postOnly: false,
    priceTicks: 10,
    qtyLots: 5,
    refSeqNum: 0,
    ...fields,
  };
}
