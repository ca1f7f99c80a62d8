/**
 * Plate reads and the watchlist in hub.sqlite. A read is stored once per (system, readId); a batch
 * goes in as one transaction (all or nothing). Reads that hit nothing are deleted after the
 * retention period by `deleteNonHitsBefore`; hits are kept. Watchlist entries are never deleted:
 * a removal is stamped, so the list's history stays readable.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db.ts';
import type { LprRead } from '../protocol/lpr.ts';

export interface StoredRead extends LprRead {
  system: string;
  receivedAt: number;
}

export interface WatchRecord {
  id: string;
  /** As listed (spaces removed); `core` is what reads are matched on. */
  plate: string;
  core: string;
  reason: string;
  agency: string;
  addedBy: string;
  addedAt: number;
  expiresAt: number;
  removedAt: number | null;
  removedBy: string | null;
}

interface WatchRow {
  id: string; plate: string; core: string; reason: string; agency: string; added_by: string; added_at: number;
  expires_at: number; removed_at: number | null; removed_by: string | null;
}

const toWatch = (row: WatchRow): WatchRecord => ({
  id: row.id, plate: row.plate, core: row.core, reason: row.reason, agency: row.agency, addedBy: row.added_by,
  addedAt: row.added_at, expiresAt: row.expires_at, removedAt: row.removed_at, removedBy: row.removed_by
});

/** Thrown inside the insert transaction to roll it back. */
class Duplicate extends Error {
  constructor(readonly readId: string) {
    super(readId);
  }
}

export class LprStore {
  readonly #db: Db;
  readonly #insertBatch: (reads: readonly StoredRead[], hits: ReadonlyMap<string, string>) => void;

  constructor(db: Db) {
    this.#db = db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS lpr_reads (
        system TEXT NOT NULL, read_id TEXT NOT NULL, plate TEXT NOT NULL, camera_id TEXT NOT NULL,
        at INTEGER NOT NULL, direction TEXT NOT NULL, confidence REAL NOT NULL, image_ref TEXT,
        received_at INTEGER NOT NULL, hit_watch_id TEXT,
        PRIMARY KEY (system, read_id)
      );
      CREATE INDEX IF NOT EXISTS lpr_reads_non_hits ON lpr_reads (received_at) WHERE hit_watch_id IS NULL;
      CREATE TABLE IF NOT EXISTS lpr_watchlist (
        id TEXT PRIMARY KEY, plate TEXT NOT NULL, core TEXT NOT NULL, reason TEXT NOT NULL, agency TEXT NOT NULL,
        added_by TEXT NOT NULL, added_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, removed_at INTEGER, removed_by TEXT
      );
    `);
    const insert = db.prepare(
      `INSERT INTO lpr_reads (system, read_id, plate, camera_id, at, direction, confidence, image_ref, received_at, hit_watch_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (system, read_id) DO NOTHING`
    );
    this.#insertBatch = db.transaction((reads: readonly StoredRead[], hits: ReadonlyMap<string, string>) => {
      for (const read of reads) {
        const { changes } = insert.run(
          read.system, read.readId, read.plate, read.cameraId, read.at, String(read.direction), read.confidence,
          read.imageRef ?? null, read.receivedAt, hits.get(read.readId) ?? null
        );
        if (changes === 0) throw new Duplicate(read.readId);
      }
    });
  }

  /**
   * Stores a checked batch in one transaction; `hits` maps a readId to the watchlist entry it
   * matched. A readId the system sent before rolls the whole batch back: its id is returned.
   */
  insert(reads: readonly StoredRead[], hits: ReadonlyMap<string, string>): string | undefined {
    try {
      this.#insertBatch(reads, hits);
      return undefined;
    } catch (error) {
      if (error instanceof Duplicate) return error.readId;
      throw error;
    }
  }

  /** Deletes reads that hit nothing and arrived before `cutoff`; returns how many. */
  deleteNonHitsBefore(cutoff: number): number {
    return this.#db.prepare('DELETE FROM lpr_reads WHERE hit_watch_id IS NULL AND received_at < ?').run(cutoff).changes;
  }

  /** Reads stored now: all, and those kept as hits (tests, metrics). */
  counts(): { reads: number; hits: number } {
    return this.#db.prepare('SELECT COUNT(*) AS reads, COUNT(hit_watch_id) AS hits FROM lpr_reads').get() as { reads: number; hits: number };
  }

  addWatch(entry: Omit<WatchRecord, 'id' | 'removedAt' | 'removedBy'>): WatchRecord {
    const id = `watch-${randomUUID()}`;
    this.#db
      .prepare('INSERT INTO lpr_watchlist (id, plate, core, reason, agency, added_by, added_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, entry.plate, entry.core, entry.reason, entry.agency, entry.addedBy, entry.addedAt, entry.expiresAt);
    return { ...entry, id, removedAt: null, removedBy: null };
  }

  removeWatch(id: string, by: string, at: number): void {
    this.#db.prepare('UPDATE lpr_watchlist SET removed_at = ?, removed_by = ? WHERE id = ? AND removed_at IS NULL').run(at, by, id);
  }

  /** Entries neither removed nor expired at `now`. */
  activeWatches(now: number): WatchRecord[] {
    return (this.#db.prepare('SELECT * FROM lpr_watchlist WHERE removed_at IS NULL AND expires_at > ? ORDER BY added_at').all(now) as WatchRow[]).map(toWatch);
  }
}
