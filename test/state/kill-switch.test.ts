// Kill switches: flags per scope, and mass cancels for account and global scope.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KillSwitch, type OrderCanceller } from '../../src/state/kill-switch.ts';
import { SharedTables } from '../../src/state/shared-tables.ts';

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
