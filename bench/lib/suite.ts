// What a bench file exports: its cases and which of them compare to which.
import type { MicroCase } from './micro.ts';

export interface MicroSuite {
  name: string;
  cases: () => MicroCase[] | Promise<MicroCase[]>;
  /**
   * [ours, peer] pairs; each becomes a ratio "ours / peer" of throughput (higher is better), or
   * with a third element, of that figure, a time (lower is better), named after it.
   */
  comparisons: Array<[ours: string, peer: string, figure?: ComparedTime]>;
}

/**
 * The times a ratio may compare instead of throughput. `maxMs` is the longest single op of a
 * row that grows a structure from empty: the whole process stood still that long.
 */
export type ComparedTime = 'p50Ns' | 'p99Ns' | 'maxMs';
