// The key material a configuration names: HMAC secrets (from the environment, a
// file, or inline) and Ed25519 public keys, which must be usable curve points.
// Problems and warnings name the JSON path and never contain a secret.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isValidEd25519PublicKey } from '../../native/keys.ts';
import { formatJsonPath } from './json-path.ts';
import type { ConfigProblem } from './load.ts';
import type { KeyConfig, SecretSource } from './schema.ts';

/** Refuses bytes that are not UTF-8, and keeps a byte-order mark as the file's first character. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Resolves the HMAC secrets and checks the Ed25519 keys' points. `keys` are the
 * configuration's entries in order (null for one that is invalid, skipped).
 */
export function resolveKeyMaterial(
  keys: readonly (KeyConfig | null)[],
  env: NodeJS.ProcessEnv,
  baseDir: string,
): { secrets: Map<string, Uint8Array>; problems: ConfigProblem[]; warnings: ConfigProblem[] } {
  const secrets = new Map<string, Uint8Array>();
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  keys.forEach((key, i) => {
    if (key === null) return;
    if (key.type === 'ed25519') {
      if (!isValidEd25519PublicKey(Buffer.from(key.publicKey, 'base64'))) {
        problems.push({
          path: formatJsonPath(['keys', i, 'publicKey']),
          message: 'is not a usable Ed25519 public key (not a curve point, or of small order)',
        });
      }
      return;
    }
    const path = formatJsonPath(['keys', i, 'secret']);
    const found = readSecret(key.secret, env, baseDir);
    if (typeof found === 'string') problems.push({ path, message: found });
    else {
      secrets.set(key.id, found);
      if ('value' in key.secret) {
        warnings.push({
          path,
          message: 'inline secret: use {"env": NAME} or {"file": PATH} outside of demos',
        });
      }
    }
  });
  return { secrets, problems, warnings };
}

/** Returns the secret's bytes, or why it could not be read (never the secret itself). */
function readSecret(source: SecretSource, env: NodeJS.ProcessEnv, baseDir: string): Uint8Array | string {
  let text: string | undefined;
  if ('env' in source) {
    text = env[source.env];
    if (text === undefined) return `environment variable ${source.env} is not set`;
  } else if ('file' in source) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(resolve(baseDir, source.file));
    } catch (error) {
      return `cannot read secret file ${source.file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`;
    }
    try {
      // A secret is the UTF-8 bytes of a string: bytes that are not UTF-8 would be read with
      // replacement characters, and the key would silently differ from the file's bytes.
      text = UTF8.decode(bytes);
    } catch {
      return `secret file ${source.file} is not UTF-8 text (an HMAC secret is the UTF-8 bytes of a string)`;
    }
    // One trailing newline is what editors and `echo` add; it is not part of the secret.
    text = text.replace(/\r?\n$/, '');
  } else {
    text = source.value;
  }
  if (text.length === 0) return 'the secret is empty';
  return Buffer.from(text, 'utf8');
}
