// A request sent to the venue and waiting for its one answer (SPEC section 6).

export const RequestKind = { NEW_ORDER: 1, CANCEL: 2, REPLACE: 3, MASS_CANCEL: 4 } as const;
export type RequestKindValue = (typeof RequestKind)[keyof typeof RequestKind];

/**
 * Each kind of request: its message kind on the wire (messages.ts), the event that answers
 * it besides a Reject, and its name in messages for people.
 */
export const REQUEST_KINDS = {
  [RequestKind.NEW_ORDER]: { message: 'newOrder', answer: 'ack', name: 'new order' },
  [RequestKind.CANCEL]: { message: 'cancel', answer: 'canceled', name: 'cancel' },
  [RequestKind.REPLACE]: { message: 'replace', answer: 'replaced', name: 'replace' },
  [RequestKind.MASS_CANCEL]: { message: 'massCancel', answer: 'massCancelDone', name: 'mass cancel' },
} as const;

/** A request sent to the venue and not yet answered. */
export class InFlightRequest {
  answered = false;
  timedOut = false;
  constructor(
    readonly requestId: number,
    readonly kind: RequestKindValue,
    /** The order acted on (0 for mass cancel). */
    readonly orderId: number,
    readonly deadlineMs: number,
    /** Whatever the caller needs to answer its client (a session, a pending HTTP response...). */
    readonly context: unknown,
  ) {}
}
