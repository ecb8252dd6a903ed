/** Timing helpers shared by the benchmarks. */

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export interface Timing {
  label: string;
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Runs `op` for 0..count-1 with `concurrency` callers at once; throughput and latency percentiles (ms). */
export async function timed(label: string, count: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<Timing> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const t = performance.now();
      await op(i);
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { label, count, perSecond: count / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Median of a warm-up run plus `runs` timed runs, in ms. */
export async function medianMs(runs: number, run: () => Promise<unknown> | unknown): Promise<number> {
  await run();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  return [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)];
}
