// A minimal venue link for the baselines (relay, alt-stack): one TCP
// connection to the venue simulator, Hello, NewOrder frames out (batched per
// event-loop turn with FrameWriter + queueMicrotask, as the firewall's
// VenueLink does) and Ack/Reject answers in. No timeouts, no reconnects.
// Heartbeats once a second, as the firewall's link sends them: the venue
// simulator drops a peer from which nothing has arrived for three seconds,
// and a scenario may leave the link idle that long.
import { connect, type Socket } from 'node:net';
import type { OrderTypeValue, SideValue, TimeInForceValue } from '../../src/pipeline/request.ts';
import { decodeVenueMessage, VENUE_PROTOCOL_VERSION, VenueEncoder } from '../../src/venue/codec.ts';
import { FrameWriter } from '../../src/venue/frame-writer.ts';
import { FrameDecoder } from '../../src/venue/framing.ts';

const HEARTBEAT_MS = 1000;

export interface VenueAnswerHandler {
  /** `accepted` false: the venue rejected the order (with `reason`). */
  onAnswer(requestId: number, accepted: boolean, reason: string): void;
}

export class BenchVenueClient {
  private readonly encoder = new VenueEncoder();
  private readonly writer: FrameWriter;
  private nextId = 1;
  private nextHeartbeatId = 1;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private flushScheduled = false;
  private readonly flush = () => {
    this.flushScheduled = false;
    this.writer.flush();
  };

  private constructor(private readonly socket: Socket) {
    this.writer = new FrameWriter(socket);
    socket.on('close', () => this.stopHeartbeats());
  }

  static connect(port: number, name: string, handler: VenueAnswerHandler): Promise<BenchVenueClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      const client = new BenchVenueClient(socket);
      let up = false;
      const decoder = new FrameDecoder({
        onFrame: (payload) => {
          const message = decodeVenueMessage(payload);
          if (message.kind === 'hello') {
            up = true;
            client.startHeartbeats();
            resolve(client);
          } else if (message.kind === 'ack') {
            handler.onAnswer(message.requestId, true, '');
          } else if (message.kind === 'reject') {
            handler.onAnswer(message.requestId, false, message.reason);
          }
        },
        onError: (error) => socket.destroy(error),
      });
      socket.on('connect', () => {
        socket.write(Buffer.from(client.encoder.hello(name, VENUE_PROTOCOL_VERSION)));
      });
      socket.on('data', (chunk) => decoder.push(chunk));
      socket.on('error', (error) => {
        if (!up) reject(error);
      });
    });
  }

  /** Forwards one new order; returns its request id (also used as the order id). */
  newOrder(
    account: string,
    symbol: string,
    side: SideValue,
    type: OrderTypeValue,
    tif: TimeInForceValue,
    priceTicks: number,
    qtyLots: number,
  ): number {
    const id = this.nextId++;
    this.queue(this.encoder.newOrder(id, id, account, symbol, side, type, tif, false, priceTicks, qtyLots));
    return id;
  }

  close(): void {
    this.stopHeartbeats();
    this.socket.destroy();
  }

  private queue(frame: Uint8Array): void {
    this.writer.push(frame);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flush);
    }
  }

  private startHeartbeats(): void {
    this.heartbeatTimer = setInterval(
      () => this.queue(this.encoder.heartbeat(this.nextHeartbeatId++, process.hrtime.bigint())),
      HEARTBEAT_MS,
    );
    // The bench's own work keeps the process alive; the heartbeats need not.
    this.heartbeatTimer.unref();
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }
}
