/**
 * End to end in Debian's Chromium against the real stack (hub, mediasoup, simulated RTSP
 * cameras): an operator signs in on the page, opens a 4-tile grid and every tile decodes live
 * frames; a district police user neither lists nor can play another district's cameras.
 * Screenshots go to artifacts/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, readTiles, waitForTiles, type TestBrowser, type Viewer } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const ARTIFACTS = process.env.GTH_ARTIFACTS ?? 'artifacts';
mkdirSync(ARTIFACTS, { recursive: true });

let t: TestHub;
let browser: TestBrowser;

before(async () => {
  // Eight cameras: two in each demo district (강남, 서초, 마포, 종로).
  t = await startTestHub({ cameras: 8 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

/** Signs in on the sign-in page by choosing a demo agency, as a person would. */
async function signIn(agency: string, language: 'ko' | 'en' = 'ko'): Promise<Viewer> {
  const viewer = await browser.newViewer({ baseURL: t.hub.url, captureConsole: true, language });
  await viewer.page.goto('/');
  await viewer.page.locator(`[data-agency="${agency}"]`).click();
  // The purpose step: the agency's default purpose is preselected.
  await viewer.page.locator('[data-testid="signin-submit"]').click();
  await viewer.page.waitForURL(/\/monitor/);
  await viewer.page.waitForFunction(() => window.__gth?.session().status === 'ready', undefined, { timeout: 20_000 });
  // The list is loaded after the session is ready (tiles do not wait for it).
  await viewer.page.waitForSelector('[data-testid="camera-list"][data-listed="true"]', { timeout: 20_000 });
  return viewer;
}

/** The <video> elements' decoded sizes and the receivers' decoded frame counts, per tile. */
async function videoFacts(viewer: Viewer): Promise<Array<{ width: number; height: number }>> {
  return viewer.page.$$eval('video[data-tile]', (videos) =>
    (videos as HTMLVideoElement[]).filter((v) => v.srcObject).map((v) => ({ width: v.videoWidth, height: v.videoHeight }))
  );
}

test('the 119 situation room signs in, opens a 4-tile grid and every tile decodes live frames', async () => {
  const viewer = await signIn('seoul-119');
  await viewer.page.screenshot({ path: join(ARTIFACTS, 'e2e-monitor-empty.png') });
  const listed = await viewer.page.$$eval('[data-camera-id]', (els) => els.map((e) => e.getAttribute('data-camera-id')));
  assert.equal(new Set(listed.filter(Boolean)).size, 8, 'city-wide: all eight cameras listed');

  const cams = t.cameras.slice(0, 4).map((c) => c.id);
  await viewer.page.goto(`/monitor?layout=4&cams=${cams.join(',')}`);
  const live = await waitForTiles(viewer.page, { state: 'live', timeoutMs: 30_000 });
  assert.equal(live.length, 4);
  const first = await readTiles(viewer.page);
  await new Promise((r) => setTimeout(r, 2500));
  const later = await readTiles(viewer.page);
  for (const tile of later) {
    const before = first.find((f) => f.index === tile.index)!;
    assert.ok(tile.framesDecoded > 0, `tile ${tile.cameraId} decoded frames`);
    assert.ok(tile.framesDecoded > before.framesDecoded, `tile ${tile.cameraId} keeps decoding (${before.framesDecoded} → ${tile.framesDecoded})`);
    assert.ok(tile.delays.length > 0, `tile ${tile.cameraId} reads the timestamp strip`);
  }
  const videos = await videoFacts(viewer);
  assert.equal(videos.length, 4);
  for (const v of videos) assert.deepEqual(v, { width: 640, height: 360 });
  await viewer.page.screenshot({ path: join(ARTIFACTS, 'e2e-monitor-119-grid.png') });
  assert.deepEqual(viewer.consoleErrors.filter((e) => !/favicon/.test(e)), []);
  await viewer.close();
});

test('a district police user neither lists nor can play another district', async () => {
  const viewer = await signIn('gangnam-police', 'en');
  const listed = (await viewer.page.$$eval('[data-camera-id]', (els) => els.map((e) => e.getAttribute('data-camera-id')))).filter(Boolean) as string[];
  const gangnam = t.cameras.filter((c) => c.district.code === '11680').map((c) => c.id);
  assert.deepEqual([...new Set(listed)].sort(), gangnam.sort(), 'only Gangnam cameras are listed');

  const foreign = t.cameras.find((c) => c.district.code === '11440')!;
  await viewer.page.goto(`/monitor?layout=4&cams=${gangnam[0]},${foreign.id}`);
  await viewer.page.waitForFunction(
    (id) => window.__gth?.tiles().find((tile) => tile.cameraId === id)?.state === 'denied',
    foreign.id,
    { timeout: 20_000 }
  );
  await waitForTiles(viewer.page, { state: 'live', count: 1, timeoutMs: 30_000 });
  const tiles = await readTiles(viewer.page);
  const denied = tiles.find((tile) => tile.cameraId === foreign.id)!;
  assert.equal(denied.framesDecoded, 0, 'no frame of the other district reached the browser');
  assert.equal(t.hub.streams.state(foreign), 'idle', 'the refused camera was never pulled');
  await viewer.page.screenshot({ path: join(ARTIFACTS, 'e2e-monitor-gangnam-denied.png') });
  await viewer.close();
});
