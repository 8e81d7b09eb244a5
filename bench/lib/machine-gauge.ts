// How fast the machine is while the bench runs. A shared or virtual machine
// changes speed within seconds: on ours, code made of loads and branches (a
// parser, a hash lookup) runs at one speed or at nearly half of it, switching
// every few seconds, while a chain of arithmetic keeps its pace throughout. A
// row is therefore only comparable with another taken at the same gauge. Two
// gauges, each a fixed workload that uses nothing of portcullis:
// - scanNs: nanoseconds per byte of a loop summing a 1 KiB Uint8Array (loads,
//   bounds checks and a branch per byte, as parsing is): taken around every
//   micro row, and before and after the whole run;
// - memoryNs: one dependent load at a random place of 64 MiB (a pointer chase,
//   twice the largest L3 we know of): memory latency, which the order path pays
//   on a hash lookup whose table is out of cache. Before and after the run.

export interface MachineGauge {
  scanNs: number;
  memoryNs: number;
}

const SCAN_BYTES = 1024;
const SCAN_PASSES = 1000;
const CHASE_ENTRIES = 16 * 1024 * 1024; // 64 MiB of Int32
const CHASE_LOADS = 1_000_000;
/** The median of `repeats` runs of `measure`, after one that warms up (compilation, page faults). */
function medianAfterWarmup(measure: () => number, repeats: number): number {
  measure();
  const values = Array.from({ length: repeats }, measure).sort((a, b) => a - b);
  return values[repeats >> 1]!;
}

const scanBuffer = Uint8Array.from({ length: SCAN_BYTES }, (_, i) => (i * 7) & 0x7f);

function scanPassNs(): number {
  const bytes = scanBuffer;
  let sum = 0;
  const start = performance.now();
  for (let pass = 0; pass < SCAN_PASSES; pass++) {
    for (let i = 0; i < bytes.length; i++) sum += bytes[i]!;
  }
  const ns = ((performance.now() - start) * 1e6) / (SCAN_PASSES * SCAN_BYTES);
  if (sum < 0) throw new Error('negative sum'); // never: keeps the loop from being dropped
  return ns;
}

/** The scan gauge alone (about 5 ms): ns per byte scanned. */
export function measureScanGauge(): number {
  return medianAfterWarmup(scanPassNs, 5);
}

/** One cycle through every entry in random order (Sattolo's shuffle), so each load depends on the last. */
function chaseTable(): Int32Array {
  const next = new Int32Array(CHASE_ENTRIES);
  for (let i = 0; i < CHASE_ENTRIES; i++) next[i] = i;
  let seed = 0x9e3779b9; // xorshift32
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
  const table = chaseTable();
  return { scanNs: measureScanGauge(), memoryNs: medianAfterWarmup(() => loadNs(table), 3) };
}
