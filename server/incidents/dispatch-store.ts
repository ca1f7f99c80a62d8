/**
 * Dispatch state in hub.sqlite, so a restart loses neither the route nor what operators
 * flagged on it. What is stored is what rebuilds the dispatch deterministically: the station
 * kind and the destination (the route is recomputed from them), and each flag as both its edge
 * id (stable for one road network) and the point the operator flagged (to re-snap on another
 * network). An ended dispatch keeps its record as history.
 */
import type { Db } from '../db.ts';
import type { DispatchRecord, DispatchRecords } from '../geo/service.ts';
import type { FlaggedSegment } from '../protocol/dispatch.ts';

interface DispatchRow { kind: DispatchRecord['kind']; to_lat: number; to_lon: number; network: string; ended_at: number | null }
interface FlagRow { edge_id: number; name: string | null; lat: number; lon: number }

export class DispatchStore implements DispatchRecords {
  readonly #db: Db;
  readonly #now: () => number;

  constructor(db: Db, options: { now?: () => number } = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  /** A (re)started dispatch: a new route, nothing flagged yet. */
  started(incidentId: string, record: Pick<DispatchRecord, 'kind' | 'to' | 'network'>): void {
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM dispatch_flags WHERE incident_id = ?').run(incidentId);
      this.#db
        .prepare(
          `INSERT INTO dispatches (incident_id, kind, to_lat, to_lon, network, started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, NULL)
           ON CONFLICT (incident_id) DO UPDATE SET kind = excluded.kind, to_lat = excluded.to_lat, to_lon = excluded.to_lon,
             network = excluded.network, started_at = excluded.started_at, ended_at = NULL`
        )
        .run(incidentId, record.kind, record.to.lat, record.to.lon, record.network, this.#now());
    })();
  }

  flagged(incidentId: string, flag: FlaggedSegment): void {
    this.#db
      .prepare(
        `INSERT INTO dispatch_flags (incident_id, seq, edge_id, name, lat, lon, flagged_at)
         VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM dispatch_flags WHERE incident_id = ?), ?, ?, ?, ?, ?)`
      )
      .run(incidentId, incidentId, flag.edgeId, flag.name, flag.at.lat, flag.at.lon, this.#now());
  }

  /** No longer live (the incident closed); the record stays. */
  ended(incidentId: string): void {
    this.#db.prepare('UPDATE dispatches SET ended_at = ? WHERE incident_id = ? AND ended_at IS NULL').run(this.#now(), incidentId);
  }

  load(incidentId: string): DispatchRecord | undefined {
    const row = this.#db.prepare('SELECT kind, to_lat, to_lon, network, ended_at FROM dispatches WHERE incident_id = ?').get(incidentId) as DispatchRow | undefined;
    if (!row) return undefined;
    const flags = this.#db.prepare('SELECT edge_id, name, lat, lon FROM dispatch_flags WHERE incident_id = ? ORDER BY seq').all(incidentId) as FlagRow[];
    return {
      kind: row.kind,
      to: { lat: row.to_lat, lon: row.to_lon },
      network: row.network,
      live: row.ended_at === null,
      flagged: flags.map((f) => ({ edgeId: f.edge_id, name: f.name, at: { lat: f.lat, lon: f.lon } }))
    };
  }
}
