// What the fuzz tests compare against: exact decimals independent of the
// firewall's own (BigInt digits and a scale), the demo markets' steps, and a
// record of what the firewall's venue link sends, taken on its way out.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { VenueLink } from '../../../src/venue/link.ts';

export interface Decimal {
  digits: bigint;
  scale: number;
}

/** Lot and tick sizes of config/demo.json's markets. */
export const DEMO_STEPS: Record<string, { lot: Decimal; tick: Decimal }> = {
  'BTC-PERP': { lot: { digits: 1n, scale: 3 }, tick: { digits: 5n, scale: 1 } },
  'ETH-PERP': { lot: { digits: 1n, scale: 2 }, tick: { digits: 5n, scale: 2 } },
};

/** `text` matched by /^[0-9]+(\.[0-9]+)?$/ as a decimal. */
export function parseDecimalText(text: string): Decimal {
  const [whole, fraction = ''] = text.split('.');
  return { digits: BigInt(whole! + fraction), scale: fraction.length };
}

export function formatDecimal(d: Decimal): string {
  const text = d.digits.toString().padStart(d.scale + 1, '0');
  return d.scale === 0 ? text : `${text.slice(0, -d.scale)}.${text.slice(-d.scale)}`;
}

/** `n` steps as a decimal's text (n lots of 0.001 is "0.005" for 5). */
export function stepsText(n: number, step: Decimal): string {
  return formatDecimal({ digits: BigInt(n) * step.digits, scale: step.scale });
}

/** Texts of `min` to `max` steps (for generated orders). */
export function stepsTextBetween(step: Decimal, min: number, max: number): fc.Arbitrary<string> {
  return fc.integer({ min, max }).map((n) => stepsText(n, step));
}

/** `value / step` when it is a whole number, else null. */
export function stepsOf(value: Decimal, step: Decimal): bigint | null {
  const scale = Math.max(value.scale, step.scale);
  const v = value.digits * 10n ** BigInt(scale - value.scale);
  const s = step.digits * 10n ** BigInt(scale - step.scale);
  return v % s === 0n ? v / s : null;
}

/** A new order as a message says it, read independently of the firewall (quantity and price as decimals). */
export interface OrderReading {
  symbol: string;
  side: number;
  type: number;
  tif: number;
  postOnly: boolean;
  qty: Decimal;
  price: Decimal | null;
}

/** A new order as the venue link sent it. */
export interface SentOrder {
  symbol: string;
  side: number;
  type: number;
  tif: number;
  postOnly: boolean;
  priceTicks: number;
  qtyLots: number;
}

/** A replace as the venue link sent it. */
export interface SentReplace {
  orderId: number;
  priceTicks: number;
  qtyLots: number;
}

/** A mass cancel as the venue link sent it ('' for every market). */
export interface SentMassCancel {
  account: string;
  symbol: string;
}

export interface Sent {
  orders: SentOrder[];
  /** The firewall's order id of each of `orders`. */
  orderIds: number[];
  replaces: SentReplace[];
  /** The order id of each cancel. */
  cancels: number[];
  massCancels: SentMassCancel[];
}

/**
 * Exactly one new order went to the venue, and it is `reading` in the ticks and lots of its demo
 * market (a market order's price is the firewall's to choose).
 */
export function assertSentAsRead(reading: OrderReading | null, sent: SentOrder[], shown: string): void {
  assert.ok(reading !== null, `sent on, but not a valid order: ${shown}`);
  assert.equal(sent.length, 1, shown);
  const venue = sent[0]!;
  const steps = DEMO_STEPS[reading.symbol];
  assert.ok(steps, `sent on for an unknown market: ${shown}`);
  assert.deepEqual(
    venue,
    {
      symbol: reading.symbol,
      side: reading.side,
      type: reading.type,
      tif: reading.tif,
      postOnly: reading.postOnly,
      priceTicks: reading.price === null ? venue.priceTicks : Number(stepsOf(reading.price, steps.tick)),
      qtyLots: Number(stepsOf(reading.qty, steps.lot)),
    },
    shown,
  );
}

/** Records each request as the link sends it (and sends it as usual). */
export function recordSent(link: VenueLink): Sent {
  const sent: Sent = { orders: [], orderIds: [], replaces: [], cancels: [], massCancels: [] };
  const { orders, orderIds, replaces, cancels, massCancels } = sent;
  const sendNewOrder = link.sendNewOrder.bind(link);
  link.sendNewOrder = (orderId, account, symbol, side, type, tif, postOnly, priceTicks, qtyLots, context) => {
    orders.push({ symbol, side, type, tif, postOnly, priceTicks, qtyLots });
    orderIds.push(orderId);
    return sendNewOrder(orderId, account, symbol, side, type, tif, postOnly, priceTicks, qtyLots, context);
  };
  const sendReplace = link.sendReplace.bind(link);
  link.sendReplace = (orderId, priceTicks, qtyLots, context) => {
    replaces.push({ orderId, priceTicks, qtyLots });
    return sendReplace(orderId, priceTicks, qtyLots, context);
  };
  const sendCancel = link.sendCancel.bind(link);
  link.sendCancel = (orderId, context) => {
    cancels.push(orderId);
    return sendCancel(orderId, context);
  };
  const sendMassCancel = link.sendMassCancel.bind(link);
  link.sendMassCancel = (account, symbol, context) => {
    massCancels.push({ account, symbol });
    return sendMassCancel(account, symbol, context);
  };
  return sent;
}

/** A well-formed order of a demo market, in no wire form yet: each door's fuzz writes it its own way. */
export interface GeneratedOrder {
  symbol: 'BTC-PERP' | 'ETH-PERP';
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  qty: string;
  price: string;
  tif: 'GTC' | 'IOC' | 'FOK' | 'DAY';
  postOnly: boolean;
  /** Whether the optional fields are written at all. */
  hasTif: boolean;
  hasPostOnly: boolean;
}

/** Orders priced within 1,000 ticks of the demo's reference prices, so that most pass the collar. */
export const generatedOrder: fc.Arbitrary<GeneratedOrder> = fc
  .constantFrom('BTC-PERP' as const, 'ETH-PERP' as const)
  .chain((symbol) => {
    const { lot, tick } = DEMO_STEPS[symbol]!;
    const mid = symbol === 'BTC-PERP' ? 130_000 : 60_000; // ticks
    return fc.record({
      symbol: fc.constant(symbol),
      side: fc.constantFrom('buy' as const, 'sell' as const),
      type: fc.constantFrom('limit' as const, 'limit' as const, 'limit' as const, 'market' as const),
      qty: stepsTextBetween(lot, 1, 300),
      price: stepsTextBetween(tick, mid - 1_000, mid + 1_000),
      tif: fc.constantFrom('GTC' as const, 'IOC' as const, 'FOK' as const, 'DAY' as const),
      postOnly: fc.boolean(),
      hasTif: fc.boolean(),
      hasPostOnly: fc.boolean(),
    });
  });

/** How often each outcome came up in a fuzz run, to show the run reached the ones it is about. */
export class OutcomeTally {
  private readonly counts = new Map<string, number>();

  count(outcome: string): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }

  has(outcome: string): boolean {
    return this.counts.has(outcome);
  }

  /** Fails naming what was seen unless each of `outcomes` came up. */
  assertReached(outcomes: readonly string[]): void {
    for (const outcome of outcomes) assert.ok(this.counts.has(outcome), `no ${outcome} in ${this}`);
  }

  toString(): string {
    return JSON.stringify([...this.counts]);
  }
}
