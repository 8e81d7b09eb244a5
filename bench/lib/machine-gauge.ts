// How fast the machine is while the bench runs. A shared or virtual machine
// changes speed within minutes (its neighbours' load, its clock): on ours the
// same row moved twofold between runs of the same commit. Each run therefore
// records two gauges, before its rows and after them, so that runs can be
// compared and a row read against the machine it ran on. Each is a fixed
// workload that uses nothing of portcullis:
// - cpuNs: one step of a dependent integer loop (xorshift): the core's speed;
// - memoryNs: one dependent load at a random place of 64 MiB (a pointer chase,
//   twice the largest L3 we know of): memory latency, which the order path
//   pays on a hash lookup whose table is out of cache.

export interface MachineGauge {
  cpuNs: number;
  memoryNs: number;
}

const CPU_STEPS = 10_000_000;
const CHASE_ENTRIES = 16 * 1024 * 1024; // 64 MiB of Int32
const CHASE_LOADS = 1_000_000;
const REPEATS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function cpuStepNs(): number {
  let x = 0x2545f491;
  const start = performance.now();
  for (let i = 0; i < CPU_STEPS; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  const ns = ((performance.now() - start) * 1e6) / CPU_STEPS;
  if (x === 0) throw new Error('xorshift reached 0'); // never: keeps the loop from being dropped
  return ns;
}

/** One cycle through every entry in random order (Sattolo's shuffle), so each load depends on the last. */
function chaseTable(): Int32Array {
  const next = new Int32Array(CHASE_ENTRIES);
  for (let i = 0; i < CHASE_ENTRIES; i++) next[i] = i;
  let seed = 0x9e3779b9;
  for (let i = CHASE_ENTRIES - 1; i > 0; i--) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const j = (seed >>> 0) % i;
    const t = next[i]!;
    next[i] = next[j]!;
    next[j] = t;
  }
  return next;
}

function loadNs(next: Int32Array): number {
  let at = 0;
  const start = performance.now();
  for (let i = 0; i < CHASE_LOADS; i++) at = next[at]!;
  const ns = ((performance.now() - start) * 1e6) / CHASE_LOADS;
  if (at < 0) throw new Error('chase left the table'); // never: keeps the loop from being dropped
  return ns;
}

export function measureMachineGauge(): MachineGauge {
  const cpu: number[] = [];
  for (let i = 0; i < REPEATS + 1; i++) cpu.push(cpuStepNs());
  const table = chaseTable();
  const memory: number[] = [];
  for (let i = 0; i < REPEATS + 1; i++) memory.push(loadNs(table));
  // The first of each warms up (compilation, page faults); the median of the rest.
  return { cpuNs: median(cpu.slice(1)), memoryNs: median(memory.slice(1)) };
}
