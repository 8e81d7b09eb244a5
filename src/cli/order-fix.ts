// `portcullis order --fix`: one NewOrderSingle over FIX/WebSocket with the SDK's FixClient.
//
// Exit 0 only once the firewall has acknowledged the order (ExecutionReport 150=0 or a fill);
// a refusal, or no answer at all (silence, a Logout, a closed connection), is exit 1. The
// session logs on with cancel-on-disconnect off (8013=N): the order must outlive this
// command's session, as an order placed over REST does, not be canceled by its Logout.
import { randomBytes } from 'node:crypto';
import type { Credentials } from '../client/credentials.ts';
import { FixClient } from '../client/fix-client.ts';
import type { OrderInput } from '../client/rest-client.ts';
import type { CommandIo } from './io.ts';

/** How long the venue's acknowledgement is awaited at least (the firewall's venue timeout is shorter). */
const MIN_ANSWER_WAIT_MS = 5000;

export async function sendFixOrder(
  url: string,
  credentials: Credentials,
  order: OrderInput,
  options: { sender?: string; target?: string },
  waitMs: number,
  io: CommandIo,
): Promise<number> {
  const client = await FixClient.connect({
    url,
    credentials,
    // Random, not the process id: two commands in two containers would share a pid.
    senderCompId: options.sender ?? `cli-${randomBytes(4).toString('hex')}`,
    targetCompId: options.target ?? 'PORTCULLIS',
    cancelOnDisconnect: false,
  });
  let outcome: 'accepted' | 'refused' | null = null;
  let answered: () => void = () => {};
  const answer = new Promise<void>((resolve) => {
    answered = resolve;
  });
  const decide = (value: 'accepted' | 'refused') => {
    if (outcome === null) outcome = value;
    answered();
  };
  client.on('executionReport', (report) => {
    io.out(JSON.stringify({ executionReport: report }));
    if (report.clOrdId === order.clOrdId) decide(report.ordStatus === '8' ? 'refused' : 'accepted');
  });
  client.on('businessReject', (reject) => {
    io.out(JSON.stringify({ businessReject: reject }));
    decide('refused');
  });
  client.on('reject', (reject) => {
    io.out(JSON.stringify({ reject }));
    decide('refused');
  });
  let ended = '';
  let leaving = false;
  client.on('logout', (logout) => {
    if (leaving) return; // the answer to this command's own Logout
    io.out(JSON.stringify({ logout }));
    ended = `the firewall ended the session: ${logout.text ?? 'Logout'}`;
  });
  client.on('close', (close) => {
    ended ||= `the connection closed (${close.code})`;
    answered();
  });
  client.newOrder(order);
  const answerWaitMs = Math.max(waitMs, MIN_ANSWER_WAIT_MS);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([answer, new Promise<void>((resolve) => (timer = setTimeout(resolve, answerWaitMs)))]);
  clearTimeout(timer);
  // Accepted: fills may follow within the wait.
  if (outcome === 'accepted' && client.isActive) await new Promise((resolve) => setTimeout(resolve, waitMs));
  // Why the session ended, if it did before this command's own Logout.
  const why = ended || `nothing within ${answerWaitMs} ms`;
  leaving = true;
  if (client.isActive) await client.logout('done');
  if (outcome === null) {
    io.err(
      `portcullis order: no answer to order ${order.clOrdId} (${why}); its status is unknown (look it up with GET /api/v1/orders/${order.clOrdId})`,
    );
    return 1;
  }
  return outcome === 'accepted' ? 0 : 1;
}
