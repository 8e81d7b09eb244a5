// An API key as the pipeline sees it (the verification material itself lives
// in the native registry, referenced by nativeId).
import type { AccountState } from './accounts.ts';
import type { CidrMatcher } from './cidr.ts';

export const Permission = { TRADE: 1, CANCEL: 2, READ: 4 } as const;

export const KeyType = { ED25519: 1, HMAC_SHA256: 2 } as const;
export type KeyTypeValue = (typeof KeyType)[keyof typeof KeyType];

export interface ApiKeyState {
  readonly id: string;
  /** Stable index into the shared tables (kept across reloads). */
  readonly index: number;
  readonly account: AccountState;
  readonly type: KeyTypeValue;
  /** Id in the native key registry of this thread. */
  readonly nativeId: number;
  /** Bit set of Permission. */
  readonly permissions: number;
  /** True for markets ["*"]; otherwise allowedMarkets[market.index] === 1. */
  readonly allMarkets: boolean;
  readonly allowedMarkets: Uint8Array;
  readonly cidrs: CidrMatcher;
  /** Validity window in Unix ms; -Infinity / Infinity when open-ended. */
  readonly notBeforeMs: number;
  readonly expiresAtMs: number;
  /** Rate-limit key of the key itself. */
  readonly limitKey: bigint;
  /** Default for FIX sessions of this key: cancel their live orders when the session drops. */
  readonly cancelOnDisconnect: boolean;
  revoked: boolean;
}
