// A controllable venue for the link and router tests: a real TCP server on a
// random port that speaks the venue protocol (FrameDecoder in, VenueEncoder +
// FrameWriter out), answers Hello, records every request it decodes, and lets
// the test decide, request by request, what happens to it.
import net from 'node:net';
import {
  type CancelMessage,
  decodeVenueMessage,
  type HeartbeatMessage,
  type HelloMessage,
  type MassCancelMessage,
  type NewOrderMessage,
  type ReplaceMessage,
  VENUE_PROTOCOL_VERSION,
  VenueEncoder,
  type VenueEvent,
  type VenueMessage,
  type VenueRequest,
} from '../../../src/venue/codec.ts';
import { FrameWriter } from '../../../src/venue/frame-writer.ts';
import { FrameDecoder } from '../../../src/venue/framing.ts';
import { waitUntil } from './wait.ts';

/** The requests that want an answer (Hello and heartbeats are handled by the venue itself). */
export type OrderFlowRequest = NewOrderMessage | CancelMessage | ReplaceMessage | MassCancelMessage;

/** What the venue does with one request (heartbeats and Hello excepted). */
export type Decision =
  /** Send its answer at once (the default). */
  | 'answer'
  /** Keep it in `held` until the test calls release(). */
  | 'hold'
  /** Never answer it. */
  | 'ignore'
  /** Send its answer two times. */
  | 'twice'
  /** Send bytes that are not a valid frame. */
  | 'garbage'
  /** Close the connection abruptly (before answering). */
  | 'close';

/** A request as the venue received it, with the connection it came on. */
export interface Received<M extends VenueRequest = OrderFlowRequest> {
  readonly message: M;
  readonly connection: FakeConnection;
  readonly atMs: number;
}

export interface FakeVenueOptions {
  /** Default 0: a random free port. */
  port?: number;
  /** Sent in the venue's Hello; default the version this build speaks. */
  protocolVersion?: number;
  /** False: the venue never says Hello (a venue hung during the handshake). */
  sendHello?: boolean;
  /** False: the venue never answers heartbeats (and so sends nothing at all while idle). */
  answerHeartbeats?: boolean;
}

/** One accepted connection. */
export class FakeConnection {
  readonly writer: FrameWriter;
  closed = false;

  constructor(
    readonly id: number,
    readonly socket: net.Socket,
  ) {
    this.writer = new FrameWriter(socket);
  }

  /** Stops reading: the firewall's bytes pile up in the kernel buffers, then in its own queue. */
  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  /** Closes abruptly (RST where the platform allows), like a crashed venue. */
  kill(): void {
    if (this.closed) return;
    // Closed from now on: frames still in the chunk being decoded are not acted on.
    this.closed = true;
    this.socket.resetAndDestroy();
  }
}

/** The answer a well-behaved venue gives to a request. */
export function defaultAnswer(request: OrderFlowRequest): VenueEvent[] {
  switch (request.kind) {
    case 'newOrder':
      return [{ kind: 'ack', requestId: request.requestId, orderId: request.orderId }];
    case 'cancel':
      return [{ kind: 'canceled', requestId: request.requestId, orderId: request.orderId }];
    case 'replace':
      return [
        {
          kind: 'replaced',
          requestId: request.requestId,
          orderId: request.orderId,
          priceTicks: request.priceTicks,
          qtyLots: request.qtyLots,
          leavesLots: request.qtyLots,
        },
      ];
    case 'massCancel':
      return [{ kind: 'massCancelDone', requestId: request.requestId, count: 0 }];
  }
}

/** Answers a new order with a reject carrying `reason` (for release()). */
export function rejectWith(reason: string): (request: OrderFlowRequest) => VenueEvent[] {
  return (request) => [
    {
      kind: 'reject',
      requestId: request.requestId,
      orderId: (request as { orderId: number }).orderId,
      reason,
    },
  ];
}

export class FakeVenue {
  /** Every request decoded, in order, over every connection (Hello and heartbeats apart). */
  readonly requests: Received[] = [];
  readonly hellos: Received<HelloMessage>[] = [];
  readonly heartbeats: Received<HeartbeatMessage>[] = [];
  /** Requests the decision put on hold, not yet released. */
  readonly held: Received[] = [];
  /** Connections accepted so far, open or closed, in order. */
  readonly connections: FakeConnection[] = [];
  /** Decides what happens to each request; answers everything by default. */
  decide: (request: OrderFlowRequest) => Decision = () => 'answer';
  /** The events a request is answered with (also on release()). */
  answerFor: (request: OrderFlowRequest) => VenueEvent[] = defaultAnswer;
  sendHello: boolean;
  answerHeartbeats: boolean;
  private readonly encoder = new VenueEncoder();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    /** Sent in the venue's Hello; a test may change it between connections. */
    public protocolVersion: number,
    options: FakeVenueOptions,
  ) {
    this.sendHello = options.sendHello ?? true;
    this.answerHeartbeats = options.answerHeartbeats ?? true;
  }

  static start(options: FakeVenueOptions = {}): Promise<FakeVenue> {
    const server = net.createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        const port = typeof address === 'object' && address !== null ? address.port : 0;
        const venue = new FakeVenue(server, port, options.protocolVersion ?? VENUE_PROTOCOL_VERSION, options);
        server.on('connection', (socket) => venue.accept(socket));
        resolve(venue);
      });
    });
  }

  /** The newest connection still open, if any. */
  get current(): FakeConnection | undefined {
    for (let i = this.connections.length - 1; i >= 0; i--) {
      const connection = this.connections[i]!;
      if (!connection.closed) return connection;
    }
    return undefined;
  }

  get openConnections(): number {
    return this.connections.filter((c) => !c.closed).length;
  }

  /** Requests of one kind, in arrival order. */
  received<K extends OrderFlowRequest['kind']>(kind: K): Extract<OrderFlowRequest, { kind: K }>[] {
    return this.requests
      .map((r) => r.message)
      .filter((m): m is Extract<OrderFlowRequest, { kind: K }> => m.kind === kind);
  }

  /** Sends events (unsolicited ones, or answers of the test's choosing) on a connection (default: current). */
  send(events: VenueEvent[], connection: FakeConnection | undefined = this.current): void {
    if (!connection || connection.closed) throw new Error('fake venue: no open connection to send on');
    this.push(events, connection);
    connection.writer.flush();
  }

  /** Writes raw bytes (garbage, a bad frame...) on a connection (default: current). */
  sendRaw(bytes: Uint8Array, connection: FakeConnection | undefined = this.current): void {
    if (!connection || connection.closed) throw new Error('fake venue: no open connection to send on');
    connection.writer.flush();
    connection.socket.write(Buffer.from(bytes));
  }

  /** Answers held requests (all, or those `select` picks) with `events` or their default answer. */
  release(
    select: (request: OrderFlowRequest) => boolean = () => true,
    events?: (request: OrderFlowRequest) => VenueEvent[],
  ): number {
    let released = 0;
    for (let i = 0; i < this.held.length; ) {
      const held = this.held[i]!;
      if (!select(held.message)) {
        i++;
        continue;
      }
      this.held.splice(i, 1);
      released++;
      if (!held.connection.closed) this.send((events ?? this.answerFor)(held.message), held.connection);
    }
    return released;
  }

  /** Answers the held request with this id (by default as a well-behaved venue would). */
  releaseRequest(requestId: number, events?: (request: OrderFlowRequest) => VenueEvent[]): number {
    return this.release((r) => r.requestId === requestId, events);
  }

  /** Closes every open connection abruptly; the server keeps listening. */
  killConnections(): void {
    for (const connection of this.connections) connection.kill();
  }

  async waitForRequests(count: number, timeoutMs = 2000): Promise<void> {
    await waitUntil(() => this.requests.length >= count, `${count} requests at the venue`, timeoutMs);
  }

  async waitForConnections(count: number, timeoutMs = 2000): Promise<void> {
    await waitUntil(() => this.connections.length >= count, `${count} connections to the venue`, timeoutMs);
  }

  /** Stops listening and closes every connection. */
  close(): Promise<void> {
    this.killConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const connection = new FakeConnection(this.connections.length + 1, socket);
    this.connections.push(connection);
    const decoder = new FrameDecoder({
      onFrame: (payload) => this.onFrame(connection, payload),
      onError: () => connection.kill(),
    });
    socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      // Answers to one chunk leave in one write, as a real venue batches them.
      if (!connection.closed) connection.writer.flush();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      connection.closed = true;
      decoder.destroy();
    });
  }

  /** Queues events on a connection's writer; they leave on the next flush. */
  private push(events: VenueEvent[], connection: FakeConnection): void {
    for (const event of events) connection.writer.push(this.encoder.encode(event));
  }

  private onFrame(connection: FakeConnection, payload: Buffer): void {
    if (connection.closed) return;
    let message: VenueMessage;
    try {
      message = decodeVenueMessage(payload);
    } catch {
      connection.kill();
      return;
    }
    const atMs = Date.now();
    if (message.kind === 'hello') {
      this.hellos.push({ message, connection, atMs });
      if (this.sendHello) {
        this.push(
          [{ kind: 'hello', firewallId: 'fake-venue', protocolVersion: this.protocolVersion }],
          connection,
        );
      }
      return;
    }
    if (message.kind === 'heartbeat') {
      this.heartbeats.push({ message, connection, atMs });
      if (this.answerHeartbeats) this.push([message], connection);
      return;
    }
    if (
      message.kind !== 'newOrder' &&
      message.kind !== 'cancel' &&
      message.kind !== 'replace' &&
      message.kind !== 'massCancel'
    ) {
      // An event sent to the venue: a protocol violation, as the simulator treats it.
      connection.kill();
      return;
    }
    const received: Received = { message, connection, atMs };
    this.requests.push(received);
    const request = message;
    switch (this.decide(request)) {
      case 'answer':
        this.push(this.answerFor(request), connection);
        return;
      case 'twice':
        this.push([...this.answerFor(request), ...this.answerFor(request)], connection);
        return;
      case 'hold':
        this.held.push(received);
        return;
      case 'ignore':
        return;
      case 'garbage':
        // A frame header announcing 4 bytes, then 4 bytes that are no FlatBuffers Envelope.
        this.sendRaw(Buffer.from([4, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef]), connection);
        return;
      case 'close':
        // What was answered before leaves first (a RST may still discard it: the firewall must cope).
        connection.writer.flush();
        connection.kill();
        return;
    }
  }
}
