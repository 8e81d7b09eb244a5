// FixClient against a fake FIX/WS server built on the codec: the Logon and its
// signature, the order messages' fields, typed inbound events (several messages per
// frame), heartbeats, TestRequest, logout, garbled input, and correct 9/10/34 on
// everything the client sends.
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, type KeyObject, verify } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { sendFixOrder } from '../../src/cli/order-fix.ts';
import type { Credentials } from '../../src/client/credentials.ts';
import {
  type ExecutionReport,
  FixClient,
  type FixClientOptions,
  FixLogonError,
} from '../../src/client/fix-client.ts';
import { FixEncoder } from '../../src/fix/encoder.ts';
import { FixMessage } from '../../src/fix/message.ts';
import { type ParseErrorValue, parseErrorText } from '../../src/fix/parse-error.ts';
import { parseNext } from '../../src/fix/parser.ts';
import { formatUtcTimestamp } from '../../src/fix/utc-timestamp.ts';
import { checksumOf, soh } from '../fix/fix-text.ts';

const TARGET = 'PORTCULLIS';
const SECRET = 'mm1-rest-secret-0123456789abcdef';
const HMAC_CREDENTIALS: Credentials = { type: 'hmac-sha256', keyId: 'mm1-fix', secret: SECRET };
const TIMESTAMP = /^\d{8}-\d{2}:\d{2}:\d{2}\.\d{3}$/;

type Field = [number, string];

/** One message the fake server received, fields in order. */
class Received {
  constructor(
    readonly raw: Buffer,
    readonly fields: Field[],
  ) {}

  get(tag: number): string | undefined {
    return this.fields.find(([t]) => t === tag)?.[1];
  }

  get type(): string {
    return this.get(35) ?? '';
  }

  tags(): number[] {
    return this.fields.map(([t]) => t);
  }
}

type Verifier = { type: 'hmac'; secret: string } | { type: 'ed25519'; publicKey: KeyObject };

interface ServerOptions {
  keys: Record<string, Verifier>;
  /** Application messages (everything after the Logon). */
  onMessage?: (session: FakeSession, message: Received) => void;
  /** Closes the socket instead of answering the Logon. */
  closeOnLogon?: boolean;
  /** Leaves TestRequests unanswered (a firewall gone quiet). */
  silent?: boolean;
}

const encoder = new FixEncoder();

/** The server side of one connection: parses and checks every frame the client sends. */
class FakeSession {
  readonly received: Received[] = [];
  /** Anything wrong with the client's framing or sequence numbers. */
  readonly problems: string[] = [];
  senderCompId = '';
  private outSeq = 1;
  private readonly parsed = new FixMessage(128);
  private readonly watchers: Array<{ predicate: (m: Received) => boolean; resolve: (m: Received) => void }> =
    [];

  constructor(
    readonly ws: WebSocket,
    private readonly options: ServerOptions,
  ) {
    ws.on('message', (data: Buffer) => this.onFrame(data));
  }

  /** One outbound message (header filled in), for send(). */
  build(msgType: string, fields: Field[] = [], seq = this.outSeq++): Buffer {
    const e = encoder
      .begin(msgType)
      .field(49, TARGET)
      .field(56, this.senderCompId || 'UNKNOWN')
      .field(34, seq)
      .fieldUtcTimestamp(52, Date.now());
    for (const [tag, value] of fields) e.field(tag, value);
    return Buffer.from(e.end());
  }

  /** Sends the messages in one frame. */
  send(...messages: Buffer[]): void {
    this.ws.send(Buffer.concat(messages), { binary: true });
  }

  /** The first received message (already here or still to come) that matches. */
  waitFor(predicate: (m: Received) => boolean, timeoutMs = 3000): Promise<Received> {
    const found = this.received.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('fake server: message not received')), timeoutMs);
      this.watchers.push({
        predicate,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  private onFrame(frame: Buffer): void {
    let offset = 0;
    while (offset < frame.length) {
      const end = parseNext(frame, offset, this.parsed);
      if (end < 0) {
        // Garbled: Logout with the reason, then close (SPEC section 5).
        this.send(this.build('5', [[58, `Garbled message: ${parseErrorText(end as ParseErrorValue)}`]]));
        this.ws.close(1000, 'garbled');
        return;
      }
      const raw = frame.subarray(offset, end);
      this.checkFraming(raw);
      const fields: Field[] = [];
      for (let i = 0; i < this.parsed.fieldCount; i++) {
        fields.push([
          this.parsed.tagAt(i),
          frame.toString('latin1', this.parsed.valueStartAt(i), this.parsed.valueEndAt(i)),
        ]);
      }
      offset = end;
      this.onMessage(new Received(Buffer.from(raw), fields));
    }
  }

  /** 9 and 10 recomputed from the bytes, independently of the parser; 34 one more each time. */
  private checkFraming(raw: Buffer): void {
    // '|' for SOH: the lint refuses control characters in regular expressions.
    const text = raw.toString('latin1').replaceAll('\x01', '|');
    const head = /^8=FIX\.4\.4\|9=(\d+)\|/.exec(text);
    const trailer = /\|10=(\d{3})\|$/.exec(text);
    if (head === null || trailer === null) {
      this.problems.push(`bad header or trailer: ${text}`);
      return;
    }
    const bodyEnd = raw.length - 7;
    if (Number(head[1]) !== bodyEnd - head[0].length) this.problems.push(`9 wrong: ${text}`);
    if (Number(trailer[1]) !== checksumOf(raw.subarray(0, bodyEnd))) this.problems.push(`10 wrong: ${text}`);
    const seq = Number(/\|34=(\d+)\|/.exec(text)?.[1]);
    if (seq !== this.received.length + 1) this.problems.push(`34=${seq} after ${this.received.length}`);
  }

  private onMessage(message: Received): void {
    this.received.push(message);
    if (message.type === 'A') this.onLogon(message);
    else if (message.type === '1') {
      if (this.options.silent !== true) this.send(this.build('0', [[112, message.get(112) ?? '']]));
    } else if (message.type === '5') {
      this.send(this.build('5'));
      this.ws.close(1000);
    } else this.options.onMessage?.(this, message);
    for (let i = 0; i < this.watchers.length; i++) {
      const watcher = this.watchers[i]!;
      if (watcher.predicate(message)) {
        this.watchers.splice(i--, 1);
        watcher.resolve(message);
      }
    }
  }

  private onLogon(logon: Received): void {
    this.senderCompId = logon.get(49) ?? '';
    if (this.options.closeOnLogon === true) {
      this.ws.close(4000, 'go away');
      return;
    }
    const signed = Buffer.from(
      [35, 49, 56, 34, 52].map((tag) => logon.get(tag) ?? '').join('\x01'),
      'latin1',
    );
    const signature = logon.get(96) ?? '';
    const key = this.options.keys[logon.get(553) ?? ''];
    let ok = false;
    if (key?.type === 'hmac') {
      ok = createHmac('sha256', key.secret).update(signed).digest('base64') === signature;
    } else if (key?.type === 'ed25519') {
      ok = verify(null, signed, key.publicKey, Buffer.from(signature, 'base64'));
    }
    if (!ok) {
      this.send(this.build('5', [[58, 'AUTH_BAD_SIGNATURE: Logon signature does not verify']]));
      this.ws.close(1000);
      return;
    }
    this.send(
      this.build('A', [
        [98, '0'],
        [108, logon.get(108) ?? '30'],
        [141, 'Y'],
      ]),
    );
  }
}

class FakeServer {
  readonly sessions: FakeSession[] = [];

  private constructor(
    readonly wss: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(options: ServerOptions): Promise<FakeServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/fix' });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    const { port } = wss.address() as AddressInfo;
    const server = new FakeServer(wss, `ws://127.0.0.1:${port}/fix`);
    wss.on('connection', (ws) => server.sessions.push(new FakeSession(ws, options)));
    return server;
  }

  get last(): FakeSession {
    const session = this.sessions.at(-1);
    assert.ok(session, 'no session');
    return session;
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** ExecutionReport fields for the fake server's answers. */
function report(
  order: Received,
  execType: string,
  ordStatus: string,
  cumQty: string,
  extra: Field[] = [],
): Field[] {
  const qty = order.get(38) ?? '0';
  return [
    [37, `O-${order.get(11)}`],
    [11, order.get(11) ?? ''],
    [17, `E-${execType}`],
    [150, execType],
    [39, ordStatus],
    [55, order.get(55) ?? ''],
    [54, order.get(54) ?? ''],
    [38, qty],
    [44, order.get(44) ?? '0'],
    [14, cumQty],
    [151, String(Number(qty) - Number(cumQty))],
    [6, cumQty === '0' ? '0' : (order.get(44) ?? '0')],
    ...extra,
  ];
}

/** Answers a limit D with new, partial fill and fill in one frame; everything else per type. */
function venueLike(session: FakeSession, m: Received): void {
  switch (m.type) {
    case 'D':
      if (m.get(11)?.startsWith('bad') === true) {
        session.send(
          session.build(
            '8',
            report(m, '8', '8', '0', [
              [103, '3'],
              [58, 'MAX_QTY: too big'],
            ]),
          ),
        );
        return;
      }
      session.send(
        session.build('8', report(m, '0', '0', '0')),
        session.build(
          '8',
          report(m, 'F', '1', '0.5', [
            [32, '0.5'],
            [31, m.get(44) ?? '0'],
          ]),
        ),
        session.build(
          '8',
          report(m, 'F', '2', m.get(38) ?? '0', [
            [32, '1'],
            [31, m.get(44) ?? '0'],
          ]),
        ),
      );
      return;
    case 'F':
      session.send(
        session.build('9', [
          [37, 'NONE'],
          [11, m.get(11) ?? ''],
          [41, m.get(41) ?? ''],
          [39, '8'],
          [434, '1'],
          [102, '1'],
          [58, 'UNKNOWN_ORDER: no such order'],
        ]),
      );
      return;
    case 'G':
      session.send(
        session.build('8', [
          [37, 'O-1'],
          [11, m.get(11) ?? ''],
          [41, m.get(41) ?? ''],
          [150, '5'],
          [39, '0'],
          [55, m.get(55) ?? ''],
          [54, m.get(54) ?? ''],
          [38, m.get(38) ?? ''],
          [44, m.get(44) ?? ''],
          [14, '0'],
          [151, m.get(38) ?? ''],
          [6, '0'],
        ]),
      );
      return;
    case 'q':
      session.send(
        session.build('r', [
          [11, m.get(11) ?? ''],
          [37, 'MC-1'],
          [530, m.get(530) ?? ''],
          [531, m.get(530) ?? ''],
          [533, '3'],
        ]),
      );
      return;
    case 'X':
      session.send(
        session.build('j', [
          [45, m.get(34) ?? ''],
          [372, 'X'],
          [380, '3'],
          [58, 'INVALID_REQUEST: unsupported MsgType'],
        ]),
      );
      return;
    case 'Z':
      session.send(
        session.build('3', [
          [45, m.get(34) ?? ''],
          [371, '55'],
          [372, 'Z'],
          [373, '1'],
          [58, 'INVALID_REQUEST: Required tag missing'],
        ]),
      );
      return;
    default:
      return;
  }
}

let server: FakeServer | undefined;
let client: FixClient | undefined;

async function setup(
  serverOptions: Partial<ServerOptions> = {},
  clientOptions: Partial<FixClientOptions> = {},
): Promise<{ server: FakeServer; client: FixClient }> {
  server = await FakeServer.start({
    keys: { 'mm1-fix': { type: 'hmac', secret: SECRET } },
    onMessage: venueLike,
    ...serverOptions,
  });
  client = await FixClient.connect({
    url: server.url,
    credentials: HMAC_CREDENTIALS,
    senderCompId: 'MM1-A',
    targetCompId: TARGET,
    ...clientOptions,
  });
  return { server, client };
}

afterEach(async () => {
  if (client !== undefined) await client.close();
  client = undefined;
  if (server !== undefined) {
    for (const session of server.sessions) assert.deepEqual(session.problems, []);
    await server.stop();
  }
  server = undefined;
});

describe('FixClient Logon', () => {
  test('sends a signed Logon (34=1, 98=0, 108, 141=Y, 553, 95/96) and resolves on the echo', async () => {
    const { server, client } = await setup();
    const logon = server.last.received[0]!;
    assert.deepEqual(logon.tags(), [8, 9, 35, 49, 56, 34, 52, 98, 108, 141, 553, 95, 96, 10]);
    assert.equal(logon.type, 'A');
    assert.equal(logon.get(49), 'MM1-A');
    assert.equal(logon.get(56), TARGET);
    assert.equal(logon.get(34), '1');
    assert.match(logon.get(52) ?? '', TIMESTAMP);
    assert.equal(logon.get(98), '0');
    assert.equal(logon.get(108), '30');
    assert.equal(logon.get(141), 'Y');
    assert.equal(logon.get(553), 'mm1-fix');
    assert.equal(logon.get(95), String(logon.get(96)?.length));
    assert.equal(Buffer.from(logon.get(96) ?? '', 'base64').length, 32);
    assert.equal(client.isActive, true);
    assert.equal(client.nextSeqNum, 2);
    assert.equal(client.expectedInboundSeqNum, 2);
  });

  test('8013 carries cancelOnDisconnect, 108 the heartBtInt, 52 the clock', async () => {
    const at = Date.UTC(2026, 10, 22, 14, 0, 0, 0);
    const { server } = await setup({}, { cancelOnDisconnect: true, heartBtInt: 45, clock: () => at });
    const logon = server.last.received[0]!;
    assert.equal(logon.get(8013), 'Y');
    assert.equal(logon.get(108), '45');
    assert.equal(logon.get(52), '20261122-14:00:00.000');

    const other = await FixClient.connect({
      url: server.url,
      credentials: HMAC_CREDENTIALS,
      senderCompId: 'MM1-B',
      targetCompId: TARGET,
      cancelOnDisconnect: false,
    });
    assert.equal(server.last.received[0]!.get(8013), 'N');
    await other.close();
  });

  test('rejects with the Logout text for a bad secret', async () => {
    server = await FakeServer.start({ keys: { 'mm1-fix': { type: 'hmac', secret: SECRET } } });
    const error = await FixClient.connect({
      url: server.url,
      credentials: { type: 'hmac-sha256', keyId: 'mm1-fix', secret: 'wrong' },
      senderCompId: 'MM1-A',
      targetCompId: TARGET,
    }).then(
      () => assert.fail('connect resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof FixLogonError);
    assert.match(error.message, /^AUTH_BAD_SIGNATURE: /);
    assert.equal(error.code, 'AUTH_BAD_SIGNATURE');
    assert.equal(error.text, 'AUTH_BAD_SIGNATURE: Logon signature does not verify');
  });

  test('signs with an Ed25519 key (base64 of the 64-byte signature)', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const { server } = await setup(
      { keys: { 'mm1-ed': { type: 'ed25519', publicKey } } },
      { credentials: { type: 'ed25519', keyId: 'mm1-ed', privateKey } },
    );
    assert.equal(Buffer.from(server.last.received[0]!.get(96) ?? '', 'base64').length, 64);
  });

  test('rejects when the socket closes before the Logon answer, or cannot connect', async () => {
    server = await FakeServer.start({ keys: {}, closeOnLogon: true });
    const options = { credentials: HMAC_CREDENTIALS, senderCompId: 'MM1-A', targetCompId: TARGET };
    await assert.rejects(FixClient.connect({ url: server.url, ...options }), /closed before the Logon.*4000/);
    const url = server.url;
    await server.stop();
    server = undefined;
    await assert.rejects(FixClient.connect({ url, ...options }), /ECONNREFUSED/);
  });

  test('rejects a heartBtInt that is not a non-negative integer', async () => {
    const options = { url: 'ws://127.0.0.1:1/fix', credentials: HMAC_CREDENTIALS, senderCompId: 'A' };
    await assert.rejects(
      FixClient.connect({ ...options, targetCompId: TARGET, heartBtInt: 1.5 }),
      RangeError,
    );
  });
});

describe('FixClient order messages', () => {
  test('newOrder: a limit D with the mapped fields; several ExecutionReports in one frame', async () => {
    const at = Date.UTC(2026, 10, 22, 14, 0, 0, 123);
    const { server, client } = await setup({}, { clock: () => at });
    const seq = client.newOrder({
      clOrdId: 'ord-1',
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '1.5',
      price: '65000.5',
      tif: 'IOC',
      postOnly: true,
    });
    assert.equal(seq, 2);
    const order = await server.last.waitFor((m) => m.type === 'D');
    assert.deepEqual(order.fields.slice(2, -1), [
      [35, 'D'],
      [49, 'MM1-A'],
      [56, TARGET],
      [34, '2'],
      [52, '20261122-14:00:00.123'],
      [11, 'ord-1'],
      [55, 'BTC-PERP'],
      [54, '1'],
      [38, '1.5'],
      [40, '2'],
      [44, '65000.5'],
      [59, '3'],
      [60, '20261122-14:00:00.123'],
      [18, '6'],
    ]);

    const isOrd1 = (r: ExecutionReport) => r.clOrdId === 'ord-1';
    const ack = await client.waitFor('executionReport', isOrd1);
    const partial = await client.waitFor('executionReport', isOrd1);
    const fill = await client.waitFor('executionReport', isOrd1);
    assert.deepEqual(ack, {
      orderId: 'O-ord-1',
      clOrdId: 'ord-1',
      origClOrdId: undefined,
      execId: 'E-0',
      execType: '0',
      ordStatus: '0',
      symbol: 'BTC-PERP',
      side: 'buy',
      qty: '1.5',
      price: '65000.5',
      cumQty: '0',
      leavesQty: '1.5',
      avgPx: '0',
      lastQty: undefined,
      lastPx: undefined,
      ordRejReason: undefined,
      text: undefined,
      seqNum: 2,
    });
    assert.equal(partial.execType, 'F');
    assert.equal(partial.ordStatus, '1');
    assert.equal(partial.lastQty, '0.5');
    assert.equal(partial.lastPx, '65000.5');
    assert.equal(partial.seqNum, 3);
    assert.equal(fill.ordStatus, '2');
    assert.equal(fill.cumQty, '1.5');
    assert.equal(fill.leavesQty, '0');
    assert.equal(fill.seqNum, 4);
    assert.equal(client.expectedInboundSeqNum, 5);
  });

  test('newOrder: a market sell sends 40=1 and no 44, 59=1 (GTC) by default, no 18', async () => {
    const { server, client } = await setup();
    client.newOrder({ clOrdId: 'm-1', symbol: 'BTC-PERP', side: 'sell', type: 'market', qty: '2' });
    const order = await server.last.waitFor((m) => m.type === 'D');
    assert.equal(order.get(54), '2');
    assert.equal(order.get(40), '1');
    assert.equal(order.get(44), undefined);
    assert.equal(order.get(59), '1');
    assert.equal(order.get(18), undefined);
    assert.match(order.get(60) ?? '', TIMESTAMP);
    for (const [tif, value] of [
      ['DAY', '0'],
      ['FOK', '4'],
    ] as const) {
      client.newOrder({
        clOrdId: `t-${tif}`,
        symbol: 'X',
        side: 'buy',
        type: 'limit',
        qty: '1',
        price: '1',
        tif,
      });
      assert.equal((await server.last.waitFor((m) => m.get(11) === `t-${tif}`)).get(59), value);
    }
    assert.throws(
      () => client.newOrder({ clOrdId: 'p', symbol: 'X', side: 'buy', type: 'limit', qty: '1' }),
      TypeError,
    );
  });

  test('a rejected order: ExecutionReport 39=8 with 103 and 58', async () => {
    const { client } = await setup();
    client.newOrder({
      clOrdId: 'bad-1',
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '999',
      price: '1',
    });
    const rejected = await client.waitFor('executionReport', (r) => r.clOrdId === 'bad-1');
    assert.equal(rejected.execType, '8');
    assert.equal(rejected.ordStatus, '8');
    assert.equal(rejected.ordRejReason, 3);
    assert.equal(rejected.text, 'MAX_QTY: too big');
  });

  test('cancel, replace and massCancel send F, G and q; their answers arrive as typed events', async () => {
    const { server, client } = await setup();
    const session = server.last;

    const cancelSeq = client.cancel({
      clOrdId: 'c-1',
      origClOrdId: 'ord-9',
      symbol: 'BTC-PERP',
      side: 'sell',
    });
    const cancel = await session.waitFor((m) => m.type === 'F');
    assert.deepEqual(cancel.tags(), [8, 9, 35, 49, 56, 34, 52, 11, 41, 55, 54, 60, 10]);
    assert.equal(cancel.get(34), String(cancelSeq));
    assert.equal(cancel.get(41), 'ord-9');
    assert.equal(cancel.get(54), '2');
    const cxlRej = await client.waitFor('orderCancelReject');
    assert.deepEqual(cxlRej, {
      clOrdId: 'c-1',
      origClOrdId: 'ord-9',
      orderId: 'NONE',
      ordStatus: '8',
      cxlRejResponseTo: '1',
      cxlRejReason: 1,
      text: 'UNKNOWN_ORDER: no such order',
      seqNum: 2,
    });

    client.replace({
      clOrdId: 'r-1',
      origClOrdId: 'ord-1',
      symbol: 'BTC-PERP',
      side: 'buy',
      qty: '3',
      price: '64000',
    });
    const replace = await session.waitFor((m) => m.type === 'G');
    assert.deepEqual(replace.tags(), [8, 9, 35, 49, 56, 34, 52, 11, 41, 55, 54, 38, 40, 44, 60, 10]);
    assert.deepEqual([replace.get(38), replace.get(40), replace.get(44)], ['3', '2', '64000']);
    const replaced = await client.waitFor('executionReport', (r) => r.execType === '5');
    assert.equal(replaced.origClOrdId, 'ord-1');
    assert.equal(replaced.price, '64000');

    client.massCancel({ clOrdId: 'mc-1', symbol: 'BTC-PERP' });
    client.massCancel({ clOrdId: 'mc-2' });
    const bySymbol = await session.waitFor((m) => m.get(11) === 'mc-1');
    const all = await session.waitFor((m) => m.get(11) === 'mc-2');
    assert.deepEqual(bySymbol.fields.slice(7, -1), [
      [11, 'mc-1'],
      [530, '1'],
      [55, 'BTC-PERP'],
    ]);
    assert.deepEqual(all.fields.slice(7, -1), [
      [11, 'mc-2'],
      [530, '7'],
    ]);
    const report1 = await client.waitFor('massCancelReport');
    const report2 = await client.waitFor('massCancelReport');
    assert.deepEqual(
      [report1.clOrdId, report1.requestType, report1.response, report1.totalAffectedOrders],
      ['mc-1', '1', '1', 3],
    );
    assert.equal(report2.requestType, '7');
  });

  test('send() for other messages; Reject 3 and BusinessMessageReject j as events', async () => {
    const { client } = await setup();
    const unsupported = client.send('X', [[55, 'BTC-PERP']]);
    const businessReject = await client.waitFor('businessReject');
    assert.deepEqual(businessReject, {
      refSeqNum: unsupported,
      refMsgType: 'X',
      businessRejectRefId: undefined,
      reason: 3,
      text: 'INVALID_REQUEST: unsupported MsgType',
      seqNum: 2,
    });
    const incomplete = client.send('Z');
    const reject = await client.waitFor('reject');
    assert.deepEqual(reject, {
      refSeqNum: incomplete,
      refTagId: 55,
      refMsgType: 'Z',
      reason: 1,
      text: 'INVALID_REQUEST: Required tag missing',
      seqNum: 3,
    });
  });

  test('every outbound message has correct 9 and 10, and 34 goes up by one', async () => {
    const { server, client } = await setup();
    const seqs = [
      client.newOrder({
        clOrdId: 'a',
        symbol: 'BTC-PERP',
        side: 'buy',
        type: 'limit',
        qty: '1',
        price: '10',
      }),
      client.cancel({ clOrdId: 'b', origClOrdId: 'a', symbol: 'BTC-PERP', side: 'buy' }),
      client.replace({
        clOrdId: 'c',
        origClOrdId: 'a',
        symbol: 'BTC-PERP',
        side: 'buy',
        qty: '2',
        price: '11',
      }),
      client.massCancel({ clOrdId: 'd' }),
      client.testRequest('t-1'),
      client.send('X'),
    ];
    assert.deepEqual(seqs, [2, 3, 4, 5, 6, 7]);
    await client.logout();
    const session = server.last;
    assert.deepEqual(
      session.received.map((m) => [m.type, m.get(34)]),
      [
        ['A', '1'],
        ['D', '2'],
        ['F', '3'],
        ['G', '4'],
        ['q', '5'],
        ['1', '6'],
        ['X', '7'],
        ['5', '8'],
      ],
    );
    // The fake server recomputes 9 and 10 of each message and checks 34 (afterEach asserts none failed).
    assert.deepEqual(session.problems, []);
  });
});

describe('FixClient session', () => {
  test('answers a TestRequest with a Heartbeat carrying its 112', async () => {
    const { server, client } = await setup();
    const session = server.last;
    session.send(session.build('1', [[112, 'ping-7']]));
    const heartbeat = await session.waitFor((m) => m.type === '0');
    assert.equal(heartbeat.get(112), 'ping-7');
    assert.equal(heartbeat.get(34), '2');
    assert.deepEqual(await client.waitFor('testRequest'), { testReqId: 'ping-7', seqNum: 2 });
  });

  test('the firewall answers our TestRequest: heartbeat event with 112', async () => {
    const { client } = await setup();
    client.testRequest('abc');
    const heartbeat = await client.waitFor('heartbeat', (h) => h.testReqId === 'abc');
    assert.equal(heartbeat.seqNum, 2);
  });

  test('sends a Heartbeat after heartBtInt seconds of outbound silence', async () => {
    const { server } = await setup({}, { heartBtInt: 1 });
    const session = server.last;
    const start = Date.now();
    const heartbeat = await session.waitFor((m) => m.type === '0', 3000);
    const elapsed = Date.now() - start;
    assert.ok(elapsed >= 900 && elapsed < 2000, `heartbeat after ${elapsed} ms`);
    assert.equal(heartbeat.get(112), undefined);
    assert.equal(heartbeat.get(34), '2');
  });

  test('autoHeartbeat: false keeps the client silent', async () => {
    const { server } = await setup({}, { heartBtInt: 1, autoHeartbeat: false });
    const session = server.last;
    session.send(session.build('1', [[112, 'ping']]));
    await new Promise((resolve) => setTimeout(resolve, 1300));
    assert.deepEqual(
      session.received.map((m) => m.type),
      ['A'],
    );
  });

  test('logout resolves on the Logout answer; close follows', async () => {
    const { server, client } = await setup();
    await client.logout('bye');
    const logout = server.last.received.at(-1)!;
    assert.equal(logout.type, '5');
    assert.equal(logout.get(58), 'bye');
    assert.deepEqual(await client.waitFor('logout'), { text: undefined, seqNum: 2 });
    const closed = await client.waitFor('close');
    assert.equal(closed.code, 1000);
    assert.equal(client.isActive, false);
    assert.throws(() =>
      client.newOrder({ clOrdId: 'x', symbol: 'X', side: 'buy', type: 'market', qty: '1' }),
    );
    // 'close' satisfies every waitFor; anything else fails fast once closed.
    assert.equal((await client.waitFor('close')).code, 1000);
    await assert.rejects(client.waitFor('executionReport'), /closed/);
  });

  test('garbled input via sendRaw: Logout with the reason, close, pending waitFor rejected', async () => {
    const { client } = await setup();
    const pending = client.waitFor('executionReport', undefined, 3000);
    client.sendRaw(soh('8=FIX.4.4|9=5|35=D|10=000|'));
    await assert.rejects(pending, /waitFor\(executionReport\): the connection closed/);
    const logout = await client.waitFor('logout');
    assert.match(logout.text ?? '', /^Garbled message: /);
    const closed = await client.waitFor('close');
    assert.equal(closed.reason, 'garbled');
  });

  test('sendRaw with reserveSeqNum keeps the sequence in line', async () => {
    const { server, client } = await setup();
    const session = server.last;
    const seq = client.reserveSeqNum();
    const body = `35=0|49=MM1-A|56=${TARGET}|34=${seq}|52=${formatUtcTimestamp(Date.now())}|`;
    const bodyBytes = soh(body);
    const head = soh(`8=FIX.4.4|9=${bodyBytes.length}|`);
    const message = Buffer.concat([head, bodyBytes]);
    client.sendRaw(Buffer.concat([message, soh(`10=${String(checksumOf(message)).padStart(3, '0')}|`)]));
    client.testRequest('after');
    await session.waitFor((m) => m.get(112) === 'after');
    assert.deepEqual(
      session.received.map((m) => m.get(34)),
      ['1', '2', '3'],
    );
  });

  test('message events carry every field; a gap in inbound 34 is a protocolError', async () => {
    const { server, client } = await setup();
    const session = server.last;
    session.send(session.build('0', [[112, 'x']], 5));
    const message = await client.waitFor('message', (m) =>
      m.some(([tag, value]) => tag === 112 && value === 'x'),
    );
    assert.deepEqual(
      message.map(([tag]) => tag),
      [8, 9, 35, 49, 56, 34, 52, 112, 10],
    );
    assert.deepEqual(message.slice(0, 6), [
      [8, 'FIX.4.4'],
      [9, String(message[1]![1])],
      [35, '0'],
      [49, TARGET],
      [56, 'MM1-A'],
      [34, '5'],
    ]);
    const gap = await client.waitFor('protocolError');
    assert.equal(gap.kind, 'sequence');
    assert.match(gap.text, /too high: expected 2, received 5/);
    assert.equal(client.expectedInboundSeqNum, 6);
  });

  test('a garbled inbound frame is a parse protocolError; the messages before it are delivered', async () => {
    const { server, client } = await setup();
    const session = server.last;
    session.send(session.build('0', [[112, 'ok']]), soh('8=FIX.4.4|9=999|35=0|10=000|'));
    assert.equal((await client.waitFor('heartbeat')).testReqId, 'ok');
    const error = await client.waitFor('protocolError');
    assert.equal(error.kind, 'parse');
    assert.ok(error.parseError !== undefined && error.parseError < 0);
  });
});

describe('FixClient.waitFor and listeners', () => {
  test('finds events that arrived before it was called, each one once, in order', async () => {
    const { client } = await setup();
    client.newOrder({ clOrdId: 'w-1', symbol: 'BTC-PERP', side: 'buy', type: 'limit', qty: '1', price: '5' });
    // Let the three reports arrive before anyone waits for them.
    await client.waitFor('message', (m) => m.some(([tag, value]) => tag === 39 && value === '2'));
    const first = await client.waitFor('executionReport');
    const second = await client.waitFor('executionReport');
    const third = await client.waitFor('executionReport');
    assert.deepEqual([first.ordStatus, second.ordStatus, third.ordStatus], ['0', '1', '2']);
    await assert.rejects(client.waitFor('executionReport', undefined, 50), /timed out after 50 ms/);
    client.clearEvents();
    await assert.rejects(client.waitFor('message', undefined, 20), /timed out/);
  });

  test('on/once/off listeners see every event in order', async () => {
    const { client } = await setup();
    const seen: string[] = [];
    const onceSeen: string[] = [];
    const off = client.on('executionReport', (r) => seen.push(r.ordStatus));
    client.once('executionReport', (r) => onceSeen.push(r.ordStatus));
    client.newOrder({
      clOrdId: 'l-1',
      symbol: 'BTC-PERP',
      side: 'sell',
      type: 'limit',
      qty: '1',
      price: '5',
    });
    await client.waitFor('executionReport', (r) => r.ordStatus === '2');
    assert.deepEqual(seen, ['0', '1', '2']);
    assert.deepEqual(onceSeen, ['0']);
    off();
    client.newOrder({
      clOrdId: 'l-2',
      symbol: 'BTC-PERP',
      side: 'sell',
      type: 'limit',
      qty: '1',
      price: '5',
    });
    await client.waitFor('executionReport', (r) => r.clOrdId === 'l-2' && r.ordStatus === '2');
    assert.equal(seen.length, 3);
  });

  test('eventBufferSize: 0 keeps nothing; a waitFor registered first still sees the event', async () => {
    const { client } = await setup({}, { eventBufferSize: 0 });
    const ack = client.waitFor('executionReport');
    client.newOrder({ clOrdId: 'n-1', symbol: 'BTC-PERP', side: 'buy', type: 'limit', qty: '1', price: '5' });
    assert.equal((await ack).ordStatus, '0');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await assert.rejects(client.waitFor('executionReport', undefined, 100), /timed out/);
  });
});

// A plain ws client still works against the fake server (sanity check of the harness itself).
test('fake server refuses an unsigned Logon', async () => {
  server = await FakeServer.start({ keys: {} });
  const ws = new WebSocket(server.url);
  await new Promise((resolve) => ws.once('open', resolve));
  const body = soh(
    `35=A|49=RAW|56=${TARGET}|34=1|52=${formatUtcTimestamp(Date.now())}|98=0|108=30|141=Y|553=x|`,
  );
  const message = Buffer.concat([soh(`8=FIX.4.4|9=${body.length}|`), body]);
  ws.send(Buffer.concat([message, soh(`10=${String(checksumOf(message)).padStart(3, '0')}|`)]));
  const answer = await new Promise<Buffer>((resolve) => ws.once('message', (data: Buffer) => resolve(data)));
  assert.match(answer.toString('latin1').replaceAll('\x01', '|'), /\|35=5\|.*58=AUTH_BAD_SIGNATURE/);
  ws.terminate();
});

describe('FixClient with a URL the WebSocket refuses at once', () => {
  test('connect rejects, and no timer fires later on the missing socket', async () => {
    await assert.rejects(
      FixClient.connect({
        url: 'ws://127.0.0.1:99999/fix',
        credentials: HMAC_CREDENTIALS,
        senderCompId: 'MM1-A',
        targetCompId: TARGET,
        logonTimeoutMs: 50,
      }),
      /Invalid URL|port/i,
    );
    // Past the Logon timeout: a timer left armed would throw here, uncaught, and fail the file.
    await new Promise((resolve) => setTimeout(resolve, 150));
  });
});

describe('portcullis order --fix', () => {
  const order = (clOrdId: string) =>
    ({ clOrdId, symbol: 'BTC-PERP', side: 'buy', type: 'limit', qty: '1', price: '65000' }) as const;
  const io = () => {
    const lines = { out: [] as string[], err: [] as string[] };
    return {
      lines,
      io: { out: (l: string) => void lines.out.push(l), err: (l: string) => void lines.err.push(l) },
    };
  };

  test('logs on with 8013=N (the order outlives the command), and exits 0 on the acknowledgement', async () => {
    server = await FakeServer.start({
      keys: { 'mm1-fix': { type: 'hmac', secret: SECRET } },
      onMessage: venueLike,
    });
    const { lines, io: out } = io();
    assert.equal(await sendFixOrder(server.url, HMAC_CREDENTIALS, order('cli-1'), {}, 50, out), 0);
    assert.equal(server.last.received[0]!.get(8013), 'N');
    const reports = lines.out.map((l) => JSON.parse(l).executionReport).filter(Boolean);
    assert.deepEqual(
      reports.map((r: { execType: string }) => r.execType),
      ['0', 'F', 'F'],
    );
  });

  test('a refused order exits 1', async () => {
    server = await FakeServer.start({
      keys: { 'mm1-fix': { type: 'hmac', secret: SECRET } },
      onMessage: venueLike,
    });
    const { io: out } = io();
    assert.equal(await sendFixOrder(server.url, HMAC_CREDENTIALS, order('bad-1'), {}, 50, out), 1);
  });

  test('no answer at all exits 1, naming the order whose status is unknown', async () => {
    server = await FakeServer.start({
      keys: { 'mm1-fix': { type: 'hmac', secret: SECRET } },
      onMessage: () => {},
    });
    const { lines, io: out } = io();
    assert.equal(await sendFixOrder(server.url, HMAC_CREDENTIALS, order('cli-silent'), {}, 50, out), 1);
    assert.match(
      lines.err.join('\n'),
      /no answer to order cli-silent \(nothing within 5000 ms\); its status is unknown/,
    );
  });
});

describe('FixClient when the firewall goes quiet or ends the session', () => {
  test('inbound silence: a TestRequest after 1.2 x HeartBtInt, then the connection dropped', async () => {
    const { server, client } = await setup({ onMessage: () => {}, silent: true }, { heartBtInt: 1 });
    const silence = client.waitFor('protocolError', (e) => e.kind === 'silence', 6000);
    const closed = client.waitFor('close', undefined, 6000);
    assert.match((await silence).text, /TestRequest unanswered/);
    await closed;
    assert.equal(client.isActive, false);
    assert.ok(
      server.last.received.some((m) => m.type === '1'),
      'a TestRequest went out before the drop',
    );
  });

  test('a heartbeating firewall keeps the session: no TestRequest, no drop', async () => {
    const { server, client } = await setup(
      { onMessage: (session, m) => m.type === '0' && session.send(session.build('0', [])) },
      { heartBtInt: 1 },
    );
    await new Promise((resolve) => setTimeout(resolve, 3500));
    assert.equal(client.isActive, true);
    assert.ok(!server.last.received.some((m) => m.type === '1'));
  });

  test("the firewall's Logout: answered with a Logout, the socket closed, no order goes out after", async () => {
    const { server, client } = await setup({
      onMessage: (session, m) => m.type === 'D' && session.send(session.build('5', [[58, 'bye']])),
    });
    client.newOrder({ clOrdId: 'o-1', symbol: 'BTC-PERP', side: 'buy', type: 'limit', qty: '1', price: '1' });
    assert.equal((await client.waitFor('logout')).text, 'bye');
    assert.equal(client.isActive, false);
    assert.throws(() =>
      client.newOrder({
        clOrdId: 'o-2',
        symbol: 'BTC-PERP',
        side: 'buy',
        type: 'limit',
        qty: '1',
        price: '1',
      }),
    );
    await client.waitFor('close');
    assert.deepEqual(
      server.last.received.map((m) => m.type),
      ['A', 'D', '5'],
    );
  });
});
