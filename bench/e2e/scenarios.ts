// The end-to-end rows. Each row starts its own stack (venue + system under
// test), runs one load on the shared load generator, stops the stack, and
// becomes one BenchResult. Rows are independent, so --filter can pick any.
import type { BenchResult } from '../lib/report.ts';
import type { Child } from './processes.ts';
import type { FlowSpec, GroupResult, KeySpec, LoadSpec, SessionsResult } from './protocol.ts';
import { type AccountSpec, firewallSetup, type KeyRequest } from './setup.ts';
import { type Measured, measure, Stack, type StackConfig } from './stacks.ts';

export interface E2eContext {
  full: boolean;
  loadgen: () => Child;
}

export interface RowJob {
  name: string;
  run: (ctx: E2eContext) => Promise<BenchResult>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function timing(ctx: E2eContext) {
  return ctx.full
    ? { warmupMs: 3000, measureMs: 15_000, drainMs: 3000 }
    : { warmupMs: 1000, measureMs: 4000, drainMs: 2000 };
}

function answersText(g: GroupResult): string {
  return Object.entries(g.answers)
    .map(([answer, n]) => `${answer}:${n}`)
    .join(' ');
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function group(measured: Measured, name: string): GroupResult {
  const g = measured.load.groups.find((x) => x.group === name);
  if (!g) throw new Error(`no result for group ${name}`);
  if (g.count === 0) {
    throw new Error(
      `group ${name}: no order of the measurement window was acknowledged (${answersText(g) || 'no answer'})`,
    );
  }
  return g;
}

/** The standard columns from a group, and the notes every e2e row carries. */
function rowOf(
  name: string,
  g: GroupResult,
  measured: Measured,
  extra: Record<string, number | string>,
): BenchResult {
  const notes: Record<string, number | string> = {
    mode: g.openLoop ? 'open-loop (CO-corrected)' : 'closed-loop',
    ...extra,
  };
  if (g.lost > 0) notes.lost = g.lost;
  if (g.unexpected > 0) notes.unexpected = g.unexpected;
  if (g.unexpected > 0 || g.lost > 0) notes.answers = answersText(g);
  if (g.openLoop) notes.sendLagP99Us = round(g.sendLagP99Ns / 1000, 1);
  notes.cores = `loadgen ${round(measured.load.loadgenCores)}, sut ${round(measured.sutCores)}, venue ${round(measured.venueCores)}`;
  notes.sutGc = `${round(measured.sutGcTotalMs, 0)} ms, longest ${round(measured.sutGcMaxMs, 1)} ms (${measured.sutGcMaxKind})`;
  notes.loadgenGcLongestMs = round(measured.load.loadgenGcMaxMs, 1);
  return {
    name,
    opsPerSec: g.opsPerSec,
    p50Ns: g.p50Ns,
    p99Ns: g.p99Ns,
    p999Ns: g.p999Ns,
    samples: g.count,
    ...notes,
  };
}

async function withStack<T>(config: StackConfig, body: (stack: Stack) => Promise<T>): Promise<T> {
  const stack = await Stack.start(config);
  try {
    return await body(stack);
  } finally {
    await stack.stop();
  }
}

async function runOn(ctx: E2eContext, config: StackConfig, flows: FlowSpec[]): Promise<Measured> {
  return withStack(config, (stack) => {
    const spec: LoadSpec = { target: stack.target, flows, ...timing(ctx) };
    return measure(ctx.loadgen(), stack, spec);
  });
}

// --- FIX: 10,000 orders/s over 4 sessions, and peak throughput ----------------------------------

const FIX_SESSIONS = 4;
const FIX_RATE = 10_000;
const FIX_WINDOW = 32;

function fixSetup() {
  return firewallSetup([{ id: 'MM1' }], [{ id: 'mm1-fix', account: 'MM1', type: 'ed25519' }]);
}

function fixRtt(name: string, stack: 'firewall' | 'relay'): RowJob {
  return {
    name,
    run: async (ctx) => {
      const setup = fixSetup();
      const flows: FlowSpec[] = [
        {
          transport: 'fix',
          key: setup.keys['mm1-fix']!,
          connections: FIX_SESSIONS,
          ratePerSec: FIX_RATE,
          kind: 'valid',
          group: 'orders',
        },
      ];
      const measured = await runOn(
        ctx,
        stack === 'firewall' ? { kind: 'firewall', setup } : { kind: 'relay' },
        flows,
      );
      return rowOf(name, group(measured, 'orders'), measured, {
        offeredPerSec: FIX_RATE,
        sessions: FIX_SESSIONS,
      });
    },
  };
}

function fixThroughput(name: string, stack: 'firewall' | 'relay'): RowJob {
  return {
    name,
    run: async (ctx) => {
      const setup = fixSetup();
      const flows: FlowSpec[] = [
        {
          transport: 'fix',
          key: setup.keys['mm1-fix']!,
          connections: FIX_SESSIONS,
          window: FIX_WINDOW,
          kind: 'valid',
          group: 'orders',
        },
      ];
      const measured = await runOn(
        ctx,
        stack === 'firewall' ? { kind: 'firewall', setup } : { kind: 'relay' },
        flows,
      );
      return rowOf(name, group(measured, 'orders'), measured, { sessions: FIX_SESSIONS, window: FIX_WINDOW });
    },
  };
}

// --- REST: peak signed-order throughput -----------------------------------------------------------

const REST_CONNECTIONS = 16;

function restThroughput(name: string, stack: 'firewall' | 'relay' | 'alt-stack'): RowJob {
  return {
    name,
    run: async (ctx) => {
      const setup = firewallSetup([{ id: 'MM1' }], [{ id: 'mm1-rest', account: 'MM1', type: 'hmac-sha256' }]);
      const key = setup.keys['mm1-rest']!;
      const config: StackConfig =
        stack === 'firewall'
          ? { kind: 'firewall', setup }
          : stack === 'relay'
            ? { kind: 'relay' }
            : {
                kind: 'alt-stack',
                options: { keys: [key], accounts: [{ id: 'MM1', ordersPerSec: 1e9, burst: 1e9 }] },
              };
      const flows: FlowSpec[] = [
        { transport: 'rest', key, connections: REST_CONNECTIONS, window: 1, kind: 'valid', group: 'orders' },
      ];
      const measured = await runOn(ctx, config, flows);
      return rowOf(name, group(measured, 'orders'), measured, { connections: REST_CONNECTIONS });
    },
  };
}

// --- Mixed: 10% invalid REST traffic next to a valid flow ----------------------------------------

function mixed(name: string, withInvalid: boolean): RowJob {
  return {
    name,
    run: async (ctx) => {
      const validRate = ctx.full ? 4000 : 2000;
      const accounts: AccountSpec[] = [{ id: 'MM1' }, { id: 'LIMITED', ordersPerSec: 10, burst: 10 }];
      const keys: KeyRequest[] = [
        { id: 'mm1-rest', account: 'MM1', type: 'hmac-sha256' },
        { id: 'mm1-badsig', account: 'MM1', type: 'hmac-sha256' },
        { id: 'mm1-collar', account: 'MM1', type: 'hmac-sha256' },
        { id: 'limited-rest', account: 'LIMITED', type: 'hmac-sha256' },
      ];
      const setup = firewallSetup(accounts, keys);
      const k = (id: string): KeySpec => setup.keys[id]!;
      const flows: FlowSpec[] = [
        {
          transport: 'rest',
          key: k('mm1-rest'),
          connections: 16,
          ratePerSec: validRate,
          kind: 'valid',
          group: 'valid',
        },
      ];
      // Invalid: one ninth of the valid rate (10% of the total), split over three kinds.
      const invalidEach = validRate / 27;
      if (withInvalid) {
        flows.push(
          {
            transport: 'rest',
            key: k('mm1-badsig'),
            connections: 2,
            ratePerSec: invalidEach,
            kind: 'bad-signature',
            group: 'invalid',
          },
          {
            transport: 'rest',
            key: k('mm1-collar'),
            connections: 2,
            ratePerSec: invalidEach,
            kind: 'price-collar',
            group: 'invalid',
          },
          {
            transport: 'rest',
            key: k('limited-rest'),
            connections: 2,
            ratePerSec: invalidEach,
            kind: 'valid',
            group: 'invalid',
          },
        );
      }
      const measured = await runOn(ctx, { kind: 'firewall', setup }, flows);
      const extra: Record<string, number | string> = { validPerSec: validRate };
      if (withInvalid) {
        const invalid = measured.load.groups.find((g) => g.group === 'invalid');
        extra.invalidPerSec = round(invalidEach * 3, 0);
        if (invalid) extra.invalidAnswers = answersText(invalid);
      }
      return rowOf(name, group(measured, 'valid'), measured, extra);
    },
  };
}

// --- Isolation: one REST key flooding at 20x its limit next to FIX traffic ------------------------

function isolation(name: string, withFlood: boolean): RowJob {
  return {
    name,
    run: async (ctx) => {
      const floodLimit = 250;
      const floodRate = 20 * floodLimit;
      const perSession = ctx.full ? 1500 : 1000;
      const accounts: AccountSpec[] = [
        { id: 'MM1' },
        { id: 'MM2' },
        { id: 'MM3' },
        { id: 'FLOOD', ordersPerSec: floodLimit, burst: floodLimit },
      ];
      const keys: KeyRequest[] = [
        { id: 'mm1-fix', account: 'MM1', type: 'ed25519' },
        { id: 'mm2-fix', account: 'MM2', type: 'ed25519' },
        { id: 'mm3-fix', account: 'MM3', type: 'ed25519' },
        { id: 'flood-rest', account: 'FLOOD', type: 'hmac-sha256' },
      ];
      const setup = firewallSetup(accounts, keys);
      const flows: FlowSpec[] = ['mm1-fix', 'mm2-fix', 'mm3-fix'].map((id) => ({
        transport: 'fix' as const,
        key: setup.keys[id]!,
        connections: 1,
        ratePerSec: perSession,
        kind: 'valid' as const,
        group: 'others',
      }));
      if (withFlood) {
        flows.push({
          transport: 'rest',
          key: setup.keys['flood-rest']!,
          connections: 8,
          ratePerSec: floodRate,
          kind: 'valid',
          group: 'flood',
        });
      }
      const measured = await runOn(ctx, { kind: 'firewall', setup }, flows);
      const extra: Record<string, number | string> = { othersPerSec: perSession * 3, otherKeys: 3 };
      if (withFlood) {
        const flood = measured.load.groups.find((g) => g.group === 'flood');
        extra.floodOfferedPerSec = floodRate;
        extra.floodLimitPerSec = floodLimit;
        if (flood) {
          extra.floodAcceptedPerSec = round(flood.opsPerSec, 0);
          extra.floodAnswers = answersText(flood);
        }
      }
      return rowOf(name, group(measured, 'others'), measured, extra);
    },
  };
}

// --- Idle FIX sessions: resident memory per session of the firewall -------------------------------

const SESSION_TARGET_BYTES = 16 * 1024;

function sessionsMemory(name: string): RowJob {
  return {
    name,
    run: async (ctx) => {
      const sessions = ctx.full ? 10_000 : 1000;
      const keyCount = 10;
      const keys: KeyRequest[] = Array.from({ length: keyCount }, (_, i) => ({
        id: `idle-${i}`,
        account: 'MM1',
        type: 'hmac-sha256' as const,
      }));
      const setup = firewallSetup([{ id: 'MM1' }], keys, { maxConnectionsPerIp: sessions + 100 });
      return withStack({ kind: 'firewall', setup }, async (stack) => {
        const loadgen = ctx.loadgen();
        await sleep(300);
        const before = await stack.sut.stats(true);
        const opened = await loadgen.request<SessionsResult>(
          {
            type: 'sessions-open',
            spec: {
              target: stack.target,
              keys: Object.values(setup.keys),
              sessions,
              concurrency: 64,
              heartBtInt: 60,
            },
          },
          300_000,
        );
        await sleep(1000);
        const after = await stack.sut.stats(true);
        await loadgen.request({ type: 'sessions-close' }, 120_000);
        const bytesPerSession = Math.round((after.rss - before.rss) / opened.sessions);
        return {
          name,
          opsPerSec: (opened.sessions * 1000) / opened.elapsedMs,
          p50Ns: opened.logonP50Ns,
          p99Ns: opened.logonP99Ns,
          p999Ns: opened.logonP999Ns,
          samples: opened.sessions,
          mode: 'logons/s and Logon latency (HMAC keys), then idle',
          sessions: opened.sessions,
          bytesPerSession,
          heapBytesPerSession: Math.round((after.heapUsed - before.heapUsed) / opened.sessions),
          targetBytesPerSession: SESSION_TARGET_BYTES,
          withinTarget: bytesPerSession <= SESSION_TARGET_BYTES ? 'yes' : 'no',
        };
      });
    },
  };
}

export const E2E_ROWS: RowJob[] = [
  fixRtt('e2e.fix.rtt@10k', 'firewall'),
  fixRtt('e2e.relay.rtt@10k', 'relay'),
  fixThroughput('e2e.fix.throughput', 'firewall'),
  fixThroughput('e2e.relay.throughput', 'relay'),
  restThroughput('e2e.rest.throughput', 'firewall'),
  restThroughput('e2e.relay.rest.throughput', 'relay'),
  restThroughput('e2e.alt-stack.throughput', 'alt-stack'),
  mixed('e2e.mixed.clean', false),
  mixed('e2e.mixed', true),
  isolation('e2e.isolation.clean', false),
  isolation('e2e.isolation', true),
  sessionsMemory('e2e.sessions.memory'),
];
