// What a bench file exports: its cases and which of them compare to which.
import type { MicroCase } from './micro.ts';

export interface MicroSuite {
  name: string;
  cases: () => MicroCase[] | Promise<MicroCase[]>;
  /** [ours, peer] pairs; each becomes a ratio "ours / peer" of throughput (higher is better). */
  comparisons: Array<[ours: string, peer: string]>;
}
