// `portcullis start` as an operator runs it: a separate process, its log on stdout,
// SIGHUP to reload, Ctrl-C to stop.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RunningCli, unusedPort } from '../helpers/cli-process.ts';

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
