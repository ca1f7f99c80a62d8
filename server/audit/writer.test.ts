import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AuditKey } from './audit-key.ts';
import { readCheckpoint } from './checkpoints.ts';
import { AuditUnavailableError, AuditWriteError } from './errors.ts';
import { AuditLog } from './log.ts';
import type { AuditInput } from './types.ts';
import { AuditWriter } from './writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'gth-audit-writer-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const nextFile = () => join(dir, `audit-${++files}.sqlite`);

test('an appended record is durable when append resolves, and the chain is the order of the calls', async () => {
  const file = nextFile();
  const writer = await AuditWriter.open({ file, onError: () => assert.fail('no error') });
  const reader = AuditLog.open(file, { readonly: true });
  const first = await writer.append({ action: 'view.start', outcome: 'allowed', cameraId: 'cam-1' });
  assert.equal(first.seq, 1);
  assert.deepEqual(reader.query({ cameraId: 'cam-1' }).entries.map((e) => e.hash), [first.hash], 'another connection reads it once append resolved');

  // One turn's records go in one group, in call order, whatever their kind.
  const calls = Array.from({ length: 40 }, (_, i) => (i % 2 ? writer.append({ action: 'view.start', outcome: 'allowed', cameraId: `c${i}` }) : (writer.record({ action: 'session.start', outcome: 'allowed', subject: `s${i}` }), null)));
  const appended = await Promise.all(calls.filter((c) => c !== null));
  assert.deepEqual(appended.map((e) => e.seq), Array.from({ length: 20 }, (_, i) => 3 + 2 * i), 'each append has the seq of its place among the calls');
  await writer.flush();
  assert.equal(reader.query({ limit: 1 }).total, 41);
  assert.equal(reader.verify().ok, true);
  await writer.close();
  reader.close();
});

test('a record that cannot be stored fails alone; its group is stored without it', async () => {
  const file = nextFile();
  const failed: string[] = [];
  const writer = await AuditWriter.open({ file, onError: (error, input) => failed.push(`${input.action}: ${error.code}`) });
  const good = writer.append({ action: 'view.start', outcome: 'allowed', cameraId: 'a' });
  const bad = writer.append({ action: 'view.start', outcome: 'allowed', cameraId: 'x'.repeat(5000) });
  writer.record({ action: 'no.such.action', outcome: 'info' } as unknown as AuditInput);
  const after = writer.append({ action: 'view.start', outcome: 'allowed', cameraId: 'b' });
  await assert.rejects(bad, AuditWriteError);
  assert.deepEqual([(await good).seq, (await after).seq], [1, 2], 'the chain skips nothing');
  await writer.flush();
  assert.deepEqual(failed, ['no.such.action: AUDIT_UNAVAILABLE']);
  await writer.close();
  const log = AuditLog.open(file, { readonly: true });
  assert.deepEqual(log.verify(), { ok: true, checked: 2, head: { seq: 2, hash: (await after).hash } });
  log.close();
});

test('close stores what was given before it; later records fail closed', async () => {
  const file = nextFile();
  const errors: string[] = [];
  const writer = await AuditWriter.open({ file, onError: (_error, input) => errors.push(input.action) });
  writer.record({ action: 'session.end', outcome: 'info' });
  await writer.close();
  await writer.close();
  await assert.rejects(writer.append({ action: 'view.start', outcome: 'allowed' }), AuditWriteError);
  writer.record({ action: 'session.start', outcome: 'allowed' });
  assert.deepEqual(errors, ['session.start']);
  const log = AuditLog.open(file, { readonly: true });
  assert.deepEqual(log.query().entries.map((e) => e.action), ['session.end']);
  log.close();
});

test('a log that cannot be opened rejects open', async () => {
  await assert.rejects(AuditWriter.open({ file: join(dir, 'missing', '\0bad'), onError: () => undefined }));
});

test('with checkpoints, the thread signs the head of what it stored, at the latest at close, and refuses a log short of its latest checkpoint', async () => {
  const file = nextFile();
  const checkpoints = { file: join(dir, `checkpoints-${files}.jsonl`), keyFile: join(dir, `key-${files}.pem`), everyRecords: 5, everyMs: 60_000 };
  const checkpointErrors: string[] = [];
  const writer = await AuditWriter.open({ file, checkpoints, onError: () => assert.fail('no error'), onCheckpointError: (message) => checkpointErrors.push(message) });
  const entries = await Promise.all(Array.from({ length: 12 }, (_, i) => writer.append({ action: 'session.start', outcome: 'allowed', subject: `u${i}` })));
  await writer.close();
  const key = AuditKey.openOrCreate(checkpoints.keyFile);
  const lines = readFileSync(checkpoints.file, 'utf8').trim().split('\n');
  const signed = lines.map((line) => {
    const read = readCheckpoint(line, key);
    assert.ok('checkpoint' in read, line);
    return read.checkpoint;
  });
  const last = signed.at(-1);
  assert.deepEqual([last?.seq, last?.hash], [12, entries.at(-1)?.hash], 'the last checkpoint, at close, covers the last record stored');
  assert.deepEqual(checkpointErrors, []);

  // The log replaced by an older copy (emptied here): the writer does not open on top of it.
  rmSync(file);
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  await assert.rejects(
    AuditWriter.open({ file, checkpoints, onError: () => undefined }),
    (error: unknown) => error instanceof AuditUnavailableError && /does not match its latest checkpoint/.test(error.message)
  );
});
