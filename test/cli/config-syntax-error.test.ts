// A configuration file with a JSON syntax error next to a secret: check-config, start
// and a SIGHUP reload all say where the error is, and none of them prints the secret.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RunningCli, runCli, unusedPort } from '../helpers/cli-process.ts';

const SECRET = 'hunter2xyz';
const dir = mkdtempSync(join(tmpdir(), 'portcullis-syntax-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const demo = JSON.parse(readFileSync('config/demo.json', 'utf8'));
/** The demo configuration with an HMAC key whose inline secret lost its quotes on line `line`. */
function brokenText(): string {
  const text = JSON.stringify({ ...demo, keys: [] }, null, 2);
  return text.replace('"keys": []', `"keys": [{ "secret": {"value": ${SECRET}} }]`);
}
const brokenLine =
  brokenText()
    .split('\n')
    .findIndex((l) => l.includes(SECRET)) + 1;

describe('a configuration with a JSON syntax error', () => {
  const file = join(dir, 'broken.json');
  writeFileSync(file, brokenText());

  it('check-config names the line and column, never the text', () => {
    const result = runCli(['check-config', file]);
    assert.equal(result.code, 2);
    assert.match(result.err, new RegExp(`\\$: not valid JSON at line ${brokenLine}, column \\d+: `));
    assert.ok(!(result.out + result.err).includes(SECRET), result.err);
  });

  it('start refuses it with exit 2, never printing the text', () => {
    const result = runCli(['start', '--config', file]);
    assert.equal(result.code, 2);
    assert.match(result.err, new RegExp(`\\$: not valid JSON at line ${brokenLine}, `));
    assert.ok(!(result.out + result.err).includes(SECRET), result.err);
  });

  it('a SIGHUP reload logs the refusal without the text, and the firewall runs on', async () => {
    const good = {
      ...demo,
      listen: { ...demo.listen, port: 0 },
      venue: { ...demo.venue, port: await unusedPort() },
    };
    const live = join(dir, 'live.json');
    writeFileSync(live, JSON.stringify(good));
    const cli = new RunningCli(['start', '--config', live]);
    try {
      await cli.waitFor(/"msg":"listening"/);
      writeFileSync(live, brokenText());
      cli.child.kill('SIGHUP');
      const line = JSON.parse(await cli.waitFor(/reload refused/));
      assert.equal(line.level, 50);
      assert.equal(line.problems[0].path, '$');
      assert.match(line.problems[0].message, new RegExp(`^not valid JSON at line ${brokenLine}, `));
    } finally {
      const finished = await cli.stop('SIGINT');
      assert.equal(finished.code, 0, finished.err);
      assert.ok(!(finished.out + finished.err).includes(SECRET), finished.out);
    }
  });
});
