// A TCP-to-WebSocket bridge for FIX engines that speak FIX over TCP only: it
// listens on 127.0.0.1 (a random port) and, per TCP connection, opens a
// WebSocket to the firewall's /fix. The TCP byte stream is split into whole
// FIX messages (8=...<SOH>9=len<SOH>...<SOH>10=ddd<SOH>, partial ones kept
// until the rest comes), each sent as one WebSocket frame; every frame from the
// firewall is written to the TCP socket as it is. Closing either side closes
// the other.
//
// The bridge also checks the framing of what the firewall sends (BeginString
// first, BodyLength second and exact, CheckSum last and right): a TCP FIX
// engine may not check all of it itself (jspurefix reads 9 but never compares
// it), and a frame the bridge finds fault with is recorded in `framingErrors`.
// A test may also alter what the firewall sent on its way to the engine
// (`tamper`), to show that the engine's own checks are live.
import net from 'node:net';
import WebSocket from 'ws';

const SOH = 0x01;

/** Where the message starting at buf[0] ends, 0 if it is not all there yet, or an error. */
export function messageEnd(buf: Buffer): number | { error: string } {
  const begin = buf.indexOf(SOH);
  if (begin < 0) return buf.length >= 2 && buf.toString('latin1', 0, 2) !== '8=' ? { error: 'not 8=' } : 0;
  if (buf.toString('latin1', 0, 2) !== '8=') return { error: 'BeginString (8) is not first' };
  const lengthField = buf.indexOf(SOH, begin + 1);
  if (lengthField < 0) return 0;
  const field = buf.toString('latin1', begin + 1, lengthField);
  const match = /^9=(\d+)$/.exec(field);
  if (!match) return { error: `BodyLength (9) is not second or not a number: ${JSON.stringify(field)}` };
  const bodyLength = Number(match[1]);
  const trailerStart = lengthField + 1 + bodyLength;
  const end = trailerStart + 7; // 10=ddd<SOH>
  if (buf.length < end) return 0;
  const trailer = buf.toString('latin1', trailerStart, end);
  const trailerRight =
    trailer.startsWith('10=') && /^\d{3}$/.test(trailer.slice(3, 6)) && buf[end - 1] === SOH;
  if (buf[trailerStart - 1] !== SOH || !trailerRight) {
    return {
      error: `no CheckSum (10=ddd) where BodyLength ${bodyLength} puts it: ${JSON.stringify(trailer)}`,
    };
  }
  return end;
}

/** The framing errors of one frame of complete messages (empty when it is sound). */
export function framingErrors(frame: Buffer): string[] {
  const errors: string[] = [];
  let rest = frame;
  while (rest.length > 0) {
    const end = messageEnd(rest);
    if (typeof end !== 'number') return [...errors, end.error];
    if (end === 0) return [...errors, 'a partial message at the end of the frame'];
    let sum = 0;
    for (let i = 0; i < end - 7; i++) sum += rest[i]!;
    const stated = Number(rest.toString('latin1', end - 4, end - 1));
    if (stated !== sum % 256) errors.push(`CheckSum ${stated}, computed ${sum % 256}`);
    rest = rest.subarray(end);
  }
  return errors;
}

/** One bridged connection as the test sees it: the messages each way, SOH shown as '|'. */
export interface BridgedConnection {
  readonly toFirewall: string[];
  readonly fromFirewall: string[];
  /** The WebSocket close code and reason, once closed. */
  wsClose: { code: number; reason: string } | null;
}

export interface BridgeOptions {
  /** Rewrites each message from the firewall (SOH-delimited) before the engine gets it. */
  tamper?: (message: string) => string;
}

/** Splits a frame of complete messages (framing checked beforehand). */
function messagesOf(frame: Buffer): Buffer[] {
  const messages: Buffer[] = [];
  let rest = frame;
  for (let end = messageEnd(rest); typeof end === 'number' && end > 0; end = messageEnd(rest)) {
    messages.push(rest.subarray(0, end));
    rest = rest.subarray(end);
  }
  return messages;
}

export class TcpWsBridge {
  readonly connections: BridgedConnection[] = [];
  /** Framing faults found in frames from the firewall (there should be none). */
  readonly framingErrors: string[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly webSockets = new Set<WebSocket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly options: BridgeOptions,
  ) {}

  /** Listens on 127.0.0.1 on a random port; each connection is bridged to `wsUrl`. */
  static start(wsUrl: string, options: BridgeOptions = {}): Promise<TcpWsBridge> {
    const server = net.createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const bridge = new TcpWsBridge(server, (server.address() as net.AddressInfo).port, options);
        server.on('connection', (socket) => bridge.bridge(socket, wsUrl));
        resolve(bridge);
      });
    });
  }

  private bridge(socket: net.Socket, wsUrl: string): void {
    const record: BridgedConnection = { toFirewall: [], fromFirewall: [], wsClose: null };
    this.connections.push(record);
    this.sockets.add(socket);
    socket.pause(); // nothing is read until the WebSocket is open
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    this.webSockets.add(ws);
    let pending: Buffer = Buffer.alloc(0);

    const forward = (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        const end = messageEnd(pending);
        if (end === 0) return;
        // A stream that is not FIX framing: pass it on whole and let the firewall judge it.
        const cut = typeof end === 'number' ? end : pending.length;
        const message = pending.subarray(0, cut);
        pending = pending.subarray(cut);
        record.toFirewall.push(message.toString('latin1').replaceAll('\x01', '|'));
        ws.send(message, { binary: true });
        if (pending.length === 0) return;
      }
    };

    ws.on('open', () => {
      socket.on('data', forward);
      socket.resume();
    });
    ws.on('message', (data: Buffer) => {
      record.fromFirewall.push(data.toString('latin1').replaceAll('\x01', '|'));
      const errors = framingErrors(data);
      this.framingErrors.push(...errors);
      const tamper = this.options.tamper;
      if (!tamper || errors.length > 0) socket.write(data);
      else
        for (const m of messagesOf(data)) socket.write(Buffer.from(tamper(m.toString('latin1')), 'latin1'));
    });
    ws.on('close', (code, reason) => {
      record.wsClose = { code, reason: reason.toString('utf8') };
      this.webSockets.delete(ws);
      socket.end();
    });
    ws.on('error', () => socket.destroy());
    socket.on('end', () => ws.close(1000));
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(1000);
    });
    socket.on('error', () => ws.terminate());
  }

  /** The connection whose first message (its Logon) came from `senderCompId`. */
  connectionOf(senderCompId: string): BridgedConnection | undefined {
    return this.connections.find((c) => c.toFirewall[0]?.includes(`|49=${senderCompId}|`));
  }

  /**
   * Closes the listener and every bridged connection, both sides, in order (a TCP end, not a
   * reset: jspurefix re-emits a socket error after its session has let go of the socket, and
   * nothing would catch it). What has not closed within 2 s is cut.
   */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const ws of this.webSockets) ws.close(1000);
    for (const socket of this.sockets) socket.end();
    const timer = setTimeout(() => {
      for (const ws of this.webSockets) ws.terminate();
      for (const socket of this.sockets) socket.destroy();
    }, 2000);
    await closed;
    clearTimeout(timer);
  }
}
