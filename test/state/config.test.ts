import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { checkConfigCommand } from '../../src/cli/check-config.ts';
import { registeredKeyCount, verifyHmacSha256 } from '../../src/native/keys.ts';
import { Kyc } from '../../src/state/accounts.ts';
import { Permission } from '../../src/state/api-keys.ts';
import {
  ConfigError,
  loadConfigFile,
  loadConfigFromObject,
  validateConfig,
} from '../../src/state/config/load.ts';
import type { FirewallModel } from '../../src/state/firewall-model.ts';
import { MarketStatus } from '../../src/state/markets.ts';
import { FirewallRuntime } from '../../src/state/runtime.ts';

const demo = JSON.parse(readFileSync('config/demo.json', 'utf8'));
const ENV = { MM1_REST_SECRET: 'rest-secret', MM1_READONLY_SECRET: 'readonly-secret' };
const ED25519_PUBLIC = '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='; // RFC 8032 test 1

function baseConfig() {
  const config = structuredClone(demo);
  config.keys = [
    {
      id: 'mm1-fix',
      account: 'MM1',
      type: 'ed25519',
      publicKey: ED25519_PUBLIC,
      permissions: ['trade', 'cancel', 'read'],
      markets: ['*'],
      cidrs: ['127.0.0.0/8'],
    },
    {
      id: 'mm1-rest',
      account: 'MM1',
      type: 'hmac-sha256',
      secret: { env: 'MM1_REST_SECRET' },
      permissions: ['trade'],
      markets: ['BTC-PERP'],
      cidrs: ['127.0.0.0/8', '::1/128'],
      notBefore: '2026-01-01T00:00:00Z',
      expiresAt: '2027-01-01T00:00:00Z',
    },
  ];
  return config;
}

function problemsOf(mutate: (config: ReturnType<typeof baseConfig>) => void) {
  const config = baseConfig();
  mutate(config);
  try {
    loadConfigFromObject(config, 'test', { env: ENV });
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

const tempDir = mkdtempSync(join(tmpdir(), 'portcullis-config-'));
after(() => rmSync(tempDir, { recursive: true, force: true }));

describe('configuration', () => {
  it('accepts the shipped demo and example configurations', () => {
    assert.deepEqual(validateConfig(demo).problems, []);
    const example = loadConfigFile('config/example.json', { env: ENV });
    assert.equal(example.config.keys.length, 3);
    assert.equal(Buffer.from(example.secrets.get('mm1-rest')!).toString(), 'rest-secret');
  });

  it('names the JSON path of each problem', () => {
    const cases: [(c: ReturnType<typeof baseConfig>) => void, RegExp][] = [
      [(c) => (c.markets[0].tickSze = '1'), /^\$\.markets\[0\]: .*tickSze/],
      [(c) => (c.markets[0].tickSize = '0.5.0'), /^\$\.markets\[0\]\.tickSize: /],
      [(c) => (c.markets[0].tickSize = '0'), /^\$\.markets\[0\]\.tickSize: .*greater than zero/],
      [(c) => (c.markets[0].minQty = '0.0015'), /^\$\.markets\[0\]\.minQty: .*lotSize 0\.001/],
      [(c) => (c.markets[0].maxQty = '0'), /^\$\.markets\[0\]\.maxQty: must not be below minQty/],
      [(c) => (c.markets[0].collarBps = -1), /^\$\.markets\[0\]\.collarBps: /],
      [(c) => (c.markets[0].status = 'paused'), /^\$\.markets\[0\]\.status: /],
      [(c) => c.markets.push(structuredClone(c.markets[0])), /^\$\.markets\[2\]\.symbol: duplicate symbol/],
      [(c) => (c.accounts[0].kyc = 'yes'), /^\$\.accounts\[0\]\.kyc: /],
      [(c) => (c.accounts[0].limits.burst = 0), /^\$\.accounts\[0\]\.limits\.burst: /],
      [
        (c) => (c.accounts[0].limits.maxPosition = { 'SOL-PERP': '1' }),
        /^\$\.accounts\[0\]\.limits\.maxPosition\["SOL-PERP"\]: unknown market/,
      ],
      [(c) => (c.accounts[1].id = 'MM1'), /^\$\.accounts\[1\]\.id: duplicate account/],
      [(c) => (c.keys[0].account = 'NOPE'), /^\$\.keys\[0\]\.account: unknown account "NOPE"/],
      [(c) => (c.keys[1].markets = ['BTC-PERP', 'X']), /^\$\.keys\[1\]\.markets\[1\]: unknown market "X"/],
      [(c) => (c.keys[0].cidrs = ['10.0.0.0/33']), /^\$\.keys\[0\]\.cidrs\[0\]: /],
      [
        (c) => (c.keys[0].cidrs = ['127.0.0.0/8', '127.1.2.3/8']),
        /^\$\.keys\[0\]\.cidrs\[1\]: "127\.1\.2\.3\/8" has bits set past its \/8 prefix: write the network 127\.0\.0\.0\/8, or the host alone as 127\.1\.2\.3\/32$/,
      ],
      [
        (c) => (c.keys[0].cidrs = ['2001:db8::1/32']),
        /^\$\.keys\[0\]\.cidrs\[0\]: .* write the network 2001:db8::\/32, or the host alone as 2001:db8::1\/128$/,
      ],
      [(c) => (c.keys[0].cidrs = ['10.0.0.0/008']), /^\$\.keys\[0\]\.cidrs\[0\]: .*malformed prefix length/],
      [
        (c) => (c.keys[1].markets = ['BTC-PERP', 'ETH-PERP', 'BTC-PERP']),
        /^\$\.keys\[1\]\.markets\[2\]: "BTC-PERP" is listed twice$/,
      ],
      [(c) => (c.keys[0].permissions = ['trade', 'admin']), /^\$\.keys\[0\]\.permissions\[1\]: /],
      [(c) => (c.keys[0].type = 'rsa'), /^\$\.keys\[0\]\.type: /],
      [
        (c) => (c.keys[0].publicKey = 'AAAA'),
        /^\$\.keys\[0\]\.publicKey: must be base64 of exactly 32 bytes/,
      ],
      [
        (c) => (c.keys[0].publicKey = Buffer.alloc(32).toString('base64')),
        /^\$\.keys\[0\]\.publicKey: is not a usable Ed25519 public key/,
      ],
      [
        (c) => (c.keys[1].expiresAt = '2025-01-01T00:00:00Z'),
        /^\$\.keys\[1\]\.expiresAt: must be after notBefore/,
      ],
      [(c) => (c.keys[1].notBefore = 'tomorrow'), /^\$\.keys\[1\]\.notBefore: /],
      [
        (c) => (c.keys[1].secret = { env: 'UNSET_SECRET' }),
        /^\$\.keys\[1\]\.secret: environment variable UNSET_SECRET/,
      ],
      [(c) => (c.keys[1].secret = { vault: 'x' }), /^\$\.keys\[1\]\.secret: must be/],
      [(c) => (c.keys[1].id = 'mm1-fix'), /^\$\.keys\[1\]\.id: duplicate key/],
      [(c) => (c.markets[1].symbol = '__proto__'), /^\$\.markets\[1\]\.symbol: must not be "__proto__"/],
      [(c) => (c.accounts[1].id = 'constructor'), /^\$\.accounts\[1\]\.id: must not be "__proto__"/],
      [(c) => (c.keys[0].id = 'prototype'), /^\$\.keys\[0\]\.id: must not be "__proto__"/],
      [
        // As JSON.parse reads it: an own property, which zod's record would skip unread.
        (c) => (c.accounts[0].limits.maxPosition = JSON.parse('{"__proto__": "1"}')),
        /^\$\.accounts\[0\]\.limits\.maxPosition\.__proto__: must not be "__proto__"/,
      ],
      [
        (c) => (c.accounts[0].limits.maxPosition = { constructor: '1' }),
        /^\$\.accounts\[0\]\.limits\.maxPosition\.constructor: unknown market/,
      ],
      [(c) => (c.listen.port = 70000), /^\$\.listen\.port: /],
      [(c) => (c.state.backend = 'redis'), /^\$\.state\.backend: /],
      [(c) => (c.session.extra = 1), /^\$\.session: .*extra/],
    ];
    for (const [mutate, expected] of cases) {
      const problems = problemsOf(mutate);
      assert.ok(
        problems.some((p) => expected.test(p)),
        `expected ${expected} in ${JSON.stringify(problems)}`,
      );
    }
  });

  it('reports every problem at once, never a secret', () => {
    const problems = problemsOf((c) => {
      c.markets[0].lotSize = 'x';
      c.accounts[0].kyc = 'no';
      c.keys[0].cidrs = ['bad'];
    });
    assert.ok(problems.length >= 3, JSON.stringify(problems));
  });

  it('checks the secrets and public keys of valid key entries even when other sections have problems', () => {
    const problems = problemsOf((c) => {
      c.markets[0].lotSize = 'x';
      c.keys[0].publicKey = Buffer.alloc(32).toString('base64');
      c.keys[1].secret = { env: 'UNSET_SECRET' };
      c.keys.push({ ...c.keys[1], id: 'broken', cidrs: [] });
    });
    assert.ok(problems.some((p) => p.startsWith('$.markets[0].lotSize: ')));
    assert.ok(problems.some((p) => p.startsWith('$.keys[0].publicKey: is not a usable Ed25519 public key')));
    assert.ok(problems.some((p) => p.startsWith('$.keys[1].secret: environment variable UNSET_SECRET')));
    // The invalid entry is reported by the schema, and its secret is not looked at.
    assert.ok(problems.some((p) => p.startsWith('$.keys[2].cidrs: ')));
    assert.ok(!problems.some((p) => p.startsWith('$.keys[2].secret')), JSON.stringify(problems));
  });

  it('checks references, uniqueness and steps even when other sections have problems', () => {
    const problems = problemsOf((c) => {
      c.listen.port = 'x';
      c.markets.push({ ...c.markets[0], maxQty: '0' });
      c.accounts.push({ ...c.accounts[0] });
      c.keys[0].account = 'NOBODY';
    });
    const symbol = demo.markets[0].symbol;
    const account = demo.accounts[0].id;
    const last = demo.markets.length;
    assert.ok(problems.some((p) => p.startsWith('$.listen.port: ')));
    assert.ok(
      problems.includes(`$.markets[${last}].symbol: duplicate symbol "${symbol}"`),
      JSON.stringify(problems),
    );
    assert.ok(
      problems.includes(`$.markets[${last}].maxQty: must not be below minQty`),
      JSON.stringify(problems),
    );
    assert.ok(problems.includes(`$.accounts[${demo.accounts.length}].id: duplicate account "${account}"`));
    assert.ok(problems.includes('$.keys[0].account: unknown account "NOBODY"'));
  });

  it('a market that is invalid on its own is still known by its symbol: no false "unknown market"', () => {
    const problems = problemsOf((c) => {
      c.markets[0].tickSize = 'x';
    });
    const symbol = demo.markets[0].symbol;
    assert.ok(problems.some((p) => p.startsWith('$.markets[0].tickSize: ')));
    assert.ok(!problems.some((p) => p.includes(`unknown market "${symbol}"`)), JSON.stringify(problems));
  });

  it('never throws on any mutation of a valid config, only reports problems (property)', () => {
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) walk(v, [...path, Array.isArray(value) ? Number(k) : k]);
      }
    };
    walk(baseConfig(), []);
    fc.assert(
      fc.property(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.jsonValue(), (path, value) => {
        const config = baseConfig();
        let target = config;
        for (const part of path.slice(0, -1)) target = target[part];
        target[path.at(-1)!] = value;
        const { config: valid, problems } = validateConfig(config);
        assert.ok(valid !== null || problems.length > 0);
        for (const p of problems) assert.match(p.path, /^\$/);
      }),
      { numRuns: 500 },
    );
  });

  it('reads secrets from a file (without the trailing newline) and warns on inline ones', () => {
    writeFileSync(join(tempDir, 'rest.secret'), 'from-file\n');
    const config = baseConfig();
    config.keys[1].secret = { file: 'rest.secret' };
    config.keys.push({ ...config.keys[1], id: 'inline', secret: { value: 'inline-secret' } });
    const loaded = loadConfigFromObject(config, 'test', { env: {}, baseDir: tempDir });
    assert.equal(Buffer.from(loaded.secrets.get('mm1-rest')!).toString(), 'from-file');
    assert.equal(loaded.warnings.length, 1);
    assert.equal(loaded.warnings[0]!.path, '$.keys[2].secret');
    assert.ok(!JSON.stringify(loaded.warnings).includes('inline-secret'));
  });

  it('refuses a secret file that is not UTF-8, naming the path', () => {
    writeFileSync(join(tempDir, 'latin1.secret'), Buffer.from([0x73, 0xe9, 0x63, 0x72, 0x65, 0x74, 0x0a]));
    writeFileSync(join(tempDir, 'utf8.secret'), 'sécret\n');
    const config = baseConfig();
    config.keys[1].secret = { file: 'latin1.secret' };
    config.keys.push({ ...config.keys[1], id: 'utf8', secret: { file: 'utf8.secret' } });
    assert.throws(
      () => loadConfigFromObject(config, 'test', { env: {}, baseDir: tempDir }),
      (error: ConfigError) => {
        assert.deepEqual(
          error.problems.map((p) => `${p.path}: ${p.message}`),
          [
            '$.keys[1].secret: secret file latin1.secret is not UTF-8 text (an HMAC secret is the UTF-8 bytes of a string)',
          ],
        );
        return true;
      },
    );
    config.keys.splice(1, 1);
    const loaded = loadConfigFromObject(config, 'test', { env: {}, baseDir: tempDir });
    assert.deepEqual(Buffer.from(loaded.secrets.get('utf8')!), Buffer.from('sécret'));
  });

  it('refuses a configuration file that names a member twice, with the path and the other problems', () => {
    const file = join(tempDir, 'repeated.json');
    const text = JSON.stringify({ ...demo, state: { backend: 'redis' } }, null, 2);
    // A second, laxer perIp after the first: JSON.parse would keep it silently.
    writeFileSync(
      file,
      text.replace('"perIp": {', '"perIp": { "ratePerSec": 1e9, "burst": 1e9 }, "perIp": {'),
    );
    assert.throws(
      () => loadConfigFile(file, { env: {} }),
      (error: ConfigError) => {
        assert.deepEqual(
          error.problems.map((p) => p.path),
          ['$.limits.perIp', '$.state.backend'],
        );
        assert.match(error.problems[0]!.message, /appears more than once/);
        return true;
      },
    );
  });

  it('check-config prints problems and exits 2, or exits 0', () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const bad = join(tempDir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...demo, listen: { host: 'x', port: -1, tls: null } }));
    assert.equal(checkConfigCommand([bad], io), 2);
    assert.ok(lines.some((l) => l.startsWith('$.listen.port: ')));
    writeFileSync(bad, '{ "listen": ');
    assert.equal(checkConfigCommand([bad], io), 2);
    assert.ok(lines.some((l) => l.startsWith('$: not valid JSON')));
    assert.equal(checkConfigCommand([], io), 2);
    assert.equal(checkConfigCommand(['config/demo.json'], io), 0);
  });
});

describe('model', () => {
  it('turns decimals into exact integer limits', () => {
    const runtime = new FirewallRuntime(loadConfigFromObject(baseConfig(), 'test', { env: ENV }));
    try {
      const { markets, accounts, keys } = runtime.model;
      const btc = markets.get('BTC-PERP')!;
      assert.equal(btc.minQtyLots, 1);
      assert.equal(btc.maxQtyLots, 100_000);
      // 5,000,000 / (0.5 x 0.001) = 10,000,000,000 lot-ticks
      assert.equal(btc.maxNotionalUnits, 10_000_000_000);
      assert.equal(btc.status, MarketStatus.OPEN);
      const eth = markets.get('ETH-PERP')!;
      // 2,000,000 / (0.05 x 0.01) = 4,000,000,000
      assert.equal(eth.maxNotionalUnits, 4_000_000_000);
      const mm1 = accounts.get('MM1')!;
      assert.equal(mm1.kyc, Kyc.VERIFIED);
      assert.equal(mm1.maxPositionLots[btc.index], 50_000);
      assert.equal(mm1.maxPositionLots[eth.index], 50_000);
      const rest = keys.get('mm1-rest')!;
      assert.equal(rest.permissions, Permission.TRADE);
      assert.equal(rest.allMarkets, false);
      assert.equal(rest.allowedMarkets[btc.index], 1);
      assert.equal(rest.allowedMarkets[eth.index], 0);
      assert.equal(rest.notBeforeMs, Date.parse('2026-01-01T00:00:00Z'));
      assert.equal(rest.account, mm1);
      assert.ok(rest.cidrs.matches('::1'));
      const msg = Buffer.from('hello');
      const mac = createHmac('sha256', 'rest-secret').update(msg).digest();
      assert.ok(verifyHmacSha256(rest.nativeId, msg, mac));
    } finally {
      runtime.close();
    }
  });
});

describe('reload', () => {
  it('swaps the whole model, keeps indices and policy ids, and wipes keys that went away', () => {
    const before = registeredKeyCount();
    const runtime = new FirewallRuntime(loadConfigFromObject(baseConfig(), 'test', { env: ENV }));
    const first: FirewallModel = runtime.model;
    assert.equal(registeredKeyCount(), before + 2);
    const oldRest = first.keys.get('mm1-rest')!;
    const msg = Buffer.from('order');
    const mac = createHmac('sha256', 'rest-secret').update(msg).digest();
    runtime.revokeKey('mm1-fix');

    const next = baseConfig();
    next.keys = [next.keys[0], { ...next.keys[1], id: 'mm1-rest-2' }];
    next.accounts[0].limits.ordersPerSec = 1;
    next.accounts[0].limits.burst = 1;
    next.markets[0].status = 'halted';
    const summary = runtime.reload(loadConfigFromObject(next, 'test', { env: ENV }));
    try {
      assert.deepEqual(summary, {
        keysAdded: ['mm1-rest-2'],
        keysRemoved: ['mm1-rest'],
        keysKept: ['mm1-fix'],
      });
      const second = runtime.model;
      assert.notEqual(second, first);
      assert.equal(registeredKeyCount(), before + 2);
      assert.equal(verifyHmacSha256(oldRest.nativeId, msg, mac), false, 'removed key must no longer verify');
      assert.ok(verifyHmacSha256(second.keys.get('mm1-rest-2')!.nativeId, msg, mac));
      assert.equal(second.keys.get('mm1-fix')!.revoked, true, 'a reload must not un-revoke');
      assert.equal(second.markets.get('BTC-PERP')!.index, first.markets.get('BTC-PERP')!.index);
      assert.equal(second.markets.get('BTC-PERP')!.status, MarketStatus.HALTED);
      const mm1 = second.accounts.get('MM1')!;
      assert.equal(mm1.orderPolicy, first.accounts.get('MM1')!.orderPolicy);
      // The policy changed in place: burst 1 now.
      assert.equal(runtime.limiter.check(mm1.limitKey, mm1.orderPolicy, 1), 0);
      assert.ok(runtime.limiter.check(mm1.limitKey, mm1.orderPolicy, 1) > 0);
      assert.equal(runtime.pipeline.policies, second.policies);
    } finally {
      runtime.close();
    }
    assert.equal(registeredKeyCount(), before);
  });

  it('refuses a reload that changes a setting read only at start, naming each one, and changes nothing', () => {
    const runtime = new FirewallRuntime(loadConfigFromObject(baseConfig(), 'test', { env: ENV }));
    try {
      const first = runtime.model;
      const next = baseConfig();
      next.session.recvWindowMs += 1000;
      next.limits.lockoutMs += 1;
      next.venue.port += 1;
      next.markets[0].status = 'halted'; // would be fine alone
      assert.throws(
        () => runtime.reload(loadConfigFromObject(next, 'test', { env: ENV })),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.deepEqual(
            error.problems.map((p) => p.path),
            ['$.venue', '$.session.recvWindowMs', '$.limits.lockoutMs'],
          );
          assert.match(error.problems[0]!.message, /restart/);
          return true;
        },
      );
      assert.equal(runtime.model, first);
      assert.equal(runtime.config.session.recvWindowMs, baseConfig().session.recvWindowMs);
      // The same change without the start-only settings goes through.
      const allowed = baseConfig();
      allowed.markets[0].status = 'halted';
      runtime.reload(loadConfigFromObject(allowed, 'test', { env: ENV }));
      assert.notEqual(runtime.model, first);
    } finally {
      runtime.close();
    }
  });

  it('leaves the running model untouched when a reload does not fit', () => {
    const before = registeredKeyCount();
    const runtime = new FirewallRuntime(loadConfigFromObject(baseConfig(), 'test', { env: ENV }), {
      capacity: { accounts: 2 },
    });
    const first = runtime.model;
    const next = baseConfig();
    next.accounts.push({ ...next.accounts[0], id: 'MM3' });
    assert.throws(() => runtime.reload(loadConfigFromObject(next, 'test', { env: ENV })), /restart/);
    assert.equal(runtime.model, first);
    assert.equal(registeredKeyCount(), before + 2);
    runtime.close();
  });
});
