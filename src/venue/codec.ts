// FlatBuffers codec of the venue protocol (schema/venue.fbs, SPEC section 6).
// VenueEncoder writes framed messages (length prefix included) with one
// reused Builder; decodeVenueMessage turns one frame's payload into a plain
// VenueMessage object, after bounds-checking it (verify.ts).
import { Builder, ByteBuffer, Encoding } from 'flatbuffers';
import {
  OrderType,
  type OrderTypeValue,
  Side,
  type SideValue,
  TimeInForce,
  type TimeInForceValue,
} from '../pipeline/request.ts';
import { FrameTemplate, fieldPositions, templateBuilder } from './frame-template.ts';
import { Ack } from './generated/portcullis/venue/ack.ts';
import { Cancel } from './generated/portcullis/venue/cancel.ts';
import { Canceled } from './generated/portcullis/venue/canceled.ts';
import { Envelope } from './generated/portcullis/venue/envelope.ts';
import { Fill } from './generated/portcullis/venue/fill.ts';
import { Heartbeat } from './generated/portcullis/venue/heartbeat.ts';
import { Hello } from './generated/portcullis/venue/hello.ts';
import { MassCancel } from './generated/portcullis/venue/mass-cancel.ts';
import { MassCancelDone } from './generated/portcullis/venue/mass-cancel-done.ts';
import { Message } from './generated/portcullis/venue/message.ts';
import { NewOrder } from './generated/portcullis/venue/new-order.ts';
import { RefPrice } from './generated/portcullis/venue/ref-price.ts';
import { Reject } from './generated/portcullis/venue/reject.ts';
import { Replace } from './generated/portcullis/venue/replace.ts';
import { Replaced } from './generated/portcullis/venue/replaced.ts';
import { VENUE_PROTOCOL_VERSION, type VenueMessage } from './messages.ts';
import { MalformedEnvelopeError, verifyEnvelope } from './verify.ts';

export * from './messages.ts';
export { MalformedEnvelopeError, UnknownMessageTypeError } from './verify.ts';

const UTF8_CACHE_ENTRIES = 4096;
/** Accounts whose NewOrder templates are kept (each with one template per symbol it trades). */
const TEMPLATE_ACCOUNTS = 4096;

interface PatchableFrame {
  frame: FrameTemplate;
  positions: number[];
}

function finishEnvelope(b: Builder, type: Message, message: number): Uint8Array {
  Envelope.startEnvelope(b);
  Envelope.addMessageType(b, type);
  Envelope.addMessage(b, message);
  b.finish(Envelope.endEnvelope(b), undefined, true);
  return b.asUint8Array();
}

function newOrderTemplate(account: string, symbol: string): PatchableFrame {
  const b = templateBuilder();
  const accountOffset = b.createString(account);
  const symbolOffset = b.createString(symbol);
  NewOrder.startNewOrder(b);
  NewOrder.addRequestId(b, 0n);
  NewOrder.addOrderId(b, 0n);
  NewOrder.addAccount(b, accountOffset);
  NewOrder.addSymbol(b, symbolOffset);
  NewOrder.addSide(b, Side.BUY);
  NewOrder.addType(b, OrderType.LIMIT);
  NewOrder.addTif(b, TimeInForce.GTC);
  NewOrder.addPostOnly(b, false);
  NewOrder.addPriceTicks(b, 0n);
  NewOrder.addQtyLots(b, 0n);
  const frame = finishEnvelope(b, Message.NewOrder, NewOrder.endNewOrder(b));
  const positions = fieldPositions(
    frame,
    (bb) => (Envelope.getRootAsEnvelope(bb).message(new NewOrder()) as NewOrder).bb_pos,
    // request_id, order_id, side, type, tif, post_only, price_ticks, qty_lots
    [4, 6, 12, 14, 16, 18, 20, 22],
  );
  return { frame: new FrameTemplate(frame), positions };
}

function cancelTemplate(): PatchableFrame {
  const b = templateBuilder();
  const frame = finishEnvelope(b, Message.Cancel, Cancel.createCancel(b, 0n, 0n));
  const positions = fieldPositions(
    frame,
    (bb) => (Envelope.getRootAsEnvelope(bb).message(new Cancel()) as Cancel).bb_pos,
    [4, 6],
  );
  return { frame: new FrameTemplate(frame), positions };
}

/**
 * Encodes venue messages into frames: a u32 little-endian length, then the
 * Envelope. Every method returns a view into the encoder's one Builder,
 * valid only until the next call on this encoder. Note that socket.write
 * does NOT copy (a corked or pending write keeps a reference to the bytes):
 * copy the frame before the next encode, with FrameWriter (frame-writer.ts,
 * which also batches writes) or Buffer.from(frame). One encoder per thread.
 */
export class VenueEncoder {
  private readonly builder: Builder;
  /**
   * UTF-8 bytes of recent strings: accounts, symbols and reasons repeat, and
   * TextEncoder.encode was most of the cost of encoding a NewOrder.
   */
  private readonly utf8 = new Map<string, Uint8Array>();
  private readonly textEncoder = new TextEncoder();
  private readonly newOrderTemplates = new Map<string, Map<string, PatchableFrame>>();
  /** The last NewOrder's template: a market maker's orders mostly repeat account and symbol. */
  private lastAccount = '';
  private lastSymbol = '';
  private lastTemplate: PatchableFrame | null = null;
  private readonly cancelTemplate = cancelTemplate();

  constructor(initialSize = 256) {
    this.builder = new Builder(initialSize);
  }

  hello(firewallId: string, protocolVersion: number = VENUE_PROTOCOL_VERSION): Uint8Array {
    const b = this.start();
    const id = this.string(firewallId);
    Hello.startHello(b);
    Hello.addFirewallId(b, id);
    Hello.addProtocolVersion(b, protocolVersion);
    return this.finish(Message.Hello, Hello.endHello(b));
  }

  /** A NewOrder frame: a patched template per (account, symbol), see frame-template.ts. */
  newOrder(
    requestId: number,
    orderId: number,
    account: string,
    symbol: string,
    side: SideValue,
    type: OrderTypeValue,
    tif: TimeInForceValue,
    postOnly: boolean,
    priceTicks: number,
    qtyLots: number,
  ): Uint8Array {
    let template = this.lastTemplate;
    if (template === null || account !== this.lastAccount || symbol !== this.lastSymbol) {
      template = this.templateFor(account, symbol);
      this.lastAccount = account;
      this.lastSymbol = symbol;
      this.lastTemplate = template;
    }
    const [request, order, sideAt, typeAt, tifAt, postOnlyAt, price, qty] = template.positions;
    const t = template.frame;
    t.set64(request!, requestId);
    t.set64(order!, orderId);
    t.set8(sideAt!, side);
    t.set8(typeAt!, type);
    t.set8(tifAt!, tif);
    t.set8(postOnlyAt!, postOnly ? 1 : 0);
    t.set64(price!, priceTicks);
    t.set64(qty!, qtyLots);
    return t.bytes;
  }

  private templateFor(account: string, symbol: string): PatchableFrame {
    let bySymbol = this.newOrderTemplates.get(account);
    if (bySymbol === undefined) {
      if (this.newOrderTemplates.size >= TEMPLATE_ACCOUNTS) this.newOrderTemplates.clear();
      bySymbol = new Map();
      this.newOrderTemplates.set(account, bySymbol);
    }
    let template = bySymbol.get(symbol);
    if (template === undefined) {
      template = newOrderTemplate(account, symbol);
      bySymbol.set(symbol, template);
    }
    return template;
  }

  /** A Cancel frame, by patching one template. */
  cancel(requestId: number, orderId: number): Uint8Array {
    const [request, order] = this.cancelTemplate.positions;
    const t = this.cancelTemplate.frame;
    t.set64(request!, requestId);
    t.set64(order!, orderId);
    return t.bytes;
  }

  replace(requestId: number, orderId: number, priceTicks: number, qtyLots: number): Uint8Array {
    const b = this.start();
    const offset = Replace.createReplace(
      b,
      BigInt(requestId),
      BigInt(orderId),
      BigInt(priceTicks),
      BigInt(qtyLots),
    );
    return this.finish(Message.Replace, offset);
  }

  /** An empty `symbol` cancels every symbol of the account (the field is then left out). */
  massCancel(requestId: number, account: string, symbol = ''): Uint8Array {
    const b = this.start();
    const accountOffset = this.string(account);
    const symbolOffset = symbol === '' ? 0 : this.string(symbol);
    MassCancel.startMassCancel(b);
    MassCancel.addRequestId(b, BigInt(requestId));
    MassCancel.addAccount(b, accountOffset);
    if (symbolOffset !== 0) MassCancel.addSymbol(b, symbolOffset);
    return this.finish(Message.MassCancel, MassCancel.endMassCancel(b));
  }

  heartbeat(requestId: number, timestampNs: bigint): Uint8Array {
    const b = this.start();
    return this.finish(Message.Heartbeat, Heartbeat.createHeartbeat(b, BigInt(requestId), timestampNs));
  }

  ack(requestId: number, orderId: number): Uint8Array {
    const b = this.start();
    return this.finish(Message.Ack, Ack.createAck(b, BigInt(requestId), BigInt(orderId)));
  }

  reject(requestId: number, orderId: number, reason: string): Uint8Array {
    const b = this.start();
    const reasonOffset = this.string(reason);
    return this.finish(
      Message.Reject,
      Reject.createReject(b, BigInt(requestId), BigInt(orderId), reasonOffset),
    );
  }

  fill(
    orderId: number,
    qtyLots: number,
    priceTicks: number,
    leavesLots: number,
    tradeId: number,
  ): Uint8Array {
    const b = this.start();
    const offset = Fill.createFill(
      b,
      BigInt(orderId),
      BigInt(qtyLots),
      BigInt(priceTicks),
      BigInt(leavesLots),
      BigInt(tradeId),
    );
    return this.finish(Message.Fill, offset);
  }

  canceled(requestId: number, orderId: number): Uint8Array {
    const b = this.start();
    return this.finish(Message.Canceled, Canceled.createCanceled(b, BigInt(requestId), BigInt(orderId)));
  }

  replaced(
    requestId: number,
    orderId: number,
    priceTicks: number,
    qtyLots: number,
    leavesLots: number,
  ): Uint8Array {
    const b = this.start();
    const offset = Replaced.createReplaced(
      b,
      BigInt(requestId),
      BigInt(orderId),
      BigInt(priceTicks),
      BigInt(qtyLots),
      BigInt(leavesLots),
    );
    return this.finish(Message.Replaced, offset);
  }

  massCancelDone(requestId: number, count: number): Uint8Array {
    const b = this.start();
    return this.finish(
      Message.MassCancelDone,
      MassCancelDone.createMassCancelDone(b, BigInt(requestId), count),
    );
  }

  refPrice(symbol: string, priceTicks: number): Uint8Array {
    const b = this.start();
    const symbolOffset = this.string(symbol);
    return this.finish(Message.RefPrice, RefPrice.createRefPrice(b, symbolOffset, BigInt(priceTicks)));
  }

  /** Encodes any message object (convenient off the hot path; the typed methods avoid the object). */
  encode(m: VenueMessage): Uint8Array {
    switch (m.kind) {
      case 'hello':
        return this.hello(m.firewallId, m.protocolVersion);
      case 'newOrder':
        return this.newOrder(
          m.requestId,
          m.orderId,
          m.account,
          m.symbol,
          m.side,
          m.type,
          m.tif,
          m.postOnly,
          m.priceTicks,
          m.qtyLots,
        );
      case 'cancel':
        return this.cancel(m.requestId, m.orderId);
      case 'replace':
        return this.replace(m.requestId, m.orderId, m.priceTicks, m.qtyLots);
      case 'massCancel':
        return this.massCancel(m.requestId, m.account, m.symbol);
      case 'heartbeat':
        return this.heartbeat(m.requestId, m.timestampNs);
      case 'ack':
        return this.ack(m.requestId, m.orderId);
      case 'reject':
        return this.reject(m.requestId, m.orderId, m.reason);
      case 'fill':
        return this.fill(m.orderId, m.qtyLots, m.priceTicks, m.leavesLots, m.tradeId);
      case 'canceled':
        return this.canceled(m.requestId, m.orderId);
      case 'replaced':
        return this.replaced(m.requestId, m.orderId, m.priceTicks, m.qtyLots, m.leavesLots);
      case 'massCancelDone':
        return this.massCancelDone(m.requestId, m.count);
      case 'refPrice':
        return this.refPrice(m.symbol, m.priceTicks);
    }
  }

  private string(s: string): number {
    let bytes = this.utf8.get(s);
    if (bytes === undefined) {
      // Bounded: a peer sending ever-new strings must not grow the cache forever.
      if (this.utf8.size >= UTF8_CACHE_ENTRIES) this.utf8.clear();
      bytes = this.textEncoder.encode(s);
      this.utf8.set(s, bytes);
    }
    return this.builder.createString(bytes);
  }

  private start(): Builder {
    this.builder.clear();
    return this.builder;
  }

  private finish(type: Message, message: number): Uint8Array {
    const b = this.builder;
    Envelope.startEnvelope(b);
    Envelope.addMessageType(b, type);
    Envelope.addMessage(b, message);
    // The size prefix flatbuffers writes is exactly our frame header (u32 LE payload length).
    b.finish(Envelope.endEnvelope(b), undefined, true);
    return b.asUint8Array();
  }
}

// Accessor objects reused across decodes: decoding allocates only the result.
// The ByteBuffer too: each new one makes a TextDecoder, which cost as much as the
// rest of an Ack's decoding. flatbuffers has no public way to point a ByteBuffer at
// other bytes, so decoding sets its `bytes_` (pinned flatbuffers version; the codec
// tests decode many different frames in a row through this one buffer).
const buffer = new ByteBuffer(new Uint8Array(0));
function bufferOver(bytes: Uint8Array): ByteBuffer {
  (buffer as unknown as { bytes_: Uint8Array }).bytes_ = bytes;
  buffer.setPosition(0);
  return buffer;
}
const envelope = new Envelope();
const readers = {
  hello: new Hello(),
  newOrder: new NewOrder(),
  cancel: new Cancel(),
  replace: new Replace(),
  massCancel: new MassCancel(),
  heartbeat: new Heartbeat(),
  ack: new Ack(),
  reject: new Reject(),
  fill: new Fill(),
  canceled: new Canceled(),
  replaced: new Replaced(),
  massCancelDone: new MassCancelDone(),
  refPrice: new RefPrice(),
};

/**
 * Decodes one frame's payload (the Envelope, without the length prefix).
 * Throws MalformedEnvelopeError on a malformed buffer, an unknown enum value
 * or an id/price/quantity beyond 2^53: the caller drops the peer. A message
 * type past the known ones throws UnknownMessageTypeError (a newer peer's:
 * the caller may skip it). Fields appended by a newer schema are ignored.
 */
export function decodeVenueMessage(bytes: Uint8Array): VenueMessage {
  const bb = bufferOver(bytes);
  const type = verifyEnvelope(bb) as Message;
  Envelope.getRootAsEnvelope(bb, envelope);
  switch (type) {
    case Message.Hello: {
      const r = envelope.message(readers.hello) as Hello;
      return {
        kind: 'hello',
        firewallId: text(r.firewallId(Encoding.UTF8_BYTES)),
        protocolVersion: r.protocolVersion(),
      };
    }
    case Message.NewOrder: {
      const r = envelope.message(readers.newOrder) as NewOrder;
      return {
        kind: 'newOrder',
        requestId: u64(r, 4, 'requestId'),
        orderId: u64(r, 6, 'orderId'),
        account: text(r.account(Encoding.UTF8_BYTES)),
        symbol: text(r.symbol(Encoding.UTF8_BYTES)),
        side: side(r.side()),
        type: orderType(r.type()),
        tif: timeInForce(r.tif()),
        postOnly: r.postOnly(),
        priceTicks: i64(r, 20, 'priceTicks'),
        qtyLots: i64(r, 22, 'qtyLots'),
      };
    }
    case Message.Cancel: {
      const r = envelope.message(readers.cancel) as Cancel;
      return {
        kind: 'cancel',
        requestId: u64(r, 4, 'requestId'),
        orderId: u64(r, 6, 'orderId'),
      };
    }
    case Message.Replace: {
      const r = envelope.message(readers.replace) as Replace;
      return {
        kind: 'replace',
        requestId: u64(r, 4, 'requestId'),
        orderId: u64(r, 6, 'orderId'),
        priceTicks: i64(r, 8, 'priceTicks'),
        qtyLots: i64(r, 10, 'qtyLots'),
      };
    }
    case Message.MassCancel: {
      const r = envelope.message(readers.massCancel) as MassCancel;
      return {
        kind: 'massCancel',
        requestId: u64(r, 4, 'requestId'),
        account: text(r.account(Encoding.UTF8_BYTES)),
        symbol: text(r.symbol(Encoding.UTF8_BYTES)),
      };
    }
    case Message.Heartbeat: {
      const r = envelope.message(readers.heartbeat) as Heartbeat;
      return { kind: 'heartbeat', requestId: u64(r, 4, 'requestId'), timestampNs: r.timestampNs() };
    }
    case Message.Ack: {
      const r = envelope.message(readers.ack) as Ack;
      return {
        kind: 'ack',
        requestId: u64(r, 4, 'requestId'),
        orderId: u64(r, 6, 'orderId'),
      };
    }
    case Message.Reject: {
      const r = envelope.message(readers.reject) as Reject;
      return {
        kind: 'reject',
        requestId: u64(r, 4, 'requestId'),
        orderId: u64(r, 6, 'orderId'),
        reason: text(r.reason(Encoding.UTF8_BYTES)),
      };
    }
    case Message.Fill: {
      const r = envelope.message(readers.fill) as Fill;
      return {
        kind: 'fill',
        orderId: u64(r, 4, 'orderId'),
        qtyLots: i64(r, 6, 'qtyLots'),
        priceTicks: i64(r, 8, 'priceTicks'),
        leavesLots: i64(r, 10, 'leavesLots'),
        tradeId: u64(r, 12, 'tradeId'),
      };
    }
    case Message.Canceled: {
      const r = envelope.message(readers.canceled) as Canceled;
      return {
        kind: 'canceled',
        requestId: u64(r, 4, 'requestId'),
        orderId: u64(r, 6, 'orderId'),
      };
    }
    case Message.Replaced: {
      const r = envelope.message(readers.replaced) as Replaced;
      return {
        kind: 'replaced',
        requestId: u64(r, 4, 'requestId'),
        orderId: u64(r, 6, 'orderId'),
        priceTicks: i64(r, 8, 'priceTicks'),
        qtyLots: i64(r, 10, 'qtyLots'),
        leavesLots: i64(r, 12, 'leavesLots'),
      };
    }
    case Message.MassCancelDone: {
      const r = envelope.message(readers.massCancelDone) as MassCancelDone;
      return { kind: 'massCancelDone', requestId: u64(r, 4, 'requestId'), count: r.count() };
    }
    case Message.RefPrice: {
      const r = envelope.message(readers.refPrice) as RefPrice;
      return {
        kind: 'refPrice',
        symbol: text(r.symbol(Encoding.UTF8_BYTES)),
        priceTicks: i64(r, 6, 'priceTicks'),
      };
    }
    default:
      // verifyEnvelope accepts only the types above; this guards a schema edit that forgets this switch.
      throw new MalformedEnvelopeError(`unhandled message type ${type}`);
  }
}

const textDecoder = new TextDecoder();

/**
 * UTF-8 to string. Short ASCII strings (accounts, symbols, reasons) are built
 * directly: TextDecoder's per-call overhead was most of the cost of decoding
 * a NewOrder.
 */
function text(bytes: string | Uint8Array | null): string {
  if (bytes === null) return '';
  if (typeof bytes === 'string') return bytes;
  const n = bytes.length;
  if (n > 32) return textDecoder.decode(bytes);
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c >= 0x80) return textDecoder.decode(bytes);
    s += String.fromCharCode(c);
  }
  return s;
}

/** A decoded table: its buffer and position, as every generated accessor has them. */
interface TableAt {
  bb: ByteBuffer | null;
  bb_pos: number;
}

/**
 * The 64-bit field at vtable slot `slot` (4 for the first field, then +2 each, in the
 * schema's order) as a safe integer, 0 when absent. Read as two 32-bit halves: the
 * generated accessors make a BigInt per field, which cost twice as much and allocated.
 */
function int64(table: TableAt, slot: number, field: string, signed: boolean): number {
  const bb = table.bb!;
  const offset = bb.__offset(table.bb_pos, slot);
  if (offset === 0) return 0;
  const at = table.bb_pos + offset;
  const high = signed ? bb.readInt32(at + 4) : bb.readUint32(at + 4);
  const value = high * 4294967296 + bb.readUint32(at);
  // Beyond 2^53 the sum rounds, but stays beyond: it is never taken for a safe integer.
  if (!Number.isSafeInteger(value)) {
    const exact = signed ? bb.readInt64(at) : bb.readUint64(at);
    throw new MalformedEnvelopeError(`${field} ${exact} is not a safe integer`);
  }
  return value;
}

/** A `ulong` field (ids): see int64. */
function u64(table: TableAt, slot: number, field: string): number {
  return int64(table, slot, field, false);
}

/** A `long` field (prices, quantities): see int64. */
function i64(table: TableAt, slot: number, field: string): number {
  return int64(table, slot, field, true);
}

function side(value: number): SideValue {
  if (value === Side.BUY || value === Side.SELL) return value;
  throw new MalformedEnvelopeError(`unknown side ${value}`);
}

function orderType(value: number): OrderTypeValue {
  if (value === OrderType.LIMIT || value === OrderType.MARKET) return value;
  throw new MalformedEnvelopeError(`unknown order type ${value}`);
}

function timeInForce(value: number): TimeInForceValue {
  if (value >= TimeInForce.GTC && value <= TimeInForce.DAY) return value as TimeInForceValue;
  throw new MalformedEnvelopeError(`unknown time in force ${value}`);
}
