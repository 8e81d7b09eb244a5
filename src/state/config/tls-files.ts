// The certificate and private key that `listen.tls` names. uWS.js reads them when the
// listener is made, and a missing or unusable file then only says "App construction
// failed" (exit 1), after check-config passed it. So they are read at load: each must
// be a readable PEM file (the key not encrypted, as the firewall has no passphrase to
// give), and the key must be the certificate's. Relative paths are taken from the
// configuration file's folder, as `{"file"}` secrets are, so a configuration means the
// same from whatever directory it is started.
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigProblem } from './load.ts';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

const CERT_PATH = '$.listen.tls.certFile';
const KEY_PATH = '$.listen.tls.keyFile';

/** The files as absolute paths, and what is wrong with them (never their contents). */
export function checkTlsFiles(tls: TlsFiles, baseDir: string): { tls: TlsFiles; problems: ConfigProblem[] } {
  const resolved = { certFile: resolve(baseDir, tls.certFile), keyFile: resolve(baseDir, tls.keyFile) };
  const problems: ConfigProblem[] = [];
  const cert = readCertificate(resolved.certFile, tls.certFile);
  const key = readPrivateKey(resolved.keyFile, tls.keyFile);
  if (typeof cert === 'string') problems.push({ path: CERT_PATH, message: cert });
  if (typeof key === 'string') problems.push({ path: KEY_PATH, message: key });
  if (typeof cert !== 'string' && typeof key !== 'string' && !cert.checkPrivateKey(key)) {
    problems.push({
      path: KEY_PATH,
      message: `${tls.keyFile} is not the private key of the certificate in certFile`,
    });
  }
  return { tls: resolved, problems };
}

/** The file's text, or why it cannot be read. */
function readText(file: string, named: string): string | { problem: string } {
  try {
    // PEM is ASCII; latin1 reads any bytes without failing, and the checks below tell the rest.
    return readFileSync(file, 'latin1');
  } catch (error) {
    return { problem: `cannot read ${named}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` };
  }
}

/** The first certificate of the file (a chain may follow it), or why there is none. */
function readCertificate(file: string, named: string): X509Certificate | string {
  const text = readText(file, named);
  if (typeof text !== 'string') return text.problem;
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    return `${named} is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" block)`;
  }
  try {
    return new X509Certificate(text);
  } catch {
    return `${named} holds a certificate block that does not parse`;
  }
}

function readPrivateKey(file: string, named: string): KeyObject | string {
  const text = readText(file, named);
  if (typeof text !== 'string') return text.problem;
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || text.includes('Proc-Type: 4,ENCRYPTED')) {
    return `${named} is encrypted: the firewall has no passphrase to open it`;
  }
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(text)) {
    return `${named} is not a PEM private key (no "-----BEGIN PRIVATE KEY-----" block)`;
  }
  try {
    return createPrivateKey(text);
  } catch {
    return `${named} holds a private key block that does not parse`;
  }
}
