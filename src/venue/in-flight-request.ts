// A request sent to the venue and waiting for its one answer (SPEC section 6).

export const RequestKind = { NEW_ORDER: 1, CANCEL: 2, REPLACE: 3, MASS_CANCEL: 4 } as const;
export type RequestKindValue = (typeof RequestKind)[keyof typeof RequestKind];

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
