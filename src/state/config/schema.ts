// The configuration file's shape (SPEC section 2), as one zod schema. Every
// object is strict: an unknown key is a mistake (a typo in "maxOpenOrdres"
// must not silently drop a risk limit). Checks that span several entries
// (duplicates, references between sections, decimals on their step) are in
// the refinement at the bottom, so every problem carries its JSON path.
import { z } from 'zod';
import { ratePolicyProblem } from '../../native/rate-policy-range.ts';
import { cidrProblem } from '../cidr.ts';
import { DecimalError, DecimalStep, decimalErrorText, parseDecimal } from '../decimal.ts';

const ID = /^[A-Za-z0-9_.-]{1,64}$/;
const SYMBOL = /^[A-Za-z0-9_.\-/]{1,32}$/;
const COMP_ID = /^[A-Za-z0-9_-]{1,32}$/;

// Names of Object.prototype's own machinery are no names here: as the key of a JSON object
// "__proto__" sets a prototype instead of a property (zod's record drops it without a
// word, and with it the limit it carried), and any of them might one day be looked up on
// a plain object by mistake.
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
const notReserved = [
  (text: string) => !RESERVED.has(text),
  'must not be "__proto__", "constructor" or "prototype"',
] as const;

/** An account or key id (keygen checks its options with it too). */
export const idText = z
  .string()
  .regex(ID, 'must be 1-64 characters of A-Z a-z 0-9 _ . -')
  .refine(...notReserved);

/** A map from market symbols, refusing "__proto__" (which zod's record would skip, unread). */
function bySymbol<T extends z.ZodType>(value: T) {
  return z.preprocess(
    (input, ctx) => {
      if (input !== null && typeof input === 'object' && Object.hasOwn(input, '__proto__')) {
        ctx.addIssue({ code: 'custom', path: ['__proto__'], message: notReserved[1], input });
      }
      return input;
    },
    z.record(z.string(), value),
  );
}

const positiveInt = z.int().min(1);
const port = z.int().min(0).max(65_535);
const decimalText = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "0.5"');
/** A tick or lot size: a decimal that DecimalStep accepts (positive, at most 12 decimals). */
const stepText = decimalText.superRefine((text, ctx) => {
  try {
    DecimalStep.parse(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});
const cidrText = z.string().superRefine((text, ctx) => {
  const why = cidrProblem(text);
  if (why) ctx.addIssue({ code: 'custom', message: why });
});
const publicKeyText = z
  .base64('must be base64 of the 32-byte public key')
  .refine((text) => Buffer.from(text, 'base64').length === 32, 'must be base64 of exactly 32 bytes');
const isoUtc = z.iso.datetime({
  offset: false,
  message: 'must be an ISO-8601 UTC time such as "2027-01-01T00:00:00Z"',
});

export const secretSchema = z.union(
  [
    z.strictObject({
      env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
    }),
    z.strictObject({ file: z.string().min(1) }),
    z.strictObject({ value: z.string().min(1) }),
  ],
  { error: 'must be {"env": NAME}, {"file": PATH} or {"value": TEXT}' },
);
export type SecretSource = z.infer<typeof secretSchema>;

/** Refuses, at the rate or the burst, a policy the native limiter would not take at start. */
function withinLimiterRange(rateField: string) {
  return (policy: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const rate = policy[rateField] as number;
    const burst = policy.burst as number;
    // A rate or burst that fails its own field's check is reported there already.
    if (!(rate > 0 && rate <= 1e9) || !Number.isInteger(burst) || burst < 1) return;
    const why = ratePolicyProblem(rate, burst);
    if (why) {
      const field = why.field === 'ratePerSec' ? rateField : 'burst';
      ctx.addIssue({ code: 'custom', path: [field], message: why.message });
    }
  };
}

const ratePolicy = z
  .strictObject({ ratePerSec: z.number().positive().max(1e9), burst: positiveInt })
  .superRefine(withinLimiterRange('ratePerSec'));

const marketSchema = z.strictObject({
  symbol: z
    .string()
    .regex(SYMBOL, 'must be 1-32 characters of A-Z a-z 0-9 _ . - /')
    .refine(...notReserved),
  tickSize: stepText,
  lotSize: stepText,
  minQty: decimalText,
  maxQty: decimalText,
  maxNotional: decimalText,
  collarBps: z.int().min(0).max(10_000),
  status: z.enum(['open', 'halted', 'closed']),
  requireReferencePrice: z.boolean().default(false),
});

const accountSchema = z.strictObject({
  id: idText,
  kyc: z.enum(['verified', 'pending', 'rejected']),
  blocked: z.boolean().default(false),
  limits: z
    .strictObject({
      maxOpenOrders: positiveInt,
      ordersPerSec: z.number().positive().max(1e9),
      burst: positiveInt,
      maxPosition: bySymbol(decimalText).default({}),
    })
    .superRefine(withinLimiterRange('ordersPerSec')),
});

const keyCommon = {
  id: idText,
  account: z.string(),
  permissions: z.array(z.enum(['trade', 'cancel', 'read'])).min(1),
  markets: z.array(z.string()).min(1),
  cidrs: z.array(cidrText).min(1),
  notBefore: isoUtc.nullable().default(null),
  expiresAt: isoUtc.nullable().default(null),
  /** FIX sessions of this key cancel their orders when they drop, unless the Logon's 8013 says otherwise. */
  cancelOnDisconnect: z.boolean().default(true),
};

export const keySchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      ...keyCommon,
      type: z.literal('ed25519'),
      publicKey: publicKeyText,
    }),
    z.strictObject({ ...keyCommon, type: z.literal('hmac-sha256'), secret: secretSchema }),
  ],
  { error: 'type must be "ed25519" or "hmac-sha256"' },
);

/** PEM files, relative to the configuration file's folder (load.ts reads and checks them). */
export const tlsSchema = z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) });

/**
 * The document's shape and each value. What needs more than one entry (uniqueness,
 * references, decimals on their market's step) is checkReferences, run beside it.
 */
export const configSchema = z.strictObject({
  listen: z.strictObject({
    host: z.string().min(1),
    port,
    tls: tlsSchema.nullable().default(null),
  }),
  venue: z.strictObject({
    host: z.string().min(1),
    port,
    timeoutMs: z.int().min(1).max(600_000),
  }),
  session: z.strictObject({
    targetCompId: z.string().regex(COMP_ID, 'must be 1-32 characters of A-Z a-z 0-9 _ -'),
    recvWindowMs: z.int().min(1).max(600_000),
    maxHeartBtInt: z.int().min(1).max(3600),
    maxMessageBytes: z.int().min(256).max(1_048_576),
    logonTimeoutMs: z.int().min(1).max(600_000),
  }),
  limits: z.strictObject({
    perIp: ratePolicy,
    perConnection: ratePolicy,
    maxConnectionsPerIp: positiveInt,
    // FIX connections not yet logged on, from all addresses together: each may hold a
    // partly received frame (up to 16 x maxMessageBytes x 8, at least 512 KiB) until its
    // Logon timeout, so this bounds what unauthenticated clients can make the server hold.
    maxPendingLogons: positiveInt.default(256),
    authFailuresBeforeLockout: positiveInt,
    lockoutMs: z.int().min(0),
  }),
  markets: z.array(marketSchema).min(1),
  accounts: z.array(accountSchema),
  keys: z.array(keySchema),
  state: z.strictObject({ backend: z.literal('memory') }),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type MarketConfig = Config['markets'][number];
export type AccountConfig = Config['accounts'][number];
export type KeyConfig = Config['keys'][number];

/** Where a problem is (a JSON path as a list of keys and indexes) and what it is. */
type Report = (path: (string | number)[], message: string) => void;

/** One entry of a section: as the document has it, and parsed if it is valid on its own. */
export interface Entry<T> {
  raw: unknown;
  parsed: T | null;
}

/** The entries of one of the document's sections (markets, accounts, keys), each parsed alone. */
export function entriesOf<T>(doc: unknown, section: string, schema: z.ZodType<T>): Entry<T>[] {
  const list = (doc as Record<string, unknown> | null)?.[section];
  if (!Array.isArray(list)) return [];
  return list.map((raw) => {
    const result = schema.safeParse(raw);
    return { raw, parsed: result.success ? result.data : null };
  });
}

function asEntries<T>(parsed: T[]): Entry<T>[] {
  return parsed.map((entry) => ({ raw: entry, parsed: entry }));
}

/** A string member of an entry as the document has it (its name, even if the entry is invalid). */
function nameOf(raw: unknown, member: string): string | undefined {
  const value = (raw as Record<string, unknown> | null)?.[member];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Checks that need more than one entry: uniqueness, references, decimals on their step. They
 * run on the document as it is, whatever else is wrong with it, so that one run of
 * check-config lists every problem: names are read from every entry, and the checks of an
 * entry's own values from each entry that is valid on its own (its other problems are the
 * schema's to tell).
 */
export function checkReferences(doc: unknown, report: Report, valid: Config | null = null): void {
  // A document that parsed whole has every entry valid already: no need to parse them again.
  const markets = valid ? asEntries(valid.markets) : entriesOf(doc, 'markets', marketSchema);
  const accounts = valid ? asEntries(valid.accounts) : entriesOf(doc, 'accounts', accountSchema);
  const keys = valid ? asEntries(valid.keys) : entriesOf(doc, 'keys', keySchema);

  const steps = new Map<string, DecimalStep>();
  const symbols = new Set<string>();
  markets.forEach(({ raw, parsed: market }, i) => {
    const at = ['markets', i];
    const symbol = nameOf(raw, 'symbol');
    if (symbol !== undefined) {
      if (symbols.has(symbol)) report([...at, 'symbol'], `duplicate symbol "${symbol}"`);
      symbols.add(symbol);
    }
    if (market === null) return;
    const tick = stepOf(market.tickSize);
    const lot = stepOf(market.lotSize);
    if (!tick || !lot) return;
    steps.set(market.symbol, lot);
    const min = onStep(report, market.minQty, lot, [...at, 'minQty'], 'lotSize');
    const max = onStep(report, market.maxQty, lot, [...at, 'maxQty'], 'lotSize');
    if (min !== null && max !== null) {
      if (min < 1) report([...at, 'minQty'], 'must be at least one lot');
      if (max < min) report([...at, 'maxQty'], 'must not be below minQty');
    }
    if (tick.decimals + lot.decimals > 15) {
      report([...at, 'tickSize'], 'tickSize and lotSize together have more than 15 decimals');
    }
  });

  const accountIds = new Set<string>();
  accounts.forEach(({ raw, parsed: account }, i) => {
    const at = ['accounts', i];
    const id = nameOf(raw, 'id');
    if (id !== undefined) {
      if (accountIds.has(id)) report([...at, 'id'], `duplicate account "${id}"`);
      accountIds.add(id);
    }
    if (account === null) return;
    for (const [symbol, qty] of Object.entries(account.limits.maxPosition)) {
      const where = [...at, 'limits', 'maxPosition', symbol];
      const lot = steps.get(symbol);
      if (!symbols.has(symbol)) report(where, `unknown market "${symbol}"`);
      else if (lot) onStep(report, qty, lot, where, "the market's lotSize");
    }
  });

  const keyIds = new Set<string>();
  keys.forEach(({ raw, parsed: key }, i) => {
    const at = ['keys', i];
    const id = nameOf(raw, 'id');
    if (id !== undefined) {
      if (keyIds.has(id)) report([...at, 'id'], `duplicate key "${id}"`);
      keyIds.add(id);
    }
    if (key === null) return;
    if (!accountIds.has(key.account)) report([...at, 'account'], `unknown account "${key.account}"`);
    if (new Set(key.permissions).size !== key.permissions.length) {
      report([...at, 'permissions'], 'lists a permission twice');
    }
    const wildcard = key.markets.includes('*');
    if (wildcard && key.markets.length > 1) report([...at, 'markets'], '"*" must be the only entry');
    if (!wildcard) {
      key.markets.forEach((symbol, j) => {
        if (!symbols.has(symbol)) report([...at, 'markets', j], `unknown market "${symbol}"`);
        // As for permissions: a repeated entry is a slip (a different market was probably meant).
        if (key.markets.indexOf(symbol) < j) report([...at, 'markets', j], `"${symbol}" is listed twice`);
      });
    }
    if (key.notBefore && key.expiresAt && Date.parse(key.notBefore) >= Date.parse(key.expiresAt)) {
      report([...at, 'expiresAt'], 'must be after notBefore');
    }
  });
}

/** The step, or null when it is invalid (stepText reports that; zod still runs this refinement). */
function stepOf(text: string): DecimalStep | null {
  try {
    return DecimalStep.parse(text);
  } catch {
    return null;
  }
}

function onStep(
  report: Report,
  text: string,
  step: DecimalStep,
  path: (string | number)[],
  stepName: string,
) {
  const steps = parseDecimal(text, 0, text.length, step);
  if (steps >= 0) return steps;
  const why =
    steps === DecimalError.OFF_STEP || steps === DecimalError.TOO_MANY_DECIMALS
      ? `"${text}" is not a whole multiple of ${stepName} ${step.text}`
      : `"${text}" ${decimalErrorText(steps as never)}`;
  report(path, why);
  return null;
}
