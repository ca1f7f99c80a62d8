import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FOLLOWING, leave, ownMove, sameMapView, shownLayout } from './follow.ts';

const SHARED = { map: { center: { lat: 37.55, lon: 126.99 }, zoom: 13 }, layout: 9 as const };
const ELSEWHERE = { center: { lat: 37.5, lon: 127.03 }, zoom: 15 };

test("the presenter's own move is the view's map; a follower's own move is looking around", () => {
  assert.deepEqual(ownMove(FOLLOWING, true, ELSEWHERE), { follow: FOLLOWING, broadcast: true });
  const looked = ownMove(FOLLOWING, false, ELSEWHERE);
  assert.equal(looked.broadcast, false);
  assert.deepEqual(looked.follow, { following: false, map: ELSEWHERE, layout: null });
});

test('leaving follow keeps the map where it is; the layout shown is then the person’s own, until they follow again', () => {
  const left = leave(FOLLOWING, SHARED, ELSEWHERE);
  assert.deepEqual(left, { following: false, map: ELSEWHERE, layout: null });
  assert.equal(leave(left, SHARED, null), left, 'leaving twice changes nothing');
  assert.equal(leave(FOLLOWING, SHARED, null).map, SHARED.map, 'without a map of its own, where the view was');

  assert.equal(shownLayout(left, SHARED, false), 9, 'no layout of their own yet: the view’s');
  assert.equal(shownLayout({ ...left, layout: 1 }, SHARED, false), 1);
  assert.equal(shownLayout(FOLLOWING, SHARED, false), 9);
  assert.equal(shownLayout({ ...left, layout: 1 }, SHARED, true), 9, 'a presenter always shows the view’s layout');
  assert.equal(shownLayout(FOLLOWING, null, false), 4, 'before the view arrives: the default');
});

test('a map view is the same only at the same centre and zoom', () => {
  assert.ok(sameMapView(SHARED.map, { center: { ...SHARED.map.center }, zoom: 13 }));
  assert.ok(!sameMapView(SHARED.map, { ...SHARED.map, zoom: 13.5 }));
  assert.ok(!sameMapView(SHARED.map, null));
  assert.ok(sameMapView(null, null));
});
