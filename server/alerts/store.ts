/**
 * Alarms in hub.sqlite: each alarm's whole state as JSON beside the columns it is found by
 * (its source event, status, recipients), so an open alarm survives a restart with its
 * recipients, grants and escalation due. Guardian contacts are stored here and nowhere else
 * (never in the audit or the log); the view masks them for those who may not see them.
 */
import type { Db } from '../db.ts';
import type { AlarmView, Fix, SosCategory } from '../protocol/alerts.ts';

/** What the alarm knows of its cause (the guardian contact unmasked). */
export type StoredDetail =
  | { kind: 'crowd'; density: number; areaName: string | null }
  | { kind: 'water'; siteId: string; levelCm: number }
  | { kind: 'fire'; detected: 'fire' | 'smoke'; confidence: number }
  | { kind: 'bell'; bellId: string }
  | { kind: 'sos'; category: SosCategory; description: string | null; guardianContact: string | null; track: Fix[] }
  | { kind: 'tag'; tagId: string; violation: string | null; track: Fix[] };

/** An alarm as stored: what every recipient sees of it (less its own priority), and what the hub keeps to itself. */
export interface AlarmRecord extends Omit<AlarmView, 'priority' | 'source' | 'detail' | 'incidentId'> {
  source: string;
  sourceEventId: string;
  detail: StoredDetail;
  /** Opened with the alarm for its recipients (null while the rules route it to nobody). */
  incidentId: string | null;
  /** The routing's escalation (kept so a restart escalates the same way). */
  escalation: { afterS: number; to: string } | null;
}

interface AlarmRow {
  state: string;
}

export class AlarmStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS alarms (
        id TEXT PRIMARY KEY, source TEXT NOT NULL, source_event_id TEXT NOT NULL, status TEXT NOT NULL,
        raised_at INTEGER NOT NULL, agencies TEXT NOT NULL, state TEXT NOT NULL,
        UNIQUE (source, source_event_id)
      );
      CREATE INDEX IF NOT EXISTS alarms_by_status ON alarms (status, raised_at);
    `);
  }

  /** Stores a new alarm; false when its (source, sourceEventId) is stored already (nothing written). */
  insert(alarm: AlarmRecord): boolean {
    const result = this.#db
      .prepare('INSERT INTO alarms (id, source, source_event_id, status, raised_at, agencies, state) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, source_event_id) DO NOTHING')
      .run(alarm.id, alarm.source, alarm.sourceEventId, alarm.status, alarm.raisedAt, agencyList(alarm), JSON.stringify(alarm));
    return result.changes === 1;
  }

  update(alarm: AlarmRecord): void {
    this.#db.prepare('UPDATE alarms SET status = ?, agencies = ?, state = ? WHERE id = ?').run(alarm.status, agencyList(alarm), JSON.stringify(alarm), alarm.id);
  }

  get(id: string): AlarmRecord | undefined {
    return parse(this.#db.prepare('SELECT state FROM alarms WHERE id = ?').get(id) as AlarmRow | undefined);
  }

  bySourceEvent(source: string, sourceEventId: string): AlarmRecord | undefined {
    return parse(this.#db.prepare('SELECT state FROM alarms WHERE source = ? AND source_event_id = ?').get(source, sourceEventId) as AlarmRow | undefined);
  }

  /** Every alarm not closed, oldest first. */
  open(): AlarmRecord[] {
    return (this.#db.prepare("SELECT state FROM alarms WHERE status != 'closed' ORDER BY raised_at, rowid").all() as AlarmRow[]).map((row) => parse(row)!);
  }

  /** The alarms routed to `agency`, newest first. */
  list(agency: string, status: 'open' | 'closed' | 'all', limit: number): AlarmRecord[] {
    const rows = this.#db
      .prepare(`SELECT state FROM alarms WHERE instr(agencies, ?) > 0 AND (? = 'all' OR (? = 'closed') = (status = 'closed')) ORDER BY raised_at DESC, rowid DESC LIMIT ?`)
      .all(`,${agency},`, status, status, limit) as AlarmRow[];
    return rows.map((row) => parse(row)!);
  }

  /** Alarms stored (tests, the bench: none lost, none twice). */
  count(): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM alarms').get() as { n: number }).n;
  }
}

/** `,seoul-112,gangnam-police,`: found by `instr` with the commas, so no agency id matches inside another. */
function agencyList(alarm: AlarmRecord): string {
  return `,${alarm.recipients.map((r) => r.agency).join(',')},`;
}

function parse(row: AlarmRow | undefined): AlarmRecord | undefined {
  return row && (JSON.parse(row.state) as AlarmRecord);
}
