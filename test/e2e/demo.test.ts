// The newcomer's path: `portcullis demo`, then the printed commands, as separate processes.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const CLI = [process.execPath, '--import', 'tsx', 'src/cli.ts'];

describe('portcullis demo', () => {
  let demo: ChildProcess;
  let printed = '';
  const keys = mkdtempSync(join(tmpdir(), 'portcullis-demo-'));

  before(async () => {
    demo = spawn(CLI[0]!, [...CLI.slice(1), 'demo', '--port', '0', '--venue-port', '0', '--keys-dir', keys], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not start:\n${printed}`)), 30_000);
      demo.stdout!.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        if (printed.includes('over FIX')) {
          clearTimeout(timer);
          resolve();
        }
      });
      demo.stderr!.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
      });
      demo.on('exit', (code) => reject(new Error(`demo exited with ${code}:\n${printed}`)));
    });
  });

  after(async () => {
    if (demo.exitCode === null) {
      const exited = new Promise((resolve) => demo.once('exit', resolve));
      demo.kill('SIGINT');
      await exited;
    }
    rmSync(keys, { recursive: true, force: true });
  });

  /** Runs a printed `... order ...` line with this checkout's CLI. */
  function runPrinted(pattern: RegExp) {
    const line = printed.split('\n').find((l) => pattern.test(l));
    assert.ok(line, `no printed command matching ${pattern} in:\n${printed}`);
    const args = line.trim().split(/\s+/);
    const orderAt = args.indexOf('order');
    const result = spawnSync(CLI[0]!, [...CLI.slice(1), ...args.slice(orderAt)], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: result.status, out: result.stdout, err: result.stderr };
  }

  it('prints the endpoints and a command whose order is accepted and filled', () => {
    assert.match(printed, /REST {3}http:\/\/127\.0\.0\.1:\d+\/api\/v1/);
    assert.match(printed, /FIX {4}ws:\/\/127\.0\.0\.1:\d+\/fix/);
    const result = runPrinted(/order .*--price 65000\.5/);
    assert.equal(result.code, 0, result.out + result.err);
    const [placed, state] = result.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(placed.status, 201);
    assert.equal(state.body.status, 'filled');
    assert.equal(state.body.filledQty, '0.01');
  });

  it('prints a command whose order is rejected for a reason', () => {
    const result = runPrinted(/order .*--price 90000/);
    assert.equal(result.code, 1);
    const answer = JSON.parse(result.out.trim().split('\n')[0]!);
    assert.equal(answer.status, 422);
    assert.equal(answer.body.error.code, 'PRICE_COLLAR');
  });

  it('prints a FIX command that trades over an Ed25519 logon', () => {
    const result = runPrinted(/order --fix/);
    assert.equal(result.code, 0, result.out + result.err);
    const reports = result.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).executionReport)
      .filter(Boolean);
    assert.ok(reports.some((r: { execType: string }) => r.execType === '0'));
    assert.ok(
      reports.some((r: { execType: string; ordStatus: string }) => r.execType === 'F' && r.ordStatus === '2'),
    );
  });
});
