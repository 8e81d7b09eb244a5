// The reference venue simulator over TCP (SPEC section 6): frames in with
// FrameDecoder, requests to the matching engine (or, in 'ack' mode, to an
// AckResponder), events back as frames to the connection that owns the
// order; RefPrice goes to every connection. A peer sending a bad frame, an
// undecodable envelope or a message that is not a request is dropped.
//
// Liveness mirrors the firewall's link: once a peer has said Hello, the
// simulator sends it a Heartbeat every second, and a peer from which no byte
// has arrived for three seconds is dropped. Dropping a connection cancels its
// orders as a TCP close does: a firewall that gave up on the link without
// the venue seeing a FIN (a partition) has told its clients those orders are
// canceled, so they must not stay resting here.
//
// Writes are batched: the events caused by one received chunk are copied
// into each connection's FrameWriter and written with one socket.write per
// connection after the chunk (the effect of cork/uncork, without handing the
// socket views of the shared encoder's buffer, which it would not copy).
import net from 'node:net';
import { decodeVenueMessage, VENUE_PROTOCOL_VERSION, VenueEncoder, type VenueMessage } from '../codec.ts';
import { FrameWriter } from '../frame-writer.ts';
import { FrameDecoder } from '../framing.ts';
import { AckResponder } from './ack-responder.ts';
import { MatchingEngine, type VenueEventSink } from './matching-engine.ts';

export interface VenueSimulatorLogger {
  info(obj: object, msg?: string): void;
}

export interface VenueSimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  /** 'match' (default) runs the matching engine; 'ack' answers every request at once. */
  mode?: 'match' | 'ack';
  logger?: VenueSimulatorLogger;
  /** Largest accepted frame payload; default 1 MiB. */
  maxFrameBytes?: number;
  /** Sent in the simulator's Hello. */
  venueId?: string;
  /** Interval of the simulator's own Heartbeats; default HEARTBEAT_MS. */
  heartbeatMs?: number;
  /**
   * Silence after which a peer is dropped; default SILENCE_TIMEOUT_MS. Checked at each
   * heartbeat tick, so a silent peer goes within one interval after it.
   */
  silenceTimeoutMs?: number;
}

export interface VenueSimulator {
  readonly port: number;
  /** Open connections. */
  readonly connections: number;
  /** The matching engine (null in 'ack' mode), for inspection in tests. */
  readonly engine: MatchingEngine | null;
  close(): Promise<void>;
}

interface Responder {
  handle(owner: number, message: VenueMessage): boolean;
  disconnect(owner: number): number;
}

class Connection {
  readonly id: number;
  readonly socket: net.Socket;
  readonly writer: FrameWriter;
  readonly decoder: FrameDecoder;
  /** Queued in the server's flush list. */
  dirty = false;
  /** The peer said Hello: heartbeats go to it from then on. */
  greeted = false;
  /** When the last byte arrived (the connection's start before any). */
  lastInboundMs = Date.now();
  /** Heartbeats and the silence check; cleared on close. */
  ticker: NodeJS.Timeout | null = null;

  constructor(id: number, socket: net.Socket, decoder: FrameDecoder) {
    this.id = id;
    this.socket = socket;
    this.writer = new FrameWriter(socket);
    this.decoder = decoder;
  }
}

/** Interval of the simulator's own Heartbeats (the firewall's link sends one as often). */
export const HEARTBEAT_MS = 1000;
/** No byte from a peer for this long drops it (three intervals, as the firewall's link does). */
export const SILENCE_TIMEOUT_MS = 3 * HEARTBEAT_MS;
/**
 * request_id of the simulator's own Heartbeats: 0, as for an unsolicited Canceled, so
 * they are never taken for the echo of one of the firewall's (whose ids start at 1).
 */
const UNSOLICITED_HEARTBEAT_ID = 0;

const noopLogger: VenueSimulatorLogger = { info: () => {} };

export function startVenueSimulator(options: VenueSimulatorOptions = {}): Promise<VenueSimulator> {
  const host = options.host ?? '127.0.0.1';
  const mode = options.mode ?? 'match';
  const logger = options.logger ?? noopLogger;
  const venueId = options.venueId ?? 'portcullis-venue-sim';
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const silenceTimeoutMs = options.silenceTimeoutMs ?? SILENCE_TIMEOUT_MS;

  const encoder = new VenueEncoder();
  const connections = new Map<number, Connection>();
  const dirty: Connection[] = [];
  let nextId = 1;

  function send(owner: number, frame: Uint8Array): void {
    const connection = connections.get(owner);
    if (connection === undefined) return;
    connection.writer.push(frame);
    if (!connection.dirty) {
      connection.dirty = true;
      dirty.push(connection);
    }
  }

  function flush(): void {
    for (const connection of dirty) {
      connection.dirty = false;
      if (!connection.socket.destroyed) connection.writer.flush();
    }
    dirty.length = 0;
  }

  const sink: VenueEventSink = {
    ack: (owner, requestId, orderId) => send(owner, encoder.ack(requestId, orderId)),
    reject: (owner, requestId, orderId, reason) => send(owner, encoder.reject(requestId, orderId, reason)),
    fill: (owner, orderId, qty, price, leaves, tradeId) =>
      send(owner, encoder.fill(orderId, qty, price, leaves, tradeId)),
    canceled: (owner, requestId, orderId) => send(owner, encoder.canceled(requestId, orderId)),
    replaced: (owner, requestId, orderId, price, qty, leaves) =>
      send(owner, encoder.replaced(requestId, orderId, price, qty, leaves)),
    massCancelDone: (owner, requestId, count) => send(owner, encoder.massCancelDone(requestId, count)),
    heartbeat: (owner, requestId, timestampNs) => send(owner, encoder.heartbeat(requestId, timestampNs)),
    refPrice: (symbol, price) => {
      const frame = encoder.refPrice(symbol, price);
      for (const id of connections.keys()) send(id, frame);
    },
  };

  const engine = mode === 'match' ? new MatchingEngine(sink) : null;
  const responder: Responder = engine ?? new AckResponder(sink);

  function drop(connection: Connection, reason: string, error: unknown): void {
    logger.info({ connection: connection.id, err: error }, `venue simulator: dropping peer (${reason})`);
    connection.decoder.destroy();
    connection.socket.destroy();
  }

  function onFrame(connection: Connection, payload: Buffer): void {
    let message: VenueMessage;
    try {
      message = decodeVenueMessage(payload);
    } catch (error) {
      drop(connection, 'undecodable envelope', error);
      return;
    }
    if (message.kind === 'hello') {
      logger.info({ connection: connection.id, firewallId: message.firewallId }, 'venue simulator: hello');
      send(connection.id, encoder.hello(venueId, VENUE_PROTOCOL_VERSION));
      connection.greeted = true;
      return;
    }
    if (!responder.handle(connection.id, message)) {
      drop(connection, `unexpected ${message.kind}`, null);
    }
  }

  // Silence is watched from the start, so a peer that never says Hello does not hold a
  // connection forever; heartbeats wait for the handshake, as the firewall's do.
  function tick(connection: Connection): void {
    if (connection.socket.destroyed) return;
    if (Date.now() - connection.lastInboundMs > silenceTimeoutMs) {
      // Timers run before I/O in each turn of the event loop: after this process stalled,
      // what the peer sent in time may wait unread. Decide once it has been read.
      setImmediate(() => {
        const silentMs = Date.now() - connection.lastInboundMs;
        if (connection.socket.destroyed || silentMs <= silenceTimeoutMs) return;
        // Destroying the socket emits 'close', whose handler cancels the peer's orders.
        drop(connection, `silent for ${silentMs} ms`, null);
      });
      return;
    }
    if (!connection.greeted) return;
    send(connection.id, encoder.heartbeat(UNSOLICITED_HEARTBEAT_ID, process.hrtime.bigint()));
    flush();
  }

  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const id = nextId++;
    const decoder = new FrameDecoder({
      onFrame: (payload) => onFrame(connection, payload),
      onError: (error) => drop(connection, 'bad frame', error),
      ...(options.maxFrameBytes === undefined ? {} : { maxFrameBytes: options.maxFrameBytes }),
    });
    const connection = new Connection(id, socket, decoder);
    connections.set(id, connection);
    connection.ticker = setInterval(() => tick(connection), heartbeatMs);
    // The server's handle keeps the process alive while it listens; the tickers need not.
    connection.ticker.unref();
    logger.info(
      { connection: id, remote: `${socket.remoteAddress}:${socket.remotePort}` },
      'venue simulator: connected',
    );

    socket.on('data', (chunk: Buffer) => {
      connection.lastInboundMs = Date.now();
      decoder.push(chunk);
      flush();
    });
    socket.on('error', (error) =>
      logger.info({ connection: id, err: error }, 'venue simulator: socket error'),
    );
    socket.on('close', () => {
      if (connection.ticker) clearInterval(connection.ticker);
      connection.ticker = null;
      connections.delete(id);
      const canceled = responder.disconnect(id);
      logger.info({ connection: id, canceled }, 'venue simulator: disconnected');
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      logger.info({ host, port, mode }, 'venue simulator: listening');
      resolve({
        port,
        engine,
        get connections() {
          return connections.size;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const connection of connections.values()) connection.socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
