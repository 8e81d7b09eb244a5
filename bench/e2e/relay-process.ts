// Baseline 'relay': a bare uWS.js server in front of the same venue simulator,
// speaking the same client protocols as the firewall, with no checks at all.
// It is the floor under the firewall's cost: the same hops (client → uWS →
// venue TCP → uWS → client), the same codecs, none of the policy.
//
// FIX (/fix): any Logon is answered with a Logon (no signature check, no
// session state but the outbound MsgSeqNum). Each NewOrderSingle is parsed with
// the project's FIX parser and becomes one venue NewOrder frame (price and
// quantity converted to ticks and lots, no other check); the venue's Ack
// becomes an ExecutionReport 150=0/39=0 with the same fields, in the same
// order, as the firewall's. TestRequest is answered, Logout closes.
//
// REST (POST /api/v1/orders): the body is read and JSON.parse'd (the signature
// headers are ignored), forwarded as one NewOrder, and the Ack answered with
// 201 {"clOrdId","orderId","status":"new"}.
import uWS from 'uWebSockets.js';
import { FixEncoder } from '../../src/fix/encoder.ts';
import { FixMessage } from '../../src/fix/message.ts';
import { parseNext } from '../../src/fix/parser.ts';
import { MsgType, MsgTypeByte, Tag } from '../../src/fix/tags.ts';
import { OrderType, Side, TimeInForce } from '../../src/pipeline/request.ts';
import { DecimalStep, parseDecimal } from '../../src/state/decimal.ts';
import { runChild } from './child.ts';
import type { ListeningInfo } from './protocol.ts';
import { LOT, TARGET_COMP_ID, TICK } from './setup.ts';
import { BenchVenueClient } from './venue-client.ts';

interface FixSocket {
  sender: string;
  outSeq: number;
  closed: boolean;
}

interface FixPending {
  ws: uWS.WebSocket<FixSocket>;
  data: FixSocket;
  clOrdId: string;
  symbol: string;
  side: string;
  qty: string;
  price: string;
}

interface RestPending {
  res: uWS.HttpResponse;
  aborted: boolean;
  clOrdId: string;
}

const ACCOUNT = 'MM1';
const tick = DecimalStep.parse(TICK);
const lot = DecimalStep.parse(LOT);
const inbound = new FixMessage(128);
const encoder = new FixEncoder(4096);
const fixPending = new Map<number, FixPending>();
const restPending = new Map<number, RestPending>();
const utf8 = new TextDecoder();
let nextExecId = 1;
let venue: BenchVenueClient | null = null;
let listenSocket: uWS.us_listen_socket | null = null;

function header(data: FixSocket, msgType: string): FixEncoder {
  return encoder
    .begin(msgType)
    .field(Tag.SenderCompID, TARGET_COMP_ID)
    .field(Tag.TargetCompID, data.sender)
    .field(Tag.MsgSeqNum, data.outSeq++)
    .fieldUtcTimestamp(Tag.SendingTime, Date.now());
}

function onFixFrame(ws: uWS.WebSocket<FixSocket>, frame: Uint8Array): void {
  const data = ws.getUserData();
  let offset = 0;
  while (offset < frame.length) {
    const end = parseNext(frame, offset, inbound);
    if (end < 0) {
      data.closed = true;
      ws.end(1002, 'garbled');
      return;
    }
    offset = end;
    switch (inbound.getChar(Tag.MsgType)) {
      case MsgTypeByte.NewOrderSingle: {
        const buf = inbound.buffer;
        const sideByte = inbound.getChar(Tag.Side);
        const symbol = inbound.getString(Tag.Symbol)!;
        const id = venue!.newOrder(
          ACCOUNT,
          symbol,
          sideByte === 0x32 ? Side.SELL : Side.BUY,
          OrderType.LIMIT,
          TimeInForce.GTC,
          parseDecimal(buf, inbound.valueStart(Tag.Price), inbound.valueEnd(Tag.Price), tick),
          parseDecimal(buf, inbound.valueStart(Tag.OrderQty), inbound.valueEnd(Tag.OrderQty), lot),
        );
        fixPending.set(id, {
          ws,
          data,
          clOrdId: inbound.getString(Tag.ClOrdID)!,
          symbol,
          side: sideByte === 0x32 ? '2' : '1',
          qty: inbound.getString(Tag.OrderQty)!,
          price: inbound.getString(Tag.Price)!,
        });
        break;
      }
      case MsgTypeByte.Logon: {
        data.sender = inbound.getString(Tag.SenderCompID) ?? 'CLIENT';
        const e = header(data, MsgType.Logon)
          .field(Tag.EncryptMethod, 0)
          .field(Tag.HeartBtInt, inbound.getInt(Tag.HeartBtInt))
          .field(Tag.ResetSeqNumFlag, 'Y');
        ws.send(e.end(), true);
        break;
      }
      case MsgTypeByte.TestRequest: {
        const e = header(data, MsgType.Heartbeat);
        const id = inbound.getString(Tag.TestReqID);
        if (id !== undefined) e.field(Tag.TestReqID, id);
        ws.send(e.end(), true);
        break;
      }
      case MsgTypeByte.Logout:
        ws.send(header(data, MsgType.Logout).end(), true);
        data.closed = true;
        ws.end(1000, 'logout');
        return;
      default:
        break;
    }
  }
}

function onFixAck(p: FixPending, orderId: number): void {
  if (p.data.closed) return;
  const now = Date.now();
  const e = header(p.data, MsgType.ExecutionReport)
    .field(Tag.OrderID, orderId)
    .field(Tag.ExecID, nextExecId++)
    .field(Tag.ClOrdID, p.clOrdId)
    .field(Tag.ExecType, '0')
    .field(Tag.OrdStatus, '0')
    .field(Tag.Symbol, p.symbol)
    .field(Tag.Side, p.side)
    .field(Tag.OrderQty, p.qty)
    .field(Tag.OrdType, '2')
    .field(Tag.Price, p.price)
    .field(Tag.TimeInForce, '1')
    .field(Tag.CumQty, '0')
    .field(Tag.LeavesQty, p.qty)
    .field(Tag.AvgPx, '0')
    .fieldUtcTimestamp(Tag.TransactTime, now);
  p.ws.send(e.end(), true);
}

function onRestOrder(res: uWS.HttpResponse): void {
  const call: RestPending = { res, aborted: false, clOrdId: '' };
  res.onAborted(() => {
    call.aborted = true;
  });
  let body: Buffer | null = null;
  res.onData((chunk, isLast) => {
    const bytes = Buffer.from(chunk);
    // The chunk is only valid during the callback: copy it (Buffer.concat copies).
    body = body === null ? Buffer.from(bytes) : Buffer.concat([body, bytes]);
    if (!isLast || call.aborted) return;
    let order: { clOrdId: string; symbol: string; side: string; qty: string; price: string };
    try {
      order = JSON.parse(utf8.decode(body));
    } catch {
      res.cork(() => res.writeStatus('400 Bad Request').end());
      return;
    }
    call.clOrdId = order.clOrdId;
    const id = venue!.newOrder(
      ACCOUNT,
      order.symbol,
      order.side === 'sell' ? Side.SELL : Side.BUY,
      OrderType.LIMIT,
      TimeInForce.GTC,
      parseDecimal(order.price, 0, order.price.length, tick),
      parseDecimal(order.qty, 0, order.qty.length, lot),
    );
    restPending.set(id, call);
  });
}

function onRestAck(call: RestPending, orderId: number, accepted: boolean): void {
  if (call.aborted) return;
  const body = JSON.stringify({ clOrdId: call.clOrdId, orderId: String(orderId), status: 'new' });
  call.res.cork(() => {
    call.res
      .writeStatus(accepted ? '201 Created' : '422 Unprocessable Entity')
      .writeHeader('Content-Type', 'application/json')
      .end(body);
  });
}

runChild('relay', {
  start: async (raw): Promise<ListeningInfo> => {
    const { venuePort } = raw as { venuePort: number };
    venue = await BenchVenueClient.connect(venuePort, 'bench-relay', {
      onAnswer: (requestId, accepted) => {
        const fix = fixPending.get(requestId);
        if (fix !== undefined) {
          fixPending.delete(requestId);
          if (accepted) onFixAck(fix, requestId);
          return;
        }
        const rest = restPending.get(requestId);
        if (rest !== undefined) {
          restPending.delete(requestId);
          onRestAck(rest, requestId, accepted);
        }
      },
    });
    const app = uWS.App();
    app.ws<FixSocket>('/fix', {
      maxPayloadLength: 64 * 1024,
      maxBackpressure: 1024 * 1024,
      idleTimeout: 160,
      upgrade: (res, req, context) => {
        res.upgrade<FixSocket>(
          { sender: '', outSeq: 1, closed: false },
          req.getHeader('sec-websocket-key'),
          req.getHeader('sec-websocket-protocol'),
          req.getHeader('sec-websocket-extensions'),
          context,
        );
      },
      message: (ws, message) => onFixFrame(ws, new Uint8Array(message)),
      close: (ws) => {
        ws.getUserData().closed = true;
      },
    });
    app.post('/api/v1/orders', (res) => onRestOrder(res));
    const port = await new Promise<number>((resolve, reject) => {
      app.listen('127.0.0.1', 0, (socket) => {
        if (!socket) {
          reject(new Error('relay: cannot listen'));
          return;
        }
        listenSocket = socket;
        resolve(uWS.us_socket_local_port(socket));
      });
    });
    return { port };
  },
  stop: async () => {
    if (listenSocket) uWS.us_listen_socket_close(listenSocket);
    venue?.close();
  },
});
