// Outbound FIX messages for one client, gathered until the end of the
// event-loop turn and sent as one WebSocket frame (SPEC section 5: a frame
// holds one or more complete messages).
//
// Execution reports are mostly written when the venue answers, outside any
// uWS.js callback, where each ws.send would be its own system call. Under load
// one venue read carries many answers: gathering them turns one write per
// message into one write per client per turn. The messages wait only for the
// rest of the current turn (setImmediate), never for a timer.
import type uWS from 'uWebSockets.js';

/** Enough for a Logon echo or a few execution reports; an idle session keeps only this. */
const INITIAL_BYTES = 1024;
const EMPTY = Buffer.alloc(0);

export class Outbox {
  private buffer: Buffer = EMPTY;
  private length = 0;
  queued = false;

  constructor(private readonly ws: uWS.WebSocket<unknown>) {}

  /** Copies a message in (the session's encoder reuses its bytes after the call). */
  append(bytes: Uint8Array): void {
    const needed = this.length + bytes.length;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.buffer.length, INITIAL_BYTES));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.buffer.set(bytes, this.length);
    this.length = needed;
  }

  /** Sends what is gathered as one binary frame (uWS copies it). */
  flush(): void {
    if (this.length === 0) return;
    const frame = this.buffer.subarray(0, this.length);
    this.length = 0;
    this.ws.cork(() => {
      this.ws.send(frame, true);
    });
    // A burst (a mass cancel's reports) must not keep a large buffer per idle client.
    if (this.buffer.length > 16 * INITIAL_BYTES) this.buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  }

  /** Forgets what is gathered (the socket closed). */
  discard(): void {
    this.length = 0;
  }
}

/** Flushes every outbox that has messages, once per event-loop turn. */
export class OutboxFlusher {
  private readonly pending: Outbox[] = [];
  private scheduled = false;
  private readonly flushAll = () => {
    this.scheduled = false;
    for (let i = 0; i < this.pending.length; i++) {
      const outbox = this.pending[i]!;
      outbox.queued = false;
      outbox.flush();
    }
    this.pending.length = 0;
  };

  send(outbox: Outbox, bytes: Uint8Array): void {
    outbox.append(bytes);
    if (!outbox.queued) {
      outbox.queued = true;
      this.pending.push(outbox);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushAll);
    }
  }
}
