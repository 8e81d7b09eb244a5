// Messages between the bench orchestrator (bench/run.ts) and its child
// processes (venue, firewall, relay, alt-stack, load generator), over the
// node:child_process IPC channel. Every request carries an id; the child
// answers with the same id.

/** A client's key: an HMAC secret, or the base64 Ed25519 seed (KeyObjects do not cross IPC). */
export interface KeySpec {
  id: string;
  account: string;
  type: 'hmac-sha256' | 'ed25519';
  secret: string;
}

export interface Target {
  host: string;
  port: number;
}

/**
 * What a flow's orders look like: 'valid' passes every check; 'bad-signature'
 * is signed with the wrong secret; 'price-collar' is priced far outside the collar.
 */
export type OrderKind = 'valid' | 'bad-signature' | 'price-collar';

export interface FlowSpec {
  transport: 'fix' | 'rest';
  key: KeySpec;
  /** FIX sessions, or REST keep-alive connections. */
  connections: number;
  /** Open loop: orders per second over the whole flow, sent on a fixed schedule. */
  ratePerSec?: number;
  /** Closed loop: orders outstanding per connection (REST is always 1: no pipelining). */
  window?: number;
  kind: OrderKind;
  /** Flows with the same group share one histogram and one result. */
  group: string;
}

export interface LoadSpec {
  target: Target;
  flows: FlowSpec[];
  warmupMs: number;
  measureMs: number;
  /** After the measurement: how long to wait for the answers still outstanding. */
  drainMs: number;
}

export interface GroupResult {
  group: string;
  openLoop: boolean;
  /**
   * Expected answers (acknowledgements, for valid orders) to orders of the measurement window
   * (by intended send time in open loop, send time in closed loop); the percentiles are theirs.
   */
  count: number;
  /** Expected answers per second of the measurement window. */
  opsPerSec: number;
  /** Orders of the window answered by anything other than the flow's expected answer. */
  unexpected: number;
  /** Orders of the window never answered (counted, not in the percentiles). */
  lost: number;
  p50Ns: number;
  p90Ns: number;
  p99Ns: number;
  p999Ns: number;
  maxNs: number;
  meanNs: number;
  /** Open loop: how late the load generator sent (actual - intended), p99. */
  sendLagP99Ns: number;
  /** Answers by HTTP status or FIX ExecType/code, for the notes. */
  answers: Record<string, number>;
}

export interface LoadResult {
  groups: GroupResult[];
  /** CPU of the load generator over the measurement, in cores (1 = one core busy). */
  loadgenCores: number;
  /** The load generator's longest GC pause over the measurement, ms. */
  loadgenGcMaxMs: number;
}

export interface SessionsSpec {
  target: Target;
  keys: KeySpec[];
  sessions: number;
  /** Logons in flight at once. */
  concurrency: number;
  heartBtInt: number;
}

export interface SessionsResult {
  sessions: number;
  elapsedMs: number;
  logonP50Ns: number;
  logonP99Ns: number;
  logonP999Ns: number;
}

export interface ProcessStats {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** User + system CPU time so far, µs. */
  cpuUs: number;
  /** GC pauses since start, ms. */
  gcTotalMs: number;
  /** The longest GC pause since the previous stats request, ms. */
  gcMaxMs: number;
  /** Its kind: 'young' (scavenge), 'full' (mark-compact), or another of node's gc kinds. */
  gcMaxKind: string;
}

/** Orchestrator → child. */
export type ParentMessage =
  | { type: 'start'; id: number; options: unknown }
  | { type: 'stats'; id: number; gc: boolean }
  | { type: 'load'; id: number; spec: LoadSpec }
  | { type: 'sessions-open'; id: number; spec: SessionsSpec }
  | { type: 'sessions-close'; id: number }
  | { type: 'stop'; id: number };

/** Child → orchestrator. */
export type ChildMessage =
  | { type: 'ok'; id: number; value: unknown }
  | { type: 'failed'; id: number; message: string }
  /** Unsolicited: the load generator's measurement window starts now. */
  | { type: 'measuring'; id: number };

export interface ListeningInfo {
  port: number;
}
