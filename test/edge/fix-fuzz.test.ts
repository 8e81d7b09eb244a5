// Property: whatever a logged-on client sends over /fix (random bytes, token
// soup, well-framed messages with random fields, mutated valid messages), the
// firewall answers with well-formed, in-sequence FIX, ends a session only with
// a normal close (1000) or a size close (1009), never with an internal error
// (1011) or by dropping it, and afterwards a fresh client still logs on and
// trades.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { FixClient, ProtocolError } from '../../src/client/fix-client.ts';
import { Tag } from '../../src/fix/tags.ts';
import { formatUtcTimestamp } from '../../src/fix/utc-timestamp.ts';
import {
  Clients,
  clOrdId,
  encode,
  type Fixture,
  header,
  limitBuy,
  limitBuyFields,
  startFixture,
} from './support/fix-harness.ts';

const MAX_MESSAGE_BYTES = 1024;
const SEED = Number(process.env.PORTCULLIS_FC_SEED ?? 20261122);
const RUNS = Number(process.env.PORTCULLIS_FC_RUNS ?? 120);

type Action =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'soup'; text: string }
  | { kind: 'message'; msgType: string; fields: [number, string][] }
  | { kind: 'mutated'; at: number; byte: number; mode: 'replace' | 'insert' | 'delete' };

const TAGS = [
  Tag.ClOrdID,
  Tag.OrigClOrdID,
  Tag.Symbol,
  Tag.Side,
  Tag.OrderQty,
  Tag.OrdType,
  Tag.Price,
  Tag.TimeInForce,
  Tag.TransactTime,
  Tag.ExecInst,
  Tag.MassCancelRequestType,
  Tag.TestReqID,
  Tag.PossDupFlag,
  Tag.Text,
  Tag.MsgSeqNum,
  Tag.SenderCompID,
  Tag.SendingTime,
  Tag.HeartBtInt,
  Tag.RawData,
  Tag.Username,
  Tag.CancelOnDisconnect,
  Tag.RefSeqNum,
];

const value = fc.oneof(
  fc.constantFrom(
    'BTC-PERP',
    'ETH-PERP',
    '1',
    '2',
    '7',
    'Y',
    'N',
    '0',
    '64000',
    '0.01',
    '-1',
    '1e9',
    '99999999999999999999',
    '0.0000000000001',
    formatUtcTimestamp(Date.now()),
    '20261122-25:61:61.999',
    'x'.repeat(200),
  ),
  fc.stringMatching(/^[\x20-\x7e]{1,40}$/),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
);

const field = fc.tuple(
  fc.oneof(fc.constantFrom(...TAGS), fc.integer({ min: 1, max: 99_999 })),
  value,
) as fc.Arbitrary<[number, string]>;

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }) }),
  fc.record({
    kind: fc.constant('soup' as const),
    text: fc
      .array(
        fc.constantFrom(
          '8=FIX.4.4',
          '9=',
          '10=',
          '35=',
          'D',
          '1',
          '0',
          '\x01',
          '=',
          '34=',
          '49=',
          '56=',
          'PORTCULLIS',
          'abc',
        ),
        { maxLength: 40 },
      )
      .map((parts) => parts.join('') || '\x01'),
  }),
  fc.record({
    kind: fc.constant('message' as const),
    msgType: fc.oneof(
      fc.constantFrom('D', 'F', 'G', 'q', '0', '1', '2', '3', '4', '5', 'A', 'j', 'V', 'H'),
      fc.stringMatching(/^[A-Za-z0-9]{1,3}$/),
    ),
    fields: fc.array(field, { maxLength: 14 }),
  }),
  fc.record({
    kind: fc.constant('mutated' as const),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
    mode: fc.constantFrom('replace' as const, 'insert' as const, 'delete' as const),
  }),
);

/** A valid NewOrderSingle for this client's next number, one byte altered. */
function mutatedOrder(client: FixClient, a: Extract<Action, { kind: 'mutated' }>): Buffer {
  const msg = encode('D', [
    ...header(client.senderCompId, client.reserveSeqNum()),
    ...limitBuyFields(clOrdId('fz')),
  ]);
  const at = a.at % msg.length;
  if (a.mode === 'replace') {
    msg[at] = a.byte;
    return msg;
  }
  if (a.mode === 'insert')
    return Buffer.concat([msg.subarray(0, at), Buffer.from([a.byte]), msg.subarray(at)]);
  return Buffer.concat([msg.subarray(0, at), msg.subarray(at + 1)]);
}

function perform(client: FixClient, a: Action): void {
  switch (a.kind) {
    case 'bytes':
      client.sendRaw(a.bytes);
      return;
    case 'soup':
      client.sendRaw(a.text);
      return;
    case 'message':
      client.send(a.msgType, a.fields);
      return;
    case 'mutated':
      client.sendRaw(mutatedOrder(client, a));
      return;
  }
}

/** Resolves 'alive' when the ping is answered, or the close code if the session ended first. */
async function settle(client: FixClient, ping: string | null): Promise<'alive' | number> {
  const closed = client.waitFor('close', undefined, 10_000).then((c) => c.code);
  if (ping === null) return closed;
  const answered = client
    .waitFor('heartbeat', (h) => h.testReqId === ping, 10_000)
    .then(() => 'alive' as const)
    .catch(() => closed);
  return Promise.race([answered, closed]);
}

describe('FIX fuzz: random frames after a valid Logon', () => {
  let fx: Fixture;
  const clients = new Clients();
  before(async () => {
    fx = await startFixture({
      configure: (config) => {
        config.session.maxMessageBytes = MAX_MESSAGE_BYTES;
        config.limits.maxConnectionsPerIp = 10_000;
        config.limits.perIp = { ratePerSec: 1_000_000, burst: 1_000_000 };
      },
    });
  });
  after(async () => {
    await clients.closeAll();
    await fx.stop();
  });

  it('never crash the firewall, end sessions only with 1000 or 1009, and answer in well-formed FIX', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 5 }), async (actions) => {
        const client = await clients.connect(fx, 'MM1-fix', { cancelOnDisconnect: true });
        const problems: ProtocolError[] = [];
        client.on('protocolError', (p) => problems.push(p));
        for (const a of actions) {
          if (!client.isActive) break;
          try {
            perform(client, a);
          } catch (error) {
            // The socket closed under us between the check and the send: the session already ended.
            if (client.isActive) throw error;
          }
        }
        let ping: string | null = null;
        if (client.isActive) {
          ping = `ping-${client.nextSeqNum}`;
          try {
            client.testRequest(ping);
          } catch {
            ping = null;
          }
        }
        const outcome = await settle(client, ping);
        outcomes.set(String(outcome), (outcomes.get(String(outcome)) ?? 0) + 1);
        if (outcome !== 'alive') assert.ok(outcome === 1000 || outcome === 1009, `closed with ${outcome}`);
        assert.deepEqual(problems, [], 'the firewall sent garbled or out-of-sequence FIX');
        await client.close();
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // Both kinds of outcome were exercised.
    assert.ok((outcomes.get('alive') ?? 0) > 0, JSON.stringify([...outcomes]));
    assert.ok((outcomes.get('1000') ?? 0) > 0, JSON.stringify([...outcomes]));

    // The firewall still logs on and trades.
    const fresh = await clients.connect(fx, 'MM1-fix');
    const id = clOrdId('after-fuzz');
    fresh.newOrder(limitBuy(id));
    const ack = await fresh.waitFor('executionReport', (r) => r.clOrdId === id);
    assert.equal(ack.execType, '0', ack.text);
    fresh.cancel({ clOrdId: clOrdId('c'), origClOrdId: id, symbol: 'BTC-PERP', side: 'buy' });
    assert.equal((await fresh.waitFor('executionReport', (r) => r.origClOrdId === id)).execType, '4');
    await fresh.logout();
  });
});
