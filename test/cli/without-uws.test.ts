// Where uWebSockets.js cannot load (its prebuilt binary does not fit the machine, as its
// Node.js 22 and 24 builds do not fit Debian 12's glibc), the commands that run no server
// still work, and `start` and `demo` say why they cannot run, leaving nothing running.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { orderStandIn, RunningCli, unusedPort } from '../helpers/cli-process.ts';

const WITHOUT_UWS = ['--import', './test/helpers/uws-unavailable.ts'];
const dir = mkdtempSync(join(tmpdir(), 'portcullis-without-uws-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  return new RunningCli(args, {}, WITHOUT_UWS);
}

/** Whether anything accepts connections on the port. */
async function listening(port: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

const LOAD_FAILURE =
  /^portcullis (start|demo): the HTTP and WebSocket server \(uWebSockets\.js\) does not load with Node\.js v\d+\.\d+\.\d+ on this machine: libc\.so\.6: version `GLIBC_2\.38' not found \(required by uws_linux_x64_127\.node\)$/m;

describe('where uWebSockets.js does not load', () => {
  it('keygen, check-config and --help work', async () => {
    const keygen = await run(['keygen', '--type', 'ed25519', '--id', 'k1', '--account', 'MM1']).finished();
    assert.equal(keygen.code, 0, keygen.err);
    assert.match(keygen.out, /"type": "ed25519"/);

    const check = await run(['check-config', 'config/demo.json']).finished();
    assert.equal(check.code, 0, check.err);
    assert.match(check.out, /config\/demo\.json: valid/);

    for (const args of [['--help'], ['start', '--help'], ['demo', '--help']]) {
      const help = await run(args).finished();
      assert.equal(help.code, 0, `${args.join(' ')}: ${help.err}`);
      assert.match(help.out, /^Usage: portcullis/);
    }
  });

  it('order sends its order, and venue runs the simulator', async () => {
    const standIn = await orderStandIn();
    try {
      const order = ['--key', 'k', '--secret-env', 'HOME', '--symbol', 'X', '--side', 'buy', '--qty', '1'];
      const finished = await run(['order', '--url', standIn.url, '--wait-ms', '0', ...order]).finished();
      assert.equal(finished.code, 0, finished.err);
      assert.match(finished.out, /"status":201/);
    } finally {
      standIn.close();
    }

    const venue = run(['venue', '--port', '0']);
    const line = JSON.parse(await venue.waitFor(/venue simulator listening/));
    assert.ok(await listening(line.port), 'the simulator accepts connections');
    const stopped = await venue.stop('SIGINT');
    assert.deepEqual([stopped.code, stopped.signal], [0, null], stopped.err);
  });

  it('start and demo exit 1 with the loader’s reason', async () => {
    const start = await run(['start', '--config', 'config/demo.json']).finished();
    assert.deepEqual([start.code, start.signal], [1, null], start.err);
    assert.match(start.err, LOAD_FAILURE);
    assert.equal(start.out, '', 'nothing logged as if it ran');

    const args = ['demo', '--port', '0', '--venue-port', String(await unusedPort()), '--keys-dir', dir];
    const demo = await run(args).finished();
    assert.deepEqual([demo.code, demo.signal], [1, null], demo.err);
    assert.match(demo.err, LOAD_FAILURE);
    assert.doesNotMatch(demo.out, /is running/);
  });
});
