// The order's straight line after decoding and authentication:
// authorize -> throttle -> pre-trade. Each stage returns PASS or a reject
// code; the first code stops the request, which is then never forwarded.
import type { RateLimiter } from '../native/rate-limiter.ts';
import { authorize } from './authorize.ts';
import { type PretradeState, pretrade } from './pretrade.ts';
import { PASS, type Verdict } from './reject-codes.ts';
import type { OrderRequest } from './request.ts';
import { type ThrottlePolicies, throttle } from './throttle.ts';

export interface PipelineState extends PretradeState {
  limiter: RateLimiter;
  policies: ThrottlePolicies;
}

export function runPipeline(req: OrderRequest, state: PipelineState, nowMs: number): Verdict {
  let verdict = authorize(req, nowMs);
  if (verdict !== PASS) return verdict;
  verdict = throttle(req, state.limiter, state.policies);
  if (verdict !== PASS) return verdict;
  return pretrade(req, state, nowMs);
}
