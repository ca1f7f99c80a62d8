/**
 * The geo API (issue 3 groundwork) on a real hub: districts, cameras, nearest cameras and the
 * dispatch route with the cameras along it — every answer filtered by the caller's scope.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { nextEvent, startTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
before(async () => {
  t = await startTestHub({ cameras: 8 });
});
after(async () => {
  await t?.close();
});

async function get(path: string, token: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.hub.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

test('districts: the 25 자치구 as GeoJSON', async () => {
  const { status, body } = await get('/api/geo/districts', await t.token('fire'));
  assert.equal(status, 200);
  assert.equal(body.features.length, 25);
  assert.ok(body.features.some((f: { properties: { name: string } }) => f.properties.name === '강남구'));
});

test('cameras and nearest cameras never include another district for a district user', async () => {
  const gangnam = await t.token('gangnam');
  const mine = t.cameras.filter((c) => c.district.code === '11680').map((c) => c.id).sort();
  const cameras = await get('/api/geo/cameras', gangnam);
  assert.deepEqual([...cameras.body.ids].sort(), mine);
  assert.equal(cameras.body.count, mine.length);
  assert.equal(cameras.body.lat.length, mine.length);
  const near = await get('/api/geo/nearest?lat=37.5035&lon=127.0035&n=8', gangnam);
  assert.equal(near.status, 200);
  assert.ok(near.body.cameras.length > 0);
  assert.ok(near.body.cameras.every((c: { district: string }) => c.district === '11680'));
  const all = await get('/api/geo/nearest?lat=37.5035&lon=127.0035&n=8', await t.token('fire'));
  assert.equal(all.body.cameras.length, 8);
  const distances = all.body.cameras.map((c: { distanceM: number }) => c.distanceM);
  assert.ok(distances[0] <= 150, 'the nearest camera is close to the spot');
  assert.equal((await get('/api/geo/nearest?lat=abc&lon=127', gangnam)).status, 400);
});

test('map layers: roads by class, the Han as water, fire and police stations in every 구', async () => {
  const { status, body } = await get('/api/geo/layers', await t.token('fire'));
  assert.equal(status, 200);
  assert.ok(body.roads.length > 1000);
  assert.ok(body.roads.some((r: { highway: string; oneway: boolean }) => r.highway === 'trunk' && r.oneway));
  assert.equal(body.water.length, 1);
  const districts = (kind: string) => new Set(body.stations.filter((s: { kind: string }) => s.kind === kind).map((s: { district: string }) => s.district));
  assert.equal(districts('fire').size, 25);
  assert.equal(districts('police').size, 25);
  assert.match(body.attribution, /synthetic/);
});

test('a 119 dispatch route starts at a fire station, has an ETA, and lists in-scope cameras in driving order', async () => {
  const camera = t.cameras[5]!;
  const route = await get(`/api/geo/route?lat=${camera.location.lat}&lon=${camera.location.lon}`, await t.token('fire'));
  assert.equal(route.status, 200, JSON.stringify(route.body));
  assert.equal(route.body.station.kind, 'fire');
  assert.ok(route.body.etaS > 0 && route.body.lengthM > 0);
  assert.ok(route.body.polyline.length > 1);
  const along: number[] = route.body.cameras.map((c: { alongM: number }) => c.alongM);
  assert.deepEqual(along, [...along].sort((a, b) => a - b), 'cameras in driving order');
  assert.match(route.body.attribution, /합성|synthetic/, 'the map credits its synthetic data');
  const police = await get(`/api/geo/route?lat=${camera.location.lat}&lon=${camera.location.lon}`, await t.token('gangnam'));
  assert.equal(police.body.station.kind, 'police');
  assert.ok(police.body.cameras.every((c: { district: string }) => c.district === '11680'));
});

test('an operator flags congestion on the route; the detour is computed at once and reaches the other operators live', async () => {
  const token = await t.token('fire');
  const other = await t.client(await t.token('fire'));
  const camera = t.cameras[6]!;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${t.hub.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const opened = await post('/api/incidents', { type: '화재', location: camera.location });
  assert.equal(opened.status, 201);
  const id = opened.body.incident.id as string;

  const first = nextEvent(other, 'incident:dispatch', (e) => e.incidentId === id);
  const started = await post(`/api/incidents/${id}/dispatch`, {});
  assert.equal(started.status, 200, JSON.stringify(started.body));
  assert.equal(started.body.detour, null);
  assert.equal((await first)[0].route.etaS, started.body.route.etaS, 'the other operator sees the same route');

  // Flag the middle of the route, as an operator would from a camera showing a jam there.
  const polyline = started.body.route.polyline as Array<[number, number]>;
  const [lon, lat] = polyline[Math.floor(polyline.length / 2)]!;
  const flaggedEvent = nextEvent(other, 'incident:dispatch', (e) => e.incidentId === id && e.flagged.length === 1);
  const flagged = await post(`/api/incidents/${id}/congestion`, { lat, lon });
  assert.equal(flagged.status, 200, JSON.stringify(flagged.body));
  assert.equal(flagged.body.flagged.length, 1);
  const detour = flagged.body.detour;
  assert.ok(detour, 'a detour answer');
  if ('none' in detour) assert.match(detour.none, /./);
  else {
    assert.ok(detour.etaS >= flagged.body.route.etaS, `the detour (${detour.etaS} s) is not faster than the original (${flagged.body.route.etaS} s)`);
    assert.notDeepEqual(detour.polyline, flagged.body.route.polyline);
  }
  const [seen] = await flaggedEvent;
  assert.deepEqual(seen.detour, flagged.body.detour, 'the other operator sees the detour live');
  other.disconnect();
});
