// `portcullis order --fix`: one NewOrderSingle over FIX/WebSocket with the SDK's FixClient.
import type { Credentials } from '../client/credentials.ts';
import { FixClient } from '../client/fix-client.ts';
import type { OrderInput } from '../client/rest-client.ts';
import type { CommandIo } from './io.ts';

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
    senderCompId: options.sender ?? `cli-${process.pid}`,
    targetCompId: options.target ?? 'PORTCULLIS',
  });
  let accepted = true;
  client.on('executionReport', (report) => {
    io.out(JSON.stringify({ executionReport: report }));
    if (report.ordStatus === '8') accepted = false;
  });
  client.on('businessReject', (reject) => {
    io.out(JSON.stringify({ businessReject: reject }));
    accepted = false;
  });
  client.on('reject', (reject) => {
    io.out(JSON.stringify({ reject }));
    accepted = false;
  });
  client.newOrder(order);
  await new Promise((resolve) => setTimeout(resolve, Math.max(waitMs, 200)));
  await client.logout('done');
  return accepted ? 0 : 1;
}
