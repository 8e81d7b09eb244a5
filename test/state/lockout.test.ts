import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lockout } from '../../src/state/lockout.ts';

test('N failures from an address lock it out for lockoutMs', () => {
  const lockout = new Lockout({ failuresBeforeLockout: 3, lockoutMs: 60_000 });
  lockout.recordFailure('10.0.0.1', null, 0);
  lockout.recordFailure('10.0.0.1', null, 1);
  assert.equal(lockout.isLockedOut('10.0.0.1', null, 2), false);
  lockout.recordFailure('10.0.0.1', null, 2);
  assert.equal(lockout.isLockedOut('10.0.0.1', null, 3), true);
  assert.equal(lockout.isLockedOut('10.0.0.2', null, 3), false, 'another address');
  assert.equal(lockout.isLockedOut('10.0.0.1', null, 60_001), true);
  assert.equal(lockout.isLockedOut('10.0.0.1', null, 60_002), false, 'lifted after lockoutMs');
});

test('failures count per key id too, across addresses', () => {
  const lockout = new Lockout({ failuresBeforeLockout: 2, lockoutMs: 1000 });
  lockout.recordFailure('10.0.0.1', 'mm1', 0);
  lockout.recordFailure('10.0.0.2', 'mm1', 0);
  assert.equal(lockout.isLockedOut('10.0.0.3', 'mm1', 1), true);
  assert.equal(lockout.isLockedOut('10.0.0.3', 'mm2', 1), false);
});

test('a success clears the count; old failures stop counting', () => {
  const lockout = new Lockout({ failuresBeforeLockout: 2, lockoutMs: 1000 });
  lockout.recordFailure('10.0.0.1', 'mm1', 0);
  lockout.recordSuccess('10.0.0.1', 'mm1', 1);
  lockout.recordFailure('10.0.0.1', 'mm1', 2);
  assert.equal(lockout.isLockedOut('10.0.0.1', 'mm1', 3), false);
  lockout.recordFailure('10.0.0.1', 'mm1', 5000);
  assert.equal(
    lockout.isLockedOut('10.0.0.1', 'mm1', 5001),
    false,
    'the failure at 2 ms was too old to count',
  );
});

test('tracking is bounded', () => {
  const lockout = new Lockout({ failuresBeforeLockout: 1, lockoutMs: 1000, maxTracked: 4 });
  for (let i = 0; i < 10; i++) lockout.recordFailure(`10.0.0.${i}`, null, 0);
  assert.equal(lockout.isLockedOut('10.0.0.9', null, 1), true);
  assert.equal(lockout.isLockedOut('10.0.0.0', null, 1), false, 'the oldest entries were forgotten');
});
