// The child side of a bench process: answers the orchestrator's requests over
// IPC and exits as soon as the orchestrator goes away (the IPC channel closes
// when the parent exits for any reason, SIGKILL included), so no bench process
// outlives its run.
import { constants, PerformanceObserver } from 'node:perf_hooks';
import type { ChildMessage, ParentMessage, ProcessStats } from './protocol.ts';

export type Handler = (message: ParentMessage) => Promise<unknown>;

export interface ChildHandlers {
  /** Starts the service; the value is sent back (e.g. the port it listens on). */
  start?: (options: unknown) => Promise<unknown>;
  /** Releases what start() took; the process exits after it. */
  stop?: () => Promise<void>;
  /** Any other request. */
  other?: Handler;
}

function send(message: ChildMessage): void {
  if (process.connected) process.send!(message);
}

export function notify(message: ChildMessage): void {
  send(message);
}

/** GC pauses of this process: the total since start, and the longest since the last stats request. */
let gcTotalMs = 0;
let gcMaxMs = 0;
let gcMaxKind = '';
let gcObserver: PerformanceObserver | null = null;

function observeGc(): void {
  gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcTotalMs += entry.duration;
      if (entry.duration > gcMaxMs) {
        gcMaxMs = entry.duration;
        gcMaxKind = gcKindName((entry as { detail?: { kind?: number } }).detail?.kind);
      }
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
}

/** Node's gc entry kinds (perf_hooks.constants.NODE_PERFORMANCE_GC_*). */
function gcKindName(kind: number | undefined): string {
  switch (kind) {
    case constants.NODE_PERFORMANCE_GC_MINOR:
      return 'young';
    case constants.NODE_PERFORMANCE_GC_MAJOR:
      return 'full';
    case constants.NODE_PERFORMANCE_GC_INCREMENTAL:
      return 'incremental';
    case constants.NODE_PERFORMANCE_GC_WEAKCB:
      return 'weak callbacks';
    default:
      return 'unknown';
  }
}

export function processStats(gc: boolean): ProcessStats {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (gc && collect) {
    collect();
    collect();
  }
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  const stats: ProcessStats = {
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    cpuUs: cpu.user + cpu.system,
    gcTotalMs,
    gcMaxMs,
    gcMaxKind,
  };
  gcMaxMs = 0;
  gcMaxKind = '';
  return stats;
}

export function runChild(name: string, handlers: ChildHandlers): void {
  if (!process.send) {
    process.stderr.write(`${name}: must be started by the bench orchestrator (needs an IPC channel)\n`);
    process.exit(2);
  }
  process.on('disconnect', () => process.exit(0));
  observeGc();
  process.on('uncaughtException', (error) => {
    process.stderr.write(`${name}: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
  process.on('message', (message: ParentMessage) => {
    void handle(message);
  });

  async function handle(message: ParentMessage): Promise<void> {
    try {
      let value: unknown;
      switch (message.type) {
        case 'start':
          value = handlers.start ? await handlers.start(message.options) : null;
          break;
        case 'stats':
          value = processStats(message.gc);
          break;
        case 'stop':
          await handlers.stop?.();
          send({ type: 'ok', id: message.id, value: null });
          setTimeout(() => process.exit(0), 20);
          return;
        default:
          if (!handlers.other) throw new Error(`${name}: unexpected request ${message.type}`);
          value = await handlers.other(message);
      }
      send({ type: 'ok', id: message.id, value });
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      send({ type: 'failed', id: message.id, message: `${name}: ${text}` });
    }
  }
}
