import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/main.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

/** `order` with everything it needs but a --url and the option under test. */
function orderArgs(symbol: string): string[] {
  return ['order', '--key', 'k', '--secret-env', 'HOME', '--symbol', symbol, '--side', 'buy', '--qty', '1'];
}

describe('portcullis command', () => {
  it('prints its help, and exits 2 without a command, with the help on stderr', async () => {
    const a = capture();
    assert.equal(await main(['--help'], a.io), 0);
    assert.match(a.out.join('\n'), /Usage: portcullis <command>/);
    const b = capture();
    assert.equal(await main([], b.io), 2);
    assert.deepEqual(b.out, []);
    assert.match(b.err.join('\n'), /Usage: portcullis <command>/);
  });

  it('refuses an unknown command with exit 2', async () => {
    const c = capture();
    assert.equal(await main(['launch'], c.io), 2);
    assert.match(c.err.join('\n'), /unknown command "launch"/);
  });

  for (const command of ['start', 'venue', 'demo', 'keygen', 'check-config', 'order']) {
    it(`${command} --help prints its usage and exits 0; a bad option exits 2`, async () => {
      const help = capture();
      assert.equal(await main([command, '--help'], help.io), 0);
      assert.match(help.out.join('\n'), new RegExp(`Usage: portcullis ${command}`));
      const bad = capture();
      assert.equal(await main([command, '--no-such-option'], bad.io), 2);
    });
  }

  it('start refuses an invalid configuration with exit 2 and the JSON path', async () => {
    const c = capture();
    assert.equal(await main(['start', '--config', 'package.json'], c.io), 2);
    assert.ok(
      c.err.some((line) => line.includes('$: ')),
      c.err.join('\n'),
    );
  });

  it('numeric options take decimal integers only, naming the option otherwise (exit 2)', async () => {
    const order = orderArgs('BTC-PERP');
    // The keys directory of a demo that would start: nothing is written there on bad usage.
    const keysDir = mkdtempSync(join(tmpdir(), 'portcullis-main-'));
    try {
      for (const bad of ['', '1e3', '0x1F', ' 5 ', '+5', '-1', '05', '1.0', '65536', 'seven']) {
        for (const [argv, option] of [
          [['venue', `--port=${bad}`], '--port'],
          [['demo', '--keys-dir', keysDir, `--port=${bad}`], '--port'],
          [['demo', '--keys-dir', keysDir, `--venue-port=${bad}`], '--venue-port'],
          [[...order, `--wait-ms=${bad}`], '--wait-ms'],
        ] as const) {
          if (option === '--wait-ms' && bad === '65536') continue; // a fine number of milliseconds
          const c = capture();
          assert.equal(await main([...argv], c.io), 2, `${argv.join(' ')}`);
          assert.match(c.err.join('\n'), new RegExp(`${option} must be a decimal integer`), argv.join(' '));
        }
      }
      assert.deepEqual(readdirSync(keysDir), []);
    } finally {
      rmSync(keysDir, { recursive: true, force: true });
    }
  });

  it('order with a --url it cannot use is bad usage', async () => {
    const order = orderArgs('X');
    for (const [extra, expected] of [
      [['--url', 'not-a-url'], /--url must be a http:\/\/ or https:\/\/ URL/],
      [['--url', 'ftp://127.0.0.1:7400'], /--url must be a http:\/\/ or https:\/\/ URL/],
      [
        ['--fix', '--url', 'http://127.0.0.1:7400/fix'],
        /--url must be a ws:\/\/ or wss:\/\/ URL \(with --fix\)/,
      ],
    ] as const) {
      const c = capture();
      assert.equal(await main([...order, ...extra], c.io), 2, extra.join(' '));
      assert.match(c.err.join('\n'), expected);
    }
  });

  it('a PORTCULLIS_LOG_LEVEL that names no level is bad usage for the commands that log', async () => {
    const before = process.env.PORTCULLIS_LOG_LEVEL;
    process.env.PORTCULLIS_LOG_LEVEL = 'verbose';
    const keysDir = mkdtempSync(join(tmpdir(), 'portcullis-main-'));
    try {
      for (const argv of [
        ['start', '--config', 'config/demo.json'],
        ['venue'],
        ['demo', '--keys-dir', keysDir],
      ]) {
        const c = capture();
        assert.equal(await main(argv, c.io), 2, argv[0]);
        assert.match(
          c.err.join('\n'),
          /PORTCULLIS_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(not "verbose"\)/,
        );
      }
    } finally {
      if (before === undefined) delete process.env.PORTCULLIS_LOG_LEVEL;
      else process.env.PORTCULLIS_LOG_LEVEL = before;
      rmSync(keysDir, { recursive: true, force: true });
    }
  });

  it('order without key material is bad usage', async () => {
    const c = capture();
    assert.equal(
      await main(['order', '--key', 'k', '--symbol', 'BTC-PERP', '--side', 'buy', '--qty', '1'], c.io),
      2,
    );
    assert.match(c.err.join('\n'), /--secret-file/);
  });
});
