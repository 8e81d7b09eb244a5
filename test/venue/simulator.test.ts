import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import { OrderType, Side, type SideValue, TimeInForce } from '../../src/pipeline/request.ts';
import { decodeVenueMessage, VenueEncoder, type VenueMessage } from '../../src/venue/codec.ts';
import { encodeFrame, FrameDecoder } from '../../src/venue/framing.ts';
import { startVenueSimulator, type VenueSimulator } from '../../src/venue/simulator/server.ts';
import { sleep, waitUntil } from './support/wait.ts';

/** A test peer: sends frames, collects decoded messages, waits for them. */
class Peer {
  readonly socket: net.Socket;
  readonly received: VenueMessage[] = [];
  private readonly encoder = new VenueEncoder();
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    const decoder = new FrameDecoder({
      onFrame: (payload) => {
        this.received.push(decodeVenueMessage(payload));
        this.wake();
      },
      onError: (error) => assert.fail(error),
    });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async connect(port: number): Promise<Peer> {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new Peer(socket);
  }

  /** Encodes and writes; Buffer.from copies the encoder's reused bytes before the socket sees them. */
  send(...messages: VenueMessage[]): void {
    this.socket.write(Buffer.concat(messages.map((m) => Buffer.from(this.encoder.encode(m)))));
  }

  newOrder(orderId: number, account: string, side: SideValue, priceTicks: number, qtyLots: number): void {
    this.send({
      kind: 'newOrder',
      requestId: orderId,
      orderId,
      account,
      symbol: 'BTC-USD',
      side,
      type: OrderType.LIMIT,
      tif: TimeInForce.GTC,
      postOnly: false,
      priceTicks,
      qtyLots,
    });
  }

  /** Resolves once `predicate` holds for the received messages (or the socket closed). */
  async until(predicate: (received: VenueMessage[]) => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (this.closed) throw new Error(`peer closed; received ${JSON.stringify(this.received, bigints)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; received ${JSON.stringify(this.received, bigints)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async closedByServer(timeoutMs = 2000): Promise<void> {
    if (this.closed) return;
    await Promise.race([
      once(this.socket, 'close'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('not dropped')), timeoutMs)),
    ]);
  }

  count(kind: VenueMessage['kind']): number {
    return this.received.filter((m) => m.kind === kind).length;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

describe('venue simulator (match mode, real TCP)', () => {
  let sim: VenueSimulator;
  const peers: Peer[] = [];
  const connect = async () => {
    const peer = await Peer.connect(sim.port);
    peers.push(peer);
    return peer;
  };

  before(async () => {
    sim = await startVenueSimulator({ port: 0 });
  });
  after(async () => {
    for (const peer of peers) peer.socket.destroy();
    await sim.close();
  });

  it('answers Hello, acks orders from two accounts and fills both sides', async () => {
    const a = await connect();
    const b = await connect();
    a.send({ kind: 'hello', firewallId: 'fw-a', protocolVersion: 1 });
    b.send({ kind: 'hello', firewallId: 'fw-b', protocolVersion: 1 });
    await a.until((r) => r.some((m) => m.kind === 'hello'));
    await b.until((r) => r.some((m) => m.kind === 'hello'));
    assert.equal(sim.connections, 2);

    a.newOrder(1, 'ACC-A', Side.SELL, 100, 5);
    await a.until((r) => r.some((m) => m.kind === 'ack'));
    b.newOrder(1, 'ACC-B', Side.BUY, 101, 3); // the same orderId on another connection is another order
    await b.until((r) => r.some((m) => m.kind === 'fill') && r.some((m) => m.kind === 'refPrice'));
    await a.until((r) => r.some((m) => m.kind === 'fill') && r.some((m) => m.kind === 'refPrice'));

    const fillA = a.received.find((m) => m.kind === 'fill');
    const fillB = b.received.find((m) => m.kind === 'fill');
    assert.deepEqual(fillA, {
      kind: 'fill',
      orderId: 1,
      qtyLots: 3,
      priceTicks: 100,
      leavesLots: 2,
      tradeId: 1,
    });
    assert.deepEqual(fillB, {
      kind: 'fill',
      orderId: 1,
      qtyLots: 3,
      priceTicks: 100,
      leavesLots: 0,
      tradeId: 1,
    });
    assert.deepEqual(
      b.received.find((m) => m.kind === 'ack'),
      { kind: 'ack', requestId: 1, orderId: 1 },
    );
    assert.deepEqual(a.received.at(-1), { kind: 'refPrice', symbol: 'BTC-USD', priceTicks: 100 });
  });

  it('handles many coalesced requests in one write, answering each', async () => {
    const c = await connect();
    const orders: VenueMessage[] = [];
    for (let i = 1; i <= 200; i++) {
      orders.push({
        kind: 'newOrder',
        requestId: i,
        orderId: i,
        account: 'ACC-C',
        symbol: 'ETH-USD',
        side: i % 2 === 0 ? Side.BUY : Side.SELL,
        type: OrderType.LIMIT,
        tif: TimeInForce.IOC,
        postOnly: false,
        priceTicks: 1000,
        qtyLots: 1,
      });
    }
    c.send(...orders);
    await c.until((r) => r.filter((m) => m.kind === 'ack').length === 200);
    // Odd ids sell into an empty book first (IOC: canceled), even ids then find nothing resting either.
    await c.until((r) => r.filter((m) => m.kind === 'canceled').length === 200);
  });

  it('drops a peer sending a zero-length frame while another connection keeps working', async () => {
    const good = await connect();
    const bad = await connect();
    bad.socket.write(Buffer.alloc(4));
    await bad.closedByServer();
    good.send({ kind: 'heartbeat', requestId: 77, timestampNs: 5n });
    await good.until((r) => r.some((m) => m.kind === 'heartbeat'));
    assert.deepEqual(good.received.at(-1), { kind: 'heartbeat', requestId: 77, timestampNs: 5n });
  });

  it('drops a peer sending an undecodable envelope, an oversized frame, or an event', async () => {
    const garbage = await connect();
    garbage.socket.write(encodeFrame(Buffer.from('this is not a flatbuffer')));
    await garbage.closedByServer();

    const huge = await connect();
    const header = Buffer.alloc(4);
    header.writeUInt32LE(2 * 1024 * 1024);
    huge.socket.write(header);
    await huge.closedByServer();

    const confused = await connect();
    confused.send({ kind: 'ack', requestId: 1, orderId: 1 });
    await confused.closedByServer();

    const good = await connect();
    good.send({ kind: 'cancel', requestId: 3, orderId: 999 });
    await good.until((r) => r.length === 1);
    assert.deepEqual(good.received[0], {
      kind: 'reject',
      requestId: 3,
      orderId: 999,
      reason: 'UNKNOWN_ORDER',
    });
  });

  it('reassembles a frame split across TCP writes', async () => {
    const d = await connect();
    const frame = Buffer.from(new VenueEncoder().heartbeat(9, 1n));
    d.socket.write(frame.subarray(0, 3));
    await new Promise((r) => setTimeout(r, 20));
    d.socket.write(frame.subarray(3));
    await d.until((r) => r.some((m) => m.kind === 'heartbeat'));
  });
});

describe('venue simulator (ack mode)', () => {
  let sim: VenueSimulator;
  let peer: Peer;

  before(async () => {
    sim = await startVenueSimulator({ mode: 'ack' });
    peer = await Peer.connect(sim.port);
  });
  after(async () => {
    peer.socket.destroy();
    await sim.close();
  });

  it('acknowledges every request at once, without matching', async () => {
    assert.equal(sim.engine, null);
    const buy = (id: number): VenueMessage => ({
      kind: 'newOrder',
      requestId: id,
      orderId: id,
      account: 'ACC',
      symbol: 'BTC-USD',
      side: id === 1 ? Side.BUY : Side.SELL,
      type: OrderType.LIMIT,
      tif: TimeInForce.GTC,
      postOnly: false,
      priceTicks: 100,
      qtyLots: 2,
    });
    peer.send(
      buy(1),
      buy(2),
      { kind: 'cancel', requestId: 3, orderId: 1 },
      { kind: 'replace', requestId: 4, orderId: 2, priceTicks: 99, qtyLots: 7 },
      { kind: 'massCancel', requestId: 5, account: 'ACC', symbol: '' },
      { kind: 'heartbeat', requestId: 6, timestampNs: 42n },
    );
    await peer.until((r) => r.length === 6);
    assert.deepEqual(peer.received, [
      { kind: 'ack', requestId: 1, orderId: 1 },
      { kind: 'ack', requestId: 2, orderId: 2 },
      { kind: 'canceled', requestId: 3, orderId: 1 },
      { kind: 'replaced', requestId: 4, orderId: 2, priceTicks: 99, qtyLots: 7, leavesLots: 7 },
      { kind: 'massCancelDone', requestId: 5, count: 0 },
      { kind: 'heartbeat', requestId: 6, timestampNs: 42n },
    ]);
    assert.equal(peer.count('fill'), 0);
  });

  it('closes cleanly with peers connected', async () => {
    const extra = await Peer.connect(sim.port);
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(sim.connections, 2);
    extra.socket.destroy();
  });
});

describe('venue simulator: heartbeats and silence (real TCP)', () => {
  // Short intervals so the tests run fast; the rules are those of the defaults (1 s, 3 s).
  // The timeout is ten intervals, so a busy test process does not look silent.
  const heartbeatMs = 25;
  const silenceTimeoutMs = 250;
  const hello: VenueMessage = { kind: 'hello', firewallId: 'fw-live', protocolVersion: 1 };

  async function setup(t: TestContext): Promise<{ sim: VenueSimulator; connect: () => Promise<Peer> }> {
    const sim = await startVenueSimulator({ heartbeatMs, silenceTimeoutMs });
    const peers: Peer[] = [];
    t.after(async () => {
      for (const peer of peers) peer.socket.destroy();
      await sim.close();
    });
    const connect = async () => {
      const peer = await Peer.connect(sim.port);
      peers.push(peer);
      return peer;
    };
    return { sim, connect };
  }

  /** Heartbeats the simulator sent on its own (request 0), not echoes of the peer's. */
  const ownHeartbeats = (peer: Peer) =>
    peer.received.filter((m) => m.kind === 'heartbeat' && m.requestId === 0).length;

  it('drops a peer silent after its Hello and cancels the order it placed', async (t) => {
    const { sim, connect } = await setup(t);
    const silent = await connect();
    silent.send(hello);
    silent.newOrder(1, 'ACC-A', Side.SELL, 100, 5);
    const lastSentMs = Date.now();
    await silent.until((r) => r.some((m) => m.kind === 'ack'));
    assert.deepEqual(sim.engine!.book('BTC-USD')!.depth(Side.SELL), [
      { priceTicks: 100, totalLots: 5, orderIds: [1] },
    ]);

    await silent.closedByServer();
    assert.ok(Date.now() - lastSentMs >= silenceTimeoutMs, 'not dropped before the silence timeout');
    await waitUntil(() => sim.connections === 0, 'the simulator to close the connection');
    assert.deepEqual(sim.engine!.book('BTC-USD')!.depth(Side.SELL), []);

    // Another connection finds nothing to trade with: its IOC buy is canceled unfilled.
    const buyer = await connect();
    buyer.send(hello, {
      kind: 'newOrder',
      requestId: 1,
      orderId: 1,
      account: 'ACC-B',
      symbol: 'BTC-USD',
      side: Side.BUY,
      type: OrderType.LIMIT,
      tif: TimeInForce.IOC,
      postOnly: false,
      priceTicks: 100,
      qtyLots: 5,
    });
    await buyer.until((r) => r.some((m) => m.kind === 'canceled'));
    assert.equal(buyer.count('fill'), 0);
  });

  it('drops a peer that never says Hello, without heartbeating it', async (t) => {
    const { sim, connect } = await setup(t);
    const mute = await connect();
    await mute.closedByServer();
    assert.deepEqual(mute.received, []);
    await waitUntil(() => sim.connections === 0, 'the simulator to close the connection');
  });

  it('keeps a peer that heartbeats, sends it heartbeats of its own, and drops it once it stops', async (t) => {
    const { sim, connect } = await setup(t);
    const live = await connect();
    live.send(hello);
    live.newOrder(1, 'ACC-A', Side.BUY, 90, 2);
    await live.until((r) => r.some((m) => m.kind === 'ack'));
    let nextId = 1;
    const beating = setInterval(
      () => live.send({ kind: 'heartbeat', requestId: nextId++, timestampNs: 1n }),
      heartbeatMs,
    );
    t.after(() => clearInterval(beating));

    // Up for four silence timeouts, heartbeating both ways.
    await sleep(4 * silenceTimeoutMs);
    assert.equal(live.closed, false);
    assert.equal(sim.connections, 1);
    assert.deepEqual(sim.engine!.book('BTC-USD')!.depth(Side.BUY), [
      { priceTicks: 90, totalLots: 2, orderIds: [1] },
    ]);
    assert.ok(ownHeartbeats(live) >= 5, `${ownHeartbeats(live)} heartbeats from the simulator`);
    // Its own heartbeats are separate from the echoes of ours, which still come.
    assert.ok(live.received.some((m) => m.kind === 'heartbeat' && m.requestId === 1));

    clearInterval(beating);
    await live.closedByServer();
    await waitUntil(() => sim.connections === 0, 'the simulator to close the connection');
    assert.deepEqual(sim.engine!.book('BTC-USD')!.depth(Side.BUY), []);
  });

  it('a stall of the simulator longer than the silence timeout does not drop a peer that kept talking', async (t) => {
    const sim = await startVenueSimulator({ heartbeatMs: 20, silenceTimeoutMs: 100 });
    t.after(() => sim.close());
    // The peer runs in its own process, so its bytes keep arriving while this one stalls: it
    // says Hello and heartbeats every 20 ms, and never gives up on the simulator.
    const peer = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('./src/venue/codec.ts').then(({ VenueEncoder }) => {
          const encoder = new VenueEncoder();
          const socket = require('node:net').connect(${sim.port}, '127.0.0.1', () => {
            socket.write(Buffer.from(encoder.hello('fw-peer', 1)));
            let id = 1;
            setInterval(() => socket.write(Buffer.from(encoder.heartbeat(id++, 0n))), 20);
          });
          socket.on('data', () => {});
        });`,
      ],
      { stdio: 'ignore' },
    );
    t.after(() => peer.kill());
    await waitUntil(() => sim.connections === 1, 'the peer to connect', 10_000);
    await sleep(100); // its Hello and first heartbeats
    const until = Date.now() + 600;
    while (Date.now() < until) {}
    await sleep(60);
    assert.equal(sim.connections, 1, 'the peer is still connected');
  });
});
