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
 *   --smoke   fewer calls and runs (the cities are still full size)
 */
import { parseArgs } from 'node:util';
import { measureLprIngest } from './pursuit/lpr-ingest.ts';
import { measurePrediction } from './pursuit/prediction.ts';
import { measureReadToTiles } from './pursuit/read-to-tiles.ts';
import { printSections, type BenchSection } from './section.ts';

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } });
const smoke = values.smoke;

const sections: Array<(options: { smoke: boolean }) => Promise<BenchSection>> = [
  measurePrediction,
  measureLprIngest,
  // Not in --smoke yet: on a 5,000-camera registry one run in three left a tile refused for a minute.
  ...(smoke ? [] : [measureReadToTiles])
];

const done: BenchSection[] = [];
for (const measure of sections) done.push(await measure({ smoke }));

printSections('pursuit', `pursuit benchmark${smoke ? ' (smoke)' : ''} — Göteborg map data © OpenStreetMap contributors (ODbL); Seoul roads and cameras SYNTHETIC`, smoke, done);
