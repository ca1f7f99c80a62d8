/**
 * The second demo region (issue 9): `GTH_REGION=gwangju` alone starts a Gwangju hub — its 5 구,
 * a synthetic registry of ≈10,000 cameras, its landmarks on simulated feeds, its agencies, roads
 * and stations — and an incident in 광주 gets the nearest cameras and a route from a Gwangju fire
 * station. The start-up summary (/healthz) says what was loaded.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEMO_CITIES } from '../../server/cameras/demo.ts';
import { loadConfig } from '../../server/config.ts';
import { startHub, type Hub } from '../../server/hub.ts';
import { createLogger } from '../../server/log.ts';
import { formatCsv } from '../../server/cameras/import/csv.ts';
import { STANDARD_COLUMNS } from '../../server/cameras/import/types.ts';

const GWANGJU = ['29110', '29140', '29155', '29170', '29200'];
let hub: Hub;
let dataDir: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gth-gwangju-'));
  // The one setting, from the environment as `npm start` reads it; the rest only keeps the test on port 0 and small.
  const config = loadConfig({ GTH_REGION: 'gwangju' }, { http: { host: '127.0.0.1', port: 0 }, dataDir, logLevel: 'error', simulator: { cameras: 2, basePort: 0 } });
  hub = await startHub(config, { log: createLogger('error') });
});
after(async () => {
  await hub?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function signIn(agency: string, purpose: 'dispatch-119' | 'emergency-112'): Promise<string> {
  const demo = DEMO_CITIES.gwangju.agencies.find((a) => a.id === agency)!;
  return hub.devIssuer!.sign(demo, { audience: 'golden-time-hub', ttlSec: 600, purpose });
}

async function call(path: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${hub.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  return { status: res.status, body: await res.json() };
}

test('the hub says what it loaded: Gwangju, 10,000 synthetic cameras and 2 landmarks, all on 2 simulated feeds', async () => {
  const health = (await (await fetch(`${hub.url}/healthz`)).json()) as any;
  assert.equal(health.ok, true);
  assert.deepEqual(health.region, { name: '광주광역시', codes: GWANGJU, inferred: false, demoCity: 'gwangju' });
  assert.equal(health.registry.source, 'synthetic');
  assert.equal(health.registry.cameras, 10_000);
  assert.deepEqual(health.cameras, { total: 10_002, landmarks: 2, configured: 0, simulated: 10_002, real: 0, simulatedFeeds: 2 });
  const { ok: _ok, ...summary } = health;
  assert.deepEqual(summary, JSON.parse(JSON.stringify(hub.startup)), '/healthz is the start-up summary');
  assert.ok(health.demoAgencies.some((a: { id: string }) => a.id === 'gwangju-119'));
  assert.ok(!health.demoAgencies.some((a: { id: string }) => a.id.startsWith('seoul')), "Seoul's agencies are not offered");
  const districts = new Set([...hub.registry.all()].map((c) => c.district.code));
  assert.deepEqual([...districts].sort(), GWANGJU, 'every camera is in one of the 5 구');
});

test('an incident in 광주 gives the nearest cameras and a route from a Gwangju fire station', async () => {
  const token = await signIn('gwangju-119', 'dispatch-119');
  const scene = { lat: 35.1601, lon: 126.8514 }; // 광주광역시청, 서구
  const opened = await call('/api/incidents', token, { type: '화재', location: scene, nearest: 8 });
  assert.equal(opened.status, 201, JSON.stringify(opened.body));
  const nearest: Array<{ id: string; district: string; distanceM: number }> = opened.body.nearest;
  assert.equal(nearest.length, 8);
  assert.ok(nearest.every((c) => GWANGJU.includes(c.district)));
  assert.ok(nearest[0]!.distanceM < 300, `a camera near the scene (${nearest[0]!.distanceM} m)`);
  const route = opened.body.dispatch.route;
  assert.equal(route.station.kind, 'fire');
  assert.match(route.station.name, /^광주(동부|서부|남부|북부)소방서|^광산소방서/);
  assert.ok(route.lengthM > 0 && route.etaS > 0 && route.polyline.length > 1);
  for (const [lon, lat] of route.polyline as Array<[number, number]>) {
    assert.ok(lat > 35.0 && lat < 35.3 && lon > 126.6 && lon < 127.05, `route point ${lat}, ${lon} is in Gwangju`);
  }
  assert.ok(route.cameras.length > 0, 'cameras along the route');
});

test("a district police station sees only its 구's cameras; the map is Gwangju's 5 구 with roads and stations in each", async () => {
  const seobu = await signIn('gwangju-seobu-police', 'emergency-112');
  const near = await call('/api/geo/nearest?lat=35.1601&lon=126.8514&n=20', seobu);
  assert.equal(near.status, 200);
  assert.ok(near.body.cameras.length > 0 && near.body.cameras.every((c: { district: string }) => c.district === '29140'));
  const fire = await signIn('gwangju-119', 'dispatch-119');
  const districts = await call('/api/geo/districts', fire);
  assert.deepEqual(districts.body.features.map((f: { properties: { code: string } }) => f.properties.code), GWANGJU);
  const layers = await call('/api/geo/layers', fire);
  assert.ok(layers.body.roads.length > 300);
  assert.deepEqual(layers.body.water, [], 'no Han in Gwangju');
  for (const kind of ['fire', 'police']) {
    const covered = new Set(layers.body.stations.filter((s: { kind: string }) => s.kind === kind).map((s: { district: string }) => s.district));
    assert.equal(covered.size, 5, `${kind} stations in every 구`);
  }
});

test('a national CSV without a region: the hub serves the 시군구 its cameras stand in, and says they are real', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gth-national-'));
  const row = (agency: string, address: string, lat: number, lon: number) => {
    const cells: Record<string, string> = { 관리기관명: agency, 소재지도로명주소: address, 설치목적구분: '생활방범', 카메라대수: '1', WGS84위도: String(lat), WGS84경도: String(lon), 데이터기준일자: '2025-06-30' };
    return STANDARD_COLUMNS.map((c) => cells[c] ?? '');
  };
  const csv = join(dir, 'national.csv');
  await writeFile(
    csv,
    formatCsv([
      [...STANDARD_COLUMNS],
      row('서울특별시 강남구청', '서울특별시 강남구 테헤란로 152', 37.5006, 127.0364),
      row('광주광역시 서구청', '광주광역시 서구 내방로 111', 35.1601, 126.8514),
      row('부산광역시 서구청', '부산광역시 서구 구덕로 120', 35.0979, 129.0244)
    ])
  );
  const config = loadConfig(
    { GTH_REGISTRY_CSV: csv, GTH_SIM_CAMERAS: '0', GTH_REGISTRY_SOURCE_TEMPLATE: 'rtsp://127.0.0.1:9/live/{id}' },
    { http: { host: '127.0.0.1', port: 0 }, dataDir: join(dir, 'data'), logLevel: 'error' }
  );
  const national = await startHub(config, { log: createLogger('error') });
  try {
    const health = (await (await fetch(`${national.url}/healthz`)).json()) as any;
    assert.deepEqual(health.region, { name: '서울특별시 강남구, 부산광역시 서구, 광주광역시 서구', codes: ['11680', '26140', '29140'], inferred: true, demoCity: null });
    assert.deepEqual(health.registry, { source: 'csv', file: 'national.csv', imported: true, cameras: 3, skippedOutsideRegion: 0 });
    assert.deepEqual(health.cameras, { total: 3, landmarks: 0, configured: 0, simulated: 0, real: 3, simulatedFeeds: 0 });
  } finally {
    await national.close();
    await rm(dir, { recursive: true, force: true });
  }
});
