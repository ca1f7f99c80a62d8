import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from '../db.ts';
import { AlarmStore, type AlarmRecord } from './store.ts';

const alarm = (id: string, more: Partial<AlarmRecord> = {}): AlarmRecord => ({
  id, source: 'gangnam-bells', sourceEventId: `evt-${id}`, kind: 'bell', level: '심각', status: 'new',
  location: { lat: 37.499, lon: 127.033 }, district: { code: '11680', name: '강남구', nameEn: 'Gangnam-gu' },
  cameraId: 'cam-1', cameras: ['cam-1', 'cam-2'], detail: { kind: 'bell', bellId: 'B-1' },
  recipients: [{ agency: 'seoul-112', agencyName: '112', priority: 1, via: 'route', since: 1_000 }, { agency: 'gangnam-police', agencyName: '강남', priority: 1, via: 'route', since: 1_000 }],
  incidentId: 'inc-1', escalation: { afterS: 30, to: 'supervisor' }, escalateAt: 31_000, escalated: false,
  raisedAt: 1_000, updatedAt: 1_000, sourceEndedAt: null, closedAt: null, closeReason: null,
  history: [{ at: 1_000, action: 'raised', by: null, comment: null, level: '심각' }], ...more
});

test('alarms survive the database being opened again; (source, sourceEventId) is stored once; lists are per agency', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gth-alarm-store-'));
  try {
    const file = join(dir, 'hub.sqlite');
    let db = openDb(file);
    let store = new AlarmStore(db);
    assert.equal(store.insert(alarm('a1')), true);
    assert.equal(store.insert(alarm('a2', { raisedAt: 2_000, recipients: [{ agency: 'seoul-112', agencyName: '112', priority: 2, via: 'route', since: 2_000 }] })), true);
    assert.equal(store.insert(alarm('a3', { sourceEventId: 'evt-a1' })), false, 'the same source event again stores nothing');
    assert.equal(store.insert(alarm('a4', { source: 'mapo-bells', sourceEventId: 'evt-a1', recipients: [{ agency: 'mapo-cctv', agencyName: '마포', priority: 1, via: 'route', since: 3_000 }], raisedAt: 3_000 })), true, 'another source may use the same id');
    store.update({ ...alarm('a1'), status: 'acknowledged', history: [...alarm('a1').history, { at: 2_500, action: 'acknowledged', by: { subject: 'u1', name: '근무자', agency: 'seoul-112' }, comment: '확인' }] });
    db.close();

    db = openDb(file);
    store = new AlarmStore(db);
    assert.equal(store.count(), 3);
    assert.equal(store.get('a1')?.status, 'acknowledged');
    assert.deepEqual(store.get('a1')?.history.map((h) => h.action), ['raised', 'acknowledged']);
    assert.equal(store.bySourceEvent('gangnam-bells', 'evt-a1')?.id, 'a1');
    assert.equal(store.bySourceEvent('mapo-bells', 'evt-a1')?.id, 'a4');
    assert.deepEqual(store.open().map((a) => a.id), ['a1', 'a2', 'a4'], 'oldest first');
    assert.deepEqual(store.list('seoul-112', 'open', 10).map((a) => a.id), ['a2', 'a1'], 'newest first');
    assert.deepEqual(store.list('gangnam-police', 'all', 10).map((a) => a.id), ['a1']);
    assert.deepEqual(store.list('police', 'all', 10), [], 'an agency id inside another does not match');
    store.update({ ...alarm('a2'), status: 'closed', closedAt: 5_000, closeReason: 'false_alarm', recipients: store.get('a2')!.recipients });
    assert.deepEqual(store.list('seoul-112', 'open', 10).map((a) => a.id), ['a1']);
    assert.deepEqual(store.list('seoul-112', 'closed', 10).map((a) => a.id), ['a2']);
    assert.deepEqual(store.list('seoul-112', 'all', 1).map((a) => a.id), ['a2'], 'the limit holds');
    db.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
