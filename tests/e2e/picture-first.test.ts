/**
 * Picture first, in Debian's Chromium against the real stack: a camera with a 4 s GOP that
 * ignores keyframe requests, already warm (another operator watches it). Right after one of
 * its keyframes — so live video cannot start for ≈4 s — the operator clicks it onto a tile:
 * the tile shows the hub's keyframe still (decoded in the page with WebCodecs, labelled with
 * its age) before the first live frame, then live frames decode and the still goes.
 * Prints tile ask → still shown and → first live frame; screenshots go to artifacts/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, readTiles, useToken, waitForTiles, type TestBrowser } from '../support/browser.ts';
import { joined, nextEvent, request, startTestHub, type TestHub } from '../support/hub.ts';
import { waitUntil } from '../support/wait.ts';

const ARTIFACTS = process.env.GTH_ARTIFACTS ?? 'artifacts';
mkdirSync(ARTIFACTS, { recursive: true });

let t: TestHub;
let browser: TestBrowser;

before(async () => {
  t = await startTestHub({ cameras: 1, cameraKeyframes: { gopFrames: 60, ignoreRequests: true } });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('a keyframe-deaf 4 s-GOP camera’s tile shows a still before its first live frame, then live frames decode', async () => {
  const camera = t.cameras[0]!;
  // Warm: another operator is watching, so the hub holds the camera's latest keyframe.
  const other = await t.client(await t.token('fire'));
  const caps = await joined(other);
  const consumer = nextEvent(other, 'camera:consumer');
  assert.ok((await request(other, 'camera:watch', { cameraId: camera.id, rtpCapabilities: caps })).ok);
  assert.ok((await request(other, 'consumer:resume', { consumerId: (await consumer)[0].id })).ok);
  await waitUntil(() => t.hub.streams.keyframe(camera) !== undefined, 10_000, 'the hub holds a keyframe');

  const viewer = await browser.newViewer({ baseURL: t.hub.url, captureConsole: true });
  await useToken(viewer, await t.token('fire'));
  const page = viewer.page;
  await page.goto('/monitor?layout=1');
  await page.waitForFunction(() => window.__gth?.session().status === 'ready', undefined, { timeout: 20_000 });
  const pick = page.locator(`.camera[data-camera-id="${camera.id}"]`);
  await pick.waitFor({ timeout: 20_000 });

  // Just after a keyframe: the next one, and so live video, is ≈4 s away.
  const stream = t.hub.streams.get(camera)!;
  const seen = stream.counters.keyframes;
  await waitUntil(() => stream.counters.keyframes > seen, 6_000, 'a fresh keyframe');
  await pick.click();
  await page.waitForSelector('[data-testid="tile-still"]', { timeout: 3_000 });
  const [asStill] = await readTiles(page);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-picture-first-still.png') });
  assert.ok(asStill, 'the tile holds the camera');
  assert.notEqual(asStill.state, 'live', 'a still is not live video');
  assert.equal(asStill.holding, true, 'the still covers the video');
  assert.ok(asStill.stillShownMs !== undefined && asStill.firstFrameMs === undefined, 'the still came before any live frame');

  await waitForTiles(page, { state: 'live', timeoutMs: 10_000 });
  await page.waitForFunction(() => (window.__gth?.tiles()[0]?.framesDecoded ?? 0) >= 15, undefined, { timeout: 10_000 });
  const [live] = await readTiles(page);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-picture-first-live.png') });
  assert.equal(live!.holding, false, 'live video replaced the still');
  assert.equal(await page.locator('[data-testid="tile-still"]').count(), 0, 'no still label on live video');
  assert.ok(live!.firstFrameMs! > live!.stillShownMs!, 'live came after the still');
  console.log(`# figure tile ask → still shown, ms: ${Math.round(live!.stillShownMs!)}`);
  console.log(`# figure tile ask → first live frame, ms: ${Math.round(live!.firstFrameMs!)}`);
  console.log(`# figure still age when shown, ms: ${Math.round(live!.stillAgeMs!)}`);
  assert.deepEqual(viewer.consoleErrors, []);
  await viewer.close();
});
