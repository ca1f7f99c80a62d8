/**
 * The city-scale registry on the real stack. A district user's list and look-ups never hold
 * another 구's camera, and the counts are the brute-force counts; a hub with the full synthetic
 * Seoul registry (68,000 cameras) starts, lists a page at a time, and any synthetic camera goes
 * live through the simulated feed it is mapped onto, sharing that feed's one ingest.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CameraInfo, CameraListResponse } from '../../server/protocol/events.ts';
import { joined, nextEvent, request, startTestHub, type HubClient, type TestHub } from '../support/hub.ts';
import { DEMO_CITIES, demoLprCameras } from '../../server/cameras/demo.ts';

async function list(socket: HubClient, payload: Parameters<typeof request<'cameras:list'>>[2]): Promise<CameraListResponse> {
  const answer = await request(socket, 'cameras:list', payload);
  assert.ok(answer.ok, JSON.stringify(answer));
  return answer.data;
}

/** Every page of a listing, put together. */
async function listAll(socket: HubClient, payload: { district?: string; query?: string }, limit: number): Promise<CameraInfo[]> {
  const cameras: CameraInfo[] = [];
  for (;;) {
    const page = await list(socket, { ...payload, offset: cameras.length, limit });
    cameras.push(...page.cameras);
    if (page.cameras.length === 0 || cameras.length >= page.matched) return cameras;
  }
}

/** A development hub: `feeds` simulated feeds, the landmarks on them, and `synthetic` registry cameras. */
function registryHub(feeds: number, synthetic?: number): Promise<TestHub> {
  return startTestHub({ cameras: 0, config: { simulator: { cameras: feeds, basePort: 0 }, registry: synthetic === undefined ? {} : { synthetic } } });
}

test('a 강남 user lists and looks up 강남 cameras only, and the counts are the brute-force counts', async () => {
  const t = await registryHub(2, 3000);
  try {
    const all = [...t.hub.registry.all()];
    const gangnam = all.filter((c) => c.district.code === '11680');
    const socket = await t.client(await t.token('gangnam'));
    assert.ok((await request(socket, 'media:join', {})).ok);

    const first = await list(socket, {});
    assert.equal(first.total, gangnam.length);
    assert.deepEqual(first.districts, [{ code: '11680', name: '강남구', nameEn: 'Gangnam-gu', count: gangnam.length }]);
    const paged = await listAll(socket, {}, 37);
    assert.deepEqual(paged.map((c) => c.id), gangnam.map((c) => c.id), 'pages of 37 give every 강남 camera once, landmarks first');
    for (const camera of paged) assert.ok(!('source' in camera), 'no source URL crosses the wire');
    assert.equal(paged[0]!.simulatedFeed, 'sim-01', 'landmark 0 stands on feed sim-01');

    const mapo = all.filter((c) => c.district.code === '11440');
    assert.equal((await list(socket, { district: '11440' })).matched, 0, 'another 구 asked for by name: nothing');
    const searched = await listAll(socket, { query: '합성데이터로1' }, 500);
    const brute = gangnam.filter((c) => c.name.includes('합성데이터로1'));
    assert.ok(brute.length > 0);
    assert.deepEqual(searched.map((c) => c.id), brute.map((c) => c.id));
    const byId = await list(socket, { query: mapo[5]!.id });
    assert.equal(byId.matched, 0, 'searching another 구 camera by its id finds nothing');

    const got = await request(socket, 'cameras:get', { ids: [gangnam[3]!.id, mapo[0]!.id, 'SYN-00000-000000', gangnam[40]!.id] });
    assert.ok(got.ok, JSON.stringify(got));
    assert.deepEqual(got.data.cameras.map((c) => c.id), [gangnam[3]!.id, gangnam[40]!.id]);

    // City-wide: the counts per 구 add up to the registry.
    const fire = await t.client(await t.token('fire'));
    assert.ok((await request(fire, 'media:join', {})).ok);
    const city = await list(fire, { limit: 1 });
    assert.equal(city.total, all.length);
    const byDistrict = new Map<string, number>();
    for (const c of all) byDistrict.set(c.district.code, (byDistrict.get(c.district.code) ?? 0) + 1);
    assert.deepEqual(new Map(city.districts.map((d) => [d.code, d.count])), byDistrict);
  } finally {
    await t.close();
  }
});

test('a hub with the full synthetic Seoul registry starts, lists, and a synthetic camera goes live through its pool feed', async () => {
  const started = performance.now();
  const t = await registryHub(2);
  try {
    const startMs = performance.now() - started;
    assert.equal(t.hub.registry.size, 68_000 + 2 + demoLprCameras(DEMO_CITIES.seoul).length, 'synthetic, landmarks, the demo drive’s plate readers');
    process.stdout.write(`# figure hub start with ${t.hub.registry.size} cameras (first start, imports): ${Math.round(startMs)} ms\n`);

    const socket = await t.client(await t.token('fire'));
    const caps = await joined(socket);
    const listStarted = performance.now();
    const page = await list(socket, { district: '11710', offset: 1000, limit: 500 });
    process.stdout.write(`# figure cameras:list of a 구 page at 68k: ${Math.round(performance.now() - listStarted)} ms\n`);
    assert.equal(page.total, t.hub.registry.size, 'the 119 room sees every camera of the city');
    assert.equal(page.cameras.length, 500);

    const camera = page.cameras[123]!;
    assert.match(camera.id, /^SYN-11710-/);
    assert.match(camera.simulatedFeed ?? '', /^sim-0[12]$/);
    const live = nextEvent(socket, 'camera:state', (e) => e.cameraId === camera.id && e.state === 'live');
    const consumer = nextEvent(socket, 'camera:consumer', (e) => e.cameraId === camera.id);
    const watch = await request(socket, 'camera:watch', { cameraId: camera.id, rtpCapabilities: caps });
    assert.ok(watch.ok, JSON.stringify(watch));
    const [offer] = await consumer;
    assert.ok((await request(socket, 'consumer:resume', { consumerId: offer.id })).ok);
    if (watch.data.state !== 'live') await live;

    const entry = t.hub.registry.get(camera.id)!;
    const stream = t.hub.streams.get(entry)!;
    const packets = async () => (await stream.producer!.getStats())[0]?.packetCount ?? 0;
    const before = await packets();
    await new Promise((r) => setTimeout(r, 500));
    assert.ok((await packets()) > before, 'RTP keeps arriving from the pool feed');

    // The landmark on the same feed shares its ingest; its state reaches its own viewers.
    const landmark = [...t.hub.registry.all()].find((c) => c.simulatedFeed === camera.simulatedFeed && c.id.startsWith('cam-'))!;
    const landmarkState = nextEvent(socket, 'camera:consumer', (e) => e.cameraId === landmark.id);
    const second = await request(socket, 'camera:watch', { cameraId: landmark.id, rtpCapabilities: caps });
    assert.ok(second.ok, JSON.stringify(second));
    assert.equal(second.data.state, 'live', 'the feed is already live');
    await landmarkState;
    assert.equal(t.hub.streams.running, 1, 'two registry cameras, one ingest');
    assert.equal(t.hub.streams.get(landmark), stream);
  } finally {
    await t.close();
  }
});
