import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { waitUntil } from '../../tests/support/wait.ts';
import { AuditKey } from './audit-key.ts';
import { AppendOnlyFile } from './checkpoint-store.ts';
import { Checkpointer, readCheckpoint, type CheckpointerOptions } from './checkpoints.ts';
import { AuditUnavailableError } from './errors.ts';
import { AuditLog } from './log.ts';

let dir: string;
let n = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gth-checkpoints-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const at = join(dir, String(++n));
  return { db: join(at, 'audit.sqlite'), checkpoints: join(at, 'cp', 'checkpoints.jsonl'), key: join(at, 'audit-key.pem') };
}

const errors: unknown[] = [];
const options = (over: Partial<CheckpointerOptions> = {}): CheckpointerOptions => ({ everyRecords: 1000, everyMs: 60_000, onError: (error) => errors.push(error), ...over });
const append = (log: AuditLog, count: number) => {
  for (let i = 0; i < count; i++) log.append({ action: 'session.start', outcome: 'allowed', subject: `u${i}` });
};
const stored = (file: string) => readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { seq: number; hash: string });
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

test('a checkpoint after every N records, signed with the key, and one at close covering the whole log', async () => {
  const files = setup();
  const log = AuditLog.open(files.db);
  const key = AuditKey.openOrCreate(files.key);
  const checkpointer = await Checkpointer.open(log, new AppendOnlyFile(files.checkpoints), key, options({ everyRecords: 3 }));
  for (let i = 0; i < 7; i++) {
    append(log, 1);
    await settle();
  }
  await checkpointer.close();
  const lines = readFileSync(files.checkpoints, 'utf8').trim().split('\n');
  const seqs = lines.map((line) => (JSON.parse(line) as { seq: number }).seq);
  // [3, 6, 7] on an idle disk; a write slower than three appends covers more at once ([3, 7]), never less.
  assert.equal(seqs[0], 3, 'the first after 3 records');
  assert.equal(seqs.at(-1), 7, 'the last at close, covering the whole log');
  assert.ok(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!) && seqs.length <= 3, `one per 3 records at most: ${seqs.join(', ')}`);
  for (const line of lines) assert.ok('checkpoint' in readCheckpoint(line, key), line);
  assert.equal(stored(files.checkpoints).at(-1)?.hash, log.head.hash);
  await checkpointer.close();
  assert.equal(stored(files.checkpoints).length, 3, 'close is idempotent; nothing new, nothing written');
  log.close();
  assert.deepEqual(errors, []);
});

test('a checkpoint T ms after the first record it does not cover, and none while nothing is new', async () => {
  const files = setup();
  const log = AuditLog.open(files.db);
  const checkpointer = await Checkpointer.open(log, new AppendOnlyFile(files.checkpoints), AuditKey.openOrCreate(files.key), options({ everyMs: 100 }));
  append(log, 2);
  await waitUntil(() => existsSync(files.checkpoints) && stored(files.checkpoints).length > 0, 10_000, 'a checkpoint after everyMs');
  assert.deepEqual(stored(files.checkpoints).map((c) => c.seq), [2]);
  await new Promise((resolve) => setTimeout(resolve, 250));
  assert.equal(stored(files.checkpoints).length, 1, 'an idle log adds none');
  await checkpointer.close();
  log.close();
});

test('the key lives outside the database, is made once (0600) with its public half beside it, and names itself', () => {
  const files = setup();
  const key = AuditKey.openOrCreate(files.key);
  const again = AuditKey.openOrCreate(files.key);
  assert.equal(again.kid, key.kid, 'the second start reads the same key');
  assert.equal(statSync(files.key).mode & 0o777, 0o600);
  assert.match(readFileSync(files.key, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
  const publicOnly = AuditKey.read(files.key.replace(/\.pem$/, '.pub.pem'));
  assert.equal(publicOnly.kid, key.kid);
  assert.ok(publicOnly.verify('x', key.sign('x')));
  assert.throws(() => publicOnly.sign('x'), /public half/);
});

test('open() refuses a log short of its latest checkpoint, or a checkpoint another key signed, and adopts a log without checkpoints', async () => {
  const files = setup();
  const log = AuditLog.open(files.db);
  append(log, 5);
  const store = new AppendOnlyFile(files.checkpoints);
  // A log from before checkpoints: covered at once.
  const first = await Checkpointer.open(log, store, AuditKey.openOrCreate(files.key), options());
  assert.deepEqual(stored(files.checkpoints).map((c) => c.seq), [5]);
  await first.close();
  log.close();

  const db = new Database(files.db);
  db.exec('DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 5');
  db.close();
  const cut = AuditLog.open(files.db);
  await assert.rejects(
    Checkpointer.open(cut, new AppendOnlyFile(files.checkpoints), AuditKey.openOrCreate(files.key), options()),
    (error: unknown) => error instanceof AuditUnavailableError && /seq 5 missing at the end/.test(error.message) && /audit:verify/.test(error.message)
  );
  await assert.rejects(
    Checkpointer.open(cut, new AppendOnlyFile(files.checkpoints), AuditKey.openOrCreate(join(dir, 'another-key.pem')), options()),
    /signed by another key/
  );
  writeFileSync(files.checkpoints, readFileSync(files.checkpoints, 'utf8').replace(/"seq":5/, '"seq":4'));
  await assert.rejects(Checkpointer.open(cut, new AppendOnlyFile(files.checkpoints), AuditKey.openOrCreate(files.key), options()), /signature does not match/);
  cut.close();
});

test('a fresh log has the pristine schema; dropping and re-creating a trigger is noticed', () => {
  const files = setup();
  const log = AuditLog.open(files.db);
  assert.equal(log.schemaUntouched(), true);
  log.close();
  const db = new Database(files.db);
  const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'audit_log_no_update'").pluck().get() as string;
  db.exec(`DROP TRIGGER audit_log_no_update; ${sql}`);
  db.close();
  const reopened = AuditLog.open(files.db, { readonly: true });
  assert.equal(reopened.schemaUntouched(), false);
  reopened.close();
});
