// A FIX flow: `connections` sessions of the SDK's FixClient (src/client), the
// same client for the firewall and the relay. Orders are NewOrderSingle with a
// unique ClOrdID (prefix + counter); the intended (open loop) or actual
// (closed loop) send time of each is kept in a ring indexed by the counter, and
// the answer (ExecutionReport 150=0, or a reject) is matched by ClOrdID.
import { performance } from 'node:perf_hooks';
import { type Credentials, ed25519PrivateKeyFromSeed } from '../../../src/client/credentials.ts';
import { type ExecutionReport, FixClient } from '../../../src/client/fix-client.ts';
import type { FlowSpec, KeySpec, Target } from '../protocol.ts';
import { SYMBOL, TARGET_COMP_ID } from '../setup.ts';
import { clOrdIdPrefix, ORDER_QTY, priceOf } from './orders.ts';
import type { GroupRecorder } from './recorder.ts';

const RING = 1 << 18;
const MASK = RING - 1;

export function credentialsOf(key: KeySpec): Credentials {
  return key.type === 'hmac-sha256'
    ? { type: 'hmac-sha256', keyId: key.id, secret: key.secret }
    : {
        type: 'ed25519',
        keyId: key.id,
        privateKey: ed25519PrivateKeyFromSeed(Buffer.from(key.secret, 'base64')),
      };
}

export function fixUrl(target: Target): string {
  return `ws://${target.host}:${target.port}/fix`;
}

export class FixFlow {
  private readonly clients: FixClient[] = [];
  private readonly prefix: string;
  private readonly price: string;
  private counter = 0;
  private readonly sentAt = new Float64Array(RING);
  private readonly measured = new Uint8Array(RING);
  private closedLoop = false;
  /** Orders sent and not yet answered. */
  outstanding = 0;

  constructor(
    private readonly spec: FlowSpec,
    private readonly index: number,
    private readonly recorder: GroupRecorder,
  ) {
    if (spec.kind === 'bad-signature')
      throw new Error('FIX flows sign only their Logon: no bad-signature orders');
    this.prefix = clOrdIdPrefix(index);
    this.price = priceOf(spec.kind);
  }

  async connect(target: Target): Promise<void> {
    const credentials = credentialsOf(this.spec.key);
    const senderBase = `${this.spec.key.id.slice(0, 16)}-${this.index}-`.replace(/[^A-Za-z0-9_-]/g, '_');
    const clients = await Promise.all(
      Array.from({ length: this.spec.connections }, (_, i) =>
        FixClient.connect({
          url: fixUrl(target),
          credentials,
          senderCompId: `${senderBase}${i}`,
          targetCompId: TARGET_COMP_ID,
          heartBtInt: 30,
          cancelOnDisconnect: false,
          eventBufferSize: 0,
        }),
      ),
    );
    for (const [i, client] of clients.entries()) {
      this.clients.push(client);
      client.on('executionReport', (er) => this.onReport(i, er));
      client.on('businessReject', (r) => this.onOtherAnswer(`j:${codeOf(r.text)}`));
      client.on('reject', (r) => this.onOtherAnswer(`3:${codeOf(r.text)}`));
      client.on('logout', (l) => this.onOtherAnswer(`logout:${codeOf(l.text)}`));
    }
  }

  /** Open loop: one order on session `i`, intended at `intendedMs`. */
  send(i: number, intendedMs: number): void {
    const client = this.clients[i]!;
    if (!client.isActive) {
      // The session is gone (logged out or closed): an order of the window that cannot be sent is lost.
      if (this.recorder.inWindow(intendedMs)) this.recorder.sent++;
      return;
    }
    const n = this.counter++;
    const slot = n & MASK;
    this.sentAt[slot] = intendedMs;
    const inWindow = this.recorder.inWindow(intendedMs);
    this.measured[slot] = inWindow ? 1 : 0;
    this.outstanding++;
    client.newOrder({
      clOrdId: this.prefix + n,
      symbol: SYMBOL,
      side: 'buy',
      type: 'limit',
      qty: ORDER_QTY,
      price: this.price,
      tif: 'GTC',
    });
    if (inWindow) this.recorder.onSent(performance.now() - intendedMs);
  }

  /** Closed loop: `window` orders outstanding per session, each answer sends the next. */
  startClosedLoop(window: number): void {
    this.closedLoop = true;
    for (let i = 0; i < this.clients.length; i++) {
      for (let w = 0; w < window; w++) this.send(i, performance.now());
    }
  }

  stopClosedLoop(): void {
    this.closedLoop = false;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }

  private onReport(i: number, er: ExecutionReport): void {
    const now = performance.now();
    if (!er.clOrdId.startsWith(this.prefix)) return;
    const n = Number(er.clOrdId.slice(this.prefix.length));
    const slot = n & MASK;
    this.outstanding--;
    if (this.measured[slot] === 1) {
      const accepted = er.execType === '0';
      const answer = accepted ? 'new' : `rejected:${codeOf(er.text)}`;
      this.recorder.onAnswer(now - this.sentAt[slot]!, answer, accepted === (this.spec.kind === 'valid'));
    }
    if (this.closedLoop) this.send(i, now);
  }

  private onOtherAnswer(answer: string): void {
    this.recorder.answers.set(answer, (this.recorder.answers.get(answer) ?? 0) + 1);
  }
}

function codeOf(text: string | undefined): string {
  if (text === undefined) return '?';
  const colon = text.indexOf(':');
  return colon < 0 ? text : text.slice(0, colon);
}
