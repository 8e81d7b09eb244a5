// The simulator's 'ack' mode: answers every request at once, with no book,
// so benchmarks measure the firewall and the link rather than matching.
import type { VenueMessage } from '../messages.ts';
import type { VenueEventSink } from './matching-engine.ts';

export class AckResponder {
  private readonly sink: VenueEventSink;

  constructor(sink: VenueEventSink) {
    this.sink = sink;
  }

  /** Same contract as MatchingEngine.handle: false for a message that is not a request. */
  handle(owner: number, m: VenueMessage): boolean {
    switch (m.kind) {
      case 'newOrder':
        this.sink.ack(owner, m.requestId, m.orderId);
        return true;
      case 'cancel':
        this.sink.canceled(owner, m.requestId, m.orderId);
        return true;
      case 'replace':
        this.sink.replaced(owner, m.requestId, m.orderId, m.priceTicks, m.qtyLots, m.qtyLots);
        return true;
      case 'massCancel':
        this.sink.massCancelDone(owner, m.requestId, 0);
        return true;
      case 'heartbeat':
        this.sink.heartbeat(owner, m.requestId, m.timestampNs);
        return true;
      default:
        return false;
    }
  }

  /** Nothing rests in ack mode. */
  disconnect(_owner: number): number {
    return 0;
  }
}
