/** Summary statistics the benchmarks print: interpolated quantiles of a sample. */

export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const round = (v: number | null, digits = 1): number | null => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

/** n, p50, p95 and max of a sample, rounded to `digits` decimals. */
export function summary(values: readonly number[], digits = 1): { n: number; p50: number | null; p95: number | null; max: number | null } {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: round(quantile(sorted, 0.5), digits), p95: round(quantile(sorted, 0.95), digits), max: round(sorted.at(-1) ?? null, digits) };
}
