// `portcullis order ...`: sends one signed order from the shell through the
// client SDK (REST by default, FIX over WebSocket with --fix), prints what the
// firewall answered and, when it was accepted, the order's state a moment later.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Credentials, ed25519PrivateKeyFromSeed } from '../client/credentials.ts';
import { type OrderInput, RestClient } from '../client/rest-client.ts';
import { integerOption } from './integer-option.ts';
import type { CommandIo } from './io.ts';

export const ORDER_HELP = `Usage: portcullis order --key ID (--secret-file F | --secret-env NAME | --seed-file F)
                        --symbol SYMBOL --side buy|sell --qty QTY [--price PRICE]
                        [--type limit|market] [--tif GTC|IOC|FOK|DAY] [--post-only]
                        [--clordid ID] [--url URL] [--fix [--sender ID] [--target ID]]

Sends one signed order and prints the answer (JSON). REST by default; --fix
logs on over FIX/WebSocket (URL ws://HOST:PORT/fix) with cancel-on-disconnect
off (8013=N: the order outlives the session), sends a NewOrderSingle and
prints the execution reports; without an answer within 5 s (or --wait-ms) the
order's status is unknown, exit 1. Over REST, a 504 (the venue did not answer in
time) is followed by the order's state at the firewall after --wait-ms, exit 1.

  --key ID          API key id
  --secret-file F   file holding the HMAC-SHA256 secret (hmac-sha256 keys)
  --secret-env NAME environment variable holding the HMAC secret
  --seed-file F     file holding the base64 Ed25519 seed (ed25519 keys)
  --url URL         firewall address (default http://127.0.0.1:7400, or ws://127.0.0.1:7400/fix with --fix)
  --wait-ms N       milliseconds to wait for fills before printing the order (default 300, at most 600000)

Exit codes: 0 accepted, 1 rejected or failed, 2 bad usage.`;

/** Ten minutes: longer than any fill worth waiting for, and well within what setTimeout takes. */
const MAX_WAIT_MS = 600_000;

const OPTIONS = {
  key: { type: 'string' },
  'secret-file': { type: 'string' },
  'secret-env': { type: 'string' },
  'seed-file': { type: 'string' },
  symbol: { type: 'string' },
  side: { type: 'string' },
  qty: { type: 'string' },
  price: { type: 'string' },
  type: { type: 'string' },
  tif: { type: 'string' },
  'post-only': { type: 'boolean' },
  clordid: { type: 'string' },
  url: { type: 'string' },
  fix: { type: 'boolean' },
  sender: { type: 'string' },
  target: { type: 'string' },
  'wait-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

export async function orderCommand(argv: string[], io: CommandIo): Promise<number> {
  let values: Values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS }));
  } catch (error) {
    io.err(`portcullis order: ${(error as Error).message}\n${ORDER_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(ORDER_HELP);
    return 0;
  }
  const usage = (message: string) => {
    io.err(`portcullis order: ${message}\n${ORDER_HELP}`);
    return 2;
  };
  if (!values.key) return usage('--key is required');
  if (!values.symbol || !values.side || !values.qty) return usage('--symbol, --side and --qty are required');
  if (values.side !== 'buy' && values.side !== 'sell') return usage('--side must be buy or sell');
  const type = values.type ?? (values.price === undefined ? 'market' : 'limit');
  if (type !== 'limit' && type !== 'market') return usage('--type must be limit or market');
  const tif = values.tif ?? 'GTC';
  if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK' && tif !== 'DAY')
    return usage('--tif must be GTC, IOC, FOK or DAY');
  const waitMs = integerOption(values['wait-ms'] ?? '300', 0, MAX_WAIT_MS);
  if (waitMs === null)
    return usage(`--wait-ms must be a decimal integer from 0 to ${MAX_WAIT_MS} (milliseconds)`);

  const url = values.url ?? (values.fix ? 'ws://127.0.0.1:7400/fix' : 'http://127.0.0.1:7400');
  const schemes = values.fix ? ['ws:', 'wss:'] : ['http:', 'https:'];
  if (!schemes.includes(URL.canParse(url) ? new URL(url).protocol : '')) {
    return usage(
      `--url must be a ${schemes.map((s) => `${s}//`).join(' or ')} URL${values.fix ? ' (with --fix)' : ''}`,
    );
  }

  let credentials: Credentials;
  try {
    credentials = credentialsFrom(values);
  } catch (error) {
    return usage((error as Error).message);
  }
  const order: OrderInput = {
    clOrdId: values.clordid ?? `cli-${randomBytes(6).toString('hex')}`,
    symbol: values.symbol,
    side: values.side,
    type,
    qty: values.qty,
    ...(values.price !== undefined ? { price: values.price } : {}),
    tif,
    ...(values['post-only'] ? { postOnly: true } : {}),
  };
  try {
    if (values.fix) {
      const { sendFixOrder } = await import('./order-fix.ts');
      return await sendFixOrder(url, credentials, order, values, waitMs, io);
    }
    return await sendRestOrder(url, credentials, order, waitMs, io);
  } catch (error) {
    // fetch says only "fetch failed": its cause says why (refused, unresolvable, timed out).
    const cause = (error as Error).cause;
    const why =
      cause instanceof Error ? `${(error as Error).message}: ${cause.message}` : (error as Error).message;
    io.err(
      `portcullis order: ${why} (clOrdId ${order.clOrdId}; if the order went out, look it up by that id)`,
    );
    return 1;
  }
}

function credentialsFrom(values: Values): Credentials {
  const keyId = values.key!;
  if (values['seed-file']) {
    const seed = Buffer.from(readFileSync(values['seed-file'], 'utf8').trim(), 'base64');
    return { type: 'ed25519', keyId, privateKey: ed25519PrivateKeyFromSeed(seed) };
  }
  let secret: string | undefined;
  if (values['secret-file']) secret = readFileSync(values['secret-file'], 'utf8').replace(/\r?\n$/, '');
  else if (values['secret-env']) secret = process.env[values['secret-env']];
  if (!secret) throw new Error('give the key material: --secret-file, --secret-env or --seed-file');
  return { type: 'hmac-sha256', keyId, secret };
}

async function sendRestOrder(
  url: string,
  credentials: Credentials,
  order: OrderInput,
  waitMs: number,
  io: CommandIo,
): Promise<number> {
  const client = new RestClient(url, credentials);
  const placed = await client.placeOrder(order);
  io.out(JSON.stringify({ status: placed.status, body: placed.body }));
  if (placed.status === 504) {
    // VENUE_TIMEOUT: the firewall forwarded the order and counts it as live, but the venue
    // has not said whether it took it. Read it back, so the user sees where it stands and
    // under which id to look again.
    io.err(
      `portcullis order: the venue did not answer in time; order ${order.clOrdId} may be live. Its state at the firewall after ${waitMs} ms follows ("new" until the venue answers).`,
    );
    await printState(client, order.clOrdId, waitMs, io, 'its state could not be read');
    return 1;
  }
  if (placed.status !== 201) return 1;
  // The order is accepted: that is the exit code, even if reading its state back fails.
  await printState(client, order.clOrdId, waitMs, io, 'accepted, but its state could not be read');
  return 0;
}

/** Prints the order's state as the firewall has it `waitMs` from now (or why it could not). */
async function printState(
  client: RestClient,
  clOrdId: string,
  waitMs: number,
  io: CommandIo,
  failure: string,
): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  try {
    const state = await client.getOrder(clOrdId);
    io.out(JSON.stringify({ status: state.status, body: state.body }));
  } catch (error) {
    io.err(`portcullis order: ${failure}: ${(error as Error).message} (clOrdId ${clOrdId})`);
  }
}
