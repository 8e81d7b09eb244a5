// `portcullis start` as an operator runs it: a separate process, its log on stdout,
// SIGHUP to reload, Ctrl-C to stop.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  ANNOUNCE_SIGNAL_HANDLERS,
  orderStandIn,
  RunningCli,
  untilCatching,
  unusedPort,
} from '../helpers/cli-process.ts';

const demo = JSON.parse(readFileSync('config/demo.json', 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'portcullis-start-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The demo configuration on a free port, with one HMAC key whose secret comes from `secret`. */
async function configWith(secret: Record<string, string>) {
  const key = {
    id: 'mm1-rest',
    account: 'MM1',
    type: 'hmac-sha256',
    secret,
    permissions: ['trade'],
    markets: ['*'],
    cidrs: ['127.0.0.0/8'],
  };
  return {
    ...demo,
    listen: { ...demo.listen, port: 0 },
    venue: { ...demo.venue, port: await unusedPort() },
    keys: [key],
  };
}

describe('portcullis start', () => {
  it('warns about an inline secret on a SIGHUP reload too, without the secret', async () => {
    const file = join(dir, 'inline.json');
    const config = await configWith({ env: 'START_TEST_SECRET' });
    writeFileSync(file, JSON.stringify(config));
    const cli = new RunningCli(['start', '--config', file], { START_TEST_SECRET: 'from-the-environment' });
    try {
      await cli.waitFor(/"msg":"listening"/);
      assert.doesNotMatch(cli.out, /inline secret/);
      writeFileSync(
        file,
        JSON.stringify({ ...config, keys: [{ ...config.keys[0], secret: { value: 'inline-s3cret' } }] }),
      );
      cli.child.kill('SIGHUP');
      await cli.waitFor(/configuration reloaded/);
      const warning = JSON.parse(await cli.waitFor(/inline secret/));
      assert.equal(warning.level, 40);
      assert.equal(warning.path, '$.keys[0].secret');
    } finally {
      const finished = await cli.stop();
      assert.equal(finished.code, 0, finished.err);
      assert.ok(!finished.out.includes('inline-s3cret'));
    }
  });
});

describe('a signal while a command starts', () => {
  const keys = mkdtempSync(join(tmpdir(), 'portcullis-signal-'));
  after(() => rmSync(keys, { recursive: true, force: true }));

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`start: ${signal}, caught before it listens, ends it with exit 0`, async () => {
      const file = join(dir, `signal-${signal}.json`);
      writeFileSync(file, JSON.stringify(await configWith({ env: 'HOME' })));
      const cli = new RunningCli(['start', '--config', file], {}, ANNOUNCE_SIGNAL_HANDLERS);
      const caughtAt = await untilCatching(cli, signal);
      cli.child.kill(signal);
      const listening = JSON.parse(await cli.waitFor(/"msg":"listening"/));
      const finished = await cli.finished();
      assert.deepEqual([finished.code, finished.signal], [0, null], finished.err);
      assert.ok(caughtAt < listening.time, `caught at ${caughtAt}, only once listening at ${listening.time}`);
    });
  }

  it('start: SIGHUP while it starts reloads once it runs', async () => {
    const file = join(dir, 'signal-hup.json');
    writeFileSync(file, JSON.stringify(await configWith({ env: 'HOME' })));
    const cli = new RunningCli(['start', '--config', file], {}, ANNOUNCE_SIGNAL_HANDLERS);
    const caughtAt = await untilCatching(cli, 'SIGHUP');
    cli.child.kill('SIGHUP');
    const listening = JSON.parse(await cli.waitFor(/"msg":"listening"/));
    await cli.waitFor(/configuration reloaded/);
    const finished = await cli.stop('SIGINT');
    assert.deepEqual([finished.code, finished.signal], [0, null], finished.err);
    assert.ok(caughtAt < listening.time, `caught at ${caughtAt}, only once listening at ${listening.time}`);
  });

  it('demo: SIGINT while it starts ends it with exit 0', async () => {
    const cli = new RunningCli(
      ['demo', '--port', '0', '--venue-port', '0', '--keys-dir', keys],
      {},
      ANNOUNCE_SIGNAL_HANDLERS,
    );
    await untilCatching(cli, 'SIGINT');
    const finished = await cli.stop('SIGINT');
    assert.deepEqual([finished.code, finished.signal], [0, null], finished.err);
    // Both on stdout, written synchronously: their order is the order they happened in.
    const runningAt = finished.out.indexOf('demo is running');
    assert.ok(runningAt < 0 || finished.out.indexOf('caught SIGINT') < runningAt, finished.out);
  });

  it('order, which ends on its own, is interrupted with exit 1', async () => {
    // A server that accepts the connection and never answers: the order waits.
    const silent = createServer(() => {}).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const order = ['--key', 'k', '--secret-env', 'HOME', '--symbol', 'X', '--side', 'buy', '--qty', '1'];
      const cli = new RunningCli(['order', '--url', url, ...order]);
      // Not past its end: an order that fails before connecting would leave the wait hanging.
      await Promise.race([
        once(silent, 'connection'),
        cli.finished().then((f) => assert.fail(`order ended before it connected (${f.code}):\n${f.err}`)),
      ]);
      const finished = await cli.stop('SIGINT');
      assert.deepEqual([finished.code, finished.signal], [1, null], finished.err);
      assert.match(finished.err, /portcullis order: interrupted by SIGINT/);
    } finally {
      silent.close();
    }
  });
});

describe('output to a reader that goes away', () => {
  it('order ... | head -1: the rest is dropped quietly and the order keeps its exit code', async () => {
    const standIn = await orderStandIn();
    try {
      const order = ['--key', 'k', '--secret-env', 'HOME', '--symbol', 'X', '--side', 'buy', '--qty', '1'];
      const cli = new RunningCli(['order', '--url', standIn.url, '--wait-ms', '300', ...order]);
      await cli.waitFor(/"status":201/);
      cli.child.stdout!.destroy(); // as `head -1` exits after its line
      const finished = await cli.finished();
      assert.deepEqual([finished.code, finished.signal], [0, null], finished.err);
      assert.equal(finished.err, '');
    } finally {
      standIn.close();
    }
  });
});
