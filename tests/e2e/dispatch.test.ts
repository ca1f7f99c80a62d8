/**
 * Dispatch shared live between two 119 operators: A clicks the map, the hub starts the
 * incident's dispatch and B's incident map (no click) draws the same route from the live
 * `incident:dispatch` push; A flags congestion at a camera along the route (or, when the route
 * strip has none, at a point on the route through the page's test hook) and B's page shows the
 * flag and the detour's ETA (or that there is no detour).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, openIncidentMap, type TestBrowser, type Viewer } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const ARTIFACTS = process.env.GTH_ARTIFACTS ?? 'artifacts';
let t: TestHub;
let browser: TestBrowser;

interface IncidentHook {
  flagAt(lat: number, lon: number): Promise<unknown>;
  pixelOf(lat: number, lon: number): [number, number] | null;
  centerOn(lat: number, lon: number, zoom?: number): void;
  routeMidpoint(): { lat: number; lon: number } | null;
}
type HookWindow = Window & { __gthIncident?: IncidentHook };

before(async () => {
  t = await startTestHub({ cameras: 4 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function operator(): Promise<Viewer> {
  const viewer = await browser.newViewer({ baseURL: t.hub.url, viewport: { width: 1400, height: 900 }, captureConsole: true });
  await openIncidentMap(viewer, 'seoul-119');
  await viewer.page.waitForSelector('.incident-page[data-live="true"]', { timeout: 20_000 });
  return viewer;
}

const attr = (page: Page, name: string): Promise<string | null> => page.locator('.incident-page').getAttribute(name);

test('a dispatch, a congestion flag and its detour reach the other operator live', async () => {
  const a = await operator();
  const b = await operator();

  // A: centre the map on the test cameras and click a little past the last one.
  const target = { lat: 37.5035, lon: 127.0035 };
  const pixel = await a.page.evaluate(({ lat, lon }) => {
    const hook = (window as HookWindow).__gthIncident!;
    hook.centerOn(37.5015, 127.0015, 15);
    return hook.pixelOf(lat, lon);
  }, target);
  assert.ok(pixel, 'the map knows where the target is on screen');
  const box = (await a.page.locator('[data-testid="incident-map"]').boundingBox())!;
  await a.page.mouse.click(box.x + pixel[0], box.y + pixel[1]);
  await a.page.waitForSelector('.incident-page[data-dispatch-incident]:not([data-dispatch-incident=""])', { timeout: 20_000 });
  await a.page.waitForSelector('[data-testid="route-summary"]', { timeout: 20_000 });
  const incidentId = await attr(a.page, 'data-dispatch-incident');
  const routeEta = Number(await attr(a.page, 'data-route-eta'));
  assert.ok(incidentId, 'A shows the incident it opened');
  assert.ok(routeEta > 0, `a route ETA (${routeEta} s)`);

  // B: without a click, the live push brings the same incident's route.
  await b.page.waitForSelector(`.incident-page[data-dispatch-incident="${incidentId}"]`, { timeout: 20_000 });
  assert.equal(Number(await attr(b.page, 'data-route-eta')), routeEta, 'B shows the same route');
  assert.equal(await attr(b.page, 'data-flags'), '0');

  // A flags congestion: at a camera along the route when the strip has one, else mid-route.
  const flagButtons = a.page.locator('[data-testid="route-cameras"] [data-testid="flag-congestion"]');
  const viaCamera = (await flagButtons.count()) > 0;
  if (viaCamera) {
    await flagButtons.first().click();
  } else {
    const flagged = await a.page.evaluate(async () => {
      const hook = (window as HookWindow).__gthIncident!;
      const mid = hook.routeMidpoint();
      if (!mid) return false;
      return (await hook.flagAt(mid.lat, mid.lon)) !== null;
    });
    assert.ok(flagged, 'the congestion flag was accepted');
  }
  console.log(`flagged ${viaCamera ? 'at a route camera (정체 표시)' : 'mid-route through the test hook'}`);
  await a.page.waitForSelector('.incident-page[data-flags="1"]', { timeout: 20_000 });

  // B sees the flag and the detour (or that there is none).
  await b.page.waitForSelector('.incident-page[data-flags="1"]:is([data-detour-eta], [data-detour="none"])', { timeout: 20_000 });
  const detourEta = await attr(b.page, 'data-detour-eta');
  if (detourEta !== null) {
    assert.ok(Number(detourEta) >= routeEta, `the detour (${detourEta} s) is not faster than the route (${routeEta} s)`);
    await b.page.waitForSelector('[data-testid="eta-detour"]');
  } else {
    assert.equal(await attr(b.page, 'data-detour'), 'none');
    await b.page.waitForSelector('[data-testid="detour-none"]');
  }
  assert.equal(await attr(b.page, 'data-dispatch-incident'), incidentId);
  assert.equal(await attr(a.page, 'data-detour-eta'), detourEta, 'both operators show the same detour');
  console.log(`route ETA ${routeEta} s, detour ${detourEta ?? 'none'}`);

  await a.page.waitForTimeout(500);
  await a.page.screenshot({ path: join(ARTIFACTS, 'e2e-dispatch-a.png') });
  await b.page.screenshot({ path: join(ARTIFACTS, 'e2e-dispatch-b.png') });

  for (const viewer of [a, b]) assert.deepEqual(viewer.consoleErrors.filter((e) => !/favicon/.test(e)), []);
  await a.close();
  await b.close();
});
