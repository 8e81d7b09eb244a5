// Decoding one inbound NewOrderSingle (SPEC section 5) as a session would:
// parse the frame, then read every field the session and pipeline need.
// Nothing but the ClOrdID (which must outlive the frame) becomes a string;
// quantities and prices stay byte ranges for the exact decimal parser.
//
// The peer, `fix.parse.neworder.jspurefix`, is jspurefix's AsciiParser (the
// FIX engine a TypeScript team would pick) over the same bytes, reading the
// same fields from its message view.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { FixMessage } from '../../src/fix/message.ts';
import { parseNext } from '../../src/fix/parser.ts';
import { Tag } from '../../src/fix/tags.ts';
import type { MicroSuite } from '../lib/suite.ts';

/** The frame as the edge hands it to the parser: a plain Uint8Array over the WebSocket message. */
function newOrderSingle(): Uint8Array {
  const body =
    '35=D\x0149=MM1-A\x0156=PORTCULLIS\x0134=12345\x0152=20261122-14:00:00.123\x0111=mm1-0000012345\x01' +
    '55=BTC-PERP\x0154=1\x0138=1.5\x0140=2\x0144=65000.5\x0159=1\x0160=20261122-14:00:00.120\x01';
  const head = `8=FIX.4.4\x019=${Buffer.byteLength(body, 'latin1')}\x01`;
  const message = Buffer.from(head + body, 'latin1');
  let sum = 0;
  for (const b of message) sum += b;
  const trailer = Buffer.from(`10=${String(sum & 0xff).padStart(3, '0')}\x01`, 'latin1');
  return Uint8Array.from(Buffer.concat([message, trailer]));
}

/** What the peer's view offers (jspurefix ships CommonJS without these types at this path). */
interface PeerView {
  getString(tag: number): string;
  getTyped(tag: number): unknown;
}
interface PeerParser {
  on(event: 'msg', handler: (msgType: string, view: PeerView) => void): void;
  parseBuffer(buffer: Buffer): void;
}

/** jspurefix's parser for FIX 4.4 (QuickFIX dictionary), SOH-delimited, set up as its own bench does. */
async function jspurefixParser(): Promise<PeerParser> {
  const require = createRequire(import.meta.url);
  require('reflect-metadata');
  const root = dirname(require.resolve('jspurefix/package.json'));
  const { SessionContainer } = require('jspurefix/dist/runtime');
  const { DITokens } = require('jspurefix/dist/runtime/di-tokens');
  const { DefinitionFactory } = require('jspurefix/dist/util');
  const { makeSessionScope } = require('jspurefix/dist/runtime/session-scope');
  const { AsciiParser } = require('jspurefix/dist/buffer/ascii/ascii-parser');
  const cwd = process.cwd();
  process.chdir(root); // its dictionaries and session files resolve from its own folder
  try {
    const system = new SessionContainer();
    system.registerGlobal('error');
    // Its sample session, with the QuickFIX FIX 4.4 dictionary it ships as XML (its default,
    // the FIX repository, is unzipped by an install script that we do not run).
    const session = { ...require(`${root}/data/session/test-initiator.json`) };
    session.application = { ...session.application, dictionary: 'qf44' };
    const container = await system.makeSystem(session);
    const config = container.resolve(DITokens.IJsFixConfig);
    config.definitions = await new DefinitionFactory().getDefinitions('qf44');
    config.delimiter = 1;
    const scoped = makeSessionScope(config);
    const c = scoped.sessionContainer;
    return new AsciiParser(scoped, null, c.resolve(DITokens.ParseBuffer), c.resolve(DITokens.maxMessageLen));
  } finally {
    process.chdir(cwd);
  }
}

export const fixParseSuite: MicroSuite = {
  name: 'fix-parse',
  cases: async () => {
    const frame = newOrderSingle();
    const msg = new FixMessage();
    const sender = Uint8Array.from(Buffer.from('MM1-A', 'latin1'));
    const target = Uint8Array.from(Buffer.from('PORTCULLIS', 'latin1'));
    if (parseNext(frame, 0, msg) !== frame.length) throw new Error(`bench setup: parse error ${msg.error}`);

    const peer = await jspurefixParser();
    const peerFrame = Buffer.from(frame); // its parser takes a Buffer
    let peerSink = 0;
    peer.on('msg', (_type, view) => {
      let sink = view.getString(Tag.MsgType).length;
      if (view.getString(Tag.SenderCompID) === 'MM1-A' && view.getString(Tag.TargetCompID) === 'PORTCULLIS')
        sink++;
      sink += view.getTyped(Tag.MsgSeqNum) as number;
      sink += (view.getTyped(Tag.SendingTime) as Date).getTime();
      sink += view.getString(Tag.ClOrdID).length;
      sink += view.getString(Tag.Symbol).length;
      sink += view.getString(Tag.Side).length;
      sink += view.getString(Tag.OrderQty).length;
      sink += view.getString(Tag.OrdType).length;
      sink += view.getString(Tag.Price).length;
      sink += view.getString(Tag.TimeInForce).length;
      sink += (view.getTyped(Tag.TransactTime) as Date).getTime();
      peerSink = sink;
    });
    peer.parseBuffer(peerFrame);
    if (peerSink === 0) throw new Error('bench setup: jspurefix did not decode the message');

    return [
      {
        name: 'fix.parse.neworder.jspurefix',
        batch: 20,
        run: () => {
          peer.parseBuffer(peerFrame);
          return peerSink;
        },
      },
      {
        name: 'fix.parse.neworder',
        batch: 1000,
        run: () => {
          if (parseNext(frame, 0, msg) < 0) return -1;
          // Summed so that no read can be optimized away.
          let sink = msg.getChar(Tag.MsgType);
          if (msg.equals(Tag.SenderCompID, sender) && msg.equals(Tag.TargetCompID, target)) sink++;
          sink += msg.getInt(Tag.MsgSeqNum);
          sink += msg.getUtcTimestampMs(Tag.SendingTime);
          sink += msg.getString(Tag.ClOrdID)!.length;
          sink += msg.valueEnd(Tag.Symbol) - msg.valueStart(Tag.Symbol);
          sink += msg.getChar(Tag.Side);
          sink += msg.valueEnd(Tag.OrderQty) - msg.valueStart(Tag.OrderQty);
          sink += msg.getChar(Tag.OrdType);
          sink += msg.valueEnd(Tag.Price) - msg.valueStart(Tag.Price);
          sink += msg.getChar(Tag.TimeInForce);
          sink += msg.getUtcTimestampMs(Tag.TransactTime);
          return sink;
        },
      },
    ];
  },
  comparisons: [['fix.parse.neworder', 'fix.parse.neworder.jspurefix']],
};
