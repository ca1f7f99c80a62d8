/**
 * `npm run bench:alerts [-- --smoke]`: alerts (issue 13), section by section (each in
 * tests/bench/alerts/, returning table rows and its figures):
 *   - toPages: a bell pressed in 강남구 → the alarm on every routed operator's incident board in
 *     Chromium (112 room, 강남경찰서), and → the bell's camera live on the tile of the page that
 *     opened it;
 *   - ingest: 100 signed events/s for 60 s (every kind, new/update/end, retries) counted against
 *     the store and the pushes (zero lost, zero duplicated), request time, the hub's event-loop
 *     delay and CPU meanwhile.
 * Each section runs its own hub in a process of its own, as `npm start` runs it. Prints a table
 * and one JSON line `{"bench":"alerts",…}`. Not a pass/fail test; the aims are printed beside
 * the figures.
 *
 *   --smoke   2 bell presses on a 5,000-camera registry; 3 s of ingestion
 */
import { parseArgs } from 'node:util';
import { measureIngest } from './alerts/ingest.ts';
import { measureToPages } from './alerts/to-pages.ts';
import { printSections, type BenchSection } from './section.ts';

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } });
const smoke = values.smoke;

const done: BenchSection[] = [];
for (const measure of [measureToPages, measureIngest]) done.push(await measure({ smoke }));
printSections('alerts', `alerts benchmark${smoke ? ' (smoke)' : ''} — hub in its own process, Chromium on this machine; Seoul cameras SYNTHETIC`, smoke, done);
