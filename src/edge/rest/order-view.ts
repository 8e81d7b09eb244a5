// An order as the REST API shows it (SPEC section 4, GET /api/v1/orders/{clOrdId}):
// integer ticks and lots formatted back into the market's decimals.
import { OrderType, Side, TimeInForce } from '../../pipeline/request.ts';
import { ORDER_STATUS_NAMES, type OrderRecord, OrderStatus } from '../../state/order-registry.ts';

const TIF_NAMES: Record<number, string> = {
  [TimeInForce.GTC]: 'GTC',
  [TimeInForce.IOC]: 'IOC',
  [TimeInForce.FOK]: 'FOK',
  [TimeInForce.DAY]: 'DAY',
};

export interface OrderView {
  clOrdId: string;
  orderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  qty: string;
  price: string | null;
  tif: string;
  status: string;
  filledQty: string;
  leavesQty: string;
  avgPrice: string | null;
}

export function orderView(order: OrderRecord): OrderView {
  const market = order.market;
  // Orders the venue has not acknowledged yet show as "new": they are live and counted.
  const status = order.status === OrderStatus.PENDING_NEW ? 'new' : ORDER_STATUS_NAMES[order.status];
  return {
    clOrdId: order.clOrdId,
    orderId: String(order.orderId),
    symbol: order.market.symbol,
    side: order.side === Side.BUY ? 'buy' : 'sell',
    type: order.type === OrderType.MARKET ? 'market' : 'limit',
    qty: market.lot.format(order.qtyLots),
    price: order.type === OrderType.MARKET ? null : market.tick.format(order.priceTicks),
    tif: TIF_NAMES[order.tif] ?? 'GTC',
    status,
    filledQty: market.lot.format(order.filledLots),
    leavesQty: market.lot.format(order.live ? order.leavesLots : 0),
    avgPrice: order.filledLots > 0 ? order.averagePriceText() : null,
  };
}
