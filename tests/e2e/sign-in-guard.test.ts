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

test('every response carries the security headers: a page (with SvelteKit\'s nonce policy), an API answer, a static asset', async () => {
  const common = { 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin' };
  const pick = (response: Response) => Object.fromEntries(Object.keys(common).map((name) => [name, response.headers.get(name)]));
  const page = await fetch(`${t.hub.url}/monitor`);
  const html = await page.text();
  assert.deepEqual(pick(page), common);
  const csp = page.headers.get('content-security-policy') ?? '';
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  assert.ok(nonce, `a nonce in the page's policy: ${csp}`);
  assert.match(csp, /script-src 'self' 'nonce-/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /frame-ancestors 'none'/);
  const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
  assert.ok(scripts.length > 0 && scripts.every((attributes) => attributes!.includes(`nonce="${nonce}"`)), 'every inline script carries the nonce');
  const api = await fetch(`${t.hub.url}/api/incidents`);
  assert.equal(api.status, 401);
  const asset = await fetch(`${t.hub.url}/favicon.svg`);
  assert.equal(asset.status, 200);
  for (const response of [api, asset]) {
    assert.deepEqual(pick(response), common);
    assert.equal(response.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
  }
});

test('Chromium refuses to show a page in a frame of another page', async () => {
  const viewer = await browser.newViewer({ baseURL: t.hub.url });
  const { page } = viewer;
  // A page of no policy of its own (about:blank) frames the sign-in page.
  await page.goto('about:blank');
  await page.setContent(`<iframe src="${t.hub.url}/"></iframe>`);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame!.waitForLoadState();
  // A frame the policy refuses is left on Chromium's error page instead of the hub's.
  assert.equal(frame!.url(), 'chrome-error://chromewebdata/', 'the framed page did not load');
  await viewer.close();
});
