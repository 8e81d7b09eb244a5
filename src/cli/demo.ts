// `portcullis demo` (what `npm start` runs): the reference venue and the
// firewall with config/demo.json, in-memory state, demo keys generated at the
// first start into .demo/ (ignored by git), a demo market maker quoting
// BTC-PERP, and ready-to-paste commands. Runs until Ctrl-C.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RestClient } from '../client/rest-client.ts';
import { createLogger } from '../control/logger.ts';
import { ConfigError, loadConfigFile } from '../state/config/load.ts';
import type { ConfigInput, KeyConfig } from '../state/config/schema.ts';
import { startVenueSimulator } from '../venue/simulator/server.ts';
import { integerOption } from './integer-option.ts';
import type { CommandIo } from './io.ts';
import { generateKey } from './keygen.ts';
import { loadFirewall } from './load-firewall.ts';
import { logLevelFor } from './log-level.ts';
import { untilSignal } from './signals.ts';

export const DEMO_HELP = `Usage: portcullis demo [--port N] [--venue-port N] [--keys-dir DIR]

Runs the reference venue simulator and the firewall with config/demo.json,
in-memory state, and demo keys generated into .demo/ at the first start.
A demo market maker (account MM2) quotes BTC-PERP so that your orders fill.
Prints the endpoints and a ready-to-paste \`portcullis order\` command.

  --port N        firewall port (default 7400; 0 picks a free one)
  --venue-port N  venue simulator port (default 7401; 0 picks a free one)
  --keys-dir DIR  where the demo keys live (default .demo in the package folder)`;

/** The package root (works from src/ under tsx and from dist/). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface DemoKeys {
  /** Key entries for the config (secrets as files next to it). */
  entries: KeyConfig[];
}

/** Creates the demo keys once; later starts reuse them so pasted commands keep working. */
function ensureDemoKeys(dir: string): DemoKeys {
  const index = join(dir, 'keys.json');
  if (existsSync(index)) return JSON.parse(readFileSync(index, 'utf8')) as DemoKeys;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const entries: KeyConfig[] = [];
  for (const account of ['MM1', 'MM2']) {
    const id = `${account.toLowerCase()}-rest`;
    const rest = generateKey('hmac-sha256', id, account);
    writeFileSync(join(dir, `${id}.secret`), `${rest.privateHalf}\n`, { mode: 0o600 });
    entries.push({ ...rest.entry, secret: { file: `${id}.secret` } } as KeyConfig);
  }
  const fix = generateKey('ed25519', 'mm1-fix', 'MM1');
  writeFileSync(join(dir, 'mm1-fix.seed'), `${fix.privateHalf}\n`, { mode: 0o600 });
  entries.push(fix.entry as KeyConfig);
  const keys: DemoKeys = { entries };
  writeFileSync(index, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

export async function demoCommand(argv: string[], io: CommandIo): Promise<number> {
  let values: { port?: string; 'venue-port'?: string; 'keys-dir'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        'venue-port': { type: 'string' },
        'keys-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.err(`portcullis demo: ${(error as Error).message}\n${DEMO_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(DEMO_HELP);
    return 0;
  }
  // The demo prints to the terminal; the JSON log shows warnings and errors only.
  const level = logLevelFor('demo', io, 'warn');
  if (level === null) return 2;
  // Unset, the ports are config/demo.json's.
  const port = values.port === undefined ? undefined : integerOption(values.port, 0, 65_535);
  const venuePort =
    values['venue-port'] === undefined ? undefined : integerOption(values['venue-port'], 0, 65_535);
  if (port === null || venuePort === null) {
    io.err(
      `portcullis demo: ${port === null ? '--port' : '--venue-port'} must be a decimal integer from 0 to 65535`,
    );
    return 2;
  }
  const dir = resolve(values['keys-dir'] ?? join(ROOT, '.demo'));
  const keys = ensureDemoKeys(dir);
  const config: ConfigInput = JSON.parse(readFileSync(join(ROOT, 'config', 'demo.json'), 'utf8'));
  if (port !== undefined) config.listen.port = port;
  if (venuePort !== undefined) config.venue.port = venuePort;
  config.keys = keys.entries;
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  let loaded: ReturnType<typeof loadConfigFile>;
  try {
    loaded = loadConfigFile(configFile);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) io.err(`${problem.path}: ${problem.message}`);
    return 2;
  }

  // Before the venue starts: a firewall that cannot load leaves nothing to stop.
  const Firewall = await loadFirewall();
  const log = createLogger(level);
  const venue = await startVenueSimulator({
    host: config.venue.host,
    port: config.venue.port,
    mode: 'match',
  });
  const firewall = await Firewall.start({ loaded, log, venuePort: venue.port }).catch(
    async (error: Error) => {
      await venue.close();
      throw error;
    },
  );
  const baseUrl = `http://${config.listen.host}:${firewall.port}`;
  await quoteAsDemoMarketMaker(baseUrl, readFileSync(join(dir, 'mm2-rest.secret'), 'utf8').trim());

  const here = relative(process.cwd(), dir) || '.';
  // In a checkout the command is the built entry point; once installed, the `portcullis` bin.
  const cli = process.cwd() === ROOT ? 'node dist/cli.js' : 'portcullis';
  const common = `--url ${baseUrl} --key mm1-rest --secret-file ${join(here, 'mm1-rest.secret')} --symbol BTC-PERP`;
  io.out(`portcullis demo is running (Ctrl-C stops it)

  REST   ${baseUrl}/api/v1        OpenAPI: ${baseUrl}/openapi.json
  FIX    ws://${config.listen.host}:${firewall.port}/fix   TargetCompID ${config.session.targetCompId}
  venue  ${config.venue.host}:${venue.port} (reference simulator, price-time matching)
  keys   ${here}/  (MM1: mm1-rest HMAC-SHA256, mm1-fix Ed25519; MM2: mm2-rest, the demo market maker)

MM2 quotes BTC-PERP: bid 64999.5, ask 65000.5 (last trade 65000). Try, in another terminal:

  buy, accepted and filled:
    ${cli} order ${common} --side buy --qty 0.01 --price 65000.5

  rejected by the price collar (5% around the reference price):
    ${cli} order ${common} --side buy --qty 0.01 --price 90000

  over FIX (Ed25519 logon):
    ${cli} order --fix --url ws://${config.listen.host}:${firewall.port}/fix --key mm1-fix --seed-file ${join(here, 'mm1-fix.seed')} --symbol BTC-PERP --side sell --qty 0.01 --price 64999.5
`);
  await untilSignal();
  io.out('portcullis demo: stopping');
  await firewall.stop();
  await venue.close();
  return 0;
}

/** MM2 trades with itself once (a reference price) and then quotes both sides, through the firewall. */
async function quoteAsDemoMarketMaker(baseUrl: string, secret: string): Promise<void> {
  const mm2 = new RestClient(baseUrl, { type: 'hmac-sha256', keyId: 'mm2-rest', secret });
  const run = Date.now().toString(36);
  const orders = [
    { clOrdId: `demo-${run}-1`, side: 'sell', qty: '0.001', price: '65000' },
    { clOrdId: `demo-${run}-2`, side: 'buy', qty: '0.001', price: '65000' },
    { clOrdId: `demo-${run}-ask`, side: 'sell', qty: '5', price: '65000.5' },
    { clOrdId: `demo-${run}-bid`, side: 'buy', qty: '5', price: '64999.5' },
  ] as const;
  for (const order of orders) {
    const placed = await mm2.placeOrder({ ...order, symbol: 'BTC-PERP', type: 'limit' });
    if (placed.status !== 201)
      throw new Error(`demo market maker order refused: ${JSON.stringify(placed.body)}`);
  }
}
