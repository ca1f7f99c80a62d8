/**
 * The hub's embedded SQLite database (incidents, grants, dispatches, revocations; pursuits keep
 * their own tables, server/pursuit/store.ts); the audit
 * trail has its own file. WAL with synchronous = NORMAL: a commit survives the hub's own crash
 * but is not flushed to disk on the event loop (a flush took 5 ms at the median and up to 300 ms
 * here, inside the request that opens an incident); a power loss may take the last moments'
 * incidents back — the audit trail (flushed) still has them. A revocation, which must never come
 * undone, flushes its own commit (`durably`).
 */
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Runs `write` as one transaction flushed to disk before it returns. */
export function durably<T>(db: Db, write: () => T): T {
  db.pragma('synchronous = FULL');
  try {
    return db.transaction(write)();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}

export function openDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS incidents (
      id TEXT PRIMARY KEY, type TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL, address TEXT,
      agency TEXT NOT NULL, opened_by TEXT NOT NULL, purpose TEXT NOT NULL, status TEXT NOT NULL,
      opened_at INTEGER NOT NULL, closed_at INTEGER
    );
    CREATE TABLE IF NOT EXISTS grants (
      id TEXT PRIMARY KEY, incident_id TEXT NOT NULL REFERENCES incidents(id), agency TEXT NOT NULL,
      lat REAL NOT NULL, lon REAL NOT NULL, radius_m REAL NOT NULL,
      issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, ended_at INTEGER, end_reason TEXT
    );
    CREATE TABLE IF NOT EXISTS dispatches (
      incident_id TEXT PRIMARY KEY REFERENCES incidents(id), kind TEXT NOT NULL,
      to_lat REAL NOT NULL, to_lon REAL NOT NULL, network TEXT NOT NULL,
      started_at INTEGER NOT NULL, ended_at INTEGER
    );
    CREATE TABLE IF NOT EXISTS dispatch_flags (
      incident_id TEXT NOT NULL REFERENCES dispatches(incident_id), seq INTEGER NOT NULL,
      edge_id INTEGER NOT NULL, name TEXT, lat REAL NOT NULL, lon REAL NOT NULL, flagged_at INTEGER NOT NULL,
      PRIMARY KEY (incident_id, seq)
    );
    CREATE TABLE IF NOT EXISTS revocations (
      subject TEXT NOT NULL, agency TEXT NOT NULL, revoked_at INTEGER NOT NULL, revoked_by TEXT NOT NULL,
      lifted_at INTEGER, lifted_by TEXT,
      PRIMARY KEY (subject, agency)
    );
  `);
  addColumns(db, 'incidents', { description: 'TEXT', external_ref: 'TEXT' });
  db.exec('CREATE INDEX IF NOT EXISTS incidents_by_ref ON incidents (agency, external_ref)');
  // A revocation from before lifting existed stands until a supervisor lifts it.
  addColumns(db, 'revocations', { lifted_at: 'INTEGER', lifted_by: 'TEXT' });
  // Grants gained approval: a status, where they came from, who asked and who decided, and their ttl.
  if (!hasColumn(db, 'grants', 'status')) {
    db.exec(`
      ALTER TABLE grants ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
      ALTER TABLE grants ADD COLUMN source TEXT NOT NULL DEFAULT 'agency';
      ALTER TABLE grants ADD COLUMN requested_by TEXT;
      ALTER TABLE grants ADD COLUMN decided_by TEXT;
      ALTER TABLE grants ADD COLUMN decided_at INTEGER;
      ALTER TABLE grants ADD COLUMN ttl_ms INTEGER;
      UPDATE grants SET status = 'ended' WHERE ended_at IS NOT NULL;
    `);
  }
  // A pursuit's corridor grant lists its cameras (JSON) instead of a circle.
  addColumns(db, 'grants', { cameras: 'TEXT', pursuit_id: 'TEXT' });
  // An alarm's grant lists its cameras too (server/alerts/).
  addColumns(db, 'grants', { alarm_id: 'TEXT' });
  db.exec('CREATE INDEX IF NOT EXISTS grants_by_agency ON grants (agency, status)');
  return db;
}

function columnsOf(db: Db, table: string): Set<string> {
  return new Set((db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name));
}

function hasColumn(db: Db, table: string, column: string): boolean {
  return columnsOf(db, table).has(column);
}

/** Columns added after the first release: a database from before gains them empty. */
function addColumns(db: Db, table: string, columns: Record<string, string>): void {
  const present = columnsOf(db, table);
  for (const [column, type] of Object.entries(columns)) if (!present.has(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}
