import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alarmCause, alarmTitle, closeReasonsFor, controlsFor, drawingOf, historyLine, isWalking } from './view.ts';
import { alarmView } from './test-fixtures.ts';

const sos = alarmView({
  kind: 'sos',
  cameraId: null,
  detail: {
    kind: 'sos',
    category: '치매',
    description: '회색 점퍼, 78세',
    guardianContact: null,
    guardianMasked: true,
    track: [
      { lat: 37.52, lon: 127.04, at: Date.UTC(2026, 0, 1, 5, 3, 0) },
      { lat: 37.521, lon: 127.041, at: Date.UTC(2026, 0, 1, 5, 3, 30) }
    ]
  }
});

test('title and cause in Korean and English', () => {
  assert.equal(alarmTitle(alarmView(), false), '비상벨 · 경계');
  assert.equal(alarmTitle(alarmView({ kind: 'crowd', level: '심각' }), true), 'Crowding · Severe');
  assert.equal(alarmCause(alarmView({ detail: { kind: 'crowd', density: 5.26, areaName: '강남역' } }), false), '5.3명/㎡ · 강남역');
  assert.equal(alarmCause(sos, true), 'Dementia · 회색 점퍼, 78세');
});

test('the controls follow 신규 → 확인 → 처리 중 → 종료', () => {
  assert.deepEqual(controlsFor('new'), ['acknowledge']);
  assert.deepEqual(controlsFor('acknowledged'), ['start', 'close']);
  assert.deepEqual(controlsFor('in_progress'), ['close']);
  assert.deepEqual(controlsFor('closed'), []);
});

test('a missing person closes as 발견 first; a bell has no 발견', () => {
  assert.equal(closeReasonsFor('sos')[0], 'found');
  assert.ok(!closeReasonsFor('bell').includes('found'));
  assert.ok(isWalking(sos) && !isWalking(alarmView()));
});

test('history lines say what, who and when (Seoul time)', () => {
  const line = historyLine({ at: Date.UTC(2026, 0, 1, 5, 3, 21), action: 'closed', closeReason: 'found', by: { subject: 'u1', name: '김복지', agency: 'seoul-welfare' }, comment: null }, false);
  assert.equal(line, '14:03:21 종료 (발견) · 김복지 (seoul-welfare)');
  assert.match(historyLine({ at: 0, action: 'updated', level: '심각', by: null, comment: null }, true), /Updated → Severe$/);
});

test('the map draws a walking alarm\'s path with its times, a bell as one ring', () => {
  const drawn = drawingOf(sos, false);
  assert.deepEqual(drawn.path.map((f) => f.label), ['14:03:00', '14:03:30']);
  assert.equal(drawn.color, '#ff4d4f');
  assert.deepEqual(drawingOf(alarmView(), false).path, []);
});
