// `portcullis keygen --type ed25519|hmac-sha256 [--id ID --account ACC]`:
// prints a key entry for the configuration and, separately, the client's
// private half (which the firewall never needs).
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { CommandIo } from './io.ts';

export const KEYGEN_HELP = `Usage: portcullis keygen --type ed25519|hmac-sha256 [--id ID] [--account ACCOUNT]

Generates an API key. Prints the entry to add to the configuration's "keys",
and the private half to give to the client (keep it secret).

  --type      ed25519 (signed with a private key) or hmac-sha256 (shared secret)
  --id        key id (default: a random one)
  --account   account the key belongs to (default: MM1)`;

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
  const envName = `${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_SECRET`;
  return { entry: { ...common, secret: { env: envName } }, privateHalf: secret };
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
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id)) {
    io.err('portcullis keygen: --id must be 1-64 characters of A-Z a-z 0-9 _ . -');
    return 2;
  }
  const generated = generateKey(values.type, id, values.account ?? 'MM1');
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
