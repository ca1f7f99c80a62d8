import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDb } from '../db.ts';
import { GeoService } from '../geo/service.ts';
import { DispatchStore } from './dispatch-store.ts';

const CITY_HALL = { lat: 37.5663, lon: 126.9779 };
const everything = () => true;

/** A store on a fresh database holding the incidents it will be asked about (dispatches reference them). */
function storeFor(ids: string[], options: { now?: () => number } = {}): DispatchStore {
  const db = openDb(':memory:');
  const insert = db.prepare("INSERT INTO incidents (id, type, lat, lon, agency, opened_by, purpose, status, opened_at) VALUES (?, '화재', 0, 0, 'a', 'u', 'dispatch-119', 'open', 0)");
  for (const id of ids) insert.run(id);
  return new DispatchStore(db, options);
}

test('the store keeps flags in order, a restart of the dispatch clears them, ending keeps the record', () => {
  let now = 1_000;
  const store = storeFor(['inc-x'], { now: () => now });
  assert.equal(store.load('inc-x'), undefined);
  store.started('inc-x', { kind: 'fire', to: CITY_HALL, network: 'n1' });
  store.flagged('inc-x', { edgeId: 7, name: '세종대로', at: { lat: 37.56, lon: 126.97 } });
  store.flagged('inc-x', { edgeId: 3, name: null, at: { lat: 37.57, lon: 126.98 } });
  assert.deepEqual(store.load('inc-x'), {
    kind: 'fire', to: CITY_HALL, network: 'n1', live: true,
    flagged: [{ edgeId: 7, name: '세종대로', at: { lat: 37.56, lon: 126.97 } }, { edgeId: 3, name: null, at: { lat: 37.57, lon: 126.98 } }]
  });
  now = 2_000;
  store.ended('inc-x');
  assert.equal(store.load('inc-x')?.live, false);
  assert.equal(store.load('inc-x')?.flagged.length, 2, 'history keeps its flags');
  store.started('inc-x', { kind: 'police', to: CITY_HALL, network: 'n1' });
  assert.deepEqual(store.load('inc-x'), { kind: 'police', to: CITY_HALL, network: 'n1', live: true, flagged: [] });
});

test('a GeoService on the same records rebuilds the same dispatch; on another network the flags are re-snapped from their points', () => {
  const store = storeFor(['inc-a']);
  const first = new GeoService([], { records: store });
  const started = first.startDispatch('inc-a', 'fire', CITY_HALL, everything);
  const [lon, lat] = started.route.polyline[Math.floor(started.route.polyline.length / 2)]!;
  const flagged = first.flagCongestion('inc-a', { lat, lon }, everything)!;
  assert.equal(flagged.flagged.length, 1);

  const restarted = new GeoService([], { records: store });
  assert.deepEqual(restarted.dispatch('inc-a', everything), flagged);

  const otherNetwork = new GeoService([], { records: store, seed: 2 });
  const moved = otherNetwork.dispatch('inc-a', everything)!;
  assert.equal(moved.flagged.length, 1);
  assert.deepEqual(moved.flagged[0]!.at, { lat, lon }, 'the operator’s point is kept');
  assert.ok(moved.detour, 'the detour is recomputed around the re-snapped segment');

  restarted.endDispatch('inc-a');
  assert.deepEqual(restarted.dispatch('inc-a', everything), flagged, 'history reads the same (rebuilt from the record)');
  assert.equal(restarted.flagCongestion('inc-a', { lat, lon }, everything), undefined, 'an ended dispatch takes no flags');
});
