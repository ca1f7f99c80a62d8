/**
 * A benchmark made of sections (`bench:pursuit`, `bench:alerts`): each section measures one
 * thing and hands back its table rows and figures; the composer prints them as one table and
 * one JSON line.
 */

export interface BenchSection {
  /** Key of the section in the JSON line. */
  name: string;
  /** Table rows: what, then the figures in words. */
  rows: Array<[what: string, figures: string]>;
  /** The section's figures for the JSON line. */
  result: Record<string, unknown>;
}

/** The table under `title`, then the JSON line `{"bench":…,"smoke":…,<section>:…,"node":…}`. */
export function printSections(bench: string, title: string, smoke: boolean, sections: readonly BenchSection[]): void {
  const rows = sections.flatMap((s) => s.rows);
  const width = Math.max(...rows.map(([what]) => what.length));
  process.stdout.write(`${title}\n`);
  for (const [what, figures] of rows) process.stdout.write(`  ${what.padEnd(width)}  ${figures}\n`);
  process.stdout.write(`${JSON.stringify({ bench, smoke, ...Object.fromEntries(sections.map((s) => [s.name, s.result])), node: process.version })}\n`);
}
