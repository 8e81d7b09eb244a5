import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeVenueMessage, VenueEncoder } from '../../src/venue/codec.ts';
import { FrameWriter } from '../../src/venue/frame-writer.ts';
import { FrameDecoder } from '../../src/venue/framing.ts';

/** A sink that keeps references to what it was given, as a corked socket does. */
function referencingSink() {
  const writes: Uint8Array[] = [];
  return { writes, write: (chunk: Uint8Array) => writes.push(chunk) > 0 };
}

describe('FrameWriter', () => {
  it('copies encoder frames so later encodes do not change bytes already handed to the socket', () => {
    const encoder = new VenueEncoder();
    const sink = referencingSink();
    const writer = new FrameWriter(sink);
    writer.push(encoder.ack(1, 1));
    writer.push(encoder.ack(2, 2));
    assert.equal(sink.writes.length, 0);
    writer.flush();
    writer.push(encoder.ack(3, 3)); // reuses the encoder's buffer and the writer's chunk
    writer.flush();
    assert.equal(sink.writes.length, 2);

    const decoded: unknown[] = [];
    const decoder = new FrameDecoder({
      onFrame: (p) => decoded.push(decodeVenueMessage(p)),
      onError: assert.fail,
    });
    for (const chunk of sink.writes) decoder.push(Buffer.from(chunk));
    assert.deepEqual(decoded, [
      { kind: 'ack', requestId: 1, orderId: 1 },
      { kind: 'ack', requestId: 2, orderId: 2 },
      { kind: 'ack', requestId: 3, orderId: 3 },
    ]);
  });

  it('starts a new chunk when full and writes frames larger than a chunk on their own', () => {
    const sink = referencingSink();
    const writer = new FrameWriter(sink, 8);
    writer.push(Buffer.from('abcde'));
    writer.push(Buffer.from('fgh'));
    writer.push(Buffer.from('ij')); // does not fit: flushes 'abcdefgh' first
    writer.push(Buffer.from('0123456789')); // larger than a chunk
    writer.flush();
    assert.deepEqual(
      sink.writes.map((w) => Buffer.from(w).toString()),
      ['abcdefgh', 'ij', '0123456789'],
    );
    assert.equal(writer.pendingBytes, 0);
    assert.equal(writer.flush(), true);
  });
});
