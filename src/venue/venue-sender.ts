// What the order router needs from the venue link: whether it can take a
// request now, fresh ids, and the four requests. VenueLink is the real one;
// in-process benchmarks provide one that only encodes.
import type { OrderTypeValue, SideValue, TimeInForceValue } from '../pipeline/request.ts';
import type { InFlightRequest } from './link.ts';

export interface VenueSender {
  readonly isUp: boolean;
  nextId(): number;
  /** Whether a new order would be taken now (link up, queue below its bound): checked before registering it. */
  canSendNewOrder(): boolean;
  sendNewOrder(
    orderId: number,
    account: string,
    symbol: string,
    side: SideValue,
    type: OrderTypeValue,
    tif: TimeInForceValue,
    postOnly: boolean,
    priceTicks: number,
    qtyLots: number,
    context: unknown,
  ): boolean;
  sendCancel(orderId: number, context: unknown): InFlightRequest | null;
  sendReplace(orderId: number, priceTicks: number, qtyLots: number, context: unknown): InFlightRequest | null;
  sendMassCancel(account: string, symbol: string, context: unknown): InFlightRequest | null;
}
