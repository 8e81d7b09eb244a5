// Reading a configuration: JSON text → validated Config → secrets resolved.
// Every problem is collected (not just the first) and named by its JSON path,
// so an operator fixes a file in one pass.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatJsonPath } from './json-path.ts';
import { parseConfigText } from './json-text.ts';
import { resolveKeyMaterial } from './key-material.ts';
import {
  type Config,
  checkReferences,
  configSchema,
  entriesOf,
  type KeyConfig,
  keySchema,
  tlsSchema,
} from './schema.ts';
import { checkTlsFiles, type TlsFiles } from './tls-files.ts';

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
  /** Directory that {"file"} secrets and TLS files are relative to (default: the config file's directory, or the cwd). */
  baseDir?: string;
}

/** Validates an already-parsed document; returns the config or every problem. */
export function validateConfig(raw: unknown): { config: Config | null; problems: ConfigProblem[] } {
  const result = configSchema.safeParse(raw);
  const problems: ConfigProblem[] = result.success
    ? []
    : result.error.issues.map((issue) => ({ path: formatJsonPath(issue.path), message: issue.message }));
  const report = (path: (string | number)[], message: string) =>
    problems.push({ path: formatJsonPath(path), message });
  checkReferences(raw, report, result.success ? result.data : null);
  return { config: result.success && problems.length === 0 ? result.data : null, problems };
}

/** Validates a parsed document and resolves its secrets; throws ConfigError with every problem. */
export function loadConfigFromObject(raw: unknown, source: string, options: LoadOptions = {}): LoadedConfig {
  return load(raw, source, options, []);
}

/** loadConfigFromObject, adding the problems its text had (repeated members) to the others. */
function load(
  raw: unknown,
  source: string,
  options: LoadOptions,
  textProblems: ConfigProblem[],
): LoadedConfig {
  const { config, problems: schemaProblems } = validateConfig(raw);
  const problems = [...textProblems, ...schemaProblems];
  const baseDir = options.baseDir ?? process.cwd();
  // Key material and TLS files are checked even when other sections have problems (each
  // entry that is valid on its own), so that one run of check-config lists everything.
  const material = resolveKeyMaterial(
    config ? config.keys : keysValidAlone(raw),
    options.env ?? process.env,
    baseDir,
  );
  problems.push(...material.problems);
  const tls = config ? config.listen.tls : tlsValidAlone(raw);
  const tlsFiles = tls ? checkTlsFiles(tls, baseDir) : null;
  if (tlsFiles) problems.push(...tlsFiles.problems);
  if (!config || problems.length > 0) throw new ConfigError(source, problems);
  // uWS.js opens the files from the process's working directory: give it the resolved paths.
  if (tlsFiles) config.listen.tls = tlsFiles.tls;
  return { config, secrets: material.secrets, warnings: material.warnings };
}

/** The document's "listen.tls" if it is valid on its own, else null. */
function tlsValidAlone(raw: unknown): TlsFiles | null {
  const tls = (raw as { listen?: { tls?: unknown } } | null)?.listen?.tls;
  const result = tlsSchema.safeParse(tls);
  return result.success ? result.data : null;
}

/** Each entry of the document's "keys" that is a valid key on its own, else null. */
function keysValidAlone(raw: unknown): (KeyConfig | null)[] {
  return entriesOf(raw, 'keys', keySchema).map((entry) => entry.parsed);
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
  // Not JSON: nothing more to check. Repeated members are reported with whatever else is wrong.
  if (raw === undefined) throw new ConfigError(file, problems);
  return load(raw, file, { baseDir: dirname(resolve(file)), ...options }, problems);
}
