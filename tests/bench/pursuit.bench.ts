/**
 * `npm run bench:pursuit [-- --smoke]`: the police pursuit, section by section (each in
 * tests/bench/pursuit/, returning table rows and its figures):
 *   - prediction: the next cameras from a sighting, latency with 68k cameras and hit rate
 *     against simulated drivers (Seoul, Göteborg);
 *   - lprIngest: signed plate reads accepted per second without loss by a hub in a process of its
 *     own, request time, its loop delay and CPU per read;
 *   - readToTiles: a wanted vehicle's signed read → a 강남경찰서 board in Chromium (follow mode)
 *     showing the predicted cameras live.
 * Prints a table and one JSON line `{"bench":"pursuit",…}`. Not a pass/fail test; the aims are
 * printed beside the figures.
 *
 *   --smoke        fewer calls and runs (the cities are still full size)
 *   --only NAME    one section (prediction, lprIngest, readToTiles)
 *   --runs N       readToTiles runs after its warm-up (default 8; smoke 2)
 */
import { parseArgs } from 'node:util';
import { measureLprIngest } from './pursuit/lpr-ingest.ts';
import { measurePrediction } from './pursuit/prediction.ts';
import { measureReadToTiles } from './pursuit/read-to-tiles.ts';
import type { PursuitBenchSection } from './pursuit/section.ts';

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, only: { type: 'string' }, runs: { type: 'string' } } });
const smoke = values.smoke;
const runs = values.runs === undefined ? undefined : Number(values.runs);

const sections: Record<string, (options: { smoke: boolean }) => Promise<PursuitBenchSection>> = {
  prediction: measurePrediction,
  lprIngest: measureLprIngest,
  readToTiles: (options) => measureReadToTiles({ ...options, ...(runs ? { runs } : {}) })
};
if (values.only !== undefined && !(values.only in sections)) throw new Error(`--only: one of ${Object.keys(sections).join(', ')}`);

const done: PursuitBenchSection[] = [];
for (const [name, measure] of Object.entries(sections)) if (values.only === undefined || values.only === name) done.push(await measure({ smoke }));

const rows = done.flatMap((s) => s.rows);
const width = Math.max(...rows.map(([what]) => what.length));
process.stdout.write(`pursuit benchmark${smoke ? ' (smoke)' : ''} — Göteborg map data © OpenStreetMap contributors (ODbL); Seoul roads and cameras SYNTHETIC\n`);
for (const [what, figures] of rows) process.stdout.write(`  ${what.padEnd(width)}  ${figures}\n`);
process.stdout.write(`${JSON.stringify({ bench: 'pursuit', smoke, ...Object.fromEntries(done.map((s) => [s.name, s.result])), node: process.version })}\n`);
