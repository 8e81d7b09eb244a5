import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame,
  FrameDecoder,
  type FrameError,
} from '../../src/venue/framing.ts';

function collect(maxFrameBytes?: number) {
  const frames: Buffer[] = [];
  const errors: FrameError[] = [];
  const decoder = new FrameDecoder({
    // Payloads are views valid only during the callback: copy them.
    onFrame: (payload) => frames.push(Buffer.from(payload)),
    onError: (error) => errors.push(error),
    ...(maxFrameBytes === undefined ? {} : { maxFrameBytes }),
  });
  return { decoder, frames, errors };
}

const payloads = [
  Buffer.from('a'),
  Buffer.from('hello venue'),
  Buffer.alloc(5000, 7),
  Buffer.from([0, 1, 2, 3]),
];
const stream = Buffer.concat(payloads.map(encodeFrame));

describe('framing', () => {
  it('encodeFrame writes a little-endian u32 length prefix', () => {
    const frame = encodeFrame(Buffer.from('abc'));
    assert.deepEqual([...frame], [3, 0, 0, 0, 97, 98, 99]);
  });

  it('decodes a stream pushed byte by byte', () => {
    const { decoder, frames, errors } = collect();
    for (let i = 0; i < stream.length; i++) decoder.push(stream.subarray(i, i + 1));
    assert.deepEqual(frames, payloads);
    assert.equal(errors.length, 0);
    assert.equal(decoder.pendingBytes, 0);
  });

  it('decodes coalesced frames from one chunk', () => {
    const { decoder, frames } = collect();
    decoder.push(stream);
    assert.deepEqual(frames, payloads);
  });

  it('decodes any split of the stream into chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 20 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const { decoder, frames, errors } = collect();
        for (let i = 1; i < points.length; i++) decoder.push(stream.subarray(points[i - 1], points[i]));
        assert.deepEqual(frames, payloads);
        assert.equal(errors.length, 0);
      }),
    );
  });

  it('decodes any split of the stream read into one reused buffer, ignoring what lies past each read', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 20 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const { decoder, frames, errors } = collect();
        const readBuffer = Buffer.alloc(stream.length, 0xee);
        for (let i = 1; i < points.length; i++) {
          // As a socket's onread does: each read overwrites the start of the same buffer.
          const bytes = stream.copy(readBuffer, 0, points[i - 1], points[i]);
          decoder.push(readBuffer, bytes);
        }
        assert.deepEqual(frames, payloads);
        assert.equal(errors.length, 0);
        assert.equal(decoder.pendingBytes, 0);
      }),
    );
  });

  it('hands out a view of the chunk, without copying, when the frame is whole in it', () => {
    const chunk = encodeFrame(Buffer.from('zero copy'));
    let seen: Buffer | undefined;
    const decoder = new FrameDecoder({ onFrame: (p) => (seen = p), onError: assert.fail });
    decoder.push(chunk);
    assert.equal(seen?.buffer, chunk.buffer);
    assert.equal(seen?.byteOffset, chunk.byteOffset + 4);
  });

  it('reports a frame longer than maxFrameBytes and ignores further input', () => {
    const { decoder, frames, errors } = collect(16);
    decoder.push(encodeFrame(Buffer.alloc(16, 1)));
    decoder.push(encodeFrame(Buffer.alloc(17, 1)));
    decoder.push(encodeFrame(Buffer.alloc(1, 1)));
    assert.equal(frames.length, 1);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.code, 'FRAME_TOO_LARGE');
    assert.equal(errors[0]?.length, 17);
    assert.equal(decoder.closed, true);
  });

  it('reports an oversized length as soon as the header is complete', () => {
    const { decoder, errors } = collect();
    assert.equal(decoder.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(0xffffffff);
    decoder.push(header.subarray(0, 3));
    assert.equal(errors.length, 0);
    decoder.push(header.subarray(3));
    assert.equal(errors[0]?.code, 'FRAME_TOO_LARGE');
  });

  it('reports a zero length', () => {
    const { decoder, frames, errors } = collect();
    decoder.push(
      Buffer.concat([encodeFrame(Buffer.from('ok')), Buffer.alloc(4), encodeFrame(Buffer.from('x'))]),
    );
    assert.equal(frames.length, 1);
    assert.equal(errors[0]?.code, 'FRAME_EMPTY');
  });

  it('destroy() stops delivery of the rest of the chunk', () => {
    const frames: Buffer[] = [];
    const decoder = new FrameDecoder({
      onFrame: (p) => {
        frames.push(Buffer.from(p));
        decoder.destroy();
      },
      onError: assert.fail,
    });
    decoder.push(stream);
    assert.equal(frames.length, 1);
  });
});
