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
  const ipPolicy = isCancel ? policies.perIpCancel : policies.perIp;
  const connectionPolicy = isCancel ? policies.perConnectionCancel : policies.perConnection;
  // One native call for the request's two or three checks (a query draws on no account budget).
  const wait =
    req.action === Action.QUERY
      ? limiter.checkEach(1, req.ipLimitKey, ipPolicy, req.connectionLimitKey, connectionPolicy)
      : limiter.checkEach(
          1,
          req.ipLimitKey,
          ipPolicy,
          req.connectionLimitKey,
          connectionPolicy,
          req.account!.limitKey,
          isCancel ? req.account!.cancelPolicy : req.account!.orderPolicy,
        );
  if (wait === 0) return PASS;
  req.retryAfterNs = wait;
  return RejectCode.RATE_LIMITED;
}
