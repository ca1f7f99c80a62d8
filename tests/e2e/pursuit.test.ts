/**
 * A pursuit across districts in Chromium, as issue 11's "done when" reads: a 강남경찰서 operator
 * (scope: 강남구 only) opens the incident board on a hub with the full synthetic Seoul registry
 * and starts the development pursuit scenario: a simulated vehicle with a wanted plate drives
 * from 강남 into 서초, and its LPR hits anchor a pursuit. In follow mode the tiles hand off to
 * the predicted cameras by themselves — to 서초 cameras too, without any request to 서초 — and
 * each plays; the track draws on the map; the 서초구 control centre (seocho-cctv) sees on its
 * grants page, live, which of its cameras 강남경찰서 views for the pursuit and until when. Once
 * the operator ends the pursuit those 서초 cameras are refused again, and the auditor finds the
 * grant, the views and the end under the pursuit's incident.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, openIncidentMap, openMonitor, readTiles, searchAudit, signIn, waitForTiles, type TestBrowser, type Viewer } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const ARTIFACTS = process.env.GTH_ARTIFACTS ?? 'artifacts';
mkdirSync(ARTIFACTS, { recursive: true });
const SEOCHO = '11650';
const GANGNAM = '11680';

let t: TestHub;
let browser: TestBrowser;

/** What the map draws of the pursuit (the board's `window.__gthIncident`, see web/src/lib/incident/probe.ts). */
async function drawn(page: Page): Promise<{ track: number; predicted: number; reach: number } | null> {
  return page.evaluate(() => (window as unknown as { __gthIncident?: { pursuitDrawn(): { track: number; predicted: number; reach: number } | null } }).__gthIncident?.pursuitDrawn() ?? null);
}

before(async () => {
  t = await startTestHub({ cameras: 0, config: { simulator: { cameras: 4, basePort: 0 }, registry: { synthetic: 68_000 }, ingest: { idleGraceMs: 500 } } });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function viewer(): Promise<Viewer> {
  return browser.newViewer({ baseURL: t.hub.url, viewport: { width: 1440, height: 900 }, captureConsole: true });
}

const district = (cameraId: string): string | undefined => t.hub.registry.get(cameraId)?.district.code;

/** What the wall showed over the pursuit, per camera: how long it was on a tile and the most frames it decoded there. */
interface Seen {
  firstAt: number;
  lastAt: number;
  frames: number;
  live: boolean;
}

async function watchWall(page: Page, seen: Map<string, Seen>): Promise<void> {
  const now = Date.now();
  for (const tile of await readTiles(page)) {
    const entry = seen.get(tile.cameraId) ?? { firstAt: now, lastAt: now, frames: 0, live: false };
    entry.lastAt = now;
    entry.frames = Math.max(entry.frames, tile.framesDecoded);
    entry.live ||= tile.state === 'live' && tile.framesDecoded > 0;
    seen.set(tile.cameraId, entry);
  }
}

test('강남경찰서 follows the scenario vehicle from 강남 into 서초 on live tiles without asking 서초; 서초 sees the notice; the end closes the cameras; the audit has it all', { timeout: 420_000 }, async () => {
  const operator = await viewer();
  await openIncidentMap(operator, 'gangnam-police');
  const { page } = operator;
  await page.waitForSelector('.incident-page[data-session="ready"]', { timeout: 20_000 });
  const asked: string[] = [];
  page.on('request', (request) => asked.push(`${request.method()} ${new URL(request.url()).pathname}`));

  // The control centre of 서초 has its grants page open: nothing over its cameras yet.
  const centre = await viewer();
  await centre.page.goto(`/?agency=seocho-cctv&next=${encodeURIComponent('/grants')}`);
  await centre.page.waitForURL((url) => url.pathname === '/grants', { timeout: 20_000 });
  await centre.page.locator('.grants-page[data-status="ready"]').waitFor({ timeout: 20_000 });

  // The development control starts the scenario (the car at 4× road speed, so the chase takes a
  // minute or two); its first LPR hit opens a pursuit the board follows.
  await page.locator('[data-testid="pursuit-scenario-speed"]').selectOption('4');
  await page.locator('[data-testid="pursuit-scenario"]').click();
  await page.waitForSelector('.incident-page[data-pursuit-status="open"][data-follow="true"]', { timeout: 120_000 });
  const pursuitId = (await page.locator('.incident-page').getAttribute('data-pursuit'))!;
  const incidentId = (await page.locator('.incident-page').getAttribute('data-incident'))!;
  console.log(`pursuit ${pursuitId} (incident ${incidentId}) followed`);

  // Follow the wall until the car has been read in 서초 and 서초 cameras have played on the wall.
  const seen = new Map<string, Seen>();
  const deadline = Date.now() + 240_000;
  let seochoLive: string[] = [];
  let crossed = false;
  while (Date.now() < deadline) {
    await watchWall(page, seen);
    seochoLive = [...seen].filter(([id, s]) => district(id) === SEOCHO && s.live && s.frames > 5).map(([id]) => id);
    const hits = await page.$$eval('[data-testid="pursuit-track"] li[data-source="lpr"]', (els) => els.map((el) => el.getAttribute('data-camera-id') ?? ''));
    crossed = hits.some((id) => district(id) === SEOCHO);
    if (crossed && seochoLive.length >= 3) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.ok(crossed, 'the car was read in 서초');
  console.log(`wall over the pursuit: ${[...seen].map(([id, s]) => `${id}@${district(id)} ${s.live ? 'live' : 'not live'} ${s.frames}f ${s.lastAt - s.firstAt} ms`).join('; ')}`);
  assert.ok(seochoLive.length >= 3, `서초 cameras played on the wall (${seochoLive.join(', ') || 'none'})`);
  assert.ok([...seen.keys()].some((id) => district(id) === GANGNAM), 'the chase began on 강남 cameras');
  // Each camera handed off to that stayed on its tile for a while played there.
  for (const [id, s] of seen) if (s.lastAt - s.firstAt >= 6_000) assert.ok(s.live, `${id} (${district(id)}) was on a tile ${s.lastAt - s.firstAt} ms and never played`);
  const handoffs = Number(await page.locator('.incident-page').getAttribute('data-handoffs'));
  assert.ok(handoffs > 4, `the tiles handed off by themselves beyond their first fill (${handoffs})`);

  // No request went to 서초: no grant was asked for, none waits for anyone.
  assert.deepEqual(asked.filter((r) => /\/api\/(grants|incidents\/[^/]+\/grants)/.test(r) && r.startsWith('POST')), [], 'no grant request');
  const pending = await t.api('/api/grants', await t.token('gangnam'));
  assert.deepEqual(pending.json.pending ?? [], [], 'nothing waits for a decision');

  // The track draws: the LPR hits, with their times, on the map and in the panel.
  for (const deadline = Date.now() + 60_000; ((await drawn(page))?.track ?? 0) < 2; ) {
    assert.ok(Date.now() < deadline, 'the track is drawn');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const onMap = (await drawn(page))!;
  assert.ok(onMap.predicted > 0 && onMap.reach > 0, `prediction drawn: ${JSON.stringify(onMap)}`);
  assert.ok((await page.locator('[data-testid="pursuit-track"] li[data-source="lpr"]').count()) >= 2, 'LPR hits listed in the track');
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-pursuit-follow.png') });

  // 서초's control centre sees, live, that its cameras are viewed for the pursuit: who, which, until when.
  const notice = centre.page.locator(`[data-testid="grants-over"] [data-testid="grant-row"][data-pursuit="${pursuitId}"]`);
  await notice.waitFor({ timeout: 30_000 });
  assert.equal(await notice.getAttribute('data-agency'), 'gangnam-police');
  const listed = ((await notice.locator('[data-testid="grant-cameras"]').getAttribute('data-camera-ids')) ?? '').split(',').filter(Boolean);
  assert.ok(listed.length > 0 && listed.every((id) => district(id) === SEOCHO), `서초 cameras listed in the notice: ${listed.join(', ')}`);
  assert.match((await notice.locator('[data-testid="grant-until"]').textContent()) ?? '', /\d{2}:\d{2}:\d{2}/);
  await centre.page.screenshot({ path: join(ARTIFACTS, 'e2e-pursuit-notice.png'), fullPage: true });

  // The operator ends the pursuit: the notice goes, and the same 서초 cameras are refused again.
  await page.locator('[data-testid="pursuit-close"]').click();
  await page.waitForSelector('.incident-page[data-pursuit-status="closed"][data-follow="false"]', { timeout: 20_000 });
  await notice.waitFor({ state: 'detached', timeout: 20_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-pursuit-ended.png') });
  const again = await viewer();
  await signIn(again, 'gangnam-police');
  await openMonitor(again, seochoLive.slice(0, 4), 4);
  const refused = await waitForTiles(again.page, { state: 'denied', timeoutMs: 20_000 });
  assert.ok(refused.every((tile) => tile.reason === 'CAMERA_OUT_OF_SCOPE'), `refused: ${refused.map((tile) => `${tile.cameraId} ${tile.reason}`).join(', ')}`);

  // The auditor finds the grant, the views and the end under the pursuit's incident.
  const auditor = await viewer();
  await signIn(auditor, 'seoul-audit');
  const rows = await searchAudit(auditor.page, { incidentId });
  const actions = new Set(rows.map((row) => row.action));
  for (const action of ['grant.issued', 'view.start', 'grant.ended']) assert.ok(actions.has(action), `the audit has ${action} (${[...actions].join(', ')})`);
  assert.ok(rows.some((row) => row.action === 'view.start' && district(row.cameraId) === SEOCHO), 'a view of a 서초 camera for the pursuit');
  await auditor.page.screenshot({ path: join(ARTIFACTS, 'e2e-pursuit-audit.png'), fullPage: true });

  for (const v of [operator, centre]) assert.deepEqual(v.consoleErrors.filter((e) => !/favicon/.test(e)), []);
});
