/**
 * The audit trail: one SQLite file (WAL, synchronous = FULL), one row per record, each row
 * chained to the previous by its hash (see chain.ts). append() is synchronous and returns only
 * once the record is durable, so a view record can be stored before the first frame and the view
 * refused when it throws. The hub writes through an AuditWriter (writer.ts), which runs this
 * in a thread of its own, and reads through a read-only AuditLog.
 *
 * The table is append-only by trigger (a guard against our own mistakes); someone with the file
 * can drop the triggers, which is what verify() is for: it recomputes every hash from the rows.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { GENESIS_HASH, canonicalJson, recordHash, type AuditRecord } from './chain.ts';
import { AuditUnavailableError, AuditWriteError } from './errors.ts';
import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  QUERY_DEFAULT_LIMIT,
  QUERY_MAX_LIMIT,
  type AuditEntry,
  type AuditFilter,
  type AuditInput,
  type BreakKind,
  type VerifyResult
} from './types.ts';

export * from './types.ts';
export { AuditUnavailableError, AuditWriteError } from './errors.ts';
export { GENESIS_HASH, canonicalJson } from './chain.ts';

export interface AuditLogOptions {
  /** Open an existing log for reading and verifying only (the CLI, an auditor's process). */
  readonly?: boolean;
  /** The clock for records without `at`. */
  now?: () => number;
}

/** Longest text field (purpose, subject, …) in UTF-16 units. */
export const MAX_TEXT_LENGTH = 2000;
/** Largest `detail` once serialised, in bytes. */
export const MAX_DETAIL_BYTES = 16 * 1024;

const SCHEMA_VERSION = 1;
/** SQLite waits this long for a lock, synchronously: short, because it blocks the event loop and failing closed beats freezing the hub. */
const BUSY_TIMEOUT_MS = 1000;

/** Optional text fields and their columns. */
const TEXT_COLUMNS = [
  ['code', 'code'],
  ['subject', 'subject'],
  ['agency', 'agency'],
  ['purpose', 'purpose'],
  ['role', 'role'],
  ['incidentId', 'incident_id'],
  ['cameraId', 'camera_id'],
  ['clientAddress', 'client_address']
] as const;

type TextField = (typeof TEXT_COLUMNS)[number][0];

const FILTER_COLUMNS = [
  ['cameraId', 'camera_id'],
  ['subject', 'subject'],
  ['agency', 'agency'],
  ['incidentId', 'incident_id'],
  ['action', 'action'],
  ['outcome', 'outcome']
] as const;

const SCHEMA = `
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  code TEXT,
  subject TEXT,
  agency TEXT,
  purpose TEXT,
  role TEXT,
  incident_id TEXT,
  camera_id TEXT,
  client_address TEXT,
  duration_ms INTEGER,
  detail TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_camera ON audit_log (camera_id, at);
CREATE INDEX audit_log_subject ON audit_log (subject, at);
CREATE INDEX audit_log_agency ON audit_log (agency, at);
CREATE INDEX audit_log_incident ON audit_log (incident_id, at);
CREATE INDEX audit_log_action ON audit_log (action, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
PRAGMA user_version = ${SCHEMA_VERSION};
`;

interface Row {
  seq: number;
  at: number;
  action: string;
  outcome: string;
  code: string | null;
  subject: string | null;
  agency: string | null;
  purpose: string | null;
  role: string | null;
  incident_id: string | null;
  camera_id: string | null;
  client_address: string | null;
  duration_ms: number | null;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

/** A record's place in the chain: what a checkpoint signs. */
export interface ChainHead {
  seq: number;
  hash: string;
}

type Tip = ChainHead;

/** What the schema cookie reads right after SCHEMA ran: anything else means the schema was changed (e.g. the append-only triggers dropped). */
let schemaCookie: number | undefined;
function pristineSchemaCookie(): number {
  if (schemaCookie === undefined) {
    const db = new Database(':memory:');
    db.exec(SCHEMA);
    schemaCookie = db.pragma('schema_version', { simple: true }) as number;
    db.close();
  }
  return schemaCookie;
}

export class AuditLog {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #insert: Database.Statement;
  readonly #queries = new Map<string, Database.Statement>();
  /** The last record as far as this process knows: where the next append chains on. */
  #tip: Tip;
  #closed = false;
  /** `append` (head): a record was stored. For the checkpointer; control flow never hangs on it. */
  readonly observer = new EventEmitter<{ append: [ChainHead] }>();

  static open(file: string, options: AuditLogOptions = {}): AuditLog {
    const readonly = options.readonly ?? false;
    let db: Database.Database | undefined;
    try {
      if (!readonly) mkdirSync(dirname(file), { recursive: true });
      db = new Database(file, { readonly, fileMustExist: readonly, timeout: BUSY_TIMEOUT_MS });
      if (!readonly) {
        const mode = db.pragma('journal_mode = WAL', { simple: true });
        if (mode !== 'wal') throw new Error(`journal_mode is ${String(mode)}, not wal`);
        db.pragma('synchronous = FULL');
      }
      const version = db.pragma('user_version', { simple: true });
      if (version === 0 && !readonly) db.exec(`BEGIN IMMEDIATE; ${SCHEMA} COMMIT;`);
      else if (version !== SCHEMA_VERSION) throw new Error(version === 0 ? 'not an audit log (no schema)' : `unknown schema version ${String(version)}`);
      return new AuditLog(db, options.now ?? Date.now);
    } catch (error) {
      db?.close();
      throw new AuditUnavailableError(`cannot open the audit log ${file}: ${messageOf(error)}`, { cause: error });
    }
  }

  private constructor(db: Database.Database, now: () => number) {
    this.#db = db;
    this.#now = now;
    this.#insert = db.prepare(
      `INSERT INTO audit_log (seq, at, action, outcome, code, subject, agency, purpose, role, incident_id, camera_id, client_address, duration_ms, detail, prev_hash, hash)
       VALUES (@seq, @at, @action, @outcome, @code, @subject, @agency, @purpose, @role, @incident_id, @camera_id, @client_address, @duration_ms, @detail, @prev_hash, @hash)`
    );
    const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as Tip | undefined;
    this.#tip = last ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** Records appended so far: the last seq (equal to the row count while the chain is intact). */
  get count(): number {
    return this.#tip.seq;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The last record stored (seq 0 and the genesis hash while empty). */
  get head(): ChainHead {
    return { ...this.#tip };
  }

  /** The stored hash of record `seq`, if there is such a row. */
  hashAt(seq: number): string | undefined {
    return this.#read(() => (this.#statement('SELECT hash FROM audit_log WHERE seq = ?').get(seq) as { hash: string } | undefined)?.hash);
  }

  /**
   * Whether the schema is as created: the append-only triggers in place and never dropped (the
   * schema cookie counts every change). Deleting or editing rows needs the triggers gone, so a
   * changed schema marks a file that was edited in place, not merely replaced by an older copy.
   */
  schemaUntouched(): boolean {
    return this.#read(() => {
      const triggers = this.#statement("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name IN ('audit_log_no_update', 'audit_log_no_delete')").get() as { n: number };
      return triggers.n === 2 && this.#db.pragma('schema_version', { simple: true }) === pristineSchemaCookie();
    });
  }

  /**
   * Stores one record durably and returns it as stored. Throws AuditWriteError (code
   * AUDIT_UNAVAILABLE) for anything that kept it from being stored — an invalid record, a full
   * disk, a lock, a closed log — and then nothing was written.
   */
  append(input: AuditInput): AuditEntry {
    if (this.#closed) throw new AuditWriteError('audit log is closed');
    let entry: AuditEntry;
    let detailText: string | null;
    try {
      const record = this.#recordFrom(input);
      detailText = record.detail === undefined ? null : canonicalJson(record.detail);
      entry = { ...record, prevHash: this.#tip.hash, hash: recordHash(this.#tip.hash, record) };
    } catch (error) {
      throw new AuditWriteError(`invalid audit record: ${messageOf(error)}`, { cause: error });
    }
    try {
      this.#insert.run({ ...toRow(entry), detail: detailText });
    } catch (error) {
      // Nothing was written (one statement, one transaction), so the tip stays where it was.
      throw new AuditWriteError(`cannot write the audit record: ${messageOf(error)}`, { cause: error });
    }
    this.#tip = { seq: entry.seq, hash: entry.hash };
    this.observer.emit('append', this.head);
    return entry;
  }

  /**
   * Stores several records in one transaction — one flush to disk instead of one each — and
   * returns them as stored; all or none (on a throw nothing was written, as with append).
   */
  appendMany(inputs: readonly AuditInput[]): AuditEntry[] {
    const tip = this.#tip;
    try {
      return this.#db.transaction(() => inputs.map((input) => this.append(input)))();
    } catch (error) {
      this.#tip = tip;
      throw error;
    }
  }

  /** Matching records, newest first (by `at`, then by seq), and how many match in all. */
  query(filter: AuditFilter = {}): { entries: AuditEntry[]; total: number } {
    const limit = filter.limit ?? QUERY_DEFAULT_LIMIT;
    const offset = filter.offset ?? 0;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > QUERY_MAX_LIMIT) throw new RangeError(`limit must be an integer in 1…${QUERY_MAX_LIMIT}`);
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError('offset must be a non-negative integer');
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    for (const [key, column] of FILTER_COLUMNS) {
      const value = filter[key];
      if (value === undefined) continue;
      where.push(`${column} = @${key}`);
      params[key] = value;
    }
    for (const [key, op] of [['from', '>='], ['to', '<']] as const) {
      const value = filter[key];
      if (value === undefined) continue;
      if (!Number.isFinite(value)) throw new RangeError(`${key} must be a time in ms`);
      where.push(`at ${op} @${key}`);
      params[key] = value;
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.#read(() => {
      const rows = this.#statement(`SELECT * FROM audit_log ${clause} ORDER BY at DESC, seq DESC LIMIT @limit OFFSET @offset`).all({ ...params, limit, offset }) as Row[];
      const { total } = this.#statement(`SELECT count(*) AS total FROM audit_log ${clause}`).get(params) as { total: number };
      return { entries: rows.map((row) => fromRow(row, false)), total };
    });
  }

  /**
   * Walks every record in seq order, recomputing each hash from the stored fields, and reports
   * the first record that breaks the chain. Also reports a cut tail: records this process
   * appended (or found at open) that are no longer there.
   */
  verify(): VerifyResult {
    return this.#read(() => {
      let expectedSeq = 1;
      let prevHash = GENESIS_HASH;
      let checked = 0;
      let head: Tip | undefined;
      const broken = (row: Row | undefined, seq: number, kind: BreakKind, reason: string): VerifyResult => ({
        ok: false,
        checked,
        firstBroken: { seq, kind, reason, ...(row ? { at: row.at, action: row.action } : {}) },
        ...(head ? { head } : {})
      });
      // Leaving the loop early (return) ends the statement: for…of calls the iterator's return().
      const rows = this.#statement('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<Row>;
      for (const row of rows) {
        if (row.seq !== expectedSeq) {
          const reason =
            row.seq > expectedSeq
              ? `seq ${range(expectedSeq, row.seq - 1)} missing: records were removed`
              : `seq ${row.seq} where ${expectedSeq} was expected: records were inserted or renumbered`;
          return broken(row, row.seq, 'seq-gap', reason);
        }
        if (row.prev_hash !== prevHash) {
          return broken(row, row.seq, 'prev-hash-mismatch', `prev_hash does not match the hash of ${row.seq === 1 ? 'the genesis' : `seq ${row.seq - 1}`}: records were removed, inserted or reordered`);
        }
        let entry: AuditEntry;
        try {
          entry = fromRow(row);
        } catch (error) {
          return broken(row, row.seq, 'malformed', `the stored record cannot be read: ${messageOf(error)}`);
        }
        if (recordHash(prevHash, entry) !== row.hash) {
          return broken(row, row.seq, 'hash-mismatch', 'content does not match its hash: the record was edited');
        }
        checked += 1;
        prevHash = row.hash;
        head = { seq: row.seq, hash: row.hash };
        expectedSeq += 1;
      }
      const tip = this.#tip;
      if (tip.seq > checked) {
        return broken(undefined, checked + 1, 'truncated', `seq ${range(checked + 1, tip.seq)} missing at the end: the log held ${tip.seq} records, the tail was cut`);
      }
      if (tip.seq > 0 && tip.seq === checked && tip.hash !== prevHash) {
        return broken(undefined, tip.seq, 'hash-mismatch', `the last record is not the one written (hash ${tip.hash.slice(0, 12)}…): it was replaced`);
      }
      return { ok: true, checked, ...(head ? { head } : {}) };
    });
  }

  /** Idempotent. Appends after close throw AuditWriteError. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queries.clear();
    this.#db.close();
  }

  #recordFrom(input: AuditInput): AuditRecord {
    if (!(AUDIT_ACTIONS as readonly unknown[]).includes(input.action)) throw new TypeError(`unknown action ${String(input.action)}`);
    if (!(AUDIT_OUTCOMES as readonly unknown[]).includes(input.outcome)) throw new TypeError(`unknown outcome ${String(input.outcome)}`);
    const at = input.at ?? this.#now();
    if (!Number.isSafeInteger(at) || at < 0) throw new TypeError('at must be a whole number of ms since the epoch');
    const record: AuditRecord = { seq: this.#tip.seq + 1, at, action: input.action, outcome: input.outcome };
    for (const [field] of TEXT_COLUMNS) {
      const value: unknown = input[field];
      if (value === undefined) continue;
      if (typeof value !== 'string') throw new TypeError(`${field} must be a string`);
      if (value.length > MAX_TEXT_LENGTH) throw new TypeError(`${field} is longer than ${MAX_TEXT_LENGTH}`);
      record[field] = value;
    }
    if (input.durationMs !== undefined) {
      if (!Number.isFinite(input.durationMs) || input.durationMs < 0) throw new TypeError('durationMs must be a non-negative number');
      record.durationMs = Math.round(input.durationMs);
    }
    if (input.detail !== undefined) {
      if (input.detail === null || typeof input.detail !== 'object' || Array.isArray(input.detail)) throw new TypeError('detail must be an object');
      const text = canonicalJson(input.detail);
      if (Buffer.byteLength(text) > MAX_DETAIL_BYTES) throw new TypeError(`detail is larger than ${MAX_DETAIL_BYTES} bytes`);
      // What a reader will get back (toJSON applied, undefined dropped), so the hash matches it.
      record.detail = JSON.parse(text) as Record<string, unknown>;
    }
    return record;
  }

  /** Reads fail with AuditUnavailableError, never a raw SQLite error. */
  #read<T>(read: () => T): T {
    if (this.#closed) throw new AuditUnavailableError('audit log is closed');
    try {
      return read();
    } catch (error) {
      if (error instanceof RangeError) throw error;
      throw new AuditUnavailableError(`cannot read the audit log: ${messageOf(error)}`, { cause: error });
    }
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#queries.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#queries.set(sql, statement);
    }
    return statement;
  }
}

function toRow(entry: AuditEntry): Omit<Row, 'detail'> {
  const row: Omit<Row, 'detail'> = {
    seq: entry.seq,
    at: entry.at,
    action: entry.action,
    outcome: entry.outcome,
    code: null,
    subject: null,
    agency: null,
    purpose: null,
    role: null,
    incident_id: null,
    camera_id: null,
    client_address: null,
    duration_ms: entry.durationMs ?? null,
    prev_hash: entry.prevHash,
    hash: entry.hash
  };
  for (const [field, column] of TEXT_COLUMNS) row[column] = entry[field] ?? null;
  return row;
}

/**
 * The inverse of toRow: NULL columns become absent fields. A detail that is not a JSON object
 * (only possible if the file was edited) throws when strict, else is shown as { unreadable: text }.
 */
function fromRow(row: Row, strict = true): AuditEntry {
  const entry = {
    seq: row.seq,
    at: row.at,
    action: row.action,
    outcome: row.outcome
  } as AuditEntry;
  for (const [field, column] of TEXT_COLUMNS) {
    const value = row[column];
    if (value !== null) entry[field as TextField] = value;
  }
  if (row.duration_ms !== null) entry.durationMs = row.duration_ms;
  if (row.detail !== null) {
    const detail = parseObject(row.detail);
    if (detail) entry.detail = detail;
    else if (strict) throw new TypeError('detail is not a JSON object');
    else entry.detail = { unreadable: row.detail };
  }
  entry.prevHash = row.prev_hash;
  entry.hash = row.hash;
  return entry;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function range(first: number, last: number): string {
  return first === last ? String(first) : `${first}…${last}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
