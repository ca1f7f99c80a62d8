/**
 * The city-scale registry at start-up: imported into hub.sqlite when what is stored is missing
 * or came from another source (another CSV file, another synthetic count or seed), otherwise
 * read back from SQLite. An import with bad rows refuses to start the hub, listing the rows;
 * nothing is half-imported (the importer and the store are both all-or-nothing).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RegistrySource } from '../config.ts';
import type { Db } from '../db.ts';
import { districtSet } from '../geo/districts.ts';
import { importCctvStandard } from './import/cctv-standard.ts';
import { loadCameraCores, storeCameras, storedMeta, storedSourceKey, type CameraCore } from './import/store.ts';
import { syntheticCsv } from './import/synthetic.ts';
import type { ImportError } from './import/types.ts';
import type { RegistryCamera } from './registry.ts';

/** Bumped when the importer or the synthetic generator changes what a source turns into. */
const IMPORT_VERSION = 2;

export interface RegistryLoad {
  cameras: CameraCore[];
  /** The 시군구 the registry was imported for: configured, or (a CSV without a region) those its cameras stand in. */
  region: readonly string[] | null;
  /** Rows of the source outside the region, left out. */
  skippedOutsideRegion: number;
  /** True when this start imported (first start, or the source changed); false when read from SQLite. */
  imported: boolean;
  sourceKey: string | null;
  ms: number;
}

/** An import that found bad rows: the hub does not start. The message lists them. */
export class RegistryImportError extends Error {
  readonly what: string;
  readonly errors: readonly ImportError[];
  readonly total: number;

  constructor(what: string, errors: readonly ImportError[], total: number) {
    const lines = errors.map((e) => `  - ${e.row === null ? '(file)' : `row ${e.row}`}${e.column ? `, ${e.column}` : ''}: ${e.code} ${e.reason}${e.value !== undefined ? ` [${e.value}]` : ''}`);
    const more = total > errors.length ? [`  … and ${total - errors.length} more`] : [];
    super([`registry import failed: ${what} has ${total} bad row(s); nothing was imported`, ...lines, ...more].join('\n'));
    this.name = 'RegistryImportError';
    this.what = what;
    this.errors = errors;
    this.total = total;
  }
}

/**
 * The registry for this start. An import runs in a short-lived child process (generating and
 * validating 68,000 rows takes ≈300 MB at its peak, and V8 keeps what it grew): the hub itself
 * only ever reads the stored cameras back, so its memory is the same on every start.
 */
export function loadRegistry(db: Db, dbFile: string, source: RegistrySource): RegistryLoad {
  const t0 = performance.now();
  if (source.kind === 'none') return { cameras: [], region: null, skippedOutsideRegion: 0, imported: false, sourceKey: null, ms: 0 };
  const key = sourceKey(source);
  const imported = storedSourceKey(db) !== key;
  if (imported) importInChildProcess(dbFile, source);
  const meta = storedMeta(db);
  return { cameras: loadCameraCores(db), region: meta.region ?? null, skippedOutsideRegion: meta.skippedOutsideRegion ?? 0, imported, sourceKey: key, ms: performance.now() - t0 };
}

/** Imports `source` into the registry table (all or nothing); in the child process, and in tests. */
export function importRegistry(db: Db, source: Exclude<RegistrySource, { kind: 'none' }>): void {
  const what = source.kind === 'csv' ? source.file : `the synthetic registry (${source.total} cameras, seed ${source.seed})`;
  const region = source.region === 'infer' ? 'infer' : districtSet(source.region);
  const text = source.kind === 'csv' ? readCsv(source.file) : syntheticCsv({ total: source.total, seed: source.seed, region: districtSet(source.region) });
  const result = importCctvStandard(text, { region });
  if (!result.ok) throw new RegistryImportError(what, result.errors, result.total);
  if (result.cameras.length === 0) {
    const where = source.region === 'infer' ? 'any 시군구' : `the region (${source.region.join(', ')})`;
    throw new RegistryImportError(what, [{ row: null, column: null, code: 'ERR_OUTSIDE_REGION', reason: `지역 안의 카메라가 없습니다 (no camera in ${where}; ${result.stats.skippedOutsideRegion} row(s) outside)` }], 1);
  }
  // The region is what was configured, or the 시군구 the cameras stand in.
  const codes = source.region === 'infer' ? Object.keys(result.stats.byDistrict).sort() : source.region;
  storeCameras(db, result.cameras, sourceKey(source), { region: codes, skippedOutsideRegion: result.stats.skippedOutsideRegion });
}

function sourceKey(source: Exclude<RegistrySource, { kind: 'none' }>): string {
  const region = source.region === 'infer' ? 'infer' : source.region.join(',');
  return source.kind === 'csv'
    ? `csv:v${IMPORT_VERSION}:region=${region}:sha256=${createHash('sha256').update(readCsv(source.file)).digest('hex')}`
    : `synthetic:v${IMPORT_VERSION}:region=${region}:seed=${source.seed}:total=${source.total}`;
}

const IMPORT_CLI = fileURLToPath(new URL('./import-registry.ts', import.meta.url));
/** The child's exit code when the source has bad rows; it prints them as JSON on stdout. */
export const EXIT_BAD_ROWS = 3;

function importInChildProcess(dbFile: string, source: Exclude<RegistrySource, { kind: 'none' }>): void {
  const child = spawnSync(process.execPath, ['--import', 'tsx', IMPORT_CLI, dbFile, JSON.stringify(source)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024
  });
  if (child.status === 0) return;
  if (child.status === EXIT_BAD_ROWS) {
    const { what, errors, total } = JSON.parse(child.stdout) as { what: string; errors: ImportError[]; total: number };
    throw new RegistryImportError(what, errors, total);
  }
  throw new Error(`registry import failed (exit ${child.status ?? child.signal}): ${child.error?.message ?? 'see the log above'}`);
}

function readCsv(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read registry CSV ${file}: ${(error as Error).message}`);
  }
}

/**
 * Registry entries for imported cameras. Only what the hub uses is kept (68,000 of them stay in
 * memory for the hub's life); `feed` says where each is pulled from.
 */
export function toRegistryCameras(cameras: readonly CameraCore[], feed: (camera: CameraCore) => Pick<RegistryCamera, 'source' | 'simulatedFeed'>): RegistryCamera[] {
  return cameras.map((c) => {
    const camera: RegistryCamera = { id: c.id, name: c.name, nameEn: c.nameEn, district: c.district, category: c.category, location: c.location, ...feed(c) };
    if (c.facingDeg !== undefined && c.fovDeg !== undefined) {
      camera.facingDeg = c.facingDeg;
      camera.fovDeg = c.fovDeg;
    }
    return camera;
  });
}
