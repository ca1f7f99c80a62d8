import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, formatKst, shortHash } from './format.ts';
import { apiQuery, EMPTY_FILTER, filterFromParams, kstLocalToMs, msToKstLocal, offsetFromParams, pageQuery } from './query.ts';

test('datetime-local values are read and written as KST, whatever the browser zone', () => {
  const ms = Date.UTC(2025, 2, 1, 0, 30); // 09:30 KST
  assert.equal(kstLocalToMs('2025-03-01T09:30'), ms);
  assert.equal(kstLocalToMs('2025-03-01T09:30:15'), ms + 15_000);
  assert.equal(msToKstLocal(ms), '2025-03-01T09:30');
  assert.equal(kstLocalToMs('yesterday'), null);
  assert.equal(formatKst(ms + 15_000), '2025-03-01 09:30:15');
});

test('the API query carries only what is set, in ms, with `to` exclusive after its minute', () => {
  const params = apiQuery({ ...EMPTY_FILTER, cameraId: ' cam-1 ', action: 'view.start', from: '2025-03-01T09:00', to: '2025-03-01T09:30' }, { limit: 100, offset: 200 });
  assert.deepEqual(Object.fromEntries(params), {
    cameraId: 'cam-1',
    action: 'view.start',
    from: String(Date.UTC(2025, 2, 1, 0, 0)),
    to: String(Date.UTC(2025, 2, 1, 0, 31)),
    limit: '100',
    offset: '200'
  });
  assert.equal(apiQuery(EMPTY_FILTER).toString(), '');
});

test('the page address round-trips the filter and the page; junk is dropped', () => {
  const filter = { ...EMPTY_FILTER, subject: 'demo:seoul-119', outcome: 'refused' as const, to: '2025-03-01T18:00' };
  const query = pageQuery(filter, 100);
  const params = new URLSearchParams(query);
  assert.deepEqual(filterFromParams(params), filter);
  assert.equal(offsetFromParams(params), 100);
  assert.deepEqual(filterFromParams(new URLSearchParams('action=hack&outcome=x&from=soon&offset=-5')), EMPTY_FILTER);
  assert.equal(offsetFromParams(new URLSearchParams('offset=-5')), 0);
});

test('durations and hashes read briefly', () => {
  assert.equal(formatDuration(400), '0:00.4');
  assert.equal(formatDuration(83_000), '1:23');
  assert.equal(formatDuration(3_723_000), '1:02:03');
  assert.equal(shortHash('0123456789abcdef'), '0123456789');
});
