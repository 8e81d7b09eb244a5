// Kill switches: stop new risk globally, for an account, a market or a key.
// Setting one for an account or globally also cancels that scope's live
// orders at the venue; cancels always pass a kill switch, so the mass
// cancel goes through.
import type { SharedTables } from './shared-tables.ts';

export type KillScope =
  | { scope: 'global' }
  | { scope: 'account'; accountIndex: number }
  | { scope: 'market'; marketIndex: number }
  | { scope: 'key'; keyIndex: number };

/** How the kill switch pulls orders: mass-cancels an account's live orders at the venue. */
export interface OrderCanceller {
  /** Cancels every live order of the account; returns how many cancels were sent. */
  cancelAccountOrders(accountIndex: number): number;
  /** Indices of accounts that have live orders. */
  accountsWithLiveOrders(): number[];
}

export class KillSwitch {
  constructor(
    private readonly tables: SharedTables,
    private readonly canceller: OrderCanceller,
  ) {}

  /** Sets a kill switch; returns the number of orders sent for cancellation. */
  set(target: KillScope): number {
    switch (target.scope) {
      case 'global': {
        this.tables.setGlobalKill(true);
        let canceled = 0;
        for (const account of this.canceller.accountsWithLiveOrders()) {
          canceled += this.canceller.cancelAccountOrders(account);
        }
        return canceled;
      }
      case 'account':
        this.tables.setAccountKill(target.accountIndex, true);
        return this.canceller.cancelAccountOrders(target.accountIndex);
      case 'market':
        this.tables.setMarketKill(target.marketIndex, true);
        return 0;
      case 'key':
        this.tables.setKeyKill(target.keyIndex, true);
        return 0;
    }
  }

  clear(target: KillScope): void {
    switch (target.scope) {
      case 'global':
        this.tables.setGlobalKill(false);
        return;
      case 'account':
        this.tables.setAccountKill(target.accountIndex, false);
        return;
      case 'market':
        this.tables.setMarketKill(target.marketIndex, false);
        return;
      case 'key':
        this.tables.setKeyKill(target.keyIndex, false);
        return;
    }
  }

  isSet(target: KillScope): boolean {
    switch (target.scope) {
      case 'global':
        return this.tables.globalKilled();
      case 'account':
        return this.tables.accountKilled(target.accountIndex);
      case 'market':
        return this.tables.marketKilled(target.marketIndex);
      case 'key':
        return this.tables.keyKilled(target.keyIndex);
    }
  }
}
