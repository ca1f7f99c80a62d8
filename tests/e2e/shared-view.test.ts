/**
 * The shared situation view in Chromium, as issue 12's "done when" reads: the disaster room
 * (seoul-disaster) opens a view for a flood, changes the layout, pushes four cameras from the map
 * and draws a 통제구역; the 119 room, the welfare team (no camera scope) and the room's wall show
 * the same. The welfare team sees 권한 없음 tiles, without any camera name, until the owner
 * extends the incident's grant, then plays them. A 119 follower looks around and rejoins with one
 * click; a late joiner has the whole view at once; the wall comes back by itself after the hub
 * restarts on the same data directory and port. Every wait polls what the page shows.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ShareProbe, ShareProbeView } from '../../web/src/lib/shared-view/probe.ts';
import { launchBrowser, readTiles, signIn, waitForTiles, type TestBrowser, type Viewer } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const ARTIFACTS = process.env.GTH_ARTIFACTS ?? 'artifacts';
/** By 반포한강공원 (a 재난재해 landmark camera), where the disaster room sees several cameras. */
const SCENE = { lat: 37.5109, lon: 126.9959 };
/** The extended grant's radius: the four cameras nearest the scene are inside it. */
const RADIUS_M = 2000;

declare global {
  interface Window {
    __gthShare?: ShareProbe;
  }
}

let t: TestHub;
let browser: TestBrowser;

/** A free loopback port, so the hub restarts where the wall expects it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

before(async () => {
  const port = await freePort();
  t = await startTestHub({
    cameras: 0,
    config: {
      http: { host: '127.0.0.1', port },
      simulator: { cameras: 4, basePort: 0 },
      registry: { synthetic: 20_000 },
      ingest: { idleGraceMs: 500 },
      grants: { ttlMs: 30 * 60_000, defaultRadiusM: RADIUS_M, sources: [], extension: { maxRadiusM: RADIUS_M, maxOpen: 10 } }
    }
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

const view = (page: Page): Promise<ShareProbeView> => page.evaluate(() => window.__gthShare!.view());

/**
 * Polls the page's view until `check(v, arg)` holds, `v` being `__gthShare.view()`. `check` runs
 * in the page: it may use only its arguments.
 */
async function until<A = null>(page: Page, check: (v: ShareProbeView, arg: A) => boolean, arg: A = null as A, timeout = 20_000): Promise<ShareProbeView> {
  // Built here (Node may compile source; the page's CSP forbids it there), handed over as a function.
  const predicate = new Function('input', `const check = ${check.toString()}; const v = window.__gthShare?.view(); return v !== undefined && check(v, input);`) as (input: A) => boolean;
  await page.waitForFunction(predicate as (input: unknown) => boolean, arg as unknown, { timeout });
  return view(page);
}

async function participant(agency: string, path: string, viewport = { width: 1600, height: 900 }): Promise<Viewer> {
  const viewer = await browser.newViewer({ baseURL: t.hub.url, viewport, captureConsole: true });
  await signIn(viewer, agency);
  await viewer.page.goto(path);
  await until(viewer.page, (v) => v.status === 'live' && v.mapStatus === 'ready');
  return viewer;
}

/** Clicks the camera on the presenter's map (centred on it at street zoom, as a person would). */
async function clickCamera(page: Page, camera: { id: string; lat: number; lon: number }): Promise<void> {
  const pixel = await page.evaluate(({ id, lat, lon }) => {
    window.__gthShare!.moveMap(lat, lon, 17);
    return window.__gthShare!.cameraPixel(id);
  }, camera);
  assert.ok(pixel, `camera ${camera.id} is on the map`);
  const box = (await page.locator('[data-testid="share-map"]').boundingBox())!;
  await page.mouse.click(box.x + pixel[0], box.y + pixel[1]);
}

/** Clicks a point on the map given in lat/lon (the view stays where it is). */
async function mapPixel(page: Page, at: { lat: number; lon: number }): Promise<{ x: number; y: number }> {
  const pixel = await page.evaluate(({ lat, lon }) => window.__gthShare!.pixelOf(lat, lon), at);
  assert.ok(pixel, 'the point is on screen');
  const box = (await page.locator('[data-testid="share-map"]').boundingBox())!;
  return { x: box.x + pixel[0], y: box.y + pixel[1] };
}

test('a flood shared across the disaster room, the 119 room, the welfare team and the wall', async () => {
  // The disaster room signs in and opens a flood incident (its own) by the river.
  const presenter = await browser.newViewer({ baseURL: t.hub.url, viewport: { width: 1600, height: 900 }, captureConsole: true });
  await signIn(presenter, 'seoul-disaster');
  const incident = await presenter.page.evaluate(async (scene) => {
    const response = await fetch('/api/incidents', {
      method: 'POST',
      headers: { authorization: `Bearer ${sessionStorage.getItem('gth.token')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: '재난', location: scene, dispatch: false, nearest: 4 })
    });
    return { status: response.status, body: (await response.json()) as { incident: { id: string }; nearest: Array<{ id: string; lat: number; lon: number; distanceM: number }> } };
  }, SCENE);
  assert.equal(incident.status, 201, JSON.stringify(incident.body));
  const cameras = incident.body.nearest;
  assert.equal(cameras.length, 4, 'four disaster cameras near the scene');
  for (const camera of cameras) assert.ok(camera.distanceM < RADIUS_M, `${camera.id} within the grant's radius (${camera.distanceM} m)`);

  // 상황 공유 for the incident, inviting the 119 room and the welfare team.
  await presenter.page.goto(`/share?incident=${incident.body.incident.id}`);
  await presenter.page.waitForSelector('.lobby[data-status="ready"]', { timeout: 20_000 });
  await presenter.page.locator('[data-testid="share-open-form"] input[name="title"]').fill('한강 침수 대응');
  await presenter.page.locator('[data-invite="seoul-119"]').check();
  await presenter.page.locator('[data-invite="seoul-welfare"]').check();
  await presenter.page.locator('[data-testid="share-open"]').click();
  await presenter.page.waitForURL(/\/share\/view-/, { timeout: 20_000 });
  const path = new URL(presenter.page.url()).pathname;
  const viewId = path.split('/').pop()!;
  let shown = await until(presenter.page, (v) => v.status === 'live' && v.mapStatus === 'ready' && v.presenting);
  assert.equal(shown.title, '한강 침수 대응');

  // The others join by the link; the wall signs in with a wall token the dev sign-in mints.
  const fire = await participant('seoul-119', path);
  const welfare = await participant('seoul-welfare', path);
  const wall = await browser.newViewer({ baseURL: t.hub.url, viewport: { width: 1280, height: 720 }, captureConsole: true });
  await wall.page.goto(`/wall/${viewId}?map=1`);
  await wall.page.locator('[data-wall-agency="seoul-disaster"]').click();
  await until(wall.page, (v) => v.status === 'live');
  assert.equal(await wall.page.locator('button, input, select').count(), 0, 'the wall has no controls');

  // The presenter: layout 9, four cameras pushed from the map, a 통제구역 drawn.
  await presenter.page.locator('[data-testid="share-wall"] [data-layout="9"]').click();
  // The camera clicked, or one on the same pole (a pole often carries several) lands on the tile.
  const pushed: string[] = [];
  for (const [index, camera] of cameras.entries()) {
    await presenter.page.locator(`[data-testid="share-wall"] .tile[data-index="${index}"]`).click();
    await clickCamera(presenter.page, camera);
    const landed = await until(presenter.page, (v, at) => v.tiles[at] !== 'empty', index);
    pushed.push(landed.tiles[index]!);
  }
  assert.equal(new Set(pushed).size, 4, `four cameras pushed (${pushed.join()})`);
  await presenter.page.evaluate(({ lat, lon }) => window.__gthShare!.moveMap(lat, lon, 15), SCENE);
  await presenter.page.locator('[data-testid="annotation-kind"]').selectOption('통제구역');
  await presenter.page.locator('[data-shape="polygon"]').click();
  await presenter.page.locator('[data-testid="annotation-label"]').fill('침수 통제');
  await presenter.page.locator('[data-testid="draw"]').click();
  const corners = [
    { lat: SCENE.lat + 0.002, lon: SCENE.lon - 0.003 },
    { lat: SCENE.lat + 0.002, lon: SCENE.lon + 0.003 },
    { lat: SCENE.lat - 0.002, lon: SCENE.lon + 0.003 }
  ];
  for (const corner of corners.slice(0, -1)) {
    const { x, y } = await mapPixel(presenter.page, corner);
    await presenter.page.mouse.click(x, y);
  }
  const last = await mapPixel(presenter.page, corners.at(-1)!);
  await presenter.page.mouse.dblclick(last.x, last.y);
  shown = await until(presenter.page, (v) => v.annotations.some((a) => a.kind === '통제구역' && a.shape === 'polygon' && a.label === '침수 통제'));
  const target = { version: shown.version, tiles: shown.tiles, map: shown.sharedMap };
  assert.deepEqual(shown.tiles.slice(0, 4), pushed);
  assert.equal(shown.layout, 9);
  await presenter.page.screenshot({ path: join(ARTIFACTS, 'e2e-share-presenter.png') });

  // Everyone shows the same view: layout, tiles (withheld for the welfare team), the polygon, the presenter's map.
  type Target = { version: number; tiles: string[]; map: ShareProbeView['sharedMap']; withheld: boolean };
  const same = (v: ShareProbeView, want: Target): boolean =>
    v.version >= want.version &&
    v.layout === 9 &&
    v.annotations.some((a) => a.kind === '통제구역' && a.shape === 'polygon') &&
    v.following &&
    v.map !== null &&
    want.map !== null &&
    Math.abs(v.map.center.lat - want.map.center.lat) < 1e-4 &&
    Math.abs(v.map.zoom - want.map.zoom) < 0.01 &&
    v.tiles.slice(0, 4).join() === (want.withheld ? 'withheld,withheld,withheld,withheld' : want.tiles.slice(0, 4).join());
  for (const viewer of [fire, wall]) {
    const seen = await until(viewer.page, same, { ...target, withheld: false });
    assert.deepEqual(seen.tiles, target.tiles);
  }
  const withheld = await until(welfare.page, same, { ...target, withheld: true });
  assert.deepEqual(withheld.tiles, ['withheld', 'withheld', 'withheld', 'withheld', 'empty', 'empty', 'empty', 'empty', 'empty']);
  // 권한 없음, and nothing of the camera anywhere on the page — not its id, not its name.
  assert.equal(await welfare.page.locator('[data-withheld="true"] [data-badge="denied"]').count(), 4);
  const html = await welfare.page.content();
  for (const id of pushed) assert.ok(!html.includes(id), `the welfare page never names ${id}`);

  // Pictures: the 119 room and the wall play the four cameras (decoded frames).
  for (const viewer of [fire, wall]) {
    await waitForTiles(viewer.page, { state: 'live', count: 4, timeoutMs: 40_000 });
    await viewer.page.waitForFunction(() => (window.__gth?.tiles() ?? []).filter((t) => t.framesDecoded > 5).length >= 4, undefined, { timeout: 20_000 });
  }
  await fire.page.screenshot({ path: join(ARTIFACTS, 'e2e-share-follower.png') });
  await welfare.page.screenshot({ path: join(ARTIFACTS, 'e2e-share-welfare-withheld.png') });
  await wall.page.screenshot({ path: join(ARTIFACTS, 'e2e-share-wall.png') });

  // The owner extends the incident's grant to the welfare team: its tiles play.
  await presenter.page.locator('[data-testid="extend-grant"][data-agency="seoul-welfare"]').click();
  await presenter.page.waitForSelector('[data-testid="grant-extended"][data-agency="seoul-welfare"]', { timeout: 20_000 });
  await until(welfare.page, (v, ids) => v.tiles.slice(0, 4).join() === ids.join(), pushed);
  await waitForTiles(welfare.page, { state: 'live', count: 4, timeoutMs: 40_000 }).catch(async (error: unknown) => {
    await welfare.page.screenshot({ path: join(ARTIFACTS, 'e2e-share-welfare-failed.png') });
    throw new Error(`welfare tiles not live: ${JSON.stringify((await readTiles(welfare.page)).map((t) => [t.cameraId, t.state, t.reason]))} ${JSON.stringify(await view(welfare.page))}`, { cause: error });
  });
  await welfare.page.waitForFunction(() => (window.__gth?.tiles() ?? []).filter((t) => t.framesDecoded > 5).length >= 4, undefined, { timeout: 20_000 });
  await welfare.page.screenshot({ path: join(ARTIFACTS, 'e2e-share-welfare-granted.png') });

  // The 119 follower looks around (leaves follow, moves elsewhere); the presenter moves on; one click rejoins.
  await fire.page.locator('[data-testid="leave-follow"]').click();
  await fire.page.evaluate(() => window.__gthShare!.moveMap(37.5665, 126.978, 14));
  await until(fire.page, (v) => !v.following && v.map !== null && Math.abs(v.map.center.lat - 37.5665) < 1e-4);
  await presenter.page.evaluate(({ lat, lon }) => window.__gthShare!.moveMap(lat + 0.004, lon, 16), SCENE);
  const moved = await until(presenter.page, (v) => v.sharedMap?.zoom === 16);
  const away = await until(fire.page, (v) => v.sharedMap?.zoom === 16);
  assert.ok(Math.abs(away.map!.center.lat - 37.5665) < 1e-4, 'while looking around, the presenter does not move the follower');
  await fire.page.locator('[data-testid="follow"]').click();
  await until(fire.page, (v, to) => v.following && v.map?.zoom === 16 && Math.abs(v.map.center.lat - to.center.lat) < 1e-4, moved.sharedMap!);

  // A late joiner has the whole view at once: its first live state is the presenter's.
  const late = await browser.newViewer({ baseURL: t.hub.url, viewport: { width: 1600, height: 900 }, captureConsole: true });
  await signIn(late, 'seoul-119');
  const current = await view(presenter.page);
  await late.page.goto(path);
  const first = await until(late.page, (v) => v.status === 'live');
  assert.equal(first.version, current.version, 'the late joiner starts at the current version');
  assert.deepEqual(first.tiles, current.tiles);
  assert.deepEqual(first.annotations, current.annotations);
  assert.deepEqual(first.sharedMap, current.sharedMap);
  await late.close();

  // The hub restarts on the same data directory and port: the wall comes back by itself.
  const before = await view(wall.page);
  await t.restart();
  await until(wall.page, (v) => v.status !== 'live').catch(() => undefined);
  await until(wall.page, (v, version) => v.status === 'live' && v.version >= version, before.version, 60_000);
  await waitForTiles(wall.page, { state: 'live', count: 4, timeoutMs: 60_000 });
  await wall.page.evaluate(() => window.__gth?.resetSamples());
  await wall.page.waitForFunction(() => (window.__gth?.tiles() ?? []).filter((t) => t.state === 'live' && t.framesDecoded > 5).length >= 4, undefined, { timeout: 30_000 });
  const after = await view(wall.page);
  assert.deepEqual(after.tiles, before.tiles, 'the wall shows the same tiles after the restart');
  assert.deepEqual(after.annotations, before.annotations, 'and the same annotations');
  await wall.page.screenshot({ path: join(ARTIFACTS, 'e2e-share-wall-restarted.png') });

  for (const viewer of [presenter, fire, welfare, wall]) {
    assert.deepEqual(viewer.consoleErrors.filter((e) => !/favicon|WebSocket|ERR_CONNECTION_REFUSED|socket\.io/.test(e)), [], 'no console errors');
    await viewer.close();
  }
});
