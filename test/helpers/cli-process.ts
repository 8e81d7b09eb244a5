// The `portcullis` command as a separate process, as an operator runs it: exit
// codes, what reaches stdout and stderr, and how it answers signals.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';

const TSX = ['--import', 'tsx'];
const CLI = [...TSX, 'src/cli.ts'];

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Runs a command to its end. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Finished {
  const result = spawnSync(process.execPath, [...CLI, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ...env },
  });
  return { code: result.status, signal: result.signal, out: result.stdout, err: result.stderr };
}

/** A long-running command (start, venue, demo): its output so far, and a way to wait for a line. */
export class RunningCli {
  readonly child: ChildProcess;
  out = '';
  err = '';
  private readonly exited: Promise<Finished>;

  constructor(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []) {
    this.child = spawn(process.execPath, [...TSX, ...nodeArgs, 'src/cli.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.out += chunk.toString();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.err += chunk.toString();
    });
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
      out: this.out,
      err: this.err,
    }));
  }

  /** Resolves once stdout holds a line matching the pattern; rejects if the process ends first. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const started = Date.now();
    for (;;) {
      const line = this.out.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`exited before ${pattern}:\n${this.out}${this.err}`);
      }
      if (Date.now() - started > timeoutMs)
        throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.out}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Sends a signal (if still running) and waits for the end. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<Finished> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  finished(): Promise<Finished> {
    return this.exited;
  }
}

/**
 * Node arguments that make the process write `caught SIGINT <ms>` (SIGTERM, SIGHUP) to stdout
 * when its code first adds a handler for the signal, so a test knows it would no longer
 * die by it. (Node's own handlers, which restore the terminal and re-raise, are not shown.)
 */
export const ANNOUNCE_SIGNAL_HANDLERS = ['--import', './test/helpers/announce-signal-handlers.ts'];

/** Resolves, with the time it was announced, once the process has a handler for the signal. */
export async function untilCatching(cli: RunningCli, signal: NodeJS.Signals): Promise<number> {
  for (;;) {
    const at = new RegExp(`^caught ${signal} (\\d+)$`, 'm').exec(cli.out)?.[1];
    if (at !== undefined) return Number(at);
    if (cli.child.exitCode !== null || cli.child.signalCode !== null) throw new Error(`ended:\n${cli.err}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** A TCP port that nothing listens on (it was free a moment ago). */
export async function unusedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A firewall stand-in that places and reads every order: its URL, and how to close it. */
export async function orderStandIn(): Promise<{ url: string; close: () => void }> {
  const server = createHttpServer((req, res) => {
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ clOrdId: 'c', orderId: '1', status: 'new' }));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}
