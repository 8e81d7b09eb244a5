// The FIX order adapter against the real firewall and venue simulator (SPEC
// sections 3 and 5): every reject path with the tags it must carry, an order's
// life (ack, partial and full fills, replace, cancel, mass cancel), and
// cancel-on-disconnect on and off.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Credentials } from '../../src/client/credentials.ts';
import type { ExecutionReport, FixClient } from '../../src/client/fix-client.ts';
import { Tag } from '../../src/fix/tags.ts';
import { formatUtcTimestamp } from '../../src/fix/utc-timestamp.ts';
import { FakeVenue, rejectWith } from '../venue/support/fake-venue.ts';
import {
  addAccount,
  addEd25519Key,
  Clients,
  clOrdId,
  encodeNext,
  type FieldList,
  type Fixture,
  limitBuy,
  reportsAbout,
  startFixture,
  tradeReferencePrice,
  until,
} from './support/fix-harness.ts';
import { startSilentVenue } from './support/silent-venue.ts';

/** A NewOrderSingle's fields (after the header), as FixClient.newOrder writes them. */
function newOrderFields(overrides: Record<number, string | null> = {}): FieldList {
  const fields: Record<number, string> = {
    [Tag.ClOrdID]: clOrdId('raw'),
    [Tag.Symbol]: 'BTC-PERP',
    [Tag.Side]: '1',
    [Tag.OrderQty]: '0.01',
    [Tag.OrdType]: '2',
    [Tag.Price]: '64000',
    [Tag.TimeInForce]: '1',
    [Tag.TransactTime]: formatUtcTimestamp(Date.now()),
  };
  const out: [number, string][] = [];
  for (const [tag, value] of Object.entries(fields)) {
    const override = overrides[Number(tag)];
    if (override === null) continue;
    out.push([Number(tag), override ?? value]);
  }
  for (const [tag, value] of Object.entries(overrides)) {
    if (value !== null && !(Number(tag) in fields)) out.push([Number(tag), value]);
  }
  return out;
}

/** An OrderCancelReplaceRequest's fields (after the header): a limit buy of BTC-PERP moved to `qty` at `price`. */
function replaceFields(clOrdId: string, origClOrdId: string, qty: string, price: string): FieldList {
  return [
    [Tag.ClOrdID, clOrdId],
    [Tag.OrigClOrdID, origClOrdId],
    [Tag.Symbol, 'BTC-PERP'],
    [Tag.Side, '1'],
    [Tag.OrderQty, qty],
    [Tag.OrdType, '2'],
    [Tag.Price, price],
    [Tag.TransactTime, formatUtcTimestamp(Date.now())],
  ];
}

/** Sends a limit order and returns its first ExecutionReport. */
async function place(
  client: FixClient,
  order: { symbol?: string; side?: 'buy' | 'sell'; qty?: string; price?: string; type?: 'limit' | 'market' },
  id = clOrdId(),
): Promise<ExecutionReport> {
  client.newOrder({
    clOrdId: id,
    symbol: order.symbol ?? 'BTC-PERP',
    side: order.side ?? 'buy',
    type: order.type ?? 'limit',
    qty: order.qty ?? '0.01',
    ...(order.type === 'market' ? {} : { price: order.price ?? '64000' }),
  });
  return client.waitFor('executionReport', (r) => r.clOrdId === id);
}

function assertRejected(report: ExecutionReport, code: string, ordRejReason?: number): void {
  assert.equal(report.execType, '8', `${code}: ${report.text}`);
  assert.equal(report.ordStatus, '8');
  assert.match(report.text ?? '', new RegExp(`^${code}: `), report.text);
  if (ordRejReason !== undefined) assert.equal(report.ordRejReason, ordRejReason, report.text);
  assert.equal(report.cumQty, '0');
  assert.equal(report.leavesQty, '0');
}

describe('FIX orders', () => {
  let fx: Fixture;
  const clients = new Clients();
  const keys: Record<string, Credentials> = {};

  before(async () => {
    fx = await startFixture({
      configure: (config) => {
        // Many orders from 127.0.0.1 in this suite: the per-address limit is not under test here.
        config.limits.perIp = { ratePerSec: 1_000_000, burst: 1_000_000 };
        config.markets.push(
          {
            symbol: 'HALT-PERP',
            tickSize: '1',
            lotSize: '1',
            minQty: '1',
            maxQty: '10',
            maxNotional: '1000',
            collarBps: 500,
            status: 'halted',
          },
          {
            symbol: 'SHUT-PERP',
            tickSize: '1',
            lotSize: '1',
            minQty: '1',
            maxQty: '10',
            maxNotional: '1000',
            collarBps: 500,
            status: 'closed',
          },
          {
            symbol: 'SOL-PERP',
            tickSize: '0.01',
            lotSize: '0.1',
            minQty: '1',
            maxQty: '1000',
            maxNotional: '100000',
            collarBps: 1000,
            status: 'open',
          },
        );
        addAccount(config, 'MM3', { maxOpenOrders: 2 });
        keys.mm3 = addEd25519Key(config, 'mm3-fix', 'MM3');
        addAccount(config, 'MM4', { ordersPerSec: 0.001, burst: 1 });
        keys.mm4 = addEd25519Key(config, 'mm4-fix', 'MM4');
        addAccount(config, 'MM5', {}, { blocked: true });
        keys.mm5 = addEd25519Key(config, 'mm5-fix', 'MM5');
        addAccount(config, 'MM6', {}, { kyc: 'pending' });
        keys.mm6 = addEd25519Key(config, 'mm6-fix', 'MM6');
        addAccount(config, 'MM7', { maxPosition: { 'BTC-PERP': '1' } });
        keys.mm7 = addEd25519Key(config, 'mm7-fix', 'MM7');
        keys.noTrade = addEd25519Key(config, 'mm1-notrade', 'MM1', { permissions: ['cancel', 'read'] });
        keys.noCancel = addEd25519Key(config, 'mm1-nocancel', 'MM1', { permissions: ['trade', 'read'] });
        keys.ethOnly = addEd25519Key(config, 'mm1-eth', 'MM1', { markets: ['ETH-PERP'] });
        keys.revocable = addEd25519Key(config, 'mm1-revocable', 'MM1');
        keys.noCod = addEd25519Key(config, 'mm1-nocod', 'MM1', { cancelOnDisconnect: false });
      },
    });
    await tradeReferencePrice(fx);
  });
  afterEach(() => clients.closeAll());
  after(() => fx.stop());

  describe('session Rejects for missing or malformed fields (35=3, the session goes on)', () => {
    it('each required field of a NewOrderSingle left out: 373=1 with 371=tag and 45=seq', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      for (const tag of [
        Tag.ClOrdID,
        Tag.Symbol,
        Tag.Side,
        Tag.OrderQty,
        Tag.OrdType,
        Tag.TimeInForce,
        Tag.TransactTime,
        Tag.Price,
      ]) {
        const seq = client.send('D', newOrderFields({ [tag]: null }));
        const reject = await client.waitFor('reject');
        assert.equal(reject.refSeqNum, seq, `tag ${tag}`);
        assert.equal(reject.refTagId, tag);
        assert.equal(reject.reason, 1);
        assert.match(reject.text ?? '', /^INVALID_REQUEST: /);
      }
      // The session goes on.
      assert.equal((await place(client, {})).execType, '0');
    });

    it('required fields of F, G and q left out: 373=1 with 371=tag', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const now = formatUtcTimestamp(Date.now());
      const cancel: [number, string][] = [
        [Tag.ClOrdID, 'c-1'],
        [Tag.OrigClOrdID, 'o-1'],
        [Tag.Symbol, 'BTC-PERP'],
        [Tag.Side, '1'],
        [Tag.TransactTime, now],
      ];
      const replace: [number, string][] = [
        ...cancel,
        [Tag.OrderQty, '1'],
        [Tag.OrdType, '2'],
        [Tag.Price, '65000'],
      ];
      const cases: [string, [number, string][]][] = [
        ['F', cancel],
        ['G', replace],
        [
          'q',
          [
            [Tag.ClOrdID, 'mc-1'],
            [Tag.MassCancelRequestType, '7'],
          ],
        ],
      ];
      for (const [msgType, fields] of cases) {
        for (const [tag] of fields) {
          const seq = client.send(
            msgType,
            fields.filter(([t]) => t !== tag),
          );
          const reject = await client.waitFor('reject');
          assert.equal(reject.refSeqNum, seq, `${msgType} without ${tag}`);
          assert.equal(reject.refTagId, tag, `${msgType} without ${tag}`);
          assert.equal(reject.reason, 1);
        }
      }
      // 530=1 needs a Symbol.
      const seq = client.send('q', [
        [Tag.ClOrdID, 'mc-2'],
        [Tag.MassCancelRequestType, '1'],
      ]);
      const reject = await client.waitFor('reject');
      assert.deepEqual([reject.refSeqNum, reject.refTagId, reject.reason], [seq, Tag.Symbol, 1]);
    });

    it('malformed values: 373=5 (value incorrect) or 373=6 (format) with the tag', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const cases: { name: string; fields: FieldList; tag: number; reason: number }[] = [
        { name: 'Side 9', fields: newOrderFields({ [Tag.Side]: '9' }), tag: Tag.Side, reason: 5 },
        { name: 'OrdType 3', fields: newOrderFields({ [Tag.OrdType]: '3' }), tag: Tag.OrdType, reason: 5 },
        {
          name: 'TimeInForce 9',
          fields: newOrderFields({ [Tag.TimeInForce]: '9' }),
          tag: Tag.TimeInForce,
          reason: 5,
        },
        {
          name: 'ClOrdID with a space',
          fields: newOrderFields({ [Tag.ClOrdID]: 'a b' }),
          tag: Tag.ClOrdID,
          reason: 5,
        },
        {
          name: 'ClOrdID too long',
          fields: newOrderFields({ [Tag.ClOrdID]: 'x'.repeat(37) }),
          tag: Tag.ClOrdID,
          reason: 5,
        },
        { name: 'ExecInst 7', fields: newOrderFields({ [Tag.ExecInst]: '7' }), tag: Tag.ExecInst, reason: 5 },
        {
          name: 'a market order with a Price',
          fields: newOrderFields({ [Tag.OrdType]: '1' }),
          tag: Tag.Price,
          reason: 5,
        },
        {
          name: 'TransactTime garbage',
          fields: newOrderFields({ [Tag.TransactTime]: 'yesterday' }),
          tag: Tag.TransactTime,
          reason: 6,
        },
        {
          name: 'OrderQty abc',
          fields: newOrderFields({ [Tag.OrderQty]: 'abc' }),
          tag: Tag.OrderQty,
          reason: 6,
        },
        {
          name: 'OrderQty -1',
          fields: newOrderFields({ [Tag.OrderQty]: '-1' }),
          tag: Tag.OrderQty,
          reason: 6,
        },
        { name: 'Price abc', fields: newOrderFields({ [Tag.Price]: 'abc' }), tag: Tag.Price, reason: 6 },
        { name: 'Price 1e5', fields: newOrderFields({ [Tag.Price]: '1e5' }), tag: Tag.Price, reason: 6 },
        {
          // The malformed field is told, not the well-formed one off its lot before it.
          name: 'Price abc after a quantity off its lot',
          fields: newOrderFields({ [Tag.OrderQty]: '0.0015', [Tag.Price]: 'abc' }),
          tag: Tag.Price,
          reason: 6,
        },
      ];
      for (const { name, fields, tag, reason } of cases) {
        const seq = client.send('D', fields);
        const reject = await client.waitFor('reject');
        assert.equal(reject.refSeqNum, seq, name);
        assert.equal(reject.refTagId, tag, `${name}: ${reject.text}`);
        assert.equal(reject.reason, reason, `${name}: ${reject.text}`);
        assert.match(reject.text ?? '', /^INVALID_REQUEST: /);
      }
      // Cancel and mass cancel values.
      let seq = client.cancel({ clOrdId: 'bad id', origClOrdId: 'x', symbol: 'BTC-PERP', side: 'buy' });
      let reject = await client.waitFor('reject');
      assert.deepEqual([reject.refSeqNum, reject.refTagId, reject.reason], [seq, Tag.ClOrdID, 5]);
      seq = client.send('F', [
        [Tag.ClOrdID, 'c-9'],
        [Tag.OrigClOrdID, 'x'],
        [Tag.Symbol, 'BTC-PERP'],
        [Tag.Side, '3'],
        [Tag.TransactTime, formatUtcTimestamp(Date.now())],
      ]);
      reject = await client.waitFor('reject');
      assert.deepEqual([reject.refSeqNum, reject.refTagId, reject.reason], [seq, Tag.Side, 5]);
      // A cancel's TransactTime is checked as a new order's is.
      seq = client.send('F', [
        [Tag.ClOrdID, 'c-10'],
        [Tag.OrigClOrdID, 'x'],
        [Tag.Symbol, 'BTC-PERP'],
        [Tag.Side, '1'],
        [Tag.TransactTime, 'yesterday'],
      ]);
      reject = await client.waitFor('reject');
      assert.deepEqual([reject.refSeqNum, reject.refTagId, reject.reason], [seq, Tag.TransactTime, 6]);
      // A replace restates a limit order: OrdType 1 is refused, and 44 is required.
      const replace = (ordType: string, price: string | null): FieldList => [
        [Tag.ClOrdID, clOrdId('r')],
        [Tag.OrigClOrdID, 'x'],
        [Tag.Symbol, 'BTC-PERP'],
        [Tag.Side, '1'],
        [Tag.OrderQty, '0.01'],
        [Tag.OrdType, ordType],
        ...(price === null ? [] : ([[Tag.Price, price]] as const)),
        [Tag.TransactTime, formatUtcTimestamp(Date.now())],
      ];
      seq = client.send('G', replace('1', '64000'));
      reject = await client.waitFor('reject');
      assert.deepEqual([reject.refSeqNum, reject.refTagId, reject.reason], [seq, Tag.OrdType, 5]);
      seq = client.send('G', replace('1', null));
      reject = await client.waitFor('reject');
      assert.deepEqual([reject.refSeqNum, reject.refTagId, reject.reason], [seq, Tag.Price, 1]);
      seq = client.send('q', [
        [Tag.ClOrdID, 'mc-3'],
        [Tag.MassCancelRequestType, '9'],
      ]);
      reject = await client.waitFor('reject');
      assert.deepEqual(
        [reject.refSeqNum, reject.refTagId, reject.reason],
        [seq, Tag.MassCancelRequestType, 5],
      );
      assert.equal((await place(client, {})).execType, '0');
    });
  });

  describe('new orders refused: ExecutionReport 39=8 with the code in 58', () => {
    it('an unknown symbol: UNKNOWN_SYMBOL, 103=1', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const report = await place(client, { symbol: 'DOGE-PERP' });
      assertRejected(report, 'UNKNOWN_SYMBOL', 1);
      assert.equal(report.symbol, 'DOGE-PERP');
      assert.equal(report.orderId, 'NONE');
    });

    it('a price off the tick: TICK_SIZE; a quantity off the lot: LOT_SIZE', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const tick = await place(client, { price: '65000.3' });
      assertRejected(tick, 'TICK_SIZE');
      assert.equal(tick.price, '65000.3');
      const lot = await place(client, { qty: '0.0015' });
      assertRejected(lot, 'LOT_SIZE');
      assert.equal(lot.qty, '0.0015');
    });

    it('pre-trade limits: MIN_QTY, MAX_QTY, MAX_NOTIONAL, PRICE_COLLAR, MAX_POSITION with 103=3', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      assertRejected(await place(client, { qty: '0' }), 'MIN_QTY', 3);
      assertRejected(await place(client, { symbol: 'SOL-PERP', qty: '0.5', price: '10' }), 'MIN_QTY', 3);
      assertRejected(await place(client, { qty: '100.001', price: '65000' }), 'MAX_QTY', 3);
      assertRejected(await place(client, { qty: '80', price: '65000' }), 'MAX_NOTIONAL', 3);
      // Reference 65000, collar 500 bps: 61750..68250.
      assertRejected(await place(client, { price: '90000' }), 'PRICE_COLLAR', 3);
      assertRejected(await place(client, { side: 'sell', price: '61749.5' }), 'PRICE_COLLAR', 3);
      assert.equal((await place(client, { price: '61750' })).execType, '0');
      // 60 lots of position is over MM1's 50 (worst case), within 100 maxQty and 5M notional.
      assertRejected(await place(client, { qty: '60', price: '65000' }), 'MAX_POSITION', 3);
      client.massCancel({ clOrdId: clOrdId('mc') });
      await client.waitFor('massCancelReport');
    });

    it('a market order before any trade in its market: NO_REFERENCE_PRICE, 103=3', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      assertRejected(
        await place(client, { symbol: 'ETH-PERP', type: 'market', qty: '1' }),
        'NO_REFERENCE_PRICE',
        3,
      );
    });

    it('past the account maxOpenOrders: MAX_OPEN_ORDERS, 103=3', async () => {
      const client = await clients.connect(fx, keys.mm3!);
      assert.equal((await place(client, { price: '64000' })).execType, '0');
      assert.equal((await place(client, { price: '64000' })).execType, '0');
      assertRejected(await place(client, { price: '64000' }), 'MAX_OPEN_ORDERS', 3);
      client.massCancel({ clOrdId: clOrdId('mc') });
      assert.equal((await client.waitFor('massCancelReport')).totalAffectedOrders, 2);
      assert.equal((await place(client, { price: '64000' })).execType, '0');
      client.massCancel({ clOrdId: clOrdId('mc') });
      await client.waitFor('massCancelReport');
    });

    it('a halted or closed market: MARKET_HALTED, 103=2', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      assertRejected(await place(client, { symbol: 'HALT-PERP', qty: '1', price: '10' }), 'MARKET_HALTED', 2);
      assertRejected(await place(client, { symbol: 'SHUT-PERP', qty: '1', price: '10' }), 'MARKET_HALTED', 2);
    });

    it('a global kill switch: resting orders canceled, new ones KILL_SWITCH 103=2; cleared, trading resumes', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const resting = await place(client, { price: '64000' });
      assert.equal(resting.execType, '0');
      fx.firewall.killSwitch.set({ scope: 'global' });
      try {
        const canceled = await client.waitFor('executionReport', (r) => r.clOrdId === resting.clOrdId);
        assert.equal(canceled.execType, '4');
        assertRejected(await place(client, { price: '64000' }), 'KILL_SWITCH', 2);
      } finally {
        fx.firewall.killSwitch.clear({ scope: 'global' });
      }
      const after = await place(client, { price: '64000' });
      assert.equal(after.execType, '0');
      client.cancel({ clOrdId: clOrdId('c'), origClOrdId: after.clOrdId, symbol: 'BTC-PERP', side: 'buy' });
      await client.waitFor('executionReport', (r) => r.origClOrdId === after.clOrdId);
    });

    it('a ClOrdID already used by the account (live or finished): DUPLICATE_CLORDID, 103=6', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const id = clOrdId('dup');
      assert.equal((await place(client, { price: '64000' }, id)).execType, '0');
      assertRejected(await place(client, { price: '64000' }, id), 'DUPLICATE_CLORDID', 6);
      // From another session of the same account too.
      const other = await clients.connect(fx, 'MM1-rest');
      assertRejected(await place(other, { price: '64000' }, id), 'DUPLICATE_CLORDID', 6);
      client.cancel({ clOrdId: clOrdId('c'), origClOrdId: id, symbol: 'BTC-PERP', side: 'buy' });
      await client.waitFor('executionReport', (r) => r.origClOrdId === id && r.execType === '4');
      assertRejected(await place(client, { price: '64000' }, id), 'DUPLICATE_CLORDID', 6);
      // Another account may use the same ClOrdID.
      const mm2 = await clients.connect(fx, 'MM2-fix');
      const theirs = await place(mm2, { price: '64000' }, id);
      assert.equal(theirs.execType, '0');
      mm2.massCancel({ clOrdId: clOrdId('mc') });
      await mm2.waitFor('massCancelReport');
    });

    it('keys without the permission or the market, blocked and unverified accounts', async () => {
      const noTrade = await clients.connect(fx, keys.noTrade!);
      assertRejected(await place(noTrade, {}), 'PERMISSION_DENIED');
      // Who may ask comes before what was asked: an unknown symbol tells such a key nothing more.
      assertRejected(await place(noTrade, { symbol: 'DOGE-PERP' }), 'PERMISSION_DENIED');
      const ethOnly = await clients.connect(fx, keys.ethOnly!);
      assertRejected(await place(ethOnly, {}), 'MARKET_NOT_ALLOWED');
      const eth = await place(ethOnly, { symbol: 'ETH-PERP', qty: '1', price: '3000' });
      assert.equal(eth.execType, '0');
      const blocked = await clients.connect(fx, keys.mm5!);
      assertRejected(await place(blocked, {}), 'ACCOUNT_BLOCKED');
      const pending = await clients.connect(fx, keys.mm6!);
      assertRejected(await place(pending, {}), 'ACCOUNT_NOT_VERIFIED');
      // Cancels and replaces are refused the same way, with OrderCancelReject 35=9.
      for (const [client, code, symbol] of [
        [ethOnly, 'MARKET_NOT_ALLOWED', 'BTC-PERP'],
        [blocked, 'ACCOUNT_BLOCKED', 'BTC-PERP'],
        [pending, 'ACCOUNT_NOT_VERIFIED', 'BTC-PERP'],
      ] as const) {
        const cancelId = clOrdId('c');
        client.cancel({ clOrdId: cancelId, origClOrdId: 'any', symbol, side: 'buy' });
        const refusedCancel = await client.waitFor('orderCancelReject', (r) => r.clOrdId === cancelId);
        assert.equal(refusedCancel.cxlRejResponseTo, '1');
        assert.match(refusedCancel.text ?? '', new RegExp(`^${code}: `));
        const replaceId = clOrdId('r');
        client.replace({
          clOrdId: replaceId,
          origClOrdId: 'any',
          symbol,
          side: 'buy',
          qty: '0.02',
          price: '64000',
        });
        const refusedReplace = await client.waitFor('orderCancelReject', (r) => r.clOrdId === replaceId);
        assert.equal(refusedReplace.cxlRejResponseTo, '2');
        assert.match(refusedReplace.text ?? '', new RegExp(`^${code}: `));
      }

      // A key without 'cancel': OrderCancelReject 35=9 PERMISSION_DENIED.
      const noCancel = await clients.connect(fx, keys.noCancel!);
      noCancel.cancel({ clOrdId: clOrdId('c'), origClOrdId: eth.clOrdId, symbol: 'ETH-PERP', side: 'buy' });
      const refused = await noCancel.waitFor('orderCancelReject');
      assert.equal(refused.cxlRejResponseTo, '1');
      assert.match(refused.text ?? '', /^PERMISSION_DENIED: /);
      const unknownMarket = clOrdId('c');
      noCancel.cancel({ clOrdId: unknownMarket, origClOrdId: eth.clOrdId, symbol: 'DOGE-PERP', side: 'buy' });
      const refusedFirst = await noCancel.waitFor('orderCancelReject', (r) => r.clOrdId === unknownMarket);
      assert.match(refusedFirst.text ?? '', /^PERMISSION_DENIED: /);
      noCancel.massCancel({ clOrdId: clOrdId('mc') });
      const massRefused = await noCancel.waitFor('massCancelReport');
      assert.equal(massRefused.response, '0');
      assert.match(massRefused.text ?? '', /^PERMISSION_DENIED: /);
      // A key with it cancels the account's order placed by another key.
      const mm1 = await clients.connect(fx, 'MM1-fix');
      mm1.cancel({ clOrdId: clOrdId('c'), origClOrdId: eth.clOrdId, symbol: 'ETH-PERP', side: 'buy' });
      assert.equal(
        (await mm1.waitFor('executionReport', (r) => r.origClOrdId === eth.clOrdId)).execType,
        '4',
      );
    });

    it('past the account rate: RATE_LIMITED in 58; repeated abuse ends the session', async () => {
      const client = await clients.connect(fx, keys.mm4!);
      const first = await place(client, { price: '64000' });
      assert.equal(first.execType, '0');
      const limited = await place(client, { price: '64000' });
      assertRejected(limited, 'RATE_LIMITED');
      // Cancels draw from their own budget.
      client.cancel({ clOrdId: clOrdId('c'), origClOrdId: first.clOrdId, symbol: 'BTC-PERP', side: 'buy' });
      assert.equal(
        (await client.waitFor('executionReport', (r) => r.origClOrdId === first.clOrdId)).execType,
        '4',
      );
      // Hundreds of refused orders a second: Logout RATE_LIMITED, then close.
      let sent = 0;
      while (client.isActive && sent < 5000) {
        for (let i = 0; i < 100 && client.isActive; i++, sent++) {
          client.newOrder({
            clOrdId: `flood-${sent}`,
            symbol: 'BTC-PERP',
            side: 'buy',
            type: 'limit',
            qty: '0.01',
            price: '64000',
          });
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      const logout = await client.waitFor('logout');
      assert.match(logout.text ?? '', /^RATE_LIMITED: /);
      assert.equal((await client.waitFor('close')).code, 1000);
    });

    it('a bug met while handling an order: Logout INTERNAL and close 1011; other sessions go on', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const other = await clients.connect(fx, 'MM2-fix');
      const router = fx.firewall.router;
      const submit = router.submitNewOrder;
      router.submitNewOrder = () => {
        throw new Error('a bug met while forwarding');
      };
      try {
        client.newOrder(limitBuy(clOrdId()));
        const logout = await client.waitFor('logout');
        assert.match(logout.text ?? '', /^INTERNAL: /);
        assert.equal((await client.waitFor('close')).code, 1011);
      } finally {
        router.submitNewOrder = submit;
      }
      assert.equal((await place(other, { price: '64000' })).execType, '0');
    });

    it('repeated abuse by cancels ends the session too', async () => {
      const client = await clients.connect(fx, keys.mm4!);
      // Hundreds of cancels a second, past the account's cancel budget: refused (35=9
      // RATE_LIMITED), then Logout RATE_LIMITED, as for new orders.
      let sent = 0;
      while (client.isActive && sent < 5000) {
        for (let i = 0; i < 100 && client.isActive; i++, sent++) {
          client.cancel({ clOrdId: `cflood-${sent}`, origClOrdId: 'none', symbol: 'BTC-PERP', side: 'buy' });
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      const refused = await client.waitFor('orderCancelReject');
      assert.match(refused.text ?? '', /^RATE_LIMITED: /);
      const logout = await client.waitFor('logout');
      assert.match(logout.text ?? '', /^RATE_LIMITED: repeated abuse/);
      assert.equal((await client.waitFor('close')).code, 1000);
    });

    it('a key revoked during the session: the next order ends the session with KEY_REVOKED', async () => {
      const client = await clients.connect(fx, keys.revocable!);
      assert.equal((await place(client, { price: '64000' })).execType, '0');
      fx.firewall.runtime.revokeKey('mm1-revocable');
      // Even naming a market that does not exist: the key is refused before the market is.
      client.newOrder({
        clOrdId: clOrdId(),
        symbol: 'DOGE-PERP',
        side: 'buy',
        type: 'limit',
        qty: '0.01',
        price: '64000',
      });
      const logout = await client.waitFor('logout');
      assert.match(logout.text ?? '', /^KEY_REVOKED: /);
      assert.equal((await client.waitFor('close')).code, 1000);
    });
  });

  describe('cancels and replaces refused: OrderCancelReject 35=9', () => {
    it('cancel of an unknown order: 102=1 434=1 UNKNOWN_ORDER', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const id = clOrdId('c');
      client.cancel({ clOrdId: id, origClOrdId: 'never-placed', symbol: 'BTC-PERP', side: 'buy' });
      const reject = await client.waitFor('orderCancelReject');
      assert.equal(reject.clOrdId, id);
      assert.equal(reject.origClOrdId, 'never-placed');
      assert.equal(reject.cxlRejReason, 1);
      assert.equal(reject.cxlRejResponseTo, '1');
      assert.equal(reject.orderId, 'NONE');
      assert.match(reject.text ?? '', /^UNKNOWN_ORDER: /);
    });

    it("cancel on the wrong side, in another market, or of another account's order: UNKNOWN_ORDER", async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const mine = await place(client, { price: '64000' });
      client.cancel({ clOrdId: clOrdId('c'), origClOrdId: mine.clOrdId, symbol: 'BTC-PERP', side: 'sell' });
      assert.match((await client.waitFor('orderCancelReject')).text ?? '', /^UNKNOWN_ORDER: /);
      client.cancel({ clOrdId: clOrdId('c'), origClOrdId: mine.clOrdId, symbol: 'ETH-PERP', side: 'buy' });
      assert.match((await client.waitFor('orderCancelReject')).text ?? '', /^UNKNOWN_ORDER: /);
      client.cancel({ clOrdId: clOrdId('c'), origClOrdId: mine.clOrdId, symbol: 'NOPE', side: 'buy' });
      assert.equal((await client.waitFor('orderCancelReject')).cxlRejReason, 1);
      const mm2 = await clients.connect(fx, 'MM2-fix');
      mm2.cancel({ clOrdId: clOrdId('c'), origClOrdId: mine.clOrdId, symbol: 'BTC-PERP', side: 'buy' });
      const theirs = await mm2.waitFor('orderCancelReject');
      assert.equal(theirs.cxlRejReason, 1);
      assert.match(theirs.text ?? '', /^UNKNOWN_ORDER: /);
      client.cancel({ clOrdId: clOrdId('c'), origClOrdId: mine.clOrdId, symbol: 'BTC-PERP', side: 'buy' });
      assert.equal(
        (await client.waitFor('executionReport', (r) => r.origClOrdId === mine.clOrdId)).execType,
        '4',
      );
    });

    it("a cancel whose own ClOrdID is another order's: 102=6 DUPLICATE_CLORDID, the order stays live; one with 11 = 41 cancels it", async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const target = await place(client, { price: '64000' });
      const other = await place(client, { price: '63000' });
      client.cancel({ clOrdId: other.clOrdId, origClOrdId: target.clOrdId, symbol: 'BTC-PERP', side: 'buy' });
      const reject = await client.waitFor('orderCancelReject');
      assert.equal(reject.clOrdId, other.clOrdId);
      assert.equal(reject.origClOrdId, target.clOrdId);
      assert.equal(reject.cxlRejReason, 6);
      assert.equal(reject.cxlRejResponseTo, '1');
      assert.equal(reject.ordStatus, '0', 'the target is still live');
      assert.match(reject.text ?? '', /^DUPLICATE_CLORDID: /);
      // Both orders are still there: each cancels under its own id.
      for (const order of [target, other]) {
        client.cancel({
          clOrdId: order.clOrdId,
          origClOrdId: order.clOrdId,
          symbol: 'BTC-PERP',
          side: 'buy',
        });
        const canceled = await client.waitFor('executionReport', (r) => r.origClOrdId === order.clOrdId);
        assert.equal(canceled.execType, '4');
        assert.equal(canceled.clOrdId, order.clOrdId);
      }
    });

    it('replace refused: 434=2 (unknown order, side change, a collar breach)', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      client.replace({
        clOrdId: clOrdId('r'),
        origClOrdId: 'never-placed',
        symbol: 'BTC-PERP',
        side: 'buy',
        qty: '1',
        price: '64000',
      });
      let reject = await client.waitFor('orderCancelReject');
      assert.equal(reject.cxlRejResponseTo, '2');
      assert.equal(reject.cxlRejReason, 1);
      assert.match(reject.text ?? '', /^UNKNOWN_ORDER: /);

      const mine = await place(client, { price: '64000' });
      client.replace({
        clOrdId: clOrdId('r'),
        origClOrdId: mine.clOrdId,
        symbol: 'BTC-PERP',
        side: 'sell',
        qty: '0.01',
        price: '64000',
      });
      reject = await client.waitFor('orderCancelReject');
      assert.equal(reject.cxlRejResponseTo, '2');
      assert.match(reject.text ?? '', /^INVALID_REQUEST: /);
      client.replace({
        clOrdId: clOrdId('r'),
        origClOrdId: mine.clOrdId,
        symbol: 'BTC-PERP',
        side: 'buy',
        qty: '0.01',
        price: '90000',
      });
      reject = await client.waitFor('orderCancelReject');
      assert.equal(reject.cxlRejResponseTo, '2');
      assert.match(reject.text ?? '', /^PRICE_COLLAR: /);
      assert.equal(reject.ordStatus, '0');
      assert.equal(reject.orderId, mine.orderId);
      // A malformed replace is a session Reject instead.
      const seq = client.replace({
        clOrdId: clOrdId('r'),
        origClOrdId: mine.clOrdId,
        symbol: 'BTC-PERP',
        side: 'buy',
        qty: 'lots',
        price: '64000',
      });
      const sessionReject = await client.waitFor('reject');
      assert.deepEqual(
        [sessionReject.refSeqNum, sessionReject.refTagId, sessionReject.reason],
        [seq, Tag.OrderQty, 6],
      );
      client.massCancel({ clOrdId: clOrdId('mc') });
      await client.waitFor('massCancelReport');
    });

    it('an application MsgType the firewall does not take: BusinessMessageReject 380=3', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const seq = client.send('H', [
        [Tag.ClOrdID, 'status-1'],
        [Tag.Symbol, 'BTC-PERP'],
        [Tag.Side, '1'],
      ]);
      const reject = await client.waitFor('businessReject');
      assert.deepEqual([reject.refSeqNum, reject.refMsgType, reject.reason], [seq, 'H', 3]);
    });
  });

  describe("an order's life", () => {
    it('ack, then a full fill against a resting REST order: 31/32/14/151/6', async () => {
      const mm2 = fx.rest('MM2-rest');
      const ask = clOrdId('ask');
      assert.equal(
        (
          await mm2.placeOrder({
            clOrdId: ask,
            symbol: 'BTC-PERP',
            side: 'sell',
            type: 'limit',
            qty: '1',
            price: '65000',
          })
        ).status,
        201,
      );
      const client = await clients.connect(fx, 'MM1-fix');
      const id = clOrdId('buy');
      client.newOrder({
        clOrdId: id,
        symbol: 'BTC-PERP',
        side: 'buy',
        type: 'limit',
        qty: '0.4',
        price: '65000',
      });
      const ack = await client.waitFor('executionReport', (r) => r.clOrdId === id && r.execType === '0');
      assert.equal(ack.ordStatus, '0');
      assert.notEqual(ack.orderId, 'NONE');
      assert.equal(ack.side, 'buy');
      assert.equal(ack.qty, '0.4');
      assert.equal(ack.price, '65000');
      assert.equal(ack.cumQty, '0');
      assert.equal(ack.leavesQty, '0.4');
      assert.equal(ack.avgPx, '0');
      const fill = await client.waitFor('executionReport', (r) => r.clOrdId === id && r.execType === 'F');
      assert.equal(fill.ordStatus, '2');
      assert.equal(fill.orderId, ack.orderId);
      assert.equal(fill.lastQty, '0.4');
      assert.equal(fill.lastPx, '65000');
      assert.equal(fill.cumQty, '0.4');
      assert.equal(fill.leavesQty, '0');
      assert.equal(fill.avgPx, '65000');
      assert.ok(fill.execId !== undefined && fill.execId !== ack.execId);

      // The rest of the ask (0.6) partly fills a bigger bid, which is then canceled.
      const big = clOrdId('buy');
      client.newOrder({
        clOrdId: big,
        symbol: 'BTC-PERP',
        side: 'buy',
        type: 'limit',
        qty: '1',
        price: '65000',
      });
      await client.waitFor('executionReport', (r) => r.clOrdId === big && r.execType === '0');
      const partial = await client.waitFor('executionReport', (r) => r.clOrdId === big && r.execType === 'F');
      assert.equal(partial.ordStatus, '1');
      assert.equal(partial.lastQty, '0.6');
      assert.equal(partial.lastPx, '65000');
      assert.equal(partial.cumQty, '0.6');
      assert.equal(partial.leavesQty, '0.4');
      assert.equal(partial.avgPx, '65000');
      const cancelId = clOrdId('c');
      client.cancel({ clOrdId: cancelId, origClOrdId: big, symbol: 'BTC-PERP', side: 'buy' });
      const canceled = await client.waitFor('executionReport', (r) => r.clOrdId === cancelId);
      assert.equal(canceled.execType, '4');
      assert.equal(canceled.ordStatus, '4');
      assert.equal(canceled.origClOrdId, big);
      assert.equal(canceled.cumQty, '0.6');
      assert.equal(canceled.leavesQty, '0');
      assert.equal(((await fx.rest('MM1-rest').getOrder(big)).body as { status: string }).status, 'canceled');
    });

    it('fills at two prices: the average price', async () => {
      const mm2 = fx.rest('MM2-rest');
      for (const price of ['65000', '65000.5']) {
        const res = await mm2.placeOrder({
          clOrdId: clOrdId('ask'),
          symbol: 'BTC-PERP',
          side: 'sell',
          type: 'limit',
          qty: '0.1',
          price,
        });
        assert.equal(res.status, 201);
      }
      const client = await clients.connect(fx, 'MM1-fix');
      const id = clOrdId('sweep');
      client.newOrder({
        clOrdId: id,
        symbol: 'BTC-PERP',
        side: 'buy',
        type: 'limit',
        qty: '0.2',
        price: '65001',
        tif: 'IOC',
      });
      const first = await client.waitFor('executionReport', (r) => r.clOrdId === id && r.execType === 'F');
      assert.equal(first.lastPx, '65000');
      assert.equal(first.ordStatus, '1');
      const second = await client.waitFor('executionReport', (r) => r.clOrdId === id && r.execType === 'F');
      assert.equal(second.lastPx, '65000.5');
      assert.equal(second.ordStatus, '2');
      assert.equal(second.cumQty, '0.2');
      assert.equal(second.avgPx, '65000.25');
    });

    it('replace: 150=5 with 41 and the new quantity and price; cancel by the new ClOrdID', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const first = await place(client, { qty: '0.1', price: '64000' });
      const second = clOrdId('r');
      client.replace({
        clOrdId: second,
        origClOrdId: first.clOrdId,
        symbol: 'BTC-PERP',
        side: 'buy',
        qty: '0.2',
        price: '64100',
      });
      const replaced = await client.waitFor('executionReport', (r) => r.clOrdId === second);
      assert.equal(replaced.execType, '5');
      assert.equal(replaced.ordStatus, '0');
      assert.equal(replaced.origClOrdId, first.clOrdId);
      assert.equal(replaced.qty, '0.2');
      assert.equal(replaced.price, '64100');
      assert.equal(replaced.leavesQty, '0.2');
      assert.equal(replaced.orderId, first.orderId);
      // The old ClOrdID no longer names a live order.
      client.cancel({ clOrdId: clOrdId('c'), origClOrdId: first.clOrdId, symbol: 'BTC-PERP', side: 'buy' });
      assert.equal((await client.waitFor('orderCancelReject')).cxlRejReason, 1);
      const third = clOrdId('r');
      client.replace({
        clOrdId: third,
        origClOrdId: second,
        symbol: 'BTC-PERP',
        side: 'buy',
        qty: '0.3',
        price: '64200',
      });
      assert.equal((await client.waitFor('executionReport', (r) => r.clOrdId === third)).price, '64200');
      const cancelId = clOrdId('c');
      client.cancel({ clOrdId: cancelId, origClOrdId: third, symbol: 'BTC-PERP', side: 'buy' });
      const canceled = await client.waitFor('executionReport', (r) => r.clOrdId === cancelId);
      assert.equal(canceled.execType, '4');
      assert.equal(canceled.origClOrdId, third);
    });

    it("a replace's new ClOrdID is taken while the replace is in flight: a new order or another replace using it is refused", async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const a = await place(client, { qty: '0.1', price: '64000' });
      const b = await place(client, { qty: '0.1', price: '64000' });
      const next = clOrdId('r');
      // One frame: all three are handled before the venue can answer the first.
      const grab = clOrdId('r');
      client.sendRaw(
        Buffer.concat([
          encodeNext(client, 'G', replaceFields(next, a.clOrdId, '0.2', '64100')),
          encodeNext(client, 'D', newOrderFields({ [Tag.ClOrdID]: next })),
          encodeNext(client, 'G', replaceFields(next, b.clOrdId, '0.2', '64100')),
          encodeNext(client, 'D', newOrderFields({ [Tag.ClOrdID]: grab })),
        ]),
      );
      const reports: ExecutionReport[] = [];
      const replaced = await client.waitFor('executionReport', (r) => {
        if (r.clOrdId === next) reports.push(r);
        return r.clOrdId === next && r.execType === '5';
      });
      assert.equal(replaced.origClOrdId, a.clOrdId);
      assert.equal(replaced.orderId, a.orderId);
      const refusedOrder = reports.find((r) => r.execType === '8');
      assert.ok(refusedOrder, 'the new order that reused the ClOrdID is refused');
      assertRejected(refusedOrder, 'DUPLICATE_CLORDID', 6);
      const refusedReplace = await client.waitFor('orderCancelReject', (r) => r.clOrdId === next);
      assert.equal(refusedReplace.origClOrdId, b.clOrdId);
      assert.equal(refusedReplace.cxlRejReason, 6, 'CxlRejReason 6: duplicate ClOrdID');
      assert.match(refusedReplace.text ?? '', /^DUPLICATE_CLORDID: /);
      // The order placed after them, under a fresh ClOrdID, goes through.
      assert.equal((await client.waitFor('executionReport', (r) => r.clOrdId === grab)).execType, '0');
      // The ClOrdID names exactly one order, the replaced one; B keeps its own.
      const view = (await fx.rest('MM1-rest').getOrder(next)).body as { orderId: string; qty: string };
      assert.equal(view.orderId, a.orderId);
      assert.equal(view.qty, '0.2');
      const cancelB = clOrdId('c');
      client.cancel({ clOrdId: cancelB, origClOrdId: b.clOrdId, symbol: 'BTC-PERP', side: 'buy' });
      assert.equal((await client.waitFor('executionReport', (r) => r.clOrdId === cancelB)).execType, '4');
    });

    it('a replace in flight counts what it adds as open: two replaces that each fit, but not together, cannot both pass', async () => {
      // MM7 may hold at most 1 BTC-PERP either way. Two bids of 0.1 rest; then, in one frame
      // (so neither replace is answered before the next is checked), each goes to 0.6.
      const client = await clients.connect(fx, keys.mm7!);
      const first = await place(client, { qty: '0.1', price: '64000' });
      const second = await place(client, { qty: '0.1', price: '64000' });
      const replaceTo = (id: string, orig: string): Buffer =>
        encodeNext(client, 'G', replaceFields(id, orig, '0.6', '64000'));
      const a = clOrdId('r');
      const b = clOrdId('r');
      client.sendRaw(Buffer.concat([replaceTo(a, first.clOrdId), replaceTo(b, second.clOrdId)]));
      assert.equal((await client.waitFor('executionReport', (r) => r.clOrdId === a)).execType, '5');
      const refused = await client.waitFor('orderCancelReject', (r) => r.clOrdId === b);
      assert.equal(refused.origClOrdId, second.clOrdId);
      assert.match(refused.text ?? '', /^MAX_POSITION: .*position would be 1\.2; the limit is \+\/-1/);
      // Now 0.7 is open: 0.3 more fits, 0.4 does not.
      assertRejected(await place(client, { qty: '0.4', price: '64000' }), 'MAX_POSITION', 3);
      assert.equal((await place(client, { qty: '0.3', price: '64000' })).execType, '0');
    });

    it('a replace the venue refuses lets go of what it held: its new ClOrdID and the quantity it added', async () => {
      // A post-only bid that the replace would move onto a resting ask: the venue refuses it.
      const ask = await fx.rest('MM2-rest').placeOrder({
        clOrdId: clOrdId('ask'),
        symbol: 'BTC-PERP',
        side: 'sell',
        type: 'limit',
        qty: '0.01',
        price: '65000',
      });
      assert.equal(ask.status, 201);
      const client = await clients.connect(fx, keys.mm7!);
      client.massCancel({ clOrdId: clOrdId('mc') }); // what the test before left open
      await client.waitFor('massCancelReport');
      // A new post-only order onto the ask: the venue refuses it, ER 150=8 39=8 58=VENUE_REJECT.
      const crossing = clOrdId('x');
      client.newOrder({
        clOrdId: crossing,
        symbol: 'BTC-PERP',
        side: 'buy',
        type: 'limit',
        qty: '0.01',
        price: '65000',
        postOnly: true,
      });
      const rejected = await client.waitFor('executionReport', (r) => r.clOrdId === crossing);
      assert.deepEqual([rejected.execType, rejected.ordStatus], ['8', '8']);
      assert.match(rejected.text ?? '', /^VENUE_REJECT: .*POST_ONLY_WOULD_CROSS/);
      const bidId = clOrdId('bid');
      client.newOrder({
        clOrdId: bidId,
        symbol: 'BTC-PERP',
        side: 'buy',
        type: 'limit',
        qty: '0.1',
        price: '64000',
        postOnly: true,
      });
      assert.equal((await client.waitFor('executionReport', (r) => r.clOrdId === bidId)).execType, '0');
      const next = clOrdId('r');
      client.replace({
        clOrdId: next,
        origClOrdId: bidId,
        symbol: 'BTC-PERP',
        side: 'buy',
        qty: '0.9',
        price: '65000',
      });
      const refused = await client.waitFor('orderCancelReject', (r) => r.clOrdId === next);
      assert.match(refused.text ?? '', /^VENUE_REJECT: .*POST_ONLY_WOULD_CROSS/);
      // Nothing holds the new ClOrdID, nor the 0.8 the replace would have added: 0.1 is open,
      // so an order of 0.9 under that ClOrdID fits.
      assert.equal((await place(client, { qty: '0.9', price: '64000' }, next)).execType, '0');
    });

    it('mass cancel by symbol (530=1) and of everything (530=7): OrderMassCancelReport', async () => {
      const client = await clients.connect(fx, 'MM1-fix');
      const btc = [await place(client, { price: '64000' }), await place(client, { price: '64000' })];
      const eth = await place(client, { symbol: 'ETH-PERP', qty: '1', price: '3000' });
      for (const r of [...btc, eth]) assert.equal(r.execType, '0');
      const bySymbol = clOrdId('mc');
      client.massCancel({ clOrdId: bySymbol, symbol: 'BTC-PERP' });
      const report = await client.waitFor('massCancelReport', (r) => r.clOrdId === bySymbol);
      assert.equal(report.requestType, '1');
      assert.equal(report.response, '1');
      assert.equal(report.symbol, 'BTC-PERP');
      assert.equal(report.totalAffectedOrders, 2);
      for (const r of btc) {
        const canceled = await client.waitFor(
          'executionReport',
          (x) => x.clOrdId === r.clOrdId && x.execType === '4',
        );
        assert.equal(canceled.ordStatus, '4');
      }
      const all = clOrdId('mc');
      client.massCancel({ clOrdId: all });
      const allReport = await client.waitFor('massCancelReport', (r) => r.clOrdId === all);
      assert.equal(allReport.requestType, '7');
      assert.equal(allReport.response, '7');
      assert.equal(allReport.totalAffectedOrders, 1);
      await client.waitFor('executionReport', (x) => x.clOrdId === eth.clOrdId && x.execType === '4');
      // Nothing left: 0 affected.
      const none = clOrdId('mc');
      client.massCancel({ clOrdId: none });
      assert.equal(
        (await client.waitFor('massCancelReport', (r) => r.clOrdId === none)).totalAffectedOrders,
        0,
      );
      // An unknown symbol: refused (531=0) with UNKNOWN_SYMBOL.
      const unknown = clOrdId('mc');
      client.massCancel({ clOrdId: unknown, symbol: 'NOPE' });
      const refused = await client.waitFor('massCancelReport', (r) => r.clOrdId === unknown);
      assert.equal(refused.response, '0');
      assert.match(refused.text ?? '', /^UNKNOWN_SYMBOL: /);
    });
  });

  describe('cancel-on-disconnect', () => {
    const statusOf = async (id: string) =>
      ((await fx.rest('MM1-rest').getOrder(id)).body as { status: string }).status;

    it("8013=Y: the session's live orders are canceled when it drops; other sessions keep theirs", async () => {
      const other = await clients.connect(fx, 'MM1-fix', { cancelOnDisconnect: true });
      const kept = await place(other, { price: '64000' });
      const client = await clients.connect(fx, 'MM1-fix', { cancelOnDisconnect: true });
      const a = await place(client, { price: '64000' });
      const b = await place(client, { symbol: 'ETH-PERP', qty: '1', price: '3000' });
      await client.close();
      await until(async () => (await statusOf(a.clOrdId)) === 'canceled', 5000, 'a canceled');
      await until(async () => (await statusOf(b.clOrdId)) === 'canceled', 5000, 'b canceled');
      assert.equal(await statusOf(kept.clOrdId), 'new');
      // On a Logout too.
      await other.logout();
      await until(async () => (await statusOf(kept.clOrdId)) === 'canceled', 5000, 'kept canceled');
    });

    it('8013=N: the orders stay live after the session ends', async () => {
      const client = await clients.connect(fx, 'MM1-fix', { cancelOnDisconnect: false });
      const a = await place(client, { price: '64000' });
      await client.close();
      // Wait for the firewall to see the close, then give a cancel time to happen if it wrongly would.
      await until(() => fx.firewall.fix.connections === 0, 5000, 'the session to end');
      const probe = await clients.connect(fx, 'MM1-fix');
      probe.testRequest('sync');
      await probe.waitFor('heartbeat', (h) => h.testReqId === 'sync');
      assert.equal(await statusOf(a.clOrdId), 'new');
      const cancelId = clOrdId('c');
      probe.cancel({ clOrdId: cancelId, origClOrdId: a.clOrdId, symbol: 'BTC-PERP', side: 'buy' });
      assert.equal((await probe.waitFor('executionReport', (r) => r.clOrdId === cancelId)).execType, '4');
    });

    it("without 8013 the key's setting decides (default on; a key configured off keeps orders)", async () => {
      const onByDefault = await clients.connect(fx, 'MM1-fix');
      const a = await place(onByDefault, { price: '64000' });
      const off = await clients.connect(fx, keys.noCod!);
      const b = await place(off, { price: '64000' });
      await onByDefault.close();
      await off.close();
      await until(async () => (await statusOf(a.clOrdId)) === 'canceled', 5000, 'a canceled');
      await until(() => fx.firewall.fix.connections === 0, 5000, 'the sessions to end');
      assert.equal(await statusOf(b.clOrdId), 'new');
      assert.equal((await fx.rest('MM1-rest').request('DELETE', `/api/v1/orders/${b.clOrdId}`)).status, 200);
    });
  });
});

describe('FIX orders when the venue is away', () => {
  it('the venue link down: new orders get 39=8 VENUE_UNAVAILABLE at once', async () => {
    const fx = await startFixture();
    const clients = new Clients();
    try {
      const client = await clients.connect(fx, 'MM1-fix');
      assert.equal((await place(client, { price: '64000' })).execType, '0');
      await fx.venue.close();
      await until(() => !fx.firewall.link.isUp, 5000, 'the venue link to drop');
      assertRejected(await place(client, { price: '64000' }), 'VENUE_UNAVAILABLE');
      assert.ok(client.isActive);
    } finally {
      await clients.closeAll();
      await fx.stop();
    }
  });

  it('a venue that does not answer: BusinessMessageReject 35=j 58=VENUE_TIMEOUT with 45 and 372', async () => {
    const silent = await startSilentVenue();
    const fx = await startFixture({
      configure: (config) => {
        config.venue.timeoutMs = 200;
      },
      firewall: { venuePort: silent.port },
    });
    const clients = new Clients();
    try {
      const client = await clients.connect(fx, 'MM1-fix');
      const id = clOrdId();
      const seq = client.newOrder(limitBuy(id));
      const reject = await client.waitFor('businessReject');
      assert.equal(reject.refSeqNum, seq);
      assert.equal(reject.refMsgType, 'D');
      assert.equal(reject.reason, 0, '380=0 (other): the message was valid, its outcome unknown');
      assert.match(reject.text ?? '', /^VENUE_TIMEOUT: /);
      assert.ok(client.isActive);
      // The order is still in flight as far as the firewall knows: its cancel, replace and a mass
      // cancel go to the venue and time out too, each reported against its own message.
      const cancelSeq = client.cancel({
        clOrdId: clOrdId('c'),
        origClOrdId: id,
        symbol: 'BTC-PERP',
        side: 'buy',
      });
      const cancelTimeout = await client.waitFor('businessReject');
      assert.deepEqual([cancelTimeout.refSeqNum, cancelTimeout.refMsgType], [cancelSeq, 'F']);
      assert.match(cancelTimeout.text ?? '', /^VENUE_TIMEOUT: /);
      const replaceId = clOrdId('r');
      const replaceSeq = client.replace({
        clOrdId: replaceId,
        origClOrdId: id,
        symbol: 'BTC-PERP',
        side: 'buy',
        qty: '0.02',
        price: '64000',
      });
      const replaceTimeout = await client.waitFor('businessReject');
      assert.deepEqual([replaceTimeout.refSeqNum, replaceTimeout.refMsgType], [replaceSeq, 'G']);
      // Unanswered, the replace's new ClOrdID stays taken.
      assertRejected(await place(client, { price: '64000' }, replaceId), 'DUPLICATE_CLORDID', 6);
      const massSeq = client.massCancel({ clOrdId: clOrdId('mc') });
      const massTimeout = await client.waitFor('businessReject');
      assert.deepEqual([massTimeout.refSeqNum, massTimeout.refMsgType], [massSeq, 'q']);
      // The link goes down: the replace is refused, and its ClOrdID is free again (a new order
      // under it now meets the down link, not a duplicate).
      await silent.close();
      await until(() => !fx.firewall.link.isUp, 5000, 'the venue link to drop');
      const replaceRefused = await client.waitFor('orderCancelReject', (r) => r.clOrdId === replaceId);
      assert.match(replaceRefused.text ?? '', /^VENUE_UNAVAILABLE: /);
      assertRejected(await place(client, { price: '64000' }, replaceId), 'VENUE_UNAVAILABLE');
    } finally {
      await clients.closeAll();
      await fx.stop();
      await silent.close();
    }
  });
});

describe('FIX per-connection limit (limits.perConnection)', () => {
  it("a session past its connection's burst gets RATE_LIMITED; another session of the key does not", async () => {
    const fx = await startFixture({
      configure: (config) => {
        config.limits.perIp = { ratePerSec: 1_000_000, burst: 1_000_000 };
        config.limits.perConnection = { ratePerSec: 0.01, burst: 3 };
        for (const account of config.accounts)
          account.limits = { ...account.limits, ordersPerSec: 1000, burst: 1000 };
      },
    });
    const clients = new Clients();
    try {
      const first = await clients.connect(fx, 'MM1-fix');
      for (let i = 0; i < 3; i++) assert.equal((await place(first, {})).execType, '0');
      assertRejected(await place(first, {}), 'RATE_LIMITED');
      // The limit is the connection's: a second session of the same key has its own burst.
      const second = await clients.connect(fx, 'MM1-fix');
      assert.equal((await place(second, {})).execType, '0');
    } finally {
      await clients.closeAll();
      await fx.stop();
    }
  });
});

/** A firewall whose venue is a FakeVenue answering after `timeoutMs` or never, and one MM1 session. */
async function withFakeVenue(
  timeoutMs: number,
  run: (venue: FakeVenue, client: FixClient) => Promise<void>,
): Promise<void> {
  const venue = await FakeVenue.start();
  const fx = await startFixture({
    configure: (config) => {
      config.venue.timeoutMs = timeoutMs;
    },
    firewall: { venuePort: venue.port },
  });
  const clients = new Clients();
  try {
    await run(venue, await clients.connect(fx, 'MM1-fix'));
  } finally {
    await clients.closeAll();
    await fx.stop();
    await venue.close();
  }
}

describe('FIX: answers the venue gives late or never', () => {
  it('a late ack arrives as ER 150=0 and the order is live; a late reject as ER 150=8 VENUE_REJECT', async () => {
    await withFakeVenue(150, async (venue, client) => {
      venue.decide = () => 'hold';
      const acked = clOrdId('late');
      const refused = clOrdId('late');
      for (const id of [acked, refused]) {
        client.newOrder(limitBuy(id));
      }
      for (let i = 0; i < 2; i++)
        assert.match((await client.waitFor('businessReject')).text ?? '', /^VENUE_TIMEOUT: /);
      const [first, second] = venue.received('newOrder');
      venue.releaseRequest(first!.requestId);
      venue.releaseRequest(second!.requestId, rejectWith('LATE'));
      const ack = await client.waitFor('executionReport', (r) => r.clOrdId === acked);
      assert.deepEqual([ack.execType, ack.ordStatus], ['0', '0']);
      const rejected = await client.waitFor('executionReport', (r) => r.clOrdId === refused);
      assert.deepEqual([rejected.execType, rejected.ordStatus], ['8', '8']);
      assert.match(rejected.text ?? '', /^VENUE_REJECT: /);
      // The acknowledged order is live: it cancels.
      venue.decide = () => 'answer';
      client.cancel({ clOrdId: clOrdId('c'), origClOrdId: acked, symbol: 'BTC-PERP', side: 'buy' });
      const canceled = await client.waitFor('executionReport', (r) => r.origClOrdId === acked);
      assert.equal(canceled.execType, '4');
    });
  });

  it('a fill before the ack: ER 150=0 then the fill, and the late ack adds nothing', async () => {
    await withFakeVenue(10_000, async (venue, client) => {
      venue.decide = () => 'hold';
      const id = clOrdId('early');
      const reports = reportsAbout(client, id);
      client.newOrder(limitBuy(id));
      await venue.waitForRequests(1);
      const [order] = venue.received('newOrder');
      // 0.01 BTC is 10 lots; 64000 is 128000 ticks of 0.5.
      venue.send([
        { kind: 'fill', orderId: order!.orderId, qtyLots: 4, priceTicks: 128_000, leavesLots: 6, tradeId: 1 },
        { kind: 'fill', orderId: order!.orderId, qtyLots: 6, priceTicks: 128_000, leavesLots: 0, tradeId: 2 },
      ]);
      await until(() => reports.length === 3, 5000, 'three reports');
      assert.deepEqual(
        reports.map((r) => [r.execType, r.ordStatus]),
        [
          ['0', '0'],
          ['F', '1'],
          ['F', '2'],
        ],
      );
      // The venue's own ack comes last: the client has heard all of it already.
      venue.release();
      venue.decide = () => 'answer';
      assert.equal((await place(client, {})).execType, '0');
      assert.equal(reports.length, 3, 'no second New after the fills');
    });
  });

  it('a cancel answered before the ack: ER 150=0, then 150=4; the late ack adds nothing', async () => {
    await withFakeVenue(10_000, async (venue, client) => {
      venue.decide = (request) => (request.kind === 'newOrder' ? 'hold' : 'answer');
      const id = clOrdId('unacked');
      const reports = reportsAbout(client, id);
      client.newOrder(limitBuy(id));
      await venue.waitForRequests(1);
      client.cancel({ clOrdId: clOrdId('c'), origClOrdId: id, symbol: 'BTC-PERP', side: 'buy' });
      await until(() => reports.length === 2, 5000, 'two reports');
      assert.deepEqual(
        reports.map((r) => [r.execType, r.ordStatus]),
        [
          ['0', '0'],
          ['4', '4'],
        ],
      );
      venue.release();
      venue.decide = () => 'answer';
      assert.equal((await place(client, {})).execType, '0');
      assert.equal(reports.length, 2, 'no New after the cancel');
    });
  });

  it('an unanswered order that filled is not reported as VENUE_TIMEOUT', async () => {
    await withFakeVenue(300, async (venue, client) => {
      venue.decide = () => 'ignore';
      const id = clOrdId('filled');
      client.newOrder(limitBuy(id));
      await venue.waitForRequests(1);
      const [order] = venue.received('newOrder');
      venue.send([
        {
          kind: 'fill',
          orderId: order!.orderId,
          qtyLots: 10,
          priceTicks: 128_000,
          leavesLots: 0,
          tradeId: 3,
        },
      ]);
      const fill = await client.waitFor('executionReport', (r) => r.clOrdId === id && r.execType === 'F');
      assert.equal(fill.ordStatus, '2');
      // A second order the venue ignores, sent after the timeout of the first has passed:
      // its 35=j is the only one the session gets.
      await new Promise((resolve) => setTimeout(resolve, 500));
      client.newOrder(limitBuy(clOrdId('ignored')));
      const timeout = await client.waitFor('businessReject');
      assert.match(timeout.text ?? '', /^VENUE_TIMEOUT: /);
      assert.equal(timeout.refSeqNum, client.nextSeqNum - 1);
    });
  });

  it('a cancel the venue refuses as UNKNOWN_ORDER (the order finished there first): 35=9 102=1, saying so', async () => {
    await withFakeVenue(10_000, async (venue, client) => {
      const id = clOrdId('raced');
      client.newOrder(limitBuy(id));
      assert.equal((await client.waitFor('executionReport', (r) => r.clOrdId === id)).execType, '0');
      venue.decide = () => 'hold';
      client.cancel({ clOrdId: clOrdId('c'), origClOrdId: id, symbol: 'BTC-PERP', side: 'buy' });
      await venue.waitForRequests(2);
      const [cancel] = venue.received('cancel');
      venue.releaseRequest(cancel!.requestId, rejectWith('UNKNOWN_ORDER'));
      const reject = await client.waitFor('orderCancelReject');
      assert.equal(reject.cxlRejReason, 1);
      assert.equal(reject.text, 'UNKNOWN_ORDER: the venue no longer has the order (it finished meanwhile)');
    });
  });

  it('a new order in flight when the link drops: ER 150=8 39=8 VENUE_UNAVAILABLE', async () => {
    await withFakeVenue(10_000, async (venue, client) => {
      venue.decide = () => 'hold';
      const id = clOrdId('drop');
      client.newOrder(limitBuy(id));
      await venue.waitForRequests(1);
      venue.killConnections();
      const lost = await client.waitFor('executionReport', (r) => r.clOrdId === id);
      assert.deepEqual([lost.execType, lost.ordStatus], ['8', '8']);
      assert.match(lost.text ?? '', /^VENUE_UNAVAILABLE: /);
      assert.ok(client.isActive, 'the session goes on');
    });
  });
});

describe('FIX: a key that expires during the session', () => {
  it('the next message after the expiry ends the session with KEY_EXPIRED', async () => {
    let expiring: Credentials | undefined;
    const expiresAtMs = Date.now() + 1500;
    const fx = await startFixture({
      configure: (config) => {
        expiring = addEd25519Key(config, 'mm1-expiring', 'MM1', {
          expiresAt: new Date(expiresAtMs).toISOString(),
        });
      },
    });
    const clients = new Clients();
    try {
      const client = await clients.connect(fx, expiring!);
      assert.equal((await place(client, {})).execType, '0');
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAtMs - Date.now()) + 50));
      client.newOrder(limitBuy(clOrdId()));
      const logout = await client.waitFor('logout');
      assert.match(logout.text ?? '', /^KEY_EXPIRED: /);
      assert.equal((await client.waitFor('close')).code, 1000);
    } finally {
      await clients.closeAll();
      await fx.stop();
    }
  });
});

describe('FIX reports for a session that has ended', () => {
  let fx: Fixture;
  const clients = new Clients();
  const lines: { level: number; msg: string; clOrdId?: string; execType?: string; senderCompId?: string }[] =
    [];
  before(async () => {
    fx = await startFixture({
      firewall: {
        log: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
      },
    });
  });
  afterEach(() => clients.closeAll());
  after(() => fx.stop());

  it('a fill of an order whose session ended (8013=N) is logged at warn: the client has not heard of the trade', async () => {
    const client = await clients.connect(fx, 'MM1-fix', { cancelOnDisconnect: false });
    const sender = client.senderCompId;
    const buy = clOrdId('gone');
    client.newOrder(limitBuy(buy));
    assert.equal((await client.waitFor('executionReport', (r) => r.clOrdId === buy)).execType, '0');
    await client.close();
    await until(() => fx.firewall.fix.connections === 0, 5000, 'the session to end');
    // Another account's sell crosses it.
    const sell = await fx.rest('MM2-rest').placeOrder({
      clOrdId: clOrdId('cross'),
      symbol: 'BTC-PERP',
      side: 'sell',
      type: 'limit',
      qty: '0.01',
      price: '64000',
    });
    assert.equal(sell.status, 201);
    const lineOf = () =>
      lines.find((l) => l.msg === 'fix report not delivered: the session has ended' && l.clOrdId === buy);
    await until(() => lineOf() !== undefined, 5000, 'the log line');
    const line = lineOf()!;
    assert.equal(line.level, 40, 'warn');
    assert.equal(line.execType, 'F');
    assert.equal(line.senderCompId, sender);
    // The order filled all the same, as REST shows.
    assert.equal(((await fx.rest('MM1-rest').getOrder(buy)).body as { status: string }).status, 'filled');
  });
});
