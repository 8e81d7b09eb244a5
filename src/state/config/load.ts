// Reading a configuration: JSON text → validated Config → secrets resolved.
// Every problem is collected (not just the first) and named by its JSON path,
// so an operator fixes a file in one pass.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isValidEd25519PublicKey } from '../../native/keys.ts';
import { formatJsonPath } from './json-path.ts';
import { parseConfigText } from './json-text.ts';
import { type Config, configSchema, type SecretSource } from './schema.ts';

export interface ConfigProblem {
  /** JSON path of the offending value, such as `$.keys[1].secret`. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`${source}: invalid configuration\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: Config;
  /** The HMAC secrets by key id, as the UTF-8 bytes of the configured string. */
  secrets: Map<string, Uint8Array>;
  /** Things that work but should not (inline secrets). Never contains a secret. */
  warnings: ConfigProblem[];
}

export interface LoadOptions {
  /** Environment to resolve {"env"} secrets from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Directory that {"file"} secrets are relative to (default: the config file's directory, or the cwd). */
  baseDir?: string;
}

/** Validates an already-parsed document; returns the config or every problem. */
export function validateConfig(raw: unknown): { config: Config | null; problems: ConfigProblem[] } {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    return {
      config: null,
      problems: result.error.issues.map((issue) => ({
        path: formatJsonPath(issue.path),
        message: issue.message,
      })),
    };
  }
  return { config: result.data, problems: [] };
}

/** Resolves the HMAC secrets and checks the Ed25519 keys' points; adds problems and warnings. */
export function resolveKeyMaterial(
  config: Config,
  options: LoadOptions,
): { secrets: Map<string, Uint8Array>; problems: ConfigProblem[]; warnings: ConfigProblem[] } {
  const env = options.env ?? process.env;
  const baseDir = options.baseDir ?? process.cwd();
  const secrets = new Map<string, Uint8Array>();
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  config.keys.forEach((key, i) => {
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
    try {
      // One trailing newline is what editors and `echo` add; it is not part of the secret.
      text = readFileSync(resolve(baseDir, source.file), 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      return `cannot read secret file ${source.file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`;
    }
  } else {
    text = source.value;
  }
  if (text.length === 0) return 'the secret is empty';
  return Buffer.from(text, 'utf8');
}

/** Validates a parsed document and resolves its secrets; throws ConfigError with every problem. */
export function loadConfigFromObject(raw: unknown, source: string, options: LoadOptions = {}): LoadedConfig {
  const { config, problems } = validateConfig(raw);
  if (!config) throw new ConfigError(source, problems);
  const material = resolveKeyMaterial(config, options);
  if (material.problems.length > 0) throw new ConfigError(source, material.problems);
  return { config, secrets: material.secrets, warnings: material.warnings };
}

/** Reads, validates and resolves a configuration file; throws ConfigError with every problem. */
export function loadConfigFile(file: string, options: LoadOptions = {}): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [
      { path: '$', message: `cannot read: ${(error as NodeJS.ErrnoException).code}` },
    ]);
  }
  const { raw, problems } = parseConfigText(text);
  if (problems.length > 0) throw new ConfigError(file, problems);
  return loadConfigFromObject(raw, file, { baseDir: dirname(resolve(file)), ...options });
}
