// A system under test and its venue, each in its own process: the venue
// simulator in 'ack' mode, then the firewall, the relay or the alt-stack
// pointed at it. Started fresh for every row so that no row inherits another's
// open orders, sessions or heap.
import { performance } from 'node:perf_hooks';
import type { AltStackOptions } from './alt-stack-process.ts';
import type { FirewallProcessOptions } from './firewall-process.ts';
import { Child, stopAll } from './processes.ts';
import type { ListeningInfo, LoadResult, LoadSpec, ProcessStats, Target } from './protocol.ts';
import type { FirewallSetup } from './setup.ts';

export type StackKind = 'firewall' | 'relay' | 'alt-stack';

export type StackConfig =
  | { kind: 'firewall'; setup: FirewallSetup }
  | { kind: 'relay' }
  | { kind: 'alt-stack'; options: Omit<AltStackOptions, 'venuePort'> };

const SCRIPTS: Record<StackKind, URL> = {
  firewall: new URL('./firewall-process.ts', import.meta.url),
  relay: new URL('./relay-process.ts', import.meta.url),
  'alt-stack': new URL('./alt-stack-process.ts', import.meta.url),
};

export class Stack {
  private constructor(
    readonly kind: StackKind,
    readonly venue: Child,
    readonly sut: Child,
    readonly target: Target,
  ) {}

  static async start(config: StackConfig): Promise<Stack> {
    const venue = Child.fork('venue', new URL('./venue-process.ts', import.meta.url));
    let sut: Child | null = null;
    try {
      const { port: venuePort } = await venue.request<ListeningInfo>({ type: 'start', options: null });
      sut = Child.fork(config.kind, SCRIPTS[config.kind]);
      let options: unknown;
      if (config.kind === 'firewall') {
        options = {
          config: config.setup.config,
          secrets: config.setup.secrets,
          venuePort,
        } satisfies FirewallProcessOptions;
      } else if (config.kind === 'alt-stack') {
        options = { ...config.options, venuePort } satisfies AltStackOptions;
      } else {
        options = { venuePort };
      }
      const { port } = await sut.request<ListeningInfo>({ type: 'start', options });
      return new Stack(config.kind, venue, sut, { host: '127.0.0.1', port });
    } catch (error) {
      await stopAll([venue, sut]);
      throw error;
    }
  }

  async stop(): Promise<void> {
    await stopAll([this.venue, this.sut]);
  }
}

export interface Measured {
  load: LoadResult;
  /** CPU of the system under test and of the venue over the measurement, in cores. */
  sutCores: number;
  venueCores: number;
  /** GC pauses of the system under test over the measurement (and drain), ms. */
  sutGcTotalMs: number;
  sutGcMaxMs: number;
  sutGcMaxKind: string;
}

/** Runs one LoadSpec on the load generator and samples the stack's CPU over its measurement window. */
export async function measure(loadgen: Child, stack: Stack, spec: LoadSpec): Promise<Measured> {
  let start: Promise<[ProcessStats, ProcessStats, number]> | null = null;
  const off = loadgen.onNotice(() => {
    start = Promise.all([stack.sut.stats(), stack.venue.stats()]).then(([a, b]) => [a, b, performance.now()]);
  });
  try {
    const timeoutMs = spec.warmupMs + spec.measureMs + spec.drainMs + 120_000;
    const load = await loadgen.request<LoadResult>({ type: 'load', spec }, timeoutMs);
    const [sutEnd, venueEnd] = await Promise.all([stack.sut.stats(), stack.venue.stats()]);
    const end = performance.now();
    if (start === null) throw new Error('the load generator never started measuring');
    const [sutStart, venueStart, at] = await (start as Promise<[ProcessStats, ProcessStats, number]>);
    const wallUs = (end - at) * 1000;
    return {
      load,
      sutCores: (sutEnd.cpuUs - sutStart.cpuUs) / wallUs,
      venueCores: (venueEnd.cpuUs - venueStart.cpuUs) / wallUs,
      sutGcTotalMs: sutEnd.gcTotalMs - sutStart.gcTotalMs,
      sutGcMaxMs: sutEnd.gcMaxMs,
      sutGcMaxKind: sutEnd.gcMaxKind,
    };
  } finally {
    off();
  }
}
