/**
 * The one sign-in guard (routes/(signed-in)/+layout.ts) in Chromium: each signed-in page,
 * opened without a token, sends the person to sign in with the page and its query as `next`;
 * after signing in they are back on the page they asked for, query and all.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
let browser: TestBrowser;

before(async () => {
  t = await startTestHub({ cameras: 2 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('a signed-in page opened without a token goes to sign-in and back to the same address', async () => {
  const viewer = await browser.newViewer({ baseURL: t.hub.url, captureConsole: true });
  const { page } = viewer;
  const wall = `/monitor?layout=4&cams=${t.cameras.map((c) => c.id).join(',')}`;
  for (const asked of [wall, '/incident?id=inc-00000000-0000-0000-0000-000000000001', '/audit?cameraId=cam-1']) {
    await page.goto(asked);
    await page.waitForURL((url) => url.pathname === '/' && url.searchParams.get('next') === asked);
    await page.locator('[data-agency="seoul-119"]').waitFor();
  }

  await page.goto(`/?next=${encodeURIComponent(wall)}`);
  await page.locator('[data-agency="seoul-119"]').click();
  await page.locator('[data-testid="signin-submit"]').click();
  await page.waitForURL((url) => `${url.pathname}${url.search}` === wall);
  await page.waitForFunction(() => window.__gth?.session().status === 'ready', undefined, { timeout: 20_000 });
  assert.deepEqual((await page.evaluate(() => window.__gth!.tiles())).map((tile) => tile.cameraId), t.cameras.map((c) => c.id));
  assert.deepEqual(viewer.consoleErrors.filter((e) => !/favicon/.test(e)), []);
  await viewer.close();
});
