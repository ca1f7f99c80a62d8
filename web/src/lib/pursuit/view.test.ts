import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PredictedCameraView, Pursuit, Sighting } from '$protocol/pursuit.ts';
import { countdown, drawingOf, LABELLED, lastSighting, lostNote, playable, ranking, targetOf, tileTags, windowFromNow } from './view.ts';

const gangnam = { code: '11680', name: '강남구', nameEn: 'Gangnam-gu' };
const seocho = { code: '11650', name: '서초구', nameEn: 'Seocho-gu' };
const T0 = Date.UTC(2026, 0, 1, 5, 0, 0);

const sighting = (id: string, cameraId: string, at: number, lpr?: Sighting['lpr']): Sighting => ({
  id, at, cameraId, cameraName: cameraId, district: gangnam, location: { lat: 37.5, lon: 127.03 }, headingDeg: null,
  source: lpr ? 'lpr' : 'operator', by: 'u', note: null, ...(lpr ? { lpr } : {})
});
const predicted = (cameraId: string, probability: number, granted: boolean, district = seocho): PredictedCameraView => ({
  cameraId, name: cameraId, district, location: { lat: 37.49, lon: 127.02 }, probability, etaMinS: 20, etaMaxS: 45, distanceM: 300, granted
});
const pursuit = (over: Partial<Pursuit> = {}): Pursuit => ({
  id: 'p1', incidentId: 'i1', agency: 'gangnam-police', agencyName: '강남경찰서', status: 'open', target: { kind: 'vehicle', plate: '12가3456' },
  plateMasked: false, openedBy: 'u', openedAt: T0, closedAt: null, externalRef: null,
  track: [sighting('s1', 'gn-1', T0, { readId: 'r1', plate: '12가3456', confidence: 0.9, imageRef: null }), sighting('s2', 'gn-2', T0 + 30_000)],
  prediction: {
    anchorSightingId: 's2', anchorAt: T0 + 30_000, computedAt: T0 + 32_000, elapsedS: 2,
    cameras: [predicted('sc-1', 0.8, true), predicted('gn-3', 0.6, false, gangnam), predicted('sc-2', 0.5, false)],
    reach: [{ path: [[127.03, 37.5], [127.02, 37.49]], weight: 0.7 }]
  },
  grant: null,
  ...over
});

test('follow mode plays the predicted cameras the grant holds or the agency’s own scope has, best first', () => {
  const own = (id: string) => id.startsWith('gn-');
  const cameras = playable(pursuit(), own);
  assert.deepEqual(cameras.map((c) => c.cameraId), ['sc-1', 'gn-3'], 'sc-2 is neither granted nor in scope');
  assert.deepEqual(ranking(cameras), [{ cameraId: 'sc-1', score: 0.8 }, { cameraId: 'gn-3', score: 0.6 }]);
  assert.deepEqual(playable(pursuit({ status: 'closed' }), own), [], 'nothing to follow once the pursuit ends');
  assert.deepEqual(playable(null, own), []);
});

test('the map draws the track with times (and plates of hits), the predicted cameras with window and 구, and the reach', () => {
  const drawing = drawingOf(pursuit(), false);
  assert.deepEqual(drawing.track.map((m) => [m.kind, m.label]), [['lpr', '14:00:00 · 12가3456'], ['sighting', '14:00:30']]);
  // Windows as times of day (anchor 14:00:30 + 20–45 s): true however long ago the map was drawn.
  assert.deepEqual(drawing.predicted.map((c) => [c.rank, c.label]), [[1, '14:00:50–01:15 · 서초구'], [2, '14:00:50–01:15 · 강남구'], [3, '14:00:50–01:15 · 서초구']]);
  assert.equal(drawing.reach.length, 1);
  assert.equal(drawingOf(pursuit(), true).predicted[0]?.label, '14:00:50–01:15 · Seocho-gu');
  const many = pursuit({ prediction: { ...pursuit().prediction!, cameras: Array.from({ length: LABELLED + 2 }, (_, i) => predicted(`c${i}`, 0.5, true)) } });
  assert.equal(drawingOf(many, false).predicted.filter((c) => c.label).length, LABELLED, 'only the first few carry words');
  const ended = drawingOf(pursuit({ status: 'closed' }), false);
  assert.deepEqual([ended.track.length, ended.predicted.length, ended.reach.length], [2, 0, 0], 'an ended pursuit keeps its track, predicts nothing');
});

test('tiles say which camera saw the target last and where it is expected next', () => {
  const tags = tileTags(pursuit(), false, T0 + 30_000);
  assert.equal(tags.get('gn-2'), '마지막 목격 14:00:30');
  assert.equal(tags.get('sc-1'), '예측 1 · 20–45초');
  assert.equal(tags.get('gn-1'), undefined, 'an older sighting is not the last');
  assert.equal(lastSighting(pursuit())?.id, 's2');
  assert.equal(tileTags(null, false, T0).size, 0);
  assert.equal(tileTags(pursuit(), false, T0 + 60_000).get('sc-1'), '예측 1 · 0–15초', 'the window counts down from now');
});

test('arrival windows count down from now, and say when they are over', () => {
  const camera = { etaMinS: 20, etaMaxS: 45 };
  assert.deepEqual(windowFromNow(camera, T0, T0 + 10_000), { minS: 10, maxS: 35 });
  assert.deepEqual(windowFromNow(camera, T0, T0 + 30_000), { minS: 0, maxS: 15 });
  assert.equal(windowFromNow(camera, T0, T0 + 46_000), null);
  assert.equal(countdown(camera, T0, T0 + 46_000, false), '지남');
  assert.equal(countdown(camera, T0, T0 + 5_000, true), '15–40 s');
});

test('a pursuit that predicts nothing says the target is lost, and since when', () => {
  const none = pursuit({ prediction: { ...pursuit().prediction!, cameras: [] } });
  assert.equal(lostNote(none, T0 + 30_000 + 12 * 60_000, false), '마지막 목격 12분 전, 예측 없음');
  assert.equal(lostNote(none, T0 + 75_000, true), 'Last seen 45 s ago, no prediction');
  assert.equal(lostNote({ ...none, prediction: null }, T0 + 90_000, false), '마지막 목격 60초 전, 예측 없음', 'no prediction at all is lost too');
  assert.equal(lostNote(pursuit(), T0 + 40_000, false), null, 'not while cameras are predicted');
  assert.equal(lostNote({ ...none, status: 'closed' }, T0 + 40_000, false), null, 'an ended pursuit is not lost');
});

test('the target is what the panel’s fields say, blank fields left out', () => {
  assert.deepEqual(targetOf({ kind: 'vehicle', plate: ' 12가 3456 ', colour: '흰색', vehicleType: '', description: ' ' }), { kind: 'vehicle', plate: '12가3456', colour: '흰색' });
  assert.deepEqual(targetOf({ kind: 'person', plate: '12가3456', colour: '', vehicleType: '', description: '검은 모자' }), { kind: 'person', description: '검은 모자' });
});
