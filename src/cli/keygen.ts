// `portcullis keygen --type ed25519|hmac-sha256 [--id ID --account ACC]`:
// prints a key entry for the configuration and, separately, the client's
// private half (which the firewall never needs).
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { idText } from '../state/config/schema.ts';
import type { CommandIo } from './io.ts';

export const KEYGEN_HELP = `Usage: portcullis keygen --type ed25519|hmac-sha256 [--id ID] [--account ACCOUNT]

Generates an API key. Prints the entry to add to the configuration's "keys",
and the private half to give to the client (keep it secret).

  --type      ed25519 (signed with a private key) or hmac-sha256 (shared secret)
  --id        key id (default: a random one)
  --account   account the key belongs to (default: MM1)

An hmac-sha256 entry reads its secret from the environment variable
PORTCULLIS_KEY_<ID>_SECRET: the id in capitals, with "-" written "__", "_"
written "_0", "." written "_1" and a capital letter X written "_X", so that
every id has its own variable (mm1-rest: PORTCULLIS_KEY_MM1__REST_SECRET).`;

export interface GeneratedKey {
  entry: Record<string, unknown>;
  /** ed25519: base64 of the 32-byte seed; hmac-sha256: the secret string. */
  privateHalf: string;
}

export function generateKey(type: 'ed25519' | 'hmac-sha256', id: string, account: string): GeneratedKey {
  const common = {
    id,
    account,
    type,
    permissions: ['trade', 'cancel', 'read'],
    markets: ['*'],
    cidrs: ['127.0.0.0/8', '::1/128'],
  };
  if (type === 'ed25519') {
    const { privateKey } = generateKeyPairSync('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const publicKey = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url');
    return {
      entry: { ...common, publicKey: publicKey.toString('base64') },
      privateHalf: Buffer.from(jwk.d!, 'base64url').toString('base64'),
    };
  }
  // 32 random bytes as base64url text: the secret is the UTF-8 bytes of this string.
  const secret = randomBytes(32).toString('base64url');
  return { entry: { ...common, secret: { env: secretEnvName(id) } }, privateHalf: secret };
}

/**
 * The environment variable a key's secret is read from: PORTCULLIS_KEY_<id>_SECRET, the id
 * in capitals and digits. The prefix makes any id a valid name (an id may start with a
 * digit), and every other character of the id is written with "_" and a mark, so that no
 * two ids share a name ("a-b", "a_b", "a.b" and "A-B" would all read A_B), even where
 * variable names are case-insensitive: "-" is "__", "_" is "_0", "." is "_1" and a
 * capital letter X is "_X" (a small letter is written as its capital).
 */
export function secretEnvName(id: string): string {
  const ESCAPES: Record<string, string> = { '-': '__', _: '_0', '.': '_1' };
  let body = '';
  for (const c of id) {
    if (/[a-z0-9]/.test(c)) body += c.toUpperCase();
    else if (/[A-Z]/.test(c)) body += `_${c}`;
    else if (ESCAPES[c]) body += ESCAPES[c];
    else throw new RangeError(`"${id}" is not a key id`);
  }
  return `PORTCULLIS_KEY_${body}_SECRET`;
}

export function keygenCommand(argv: string[], io: CommandIo): number {
  let values: { type?: string; id?: string; account?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        type: { type: 'string' },
        id: { type: 'string' },
        account: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.err(`portcullis keygen: ${(error as Error).message}\n${KEYGEN_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(KEYGEN_HELP);
    return 0;
  }
  if (values.type !== 'ed25519' && values.type !== 'hmac-sha256') {
    io.err(`portcullis keygen: --type must be ed25519 or hmac-sha256\n${KEYGEN_HELP}`);
    return 2;
  }
  const id = values.id ?? `key-${randomBytes(4).toString('hex')}`;
  const account = values.account ?? 'MM1';
  // What the configuration would refuse is bad usage here, not a key to paste and fail on later.
  for (const [option, value] of [
    ['--id', id],
    ['--account', account],
  ] as const) {
    const checked = idText.safeParse(value);
    if (!checked.success) {
      io.err(`portcullis keygen: ${option} ${checked.error.issues[0]!.message}\n${KEYGEN_HELP}`);
      return 2;
    }
  }
  const generated = generateKey(values.type, id, account);
  io.out('# Add to "keys" in the configuration:');
  io.out(JSON.stringify(generated.entry, null, 2));
  if (values.type === 'ed25519') {
    io.out('# Client private key (base64 of the 32-byte Ed25519 seed). Keep it secret:');
  } else {
    const env = (generated.entry.secret as { env: string }).env;
    io.out(
      `# Shared secret: set ${env} to this for the firewall, and give it to the client. Keep it secret:`,
    );
  }
  io.out(generated.privateHalf);
  return 0;
}
