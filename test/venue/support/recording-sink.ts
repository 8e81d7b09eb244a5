// A sink that records the matching engine's events, each with the connection it goes to.
import type { VenueEvent } from '../../../src/venue/messages.ts';
import type { VenueEventSink } from '../../../src/venue/simulator/matching-engine.ts';

/** An event and the connection it went to (0 for RefPrice, which goes to all). */
export type Routed = VenueEvent & { owner: number };

export function recordingSink(events: Routed[]): VenueEventSink {
  return {
    ack: (owner, requestId, orderId) => events.push({ owner, kind: 'ack', requestId, orderId }),
    reject: (owner, requestId, orderId, reason) =>
      events.push({ owner, kind: 'reject', requestId, orderId, reason }),
    fill: (owner, orderId, qtyLots, priceTicks, leavesLots, tradeId) =>
      events.push({ owner, kind: 'fill', orderId, qtyLots, priceTicks, leavesLots, tradeId }),
    canceled: (owner, requestId, orderId) => events.push({ owner, kind: 'canceled', requestId, orderId }),
    replaced: (owner, requestId, orderId, priceTicks, qtyLots, leavesLots) =>
      events.push({ owner, kind: 'replaced', requestId, orderId, priceTicks, qtyLots, leavesLots }),
    massCancelDone: (owner, requestId, count) =>
      events.push({ owner, kind: 'massCancelDone', requestId, count }),
    heartbeat: (owner, requestId, timestampNs) =>
      events.push({ owner, kind: 'heartbeat', requestId, timestampNs }),
    refPrice: (symbol, priceTicks) => events.push({ owner: 0, kind: 'refPrice', symbol, priceTicks }),
  };
}
