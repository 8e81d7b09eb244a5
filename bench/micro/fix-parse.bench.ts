// Decoding one inbound NewOrderSingle (SPEC section 5) as a session would:
// parse the frame, then read every field the session and pipeline need.
// Nothing but the ClOrdID (which must outlive the frame) becomes a string;
// quantities and prices stay byte ranges for the exact decimal parser.
//
// TODO(peer): add `fix.parse.neworder.jspurefix` (jspurefix's AsciiParser over
// the same bytes, reading the same fields) and the comparison
// ['fix.parse.neworder', 'fix.parse.neworder.jspurefix'] once jspurefix is a
// devDependency; it is not installed today.
import { FixMessage } from '../../src/fix/message.ts';
import { parseNext } from '../../src/fix/parser.ts';
import { Tag } from '../../src/fix/tags.ts';
import type { MicroSuite } from '../lib/suite.ts';

function newOrderSingle(): Buffer {
  const body =
    '35=D\x0149=MM1-A\x0156=PORTCULLIS\x0134=12345\x0152=20261122-14:00:00.123\x0111=mm1-0000012345\x01' +
    '55=BTC-PERP\x0154=1\x0138=1.5\x0140=2\x0144=65000.5\x0159=1\x0160=20261122-14:00:00.120\x01';
  const head = `8=FIX.4.4\x019=${Buffer.byteLength(body, 'latin1')}\x01`;
  const message = Buffer.from(head + body, 'latin1');
  let sum = 0;
  for (const b of message) sum += b;
  return Buffer.concat([message, Buffer.from(`10=${String(sum & 0xff).padStart(3, '0')}\x01`, 'latin1')]);
}

export const fixParseSuite: MicroSuite = {
  name: 'fix-parse',
  cases: () => {
    const frame = newOrderSingle();
    const msg = new FixMessage();
    const sender = Buffer.from('MM1-A', 'latin1');
    const target = Buffer.from('PORTCULLIS', 'latin1');
    if (parseNext(frame, 0, msg) !== frame.length) throw new Error(`bench setup: parse error ${msg.error}`);

    return [
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
  comparisons: [],
};
