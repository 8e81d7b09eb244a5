// The whole in-process path of one order, from the bytes a client sent to the
// venue frame the firewall writes, without sockets:
//   fix.pipeline.neworder     one NewOrderSingle frame on an established FIX session:
//                             parse, session checks, field conversion, authorize,
//                             three native GCRA checks, pre-trade, order registry,
//                             venue encode and write
//   rest.pipeline.order.hmac  one POST /api/v1/orders request (headers + JSON body):
//                             native HMAC-SHA256 over the exact bytes, replay cache,
//                             JSON parse and schema, the same pipeline, encode and write
//
// Each order is timed alone (performance.now around the call) into an HDR
// histogram. What the client would do first (encoding the FIX frame, signing the
// REST request) and what happens after the venue frame is written (the venue's
// answer, the execution report or HTTP response) are outside the timing.

import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { silentLogger } from '../../src/control/logger.ts';
import type { EdgeContext } from '../../src/edge/edge-context.ts';
import { FixAuthenticator, SenderCompIdClaims } from '../../src/edge/fix/fix-authenticator.ts';
import { FixConnection } from '../../src/edge/fix/fix-connection.ts';
import { ReplayCache } from '../../src/edge/replay-cache.ts';
import { REST_ROUTES, RestApi } from '../../src/edge/rest/rest-api.ts';
import { FixEncoder } from '../../src/fix/encoder.ts';
import { FixSession, type SessionTimers } from '../../src/fix/session.ts';
import { Tag } from '../../src/fix/tags.ts';
import { formatUtcTimestamp } from '../../src/fix/utc-timestamp.ts';
import type { OrderTypeValue, SideValue, TimeInForceValue } from '../../src/pipeline/request.ts';
import { OrderRouter } from '../../src/routing/order-router.ts';
import { loadConfigFromObject } from '../../src/state/config/load.ts';
import type { ConfigInput, KeyConfig } from '../../src/state/config/schema.ts';
import { Lockout } from '../../src/state/lockout.ts';
import { FirewallRuntime } from '../../src/state/runtime.ts';
import { VenueEncoder } from '../../src/venue/codec.ts';
import { FrameWriter } from '../../src/venue/frame-writer.ts';
import { InFlightRequest, RequestKind } from '../../src/venue/link.ts';
import type { VenueSender } from '../../src/venue/venue-sender.ts';
import { eachOpHistogram, eachOpResult } from '../lib/each-op.ts';
import type { MicroOptions } from '../lib/micro.ts';
import type { BenchResult } from '../lib/report.ts';
import type { MicroSuite } from '../lib/suite.ts';

const SECRET = 'bench-secret-0123456789';

/** A venue link that encodes and writes each request (to a sink) and keeps it for an untimed answer. */
class InProcessVenue implements VenueSender {
  readonly isUp = true;
  private id = 1;
  private readonly encoder = new VenueEncoder();
  bytesWritten = 0;
  // A socket with room to spare: it takes each write before returning (queues nothing).
  private readonly writer = new FrameWriter({
    write: (chunk) => {
      this.bytesWritten += chunk.length;
      return true;
    },
    writableLength: 0,
  });
  readonly pending: InFlightRequest[] = [];

  nextId(): number {
    return this.id++;
  }

  canSendNewOrder(): boolean {
    return true;
  }

  sendNewOrder(
    orderId: number,
    account: string,
    symbol: string,
    side: SideValue,
    type: OrderTypeValue,
    tif: TimeInForceValue,
    postOnly: boolean,
    priceTicks: number,
    qtyLots: number,
    context: unknown,
  ): boolean {
    this.writer.push(
      this.encoder.newOrder(
        orderId,
        orderId,
        account,
        symbol,
        side,
        type,
        tif,
        postOnly,
        priceTicks,
        qtyLots,
      ),
    );
    this.writer.flush();
    this.pending.push(new InFlightRequest(orderId, RequestKind.NEW_ORDER, orderId, 0, context));
    return true;
  }

  sendCancel(): InFlightRequest | null {
    return null;
  }

  sendReplace(): InFlightRequest | null {
    return null;
  }

  sendMassCancel(): InFlightRequest | null {
    return null;
  }
}

function benchConfig(): ConfigInput {
  const config: ConfigInput = JSON.parse(
    readFileSync(new URL('../../config/demo.json', import.meta.url), 'utf8'),
  );
  config.limits.perIp = { ratePerSec: 1e9, burst: 1e9 };
  config.limits.perConnection = { ratePerSec: 1e9, burst: 1e9 };
  for (const account of config.accounts) {
    account.limits = { maxOpenOrders: 1_000_000, ordersPerSec: 1e9, burst: 1e9, maxPosition: {} };
  }
  const key = {
    account: 'MM1',
    type: 'hmac-sha256',
    secret: { value: SECRET },
    permissions: ['trade', 'cancel', 'read'],
    markets: ['*'],
    cidrs: ['127.0.0.0/8'],
  };
  config.keys = [{ ...key, id: 'bench-fix' } as KeyConfig, { ...key, id: 'bench-rest' } as KeyConfig];
  return config;
}

/** The firewall's state and router around an in-process venue. */
function inProcessEdge() {
  const runtime = new FirewallRuntime(loadConfigFromObject(benchConfig(), 'bench'), { retentionMs: 1000 });
  runtime.tables.setReferencePrice(runtime.model.markets.get('BTC-PERP')!.index, 130_000);
  const venue = new InProcessVenue();
  const router = new OrderRouter({
    orders: runtime.orders,
    tables: runtime.tables,
    marketIndexOf: (symbol) => runtime.model.markets.get(symbol)?.index ?? -1,
    accountIdOf: () => undefined,
  });
  router.attach(venue);
  const edge: EdgeContext = {
    runtime,
    router,
    lockout: new Lockout({ failuresBeforeLockout: 5, lockoutMs: 60_000 }),
    replay: new ReplayCache({ windowMs: runtime.config.session.recvWindowMs, maxEntries: 10_000_000 }),
    log: silentLogger(),
  };
  /** The venue acks each order and then cancels it, so the registry stays small (untimed). */
  const answerAll = () => {
    for (const request of venue.pending) {
      router.onAnswer(request, { kind: 'ack', requestId: request.requestId, orderId: request.orderId });
      router.onEvent({ kind: 'canceled', requestId: 0, orderId: request.orderId });
    }
    venue.pending.length = 0;
  };
  return { runtime, router, venue, edge, answerAll };
}

/** Runs `prepare` (untimed) for a chunk of ops, then times each op, until the time is up. */
function measureOps(
  options: MicroOptions,
  chunk: number,
  prepare: (count: number) => void,
  op: (i: number) => void,
  after: () => void,
  name: string,
): BenchResult {
  const h = eachOpHistogram();
  const warmupEnd = performance.now() + options.warmupMs;
  const end = warmupEnd + options.timeMs;
  let timedNs = 0;
  while (performance.now() < end) {
    prepare(chunk);
    const recording = performance.now() >= warmupEnd;
    for (let i = 0; i < chunk; i++) {
      const start = performance.now();
      op(i);
      const ns = (performance.now() - start) * 1e6;
      if (recording) {
        h.recordValue(Math.max(1, Math.round(ns)));
        timedNs += ns;
      }
    }
    after();
  }
  return eachOpResult(name, h, timedNs);
}

function measureFix(options: MicroOptions): BenchResult {
  const { runtime, venue, edge, answerAll } = inProcessEdge();
  const timers: SessionTimers = {
    setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    now: Date.now,
  };
  let outbound = 0;
  const session = new FixSession(
    {
      targetCompId: 'PORTCULLIS',
      recvWindowMs: 5000,
      maxHeartBtInt: 60,
      maxMessageBytes: 4096,
      logonTimeoutMs: 5000,
    },
    { send: () => void outbound++, close: () => undefined },
    new FixAuthenticator(runtime, edge.lockout, edge.replay, new SenderCompIdClaims(), '127.0.0.1'),
    new FixConnection(edge, '127.0.0.1', 1),
    timers,
  );
  // Logon, as a client would send it.
  const client = new FixEncoder(4096);
  let seq = 1;
  const sendingTime = () => formatUtcTimestamp(Date.now());
  const logonTime = sendingTime();
  const signed = ['A', 'BENCH', 'PORTCULLIS', '1', logonTime].join('\x01');
  const signature = createHmac('sha256', SECRET).update(signed, 'latin1').digest('base64');
  const logon = client
    .begin('A')
    .field(Tag.SenderCompID, 'BENCH')
    .field(Tag.TargetCompID, 'PORTCULLIS')
    .field(Tag.MsgSeqNum, seq++)
    .field(Tag.SendingTime, logonTime)
    .field(Tag.EncryptMethod, 0)
    .field(Tag.HeartBtInt, 30)
    .field(Tag.ResetSeqNumFlag, 'Y')
    .field(Tag.Username, 'bench-fix')
    .field(Tag.RawDataLength, signature.length)
    .field(Tag.RawData, signature)
    .end();
  session.onFrame(Uint8Array.from(logon));
  if (session.state !== 'active') throw new Error(`bench logon failed: ${session.endReason}`);

  let frames: Uint8Array[] = [];
  let n = 0;
  const prepare = (count: number) => {
    frames = [];
    const now = sendingTime();
    for (let i = 0; i < count; i++) {
      const frame = client
        .begin('D')
        .field(Tag.SenderCompID, 'BENCH')
        .field(Tag.TargetCompID, 'PORTCULLIS')
        .field(Tag.MsgSeqNum, seq++)
        .field(Tag.SendingTime, now)
        .field(Tag.ClOrdID, `b${n++}`)
        .field(Tag.Symbol, 'BTC-PERP')
        .field(Tag.Side, '1')
        .field(Tag.OrderQty, '1.5')
        .field(Tag.OrdType, '2')
        .field(Tag.Price, '65000.5')
        .field(Tag.TimeInForce, '1')
        .field(Tag.TransactTime, now)
        .end();
      frames.push(Uint8Array.from(frame));
    }
  };
  const before = venue.bytesWritten;
  const result = measureOps(
    options,
    1000,
    prepare,
    (i) => session.onFrame(frames[i]!),
    answerAll,
    'fix.pipeline.neworder',
  );
  if (session.state !== 'active' || venue.bytesWritten === before) {
    throw new Error(`fix.pipeline.neworder: orders did not reach the venue (${session.endReason})`);
  }
  void outbound;
  // Ends the session (its heartbeat timer would otherwise keep the whole edge, and its
  // retained orders, alive into the next measurement).
  session.onTransportClosed();
  runtime.close();
  return result;
}

function measureRest(options: MicroOptions): BenchResult {
  const { runtime, venue, edge, answerAll } = inProcessEdge();
  const rest = new RestApi(edge);
  const route = REST_ROUTES.find((r) => r.name === 'placeOrder')!;
  const ip = new TextEncoder().encode('127.0.0.1').buffer;
  let onData: ((chunk: ArrayBuffer, isLast: boolean) => void) | null = null;
  let statusLine = '';
  const res = {
    onAborted: () => res,
    onData: (handler: (chunk: ArrayBuffer, isLast: boolean) => void) => {
      onData = handler;
      return res;
    },
    cork: (fn: () => void) => {
      fn();
      return res;
    },
    writeStatus: (status: string) => {
      statusLine = status;
      return res;
    },
    writeHeader: () => res,
    end: () => res,
    getRemoteAddressAsText: () => ip,
  } as unknown as HttpResponse;

  interface Prepared {
    headers: Record<string, string>;
    body: ArrayBuffer;
  }
  let prepared: Prepared[] = [];
  let n = 0;
  let current: Prepared | null = null;
  const req = {
    getUrl: () => '/api/v1/orders',
    getQuery: () => '',
    getCaseSensitiveMethod: () => 'POST',
    getParameter: () => '',
    getHeader: (name: string) => current!.headers[name] ?? '',
  } as unknown as HttpRequest;

  const prepare = (count: number) => {
    prepared = [];
    const timestamp = String(Date.now());
    for (let i = 0; i < count; i++) {
      const body = Buffer.from(
        `{"clOrdId":"r${n++}","symbol":"BTC-PERP","side":"buy","type":"limit","qty":"1.5","price":"65000.5"}`,
      );
      const signature = createHmac('sha256', SECRET)
        .update(`${timestamp}\nPOST\n/api/v1/orders\n`)
        .update(body)
        .digest('hex');
      prepared.push({
        headers: {
          'x-pc-apikey': 'bench-rest',
          'x-pc-timestamp': timestamp,
          'x-pc-signature': signature,
          'content-type': 'application/json',
          'content-length': String(body.length),
          accept: 'application/json',
        },
        body: body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer,
      });
    }
  };
  const op = (i: number) => {
    current = prepared[i]!;
    rest.onRequest(route, res, req);
    onData!(current.body, true);
  };
  const before = venue.bytesWritten;
  const result = measureOps(options, 1000, prepare, op, answerAll, 'rest.pipeline.order.hmac');
  if (venue.bytesWritten === before || !statusLine.startsWith('201')) {
    throw new Error(`rest.pipeline.order.hmac: orders did not reach the venue (last status ${statusLine})`);
  }
  runtime.close();
  return result;
}

export const edgePipelineSuite: MicroSuite = {
  name: 'edge-pipeline',
  cases: () => [
    { name: 'fix.pipeline.neworder', batch: 1, run: () => undefined, measure: measureFix },
    { name: 'rest.pipeline.order.hmac', batch: 1, run: () => undefined, measure: measureRest },
  ],
  comparisons: [],
};
