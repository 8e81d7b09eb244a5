// The orchestrator side: forks each bench process (`node --expose-gc --import
// tsx`), talks to it over IPC, and makes sure none survives the run. Every
// child is SIGKILLed on the orchestrator's exit (normal, error or signal), and
// every child also exits by itself when the IPC channel closes (child.ts).
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage, ProcessStats } from './protocol.ts';

const live = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };
type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
export type Request = Distribute<ParentMessage>;

export class Child {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited: string | null = null;
  private readonly listeners = new Set<(message: ChildMessage) => void>();

  private constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
  ) {
    proc.on('message', (message: ChildMessage) => this.onMessage(message));
    proc.on('exit', (code, signal) => {
      live.delete(proc);
      this.exited = `${name} exited (${signal ?? code})`;
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error(this.exited));
      }
      this.pending.clear();
    });
  }

  /** Forks `script` (a bench/e2e/*-process.ts file). */
  static fork(name: string, script: URL): Child {
    hookExit();
    const child = fork(fileURLToPath(script), [], {
      execArgv: [
        '--expose-gc',
        '--import',
        'tsx',
        ...(process.env.PORTCULLIS_BENCH_PROF
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PORTCULLIS_BENCH_PROF}`]
          : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, PORTCULLIS_LOG_LEVEL: 'silent' },
    });
    live.add(child);
    return new Child(name, child);
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  /** Sends a request; resolves with the child's answer. */
  request<T>(message: Request, timeoutMs = 60_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: no answer to ${message.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.proc.send({ ...message, id } as ParentMessage);
    });
  }

  stats(gc = false): Promise<ProcessStats> {
    return this.request<ProcessStats>({ type: 'stats', gc });
  }

  /** Unsolicited messages (e.g. 'measuring'). */
  onNotice(listener: (message: ChildMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the child to stop, and kills it if it has not exited within `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.request({ type: 'stop' }, graceMs).catch(() => {});
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }

  private onMessage(message: ChildMessage): void {
    if (message.type === 'measuring') {
      for (const listener of this.listeners) listener(message);
      return;
    }
    const p = this.pending.get(message.id);
    if (!p) return;
    this.pending.delete(message.id);
    clearTimeout(p.timer);
    if (message.type === 'ok') p.resolve(message.value);
    else p.reject(new Error(message.message));
  }
}

/** Stops children in reverse order of start; never throws. */
export async function stopAll(children: Array<Child | null | undefined>): Promise<void> {
  for (const child of [...children].reverse()) {
    if (child) await child.stop().catch(() => {});
  }
}
