// Bench process: the load generator. Runs one LoadSpec at a time (connect
// every flow, warm up, measure, drain, close) and answers with one result per
// group; or opens and holds idle FIX sessions for the memory scenario.
import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import { FixClient } from '../../src/client/fix-client.ts';
import { notify, processStats, runChild } from './child.ts';
import { credentialsOf, FixFlow, fixUrl } from './loadgen/fix-flow.ts';
import { runOpenLoop, spreadTickers, type Ticker } from './loadgen/open-loop.ts';
import { GroupRecorder, type MeasureWindow } from './loadgen/recorder.ts';
import { RestFlow } from './loadgen/rest-flow.ts';
import type { LoadResult, LoadSpec, ParentMessage, SessionsResult, SessionsSpec } from './protocol.ts';
import { TARGET_COMP_ID } from './setup.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runLoad(id: number, spec: LoadSpec): Promise<LoadResult> {
  const window: MeasureWindow = { start: Number.POSITIVE_INFINITY, end: Number.POSITIVE_INFINITY };
  const recorders = new Map<string, GroupRecorder>();
  const flows: Array<FixFlow | RestFlow> = [];
  try {
    for (const [i, flowSpec] of spec.flows.entries()) {
      let recorder = recorders.get(flowSpec.group);
      if (!recorder) {
        recorder = new GroupRecorder(flowSpec.group, window);
        recorders.set(flowSpec.group, recorder);
      }
      if (flowSpec.ratePerSec !== undefined) recorder.openLoop = true;
      flows.push(
        flowSpec.transport === 'fix'
          ? new FixFlow(flowSpec, i, recorder)
          : new RestFlow(flowSpec, i, recorder),
      );
    }
    await Promise.all(flows.map((f) => f.connect(spec.target)));

    const t0 = performance.now() + 20;
    window.start = t0 + spec.warmupMs;
    window.end = window.start + spec.measureMs;
    const tickers: Ticker[] = [];
    for (const [i, flow] of flows.entries()) {
      const flowSpec = spec.flows[i]!;
      if (flowSpec.ratePerSec === undefined) continue;
      if (flow instanceof FixFlow) {
        tickers.push(
          ...spreadTickers(flowSpec.connections, flowSpec.ratePerSec, t0, (c, t) => flow.send(c, t)),
        );
      } else {
        tickers.push(...spreadTickers(1, flowSpec.ratePerSec, t0, (_c, t) => flow.send(t)));
      }
    }
    let cpuAtStart = process.cpuUsage();
    const measuring = setTimeout(() => {
      cpuAtStart = process.cpuUsage();
      processStats(false); // resets the longest GC pause
      notify({ type: 'measuring', id });
    }, window.start - performance.now());
    for (const [i, flow] of flows.entries()) {
      const flowSpec = spec.flows[i]!;
      if (flowSpec.ratePerSec !== undefined) continue;
      if (flow instanceof FixFlow) flow.startClosedLoop(flowSpec.window ?? 1);
      else flow.startClosedLoop();
    }
    if (tickers.length > 0) await runOpenLoop(tickers, window.end);
    else await sleep(window.end - performance.now());
    clearTimeout(measuring);
    const cpu = process.cpuUsage(cpuAtStart);
    const gcMaxMs = processStats(false).gcMaxMs;
    for (const flow of flows) flow.stopClosedLoop();

    const drainUntil = performance.now() + spec.drainMs;
    while (flows.some((f) => f.outstanding > 0) && performance.now() < drainUntil) await sleep(5);
    for (const [i, flow] of flows.entries()) {
      // Orders due in the window that never found a free connection count as lost.
      if (flow instanceof RestFlow) recorders.get(spec.flows[i]!.group)!.sent += flow.queuedInWindow();
    }
    return {
      groups: [...recorders.values()].map((r) => r.result(spec.measureMs)),
      loadgenCores: (cpu.user + cpu.system) / 1000 / spec.measureMs,
      loadgenGcMaxMs: gcMaxMs,
    };
  } finally {
    await Promise.all(flows.map((f) => f.close().catch(() => {})));
    for (const r of recorders.values()) r.destroy();
  }
}

let idle: FixClient[] = [];

async function openSessions(spec: SessionsSpec): Promise<SessionsResult> {
  const credentials = spec.keys.map(credentialsOf);
  const histogram = hdr.build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const n = next++;
      if (n >= spec.sessions) return;
      const k = n % credentials.length;
      const t = performance.now();
      const client = await FixClient.connect({
        url: fixUrl(spec.target),
        credentials: credentials[k]!,
        senderCompId: `idle-${Math.floor(n / credentials.length)}`,
        targetCompId: TARGET_COMP_ID,
        heartBtInt: spec.heartBtInt,
        cancelOnDisconnect: false,
        eventBufferSize: 0,
        logonTimeoutMs: 30_000,
      });
      histogram.recordValue(Math.max(1, Math.round((performance.now() - t) * 1e6)));
      idle.push(client);
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  const result: SessionsResult = {
    sessions: idle.length,
    elapsedMs: performance.now() - started,
    logonP50Ns: histogram.getValueAtPercentile(50),
    logonP99Ns: histogram.getValueAtPercentile(99),
    logonP999Ns: histogram.getValueAtPercentile(99.9),
  };
  histogram.destroy();
  return result;
}

async function closeSessions(): Promise<null> {
  const clients = idle;
  idle = [];
  await Promise.all(clients.map((c) => c.close()));
  return null;
}

runChild('loadgen', {
  other: (message: ParentMessage) => {
    switch (message.type) {
      case 'load':
        return runLoad(message.id, message.spec);
      case 'sessions-open':
        return openSessions(message.spec);
      case 'sessions-close':
        return closeSessions();
      default:
        return Promise.reject(new Error(`loadgen: unexpected ${message.type}`));
    }
  },
  stop: async () => {
    await closeSessions();
  },
});
