// Rate policies in the configuration: the schema refuses exactly what the native
// limiter cannot take, with the JSON path, so check-config and start agree.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { RateLimiter } from '../../src/native/rate-limiter.ts';
import { loadConfigFromObject, validateConfig } from '../../src/state/config/load.ts';
import { FirewallRuntime } from '../../src/state/runtime.ts';
import { runCli } from '../helpers/cli-process.ts';

const demo = JSON.parse(readFileSync('config/demo.json', 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'portcullis-rate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function problemsWith(ratePerSec: number, burst: number) {
  const config = structuredClone(demo);
  config.limits.perIp = { ratePerSec, burst };
  config.limits.perConnection = { ratePerSec, burst };
  config.accounts[1].limits.ordersPerSec = ratePerSec;
  config.accounts[1].limits.burst = burst;
  return validateConfig(config).problems.map((p) => `${p.path}: ${p.message}`);
}

describe('rate policies in the configuration', () => {
  it('are accepted exactly when the native limiter takes them (property)', () => {
    const limiter = RateLimiter.create({ capacity: 8, maxPolicies: 1 });
    const id = limiter.addPolicy({ ratePerSec: 1, burst: 1 });
    const rate = fc.oneof(
      fc.double({ min: 1e-12, max: 1e9, noNaN: true }).filter((r) => r > 0),
      fc.constantFrom(6.4e-8, 6.4e-8 * (1 + 1e-15), 6.3e-8, 1e-9, 1, 1e9),
    );
    const burst = fc.oneof(
      fc.integer({ min: 1, max: 2 ** 32 + 2 }),
      fc.constantFrom(2 ** 32, 2 ** 32 + 1, 15_625_000, 15_625_001, 4_000_000_000),
    );
    try {
      fc.assert(
        fc.property(rate, burst, (ratePerSec, burst) => {
          let taken = true;
          try {
            limiter.setPolicy(id, { ratePerSec, burst });
          } catch {
            taken = false;
          }
          const problems = problemsWith(ratePerSec, burst);
          assert.equal(problems.length === 0, taken, `${ratePerSec}/s burst ${burst}: ${problems}`);
          if (!taken) assert.equal(problems.length, 3, problems.join('\n'));
        }),
        { numRuns: 2000 },
      );
    } finally {
      limiter.detach();
    }
  });

  it('name the path of the rate or the burst that is out of range', () => {
    const cases: [number, number, RegExp][] = [
      [100, 2 ** 32 + 1, /\.burst: must be an integer from 1 to 4294967296$/],
      [1e-9, 1, /\.(ratePerSec|ordersPerSec): is too slow for the rate limiter/],
      [1, 2 ** 32, /\.burst: 4294967296 at 1 per second takes longer to refill/],
    ];
    for (const [rate, burst, expected] of cases) {
      const problems = problemsWith(rate, burst);
      for (const path of ['$.limits.perIp', '$.limits.perConnection', '$.accounts[1].limits']) {
        assert.ok(
          problems.some((p) => p.startsWith(path) && expected.test(p)),
          `${path} ${expected} in ${problems}`,
        );
      }
    }
  });

  it('check-config and start both refuse a burst the limiter cannot take, with exit 2', () => {
    const file = join(dir, 'burst.json');
    const config = structuredClone(demo);
    config.limits.perIp.burst = 2 ** 32 + 1;
    writeFileSync(file, JSON.stringify(config));
    for (const args of [
      ['check-config', file],
      ['start', '--config', file],
    ]) {
      const result = runCli(args);
      assert.equal(result.code, 2, args[0] + result.err);
      assert.match(result.err, /\$\.limits\.perIp\.burst: must be an integer from 1 to 4294967296/);
      assert.doesNotMatch(result.err, /reload/);
    }
  });

  it('a first start that does not fit its tables does not speak of a reload', () => {
    const loaded = loadConfigFromObject(structuredClone(demo), 'test');
    assert.throws(
      () => new FirewallRuntime(loaded, { capacity: { accounts: 1 } }),
      (error: Error) => /too many accounts/.test(error.message) && !/reload/.test(error.message),
    );
  });
});
