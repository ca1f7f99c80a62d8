import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import Database from 'better-sqlite3';
import { recordHash } from './chain.ts';
import { AuditLog, AuditUnavailableError, AuditWriteError, GENESIS_HASH, type AuditInput } from './log.ts';

let dir: string;
let file: string;
const opened: AuditLog[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gth-audit-'));
  file = join(dir, 'audit.sqlite');
});

afterEach(() => {
  for (const log of opened.splice(0)) log.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(options?: Parameters<typeof AuditLog.open>[1]): AuditLog {
  const log = AuditLog.open(file, options);
  opened.push(log);
  return log;
}

const T0 = Date.UTC(2025, 2, 1, 0, 0, 0); // 2025-03-01 09:00 KST

/** Ten records, one a minute: cameras a/b alternate, subjects u1..u3, two agencies. */
function fill(log: AuditLog, n = 10): void {
  for (let i = 0; i < n; i++) {
    log.append({
      at: T0 + i * 60_000,
      action: i % 3 === 2 ? 'view.stop' : 'view.start',
      outcome: i === 4 ? 'refused' : 'allowed',
      subject: `u${(i % 3) + 1}`,
      agency: i < 5 ? 'police' : 'fire',
      purpose: '실종 아동 수색',
      cameraId: i % 2 === 0 ? 'cam-a' : 'cam-b',
      incidentId: i < 6 ? 'inc-1' : undefined,
      ...(i % 3 === 2 ? { durationMs: 1234 } : {}),
      ...(i === 4 ? { code: 'CAMERA_OUT_OF_SCOPE' } : {})
    });
  }
}

/** What someone with the file can do: a second connection, triggers dropped. */
function tamper(sql: string, ...params: unknown[]): void {
  const db = new Database(file);
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

test('append returns the stored record, chained from the genesis hash', () => {
  const log = open({ now: () => T0 });
  const first = log.append({ action: 'session.start', outcome: 'info', subject: 'kim', clientAddress: '10.0.0.7' });
  const second = log.append({ action: 'view.start', outcome: 'allowed', cameraId: 'cam-a', detail: { grantId: 'g1', reason: '화재 확인' } });
  assert.deepEqual(first, {
    seq: 1,
    at: T0,
    action: 'session.start',
    outcome: 'info',
    subject: 'kim',
    clientAddress: '10.0.0.7',
    prevHash: GENESIS_HASH,
    hash: first.hash
  });
  assert.match(first.hash, /^[0-9a-f]{64}$/);
  assert.equal(second.seq, 2);
  assert.equal(second.prevHash, first.hash);
  assert.equal(log.count, 2);
  assert.deepEqual(log.query({}).entries, [second, first]);
});

test('detail is stored as JSON reads it back, and its key order does not change the hash', () => {
  const log = open({ now: () => T0 });
  const a = log.append({ action: 'grant.issued', outcome: 'info', detail: { b: 1, a: { y: 2, x: [1, undefined] }, gone: undefined, when: new Date(T0) } });
  assert.deepEqual(a.detail, { a: { x: [1, null], y: 2 }, b: 1, when: '2025-03-01T00:00:00.000Z' });
  assert.deepEqual(log.query({}).entries[0], a);

  const other = AuditLog.open(join(dir, 'other.sqlite'), { now: () => T0 });
  opened.push(other);
  const b = other.append({ action: 'grant.issued', outcome: 'info', detail: { when: new Date(T0), a: { x: [1, null], y: 2 }, b: 1 } });
  assert.equal(b.hash, a.hash);
});

test('query filters on every field, newest first, with limit, offset and total', () => {
  const log = open();
  fill(log);
  const seqs = (filter: Parameters<AuditLog['query']>[0]) => log.query(filter).entries.map((e) => e.seq);

  assert.deepEqual(seqs({}), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  assert.deepEqual(seqs({ cameraId: 'cam-a' }), [9, 7, 5, 3, 1]);
  assert.deepEqual(seqs({ subject: 'u1' }), [10, 7, 4, 1]);
  assert.deepEqual(seqs({ agency: 'fire' }), [10, 9, 8, 7, 6]);
  assert.deepEqual(seqs({ incidentId: 'inc-1' }), [6, 5, 4, 3, 2, 1]);
  assert.deepEqual(seqs({ action: 'view.stop' }), [9, 6, 3]);
  assert.deepEqual(seqs({ outcome: 'refused' }), [5]);
  assert.deepEqual(seqs({ from: T0 + 2 * 60_000, to: T0 + 5 * 60_000 }), [5, 4, 3], 'from inclusive, to exclusive');
  assert.deepEqual(seqs({ cameraId: 'cam-b', agency: 'police', action: 'view.start' }), [4, 2]);
  assert.deepEqual(seqs({ cameraId: 'nowhere' }), []);

  const page = log.query({ cameraId: 'cam-a', limit: 2, offset: 1 });
  assert.deepEqual(page.entries.map((e) => e.seq), [7, 5]);
  assert.equal(page.total, 5);
  assert.equal(log.query({}).total, 10);

  const refused = log.query({ outcome: 'refused' }).entries[0];
  assert.equal(refused?.code, 'CAMERA_OUT_OF_SCOPE');
  assert.equal(log.query({ action: 'view.stop' }).entries[0]?.durationMs, 1234);
  assert.equal('incidentId' in (log.query({}).entries[0] ?? {}), false, 'absent fields are absent, not null');
});

test('newest first means by time: a record appended late with an earlier time sorts by its time', () => {
  const log = open();
  log.append({ at: T0 + 2000, action: 'view.start', outcome: 'allowed' });
  log.append({ at: T0 + 1000, action: 'view.stop', outcome: 'info' });
  log.append({ at: T0 + 2000, action: 'view.refused', outcome: 'refused' });
  assert.deepEqual(log.query({}).entries.map((e) => e.seq), [3, 1, 2]);
});

test('query limits: default 200, at most 5000', () => {
  const log = open();
  for (let i = 0; i < 250; i++) log.append({ at: T0 + i, action: 'session.start', outcome: 'info' });
  assert.equal(log.query({}).entries.length, 200);
  assert.equal(log.query({ limit: 5000 }).entries.length, 250);
  assert.throws(() => log.query({ limit: 5001 }), RangeError);
  assert.throws(() => log.query({ limit: 0 }), RangeError);
  assert.throws(() => log.query({ offset: -1 }), RangeError);
});

test('verify: an empty log and a filled log are intact', () => {
  const log = open();
  assert.deepEqual(log.verify(), { ok: true, checked: 0 });
  fill(log);
  const result = log.verify();
  assert.equal(result.ok, true);
  assert.equal(result.checked, 10);
  assert.equal(result.head?.seq, 10);
  assert.equal(result.head?.hash, log.query({ limit: 1 }).entries[0]?.hash);
});

test('the table refuses UPDATE and DELETE while its triggers are in place', () => {
  const log = open();
  fill(log, 2);
  const db = new Database(file);
  try {
    assert.throws(() => db.prepare("UPDATE audit_log SET purpose = 'x' WHERE seq = 1").run(), /append-only/);
    assert.throws(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run(), /append-only/);
  } finally {
    db.close();
  }
  assert.equal(log.verify().ok, true);
});

test('verify: a record edited in SQLite breaks the chain at exactly that seq', () => {
  const log = open();
  fill(log);
  tamper("UPDATE audit_log SET camera_id = 'cam-z' WHERE seq = 5");
  const result = log.verify();
  assert.equal(result.ok, false);
  assert.equal(result.checked, 4);
  assert.equal(result.head?.seq, 4);
  assert.equal(result.firstBroken?.seq, 5);
  assert.equal(result.firstBroken?.kind, 'hash-mismatch');
  assert.match(result.firstBroken?.reason ?? '', /edited/);
  assert.equal(result.firstBroken?.at, T0 + 4 * 60_000);
  assert.equal(result.firstBroken?.action, 'view.start');
});

test('verify: edits to any hashed column are caught (time, detail, a field set from NULL)', () => {
  const log = open();
  fill(log);
  log.append({ at: T0 + 10 * 60_000, action: 'grant.issued', outcome: 'info', detail: { grantId: 'g-1' } });
  const cases: Array<[string, number]> = [
    ['UPDATE audit_log SET at = at + 1 WHERE seq = 2', 2],
    ["UPDATE audit_log SET detail = '{\"grantId\":\"g-2\"}' WHERE seq = 11", 11],
    ["UPDATE audit_log SET incident_id = 'inc-9' WHERE seq = 8", 8],
    ['UPDATE audit_log SET duration_ms = NULL WHERE seq = 3', 3]
  ];
  for (const [sql, seq] of cases) {
    const copy = join(dir, `copy-${seq}.sqlite`);
    const db = new Database(file);
    db.exec(`VACUUM INTO '${copy}'`);
    db.close();
    const raw = new Database(copy);
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.exec(sql);
    raw.close();
    const tampered = AuditLog.open(copy, { readonly: true });
    const result = tampered.verify();
    tampered.close();
    assert.equal(result.firstBroken?.seq, seq, sql);
    assert.equal(result.firstBroken?.kind, 'hash-mismatch', sql);
  }
  assert.equal(log.verify().ok, true, 'the original is untouched');
});

test('verify: a deleted middle record breaks the chain at the next seq', () => {
  const log = open();
  fill(log);
  tamper('DELETE FROM audit_log WHERE seq = 5');
  const result = log.verify();
  assert.equal(result.ok, false);
  assert.equal(result.checked, 4);
  assert.equal(result.firstBroken?.seq, 6);
  assert.equal(result.firstBroken?.kind, 'seq-gap');
  assert.match(result.firstBroken?.reason ?? '', /seq 5 missing/);
});

test('verify: deleting the first record is caught at seq 2', () => {
  const log = open();
  fill(log, 3);
  tamper('DELETE FROM audit_log WHERE seq = 1');
  assert.deepEqual(
    [log.verify().firstBroken?.seq, log.verify().firstBroken?.kind],
    [2, 'seq-gap']
  );
});

test('verify: a removed record with the later ones renumbered is caught by prev_hash', () => {
  const log = open();
  fill(log);
  tamper('DELETE FROM audit_log WHERE seq = 5');
  tamper('UPDATE audit_log SET seq = seq - 1 WHERE seq > 5');
  const result = log.verify();
  assert.equal(result.firstBroken?.seq, 5);
  assert.equal(result.firstBroken?.kind, 'prev-hash-mismatch');
});

test('verify: two records swapped are caught at the first of them', () => {
  const log = open();
  fill(log);
  tamper('UPDATE audit_log SET seq = -3 WHERE seq = 3');
  tamper('UPDATE audit_log SET seq = 3 WHERE seq = 4');
  tamper('UPDATE audit_log SET seq = 4 WHERE seq = -3');
  const result = log.verify();
  assert.equal(result.checked, 2);
  assert.equal(result.firstBroken?.seq, 3);
  assert.equal(result.firstBroken?.kind, 'prev-hash-mismatch');
});

test('verify: an overwritten hash is caught at that seq', () => {
  const log = open();
  fill(log);
  tamper(`UPDATE audit_log SET hash = '${'f'.repeat(64)}' WHERE seq = 7`);
  const result = log.verify();
  assert.equal(result.firstBroken?.seq, 7);
  assert.equal(result.firstBroken?.kind, 'hash-mismatch');
});

test('verify: an edit with its hash recomputed is caught at the next seq', () => {
  const log = open();
  fill(log);
  const five = log.query({ from: T0 + 4 * 60_000, to: T0 + 4 * 60_000 + 1 }).entries[0];
  assert.equal(five?.seq, 5);
  const edited = { ...five, purpose: '정기 점검' };
  tamper('UPDATE audit_log SET purpose = ?, hash = ? WHERE seq = 5', edited.purpose, recordHash(five.prevHash, edited));
  const result = log.verify();
  assert.equal(result.checked, 5, 'seq 5 itself now checks out');
  assert.equal(result.firstBroken?.seq, 6);
  assert.equal(result.firstBroken?.kind, 'prev-hash-mismatch');
});

test('verify: a cut tail is caught by the process that wrote it (and only the head hash shows it later)', () => {
  const log = open();
  fill(log);
  const headBefore = log.verify().head;
  tamper('DELETE FROM audit_log WHERE seq >= 9');
  const result = log.verify();
  assert.equal(result.ok, false);
  assert.equal(result.checked, 8);
  assert.equal(result.firstBroken?.seq, 9);
  assert.equal(result.firstBroken?.kind, 'truncated');
  log.close();

  const reopened = open();
  const after = reopened.verify();
  assert.equal(after.ok, true, 'a chain cannot see its own missing tail');
  assert.notDeepEqual(after.head, headBefore, 'which is why verify reports the head to note elsewhere');
});

test('verify: the last record edited and re-hashed is caught by the process that wrote it', () => {
  const log = open();
  fill(log, 3);
  const last = log.query({ limit: 1 }).entries[0];
  assert.equal(last?.seq, 3);
  const edited = { ...last, subject: 'someone-else' };
  tamper('UPDATE audit_log SET subject = ?, hash = ? WHERE seq = 3', edited.subject, recordHash(last.prevHash, edited));
  const result = log.verify();
  assert.equal(result.checked, 3, 'the stored chain itself is consistent');
  assert.equal(result.firstBroken?.seq, 3);
  assert.equal(result.firstBroken?.kind, 'hash-mismatch');
  assert.match(result.firstBroken?.reason ?? '', /replaced/);
});

test('verify: a malformed row is reported, and query still shows it', () => {
  const log = open();
  fill(log, 3);
  tamper("UPDATE audit_log SET detail = 'not json' WHERE seq = 2");
  assert.equal(log.verify().firstBroken?.kind, 'malformed');
  assert.equal(log.verify().firstBroken?.seq, 2);
  const shown = log.query({}).entries.find((e) => e.seq === 2);
  assert.deepEqual(shown?.detail, { unreadable: 'not json' });
});

test('reopening the file continues the chain', () => {
  const first = AuditLog.open(file);
  fill(first, 5);
  const last = first.query({ limit: 1 }).entries[0];
  first.close();

  const log = open();
  assert.equal(log.count, 5);
  const next = log.append({ action: 'session.end', outcome: 'info' });
  assert.equal(next.seq, 6);
  assert.equal(next.prevHash, last?.hash);
  assert.deepEqual(log.verify(), { ok: true, checked: 6, head: { seq: 6, hash: next.hash } });
});

test('the file is in WAL mode', () => {
  open().append({ action: 'session.start', outcome: 'info' });
  const db = new Database(file, { readonly: true });
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  } finally {
    db.close();
  }
});

test('append after close throws AuditWriteError (AUDIT_UNAVAILABLE); reads throw AuditUnavailableError', () => {
  const log = AuditLog.open(file);
  log.append({ action: 'session.start', outcome: 'info' });
  log.close();
  log.close(); // idempotent
  assert.throws(
    () => log.append({ action: 'view.start', outcome: 'allowed' }),
    (error: unknown) => error instanceof AuditWriteError && error.code === 'AUDIT_UNAVAILABLE'
  );
  assert.throws(() => log.query({}), AuditUnavailableError);
  assert.throws(() => log.verify(), AuditUnavailableError);
});

test('an invalid record is refused with AuditWriteError and nothing is written', () => {
  const log = open();
  const bad: unknown[] = [
    { action: 'view.peek', outcome: 'allowed' },
    { action: 'view.start', outcome: 'maybe' },
    { action: 'view.start', outcome: 'allowed', at: 1.5 },
    { action: 'view.start', outcome: 'allowed', cameraId: 42 },
    { action: 'view.start', outcome: 'allowed', purpose: 'x'.repeat(2001) },
    { action: 'view.stop', outcome: 'info', durationMs: -1 },
    { action: 'view.start', outcome: 'allowed', detail: [1] },
    { action: 'view.start', outcome: 'allowed', detail: { big: 'x'.repeat(20_000) } },
    { action: 'view.start', outcome: 'allowed', detail: { n: 1n } }
  ];
  for (const input of bad) assert.throws(() => log.append(input as AuditInput), AuditWriteError, JSON.stringify(input, (_k, v: unknown) => (typeof v === 'bigint' ? 'bigint' : v)));
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => log.append({ action: 'view.start', outcome: 'allowed', detail: cyclic }), AuditWriteError);
  assert.equal(log.count, 0);
  assert.equal(log.append({ action: 'view.start', outcome: 'allowed' }).seq, 1);
});

test('appendMany stores records in order in one transaction; one bad record writes none of them', () => {
  const log = open();
  log.append({ action: 'view.start', outcome: 'allowed' });
  const stored = log.appendMany([
    { action: 'incident.opened', outcome: 'info', agency: 'fire' },
    { action: 'grant.issued', outcome: 'allowed', agency: 'fire' }
  ]);
  assert.deepEqual(stored.map((e) => [e.seq, e.action]), [[2, 'incident.opened'], [3, 'grant.issued']]);
  assert.throws(() => log.appendMany([{ action: 'incident.closed', outcome: 'info' }, { action: 'view.peek', outcome: 'allowed' } as unknown as AuditInput]), AuditWriteError);
  assert.equal(log.count, 3, 'the good record before the bad one was not kept either');
  assert.equal(log.append({ action: 'view.stop', outcome: 'info' }).seq, 4, 'the chain goes on from the last stored record');
  assert.equal(log.verify().ok, true);
});

test('a locked database fails the append (fail closed) and the chain resumes once it is free', () => {
  const log = open();
  log.append({ action: 'session.start', outcome: 'info' });
  const other = new Database(file);
  try {
    other.exec('BEGIN EXCLUSIVE');
    assert.throws(() => log.append({ action: 'view.start', outcome: 'allowed' }), (error: unknown) => error instanceof AuditWriteError && /locked|busy/i.test(error.message));
    other.exec('ROLLBACK');
  } finally {
    other.close();
  }
  assert.equal(log.append({ action: 'view.start', outcome: 'allowed' }).seq, 2);
  assert.equal(log.verify().ok, true);
});

test('readonly: reads and verifies, refuses appends; a missing file is not created', () => {
  fill(open(), 3);
  const reader = open({ readonly: true });
  assert.equal(reader.verify().checked, 3);
  assert.throws(() => reader.append({ action: 'view.start', outcome: 'allowed' }), AuditWriteError);
  assert.throws(() => AuditLog.open(join(dir, 'missing.sqlite'), { readonly: true }), AuditUnavailableError);
});

test('10,000 records: append and verify (timing printed, not asserted)', (t) => {
  const log = open();
  const n = 10_000;
  let started = performance.now();
  for (let i = 0; i < n; i++) {
    log.append({ at: T0 + i, action: i % 2 === 0 ? 'view.start' : 'view.stop', outcome: 'allowed', subject: `u${i % 50}`, agency: 'police', purpose: '112 신고 확인', cameraId: `cam-${i % 16}`, incidentId: `inc-${i % 7}`, ...(i % 2 === 1 ? { durationMs: 5000 } : {}) });
  }
  const appendMs = performance.now() - started;
  started = performance.now();
  const result = log.verify();
  const verifyMs = performance.now() - started;
  started = performance.now();
  const page = log.query({ cameraId: 'cam-3', limit: 200 });
  const queryMs = performance.now() - started;
  assert.equal(result.ok, true);
  assert.equal(result.checked, n);
  assert.equal(page.total, n / 16);
  t.diagnostic(`append ${n}: ${appendMs.toFixed(0)} ms (${Math.round((n / appendMs) * 1000)} records/s, synchronous=FULL); verify: ${verifyMs.toFixed(0)} ms; camera query: ${queryMs.toFixed(1)} ms`);
});
