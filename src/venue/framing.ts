// Framing of the venue protocol (SPEC section 6): each frame is a
// little-endian u32 payload length followed by the payload (one FlatBuffers
// Envelope). TCP delivers arbitrary slices of the stream, so FrameDecoder
// reassembles frames split across chunks and splits chunks holding several.

export const FRAME_HEADER_BYTES = 4;
export const DEFAULT_MAX_FRAME_BYTES = 1 << 20;

export type FrameErrorCode = 'FRAME_EMPTY' | 'FRAME_TOO_LARGE';

/** A framing violation: the stream cannot be resynchronized, so the caller drops the peer. */
export class FrameError extends Error {
  readonly code: FrameErrorCode;
  readonly length: number;

  constructor(code: FrameErrorCode, length: number, maxFrameBytes: number) {
    super(
      code === 'FRAME_EMPTY'
        ? 'venue frame of length 0'
        : `venue frame of ${length} bytes exceeds the limit of ${maxFrameBytes}`,
    );
    this.name = 'FrameError';
    this.code = code;
    this.length = length;
  }
}

/** Prefixes `payload` with its length. Allocates: the codec's encoder writes framed bytes itself. */
export function encodeFrame(payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

export interface FrameDecoderOptions {
  /**
   * Called once per complete payload. The payload is a view into the pushed
   * chunk or into the decoder's reassembly buffer, valid only during the
   * call: copy it to keep it.
   */
  onFrame: (payload: Buffer) => void;
  /** Called once on a framing violation; the decoder then ignores further input. */
  onError: (error: FrameError) => void;
  /** Largest accepted payload; default 1 MiB. */
  maxFrameBytes?: number;
}

export class FrameDecoder {
  readonly maxFrameBytes: number;
  private readonly onFrame: (payload: Buffer) => void;
  private readonly onError: (error: FrameError) => void;
  /** Header bytes of a header split across chunks. */
  private readonly header = Buffer.alloc(FRAME_HEADER_BYTES);
  private headerFill = 0;
  /** Length of the frame being reassembled, or -1 while reading a header. */
  private frameLength = -1;
  /** Reassembly buffer of frames split across chunks, reused and grown on demand. */
  private body: Buffer = Buffer.alloc(0);
  private bodyFill = 0;
  private stopped = false;

  constructor(options: FrameDecoderOptions) {
    this.onFrame = options.onFrame;
    this.onError = options.onError;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** True after a framing error or destroy(): further input is ignored. */
  get closed(): boolean {
    return this.stopped;
  }

  /** Stops delivery, also of the remaining frames of a chunk being pushed (for a caller dropping the peer). */
  destroy(): void {
    this.stopped = true;
    this.body = Buffer.alloc(0);
  }

  /** Bytes received of the frame in progress (header included); 0 on a frame boundary. */
  get pendingBytes(): number {
    return this.frameLength < 0 ? this.headerFill : FRAME_HEADER_BYTES + this.bodyFill;
  }

  /** Takes chunk[0, end): the bytes of one read (the whole chunk unless `end` says less). */
  push(chunk: Buffer, end = chunk.length): void {
    let offset = 0;
    while (offset < end && !this.stopped) {
      if (this.frameLength >= 0) {
        // Continue a frame split across chunks.
        const n = Math.min(this.frameLength - this.bodyFill, end - offset);
        chunk.copy(this.body, this.bodyFill, offset, offset + n);
        this.bodyFill += n;
        offset += n;
        if (this.bodyFill === this.frameLength) {
          const length = this.frameLength;
          this.frameLength = -1;
          this.bodyFill = 0;
          this.onFrame(this.body.subarray(0, length));
        }
        continue;
      }

      let length: number;
      if (this.headerFill === 0 && end - offset >= FRAME_HEADER_BYTES) {
        length = chunk.readUInt32LE(offset);
        offset += FRAME_HEADER_BYTES;
      } else {
        const n = Math.min(FRAME_HEADER_BYTES - this.headerFill, end - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + n);
        this.headerFill += n;
        offset += n;
        if (this.headerFill < FRAME_HEADER_BYTES) return;
        this.headerFill = 0;
        length = this.header.readUInt32LE(0);
      }

      if (length === 0 || length > this.maxFrameBytes) {
        this.stopped = true;
        this.onError(
          new FrameError(length === 0 ? 'FRAME_EMPTY' : 'FRAME_TOO_LARGE', length, this.maxFrameBytes),
        );
        return;
      }
      if (end - offset >= length) {
        // The whole frame is in this chunk: hand out a view, no copy.
        const start = offset;
        offset += length;
        this.onFrame(chunk.subarray(start, offset));
        continue;
      }
      if (this.body.length < length) {
        this.body = Buffer.allocUnsafe(
          Math.min(this.maxFrameBytes, Math.max(length, this.body.length * 2, 4096)),
        );
      }
      this.frameLength = length;
      this.bodyFill = 0;
    }
  }
}
