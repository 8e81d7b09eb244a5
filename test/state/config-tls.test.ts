// listen.tls: the certificate and key files are read at load (readable, PEM, the key the
// certificate's), relative to the configuration file's folder, and named by JSON path.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfigFile, loadConfigFromObject } from '../../src/state/config/load.ts';
import { RunningCli, runCli, unusedPort } from '../helpers/cli-process.ts';

const demo = JSON.parse(readFileSync('config/demo.json', 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'portcullis-tls-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed certificate and its key, as PEM files in `folder`. */
function makeCertificate(folder: string, name: string): { certFile: string; keyFile: string } {
  mkdirSync(folder, { recursive: true });
  const certFile = join(folder, `${name}.crt`);
  const keyFile = join(folder, `${name}.key`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ]),
    { stdio: 'ignore' },
  );
  return { certFile, keyFile };
}

const first = makeCertificate(dir, 'first');
const second = makeCertificate(dir, 'second');

function problemsWith(tls: { certFile: string; keyFile: string }): string[] {
  try {
    loadConfigFromObject({ ...demo, listen: { ...demo.listen, tls } }, 'test', { baseDir: dir });
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

describe('listen.tls files', () => {
  it('accepts a readable PEM certificate with its key', () => {
    assert.deepEqual(problemsWith(first), []);
    assert.deepEqual(problemsWith({ certFile: 'first.crt', keyFile: 'first.key' }), []);
  });

  it('names the path of a file that is missing, not PEM, encrypted, or not the pair', () => {
    writeFileSync(join(dir, 'text.pem'), 'hello\n');
    writeFileSync(join(dir, 'garbled.crt'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    execFileSync('openssl', [
      'pkey',
      '-in',
      first.keyFile,
      '-aes256',
      '-passout',
      'pass:pw',
      '-out',
      join(dir, 'enc.key'),
    ]);
    const cases: [{ certFile: string; keyFile: string }, RegExp][] = [
      [
        { ...first, certFile: 'missing.crt' },
        /^\$\.listen\.tls\.certFile: cannot read missing\.crt: ENOENT$/,
      ],
      [{ ...first, keyFile: 'missing.key' }, /^\$\.listen\.tls\.keyFile: cannot read missing\.key: ENOENT$/],
      [{ ...first, certFile: 'text.pem' }, /^\$\.listen\.tls\.certFile: text\.pem is not a PEM certificate/],
      [{ ...first, certFile: 'garbled.crt' }, /^\$\.listen\.tls\.certFile: .* does not parse/],
      [{ ...first, keyFile: first.certFile }, /^\$\.listen\.tls\.keyFile: .* is not a PEM private key/],
      [{ ...first, keyFile: 'enc.key' }, /^\$\.listen\.tls\.keyFile: enc\.key is encrypted/],
      [
        { ...first, keyFile: second.keyFile },
        /^\$\.listen\.tls\.keyFile: .* is not the private key of the certificate/,
      ],
      [{ certFile: '.', keyFile: first.keyFile }, /^\$\.listen\.tls\.certFile: cannot read \.: EISDIR$/],
    ];
    for (const [tls, expected] of cases) {
      const problems = problemsWith(tls);
      assert.ok(
        problems.some((p) => expected.test(p)),
        `${expected} in ${JSON.stringify(problems)}`,
      );
    }
  });

  it('checks the files even when other sections have problems', () => {
    const config = { ...demo, listen: { ...demo.listen, tls: { ...first, certFile: 'missing.crt' } } };
    config.markets = [{ ...demo.markets[0], tickSize: 'x' }];
    assert.throws(
      () => loadConfigFromObject(config, 'test', { baseDir: dir }),
      (error: ConfigError) =>
        error.problems.some((p) => p.path === '$.markets[0].tickSize') &&
        error.problems.some((p) => p.path === '$.listen.tls.certFile'),
    );
  });

  it('reads relative paths from the configuration file folder, whatever the working directory', async () => {
    const folder = join(dir, 'conf');
    makeCertificate(join(folder, 'tls'), 'server');
    const file = join(folder, 'portcullis.json');
    const tls = { certFile: 'tls/server.crt', keyFile: 'tls/server.key' };
    const venue = { ...demo.venue, port: await unusedPort() };
    writeFileSync(file, JSON.stringify({ ...demo, venue, listen: { ...demo.listen, port: 0, tls } }));
    const loaded = loadConfigFile(file);
    assert.equal(loaded.config.listen.tls?.certFile, join(folder, 'tls', 'server.crt'));
    assert.equal(loaded.config.listen.tls?.keyFile, join(folder, 'tls', 'server.key'));

    // The real command, started from another directory, serves TLS with them.
    const cli = new RunningCli(['start', '--config', file]);
    try {
      const listening = JSON.parse(await cli.waitFor(/"msg":"listening"/));
      assert.equal(listening.tls, true);
    } finally {
      assert.equal((await cli.stop()).code, 0);
    }
  });

  it('check-config and start refuse a missing certificate with exit 2 and the path', () => {
    const file = join(dir, 'missing.json');
    const tls = { certFile: 'nowhere.crt', keyFile: first.keyFile };
    writeFileSync(file, JSON.stringify({ ...demo, listen: { ...demo.listen, tls } }));
    for (const args of [
      ['check-config', file],
      ['start', '--config', file],
    ]) {
      const result = runCli(args);
      assert.equal(result.code, 2, result.err);
      assert.match(result.err, /\$\.listen\.tls\.certFile: cannot read nowhere\.crt: ENOENT/);
    }
  });
});
