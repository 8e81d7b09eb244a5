// A VenueLinkHandler that records every callback, for the link tests.
import type { VenueEvent } from '../../../src/venue/codec.ts';
import type { InFlightRequest, VenueLinkHandler } from '../../../src/venue/link.ts';

export interface LinkDown {
  readonly inFlight: InFlightRequest[];
  readonly reason: string;
  readonly atMs: number;
}

export class RecordingHandler implements VenueLinkHandler {
  readonly answers: { request: InFlightRequest; event: VenueEvent; timedOut: boolean; atMs: number }[] = [];
  readonly timeouts: { request: InFlightRequest; atMs: number }[] = [];
  readonly events: VenueEvent[] = [];
  readonly downs: LinkDown[] = [];
  readonly ups: number[] = [];

  onAnswer(request: InFlightRequest, event: VenueEvent): void {
    this.answers.push({ request, event, timedOut: request.timedOut, atMs: Date.now() });
  }

  onTimeout(request: InFlightRequest): void {
    this.timeouts.push({ request, atMs: Date.now() });
  }

  onEvent(event: VenueEvent): void {
    this.events.push(event);
  }

  onLinkDown(inFlight: InFlightRequest[], reason: string): void {
    this.downs.push({ inFlight, reason, atMs: Date.now() });
  }

  onLinkUp(): void {
    this.ups.push(Date.now());
  }

  /** Every request id that got an outcome (answer or loss), with repeats, for exactly-once checks. */
  outcomeIds(): number[] {
    return [
      ...this.answers.map((a) => a.request.requestId),
      ...this.downs.flatMap((d) => d.inFlight.map((r) => r.requestId)),
    ];
  }
}
