/**
 * Imported cameras in SQLite: `storeCameras` replaces the whole `cameras` table in one
 * transaction (an import is the registry, not an addition to it; if any row fails, the previous
 * registry stays as it was), `loadCameras` reads it back.
 */
import type { Db } from '../../db.ts';
import type { ImportedCamera } from './types.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS cameras (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL, name_en TEXT NOT NULL,
    district_code TEXT NOT NULL, district_name TEXT NOT NULL, district_name_en TEXT NOT NULL,
    category TEXT NOT NULL, category_en TEXT NOT NULL,
    lat REAL NOT NULL, lon REAL NOT NULL,
    address TEXT NOT NULL, road_address TEXT, lot_address TEXT,
    facing_deg REAL, fov_deg REAL,
    camera_count INTEGER NOT NULL, megapixels REAL, view_description TEXT, retention_days INTEGER,
    installed TEXT, agency TEXT NOT NULL, agency_phone TEXT, data_date TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS cameras_district ON cameras (district_code);
  CREATE TABLE IF NOT EXISTS cameras_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

interface CameraRow {
  id: string; name: string; name_en: string;
  district_code: string; district_name: string; district_name_en: string;
  category: string; category_en: string; lat: number; lon: number;
  address: string; road_address: string | null; lot_address: string | null;
  facing_deg: number | null; fov_deg: number | null;
  camera_count: number; megapixels: number | null; view_description: string | null; retention_days: number | null;
  installed: string | null; agency: string; agency_phone: string | null; data_date: string;
}

export function ensureCameraTable(db: Db): void {
  db.exec(SCHEMA);
}

/**
 * Replaces every stored camera with `cameras`, atomically. Throws (and keeps the old set) on any
 * failure. `sourceKey` says what they were imported from (see `storedSourceKey`).
 */
export function storeCameras(db: Db, cameras: readonly ImportedCamera[], sourceKey?: string, meta: StoredMeta = {}): { stored: number; ms: number } {
  const t0 = performance.now();
  ensureCameraTable(db);
  const insert = db.prepare(`
    INSERT INTO cameras (id, name, name_en, district_code, district_name, district_name_en, category, category_en,
      lat, lon, address, road_address, lot_address, facing_deg, fov_deg, camera_count, megapixels,
      view_description, retention_days, installed, agency, agency_phone, data_date)
    VALUES (@id, @name, @name_en, @district_code, @district_name, @district_name_en, @category, @category_en,
      @lat, @lon, @address, @road_address, @lot_address, @facing_deg, @fov_deg, @camera_count, @megapixels,
      @view_description, @retention_days, @installed, @agency, @agency_phone, @data_date)
  `);
  const replace = db.transaction((list: readonly ImportedCamera[]) => {
    db.prepare('DELETE FROM cameras').run();
    for (const c of list) insert.run(toRow(c));
    db.prepare("DELETE FROM cameras_meta").run();
    if (sourceKey !== undefined) db.prepare("INSERT INTO cameras_meta (key, value) VALUES ('source', ?)").run(sourceKey);
    db.prepare("INSERT INTO cameras_meta (key, value) VALUES ('import', ?)").run(JSON.stringify(meta));
  });
  replace(cameras);
  return { stored: cameras.length, ms: performance.now() - t0 };
}

/** What an import knew beyond its cameras: the region's 시군구 and the rows it left out. */
export interface StoredMeta {
  region?: readonly string[];
  skippedOutsideRegion?: number;
}

/** The meta stored with the cameras (empty if none). */
export function storedMeta(db: Db): StoredMeta {
  ensureCameraTable(db);
  const row = db.prepare("SELECT value FROM cameras_meta WHERE key = 'import'").get() as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as StoredMeta) : {};
}

/** What the stored cameras were imported from, as given to `storeCameras`; null if not known. */
export function storedSourceKey(db: Db): string | null {
  ensureCameraTable(db);
  const row = db.prepare("SELECT value FROM cameras_meta WHERE key = 'source'").get() as { value: string } | undefined;
  return row?.value ?? null;
}

/** Every stored camera, by id. An empty list when nothing was ever stored. */
export function loadCameras(db: Db): ImportedCamera[] {
  ensureCameraTable(db);
  const rows = db.prepare(`SELECT ${COLUMNS.join(', ')} FROM cameras ORDER BY id`).raw().iterate() as IterableIterator<RawRow>;
  // Repeated values (agency, dates, district …) are shared, not held 68,000 times over; rows are
  // read one at a time (all() would hold every raw row as well, ~100 MB more peak for 68,000).
  const intern = new Interner();
  const districts = new Map<string, ImportedCamera['district']>();
  const cameras: ImportedCamera[] = [];
  for (const r of rows) {
    const [id, name, nameEn, dCode, dName, dNameEn, category, categoryEn, lat, lon, road, lot, facing, fov, count, mp, view, retention, installed, agency, phone, date] = r;
    let district = districts.get(dCode);
    if (!district) districts.set(dCode, (district = Object.freeze({ code: dCode, name: dName, nameEn: dNameEn })));
    const camera: ImportedCamera = {
      id,
      name,
      nameEn,
      district,
      category: intern.get(category),
      categoryEn: intern.get(categoryEn),
      location: { lat, lon },
      address: (road ?? lot)!,
      roadAddress: road,
      lotAddress: lot,
      cameraCount: count,
      megapixels: mp,
      viewDescription: intern.maybe(view),
      retentionDays: retention,
      installed: intern.maybe(installed),
      agency: intern.get(agency),
      agencyPhone: intern.maybe(phone),
      dataDate: intern.get(date)
    };
    if (facing !== null && fov !== null) {
      camera.facingDeg = facing;
      camera.fovDeg = fov;
    }
    cameras.push(camera);
  }
  return cameras;
}

/** What the hub keeps of each camera for its whole life (see `loadCameraCores`). */
export type CameraCore = Pick<ImportedCamera, 'id' | 'name' | 'nameEn' | 'district' | 'category' | 'location' | 'facingDeg' | 'fovDeg'>;

/**
 * Every stored camera, only the columns the hub's registry keeps: about half the time and
 * memory of `loadCameras` for 68,000 cameras.
 */
export function loadCameraCores(db: Db): CameraCore[] {
  ensureCameraTable(db);
  const rows = db
    .prepare('SELECT id, name, name_en, district_code, district_name, district_name_en, category, lat, lon, facing_deg, fov_deg FROM cameras ORDER BY id')
    .raw()
    .iterate() as IterableIterator<[string, string, string, string, string, string, string, number, number, number | null, number | null]>;
  const intern = new Interner();
  const districts = new Map<string, ImportedCamera['district']>();
  const cameras: CameraCore[] = [];
  for (const [id, name, nameEn, dCode, dName, dNameEn, category, lat, lon, facing, fov] of rows) {
    let district = districts.get(dCode);
    if (!district) districts.set(dCode, (district = Object.freeze({ code: dCode, name: dName, nameEn: dNameEn })));
    const camera: CameraCore = { id, name, nameEn, district, category: intern.get(category), location: { lat, lon } };
    if (facing !== null && fov !== null) {
      camera.facingDeg = facing;
      camera.fovDeg = fov;
    }
    cameras.push(camera);
  }
  return cameras;
}

/** Columns read back, in `RawRow` order (`address` is not read: it is road ?? lot). */
const COLUMNS = [
  'id', 'name', 'name_en', 'district_code', 'district_name', 'district_name_en', 'category', 'category_en', 'lat', 'lon',
  'road_address', 'lot_address', 'facing_deg', 'fov_deg', 'camera_count', 'megapixels', 'view_description', 'retention_days',
  'installed', 'agency', 'agency_phone', 'data_date'
] as const;

type RawRow = [
  id: string, name: string, nameEn: string, districtCode: string, districtName: string, districtNameEn: string,
  category: string, categoryEn: string, lat: number, lon: number, road: string | null, lot: string | null,
  facing: number | null, fov: number | null, count: number, megapixels: number | null, view: string | null,
  retention: number | null, installed: string | null, agency: string, phone: string | null, date: string
];

class Interner {
  readonly #seen = new Map<string, string>();
  get(s: string): string {
    const known = this.#seen.get(s);
    if (known !== undefined) return known;
    this.#seen.set(s, s);
    return s;
  }
  maybe(s: string | null): string | null {
    return s === null ? null : this.get(s);
  }
}

function toRow(c: ImportedCamera): CameraRow {
  return {
    id: c.id, name: c.name, name_en: c.nameEn,
    district_code: c.district.code, district_name: c.district.name, district_name_en: c.district.nameEn,
    category: c.category, category_en: c.categoryEn, lat: c.location.lat, lon: c.location.lon,
    address: c.address, road_address: c.roadAddress, lot_address: c.lotAddress,
    facing_deg: c.facingDeg ?? null, fov_deg: c.fovDeg ?? null,
    camera_count: c.cameraCount, megapixels: c.megapixels, view_description: c.viewDescription,
    retention_days: c.retentionDays, installed: c.installed, agency: c.agency, agency_phone: c.agencyPhone,
    data_date: c.dataDate
  };
}
