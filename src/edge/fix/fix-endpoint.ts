// The /fix WebSocket route (SPEC section 5) on the uWS.js app: connection
// limits (per source address, and on connections awaiting their Logon from all
// addresses), the frame size limit, backpressure, and one FIX session per socket.
//
// uWS.js hands each frame as an ArrayBuffer valid only during the callback:
// the session parses it synchronously and copies only what must outlive it.
// A client that stops reading is cut off once maxBackpressure bytes are
// queued for it (closeOnBackpressureLimit) instead of growing memory.
import type uWS from 'uWebSockets.js';
import { FixSession, maxFrameBytes, type SessionTimers, type SessionTransport } from '../../fix/session.ts';
import { RejectCode, rejectInfo } from '../../pipeline/reject-codes.ts';
import type { EdgeContext } from '../edge-context.ts';
import { peerAddress } from '../peer-address.ts';
import { FixAuthenticator, SenderCompIdClaims } from './fix-authenticator.ts';
import { FixConnection } from './fix-connection.ts';
import { Outbox, OutboxFlusher } from './outbox.ts';

interface SocketData {
  ip: string;
  session: FixSession | null;
  /** Set once the socket is closing or closed: nothing may be written to it after. */
  closed: boolean;
  /** Counted in pendingLogons until its session leaves 'awaiting-logon' or it closes. */
  awaitingLogon: boolean;
  outbox: Outbox | null;
}

/** Bytes queued towards one client beyond which it is disconnected. */
const MAX_BACKPRESSURE_BYTES = 1024 * 1024;
/** The WebSocket route of FIX sessions (SPEC section 5). */
export const FIX_PATH = '/fix';

const timers: SessionTimers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: Date.now,
};

export class FixEndpoint {
  private readonly connectionsPerIp = new Map<string, number>();
  private readonly claims = new SenderCompIdClaims();
  private readonly flusher = new OutboxFlusher();
  private nextConnectionId = 1;
  private open = 0;
  private pendingLogons = 0;
  /** Upgrades refused past a connection limit, numbering their request ids. */
  private refusedUpgrades = 0;
  private readonly sockets = new Set<uWS.WebSocket<SocketData>>();

  constructor(private readonly edge: EdgeContext) {}

  get connections(): number {
    return this.open;
  }

  /** Connections whose session has not logged on yet. */
  get awaitingLogon(): number {
    return this.pendingLogons;
  }

  register(app: uWS.TemplatedApp): void {
    const session = this.edge.runtime.config.session;
    const frameLimit = maxFrameBytes(session.maxMessageBytes);
    // uWS drops a frame above its own limit without a close frame (the client sees 1006).
    // Its limit is set well above the SPEC's, so that the session sees oversized frames
    // and closes them with 1009 itself; only absurd ones (over 16x) are cut by uWS. The
    // price is memory: uWS may buffer up to this much of a frame per connection.
    const maxPayloadLength = Math.max(frameLimit * 16, 512 * 1024);
    const idleTimeout = Math.min(960, Math.ceil((session.maxHeartBtInt * 2.5 + 8) / 4) * 4);
    app.ws<SocketData>(FIX_PATH, {
      maxPayloadLength,
      maxBackpressure: MAX_BACKPRESSURE_BYTES,
      // A boolean at run time; the bundled typings declare it a number.
      closeOnBackpressureLimit: 1,
      idleTimeout,
      upgrade: (res, req, context) => {
        const ip = peerAddress(res);
        const limits = this.edge.runtime.config.limits;
        const refusal =
          (this.connectionsPerIp.get(ip) ?? 0) >= limits.maxConnectionsPerIp
            ? 'too many connections from this address'
            : this.pendingLogons >= limits.maxPendingLogons
              ? 'too many connections awaiting logon'
              : null;
        if (refusal !== null) {
          this.refuseUpgrade(res, ip, refusal);
          return;
        }
        res.upgrade<SocketData>(
          { ip, session: null, closed: false, awaitingLogon: true, outbox: null },
          req.getHeader('sec-websocket-key'),
          req.getHeader('sec-websocket-protocol'),
          req.getHeader('sec-websocket-extensions'),
          context,
        );
      },
      open: (ws) => {
        const data = ws.getUserData();
        this.connectionsPerIp.set(data.ip, (this.connectionsPerIp.get(data.ip) ?? 0) + 1);
        this.open++;
        this.pendingLogons++;
        this.sockets.add(ws);
        const outbox = new Outbox(ws as uWS.WebSocket<unknown>);
        data.outbox = outbox;
        const transport: SessionTransport = {
          send: (bytes) => {
            if (!data.closed) this.flusher.send(outbox, bytes);
          },
          close: (code, reason) => {
            if (data.closed) return;
            data.closed = true;
            outbox.flush(); // the Logout goes out before the close frame
            ws.end(code, reason);
          },
        };
        const config = this.edge.runtime.config.session;
        data.session = new FixSession(
          {
            targetCompId: config.targetCompId,
            recvWindowMs: config.recvWindowMs,
            maxHeartBtInt: config.maxHeartBtInt,
            maxMessageBytes: config.maxMessageBytes,
            logonTimeoutMs: config.logonTimeoutMs,
          },
          transport,
          new FixAuthenticator(this.edge.runtime, this.edge.lockout, this.edge.replay, this.claims, data.ip),
          new FixConnection(this.edge, data.ip, this.nextConnectionId++),
          timers,
        );
      },
      message: (ws, message) => {
        const data = ws.getUserData();
        const session = data.session;
        if (session === null) return;
        session.onFrame(new Uint8Array(message));
        if (data.awaitingLogon && session.state !== 'awaiting-logon') this.loggedOnOrEnded(data);
      },
      close: (ws) => {
        const data = ws.getUserData();
        data.closed = true;
        data.outbox?.discard();
        this.sockets.delete(ws);
        this.open--;
        if (data.awaitingLogon) this.loggedOnOrEnded(data);
        const left = (this.connectionsPerIp.get(data.ip) ?? 1) - 1;
        if (left <= 0) this.connectionsPerIp.delete(data.ip);
        else this.connectionsPerIp.set(data.ip, left);
        data.session?.onTransportClosed();
        data.session = null;
      },
    });
  }

  /** The socket no longer counts as awaiting its Logon. */
  private loggedOnOrEnded(data: SocketData): void {
    data.awaitingLogon = false;
    this.pendingLogons--;
  }

  /** Answers an upgrade past a connection limit: HTTP 429 RATE_LIMITED, as SPEC's table says. */
  private refuseUpgrade(res: uWS.HttpResponse, ip: string, message: string): void {
    const info = rejectInfo(RejectCode.RATE_LIMITED);
    // Named like a REST request, so that the refusal and its log line can be matched.
    const requestId = `fix-upgrade-${(++this.refusedUpgrades).toString(36)}`;
    this.edge.log.info(
      { requestId, ip, status: 429, code: info.code, reason: message },
      'fix upgrade refused',
    );
    res
      .writeStatus('429 Too Many Requests')
      .writeHeader('Content-Type', 'application/json')
      .writeHeader('X-Request-Id', requestId)
      .writeHeader('Retry-After', '1')
      .end(JSON.stringify({ error: { code: info.code, message, requestId } }));
  }

  /** Ends every session (Logout, then close) at shutdown. */
  logoutAll(text: string): void {
    for (const ws of [...this.sockets]) ws.getUserData().session?.logout(text);
  }
}
