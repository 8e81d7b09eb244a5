// Kill switches: flags per scope, and mass cancels for account and global scope.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KillSwitch, type OrderCanceller } from '../../src/state/kill-switch.ts';
import { SharedTables } from '../../src/state/shared-tables.ts';
import { startTsWorker } from '../helpers/ts-worker.ts';

function setup() {
  const tables = SharedTables.create({ accounts: 4, markets: 2, keys: 4 });
  const live = new Map<number, number>([
    [0, 3],
    [2, 1],
  ]);
  const canceled: number[] = [];
  const canceller: OrderCanceller = {
    cancelAccountOrders(account) {
      canceled.push(account);
      const count = live.get(account) ?? 0;
      live.delete(account);
      return count;
    },
    accountsWithLiveOrders: () => [...live.keys()],
  };
  return { tables, kill: new KillSwitch(tables, canceller), canceled };
}

test('an account kill switch sets the flag and cancels that account only', () => {
  const { tables, kill, canceled } = setup();
  assert.equal(kill.set({ scope: 'account', accountIndex: 0 }), 3);
  assert.deepEqual(canceled, [0]);
  assert.equal(tables.accountKilled(0), true);
  assert.equal(tables.accountKilled(2), false);
  kill.clear({ scope: 'account', accountIndex: 0 });
  assert.equal(kill.isSet({ scope: 'account', accountIndex: 0 }), false);
});

test('the global kill switch cancels every account with live orders', () => {
  const { tables, kill, canceled } = setup();
  assert.equal(kill.set({ scope: 'global' }), 4);
  assert.deepEqual(canceled.sort(), [0, 2]);
  assert.equal(tables.globalKilled(), true);
  kill.clear({ scope: 'global' });
  assert.equal(tables.globalKilled(), false);
});

test('market and key kill switches only set their flag', () => {
  const { tables, kill, canceled } = setup();
  assert.equal(kill.set({ scope: 'market', marketIndex: 1 }), 0);
  assert.equal(kill.set({ scope: 'key', keyIndex: 3 }), 0);
  assert.deepEqual(canceled, []);
  assert.equal(tables.marketKilled(1), true);
  assert.equal(tables.keyKilled(3), true);
  assert.equal(tables.keyKilled(2), false);
  kill.clear({ scope: 'market', marketIndex: 1 });
  kill.clear({ scope: 'key', keyIndex: 3 });
  assert.equal(tables.marketKilled(1) || tables.keyKilled(3), false);
});

test('flags set in one view of the shared memory are seen by another (another thread attaches the same way)', () => {
  const sizes = { accounts: 4, markets: 2, keys: 4 };
  const tables = SharedTables.create(sizes);
  const other = SharedTables.attach(tables.buffer, sizes);
  tables.setMarketKill(1, true);
  tables.addOpenOrders(3, 2);
  tables.setReferencePrice(1, 12345);
  assert.equal(other.marketKilled(1), true);
  assert.equal(other.openOrderCount(3), 2);
  assert.equal(other.referencePriceTicks(1), 12345);
});

/** Every switch of every scope, as [isOn, set] pairs over the tables. */
function switchesOf(tables: SharedTables, sizes: { accounts: number; markets: number; keys: number }) {
  const all: [() => boolean, (on: boolean) => void][] = [
    [() => tables.globalKilled(), (on) => tables.setGlobalKill(on)],
  ];
  for (let i = 0; i < sizes.accounts; i++)
    all.push([() => tables.accountKilled(i), (on) => tables.setAccountKill(i, on)]);
  for (let i = 0; i < sizes.markets; i++)
    all.push([() => tables.marketKilled(i), (on) => tables.setMarketKill(i, on)]);
  for (let i = 0; i < sizes.keys; i++)
    all.push([() => tables.keyKilled(i), (on) => tables.setKeyKill(i, on)]);
  return all;
}

test('anyKilled is true exactly while some switch is on, however often each is set or cleared', () => {
  const sizes = { accounts: 3, markets: 2, keys: 3 };
  const tables = SharedTables.create(sizes);
  const switches = switchesOf(tables, sizes);
  assert.equal(tables.anyKilled(), false);
  // Setting a switch twice and clearing it once leaves none on; clearing one that is off changes nothing.
  tables.setMarketKill(1, true);
  tables.setMarketKill(1, true);
  assert.equal(tables.anyKilled(), true);
  tables.setMarketKill(1, false);
  assert.equal(tables.anyKilled(), false);
  tables.setKeyKill(0, false);
  assert.equal(tables.anyKilled(), false);
  // A pseudo-random walk over every switch against a model.
  const model = switches.map(() => false);
  let seed = 12345;
  for (let step = 0; step < 5000; step++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const i = (seed >>> 8) % switches.length;
    const on = (seed & 0x10000) !== 0;
    switches[i]![1](on);
    model[i] = on;
    assert.equal(tables.anyKilled(), model.includes(true), `step ${step}`);
    assert.equal(switches[i]![0](), on);
  }
});

test('two threads flipping the same switches leave anyKilled in step with the switches', async () => {
  const sizes = { accounts: 2, markets: 2, keys: 2 };
  const tables = SharedTables.create(sizes);
  const workers = [1, 2].map((seed) =>
    startTsWorker(new URL('./fixtures/kill-toggler.ts', import.meta.url), {
      workerData: { buffer: tables.buffer, sizes, seed: seed * 7919, flips: 200_000 },
    }),
  );
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  await Promise.all(workers.map((worker) => worker.terminate()));
  const switches = switchesOf(tables, sizes);
  const on = switches.filter(([isOn]) => isOn()).length;
  // Clearing every switch that is on must bring the count to exactly zero (not below, not above).
  for (const [isOn, set] of switches) if (isOn()) set(false);
  assert.equal(tables.anyKilled(), false, `the count drifted (${on} switches were on)`);
  tables.setGlobalKill(true);
  assert.equal(tables.anyKilled(), true);
});
