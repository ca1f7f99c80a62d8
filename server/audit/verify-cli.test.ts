import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { AuditKey } from './audit-key.ts';
import { AppendOnlyFile } from './checkpoint-store.ts';
import { Checkpointer, signCheckpoint } from './checkpoints.ts';
import { AuditLog, type AuditInput } from './log.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('./verify-cli.ts', import.meta.url));
const T0 = Date.UTC(2025, 2, 1, 0, 0, 0);
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gth-audit-cli-'));
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Files {
  db: string;
  checkpoints: string;
  key: string;
}

function filesIn(name: string): Files {
  const at = join(dir, name);
  return { db: join(at, 'audit.sqlite'), checkpoints: join(at, 'checkpoints', 'checkpoints.jsonl'), key: join(at, 'audit-key.pem') };
}

const input = (i: number): AuditInput => ({ at: T0 + i * 60_000, action: 'view.start', outcome: 'allowed', cameraId: `cam-${i}`, purpose: '화재 확인' });

/** Records `from`…`to` (1-based) appended as the hub does: a checkpoint at every 4th record and one at the clean stop. */
async function writeLog(files: Files, from: number, to: number): Promise<void> {
  const log = AuditLog.open(files.db);
  const checkpointer = await Checkpointer.open(log, new AppendOnlyFile(files.checkpoints), AuditKey.openOrCreate(files.key), { everyRecords: 1000, everyMs: 60_000, onError: (error) => assert.fail(String(error)) });
  for (let i = from; i <= to; i++) {
    log.append(input(i - 1));
    if (i % 4 === 0) await checkpointer.checkpoint();
  }
  await checkpointer.close();
  log.close();
}

function run(files: Files | undefined, extra: string[] = [], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string } {
  const args = files ? ['--db', files.db, '--checkpoints', files.checkpoints, '--key', files.key, ...extra] : extra;
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, GTH_DATA_DIR: '', GTH_CONFIG: '', GTH_AUDIT_CHECKPOINTS: '', GTH_AUDIT_KEY: '', ...env },
    timeout: 30_000
  });
  return { status: result.status, stdout: result.stdout + result.stderr };
}

/** Opens the file as someone who has it would: the append-only triggers are only a guard against our own mistakes (and can be put back). */
function tamper(file: string, sql: string, options: { putTriggersBack?: boolean } = {}): void {
  const db = new Database(file);
  const triggers = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[];
  db.exec(`DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; ${sql}`);
  if (options.putTriggersBack) for (const trigger of triggers) db.exec(trigger);
  db.close();
}

test('an intact log: exit 0, the count, "chain intact" and the latest checkpoint matched', async () => {
  const files = filesIn('intact');
  await writeLog(files, 1, 5);
  const { status, stdout } = run(files);
  assert.equal(status, 0, stdout);
  assert.match(stdout, /records checked: 5\b/);
  assert.match(stdout, /chain intact/);
  assert.match(stdout, /head: seq 5, hash [0-9a-f]{64}/);
  assert.match(stdout, /checkpoints: 2 trusted, key \S+; latest seq 5/);
  assert.match(stdout, /matches the latest checkpoint/);
});

test('an intact log written across a restart passes', async () => {
  const files = filesIn('restart');
  await writeLog(files, 1, 6);
  await writeLog(files, 7, 13);
  const { status, stdout } = run(files);
  assert.equal(status, 0, stdout);
  assert.match(stdout, /records checked: 13\b/);
  assert.match(stdout, /latest seq 13\b/);
});

test('a plain edit: exit 1, naming the first broken seq, its time, action and reason', async () => {
  const files = filesIn('edited');
  await writeLog(files, 1, 5);
  tamper(files.db, "UPDATE audit_log SET purpose = '정기 점검' WHERE seq = 3");
  const { status, stdout } = run(files);
  assert.equal(status, 1, stdout);
  assert.match(stdout, /records checked: 2\b/);
  assert.match(stdout, /CHAIN BROKEN/);
  assert.match(stdout, /first broken record: seq 3\b/);
  assert.match(stdout, /time: 2025-03-01T09:02:00\.000\+09:00/);
  assert.match(stdout, /action: view\.start/);
  assert.match(stdout, /기록 내용 변조 \/ content does not match its hash/);
});

test('a deleted middle record: exit 1 at the next seq', async () => {
  const files = filesIn('deleted');
  await writeLog(files, 1, 5);
  tamper(files.db, 'DELETE FROM audit_log WHERE seq = 2');
  const { status, stdout } = run(files);
  assert.equal(status, 1, stdout);
  assert.match(stdout, /first broken record: seq 3\b/);
  assert.match(stdout, /seq 2 missing/);
});

test('the last record deleted: exit 1, truncated at seq 5', async () => {
  const files = filesIn('last');
  await writeLog(files, 1, 5);
  tamper(files.db, 'DELETE FROM audit_log WHERE seq = 5');
  const { status, stdout } = run(files);
  assert.equal(status, 1, stdout);
  assert.match(stdout, /chain intact/, 'the chain alone cannot tell');
  assert.match(stdout, /CHECKPOINT MISMATCH/);
  assert.match(stdout, /first record affected: seq 5\b/);
  assert.match(stdout, /마지막 기록 삭제 \(truncated\) \/ seq 5 missing at the end/);
  assert.match(stdout, /last matching checkpoint: seq 4\b/);
});

test('the last 20 records deleted (and the triggers put back): exit 1, truncated from seq 11', async () => {
  const files = filesIn('last20');
  await writeLog(files, 1, 30);
  tamper(files.db, 'DELETE FROM audit_log WHERE seq > 10', { putTriggersBack: true });
  const { status, stdout } = run(files);
  assert.equal(status, 1, stdout);
  assert.match(stdout, /records checked: 10\b/);
  assert.match(stdout, /\(truncated\) \/ seq 11…30 missing at the end/);
});

test('every record deleted, or the file itself: exit 1, emptied', async () => {
  const files = filesIn('emptied');
  await writeLog(files, 1, 5);
  tamper(files.db, 'DELETE FROM audit_log');
  const emptied = run(files);
  assert.equal(emptied.status, 1, emptied.stdout);
  assert.match(emptied.stdout, /전체 기록 삭제 \(emptied\) \/ the log holds no records, but the checkpoint of \S+ covered seq 1…5/);

  rmSync(files.db);
  const gone = run(files);
  assert.equal(gone.status, 1, gone.stdout);
  assert.match(gone.stdout, /전체 기록 삭제 \/ the log file is gone, but 2 checkpoints were stored for it/);
});

test('a rollback to an older copy of the file: exit 1, rolled back', async () => {
  const files = filesIn('rollback');
  await writeLog(files, 1, 10);
  const copy = `${files.db}.bak`;
  copyFileSync(files.db, copy);
  await writeLog(files, 11, 20);
  copyFileSync(copy, files.db);
  const { status, stdout } = run(files);
  assert.equal(status, 1, stdout);
  assert.match(stdout, /chain intact/);
  assert.match(stdout, /이전 사본으로 되돌림 \(rolled-back\) \/ the log ends at seq 10 but the checkpoint of \S+ covered seq 20 \(seq 11…20 missing\)/);
});

test('records edited and the chain recomputed: exit 1, rewritten', async () => {
  const files = filesIn('rewritten');
  await writeLog(files, 1, 8);
  // A forger with the file and the hashing rules writes a consistent chain with record 3 changed.
  rmSync(files.db);
  const forged = AuditLog.open(files.db);
  for (let i = 0; i < 8; i++) forged.append(i === 2 ? { ...input(i), purpose: '정기 점검' } : input(i));
  forged.close();
  const { status, stdout } = run(files);
  assert.equal(status, 1, stdout);
  assert.match(stdout, /chain intact/, 'the recomputed chain is consistent in itself');
  assert.match(stdout, /기록 변조 후 체인 재계산 \(rewritten\) \/ record 4 is not the one signed/);
});

test('a checkpoint file that was edited, or given a checkpoint signed by another key, is named', async () => {
  const files = filesIn('forged-checkpoint');
  await writeLog(files, 1, 5);
  const [first, second] = readFileSync(files.checkpoints, 'utf8').trim().split('\n');
  const otherKey = AuditKey.openOrCreate(join(dir, 'other-key.pem'));
  const forged = signCheckpoint(otherKey, { seq: 9, hash: 'f'.repeat(64) }, T0);
  writeFileSync(files.checkpoints, `${first!.replace('"seq":4', '"seq":3')}\n${second}\n${forged}\n`);
  const { status, stdout } = run(files);
  assert.equal(status, 1, stdout);
  assert.match(stdout, /untrusted checkpoint, line 1: the signature does not match/);
  assert.match(stdout, /untrusted checkpoint, line 3: signed by another key/);
});

test('a log without checkpoints cannot be confirmed (exit 1) unless only the chain is asked for', async () => {
  const files = filesIn('unanchored');
  const log = AuditLog.open(files.db);
  for (let i = 0; i < 3; i++) log.append(input(i));
  log.close();
  const strict = run(files);
  assert.equal(strict.status, 1, strict.stdout);
  assert.match(strict.stdout, /NO CHECKPOINT/);
  const chainOnly = run(files, ['--chain-only']);
  assert.equal(chainOnly.status, 0, chainOnly.stdout);
  assert.match(chainOnly.stdout, /checkpoints not checked \(--chain-only\)/);
});

test("the default files are the hub's (under $GTH_DATA_DIR); a missing log is exit 2", async () => {
  const dataDir = join(dir, 'data');
  const missing = run(undefined, [], { GTH_DATA_DIR: dataDir });
  assert.equal(missing.status, 2, missing.stdout);
  assert.match(missing.stdout, /file not found/);
  assert.ok(missing.stdout.includes(join(dataDir, 'audit.sqlite')));

  mkdirSync(dataDir, { recursive: true });
  await writeLog({ db: join(dataDir, 'audit.sqlite'), checkpoints: join(dataDir, 'audit-checkpoints', 'checkpoints.jsonl'), key: join(dataDir, 'audit-key.pem') }, 1, 2);
  const found = run(undefined, [], { GTH_DATA_DIR: dataDir });
  assert.equal(found.status, 0, found.stdout);
  assert.match(found.stdout, /records checked: 2\b/);
});

test('a file that is not an audit log is exit 2', () => {
  const files = filesIn('other');
  mkdirSync(join(dir, 'other'));
  new Database(files.db).exec('CREATE TABLE t (x)').close();
  const { status, stdout } = run(files);
  assert.equal(status, 2, stdout);
  assert.match(stdout, /cannot read/);
});
