// `portcullis keygen` as a function: output shape and exit codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { keygenCommand, secretEnvName } from '../../src/cli/keygen.ts';
import { secretSchema } from '../../src/state/config/schema.ts';

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
  assert.deepEqual(entry.secret, { env: 'PORTCULLIS_KEY_MM1__REST_SECRET' });
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

test('the environment variable is a valid name, and every id has its own (property)', () => {
  assert.equal(secretEnvName('9lives'), 'PORTCULLIS_KEY_9LIVES_SECRET');
  const names = ['a.b', 'a-b', 'a_b', 'A-B', 'a--b', 'a_0b'].map(secretEnvName);
  assert.equal(new Set(names).size, names.length, names.join(' '));
  // Short ids over a few characters, so that near-collisions come up often.
  const near = fc.string({
    unit: fc.constantFrom('a', 'A', 'b', '-', '_', '.', '0', '1'),
    minLength: 1,
    maxLength: 6,
  });
  const id = fc.oneof(near, fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/));
  fc.assert(
    fc.property(id, id, (a, b) => {
      const name = secretEnvName(a);
      assert.ok(secretSchema.safeParse({ env: name }).success, name);
      // Names are compared without case: some platforms' environments ignore it.
      if (a !== b) assert.notEqual(name.toUpperCase(), secretEnvName(b).toUpperCase());
    }),
    { numRuns: 2000 },
  );
});

test('an --id or --account that the configuration would refuse is bad usage', () => {
  for (const argv of [
    ['--id', ''],
    ['--id', 'x'.repeat(65)],
    ['--account', ''],
    ['--account', 'MM 1'],
    ['--account', 'a/b'],
    ['--id', '__proto__'],
    ['--account', 'constructor'],
  ]) {
    const result = run(['--type', 'hmac-sha256', ...argv]);
    assert.equal(result.code, 2, argv.join(' '));
    assert.match(result.err, new RegExp(`portcullis keygen: ${argv[0]} must (not )?be`));
    assert.equal(result.out, '');
  }
  assert.equal(run(['--type', 'ed25519', '--id', '9lives', '--account', 'A.b-1_c']).code, 0);
});
