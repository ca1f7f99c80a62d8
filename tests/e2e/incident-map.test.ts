/**
 * The incident map in Chromium (issue 3, first slice): a 119 operator clicks the map, an
 * incident opens, the nearest in-scope cameras are listed and the route from the nearest fire
 * station is drawn with its ETA; "모니터에서 보기" opens those cameras live.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, openIncidentMap, waitForTiles, type TestBrowser } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const ARTIFACTS = process.env.GTH_ARTIFACTS ?? 'artifacts';
let t: TestHub;
let browser: TestBrowser;

before(async () => {
  t = await startTestHub({ cameras: 4 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('a click on the map opens an incident with its nearest cameras and the 119 route', async () => {
  const viewer = await browser.newViewer({ baseURL: t.hub.url, viewport: { width: 1400, height: 900 }, captureConsole: true });
  const { page } = viewer;
  await openIncidentMap(viewer, 'seoul-119');

  // The map opens on central Seoul; its centre is a place in the city.
  const map = page.locator('[data-testid="incident-map"]');
  const box = (await map.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForSelector('[data-testid="incident-id"]', { timeout: 20_000 });
  await page.waitForSelector('[data-testid="route-summary"]', { timeout: 20_000 });
  const eta = Number(await page.locator('[data-testid="route-summary"]').getAttribute('data-eta'));
  assert.ok(eta > 0, `an ETA (${eta} s)`);
  const nearest = await page.$$eval('[data-testid="nearest-list"] [data-camera-id]', (els) => els.map((e) => e.getAttribute('data-camera-id')));
  assert.equal(nearest.length, 4, 'the four in-scope cameras, nearest first');
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-incident-map.png') });

  await page.locator('[data-testid="watch-on-monitor"]').click();
  await page.waitForURL(/monitor/);
  await waitForTiles(page, { state: 'live', timeoutMs: 30_000 });
  assert.deepEqual(viewer.consoleErrors.filter((e) => !/favicon/.test(e)), []);
  await viewer.close();
});
