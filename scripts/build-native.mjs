#!/usr/bin/env node
// Builds the native addon (build/Release/portcullis.node) with node-gyp.
// Checks the one system dependency first so that a missing libsodium is a
// one-line, actionable message instead of a compiler backtrace.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message) {
  process.stderr.write(`portcullis: ${message}\n`);
  process.exit(1);
}

try {
  execFileSync('pkg-config', ['--exists', 'libsodium'], { stdio: 'ignore' });
} catch {
  fail('libsodium development files not found (pkg-config libsodium); run scripts/setup.sh or `apt-get install -y libsodium-dev pkg-config`');
}

// npm exposes its bundled node-gyp to lifecycle scripts; outside npm, use the one next to npm.
const candidates = [
  process.env.npm_config_node_gyp,
  join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
].filter(Boolean);
const nodeGyp = candidates.find((p) => existsSync(p));
if (!nodeGyp) fail('node-gyp not found; run this through npm (npm run build)');

// Build against the headers installed with this Node when they are there, so
// that no header download is needed (machines without internet access).
const args = [nodeGyp, 'rebuild'];
const nodePrefix = join(dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && existsSync(join(nodePrefix, 'include/node/node_api.h'))) {
  args.push(`--nodedir=${nodePrefix}`);
}

const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (result.status !== 0) fail('native build failed (see the compiler output above)');
