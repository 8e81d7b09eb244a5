import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Builder } from 'flatbuffers';
import { OrderType, Side, TimeInForce } from '../../src/pipeline/request.ts';
import {
  decodeVenueMessage,
  MalformedEnvelopeError,
  UnknownMessageTypeError,
  VENUE_PROTOCOL_VERSION,
  VenueEncoder,
  type VenueMessage,
} from '../../src/venue/codec.ts';
import { FrameDecoder } from '../../src/venue/framing.ts';
import { Envelope } from '../../src/venue/generated/portcullis/venue/envelope.ts';
import { Fill } from '../../src/venue/generated/portcullis/venue/fill.ts';
import { Message } from '../../src/venue/generated/portcullis/venue/message.ts';
import { NewOrder } from '../../src/venue/generated/portcullis/venue/new-order.ts';

const encoder = new VenueEncoder();

/** Encodes, checks the frame header, and decodes the payload. */
function roundTrip(message: VenueMessage): VenueMessage {
  const frame = encoder.encode(message);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  assert.equal(view.getUint32(0, true), frame.length - 4);
  return decodeVenueMessage(frame.subarray(4));
}

const examples: VenueMessage[] = [
  { kind: 'hello', firewallId: 'fw-1', protocolVersion: VENUE_PROTOCOL_VERSION },
  {
    kind: 'newOrder',
    requestId: 42,
    orderId: 42,
    account: 'ACC-1',
    symbol: 'BTC-USD',
    side: Side.SELL,
    type: OrderType.LIMIT,
    tif: TimeInForce.IOC,
    postOnly: true,
    priceTicks: 6_500_000,
    qtyLots: 3,
  },
  { kind: 'cancel', requestId: 43, orderId: 42 },
  { kind: 'replace', requestId: 44, orderId: 42, priceTicks: 6_499_999, qtyLots: 5 },
  { kind: 'massCancel', requestId: 45, account: 'ACC-1', symbol: 'BTC-USD' },
  { kind: 'massCancel', requestId: 46, account: 'ACC-1', symbol: '' },
  { kind: 'heartbeat', requestId: 47, timestampNs: 1_760_000_000_123_456_789n },
  { kind: 'ack', requestId: 42, orderId: 42 },
  { kind: 'reject', requestId: 42, orderId: 42, reason: 'POST_ONLY_WOULD_CROSS' },
  { kind: 'fill', orderId: 42, qtyLots: 1, priceTicks: 6_500_000, leavesLots: 2, tradeId: 9 },
  { kind: 'canceled', requestId: 0, orderId: 42 },
  { kind: 'replaced', requestId: 44, orderId: 42, priceTicks: 6_499_999, qtyLots: 5, leavesLots: 4 },
  { kind: 'massCancelDone', requestId: 45, count: 17 },
  { kind: 'refPrice', symbol: 'BTC-USD', priceTicks: 6_500_000 },
];

const id = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const signed = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
const text = fc.string({ unit: 'binary', maxLength: 40 });

const anyMessage: fc.Arbitrary<VenueMessage> = fc.oneof(
  fc.record({
    kind: fc.constant('hello' as const),
    firewallId: text,
    protocolVersion: fc.integer({ min: 0, max: 0xffff }),
  }),
  fc.record({
    kind: fc.constant('newOrder' as const),
    requestId: id,
    orderId: id,
    account: text,
    symbol: text,
    side: fc.constantFrom(Side.BUY, Side.SELL),
    type: fc.constantFrom(OrderType.LIMIT, OrderType.MARKET),
    tif: fc.constantFrom(TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK, TimeInForce.DAY),
    postOnly: fc.boolean(),
    priceTicks: signed,
    qtyLots: signed,
  }),
  fc.record({ kind: fc.constant('cancel' as const), requestId: id, orderId: id }),
  fc.record({
    kind: fc.constant('replace' as const),
    requestId: id,
    orderId: id,
    priceTicks: signed,
    qtyLots: signed,
  }),
  fc.record({ kind: fc.constant('massCancel' as const), requestId: id, account: text, symbol: text }),
  fc.record({
    kind: fc.constant('heartbeat' as const),
    requestId: id,
    timestampNs: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  }),
  fc.record({ kind: fc.constant('ack' as const), requestId: id, orderId: id }),
  fc.record({ kind: fc.constant('reject' as const), requestId: id, orderId: id, reason: text }),
  fc.record({
    kind: fc.constant('fill' as const),
    orderId: id,
    qtyLots: signed,
    priceTicks: signed,
    leavesLots: signed,
    tradeId: id,
  }),
  fc.record({ kind: fc.constant('canceled' as const), requestId: id, orderId: id }),
  fc.record({
    kind: fc.constant('replaced' as const),
    requestId: id,
    orderId: id,
    priceTicks: signed,
    qtyLots: signed,
    leavesLots: signed,
  }),
  fc.record({
    kind: fc.constant('massCancelDone' as const),
    requestId: id,
    count: fc.nat({ max: 0xffffffff }),
  }),
  fc.record({ kind: fc.constant('refPrice' as const), symbol: text, priceTicks: signed }),
);

/** Decoding garbage may succeed by chance, but may only ever fail with MalformedEnvelopeError. */
function decodeOrMalformed(bytes: Uint8Array): void {
  try {
    decodeVenueMessage(bytes);
  } catch (error) {
    assert.ok(error instanceof MalformedEnvelopeError, String(error));
  }
}

describe('venue codec', () => {
  it('round-trips every message kind', () => {
    const kinds = new Set<string>();
    for (const message of examples) {
      assert.deepEqual(roundTrip(message), message);
      kinds.add(message.kind);
    }
    assert.equal(kinds.size, 13);
  });

  it('typed methods and encode() produce the same bytes', () => {
    const typed = Buffer.from(
      encoder.newOrder(
        42,
        42,
        'ACC-1',
        'BTC-USD',
        Side.SELL,
        OrderType.LIMIT,
        TimeInForce.IOC,
        true,
        6_500_000,
        3,
      ),
    );
    assert.deepEqual(Buffer.from(encoder.encode(examples[1]!)), typed);
  });

  it('round-trips arbitrary messages (property)', () => {
    fc.assert(
      fc.property(anyMessage, (message) => {
        // fc.record builds null-prototype objects: compare with a plain copy.
        assert.deepEqual(roundTrip(message), { ...message });
      }),
      { numRuns: 2000 },
    );
  });

  it('frames decode through FrameDecoder when coalesced', () => {
    const frames = examples.map((m) => Buffer.from(encoder.encode(m)));
    const decoded: VenueMessage[] = [];
    const decoder = new FrameDecoder({
      onFrame: (p) => decoded.push(decodeVenueMessage(p)),
      onError: assert.fail,
    });
    decoder.push(Buffer.concat(frames));
    assert.deepEqual(decoded, examples);
  });

  it('a frame is a view reused by the next call (documented contract)', () => {
    const first = encoder.ack(1, 1);
    encoder.ack(2, 2);
    assert.deepEqual(decodeVenueMessage(first.subarray(4)), { kind: 'ack', requestId: 2, orderId: 2 });
  });

  it('rejects a buffer too short, a root out of bounds and an empty envelope', () => {
    assert.throws(() => decodeVenueMessage(new Uint8Array(0)), MalformedEnvelopeError);
    assert.throws(() => decodeVenueMessage(new Uint8Array([1, 2, 3])), MalformedEnvelopeError);
    assert.throws(() => decodeVenueMessage(new Uint8Array([0xff, 0xff, 0, 0, 0, 0, 0, 0])), /out of bounds/);
    const b = new Builder(64);
    Envelope.startEnvelope(b);
    b.finish(Envelope.endEnvelope(b));
    assert.throws(() => decodeVenueMessage(b.asUint8Array()), /no message type \(0\)/);
  });

  it("tells a newer peer's message type (past the known union members) from a malformed envelope", () => {
    const b = new Builder(64);
    const cancel = b.createString('x');
    Envelope.startEnvelope(b);
    Envelope.addMessageType(b, 99 as Message);
    Envelope.addMessage(b, cancel);
    b.finish(Envelope.endEnvelope(b));
    assert.throws(
      () => decodeVenueMessage(b.asUint8Array()),
      (error: unknown) =>
        error instanceof UnknownMessageTypeError &&
        error.messageType === 99 &&
        /unknown message type 99/.test(error.message),
    );
  });

  it('rejects ids beyond 2^53 and unknown enum values', () => {
    const b = new Builder(64);
    NewOrder.startNewOrder(b);
    NewOrder.addOrderId(b, 2n ** 60n);
    const order = NewOrder.endNewOrder(b);
    b.finish(Envelope.createEnvelope(b, Message.NewOrder, order));
    assert.throws(
      () => decodeVenueMessage(b.asUint8Array()),
      /orderId 1152921504606846976 is not a safe integer/,
    );

    b.clear();
    NewOrder.startNewOrder(b);
    b.addFieldInt8(4, 9, 1); // side = 9
    const bad = NewOrder.endNewOrder(b);
    b.finish(Envelope.createEnvelope(b, Message.NewOrder, bad));
    assert.throws(() => decodeVenueMessage(b.asUint8Array()), /unknown side 9/);
  });

  it('reads 64-bit fields exactly up to 2^53 either way, ids as unsigned and amounts as signed', () => {
    const fill = (orderId: bigint, qtyLots: bigint, priceTicks: bigint) => {
      const b = new Builder(64);
      b.finish(
        Envelope.createEnvelope(b, Message.Fill, Fill.createFill(b, orderId, qtyLots, priceTicks, -1n, 0n)),
      );
      return decodeVenueMessage(b.asUint8Array());
    };
    const max = 2n ** 53n - 1n;
    assert.deepEqual(fill(max, -max, 2n ** 32n), {
      kind: 'fill',
      orderId: Number.MAX_SAFE_INTEGER,
      qtyLots: Number.MIN_SAFE_INTEGER,
      priceTicks: 4294967296,
      leavesLots: -1,
      tradeId: 0,
    });
    assert.throws(() => fill(max + 1n, 0n, 0n), /orderId 9007199254740992 is not a safe integer/);
    // An id with the top bit set is huge, not negative.
    assert.throws(() => fill(2n ** 64n - 1n, 0n, 0n), /orderId 18446744073709551615 is not a safe integer/);
    assert.throws(() => fill(1n, -max - 1n, 0n), /qtyLots -9007199254740992 is not a safe integer/);
    assert.throws(() => fill(1n, 0n, 2n ** 63n - 1n), /priceTicks 9223372036854775807 is not a safe integer/);
    // Absent fields (a default-valued field is not written) read as 0.
    const b = new Builder(64);
    Fill.startFill(b);
    b.finish(Envelope.createEnvelope(b, Message.Fill, Fill.endFill(b)));
    assert.deepEqual(decodeVenueMessage(b.asUint8Array()), {
      kind: 'fill',
      orderId: 0,
      qtyLots: 0,
      priceTicks: 0,
      leavesLots: 0,
      tradeId: 0,
    });
  });

  it('fails only with MalformedEnvelopeError on truncated or corrupted frames (property)', () => {
    fc.assert(
      fc.property(
        anyMessage,
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (message, cut, at, byte) => {
          const payload = Buffer.from(encoder.encode(message).subarray(4));
          decodeOrMalformed(payload.subarray(0, cut % payload.length));
          payload[at % payload.length] = byte;
          decodeOrMalformed(payload);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('fails only with MalformedEnvelopeError on random bytes (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), decodeOrMalformed), { numRuns: 5000 });
  });

  it('reads a NewOrder from a newer schema with appended fields (forward compatibility)', () => {
    // What a v2 peer would write: NewOrder with two fields appended after
    // qty_lots (slot 10: display_lots:long, slot 11: client_tag:string), and
    // an Envelope with an appended field (slot 2: trace_id:ulong).
    const b = new Builder(128);
    const account = b.createString('ACC-2');
    const symbol = b.createString('ETH-USD');
    const tag = b.createString('v2-only');
    b.startObject(12);
    NewOrder.addRequestId(b, 7n);
    NewOrder.addOrderId(b, 7n);
    NewOrder.addAccount(b, account);
    NewOrder.addSymbol(b, symbol);
    NewOrder.addSide(b, Side.SELL);
    NewOrder.addType(b, OrderType.MARKET);
    NewOrder.addTif(b, TimeInForce.FOK);
    NewOrder.addPostOnly(b, false);
    NewOrder.addPriceTicks(b, 0n);
    NewOrder.addQtyLots(b, 12n);
    b.addFieldInt64(10, 4n, 0n);
    b.addFieldOffset(11, tag, 0);
    const order = b.endObject();
    b.startObject(3);
    Envelope.addMessageType(b, Message.NewOrder);
    Envelope.addMessage(b, order);
    b.addFieldInt64(2, 123456789n, 0n);
    b.finish(b.endObject());

    assert.deepEqual(decodeVenueMessage(b.asUint8Array()), {
      kind: 'newOrder',
      requestId: 7,
      orderId: 7,
      account: 'ACC-2',
      symbol: 'ETH-USD',
      side: Side.SELL,
      type: OrderType.MARKET,
      tif: TimeInForce.FOK,
      postOnly: false,
      priceTicks: 0,
      qtyLots: 12,
    });
  });

  it('reads a message from an older schema with missing fields as defaults', () => {
    const b = new Builder(64);
    b.startObject(2); // an older NewOrder: request_id and order_id only
    NewOrder.addRequestId(b, 5n);
    NewOrder.addOrderId(b, 5n);
    const order = b.endObject();
    b.finish(Envelope.createEnvelope(b, Message.NewOrder, order));
    const decoded = decodeVenueMessage(b.asUint8Array());
    assert.equal(decoded.kind, 'newOrder');
    assert.deepEqual(decoded, {
      kind: 'newOrder',
      requestId: 5,
      orderId: 5,
      account: '',
      symbol: '',
      side: Side.BUY,
      type: OrderType.LIMIT,
      tif: TimeInForce.GTC,
      postOnly: false,
      priceTicks: 0,
      qtyLots: 0,
    });
  });
});
