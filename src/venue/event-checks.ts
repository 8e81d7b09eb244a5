// What a venue event may say, before the firewall acts on it: quantities and
// prices are whole lots and ticks, positive where an order book needs them to
// be, and an answer answers its request (its kind, its order). The link
// refuses an event that breaks one of these (logged, not acted on) rather than
// let a faulty venue write a negative position or a zero reference price into
// the risk counters, or settle one order's request with another order's event.
import { type InFlightRequest, REQUEST_KINDS, RequestKind } from './in-flight-request.ts';
import type { VenueEvent, VenueMessage } from './messages.ts';

/** Why `event` cannot be true of any order book, or null when it can. */
export function impossibleVenueEvent(event: VenueMessage): string | null {
  switch (event.kind) {
    case 'fill':
      if (event.qtyLots < 1) return `a fill of ${event.qtyLots} lots`;
      if (event.priceTicks < 1) return `a fill at ${event.priceTicks} ticks`;
      if (event.leavesLots < 0) return `a fill leaving ${event.leavesLots} lots`;
      return null;
    case 'replaced':
      if (event.qtyLots < 1) return `a replace to ${event.qtyLots} lots`;
      if (event.priceTicks < 1) return `a replace to ${event.priceTicks} ticks`;
      if (event.leavesLots < 0 || event.leavesLots > event.qtyLots)
        return `a replace to ${event.qtyLots} lots leaving ${event.leavesLots}`;
      return null;
    case 'refPrice':
      return event.priceTicks < 1 ? `a reference price of ${event.priceTicks} ticks` : null;
    case 'massCancelDone':
      return event.count < 0 ? `a mass cancel of ${event.count} orders` : null;
    default:
      return null;
  }
}

/**
 * Why `event` cannot be the venue's answer to `request`, or null when it can: a new order is
 * answered by Ack, a cancel by Canceled, a replace by Replaced, a mass cancel by
 * MassCancelDone, any of them by Reject; and, but for a mass cancel, about the order the
 * request named.
 */
export function misfitAnswer(request: InFlightRequest, event: VenueEvent): string | null {
  const answer = REQUEST_KINDS[request.kind];
  if (event.kind !== answer.answer && event.kind !== 'reject')
    return `${event.kind} answers no ${answer.name}`;
  if (request.kind === RequestKind.MASS_CANCEL || !('orderId' in event)) return null;
  return event.orderId === request.orderId
    ? null
    : `${event.kind} of order ${event.orderId} answers a ${answer.name} of order ${request.orderId}`;
}
