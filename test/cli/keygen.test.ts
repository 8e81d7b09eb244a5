// `portcullis keygen` as a function: output shape and exit codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keygenCommand } from '../../src/cli/keygen.ts';

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = keygenCommand(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('ed25519: a config entry with a 32-byte public key, and the seed', () => {
  const { code, out } = run(['--type', 'ed25519', '--id', 'mm1-fix', '--account', 'MM1']);
  assert.equal(code, 0);
  const entry = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1));
  assert.equal(entry.id, 'mm1-fix');
  assert.equal(entry.account, 'MM1');
  assert.equal(entry.type, 'ed25519');
  assert.equal(Buffer.from(entry.publicKey, 'base64').length, 32);
  const seed = out.trim().split('\n').at(-1)!;
  assert.equal(Buffer.from(seed, 'base64').length, 32);
  assert.ok(
    !out.includes(seed) || out.indexOf(seed) > out.lastIndexOf('}'),
    'the seed is not in the config entry',
  );
});

test('hmac-sha256: the entry names an environment variable; the secret is printed apart', () => {
  const { code, out } = run(['--type', 'hmac-sha256', '--id', 'mm1-rest']);
  assert.equal(code, 0);
  const entry = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1));
  assert.deepEqual(entry.secret, { env: 'MM1_REST_SECRET' });
  const secret = out.trim().split('\n').at(-1)!;
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
});

test('bad usage exits 2 with the help', () => {
  assert.equal(run([]).code, 2);
  assert.equal(run(['--type', 'rsa']).code, 2);
  assert.equal(run(['--type', 'ed25519', '--id', 'bad id']).code, 2);
  assert.equal(run(['--bogus']).code, 2);
  const help = run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /Usage: portcullis keygen/);
});
