// One live order in the simulator. Resting orders are also the nodes of
// their price level's FIFO queue (prev/next), so cancel is O(1).
import type { OrderTypeValue, SideValue, TimeInForceValue } from '../../pipeline/request.ts';
import type { PriceLevel } from './price-level.ts';

export class SimOrder {
  /** The connection that sent the order; its events go there. */
  readonly owner: number;
  readonly orderId: number;
  readonly account: string;
  readonly symbol: string;
  readonly side: SideValue;
  readonly type: OrderTypeValue;
  readonly tif: TimeInForceValue;
  readonly postOnly: boolean;
  priceTicks: number;
  /** Total quantity, filled part included (a replace changes it). */
  qtyLots: number;
  filledLots = 0;
  leavesLots: number;

  // Queue links, managed by OrderBook.
  level: PriceLevel | null = null;
  prev: SimOrder | null = null;
  next: SimOrder | null = null;

  constructor(
    owner: number,
    orderId: number,
    account: string,
    symbol: string,
    side: SideValue,
    type: OrderTypeValue,
    tif: TimeInForceValue,
    postOnly: boolean,
    priceTicks: number,
    qtyLots: number,
  ) {
    this.owner = owner;
    this.orderId = orderId;
    this.account = account;
    this.symbol = symbol;
    this.side = side;
    this.type = type;
    this.tif = tif;
    this.postOnly = postOnly;
    this.priceTicks = priceTicks;
    this.qtyLots = qtyLots;
    this.leavesLots = qtyLots;
  }
}
