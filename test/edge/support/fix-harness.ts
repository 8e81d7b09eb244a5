// Helpers for the FIX edge tests (SPEC section 5) against a real firewall:
// FixClient connections with unique SenderCompIDs, hand-built messages
// (correct or garbled framing, Logons with any field left out or altered),
// a raw WebSocket that records every inbound message and the close, a raw
// TCP WebSocket that stops reading, and extra keys for the config.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';
import { generateKey } from '../../../src/cli/keygen.ts';
import { type Credentials, ed25519PrivateKeyFromSeed, signLogon } from '../../../src/client/credentials.ts';
import { type ExecutionReport, FixClient, type FixClientOptions } from '../../../src/client/fix-client.ts';
import { FixEncoder } from '../../../src/fix/encoder.ts';
import { FixMessage } from '../../../src/fix/message.ts';
import { parseNext } from '../../../src/fix/parser.ts';
import { Tag } from '../../../src/fix/tags.ts';
import { formatUtcTimestamp } from '../../../src/fix/utc-timestamp.ts';
import type { ConfigInput, KeyConfig } from '../../../src/state/config/schema.ts';
import { type FixtureOptions, startFirewallFixture } from '../../helpers/firewall-fixture.ts';
import { Inbox } from './inbox.ts';

export type Fixture = Awaited<ReturnType<typeof startFirewallFixture>>;
export const TARGET = 'PORTCULLIS';

export function startFixture(options: FixtureOptions = {}): Promise<Fixture> {
  return startFirewallFixture(options);
}

export function fixUrl(fx: Fixture): string {
  return `ws://127.0.0.1:${fx.firewall.port}/fix`;
}

let compIds = 0;
/** A SenderCompID no other test uses. */
export function compId(prefix = 'T'): string {
  compIds++;
  return `${prefix}-${compIds}`;
}

let clOrdIds = 0;
/** A ClOrdID no other test uses. */
export function clOrdId(prefix = 'o'): string {
  clOrdIds++;
  return `${prefix}-${clOrdIds}-${randomBytes(3).toString('hex')}`;
}

/** Tracks clients so that each test closes what it opened. */
export class Clients {
  private readonly open = new Set<FixClient>();

  async connect(fx: Fixture, key: string | Credentials, options: Partial<FixClientOptions> = {}) {
    const client = await FixClient.connect({
      url: fixUrl(fx),
      credentials: typeof key === 'string' ? fx.credentials[key]! : key,
      senderCompId: compId(),
      targetCompId: TARGET,
      logonTimeoutMs: 5000,
      ...options,
    });
    this.open.add(client);
    return client;
  }

  async closeAll(): Promise<void> {
    const all = [...this.open];
    this.open.clear();
    await Promise.all(all.map((client) => client.close()));
  }
}

// ---- hand-built messages ------------------------------------------------------------------------

export type FieldList = ReadonlyArray<readonly [number, string | number]>;

/** One message with correct 8, 9 and 10: 35=msgType then `fields` in order (the header included). */
export function encode(msgType: string, fields: FieldList): Buffer {
  const enc = new FixEncoder(1 << 20);
  enc.begin(msgType);
  for (const [tag, value] of fields) enc.field(tag, value);
  return Buffer.from(enc.end());
}

/** The standard header of a client message after 35: 49, 56, 34, 52 (now). */
export function header(senderCompId: string, seq: number, nowMs = Date.now()): FieldList {
  return [
    [Tag.SenderCompID, senderCompId],
    [Tag.TargetCompID, TARGET],
    [Tag.MsgSeqNum, seq],
    [Tag.SendingTime, formatUtcTimestamp(nowMs)],
  ];
}

/** A plain limit buy of 0.01 BTC-PERP at 64000 under `id`, as FixClient.newOrder takes it. */
/** Every execution report about order `id` from now on: as its clOrdId, or as the order a cancel or replace names. */
export function reportsAbout(client: FixClient, id: string): ExecutionReport[] {
  const reports: ExecutionReport[] = [];
  client.on('executionReport', (r) => {
    if (r.clOrdId === id || r.origClOrdId === id) reports.push(r);
  });
  return reports;
}

export function limitBuy(id: string) {
  return {
    clOrdId: id,
    symbol: 'BTC-PERP',
    side: 'buy',
    type: 'limit',
    qty: '0.01',
    price: '64000',
  } as const;
}

/** The same order as FIX fields after the header, for messages built by hand. */
export function limitBuyFields(id: string): FieldList {
  return [
    [Tag.ClOrdID, id],
    [Tag.Symbol, 'BTC-PERP'],
    [Tag.Side, '1'],
    [Tag.OrderQty, '0.01'],
    [Tag.OrdType, '2'],
    [Tag.Price, '64000'],
    [Tag.TimeInForce, '1'],
    [Tag.TransactTime, formatUtcTimestamp(Date.now())],
  ];
}

/** The client's next message, built by hand: `msgType`, its header with the next MsgSeqNum, then `fields`. */
export function encodeNext(client: FixClient, msgType: string, fields: FieldList): Buffer {
  return encode(msgType, [...header(client.senderCompId, client.reserveSeqNum()), ...fields]);
}

function checksum(bytes: Uint8Array): string {
  let sum = 0;
  for (const b of bytes) sum += b;
  return String(sum & 0xff).padStart(3, '0');
}

export interface FrameOverrides {
  bodyLength?: string;
  /** Replaces the computed checksum; null leaves out 10. */
  checksum?: string | null;
}

/** "8=FIX.4.4|9=len|" + body + "10=sum|": `body` uses '|' for SOH and ends with '|'. */
export function frameText(body: string, overrides: FrameOverrides = {}): Buffer {
  const bodyBytes = Buffer.from(body.replaceAll('|', '\x01'), 'latin1');
  const head = Buffer.from(`8=FIX.4.4\x019=${overrides.bodyLength ?? bodyBytes.length}\x01`, 'latin1');
  const message = Buffer.concat([head, bodyBytes]);
  if (overrides.checksum === null) return message;
  const sum = overrides.checksum ?? checksum(message);
  return Buffer.concat([message, Buffer.from(`10=${sum}\x01`, 'latin1')]);
}

export interface LogonSpec {
  credentials: Credentials;
  senderCompId: string;
  targetCompId?: string;
  seq?: number;
  /** SendingTime in Unix ms (default now). */
  sendingTimeMs?: number;
  /** SendingTime exactly as written (overrides sendingTimeMs). */
  sendingTime?: string;
  heartBtInt?: number;
  cancelOnDisconnect?: boolean;
  /** Tags to leave out. */
  omit?: readonly number[];
  /** Replace the computed signature (base64 text of 96). */
  signature?: string;
  /** Fields appended at the end. */
  extra?: FieldList;
}

/** A Logon exactly as SPEC section 5 describes it, signed with the credentials, alterable field by field. */
export function buildLogon(spec: LogonSpec): Buffer {
  const target = spec.targetCompId ?? TARGET;
  const seq = spec.seq ?? 1;
  const sendingTime = spec.sendingTime ?? formatUtcTimestamp(spec.sendingTimeMs ?? Date.now());
  const signature =
    spec.signature ?? signLogon(spec.credentials, spec.senderCompId, target, seq, sendingTime);
  const fields: [number, string | number][] = [
    [Tag.SenderCompID, spec.senderCompId],
    [Tag.TargetCompID, target],
    [Tag.MsgSeqNum, seq],
    [Tag.SendingTime, sendingTime],
    [Tag.EncryptMethod, 0],
    [Tag.HeartBtInt, spec.heartBtInt ?? 30],
    [Tag.ResetSeqNumFlag, 'Y'],
    [Tag.Username, spec.credentials.keyId],
    [Tag.RawDataLength, signature.length],
    [Tag.RawData, signature],
  ];
  if (spec.cancelOnDisconnect !== undefined)
    fields.push([Tag.CancelOnDisconnect, spec.cancelOnDisconnect ? 'Y' : 'N']);
  const omit = new Set(spec.omit ?? []);
  return encode('A', [...fields.filter(([tag]) => !omit.has(tag)), ...(spec.extra ?? [])]);
}

// ---- a raw WebSocket ------------------------------------------------------------------------------

/** An inbound message: its fields by tag (values as latin1 text). */
export type Fields = Map<number, string>;

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface RawOptions {
  /** Source address (any 127.x.y.z reaches the firewall on Linux). */
  localAddress?: string;
}

/** A WebSocket to /fix that sends bytes as given and records what comes back. */
export class RawFix {
  /** Every inbound message in order. */
  readonly received: Fields[] = [];
  /** Parse errors in the firewall's output (there should be none). */
  readonly garbled: string[] = [];
  private readonly inbox = new Inbox<Fields>();
  private readonly closed: Promise<CloseInfo>;

  private constructor(private readonly ws: WebSocket) {
    const msg = new FixMessage(128);
    ws.on('message', (data: Buffer) => {
      let offset = 0;
      while (offset < data.length) {
        const end = parseNext(data, offset, msg);
        if (end < 0) {
          this.garbled.push(`parse error ${end} at ${offset}`);
          return;
        }
        const fields: Fields = new Map();
        for (let i = 0; i < msg.fieldCount; i++) {
          fields.set(msg.tagAt(i), data.toString('latin1', msg.valueStartAt(i), msg.valueEndAt(i)));
        }
        this.received.push(fields);
        this.inbox.push(fields);
        offset = end;
      }
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
    });
    ws.on('error', () => {});
  }

  static open(fx: Fixture, options: RawOptions = {}): Promise<RawFix> {
    const ws = new WebSocket(fixUrl(fx), {
      perMessageDeflate: false,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawFix(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`unexpected HTTP ${res.statusCode} on the upgrade`)),
      );
    });
  }

  send(data: Uint8Array | string): void {
    if (typeof data === 'string') this.ws.send(data, { binary: false });
    else this.ws.send(Buffer.from(data), { binary: true });
  }

  /** The next message of that MsgType (and matching `match`), kept or still to come. */
  next(msgType: string, match: (fields: Fields) => boolean = () => true, timeoutMs = 5000): Promise<Fields> {
    return this.inbox.wait((f) => f.get(Tag.MsgType) === msgType && match(f), timeoutMs, `35=${msgType}`);
  }

  /** Resolves when the socket has closed (rejects after timeoutMs). */
  waitClose(timeoutMs = 5000): Promise<CloseInfo> {
    return Promise.race([
      this.closed,
      new Promise<CloseInfo>((_, reject) =>
        setTimeout(() => reject(new Error(`no close within ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
  }

  close(): Promise<CloseInfo> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close(1000);
      setTimeout(() => this.ws.terminate(), 2000).unref();
    }
    return this.closed;
  }
}

/** Sends `logon` on a fresh raw socket; expects a Logout then the close. Returns the Logout's 58 and the close. */
export async function refusedLogon(
  fx: Fixture,
  logon: Uint8Array | string,
  options: RawOptions = {},
): Promise<{ text: string; close: CloseInfo; logout: Fields }> {
  const raw = await RawFix.open(fx, options);
  raw.send(logon);
  const close = await raw.waitClose();
  const logout = raw.received.find((f) => f.get(Tag.MsgType) === '5');
  assert.ok(logout, `a Logout before the close (got ${raw.received.map((f) => f.get(35)).join(',')})`);
  assert.equal(raw.received.at(-1), logout, 'the Logout is the last message');
  assert.equal(raw.garbled.length, 0);
  return { text: logout.get(Tag.Text) ?? '', close, logout };
}

/** Logs on over a raw socket and returns it active (the Logon answer consumed). */
export async function rawLogon(fx: Fixture, spec: LogonSpec, options: RawOptions = {}): Promise<RawFix> {
  const raw = await RawFix.open(fx, options);
  raw.send(buildLogon(spec));
  const answer = await Promise.race([
    raw.next('A'),
    raw.next('5').then((f) => {
      throw new Error(`Logon refused: ${f.get(Tag.Text)}`);
    }),
  ]);
  assert.equal(answer.get(Tag.MsgType), 'A');
  return raw;
}

// ---- a WebSocket that stops reading -----------------------------------------------------------------

/** A client WebSocket frame (binary, masked with a zero key, as RFC 6455 requires of clients). */
export function clientFrame(payload: Uint8Array): Buffer {
  const length = payload.length;
  let head: Buffer;
  if (length < 126) {
    head = Buffer.from([0x82, 0x80 | length]);
  } else if (length < 65536) {
    head = Buffer.alloc(4);
    head[0] = 0x82;
    head[1] = 0x80 | 126;
    head.writeUInt16BE(length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x82;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([head, Buffer.alloc(4), payload]);
}

/** A TCP connection upgraded to a WebSocket on /fix by hand; nothing is read after the 101. */
export function openStalledSocket(fx: Fixture): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(fx.firewall.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.once('error', reject);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(`upgrade refused: ${head.slice(0, 40)}`));
      else resolve(socket);
    };
    socket.on('data', onData);
    socket.once('connect', () => {
      socket.write(
        'GET /fix HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  });
}

// ---- extra keys ---------------------------------------------------------------------------------------

/** Adds an Ed25519 key to the config (before it is loaded); returns its credentials. */
export function addEd25519Key(
  config: ConfigInput,
  id: string,
  account: string,
  overrides: Partial<KeyConfig> = {},
): Credentials {
  const key = generateKey('ed25519', id, account);
  config.keys.push({ ...(key.entry as KeyConfig), ...overrides } as KeyConfig);
  return {
    type: 'ed25519',
    keyId: id,
    privateKey: ed25519PrivateKeyFromSeed(Buffer.from(key.privateHalf, 'base64')),
  };
}

/** Adds an account like MM1's, with limits changed by `limits`. */
export function addAccount(
  config: ConfigInput,
  id: string,
  limits: Partial<ConfigInput['accounts'][number]['limits']> = {},
  extra: Partial<ConfigInput['accounts'][number]> = {},
): void {
  config.accounts.push({
    id,
    kyc: 'verified',
    blocked: false,
    ...extra,
    limits: {
      maxOpenOrders: 500,
      ordersPerSec: 200,
      burst: 400,
      maxPosition: { 'BTC-PERP': '50', 'ETH-PERP': '500' },
      ...limits,
    },
  });
}

/** Polls `check` every 10 ms until it is true (rejects after timeoutMs). */
/**
 * A first trade on BTC-PERP (MM2 sells, MM1 buys 0.001 at 65000 over REST) gives it a
 * reference price of 65000, the price collar's centre.
 */
export async function tradeReferencePrice(fx: Fixture): Promise<void> {
  for (const [key, clOrdId, side] of [
    ['MM2-rest', 'ref-ask', 'sell'],
    ['MM1-rest', 'ref-bid', 'buy'],
  ] as const) {
    const placed = await fx
      .rest(key)
      .placeOrder({ clOrdId, symbol: 'BTC-PERP', side, type: 'limit', qty: '0.001', price: '65000' });
    assert.equal(placed.status, 201);
  }
  const market = fx.firewall.runtime.model.markets.get('BTC-PERP')!.index;
  await until(() => fx.firewall.runtime.tables.referencePriceTicks(market) > 0);
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition') {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
