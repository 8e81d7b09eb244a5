// A REST flow over a raw HTTP/1.1 client on node:net: `connections`
// keep-alive connections, one request in flight on each (no pipelining, as a
// browser or undici's default pool would do), every request signed per SPEC
// section 4 (HMAC-SHA256, lowercase hex). Node's fetch (undici) costs tens of
// microseconds per request in the client, which on a 2-core machine would
// measure the client rather than the servers; this client builds the request
// bytes itself and reads only the status line and Content-Length.
//
// Open loop: due orders wait in a FIFO for a free connection, and their
// latency still counts from their intended time. Closed loop: each answer
// sends the next request on its connection.
import { createHmac } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FlowSpec, Target } from '../protocol.ts';
import { SYMBOL } from '../setup.ts';
import { clOrdIdPrefix, ORDER_QTY, priceOf } from './orders.ts';
import type { GroupRecorder } from './recorder.ts';

const PATH = '/api/v1/orders';
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');

/** The status that counts as the expected answer of each kind of order. */
const EXPECTED = { valid: 201, 'bad-signature': 401, 'price-collar': 422 } as const;

class HttpConnection {
  private buffered: Buffer | null = null;
  /** Intended (open loop) or actual (closed loop) send time of the request in flight. */
  sentAt = 0;
  measured = false;
  busy = false;

  constructor(
    readonly socket: Socket,
    private readonly onResponse: (connection: HttpConnection, status: number, code: string) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  private onData(chunk: Buffer): void {
    let buf = this.buffered === null ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const headEnd = buf.indexOf(HEADER_END);
      if (headEnd < 0) break;
      const head = buf.toString('latin1', 0, headEnd).toLowerCase();
      const at = head.indexOf('\r\ncontent-length:');
      if (at < 0)
        throw new Error(`bench HTTP client: response without Content-Length: ${head.slice(0, 200)}`);
      const lineEnd = head.indexOf('\r\n', at + 2);
      const length = Number.parseInt(head.slice(at + 17, lineEnd < 0 ? undefined : lineEnd), 10);
      const total = headEnd + 4 + length;
      if (buf.length < total) break;
      const status = Number(buf.toString('latin1', 9, 12));
      // Error bodies name their code (SPEC section 4); read it for the notes.
      const code = status >= 400 ? errorCode(buf.toString('utf8', headEnd + 4, total)) : '';
      buf = buf.subarray(total);
      this.onResponse(this, status, code);
    }
    this.buffered = buf.length === 0 ? null : buf;
  }
}

function errorCode(body: string): string {
  const at = body.indexOf('"code":"');
  if (at < 0) return '';
  return body.slice(at + 8, body.indexOf('"', at + 8));
}

export class RestFlow {
  private readonly connections: HttpConnection[] = [];
  private readonly free: HttpConnection[] = [];
  /** Open loop: intended times of due orders waiting for a connection. */
  private queue: number[] = [];
  private queueHead = 0;
  private readonly prefix: string;
  private readonly price: string;
  private readonly secret: string;
  private readonly expected: number;
  private counter = 0;
  private host = '';
  private closedLoop = false;
  outstanding = 0;

  constructor(
    private readonly spec: FlowSpec,
    index: number,
    private readonly recorder: GroupRecorder,
  ) {
    if (spec.key.type !== 'hmac-sha256') throw new Error('REST flows use HMAC keys');
    this.prefix = clOrdIdPrefix(index);
    this.price = priceOf(spec.kind);
    this.secret = spec.kind === 'bad-signature' ? `${spec.key.secret}-wrong` : spec.key.secret;
    this.expected = EXPECTED[spec.kind];
  }

  async connect(target: Target): Promise<void> {
    this.host = `${target.host}:${target.port}`;
    await Promise.all(
      Array.from(
        { length: this.spec.connections },
        () =>
          new Promise<void>((resolve, reject) => {
            const socket = connect({ host: target.host, port: target.port });
            socket.once('connect', () => {
              const connection = new HttpConnection(socket, (c, status, code) =>
                this.onResponse(c, status, code),
              );
              this.connections.push(connection);
              this.free.push(connection);
              resolve();
            });
            socket.once('error', reject);
          }),
      ),
    );
  }

  /** Open loop: one order intended at `intendedMs`. */
  send(intendedMs: number): void {
    const connection = this.free.pop();
    if (connection === undefined) this.queue.push(intendedMs);
    else this.request(connection, intendedMs);
  }

  startClosedLoop(): void {
    this.closedLoop = true;
    for (const connection of this.free.splice(0)) this.request(connection, performance.now());
  }

  stopClosedLoop(): void {
    this.closedLoop = false;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
  }

  private request(connection: HttpConnection, intendedMs: number): void {
    const n = this.counter++;
    const body = `{"clOrdId":"${this.prefix}${n}","symbol":"${SYMBOL}","side":"buy","type":"limit","qty":"${ORDER_QTY}","price":"${this.price}","tif":"GTC"}`;
    const timestamp = Date.now();
    const signature = createHmac('sha256', this.secret)
      .update(`${timestamp}\nPOST\n${PATH}\n`)
      .update(body)
      .digest('hex');
    const bytes =
      `POST ${PATH} HTTP/1.1\r\nHost: ${this.host}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-PC-APIKEY: ${this.spec.key.id}\r\n` +
      `X-PC-TIMESTAMP: ${timestamp}\r\nX-PC-SIGNATURE: ${signature}\r\n\r\n${body}`;
    connection.busy = true;
    connection.sentAt = intendedMs;
    connection.measured = this.recorder.inWindow(intendedMs);
    this.outstanding++;
    connection.socket.write(bytes, 'latin1');
    if (connection.measured) this.recorder.onSent(performance.now() - intendedMs);
  }

  private onResponse(connection: HttpConnection, status: number, code: string): void {
    const now = performance.now();
    this.outstanding--;
    connection.busy = false;
    if (connection.measured) {
      const answer = code === '' ? String(status) : `${status}:${code}`;
      this.recorder.onAnswer(now - connection.sentAt, answer, status === this.expected);
    }
    if (this.closedLoop) {
      this.request(connection, now);
    } else if (this.queueHead < this.queue.length) {
      const intended = this.queue[this.queueHead++]!;
      if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      this.request(connection, intended);
    } else {
      this.free.push(connection);
    }
  }

  /** Orders due but never sent (the queue when the run ends) count as lost if in the window. */
  queuedInWindow(): number {
    let n = 0;
    for (let i = this.queueHead; i < this.queue.length; i++) if (this.recorder.inWindow(this.queue[i]!)) n++;
    return n;
  }
}
