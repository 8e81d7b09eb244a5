import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/main.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('portcullis command', () => {
  it('prints its help, and exits 2 without a command', async () => {
    const a = capture();
    assert.equal(await main(['--help'], a.io), 0);
    assert.match(a.out.join('\n'), /Usage: portcullis <command>/);
    const b = capture();
    assert.equal(await main([], b.io), 2);
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

  it('order without key material is bad usage', async () => {
    const c = capture();
    assert.equal(
      await main(['order', '--key', 'k', '--symbol', 'BTC-PERP', '--side', 'buy', '--qty', '1'], c.io),
      2,
    );
    assert.match(c.err.join('\n'), /--secret-file/);
  });
});
