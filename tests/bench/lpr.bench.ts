/**
 * `npm run bench:lpr [-- --smoke]`: LPR ingestion (tests/bench/pursuit/lpr-ingest.ts) on its own,
 * until the pursuit bench (`bench:pursuit`) composes it as a section. Prints a table and one JSON
 * line `{"bench":"lpr",…}`. Aim: ≥ 500 reads/s accepted without loss, hub loop delay ≤ 20 ms.
 */
import { parseArgs } from 'node:util';
import { measureLprIngest } from './pursuit/lpr-ingest.ts';

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } });
const rows = await measureLprIngest({ smoke: values.smoke });
process.stdout.write(`lpr ingest bench${values.smoke ? ' (smoke)' : ''} — one LPR system, hub in a process of its own\n`);
process.stdout.write(`  ${'mode'.padEnd(9)} ${'offered/s'.padStart(9)} ${'accepted/s'.padStart(10)} ${'lost'.padStart(5)}  request p50 / p95 ms  hub loop p99 / max ms  hub CPU ms/read\n`);
for (const r of rows) {
  process.stdout.write(
    `  ${r.mode.padEnd(9)} ${String(r.offeredPerS).padStart(9)} ${String(r.acceptedPerS).padStart(10)} ${String(r.lost).padStart(5)}  ${`${r.requestP50Ms} / ${r.requestP95Ms}`.padEnd(20)}  ${`${r.loopDelayP99Ms} / ${r.loopDelayMaxMs}`.padEnd(21)}  ${r.hubCpuMsPerRead}\n`
  );
}
const lossless = rows.filter((r) => r.lost === 0).map((r) => r.acceptedPerS);
process.stdout.write(JSON.stringify({ bench: 'lpr', smoke: values.smoke, maxAcceptedPerSWithoutLoss: lossless.length ? Math.max(...lossless) : 0, rows }) + '\n');
