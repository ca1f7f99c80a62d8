import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { AuditLog } from './log.ts';

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

function makeLog(file: string, n: number): void {
  const log = AuditLog.open(file);
  for (let i = 0; i < n; i++) log.append({ at: T0 + i * 60_000, action: 'view.start', outcome: 'allowed', cameraId: `cam-${i}`, purpose: '화재 확인' });
  log.close();
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, GTH_DATA_DIR: '', ...env },
    timeout: 30_000
  });
  return { status: result.status, stdout: result.stdout + result.stderr };
}

test('an intact log: exit 0, the count and "chain intact"', () => {
  const file = join(dir, 'intact.sqlite');
  makeLog(file, 5);
  const { status, stdout } = run(['--db', file]);
  assert.equal(status, 0, stdout);
  assert.match(stdout, /records checked: 5\b/);
  assert.match(stdout, /chain intact/);
  assert.match(stdout, /head: seq 5, hash [0-9a-f]{64}/);
});

test('a tampered log: exit 1, naming the first broken seq, its time, action and reason', () => {
  const file = join(dir, 'tampered.sqlite');
  makeLog(file, 5);
  const db = new Database(file);
  db.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET purpose = '정기 점검' WHERE seq = 3");
  db.close();
  const { status, stdout } = run(['--db', file]);
  assert.equal(status, 1, stdout);
  assert.match(stdout, /records checked: 2\b/);
  assert.match(stdout, /CHAIN BROKEN/);
  assert.match(stdout, /first broken record: seq 3\b/);
  assert.match(stdout, /time: 2025-03-01T09:02:00\.000\+09:00/);
  assert.match(stdout, /action: view\.start/);
  assert.match(stdout, /기록 내용 변조 \/ content does not match its hash/);
});

test('a deleted record: exit 1 at the next seq', () => {
  const file = join(dir, 'deleted.sqlite');
  makeLog(file, 5);
  const db = new Database(file);
  db.exec('DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2');
  db.close();
  const { status, stdout } = run(['--db', file]);
  assert.equal(status, 1, stdout);
  assert.match(stdout, /first broken record: seq 3\b/);
  assert.match(stdout, /seq 2 missing/);
});

test('the default file is $GTH_DATA_DIR/audit.sqlite; a missing file is exit 2', () => {
  const dataDir = join(dir, 'data');
  const missing = run([], { GTH_DATA_DIR: dataDir });
  assert.equal(missing.status, 2, missing.stdout);
  assert.match(missing.stdout, /file not found/);
  assert.ok(missing.stdout.includes(join(dataDir, 'audit.sqlite')));

  makeLog(join(dataDir, 'audit.sqlite'), 2);
  const found = run([], { GTH_DATA_DIR: dataDir });
  assert.equal(found.status, 0, found.stdout);
  assert.match(found.stdout, /records checked: 2\b/);
});

test('a file that is not an audit log is exit 2', () => {
  const file = join(dir, 'other.sqlite');
  new Database(file).exec('CREATE TABLE t (x)').close();
  const { status, stdout } = run(['--db', file]);
  assert.equal(status, 2, stdout);
  assert.match(stdout, /cannot read/);
});
