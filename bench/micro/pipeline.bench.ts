// The firewall's judgement on one order, and the decimal conversion under it.
//   pipeline.neworder.checks   a normalized NewOrder through authorize, throttle
//                              (three native GCRA checks) and every pre-trade check,
//                              on a model built from config/demo.json; the row also
//                              carries the heap growth over 1,000,000 such orders
//   decimal.parse              one price string to ticks
//   decimal.parse.parseFloat   the float conversion it replaces (not exact; for scale)
import { readFileSync } from 'node:fs';
import { type PipelineState, runPipeline } from '../../src/pipeline/pipeline.ts';
import { PASS } from '../../src/pipeline/reject-codes.ts';
import { Action, OrderRequest, OrderType, Side } from '../../src/pipeline/request.ts';
import { loadConfigFromObject } from '../../src/state/config/load.ts';
import { DecimalStep, parseDecimal } from '../../src/state/decimal.ts';
import { FirewallRuntime } from '../../src/state/runtime.ts';
import type { MicroSuite } from '../lib/suite.ts';

function pipelineFixture() {
  const config = JSON.parse(readFileSync(new URL('../../config/demo.json', import.meta.url), 'utf8'));
  config.accounts[0].limits.ordersPerSec = 1e9;
  config.accounts[0].limits.burst = 1e9;
  config.limits.perIp = { ratePerSec: 1e9, burst: 1e9 };
  config.limits.perConnection = { ratePerSec: 1e9, burst: 1e9 };
  config.keys = [
    {
      id: 'bench-rest',
      account: 'MM1',
      type: 'hmac-sha256',
      secret: { value: 'bench-secret' },
      permissions: ['trade', 'cancel', 'read'],
      markets: ['BTC-PERP'],
      cidrs: ['10.0.0.0/8', '127.0.0.0/8'],
    },
  ];
  const runtime = new FirewallRuntime(loadConfigFromObject(config, 'bench'));
  const model = runtime.model;
  const market = model.markets.get('BTC-PERP')!;
  runtime.tables.setReferencePrice(market.index, 130_000);
  const key = model.keys.get('bench-rest')!;
  const req = new OrderRequest();
  req.ip = '127.0.0.1';
  req.ipLimitKey = runtime.limiter.keyOf('ip:127.0.0.1');
  req.connectionLimitKey = runtime.limiter.keyOf('conn:bench');
  const fill = () => {
    req.reset();
    req.action = Action.NEW_ORDER;
    req.key = key;
    req.account = key.account;
    req.symbol = 'BTC-PERP';
    req.market = market;
    req.clOrdId = 'bench-order-1';
    req.side = Side.BUY;
    req.type = OrderType.LIMIT;
    req.priceTicks = 130_001;
    req.qtyLots = 1500;
  };
  const state: PipelineState = runtime.pipeline;
  const once = () => {
    fill();
    const verdict = runPipeline(req, state, Date.now());
    if (verdict !== PASS) throw new Error(`bench order rejected: ${verdict}`);
    return verdict;
  };
  return { once };
}

/** Heap growth over n orders, after a warm-up and a full GC on both sides (needs --expose-gc). */
function heapGrowth(once: () => unknown, n: number): Record<string, number | string> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return { heapGrowthBytesPer1M: 'n/a (run with --expose-gc)' };
  for (let i = 0; i < 100_000; i++) once();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) once();
  gc();
  return { heapGrowthBytesPer1M: Math.round(((process.memoryUsage().heapUsed - before) * 1e6) / n) };
}

export const pipelineSuite: MicroSuite = {
  name: 'pipeline',
  cases: () => {
    const { once } = pipelineFixture();
    const tick = DecimalStep.parse('0.5');
    const prices = ['65000.5', '64999', '65012.5', '0.5', '123456.5'];
    let next = 0;
    return [
      {
        name: 'pipeline.neworder.checks',
        batch: 100,
        run: once,
        extra: () => heapGrowth(once, 1_000_000),
      },
      {
        name: 'decimal.parse',
        batch: 1000,
        run: () => {
          next = next === 4 ? 0 : next + 1;
          const text = prices[next]!;
          return parseDecimal(text, 0, text.length, tick);
        },
      },
      {
        name: 'decimal.parse.parseFloat',
        batch: 1000,
        run: () => {
          next = next === 4 ? 0 : next + 1;
          return Math.round(Number.parseFloat(prices[next]!) / 0.5);
        },
      },
    ];
  },
  comparisons: [['decimal.parse', 'decimal.parse.parseFloat']],
};
