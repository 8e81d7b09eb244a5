// The long-lived state of one firewall: the native limiter, the shared tables,
// the order registry, and the current model. The model is swapped whole on a
// reload: requests that started on the old model finish on it, the next one
// sees the new one, and keys that went away are wiped from native memory.
//
// Indices into the shared tables are stable by name for the whole run, so a
// reload never moves a counter, and a market or account that is removed and
// later added back finds its counters where it left them.
import { RateLimiter } from '../native/rate-limiter.ts';
import type { PipelineState } from '../pipeline/pipeline.ts';
import { ConfigError, type LoadedConfig } from './config/load.ts';
import type { Config } from './config/schema.ts';
import { startOnlyChanges } from './config/start-only.ts';
import { buildModel, type FirewallModel, releaseKeys } from './firewall-model.ts';
import { OrderRegistry } from './order-registry.ts';
import { IndexAllocator, type SharedTableSizes, SharedTables } from './shared-tables.ts';

export interface RuntimeOptions {
  /** Capacity of the shared tables; defaults leave room to grow by reloads (at least twice the first config). */
  capacity?: Partial<SharedTableSizes>;
  /** Cells of the rate-limit table (power of two). Default 65536. */
  limiterCells?: number;
  /** How long finished orders stay readable and keep their clOrdId taken. Default 10 minutes. */
  retentionMs?: number;
}

export interface ReloadSummary {
  keysAdded: string[];
  keysRemoved: string[];
  keysKept: string[];
}

export class FirewallRuntime {
  readonly limiter: RateLimiter;
  readonly tables: SharedTables;
  readonly orders: OrderRegistry;
  /** What the pipeline stages read; its `policies` follow the current model. */
  readonly pipeline: PipelineState;
  private current: FirewallModel;
  private readonly marketIndices: IndexAllocator;
  private readonly accountIndices: IndexAllocator;
  private readonly keyIndices: IndexAllocator;
  private readonly policyIds = new Map<string, number>();
  private readonly revoked = new Set<string>();

  constructor(loaded: LoadedConfig, options: RuntimeOptions = {}) {
    const { config } = loaded;
    const sizes: SharedTableSizes = {
      accounts: options.capacity?.accounts ?? Math.max(1024, 2 * config.accounts.length),
      markets: options.capacity?.markets ?? Math.max(64, 2 * config.markets.length),
      keys: options.capacity?.keys ?? Math.max(4096, 2 * config.keys.length),
    };
    this.tables = SharedTables.create(sizes);
    this.limiter = RateLimiter.create({
      capacity: options.limiterCells ?? 65536,
      maxPolicies: Math.min(65536, 2 * sizes.accounts + 16),
    });
    this.orders = new OrderRegistry(this.tables, options.retentionMs);
    this.marketIndices = new IndexAllocator(sizes.markets, 'markets');
    this.accountIndices = new IndexAllocator(sizes.accounts, 'accounts');
    this.keyIndices = new IndexAllocator(sizes.keys, 'keys');
    this.current = this.build(loaded);
    this.pipeline = {
      tables: this.tables,
      orders: this.orders,
      limiter: this.limiter,
      policies: this.current.policies,
    };
  }

  get model(): FirewallModel {
    return this.current;
  }

  get config(): Config {
    return this.current.config;
  }

  /**
   * Swaps in a new configuration. Either the whole new model takes effect or
   * nothing changes (a ConfigError says why). Keys that went away are removed
   * from the native registry; their sessions must be closed by the caller.
   */
  reload(loaded: LoadedConfig): ReloadSummary {
    const previous = this.current;
    const fixed = startOnlyChanges(previous.config, loaded.config);
    if (fixed.length > 0) throw new ConfigError('reload', fixed);
    let next: FirewallModel;
    try {
      next = this.build(loaded);
    } catch (error) {
      // The tables were sized for the first configuration; a reload that needs more cannot grow them.
      if (error instanceof RangeError) {
        throw new ConfigError('reload', [
          { path: '$', message: `${error.message}; restart to grow the tables` },
        ]);
      }
      throw error;
    }
    this.current = next;
    this.pipeline.policies = next.policies;
    releaseKeys(previous.keys.values());
    const summary: ReloadSummary = { keysAdded: [], keysRemoved: [], keysKept: [] };
    for (const id of next.keys.keys())
      (previous.keys.has(id) ? summary.keysKept : summary.keysAdded).push(id);
    for (const id of previous.keys.keys()) if (!next.keys.has(id)) summary.keysRemoved.push(id);
    return summary;
  }

  /** Revokes a key for the rest of the run (reloads keep it revoked). Returns false for an unknown key. */
  revokeKey(id: string): boolean {
    const key = this.current.keys.get(id);
    if (!key) return false;
    this.revoked.add(id);
    key.revoked = true;
    return true;
  }

  /** Removes every key from the native registry (at shutdown). */
  close(): void {
    releaseKeys(this.current.keys.values());
  }

  private build(loaded: LoadedConfig): FirewallModel {
    return buildModel(loaded.config, {
      limiter: this.limiter,
      marketIndices: this.marketIndices,
      accountIndices: this.accountIndices,
      keyIndices: this.keyIndices,
      policy: (name, ratePerSec, burst) => this.policy(name, ratePerSec, burst),
      secrets: loaded.secrets,
      revoked: this.revoked,
    });
  }

  private policy(name: string, ratePerSec: number, burst: number): number {
    const existing = this.policyIds.get(name);
    if (existing !== undefined) {
      this.limiter.setPolicy(existing, { ratePerSec, burst });
      return existing;
    }
    const id = this.limiter.addPolicy({ ratePerSec, burst });
    this.policyIds.set(name, id);
    return id;
  }
}
