/**
 * `node --import tsx tests/bench/geo-cameras.bench.ts [--smoke]`: the incident map's reference
 * data at Seoul scale — 자치구 extraction, the SYNTHETIC 68,000-camera registry (generation, CSV
 * import, SQLite store/load), the spatial index (build, nearest-8, polygon and radius queries,
 * with and without a one-구 scope filter) and memory with the registry loaded. Prints a table
 * and one JSON line `{"bench":"geo-cameras",…}`. Not a pass/fail test; the aims are printed
 * beside the figures (import ≤ 5 s, nearest-8 p95 ≤ 1 ms, hub total ≤ 300 MB).
 *
 *   --smoke        fewer queries (the registry is still full size)
 *   --cameras N    registry size (default 68000)
 *   --queries N    queries per kind (default 5000; smoke 300)
 *   --seed N       synthetic registry seed
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { importCctvStandard } from '../../server/cameras/import/cctv-standard.ts';
import { loadCameras, storeCameras } from '../../server/cameras/import/store.ts';
import { syntheticSeoulCsv } from '../../server/cameras/import/synthetic.ts';
import { seededRandom } from '../../server/geo/random.ts';
import type { ImportedCamera } from '../../server/cameras/import/types.ts';
import { CameraIndex } from '../../server/geo/camera-index.ts';
import { districtExtractionStats, seoulDistricts } from '../../server/geo/districts.ts';
import type { Ring } from '../../server/geo/geometry.ts';
import { openDb } from '../../server/db.ts';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    cameras: { type: 'string' },
    queries: { type: 'string' },
    seed: { type: 'string' },
    /** Internal: measure a fresh process that loads the registry from this DB, as the hub does. */
    steady: { type: 'string' }
  }
});
const SMOKE = values.smoke;
const CAMERAS = Number(values.cameras ?? 68_000);
const QUERIES = Number(values.queries ?? (SMOKE ? 300 : 5000));
const SEED = Number(values.seed ?? 20240112);

// A way to collect garbage before reading memory, without needing --expose-gc on the command line.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MB = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const memory = () => {
  gc();
  gc(); // a second pass collects what the first only unlinked (weak maps, finalizers)
  const m = process.memoryUsage();
  return { heapUsedMB: MB(m.heapUsed), rssMB: MB(m.rss), externalMB: MB(m.external + m.arrayBuffers) };
};
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const time = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const value = fn();
  return [value, performance.now() - t0];
};

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Runs `fn` once per spot; latency percentiles in ms (3 decimals) and the mean result size. */
function latencies<T>(spots: ReadonlyArray<T>, fn: (spot: T) => { length: number }) {
  // Warm up (JIT) on a tenth of the spots first.
  for (let i = 0; i < Math.min(200, spots.length); i++) fn(spots[i]!);
  const ms: number[] = [];
  let results = 0;
  for (const spot of spots) {
    const t0 = performance.now();
    results += fn(spot).length;
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { n: ms.length, p50: round(quantile(ms, 0.5), 3), p95: round(quantile(ms, 0.95), 3), max: round(ms.at(-1)!, 3), meanResults: round(results / ms.length) };
}

if (values.steady) {
  // A fresh process doing what the hub does at start: districts, registry from SQLite, index.
  const base = memory();
  seoulDistricts();
  const withDistricts = memory();
  const db = openDb(values.steady);
  const [list, loadMs] = time(() => loadCameras(db));
  db.close();
  const withRegistry = memory();
  const [idx, indexBuildMs] = time(() => new CameraIndex(list));
  const withIndex = memory();
  process.stdout.write(
    `${JSON.stringify({
      cameras: idx.size,
      loadMs: round(loadMs),
      indexBuildMs: round(indexBuildMs),
      baseline: base,
      districtsHeapMB: round(withDistricts.heapUsedMB - base.heapUsedMB),
      registryHeapMB: round(withRegistry.heapUsedMB - withDistricts.heapUsedMB),
      indexMB: round(withIndex.heapUsedMB + withIndex.externalMB - withRegistry.heapUsedMB - withRegistry.externalMB),
      heapUsedMB: withIndex.heapUsedMB,
      rssMB: withIndex.rssMB,
      peakRssMB: MB(process.resourceUsage().maxRSS * 1024)
    })}\n`
  );
  process.exit(0);
}

const baseline = memory();

// 1. Districts (cold: reads and parses the package's nationwide data once).
const [districts, districtsMs] = time(() => seoulDistricts());
const extraction = districtExtractionStats();
const afterDistricts = memory();

// 2. Synthetic registry → CSV text → bytes.
let [csvText, generateMs] = time((): string | null => syntheticSeoulCsv({ total: CAMERAS, seed: SEED }));
let bytes: Uint8Array | null = new TextEncoder().encode(csvText!);
csvText = null;
const csvMB = MB(bytes.length);

// 3. Import (decode, parse, validate, resolve 구).
const [result, importMs] = time(() => importCctvStandard(bytes!));
if (!result.ok) throw new Error(`import failed: ${JSON.stringify(result.errors.slice(0, 3))}`);
const importStats = result.stats;
let cameras: ImportedCamera[] = result.cameras;
result.cameras = [];
const peakRssImportMB = MB(process.resourceUsage().maxRSS * 1024);
bytes = null;

// 4. SQLite store and load (a file, as the hub keeps it).
const dir = mkdtempSync(join(tmpdir(), 'gth-geo-bench-'));
const db = openDb(join(dir, 'hub.db'));
const [, storeMs] = time(() => storeCameras(db, cameras));
const [loaded, loadMs] = time(() => loadCameras(db));
db.close();
const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--steady', join(dir, 'hub.db')], { encoding: 'utf8' });
rmSync(dir, { recursive: true, force: true });
if (child.status !== 0) throw new Error(`steady-state child failed: ${child.stderr.slice(-1000)}`);
const steady = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
  loadMs: number; indexBuildMs: number; districtsHeapMB: number; registryHeapMB: number; indexMB: number; heapUsedMB: number; rssMB: number; peakRssMB: number;
};
if (loaded.length !== cameras.length) throw new Error('store/load lost cameras');
cameras = loaded; // keep one copy: what the hub would hold after a restart
const afterRegistry = memory();

// 5. Index.
const [index, buildMs] = time(() => new CameraIndex(cameras));
const afterIndex = memory();

// 6. Queries.
const random = seededRandom(SEED ^ 0x5eed);
const spots: Array<[number, number]> = [];
for (let i = 0; i < QUERIES; i++) {
  // Mostly where cameras are (an incident happens somewhere in the city), some anywhere in the bbox.
  if (random() < 0.7) {
    const c = cameras[Math.floor(random() * cameras.length)]!;
    spots.push([c.location.lat + (random() - 0.5) * 0.004, c.location.lon + (random() - 0.5) * 0.005]);
  } else spots.push([37.43 + random() * 0.27, 126.77 + random() * 0.41]);
}
const mapo = (c: ImportedCamera) => c.district.code === '11440';
const incidentPolygon = ([lat, lon]: [number, number], radiusM: number): Ring[] => {
  const ring: Array<[number, number]> = [];
  for (let k = 0; k <= 12; k++) {
    const a = (2 * Math.PI * (k % 12)) / 12;
    ring.push([lon + (radiusM * Math.sin(a)) / 88_200, lat + (radiusM * Math.cos(a)) / 111_195]);
  }
  return [ring];
};
const polygons500 = spots.map((s) => incidentPolygon(s, 500));
const districtRings = districts.map((d) => d.polygons.flat());
const districtSpots = Array.from({ length: Math.max(25, Math.min(QUERIES / 10, 500)) }, (_, i) => districtRings[i % 25]!);

const queries = {
  nearest8: latencies(spots, ([lat, lon]) => index.nearest(lat, lon, 8)),
  nearest8ScopedMapo: latencies(spots, ([lat, lon]) => index.nearest(lat, lon, 8, mapo)),
  nearest50: latencies(spots, ([lat, lon]) => index.nearest(lat, lon, 50)),
  radius500: latencies(spots, ([lat, lon]) => index.withinRadius(lat, lon, 500)),
  radius1000: latencies(spots, ([lat, lon]) => index.withinRadius(lat, lon, 1000)),
  polygon500mDodecagon: latencies(polygons500, (rings) => index.withinPolygon(rings)),
  polygonDistrict: latencies(districtSpots, (rings) => index.withinPolygon(rings))
};
const afterQueries = memory();

const report = {
  bench: 'geo-cameras',
  smoke: SMOKE,
  node: process.version,
  cameras: cameras.length,
  districts: {
    count: districts.length,
    firstCallMs: round(districtsMs),
    readMs: round(extraction.readMs),
    parseMs: round(extraction.parseMs),
    simplifyMs: round(extraction.simplifyMs),
    toleranceM: extraction.toleranceM,
    vertices: { before: extraction.simplify.verticesBefore, after: extraction.simplify.verticesAfter }
  },
  generateMs: round(generateMs),
  csvMB,
  importMs: round(importMs),
  importBreakdownMs: { decode: round(importStats.ms.decode), parse: round(importStats.ms.parse), validate: round(importStats.ms.validate) },
  sqlite: { storeMs: round(storeMs), loadMs: round(loadMs) },
  indexBuildMs: round(buildMs),
  queries,
  memory: {
    baseline,
    afterDistricts,
    afterRegistry,
    afterIndex,
    afterQueries,
    peakRssDuringImportMB: peakRssImportMB,
    peakRssMB: MB(process.resourceUsage().maxRSS * 1024),
    /** A fresh process holding districts + registry (from SQLite) + index, as the hub would. */
    steady
  },
  aims: { importMs: 5000, nearest8P95Ms: 1, hubTotalMB: 300 }
};

const rows: Array<[string, string, string]> = [
  ['districts (first call)', `${report.districts.firstCallMs} ms`, `read ${report.districts.readMs} / parse ${report.districts.parseMs} / simplify ${report.districts.simplifyMs} ms; ${report.districts.vertices.before}→${report.districts.vertices.after} vertices`],
  ['synthetic generation', `${report.generateMs} ms`, `${cameras.length} cameras, ${csvMB} MB CSV`],
  ['CSV import', `${report.importMs} ms`, `decode ${report.importBreakdownMs.decode} / parse ${report.importBreakdownMs.parse} / validate ${report.importBreakdownMs.validate} ms (aim ≤ 5000)`],
  ['SQLite store / load', `${report.sqlite.storeMs} / ${report.sqlite.loadMs} ms`, 'one transaction; file DB, WAL'],
  ['index build', `${report.indexBuildMs} ms`, ''],
  ...Object.entries(queries).map(([name, q]): [string, string, string] => [name, `p50 ${q.p50} / p95 ${q.p95} ms`, `max ${q.max} ms; n ${q.n}; ~${q.meanResults} results${name === 'nearest8' ? ' (aim p95 ≤ 1)' : ''}`]),
  ['memory, this bench', `heap ${afterQueries.heapUsedMB} / RSS ${afterQueries.rssMB} MB`, `peak RSS ${report.memory.peakRssMB} MB (during import ${peakRssImportMB} MB; includes generating the CSV)`],
  ['memory, fresh hub-like', `heap ${steady.heapUsedMB} / RSS ${steady.rssMB} MB`, `districts ${steady.districtsHeapMB} + registry ${steady.registryHeapMB} + index ${steady.indexMB} MB; load ${steady.loadMs} ms, peak RSS ${steady.peakRssMB} MB (aim hub total ≤ 300)`]
];
const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
process.stdout.write(`geo-cameras bench — SYNTHETIC registry, ${cameras.length} cameras${SMOKE ? ' (smoke)' : ''}\n`);
for (const [a, b, c] of rows) process.stdout.write(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}\n`);
process.stdout.write(`${JSON.stringify(report)}\n`);
