/** What each part of `bench:pursuit` hands to the composer (tests/bench/pursuit.bench.ts). */
export interface PursuitBenchSection {
  /** Key of the section in the JSON line. */
  name: string;
  /** Table rows: what, then the figures in words. */
  rows: Array<[what: string, figures: string]>;
  /** The section's figures for the JSON line. */
  result: Record<string, unknown>;
}
