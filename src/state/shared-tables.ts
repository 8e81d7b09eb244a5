// Hot counters and flags in shared memory, so that several edge threads can
// share them (each thread attaches to the same SharedArrayBuffer).
//
//   flags     Int32 (Atomics): how many kill switches are on, then the switches: global,
//             per account, per market, per key
//   counters  Int32 (Atomics): open orders per account
//   amounts   Float64: open buy, open sell and filled position in lots, per account x market.
//             Written only by the thread that owns the account's order flow (orders are
//             registered where they were placed); read by any.
//   prices    Float64: reference price in ticks per market (0 = none), from the venue.
//
// Entities get a stable index the first time their id is seen, kept across
// configuration reloads, so a reload never moves a counter.

export interface SharedTableSizes {
  accounts: number;
  markets: number;
  keys: number;
}

/** flags[SWITCHES_ON] counts the switches that are on; the switches follow from GLOBAL. */
const SWITCHES_ON = 0;
const GLOBAL = 1;

const AMOUNTS_PER_CELL = 3;
const OPEN_BUY = 0;
const OPEN_SELL = 1;
const POSITION = 2;

export class SharedTables {
  readonly buffer: SharedArrayBuffer;
  readonly sizes: SharedTableSizes;
  private readonly flags: Int32Array;
  private readonly openOrders: Int32Array;
  private readonly amounts: Float64Array;
  private readonly prices: Float64Array;

  private constructor(buffer: SharedArrayBuffer, sizes: SharedTableSizes) {
    this.buffer = buffer;
    this.sizes = sizes;
    const flagCount = GLOBAL + 1 + sizes.accounts + sizes.markets + sizes.keys;
    const flagBytes = flagCount * 4;
    const counterBytes = sizes.accounts * 4;
    const amountsOffset = Math.ceil((flagBytes + counterBytes) / 8) * 8;
    this.flags = new Int32Array(buffer, 0, flagCount);
    this.openOrders = new Int32Array(buffer, flagBytes, sizes.accounts);
    const amountCount = sizes.accounts * sizes.markets * AMOUNTS_PER_CELL;
    this.amounts = new Float64Array(buffer, amountsOffset, amountCount);
    this.prices = new Float64Array(buffer, amountsOffset + amountCount * 8, sizes.markets);
  }

  static bytesFor(sizes: SharedTableSizes): number {
    const flagBytes = (GLOBAL + 1 + sizes.accounts + sizes.markets + sizes.keys) * 4;
    const amountsOffset = Math.ceil((flagBytes + sizes.accounts * 4) / 8) * 8;
    return amountsOffset + (sizes.accounts * sizes.markets * AMOUNTS_PER_CELL + sizes.markets) * 8;
  }

  static create(sizes: SharedTableSizes): SharedTables {
    return new SharedTables(new SharedArrayBuffer(SharedTables.bytesFor(sizes)), sizes);
  }

  static attach(buffer: SharedArrayBuffer, sizes: SharedTableSizes): SharedTables {
    if (buffer.byteLength < SharedTables.bytesFor(sizes))
      throw new RangeError('shared tables buffer is too small');
    return new SharedTables(buffer, sizes);
  }

  // Kill switches -----------------------------------------------------------

  /**
   * Whether any kill switch is on. One atomic read answers the order path's usual
   * question ("is anything killed?") instead of four: an Atomics call costs ~25 ns here.
   */
  anyKilled(): boolean {
    return Atomics.load(this.flags, SWITCHES_ON) !== 0;
  }
  globalKilled(): boolean {
    return Atomics.load(this.flags, GLOBAL) !== 0;
  }
  accountKilled(account: number): boolean {
    return Atomics.load(this.flags, this.accountFlag(account)) !== 0;
  }
  marketKilled(market: number): boolean {
    return Atomics.load(this.flags, this.marketFlag(market)) !== 0;
  }
  keyKilled(key: number): boolean {
    return Atomics.load(this.flags, this.keyFlag(key)) !== 0;
  }
  setGlobalKill(on: boolean): void {
    this.setFlag(GLOBAL, on);
  }
  setAccountKill(account: number, on: boolean): void {
    this.setFlag(this.accountFlag(account), on);
  }
  setMarketKill(market: number, on: boolean): void {
    this.setFlag(this.marketFlag(market), on);
  }
  setKeyKill(key: number, on: boolean): void {
    this.setFlag(this.keyFlag(key), on);
  }

  private accountFlag(account: number): number {
    return GLOBAL + 1 + account;
  }
  private marketFlag(market: number): number {
    return GLOBAL + 1 + this.sizes.accounts + market;
  }
  private keyFlag(key: number): number {
    return GLOBAL + 1 + this.sizes.accounts + this.sizes.markets + key;
  }

  /**
   * Sets a switch, and counts it in SWITCHES_ON when it changes. The switch is set before
   * it is counted, so a reader that sees the count sees the switch; exchange tells exactly
   * one of several concurrent writers that it made the change, so the count stays exact.
   */
  private setFlag(index: number, on: boolean): void {
    const value = on ? 1 : 0;
    if (Atomics.exchange(this.flags, index, value) !== value)
      Atomics.add(this.flags, SWITCHES_ON, on ? 1 : -1);
  }

  // Open orders per account --------------------------------------------------

  /**
   * A plain read: an aligned Int32 element read is tear-free (it returns a value some
   * thread wrote), and the limit check it feeds is a snapshot either way. Atomics.load
   * would cost ~25 ns per order here (the call is not inlined); the writes stay atomic.
   */
  openOrderCount(account: number): number {
    return this.openOrders[account]!;
  }
  addOpenOrders(account: number, delta: number): void {
    Atomics.add(this.openOrders, account, delta);
  }

  // Quantities per account x market, in lots ----------------------------------

  private cell(account: number, market: number): number {
    return (account * this.sizes.markets + market) * AMOUNTS_PER_CELL;
  }
  openBuyLots(account: number, market: number): number {
    return this.amounts[this.cell(account, market) + OPEN_BUY]!;
  }
  openSellLots(account: number, market: number): number {
    return this.amounts[this.cell(account, market) + OPEN_SELL]!;
  }
  positionLots(account: number, market: number): number {
    return this.amounts[this.cell(account, market) + POSITION]!;
  }
  addOpen(account: number, market: number, buy: boolean, lots: number): void {
    this.amounts[this.cell(account, market) + (buy ? OPEN_BUY : OPEN_SELL)]! += lots;
  }
  addPosition(account: number, market: number, lots: number): void {
    this.amounts[this.cell(account, market) + POSITION]! += lots;
  }

  // Reference prices per market, in ticks -------------------------------------

  /** 0 when the venue has not published one yet. */
  referencePriceTicks(market: number): number {
    return this.prices[market]!;
  }
  setReferencePrice(market: number, ticks: number): void {
    this.prices[market] = ticks;
  }
}

/** Hands out stable indices by id, never reusing one within a run. */
export class IndexAllocator {
  private readonly indices = new Map<string, number>();
  constructor(
    readonly capacity: number,
    private readonly what: string,
  ) {}

  indexOf(id: string): number {
    let index = this.indices.get(id);
    if (index === undefined) {
      if (this.indices.size >= this.capacity) {
        throw new RangeError(`too many ${this.what} for the shared tables (capacity ${this.capacity})`);
      }
      index = this.indices.size;
      this.indices.set(id, index);
    }
    return index;
  }
}
