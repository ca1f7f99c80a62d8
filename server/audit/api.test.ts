import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { auditResponse } from './api.ts';
import { AuditLog, type AuditEntry } from './log.ts';

const T0 = Date.UTC(2025, 2, 1, 0, 0, 0);
let dir: string;
let log: AuditLog;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gth-audit-api-'));
  log = AuditLog.open(join(dir, 'audit.sqlite'));
  for (let i = 0; i < 300; i++) {
    log.append({ at: T0 + i * 1000, action: i % 2 ? 'view.stop' : 'view.start', outcome: 'allowed', cameraId: `cam-${i % 3}`, subject: `u${i % 5}`, agency: '서울경찰청' });
  }
});

after(() => {
  log.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => auditResponse(log, new URL(path, 'http://hub.local'), T0);

function json(path: string): { status: number; body: { entries: AuditEntry[]; total: number } } {
  const response = get(path);
  assert.equal(response.contentType, 'application/json; charset=utf-8');
  return { status: response.status, body: JSON.parse(response.body) };
}

function refused(path: string): string {
  const response = get(path);
  assert.equal(response.status, 400, path);
  const body = JSON.parse(response.body) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'BAD_REQUEST');
  return body.error.message;
}

test('GET /api/audit: filters, newest first, default limit 200, total', () => {
  const all = json('/api/audit');
  assert.equal(all.status, 200);
  assert.equal(all.body.entries.length, 200);
  assert.equal(all.body.total, 300);
  assert.equal(all.body.entries[0]?.seq, 300);

  const some = json(`/api/audit?cameraId=cam-1&action=view.stop&agency=${encodeURIComponent('서울경찰청')}&limit=5&offset=1`);
  assert.equal(some.body.total, 50);
  assert.deepEqual(some.body.entries.map((e) => e.seq), [290, 284, 278, 272, 266]);
});

test('from / to accept ms or ISO 8601 with an offset; empty parameters are no filter', () => {
  const ms = json(`/api/audit?from=${T0 + 10_000}&to=${T0 + 13_000}&subject=`);
  assert.deepEqual(ms.body.entries.map((e) => e.seq), [13, 12, 11]);
  const iso = json(`/api/audit?from=${encodeURIComponent('2025-03-01T09:00:10+09:00')}&to=2025-03-01T00:00:13Z`);
  assert.deepEqual(iso.body.entries.map((e) => e.seq), [13, 12, 11]);
});

test('GET /api/audit.csv: CSV of all matches up to 5000, with a suggested file name', () => {
  const response = get('/api/audit.csv?cameraId=cam-0');
  assert.equal(response.status, 200);
  assert.equal(response.contentType, 'text/csv; charset=utf-8');
  assert.equal(response.filename, 'audit-20250301-090000.csv');
  assert.equal(response.total, 100);
  const lines = response.body.split('\r\n').filter(Boolean);
  assert.equal(lines.length, 101);
  assert.ok(lines[0]?.startsWith('\uFEFF"seq","time",'));
  assert.ok(lines[1]?.startsWith('"298","2025-03-01T09:04:57.000+09:00",'));
});

test('invalid queries are 400 BAD_REQUEST with what was wrong', () => {
  assert.match(refused('/api/audit?limit=5001'), /limit/);
  assert.match(refused('/api/audit?limit=0'), /limit/);
  assert.match(refused('/api/audit?limit=ten'), /limit/);
  assert.match(refused('/api/audit?offset=-1'), /offset/);
  assert.match(refused('/api/audit?action=view.peek'), /action/);
  assert.match(refused('/api/audit?outcome=maybe'), /outcome/);
  assert.match(refused('/api/audit?from=yesterday'), /from/);
  assert.match(refused('/api/audit?from=2025-03-01T09:00:00'), /from/, 'an ISO time without an offset is ambiguous');
  assert.match(refused(`/api/audit?from=${T0 + 1}&to=${T0}`), /from is after to/);
  assert.match(refused('/api/audit?camera=cam-1'), /camera/, 'an unknown parameter is not silently ignored');
  assert.match(refused('/api/audit?cameraId=a&cameraId=b'), /more than once/);
  assert.match(refused(`/api/audit?subject=${'x'.repeat(201)}`), /subject/);
});

test('other paths are 404; a closed log is 503 AUDIT_UNAVAILABLE', () => {
  assert.equal(get('/api/audit/x').status, 404);
  const closed = AuditLog.open(join(dir, 'closed.sqlite'));
  closed.close();
  const response = auditResponse(closed, new URL('http://hub.local/api/audit'));
  assert.equal(response.status, 503);
  assert.equal(JSON.parse(response.body).error.code, 'AUDIT_UNAVAILABLE');
});
