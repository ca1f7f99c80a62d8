/**
 * The city-scale registry at start-up: imported into hub.sqlite when what is stored is missing
 * or came from another source (another CSV file, another synthetic count or seed), otherwise
 * read back from SQLite. An import with bad rows refuses to start the hub, listing the rows;
 * nothing is half-imported (the importer and the store are both all-or-nothing).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RegistrySource } from '../config.ts';
import type { Db } from '../db.ts';
import { importCctvStandard } from './import/cctv-standard.ts';
import { loadCameraCores, storeCameras, storedSourceKey, type CameraCore } from './import/store.ts';
import { syntheticSeoulCsv } from './import/synthetic.ts';
import type { ImportError } from './import/types.ts';
import type { RegistryCamera } from './registry.ts';

/** Bumped when the importer or the synthetic generator changes what a source turns into. */
const IMPORT_VERSION = 1;

export interface RegistryLoad {
  cameras: CameraCore[];
  /** True when this start imported (first start, or the source changed); false when read from SQLite. */
  imported: boolean;
  sourceKey: string | null;
  ms: number;
}

/** An import that found bad rows: the hub does not start. The message lists them. */
export class RegistryImportError extends Error {
  readonly errors: readonly ImportError[];
  readonly total: number;

  constructor(what: string, errors: readonly ImportError[], total: number) {
    const lines = errors.map((e) => `  - ${e.row === null ? '(file)' : `row ${e.row}`}${e.column ? `, ${e.column}` : ''}: ${e.code} ${e.reason}${e.value !== undefined ? ` [${e.value}]` : ''}`);
    const more = total > errors.length ? [`  … and ${total - errors.length} more`] : [];
    super([`registry import failed: ${what} has ${total} bad row(s); nothing was imported`, ...lines, ...more].join('\n'));
    this.name = 'RegistryImportError';
    this.errors = errors;
    this.total = total;
  }
}

export function loadRegistry(db: Db, source: RegistrySource): RegistryLoad {
  const t0 = performance.now();
  if (source.kind === 'none') return { cameras: [], imported: false, sourceKey: null, ms: 0 };
  const bytes = source.kind === 'csv' ? readCsv(source.file) : undefined;
  const key =
    source.kind === 'csv'
      ? `csv:v${IMPORT_VERSION}:sha256=${createHash('sha256').update(bytes!).digest('hex')}`
      : `synthetic:v${IMPORT_VERSION}:seed=${source.seed}:total=${source.total}`;
  if (storedSourceKey(db) === key) {
    return { cameras: loadCameraCores(db), imported: false, sourceKey: key, ms: performance.now() - t0 };
  }
  const what = source.kind === 'csv' ? source.file : `the synthetic registry (${source.total} cameras, seed ${source.seed})`;
  const result = importCctvStandard(source.kind === 'csv' ? bytes! : syntheticSeoulCsv({ total: source.total, seed: source.seed }));
  if (!result.ok) throw new RegistryImportError(what, result.errors, result.total);
  storeCameras(db, result.cameras, key);
  return { cameras: result.cameras, imported: true, sourceKey: key, ms: performance.now() - t0 };
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
