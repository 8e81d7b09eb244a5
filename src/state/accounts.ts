// An account as the pipeline sees it.
export const Kyc = { VERIFIED: 1, PENDING: 2, REJECTED: 3 } as const;
export type KycValue = (typeof Kyc)[keyof typeof Kyc];

export interface AccountState {
  readonly id: string;
  /** Stable index into the shared tables (kept across reloads). */
  readonly index: number;
  readonly kyc: KycValue;
  blocked: boolean;
  readonly maxOpenOrders: number;
  /** The rate of orderPolicy and cancelPolicy (for rate-limit headers). */
  readonly ordersPerSec: number;
  /** Rate-limit policies: new orders and replaces; cancels (a separate bucket so quotes can always be pulled). */
  readonly orderPolicy: number;
  readonly cancelPolicy: number;
  /** Rate-limit key of the account. */
  readonly limitKey: bigint;
  /** Max absolute position in lots, by market index; Infinity where none is configured. */
  readonly maxPositionLots: Float64Array;
}
