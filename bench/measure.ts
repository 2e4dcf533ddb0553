/** Small measuring tools for the benchmarks: timing, medians, a seeded random source, printing. */

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target?: string;
}

/**
 * Extra Node flags for the server processes the benchmarks start, from VIGIL_BENCH_NODE_ARGS
 * (space-separated), e.g. `--cpu-prof --cpu-prof-dir=DIR` to see where a request's time goes.
 */
export const SERVER_NODE_ARGS: readonly string[] = (process.env.VIGIL_BENCH_NODE_ARGS ?? '')
  .split(' ')
  .filter((arg) => arg !== '');

/** Milliseconds taken by `fn`. */
export function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Milliseconds taken by an async `fn`. */
export async function timeAsync(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The median of `runs` measurements (after one warm-up run). */
export function median(runs: number, measure: () => number): number {
  measure();
  const values = Array.from({ length: runs }, measure).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}

/** The median of `runs` timings of an async `fn`, in ms (no warm-up run: each run is timed). */
export async function medianAsync(runs: number, fn: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < runs; k++) times.push(await timeAsync(fn));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** A seeded pseudo-random source (mulberry32), so every run measures the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Prints results as an aligned table. */
export function printResults(title: string, results: readonly BenchResult[]): void {
  console.log(`\n${title}`);
  const width = Math.max(...results.map((r) => r.name.length));
  for (const r of results) {
    const value = r.value >= 1000 ? Math.round(r.value).toLocaleString('en-US') : r.value.toFixed(r.value >= 10 ? 1 : 2);
    console.log(`  ${r.name.padEnd(width)}  ${value.padStart(12)} ${r.unit}${r.target ? `   (target ${r.target})` : ''}`);
  }
}
