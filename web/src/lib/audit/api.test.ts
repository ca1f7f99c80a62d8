import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filenameOf } from './api.ts';

test('the CSV file name comes from the answer, else a dated default', () => {
  assert.equal(filenameOf('attachment; filename="gth-audit-2025-03-01.csv"'), 'gth-audit-2025-03-01.csv');
  assert.equal(filenameOf("attachment; filename*=UTF-8''%EA%B0%90%EC%82%AC.csv"), '감사.csv');
  assert.equal(filenameOf('attachment; filename="../../etc/passwd"'), '.._.._etc_passwd');
  assert.equal(filenameOf(null, Date.UTC(2025, 2, 1)), 'gth-audit-2025-03-01.csv');
});
