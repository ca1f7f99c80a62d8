/**
 * The incident board in Chromium, as issue 3's "done when" reads: two operators of the 119
 * room on a hub with the full synthetic Seoul registry (68,000 cameras on a pool of simulated
 * feeds). A places a fire by clicking the map; the tiles fill with the nearest cameras and
 * play; the route from the nearest fire station is drawn with the cameras along it. A pins a
 * tile and switches the wall to the route cameras, flags congestion with a route camera's
 * 정체 표시 button, and puts a camera on a tile by clicking it on the map. B, without a click,
 * follows the incident, its flag and its detour live. Closing the incident ends every view
 * opened for it, in both browsers, and the hub stops pulling those cameras.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, openIncidentMap, readTiles, waitForTiles, type TestBrowser, type Viewer } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { waitUntil } from '../support/wait.ts';

const ARTIFACTS = process.env.GTH_ARTIFACTS ?? 'artifacts';
const REGISTRY = 68_000;
let t: TestHub;
let browser: TestBrowser;

interface IncidentHook {
  pixelOf(lat: number, lon: number): [number, number] | null;
  cameraPixel(id: string): [number, number] | null;
  centerOn(lat: number, lon: number, zoom?: number): void;
  centerOnCamera(id: string, zoom: number): void;
  /** Map frames drawn so far, and whether the last one showed everything (nothing loading or moving). */
  mapRender(): { frames: number; settled: boolean } | null;
}
declare global {
  interface Window {
    __gthIncident?: IncidentHook;
  }
}

before(async () => {
  t = await startTestHub({ cameras: 0, config: { simulator: { cameras: 4, basePort: 0 }, registry: { synthetic: REGISTRY }, ingest: { idleGraceMs: 500 } } });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function operator(): Promise<Viewer> {
  const viewer = await browser.newViewer({ baseURL: t.hub.url, viewport: { width: 1440, height: 900 }, captureConsole: true });
  await openIncidentMap(viewer, 'seoul-119');
  await viewer.page.waitForSelector('.incident-page[data-session="ready"]', { timeout: 20_000 });
  return viewer;
}

const attr = (page: Page, name: string): Promise<string | null> => page.locator('.incident-page').getAttribute(name);
const ids = (page: Page, list: string): Promise<string[]> => page.$$eval(`[data-testid="${list}"] [data-camera-id]`, (els) => els.map((e) => e.getAttribute('data-camera-id') ?? ''));
const slots = async (page: Page): Promise<string[]> => page.$$eval('[data-testid="incident-wall"] .tile', (els) => els.map((e) => e.getAttribute('data-camera-id') ?? ''));

/** Clicks the map at a place (centred first, at a zoom where a click is a place, not a camera). */
async function clickMapAt(page: Page, at: { lat: number; lon: number }, zoom: number): Promise<void> {
  const pixel = await page.evaluate(({ lat, lon, zoom }) => {
    const hook = window.__gthIncident!;
    hook.centerOn(lat, lon, zoom);
    return hook.pixelOf(lat, lon);
  }, { ...at, zoom });
  assert.ok(pixel, 'the map knows where the place is on screen');
  const box = (await page.locator('[data-testid="incident-map"]').boundingBox())!;
  await page.mouse.click(box.x + pixel[0], box.y + pixel[1]);
}

/** Frames the map draws over `idleMs` once settled at `zoom`, with nothing changing (and the frames the zoom itself drew). */
async function idleFrames(page: Page, zoom: number, idleMs: number): Promise<{ drawn: number; idle: number }> {
  const at = { lat: 37.5006, lon: 127.0364 };
  const before = await page.evaluate(() => window.__gthIncident!.mapRender()!.frames);
  await page.evaluate(({ lat, lon, zoom }) => window.__gthIncident!.centerOn(lat, lon, zoom), { ...at, zoom });
  await page.waitForFunction(() => window.__gthIncident!.mapRender()?.settled === true, undefined, { timeout: 20_000 });
  const settled = await page.evaluate(() => window.__gthIncident!.mapRender()!.frames);
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const after = await page.evaluate(() => window.__gthIncident!.mapRender()!.frames);
  return { drawn: settled - before, idle: after - settled };
}

test('the idle board draws no map frame, at city, district and street zoom', async () => {
  const viewer = await operator();
  // Software GL (no GPU, as here) spent seconds per frame of 68k WebGL points, after the frame
  // had been drawn: the map draws with Canvas 2D only (a canvas holding a WebGL context has no 2D one).
  const canvases = await viewer.page.$$eval('[data-testid="incident-map"] canvas', (els) => els.map((c) => (c as HTMLCanvasElement).getContext('2d') !== null));
  assert.ok(canvases.length > 0 && canvases.every(Boolean), `every map canvas is 2D (${canvases.join()})`);
  for (const zoom of [11, 14, 15, 16.5]) {
    const { drawn, idle } = await idleFrames(viewer.page, zoom, 2000);
    assert.ok(drawn > 0, `zoom ${zoom}: the view change drew a frame (${drawn})`);
    assert.equal(idle, 0, `zoom ${zoom}: frames drawn while nothing changed`);
  }
  assert.deepEqual(viewer.consoleErrors.filter((e) => !/favicon/.test(e)), []);
  await viewer.close();
});

test('a fire placed on the Seoul map: nearest and route cameras play, a flag brings a detour to both operators, closing ends the views', async () => {
  const a = await operator();
  const b = await operator();
  const count = Number((await a.page.locator('[data-testid="camera-count"]').textContent())?.replace(/\D/g, ''));
  assert.ok(count >= REGISTRY, `the 119 room sees the whole registry on the map (${count})`);

  // A: a fire near 역삼역 (강남구), clicked at district zoom.
  const asked: string[] = [];
  a.page.on('request', (request) => asked.push(new URL(request.url()).pathname));
  await clickMapAt(a.page, { lat: 37.5006, lon: 127.0364 }, 14);
  await a.page.waitForSelector('.incident-page[data-incident]:not([data-incident=""])', { timeout: 20_000 });
  await a.page.waitForSelector('[data-testid="route-summary"]', { timeout: 20_000 });
  const incidentId = (await attr(a.page, 'data-incident'))!;
  const routeEta = Number(await attr(a.page, 'data-route-eta'));
  assert.ok(routeEta > 0, `a route ETA (${routeEta} s)`);

  // The tiles fill with the nearest in-scope cameras, in order, and play.
  const nearest = await ids(a.page, 'nearest-list');
  assert.ok(nearest.length >= 8, `nearest cameras listed (${nearest.length})`);
  await a.page.waitForFunction((expected) => (window.__gth?.tiles() ?? []).map((t) => t.cameraId).join() === expected, nearest.slice(0, 4).join(), { timeout: 10_000 });
  const live = await waitForTiles(a.page, { state: 'live', count: 4, timeoutMs: 30_000 });
  await a.page.waitForFunction(() => (window.__gth?.tiles() ?? []).every((t) => t.framesDecoded > 5 && t.width === 640), undefined, { timeout: 20_000 });
  console.log(`nearest tiles live: ${live.map((tile) => tile.cameraId).join(', ')}`);
  assert.ok(asked.includes('/api/incidents'), 'the incident was opened over the API');
  assert.ok(!asked.includes('/api/geo/nearest'), 'no second request for the nearest cameras: the answer that opens the incident carries them');

  // The cameras along the route, in driving order.
  const along = await ids(a.page, 'route-cameras');
  assert.ok(along.length >= 4, `cameras along the route (${along.length})`);
  await a.page.screenshot({ path: join(ARTIFACTS, 'e2e-incident-board-a1.png') });

  // B follows the incident without a click.
  await b.page.waitForSelector(`.incident-page[data-incident="${incidentId}"]`, { timeout: 20_000 });
  await b.page.waitForSelector(`.incident-page[data-route-eta="${routeEta}"]`, { timeout: 20_000 });
  await b.page.waitForSelector(`[data-testid="incident-list"] [data-incident-id="${incidentId}"]`);

  // A pins tile 1 and switches the wall to the route cameras: the pinned camera stays.
  await a.page.locator('[data-testid="incident-wall"] .tile[data-index="0"] [data-testid="tile-pin"]').click();
  await a.page.locator('[data-testid="show-route"]').click();
  const routeWall = await slots(a.page);
  assert.equal(routeWall[0], nearest[0], 'the pinned tile kept its camera');
  assert.deepEqual(routeWall.slice(1), along.filter((id) => id !== nearest[0]).slice(0, 3), 'the other tiles show the route cameras in driving order');
  await waitForTiles(a.page, { state: 'live', count: 4, timeoutMs: 30_000 });

  // A flags congestion at a route camera (the strip's button); the detour comes back at once.
  await a.page.locator('[data-testid="route-cameras"] [data-testid="flag-congestion"]').nth(Math.min(2, along.length - 1)).click();
  await a.page.waitForSelector('.incident-page[data-flags="1"]:is([data-detour-eta], [data-detour="none"])', { timeout: 20_000 });
  const detourEta = await attr(a.page, 'data-detour-eta');
  if (detourEta !== null) assert.ok(Number(detourEta) >= routeEta, `the detour (${detourEta} s) is not faster than the route (${routeEta} s)`);
  console.log(`route ETA ${routeEta} s, detour ${detourEta ?? 'none'}`);

  // B sees the flag and the same detour.
  await b.page.waitForSelector('.incident-page[data-flags="1"]:is([data-detour-eta], [data-detour="none"])', { timeout: 20_000 });
  assert.equal(await attr(b.page, 'data-detour-eta'), detourEta, 'both operators show the same detour');

  // With a detour, the wall (showing the route) turns to the cameras along the detour.
  if (detourEta !== null) {
    const onDetour = await ids(a.page, 'detour-cameras');
    assert.ok(onDetour.length > 0, 'cameras along the detour are listed');
    await a.page.waitForFunction((expected) => (window.__gth?.tiles() ?? []).slice(1).map((t) => t.cameraId).join() === expected, onDetour.filter((id) => id !== nearest[0]).slice(0, 3).join(), { timeout: 10_000 });
  }

  // A zooms in to street level and clicks a camera on the map: it goes to the last tile not pinned.
  const currentSlots = await slots(a.page);
  const extra = nearest.slice(1).find((id) => !currentSlots.includes(id))!;
  const onScreen = await a.page.evaluate((id) => {
    const hook = window.__gthIncident!;
    hook.centerOnCamera(id, 17);
    return hook.cameraPixel(id);
  }, extra);
  assert.ok(onScreen, 'the camera is on the map');
  const box = (await a.page.locator('[data-testid="incident-map"]').boundingBox())!;
  await a.page.mouse.click(box.x + onScreen[0], box.y + onScreen[1]);
  // The camera clicked (or one on the same pole: a pole often carries several) lands on tile 4.
  await a.page.waitForFunction((before) => { const id = (window.__gth?.tiles() ?? [])[3]?.cameraId; return id !== undefined && !before.includes(id); }, currentSlots, { timeout: 10_000 });
  assert.equal((await slots(a.page))[0], nearest[0], 'the pinned tile is untouched');
  await waitForTiles(a.page, { state: 'live', count: 4, timeoutMs: 30_000 });
  await a.page.screenshot({ path: join(ARTIFACTS, 'e2e-incident-board-a2.png') });
  await b.page.screenshot({ path: join(ARTIFACTS, 'e2e-incident-board-b.png') });

  // B watches the nearest cameras for the incident too; then A closes it.
  await b.page.locator('[data-testid="show-nearest"]').click();
  await waitForTiles(b.page, { state: 'live', count: 4, timeoutMs: 30_000 });
  const watched = new Set([...(await slots(a.page)), ...(await slots(b.page))]);
  await a.page.locator('[data-testid="close-incident"]').click();
  for (const viewer of [a, b]) {
    await viewer.page.waitForFunction(() => {
      const tiles = window.__gth?.tiles() ?? [];
      return tiles.length === 4 && tiles.every((t) => t.state !== 'live' && t.reason === 'INCIDENT_CLOSED');
    }, undefined, { timeout: 10_000 });
  }
  await a.page.waitForSelector('.incident-page[data-incident-status="closed"]');
  await b.page.waitForSelector(`[data-testid="incident-list"] [data-incident-id="${incidentId}"]`, { state: 'detached' });
  await waitUntil(() => [...watched].every((id) => t.hub.streams.state(t.hub.registry.get(id)!) === 'idle'), 10_000, 'the hub stops pulling the incident cameras');
  console.log(`closed: ${(await readTiles(a.page)).map((tile) => `${tile.cameraId} ${tile.state}/${tile.reason}`).join(', ')}`);
  await a.page.screenshot({ path: join(ARTIFACTS, 'e2e-incident-board-closed.png') });

  for (const viewer of [a, b]) assert.deepEqual(viewer.consoleErrors.filter((e) => !/favicon/.test(e)), []);
  await a.close();
  await b.close();
});
