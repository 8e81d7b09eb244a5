// The reasons the simulator puts in a Reject, in one table.
export const VenueRejectReason = {
  /** A post-only order (or replace) whose price would trade on arrival. */
  POST_ONLY_WOULD_CROSS: 'POST_ONLY_WOULD_CROSS',
  /** Cancel or replace of an order that is not live for this connection. */
  UNKNOWN_ORDER: 'UNKNOWN_ORDER',
  /** Replace to a quantity not above the filled quantity, or to a price <= 0. */
  INVALID_REPLACE: 'INVALID_REPLACE',
  /** A new order's quantity <= 0. */
  INVALID_QUANTITY: 'INVALID_QUANTITY',
  /** A limit order's price <= 0. */
  INVALID_PRICE: 'INVALID_PRICE',
  /** No symbol, or a post-only market order. */
  INVALID_ORDER: 'INVALID_ORDER',
  /** A new order reusing the id of a live order of this connection. */
  DUPLICATE_ORDER_ID: 'DUPLICATE_ORDER_ID',
} as const;
export type VenueRejectReasonValue = (typeof VenueRejectReason)[keyof typeof VenueRejectReason];
