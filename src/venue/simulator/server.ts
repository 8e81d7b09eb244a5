// The reference venue simulator over TCP (SPEC section 6): frames in with
// FrameDecoder, requests to the matching engine (or, in 'ack' mode, to an
// AckResponder), events back as frames to the connection that owns the
// order; RefPrice goes to every connection. A peer sending a bad frame, an
// undecodable envelope or a message that is not a request is dropped.
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

  constructor(id: number, socket: net.Socket, decoder: FrameDecoder) {
    this.id = id;
    this.socket = socket;
    this.writer = new FrameWriter(socket);
    this.decoder = decoder;
  }
}

const noopLogger: VenueSimulatorLogger = { info: () => {} };

export function startVenueSimulator(options: VenueSimulatorOptions = {}): Promise<VenueSimulator> {
  const host = options.host ?? '127.0.0.1';
  const mode = options.mode ?? 'match';
  const logger = options.logger ?? noopLogger;
  const venueId = options.venueId ?? 'portcullis-venue-sim';

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
      return;
    }
    if (!responder.handle(connection.id, message)) {
      drop(connection, `unexpected ${message.kind}`, null);
    }
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
    logger.info(
      { connection: id, remote: `${socket.remoteAddress}:${socket.remotePort}` },
      'venue simulator: connected',
    );

    socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      flush();
    });
    socket.on('error', (error) =>
      logger.info({ connection: id, err: error }, 'venue simulator: socket error'),
    );
    socket.on('close', () => {
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
