// Batches outgoing frames into one socket write, copying each frame once.
//
// socket.write does not copy: a corked or not-yet-flushed write keeps a
// reference to the caller's bytes. VenueEncoder's frames are views into its
// reused Builder, so writing them directly would send whatever the next
// encode put there. FrameWriter copies each frame into a bump-allocated
// chunk and hands the socket regions it does not write again while the
// socket may still hold them.
//
// Most writes leave nothing queued: the socket hands the bytes to the kernel
// before write returns, and holds no reference afterwards. Then the next
// frames go to the start of the same chunk again, so the bytes the firewall
// writes stay in a few cache lines, and no new chunk is allocated (each one
// was 64 KB of fresh memory to fault in and an external allocation for the
// collector to account). Only while the socket queues (a slow venue) do
// frames move on through the chunk and on to new ones.

/** Where flushed bytes go; a net.Socket fits. */
export interface ByteSink {
  write(chunk: Uint8Array): boolean;
  /** Bytes written but not yet taken by the kernel: while above 0, the sink may hold what it was given. */
  readonly writableLength: number;
}

export const DEFAULT_CHUNK_BYTES = 64 * 1024;

export class FrameWriter {
  private readonly out: ByteSink;
  private readonly chunkBytes: number;
  private chunk: Buffer;
  /**
   * The chunk's ArrayBuffer and offset, read once per chunk: Buffer#buffer costs about
   * 70 ns a read (measured), more than the view that flush builds from it.
   */
  private chunkBuffer: ArrayBufferLike;
  private chunkOffset: number;
  /** Start of the bytes not yet flushed, and end of the bytes written. */
  private start = 0;
  private end = 0;
  private chunksAllocated = 1;

  constructor(out: ByteSink, chunkBytes = DEFAULT_CHUNK_BYTES) {
    this.out = out;
    this.chunkBytes = chunkBytes;
    this.chunk = Buffer.allocUnsafe(chunkBytes);
    this.chunkBuffer = this.chunk.buffer;
    this.chunkOffset = this.chunk.byteOffset;
  }

  get pendingBytes(): number {
    return this.end - this.start;
  }

  /** Chunks allocated so far, the first included (one, as long as the sink keeps up). */
  get chunkCount(): number {
    return this.chunksAllocated;
  }

  /** Copies `frame` into the pending batch; it reaches the socket on flush(). */
  push(frame: Uint8Array): void {
    if (this.end + frame.length > this.chunk.length) {
      this.flush();
      if (frame.length > this.chunkBytes) {
        this.out.write(Buffer.from(frame));
        return;
      }
      // flush() rewound the chunk if the sink took everything. Otherwise the chunk may still
      // be referenced by a pending write: never reuse it.
      if (this.end !== 0) {
        this.chunk = Buffer.allocUnsafe(this.chunkBytes);
        this.chunkBuffer = this.chunk.buffer;
        this.chunkOffset = this.chunk.byteOffset;
        this.chunksAllocated++;
        this.start = 0;
        this.end = 0;
      }
    }
    this.chunk.set(frame, this.end);
    this.end += frame.length;
  }

  /** Writes the pending batch in one write. Returns socket.write's backpressure flag. */
  flush(): boolean {
    if (this.end === this.start) return true;
    // A plain Uint8Array view costs half of Buffer#subarray's, and sockets take either.
    const region = new Uint8Array(this.chunkBuffer, this.chunkOffset + this.start, this.end - this.start);
    const more = this.out.write(region);
    if (this.out.writableLength === 0) {
      // Nothing queued: the sink no longer holds the region, so the chunk is free again.
      this.start = 0;
      this.end = 0;
    } else {
      this.start = this.end;
    }
    return more;
  }
}
