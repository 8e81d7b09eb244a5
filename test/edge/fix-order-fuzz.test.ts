// Property: a logged-on FIX client sends NewOrderSingles, replaces of its resting
// order, cancels and mass cancels, well-formed or with one field removed, added
// (known, unknown or repeated tags) or given another value (any, or another valid one:
// side 2 for 1), and each gets exactly one answer (a Reject 35=3, an
// OrderCancelReject 35=9, an OrderMassCancelReport or an ExecutionReport). A message
// that is not a valid D, G, F or q (SPEC section 5) is refused and reaches the venue in
// no form; what reaches the venue is exactly what the message says, as an independent
// reading of its fields gives it: a new order's side, type, time in force, post-only,
// price and quantity in ticks and lots; a replace's or a cancel's order, and only on its
// side; a mass cancel's account and market. The session goes on throughout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { ExecutionReport, FixClient, MassCancelReport } from '../../src/client/fix-client.ts';
import { Tag } from '../../src/fix/tags.ts';
import { formatUtcTimestamp } from '../../src/fix/utc-timestamp.ts';
import { OrderType, Side, TimeInForce } from '../../src/pipeline/request.ts';
import { Clients, clOrdId, encode, type Fixture, header, startFixture } from './support/fix-harness.ts';
import {
  assertSentAsRead,
  DEMO_STEPS,
  type Decimal,
  generatedOrder,
  type OrderReading,
  OutcomeTally,
  parseDecimalText,
  recordSent,
  type Sent,
  stepsOf,
  stepsText,
} from './support/venue-oracle.ts';

const SEED = Number(process.env.PORTCULLIS_FC_SEED ?? 20261126);
const RUNS = Number(process.env.PORTCULLIS_FC_RUNS ?? 150);

type Field = [number, string | typeof FRESH];
/** Placeholder for a fresh ClOrdID, filled in when the message is sent. */
const FRESH = Symbol('fresh ClOrdID');

/** Tags of the header and trailer: altering them is the session's business (fix-fuzz), not the order's. */
const SESSION_TAGS = new Set([8, 9, 10, 34, 35, 43, 49, 52, 56, 97, 122]);

const D_TAGS = [
  Tag.ClOrdID,
  Tag.Symbol,
  Tag.Side,
  Tag.OrderQty,
  Tag.OrdType,
  Tag.Price,
  Tag.TimeInForce,
  Tag.TransactTime,
  Tag.ExecInst,
];

const anyValue = fc.oneof(
  fc.stringMatching(/^[\x20-\x7e]{1,40}$/),
  fc.constantFrom('1', '2', '3', '4', '6', '0', 'Y', 'N', 'BTC-PERP', 'ETH-PERP', 'BTC-perp'),
  fc.constantFrom('65000', '65000.5', '65000.25', '0.001', '0.0015', '01.5', '1.', '.5', '-1', '1e3', '0'),
  fc.constantFrom(
    '20261122-12:00:00',
    '20261122-12:00:00.123456',
    '20261122-25:61:61.999',
    '20260230-00:00:00',
  ),
  fc.integer({ min: -1_000, max: 1_000_000 }).map(String),
);

const SIDE = { buy: '1', sell: '2' } as const;
const ORD_TYPE = { market: '1', limit: '2' } as const;
const TIF_CODE = { DAY: '0', GTC: '1', IOC: '3', FOK: '4' } as const;

/** A well-formed NewOrderSingle body (after the header). TimeInForce is required of a D; post-only is 18=6. */
const validOrder: fc.Arbitrary<Field[]> = generatedOrder.map((o) => {
  const fields: Field[] = [
    [Tag.ClOrdID, FRESH],
    [Tag.Symbol, o.symbol],
    [Tag.Side, SIDE[o.side]],
    [Tag.OrderQty, o.qty],
    [Tag.OrdType, ORD_TYPE[o.type]],
  ];
  if (o.type === 'limit') fields.push([Tag.Price, o.price]);
  fields.push([Tag.TimeInForce, TIF_CODE[o.tif]], [Tag.TransactTime, formatUtcTimestamp(Date.now())]);
  if (o.postOnly) fields.push([Tag.ExecInst, '6']);
  return fields;
});

interface Alteration {
  how: 'remove' | 'add' | 'replace' | 'respell';
  at: number;
  tag: number;
  value: string;
  pick: number;
}

/** Valid values of the enumerated fields: 'respell' gives a field another of its own valid values. */
const VALID_VALUES: Record<number, readonly string[]> = {
  [Tag.Side]: ['1', '2'],
  [Tag.OrdType]: ['1', '2'],
  [Tag.TimeInForce]: ['0', '1', '3', '4'],
  [Tag.Symbol]: ['BTC-PERP', 'ETH-PERP'],
  [Tag.ExecInst]: ['6'],
};

const alteration: fc.Arbitrary<Alteration> = fc.record({
  how: fc.constantFrom('remove' as const, 'add' as const, 'replace' as const, 'respell' as const),
  pick: fc.nat(),
  at: fc.nat(),
  tag: fc.oneof(
    fc.constantFrom(...D_TAGS, Tag.OrigClOrdID, Tag.Text, 1, 100, 207, 9_999),
    fc.integer({ min: 1, max: 20_000 }).filter((t) => !SESSION_TAGS.has(t)),
  ),
  value: anyValue,
});

/** The fields with one removed, one added before it, or its value replaced (by any value, or another valid one). */
function alter<T>(fields: [number, T][], a: Alteration): [number, T | string][] {
  const i = a.at % fields.length;
  if (a.how === 'remove') return fields.filter((_, k) => k !== i);
  if (a.how === 'add') return [...fields.slice(0, i), [a.tag, a.value], ...fields.slice(i)];
  const valid = VALID_VALUES[fields[i]![0]];
  if (a.how === 'respell' && valid === undefined) return fields;
  const value = a.how === 'respell' ? valid![a.pick % valid!.length]! : a.value;
  return fields.map((f, k): [number, T | string] => (k === i ? [f[0], value] : f));
}

const order: fc.Arbitrary<Field[]> = fc.oneof(
  { weight: 1, arbitrary: validOrder },
  { weight: 3, arbitrary: fc.tuple(validOrder, alteration).map(([fields, a]) => alter(fields, a)) },
);

/** A replace of the session's resting buy: new quantity and price (ticks from the resting price), maybe altered. */
const replaceSpec = fc.record({
  qtyLots: fc.integer({ min: 1, max: 300 }),
  priceOffset: fc.integer({ min: -400, max: 400 }),
  alteration: fc.option(alteration, { freq: 3 }),
});

/** A cancel (F) of one of the session's resting orders, or a mass cancel (q), maybe altered. */
const cancelSpec = fc.record({
  kind: fc.constantFrom('F' as const, 'F' as const, 'q' as const),
  pick: fc.nat(),
  alteration: fc.option(alteration, { freq: 3 }),
});

// --- an independent reading of a D --------------------------------------------------

const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;
const TIF: Record<string, number> = {
  '0': TimeInForce.DAY,
  '1': TimeInForce.GTC,
  '3': TimeInForce.IOC,
  '4': TimeInForce.FOK,
};

function isUtcTimestamp(text: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})(\.\d{3}|\.\d{6}|\.\d{9})?$/.exec(text);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return (
    date.getUTCMonth() === month! - 1 &&
    date.getUTCDate() === day! &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59
  );
}

/** The fields of a message by tag, or null when one is repeated or one of `required` is missing. */
function fieldsByTag(fields: [number, string][], required: readonly number[]): Map<number, string> | null {
  const values = new Map<number, string>();
  for (const [tag, value] of fields) {
    if (values.has(tag)) return null;
    values.set(tag, value);
  }
  return required.every((tag) => values.has(tag)) ? values : null;
}

const CL_ORD_ID = /^[A-Za-z0-9_-]{1,36}$/;

/** The order a D says, or null when SPEC section 5 makes it no valid NewOrderSingle. */
function readOrder(fields: [number, string][]): OrderReading | null {
  const values = fieldsByTag(fields, [
    Tag.ClOrdID,
    Tag.Symbol,
    Tag.Side,
    Tag.OrderQty,
    Tag.OrdType,
    Tag.TimeInForce,
    Tag.TransactTime,
  ]);
  if (values === null) return null;
  const v = (tag: number) => values.get(tag)!;
  if (!CL_ORD_ID.test(v(Tag.ClOrdID))) return null;
  if (v(Tag.Side) !== '1' && v(Tag.Side) !== '2') return null;
  if (v(Tag.OrdType) !== '1' && v(Tag.OrdType) !== '2') return null;
  if (TIF[v(Tag.TimeInForce)] === undefined) return null;
  if (!isUtcTimestamp(v(Tag.TransactTime))) return null;
  if (values.has(Tag.ExecInst) && v(Tag.ExecInst) !== '6') return null;
  if (!DECIMAL.test(v(Tag.OrderQty))) return null;
  const limit = v(Tag.OrdType) === '2';
  if (limit !== values.has(Tag.Price)) return null;
  if (limit && !DECIMAL.test(v(Tag.Price))) return null;
  return {
    symbol: v(Tag.Symbol),
    side: v(Tag.Side) === '1' ? Side.BUY : Side.SELL,
    type: limit ? OrderType.LIMIT : OrderType.MARKET,
    tif: TIF[v(Tag.TimeInForce)]!,
    postOnly: values.has(Tag.ExecInst),
    qty: parseDecimalText(v(Tag.OrderQty)),
    price: limit ? parseDecimalText(v(Tag.Price)) : null,
  };
}

interface ReplaceReading {
  origClOrdId: string;
  symbol: string;
  side: number;
  qty: Decimal;
  price: Decimal;
}

/** The replace a G says, or null when SPEC section 5 makes it no valid OrderCancelReplaceRequest. */
function readReplace(fields: [number, string][]): ReplaceReading | null {
  const values = fieldsByTag(fields, [
    Tag.ClOrdID,
    Tag.OrigClOrdID,
    Tag.Symbol,
    Tag.Side,
    Tag.OrderQty,
    Tag.OrdType,
    Tag.Price,
    Tag.TransactTime,
  ]);
  if (values === null) return null;
  const v = (tag: number) => values.get(tag)!;
  if (!CL_ORD_ID.test(v(Tag.ClOrdID)) || !CL_ORD_ID.test(v(Tag.OrigClOrdID))) return null;
  if (v(Tag.Side) !== '1' && v(Tag.Side) !== '2') return null;
  if (v(Tag.OrdType) !== '2') return null; // a replace restates a limit price
  if (values.has(Tag.TimeInForce) && TIF[v(Tag.TimeInForce)] === undefined) return null;
  if (!isUtcTimestamp(v(Tag.TransactTime))) return null;
  if (!DECIMAL.test(v(Tag.OrderQty)) || !DECIMAL.test(v(Tag.Price))) return null;
  return {
    origClOrdId: v(Tag.OrigClOrdID),
    symbol: v(Tag.Symbol),
    side: v(Tag.Side) === '1' ? Side.BUY : Side.SELL,
    qty: parseDecimalText(v(Tag.OrderQty)),
    price: parseDecimalText(v(Tag.Price)),
  };
}

/** The order an F cancels, or null when SPEC section 5 makes it no valid OrderCancelRequest. */
function readCancel(
  fields: [number, string][],
): { origClOrdId: string; symbol: string; side: number } | null {
  const values = fieldsByTag(fields, [Tag.ClOrdID, Tag.OrigClOrdID, Tag.Symbol, Tag.Side, Tag.TransactTime]);
  if (values === null) return null;
  const v = (tag: number) => values.get(tag)!;
  if (!CL_ORD_ID.test(v(Tag.ClOrdID)) || !CL_ORD_ID.test(v(Tag.OrigClOrdID))) return null;
  if (v(Tag.Side) !== '1' && v(Tag.Side) !== '2') return null;
  if (!isUtcTimestamp(v(Tag.TransactTime))) return null;
  return {
    origClOrdId: v(Tag.OrigClOrdID),
    symbol: v(Tag.Symbol),
    side: v(Tag.Side) === '1' ? Side.BUY : Side.SELL,
  };
}

/** The market a q cancels ('' for all), or null when it is no valid OrderMassCancelRequest. */
function readMassCancel(fields: [number, string][]): { symbol: string } | null {
  const values = fieldsByTag(fields, [Tag.ClOrdID, Tag.MassCancelRequestType]);
  if (values === null || !CL_ORD_ID.test(values.get(Tag.ClOrdID)!)) return null;
  const type = values.get(Tag.MassCancelRequestType);
  if (type === '7') return { symbol: '' };
  if (type !== '1' || !values.has(Tag.Symbol)) return null;
  return { symbol: values.get(Tag.Symbol)! };
}

// --- the answers ------------------------------------------------------------------------

type Answer =
  | { kind: 'reject'; text: string }
  | { kind: 'business-reject'; text: string }
  | { kind: 'cancel-reject'; text: string }
  | { kind: 'mass-report'; report: MassCancelReport }
  | { kind: 'report'; report: ExecutionReport };

/** The reject code in front of a report's or a refusal's text (`CODE: message`), or ''. */
const codeOf = (text: string | undefined) => /^([A-Z_]+):/.exec(text ?? '')?.[1] ?? '';
const answerCode = (answer: Answer) => codeOf('report' in answer ? answer.report.text : answer.text);

/**
 * The one answer to the message sent as `seq` with ClOrdID `id` (as sent, if any): a Reject
 * or BusinessMessageReject naming its number, an OrderCancelReject, or its report of one of
 * `execTypes` (the D's 0, the G's 5, or 8).
 */
function answerTo(
  client: FixClient,
  seq: number,
  id: string | undefined,
  execTypes: readonly string[],
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const offs: Array<() => void> = [];
    const done = (answer: Answer | Error) => {
      for (const off of offs) off();
      clearTimeout(timer);
      if (answer instanceof Error) reject(answer);
      else resolve(answer);
    };
    const timer = setTimeout(() => done(new Error(`no answer to message ${seq} within 5 s`)), 5000);
    offs.push(
      client.on('reject', (r) => {
        if (r.refSeqNum === seq) done({ kind: 'reject', text: r.text ?? '' });
      }),
      client.on('businessReject', (r) => {
        if (r.refSeqNum === seq) done({ kind: 'business-reject', text: r.text ?? '' });
      }),
      client.on('orderCancelReject', (r) => {
        if (id !== undefined && r.clOrdId === id) done({ kind: 'cancel-reject', text: r.text ?? '' });
      }),
      client.on('massCancelReport', (r) => {
        if (id !== undefined && r.clOrdId === id) done({ kind: 'mass-report', report: r });
      }),
      client.on('executionReport', (r) => {
        if (id !== undefined && r.clOrdId === id && execTypes.includes(r.execType)) {
          done({ kind: 'report', report: r });
        }
      }),
      client.on('close', (c) =>
        done(new Error(`the session closed (${c.code}) before answering message ${seq}`)),
      ),
    );
  });
}

describe('FIX order fuzz: new orders, replaces and cancels, well-formed or altered, on a logged-on session', () => {
  let fx: Fixture;
  const clients = new Clients();
  let sent: Sent;

  before(async () => {
    fx = await startFixture({
      configure: (config) => {
        config.limits.perIp = { ratePerSec: 1_000_000, burst: 1_000_000 };
        config.limits.perConnection = { ratePerSec: 1_000_000, burst: 1_000_000 };
        for (const account of config.accounts) {
          account.limits = {
            ...account.limits,
            ordersPerSec: 1_000_000,
            burst: 1_000_000,
            maxOpenOrders: 100_000,
          };
        }
      },
    });
    sent = recordSent(fx.firewall.link);
  });
  after(async () => {
    await clients.closeAll();
    await fx.stop();
  });

  it('answers each once, refuses what is not a valid D, and sends on exactly the order a D says', async () => {
    const outcomes = new OutcomeTally();
    const count = (outcome: string) => outcomes.count(outcome);
    await fc.assert(
      fc.asyncProperty(fc.array(order, { minLength: 1, maxLength: 4 }), async (orders) => {
        // Cancel-on-disconnect: what a run leaves resting goes when its session does.
        const client = await clients.connect(fx, 'MM1-fix', { cancelOnDisconnect: true });
        for (const generated of orders) {
          const fields = generated.map(([tag, value]): [number, string] => [
            tag,
            value === FRESH ? clOrdId('fz') : value,
          ]);
          const id = fields.find(([tag]) => tag === Tag.ClOrdID)?.[1];
          const shown = fields.map(([t, v]) => `${t}=${v}`).join('|');
          const seq = client.reserveSeqNum();
          const answered = answerTo(client, seq, id, ['0', '8']);
          const before = sent.orders.length;
          client.sendRaw(encode('D', [...header(client.senderCompId, seq), ...fields]));
          const answer = await answered;
          const orders = sent.orders.slice(before);
          const reading = readOrder(fields);
          const code = answer.kind === 'report' ? codeOf(answer.report.text) : '';

          if (answer.kind === 'report' && answer.report.execType === '0') {
            count('accepted');
            assertSentAsRead(reading, orders, shown);
          } else if (answer.kind === 'report' && (code === 'VENUE_REJECT' || code === 'VENUE_TIMEOUT')) {
            count(code);
            assertSentAsRead(reading, orders, shown);
          } else {
            count(answer.kind === 'report' ? code : answer.kind);
            assert.equal(
              orders.length,
              0,
              `refused (${answer.kind} ${code}), yet sent to the venue: ${shown}`,
            );
            assert.notEqual(answer.kind, 'business-reject', `35=j for a D: ${shown}`);
            if (reading === null) {
              // Not a valid D: a Reject, unless its symbol names no market, which is told first.
              const symbol = fields.find(([tag]) => tag === Tag.Symbol)?.[1];
              const unknownSymbol =
                code === 'UNKNOWN_SYMBOL' && symbol !== undefined && DEMO_STEPS[symbol] === undefined;
              assert.ok(answer.kind === 'reject' || unknownSymbol, `${answer.kind} ${code} for ${shown}`);
            }
          }
          assert.ok(client.isActive, `the session ended after ${shown}`);
        }
        await client.logout();
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
    );
    outcomes.assertReached(['accepted', 'reject']);
  });

  it('answers each replace once, refuses what is not a valid G, and sends on exactly the replace a G says', async () => {
    const market = fx.firewall.runtime.model.markets.get('BTC-PERP')!;
    const { lot, tick } = DEMO_STEPS['BTC-PERP']!;
    await giveReferencePrice();
    const outcomes = new OutcomeTally();
    const count = (outcome: string) => outcomes.count(outcome);
    await fc.assert(
      fc.asyncProperty(fc.array(replaceSpec, { minLength: 1, maxLength: 3 }), async (specs) => {
        const client = await clients.connect(fx, 'MM1-fix', { cancelOnDisconnect: true });
        // A post-only buy 3% under the reference: it rests, and the replaces move it around there.
        const baseTicks = Math.floor(fx.firewall.runtime.tables.referencePriceTicks(market.index) * 0.97);
        let current = clOrdId('rest');
        client.newOrder({
          clOrdId: current,
          symbol: 'BTC-PERP',
          side: 'buy',
          type: 'limit',
          qty: '0.010',
          price: market.tick.format(baseTicks),
          postOnly: true,
        });
        const ack = await client.waitFor('executionReport', (r) => r.clOrdId === current, 5000);
        assert.equal(ack.execType, '0', ack.text);
        const orderId = Number(ack.orderId);
        for (const spec of specs) {
          const valid: [number, string][] = [
            [Tag.ClOrdID, clOrdId('rp')],
            [Tag.OrigClOrdID, current],
            [Tag.Symbol, 'BTC-PERP'],
            [Tag.Side, '1'],
            [Tag.OrderQty, stepsText(spec.qtyLots, lot)],
            [Tag.OrdType, '2'],
            [Tag.Price, stepsText(baseTicks + spec.priceOffset, tick)],
            [Tag.TransactTime, formatUtcTimestamp(Date.now())],
          ];
          const fields =
            spec.alteration === null ? valid : (alter(valid, spec.alteration) as [number, string][]);
          const id = fields.find(([tag]) => tag === Tag.ClOrdID)?.[1];
          const shown = fields.map(([t, v]) => `${t}=${v}`).join('|');
          const seq = client.reserveSeqNum();
          const answered = answerTo(client, seq, id, ['5', '8']);
          const before = sent.replaces.length;
          client.sendRaw(encode('G', [...header(client.senderCompId, seq), ...fields]));
          const answer = await answered;
          const replaces = sent.replaces.slice(before);
          const reading = readReplace(fields);
          const code = answerCode(answer);
          const wentOut =
            (answer.kind === 'report' && answer.report.execType === '5') ||
            (answer.kind === 'cancel-reject' && (code === 'VENUE_REJECT' || code === 'VENUE_TIMEOUT'));
          if (wentOut) {
            count(answer.kind === 'report' ? 'replaced' : code);
            assert.ok(reading !== null, `sent on, but not a valid G: ${shown}`);
            assert.equal(reading.origClOrdId, current, `sent on, but it names another order: ${shown}`);
            assert.equal(reading.symbol, 'BTC-PERP', shown);
            assert.equal(reading.side, Side.BUY, shown);
            assert.deepEqual(
              replaces,
              [
                {
                  orderId,
                  priceTicks: Number(stepsOf(reading.price, tick)),
                  qtyLots: Number(stepsOf(reading.qty, lot)),
                },
              ],
              shown,
            );
            if (answer.kind === 'report') current = id!;
          } else {
            count(
              answer.kind === 'report'
                ? `report ${code}`
                : answer.kind === 'cancel-reject'
                  ? code
                  : answer.kind,
            );
            assert.equal(
              replaces.length,
              0,
              `refused (${answer.kind} ${code}), yet sent to the venue: ${shown}`,
            );
            assert.ok(
              answer.kind === 'reject' || answer.kind === 'cancel-reject',
              `a refused replace answers 35=3 or 35=9, not ${answer.kind}: ${shown}`,
            );
          }
          assert.ok(client.isActive, `the session ended after ${shown}`);
        }
        await client.logout();
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
    );
    outcomes.assertReached(['replaced', 'reject']);
  });

  it('answers each cancel and mass cancel once, and sends on only what a valid F or q names', async () => {
    await giveReferencePrice();
    const outcomes = new OutcomeTally();
    const count = (outcome: string) => outcomes.count(outcome);
    await fc.assert(
      fc.asyncProperty(fc.array(cancelSpec, { minLength: 1, maxLength: 3 }), async (specs) => {
        const client = await clients.connect(fx, 'MM1-fix', { cancelOnDisconnect: true });
        // The session's resting orders: clOrdId -> orderId.
        const live = new Map<string, number>();
        for (const percent of [3, 4]) {
          const id = clOrdId('rest');
          live.set(id, await restingBuy(client, id, percent));
        }
        for (const spec of specs) {
          const ids = [...live.keys()];
          const valid: [number, string][] =
            spec.kind === 'F'
              ? [
                  [Tag.ClOrdID, clOrdId('cx')],
                  [Tag.OrigClOrdID, ids.length > 0 ? ids[spec.pick % ids.length]! : 'none-left'],
                  [Tag.Symbol, 'BTC-PERP'],
                  [Tag.Side, '1'],
                  [Tag.TransactTime, formatUtcTimestamp(Date.now())],
                ]
              : spec.pick % 3 === 0
                ? [
                    [Tag.ClOrdID, clOrdId('mx')],
                    [Tag.MassCancelRequestType, '7'],
                  ]
                : [
                    [Tag.ClOrdID, clOrdId('mx')],
                    [Tag.MassCancelRequestType, '1'],
                    [Tag.Symbol, spec.pick % 3 === 1 ? 'BTC-PERP' : 'ETH-PERP'],
                  ];
          const fields =
            spec.alteration === null ? valid : (alter(valid, spec.alteration) as [number, string][]);
          const id = fields.find(([tag]) => tag === Tag.ClOrdID)?.[1];
          const shown = `${spec.kind} ${fields.map(([t, v]) => `${t}=${v}`).join('|')}`;
          const seq = client.reserveSeqNum();
          const answered = answerTo(client, seq, id, ['4', '8']);
          const cancelsBefore = sent.cancels.length;
          const massBefore = sent.massCancels.length;
          client.sendRaw(encode(spec.kind, [...header(client.senderCompId, seq), ...fields]));
          const answer = await answered;
          const cancels = sent.cancels.slice(cancelsBefore);
          const massCancels = sent.massCancels.slice(massBefore);
          count(`${spec.kind} ${answer.kind} ${answerCode(answer)}`);
          assert.ok(answer.kind !== 'business-reject', `35=j for ${shown}`);
          if (spec.kind === 'F') {
            assert.equal(massCancels.length, 0, shown);
            const reading = readCancel(fields);
            if (cancels.length > 0) {
              // What went out is the cancel of exactly the order the F names, on its side and market.
              assert.ok(reading !== null, `sent on, but not a valid F: ${shown}`);
              assert.equal(reading.symbol, 'BTC-PERP', shown);
              assert.equal(reading.side, Side.BUY, shown);
              assert.deepEqual(cancels, [live.get(reading.origClOrdId)], shown);
            }
            if (answer.kind === 'report' && answer.report.execType === '4') {
              assert.equal(cancels.length, 1, `canceled without a cancel sent: ${shown}`);
              live.delete(reading!.origClOrdId);
            } else if (answer.kind === 'reject') {
              assert.equal(cancels.length, 0, shown);
            } else {
              assert.equal(answer.kind, 'cancel-reject', `a refused F answers 35=3 or 35=9: ${shown}`);
            }
            if (reading === null)
              assert.ok(answer.kind === 'reject' || answer.kind === 'cancel-reject', shown);
          } else {
            assert.equal(cancels.length, 0, shown);
            const reading = readMassCancel(fields);
            if (massCancels.length > 0) {
              assert.ok(reading !== null, `sent on, but not a valid q: ${shown}`);
              assert.deepEqual(massCancels, [{ account: 'MM1', symbol: reading.symbol }], shown);
              assert.equal(answer.kind, 'mass-report', shown);
              if (reading.symbol === '' || reading.symbol === 'BTC-PERP') live.clear();
            } else {
              assert.ok(
                answer.kind === 'reject' || (answer.kind === 'mass-report' && answer.report.response === '0'),
                `refused without a Reject or a 531=0 report: ${shown}`,
              );
            }
            if (reading === null) assert.ok(massCancels.length === 0, shown);
          }
          assert.ok(client.isActive, `the session ended after ${shown}`);
        }
        await client.logout();
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
    );
    outcomes.assertReached([
      'F report ',
      'F reject INVALID_REQUEST',
      'q mass-report ',
      'q reject INVALID_REQUEST',
    ]);
  });

  /** A trade at 65000 gives BTC-PERP its reference price (if it has none yet), around which resting orders go. */
  async function giveReferencePrice(): Promise<void> {
    const market = fx.firewall.runtime.model.markets.get('BTC-PERP')!;
    if (fx.firewall.runtime.tables.referencePriceTicks(market.index) > 0) return;
    const trade = { symbol: 'BTC-PERP', type: 'limit', qty: '0.001', price: '65000' } as const;
    await fx.rest('MM2-rest').placeOrder({ ...trade, clOrdId: clOrdId('maker'), side: 'sell' });
    await fx.rest('MM1-rest').placeOrder({ ...trade, clOrdId: clOrdId('taker'), side: 'buy' });
    for (let i = 0; fx.firewall.runtime.tables.referencePriceTicks(market.index) === 0; i++) {
      assert.ok(i < 500, 'the trade set no reference price');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** A post-only buy of 0.010 BTC-PERP `percent` under the reference, resting: its orderId. */
  async function restingBuy(client: FixClient, id: string, percent: number): Promise<number> {
    const market = fx.firewall.runtime.model.markets.get('BTC-PERP')!;
    const ticks = Math.floor(
      (fx.firewall.runtime.tables.referencePriceTicks(market.index) * (100 - percent)) / 100,
    );
    client.newOrder({
      clOrdId: id,
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '0.010',
      price: market.tick.format(ticks),
      postOnly: true,
    });
    const ack = await client.waitFor('executionReport', (r) => r.clOrdId === id, 5000);
    assert.equal(ack.execType, '0', ack.text);
    return Number(ack.orderId);
  }
});
