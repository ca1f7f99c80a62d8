/**
 * Pursuits and their tracks in hub.sqlite: what survives a restart (an open pursuit resumes its
 * prediction and its corridor grant). Plates are stored as read; masking is for the way out.
 */
import type { Db } from '../db.ts';
import type { PursuitStatus, PursuitTarget, SightingSource } from '../protocol/pursuit.ts';

export interface PursuitRecord {
  id: string;
  incidentId: string;
  agency: string;
  status: PursuitStatus;
  target: PursuitTarget;
  openedBy: string;
  openedAt: number;
  closedAt: number | null;
  closedBy: string | null;
  externalRef: string | null;
  /** The incident was opened for this pursuit (it closes with it). */
  ownIncident: boolean;
}

export interface SightingRecord {
  id: string;
  pursuitId: string;
  at: number;
  cameraId: string;
  /** Where the camera stood then. */
  location: { lat: number; lon: number };
  headingDeg: number | null;
  source: SightingSource;
  by: string;
  note: string | null;
  lpr: { readId: string; plate: string; confidence: number; imageRef: string | null } | null;
}

interface PursuitRow {
  id: string; incident_id: string; agency: string; status: PursuitStatus; target: string; opened_by: string; opened_at: number;
  closed_at: number | null; closed_by: string | null; external_ref: string | null; own_incident: number; plate: string | null;
}

interface SightingRow {
  id: string; pursuit_id: string; seq: number; at: number; camera_id: string; lat: number; lon: number; heading_deg: number | null;
  source: SightingSource; by_whom: string; note: string | null; lpr: string | null;
}

export class PursuitStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS pursuits (
        id TEXT PRIMARY KEY, incident_id TEXT NOT NULL REFERENCES incidents(id), agency TEXT NOT NULL, status TEXT NOT NULL,
        target TEXT NOT NULL, plate TEXT, opened_by TEXT NOT NULL, opened_at INTEGER NOT NULL, closed_at INTEGER, closed_by TEXT,
        external_ref TEXT, own_incident INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS pursuits_by_agency ON pursuits (agency, status);
      CREATE INDEX IF NOT EXISTS pursuits_by_plate ON pursuits (plate, status);
      CREATE TABLE IF NOT EXISTS pursuit_sightings (
        id TEXT PRIMARY KEY, pursuit_id TEXT NOT NULL REFERENCES pursuits(id), seq INTEGER NOT NULL, at INTEGER NOT NULL,
        camera_id TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL, heading_deg REAL, source TEXT NOT NULL, by_whom TEXT NOT NULL,
        note TEXT, lpr TEXT, UNIQUE (pursuit_id, seq)
      );
    `);
  }

  insert(record: PursuitRecord): void {
    this.#db
      .prepare('INSERT INTO pursuits (id, incident_id, agency, status, target, plate, opened_by, opened_at, closed_at, closed_by, external_ref, own_incident) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(record.id, record.incidentId, record.agency, record.status, JSON.stringify(record.target), plateOf(record.target), record.openedBy, record.openedAt, record.closedAt, record.closedBy, record.externalRef, record.ownIncident ? 1 : 0);
  }

  /** Appends to the track (in arrival order; the track is read in time order). */
  addSighting(sighting: SightingRecord): void {
    this.#db
      .prepare(
        `INSERT INTO pursuit_sightings (id, pursuit_id, seq, at, camera_id, lat, lon, heading_deg, source, by_whom, note, lpr)
         VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM pursuit_sightings WHERE pursuit_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        sighting.id, sighting.pursuitId, sighting.pursuitId, sighting.at, sighting.cameraId, sighting.location.lat, sighting.location.lon,
        sighting.headingDeg, sighting.source, sighting.by, sighting.note, sighting.lpr ? JSON.stringify(sighting.lpr) : null
      );
  }

  setTarget(id: string, target: PursuitTarget): void {
    this.#db.prepare('UPDATE pursuits SET target = ?, plate = ? WHERE id = ?').run(JSON.stringify(target), plateOf(target), id);
  }

  close(id: string, at: number, by: string): void {
    this.#db.prepare("UPDATE pursuits SET status = 'closed', closed_at = ?, closed_by = ? WHERE id = ? AND status = 'open'").run(at, by, id);
  }

  get(id: string): PursuitRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM pursuits WHERE id = ?').get(id) as PursuitRow | undefined;
    return row && toRecord(row);
  }

  /** Every open pursuit (what resumes at start). */
  open(): PursuitRecord[] {
    return (this.#db.prepare("SELECT * FROM pursuits WHERE status = 'open' ORDER BY opened_at").all() as PursuitRow[]).map(toRecord);
  }

  /** An agency's pursuits, newest first. */
  list(agency: string, status: PursuitStatus | 'all', limit: number): PursuitRecord[] {
    const rows = this.#db
      .prepare("SELECT * FROM pursuits WHERE agency = ? AND (? = 'all' OR status = ?) ORDER BY opened_at DESC, rowid DESC LIMIT ?")
      .all(agency, status, status, limit) as PursuitRow[];
    return rows.map(toRecord);
  }

  openCount(agency: string): number {
    return (this.#db.prepare("SELECT COUNT(*) AS n FROM pursuits WHERE agency = ? AND status = 'open'").get(agency) as { n: number }).n;
  }

  /** The agency's open pursuit under a CAD reference (a retried POST). */
  openByRef(agency: string, externalRef: string): PursuitRecord | undefined {
    const row = this.#db.prepare("SELECT * FROM pursuits WHERE agency = ? AND external_ref = ? AND status = 'open' ORDER BY opened_at DESC LIMIT 1").get(agency, externalRef) as PursuitRow | undefined;
    return row && toRecord(row);
  }

  /** Open pursuits of a vehicle with this plate, region prefix or not (where an LPR hit belongs). */
  openByPlate(plate: string): PursuitRecord[] {
    return (this.#db.prepare("SELECT * FROM pursuits WHERE plate = ? AND status = 'open' ORDER BY opened_at").all(plateKey(plate)) as PursuitRow[]).map(toRecord);
  }

  /** The track, oldest first. */
  sightings(pursuitId: string): SightingRecord[] {
    const rows = this.#db.prepare('SELECT * FROM pursuit_sightings WHERE pursuit_id = ? ORDER BY at, seq').all(pursuitId) as SightingRow[];
    return rows.map((row) => ({
      id: row.id,
      pursuitId: row.pursuit_id,
      at: row.at,
      cameraId: row.camera_id,
      location: { lat: row.lat, lon: row.lon },
      headingDeg: row.heading_deg,
      source: row.source,
      by: row.by_whom,
      note: row.note,
      lpr: row.lpr ? (JSON.parse(row.lpr) as SightingRecord['lpr']) : null
    }));
  }
}

/** What plates are matched on: without spaces and without an old-style region prefix (서울12가3456 → 12가3456). */
export function plateKey(plate: string): string {
  return plate.replace(/\s+/g, '').replace(/^[가-힣]{2}(?=\d)/, '');
}

function plateOf(target: PursuitTarget): string | null {
  return target.kind === 'vehicle' && target.plate ? plateKey(target.plate) : null;
}

function toRecord(row: PursuitRow): PursuitRecord {
  return {
    id: row.id,
    incidentId: row.incident_id,
    agency: row.agency,
    status: row.status,
    target: JSON.parse(row.target) as PursuitTarget,
    openedBy: row.opened_by,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    closedBy: row.closed_by,
    externalRef: row.external_ref,
    ownIncident: row.own_incident === 1
  };
}
