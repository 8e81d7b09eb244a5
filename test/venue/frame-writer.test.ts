import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { decodeVenueMessage, VenueEncoder } from '../../src/venue/codec.ts';
import { FrameWriter } from '../../src/venue/frame-writer.ts';
import { FrameDecoder } from '../../src/venue/framing.ts';

/** A sink that keeps references to what it was given, as a corked socket does (and says so). */
function referencingSink() {
  const writes: Uint8Array[] = [];
  let held = 0;
  return {
    writes,
    write: (chunk: Uint8Array) => {
      held += chunk.length;
      return writes.push(chunk) > 0;
    },
    get writableLength() {
      return held;
    },
  };
}

/** A sink that copies each write away before returning, as a socket with room in the kernel does. */
function drainingSink() {
  const copies: Buffer[] = [];
  const regions: Uint8Array[] = [];
  return {
    copies,
    regions,
    write: (chunk: Uint8Array) => {
      regions.push(chunk);
      copies.push(Buffer.from(chunk));
      return true;
    },
    writableLength: 0,
  };
}

/** Pushes `count` numbered frames, flushing after every third and at the end; returns all their text. */
function writeNumberedFrames(writer: FrameWriter, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    const frame = `frame-${i};`;
    text += frame;
    writer.push(Buffer.from(frame));
    if (i % 3 === 2) writer.flush();
  }
  writer.flush();
  return text;
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

  it('keeps writing into the start of one chunk while the sink takes every write at once', () => {
    const sink = drainingSink();
    const writer = new FrameWriter(sink, 64);
    const expected = writeNumberedFrames(writer, 1000);
    assert.equal(writer.chunkCount, 1);
    // Every flush's region starts at the chunk's start: the bytes stay in the same cache lines.
    assert.ok(
      sink.regions.every((r) => r.byteOffset === sink.regions[0]!.byteOffset),
      "a flush wrote somewhere other than the chunk's start",
    );
    assert.equal(Buffer.concat(sink.copies).toString(), expected);
  });

  it('never writes over bytes a sink still holds', () => {
    const sink = referencingSink();
    const writer = new FrameWriter(sink, 64);
    const expected = writeNumberedFrames(writer, 1000);
    assert.ok(writer.chunkCount > 100, `${writer.chunkCount} chunks: a held chunk was written again`);
    // Read only now, after every push: the regions handed over earlier are unchanged.
    assert.equal(Buffer.concat(sink.writes.map((w) => Buffer.from(w))).toString(), expected);
  });

  it('delivers every frame intact over a real socket, whether its writes queue or not', async (t) => {
    const server = createServer();
    t.after(() => server.close());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const accepted = once(server, 'connection');
    const client = connect({ host: '127.0.0.1', port });
    await once(client, 'connect');
    const [peer] = (await accepted) as [Socket];
    t.after(() => {
      client.destroy();
      peer.destroy();
    });
    const received: Buffer[] = [];
    let length = 0;
    peer.on('data', (d: Buffer) => {
      received.push(d);
      length += d.length;
    });
    // The peer does not read at first, so the kernel's buffers fill and writes start to queue.
    peer.pause();
    const writer = new FrameWriter(client, 4096);
    const frames: string[] = [];
    let queued = false;
    for (let i = 0; i < 100_000; i++) {
      const frame = `${i.toString(36).padStart(8, '0')}:${'x'.repeat(i % 200)};`;
      frames.push(frame);
      writer.push(Buffer.from(frame));
      if (i % 7 === 6) writer.flush();
      if (client.writableLength > 0) queued = true;
      // Halfway, the peer starts reading: later writes go straight to the kernel again.
      if (i === 50_000) peer.resume();
      if (i % 5000 === 4999) await new Promise((resolve) => setImmediate(resolve));
    }
    writer.flush();
    assert.ok(queued, 'the socket never queued: the test did not cover a held chunk');
    assert.ok(writer.chunkCount > 1, 'the writer never moved on from a held chunk');
    const ended = once(peer, 'end');
    client.end();
    await ended;
    assert.equal(length, Buffer.byteLength(frames.join('')));
    assert.equal(Buffer.concat(received).toString(), frames.join(''));
  });
});
