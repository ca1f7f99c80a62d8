/**
 * Shared views in hub.sqlite: each view's ops, append-only (the view is their fold; an auditor
 * replays them), a snapshot of its state every so many ops so a start folds only the tail, and
 * one row per view to list and find them. One owner (SharedViews); the database stays with the hub.
 */
import type { Db } from '../db.ts';
import { applyOp, fold } from '../protocol/shared-view-fold.ts';
import type { OpEnvelope } from '../protocol/shared-view.ts';
import type { StoredState, StoredTile } from './admit.ts';

type Envelope = OpEnvelope<StoredTile>;

interface OpRow {
  version: number;
  at: number;
  by_json: string;
  op_json: string;
}

export class SharedViewStore {
  readonly #db: Db;
  readonly #insertOp;
  readonly #insertView;
  readonly #closeView;
  readonly #saveSnapshot;
  readonly #opsAfter;

  constructor(db: Db) {
    this.#db = db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS shared_views (
        id TEXT PRIMARY KEY, title TEXT NOT NULL, incident_id TEXT, owner_subject TEXT NOT NULL, owner_agency TEXT NOT NULL,
        created_at INTEGER NOT NULL, status TEXT NOT NULL, closed_at INTEGER
      );
      CREATE TABLE IF NOT EXISTS shared_view_ops (
        view_id TEXT NOT NULL REFERENCES shared_views(id), version INTEGER NOT NULL, at INTEGER NOT NULL,
        by_json TEXT NOT NULL, op_json TEXT NOT NULL,
        PRIMARY KEY (view_id, version)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS shared_view_snapshots (
        view_id TEXT PRIMARY KEY REFERENCES shared_views(id), version INTEGER NOT NULL, state_json TEXT NOT NULL
      );
      CREATE TRIGGER IF NOT EXISTS shared_view_ops_append_only BEFORE UPDATE ON shared_view_ops
      BEGIN SELECT RAISE(ABORT, 'shared view ops are append-only'); END;
      CREATE TRIGGER IF NOT EXISTS shared_view_ops_no_delete BEFORE DELETE ON shared_view_ops
      BEGIN SELECT RAISE(ABORT, 'shared view ops are append-only'); END;
    `);
    this.#insertOp = db.prepare('INSERT INTO shared_view_ops (view_id, version, at, by_json, op_json) VALUES (?, ?, ?, ?, ?)');
    this.#insertView = db.prepare("INSERT INTO shared_views (id, title, incident_id, owner_subject, owner_agency, created_at, status) VALUES (?, ?, ?, ?, ?, ?, 'open')");
    this.#closeView = db.prepare("UPDATE shared_views SET status = 'closed', closed_at = ? WHERE id = ?");
    this.#saveSnapshot = db.prepare('INSERT INTO shared_view_snapshots (view_id, version, state_json) VALUES (?, ?, ?) ON CONFLICT (view_id) DO UPDATE SET version = excluded.version, state_json = excluded.state_json');
    this.#opsAfter = db.prepare('SELECT version, at, by_json, op_json FROM shared_view_ops WHERE view_id = ? AND version > ? ORDER BY version LIMIT ?');
  }

  /** Appends one op (a view's first, `open`, also makes its row; `close` marks it closed). */
  append(viewId: string, envelope: Envelope): void {
    const { op } = envelope;
    this.#db.transaction(() => {
      if (op.type === 'open') this.#insertView.run(viewId, op.title, op.incidentId, op.owner.subject, op.owner.agency, envelope.at);
      this.#insertOp.run(viewId, envelope.version, envelope.at, JSON.stringify(envelope.by), JSON.stringify(op));
      if (op.type === 'close') this.#closeView.run(envelope.at, viewId);
    })();
  }

  snapshot(state: StoredState): void {
    this.#saveSnapshot.run(state.id, state.version, JSON.stringify(state));
  }

  /** Ops after `version`, in order, at most `limit`. */
  opsAfter(viewId: string, version: number, limit: number): Envelope[] {
    return (this.#opsAfter.all(viewId, version, limit) as OpRow[]).map(toEnvelope);
  }

  /** Every open view as its latest snapshot plus the ops after it. */
  loadOpen(): StoredState[] {
    const ids = this.#db.prepare("SELECT id FROM shared_views WHERE status = 'open' ORDER BY created_at").all() as Array<{ id: string }>;
    return ids.map(({ id }) => this.load(id));
  }

  /** One view from its snapshot and tail (or from all its ops). */
  load(viewId: string): StoredState {
    const snapshot = this.#db.prepare('SELECT state_json FROM shared_view_snapshots WHERE view_id = ?').get(viewId) as { state_json: string } | undefined;
    let state = snapshot ? (JSON.parse(snapshot.state_json) as StoredState) : undefined;
    const tail = this.opsAfter(viewId, state?.version ?? 0, Number.MAX_SAFE_INTEGER);
    if (!state) return fold(viewId, tail);
    for (const envelope of tail) state = applyOp(state, envelope);
    return state;
  }

  /** Every op of a view from version 1 (an auditor's replay). */
  replay(viewId: string): StoredState {
    return fold(viewId, this.opsAfter(viewId, 0, Number.MAX_SAFE_INTEGER));
  }
}

function toEnvelope(row: OpRow): Envelope {
  return { version: row.version, at: row.at, by: JSON.parse(row.by_json) as Envelope['by'], op: JSON.parse(row.op_json) as Envelope['op'] };
}
