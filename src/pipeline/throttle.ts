// Stage: is this too much? Per source address, per connection (a FIX session
// or a REST key) and per account, through the native GCRA limiter.
//
// Cancels draw from their own buckets (same rates, separate cells), so a
// market maker that has used up its order budget can always pull its quotes.
import type { RateLimiter } from '../native/rate-limiter.ts';
import { PASS, RejectCode, type Verdict } from './reject-codes.ts';
import { Action, type OrderRequest } from './request.ts';

/** Policy ids of the limits that do not come from the account. */
export interface ThrottlePolicies {
  perIp: number;
  perIpCancel: number;
  perConnection: number;
  perConnectionCancel: number;
}

/** The rate-limit key of a source address: one text for both doors, so FIX and REST traffic from an address share its bucket. */
export function ipLimitKey(limiter: RateLimiter, ip: string): bigint {
  return limiter.keyOf(`ip:${ip}`);
}

export function throttle(req: OrderRequest, limiter: RateLimiter, policies: ThrottlePolicies): Verdict {
  const isCancel = req.action === Action.CANCEL || req.action === Action.MASS_CANCEL;
  let wait = limiter.check(req.ipLimitKey, isCancel ? policies.perIpCancel : policies.perIp, 1);
  if (wait === 0) {
    wait = limiter.check(
      req.connectionLimitKey,
      isCancel ? policies.perConnectionCancel : policies.perConnection,
      1,
    );
  }
  if (wait === 0 && req.action !== Action.QUERY) {
    const account = req.account!;
    wait = limiter.check(account.limitKey, isCancel ? account.cancelPolicy : account.orderPolicy, 1);
  }
  if (wait === 0) return PASS;
  req.retryAfterNs = wait;
  return RejectCode.RATE_LIMITED;
}
