// Stage: may this key do this, here, now? Key validity and revocation, source
// address, account standing, permission for the action, market allowlist.
import { Kyc } from '../state/accounts.ts';
import { Permission } from '../state/api-keys.ts';
import { PASS, RejectCode, type Verdict } from './reject-codes.ts';
import { Action, type OrderRequest } from './request.ts';

/** The permission each action needs, indexed by Action value. */
const PERMISSION_OF_ACTION: number[] = [];
PERMISSION_OF_ACTION[Action.NEW_ORDER] = Permission.TRADE;
PERMISSION_OF_ACTION[Action.REPLACE] = Permission.TRADE;
PERMISSION_OF_ACTION[Action.CANCEL] = Permission.CANCEL;
PERMISSION_OF_ACTION[Action.MASS_CANCEL] = Permission.CANCEL;
PERMISSION_OF_ACTION[Action.QUERY] = Permission.READ;

export function authorize(req: OrderRequest, nowMs: number): Verdict {
  const key = req.key;
  const account = req.account;
  if (key === null || account === null) return RejectCode.AUTH_MISSING;

  if (key.revoked) return RejectCode.KEY_REVOKED;
  if (nowMs < key.notBeforeMs) return RejectCode.KEY_NOT_YET_VALID;
  if (nowMs >= key.expiresAtMs) return RejectCode.KEY_EXPIRED;

  if (req.ipAllowedForKey !== key) {
    if (!key.cidrs.matches(req.ip)) return RejectCode.IP_NOT_ALLOWED;
    req.ipAllowedForKey = key; // the address of a connection does not change
  }

  if (account.blocked) return RejectCode.ACCOUNT_BLOCKED;
  if (account.kyc !== Kyc.VERIFIED) return RejectCode.ACCOUNT_NOT_VERIFIED;

  if ((key.permissions & PERMISSION_OF_ACTION[req.action]!) === 0) return RejectCode.PERMISSION_DENIED;

  const market = req.market;
  if (market !== null && !key.allMarkets && key.allowedMarkets[market.index] !== 1) {
    return RejectCode.MARKET_NOT_ALLOWED;
  }
  return PASS;
}
