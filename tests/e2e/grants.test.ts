/**
 * The grants page in Debian's Chromium against the real stack: the 마포 control centre has the
 * page open when the welfare team asks for a grant over one of its cameras; the welfare
 * supervisor, signed in on the same page, approves it with a click; the control centre's list
 * shows it at once — agency, incident and why, purpose, who asked and who approved, until when —
 * and drops it when the incident closes. Screenshots go to artifacts/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEMO_AGENCIES } from '../../server/cameras/demo.ts';
import { launchBrowser, type TestBrowser, type Viewer } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const ARTIFACTS = process.env.GTH_ARTIFACTS ?? 'artifacts';
mkdirSync(ARTIFACTS, { recursive: true });

let t: TestHub;
let browser: TestBrowser;

before(async () => {
  t = await startTestHub({
    cameras: 3,
    sites: [
      { code: '11440', lat: 37.5572, lon: 126.9245 }, // 홍대입구역 (마포)
      { code: '11440', lat: 37.5495, lon: 126.9139 }, // 합정역 (마포)
      { code: '11680', lat: 37.5045, lon: 127.0489 } // 선릉역 (강남)
    ]
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

/** Signs in as a demo agency (optionally its supervisor) and lands on /grants with its lists loaded. */
async function openGrants(agency: string, supervisor = false): Promise<Viewer> {
  const viewer = await browser.newViewer({ baseURL: t.hub.url, captureConsole: true });
  await viewer.page.goto(`/?agency=${agency}${supervisor ? '&role=supervisor' : ''}&next=${encodeURIComponent('/grants')}`);
  await viewer.page.waitForURL((url) => url.pathname === '/grants', { timeout: 20_000 });
  await viewer.page.locator('.grants-page[data-status="ready"]').waitFor({ timeout: 20_000 });
  return viewer;
}

const rows = (viewer: Viewer, list: 'over' | 'pending' | 'held') => viewer.page.locator(`[data-testid="grants-${list}"] [data-testid="grant-row"]`);

test('a control centre sees, live, the grant another agency holds over its cameras once that agency’s supervisor approves it', async () => {
  const centre = await openGrants('mapo-cctv');
  await centre.page.locator('[data-testid="grants-over-none"]').waitFor();
  const chief = await openGrants('seoul-welfare', true);
  assert.equal(await chief.page.locator('[data-testid="session-user"]').textContent().then((s) => s?.includes('상황관리자')), true);

  const scene = t.cameras[0]!;
  const welfare = await t.token('welfare');
  const opened = await t.api('/api/incidents', welfare, { type: '실종', location: scene.location, radiusM: 300, address: '서울 마포구 양화로 160', description: '치매 어르신 실종, 홍대입구역 부근' });
  assert.equal(opened.status, 201, JSON.stringify(opened.json));
  const grantId = opened.json.pendingGrant.id as string;

  // The supervisor's page lists the request live; the centre's does not (a pending grant holds nothing).
  await chief.page.locator(`[data-testid="grants-pending"] [data-grant="${grantId}"]`).waitFor();
  await chief.page.screenshot({ path: join(ARTIFACTS, 'e2e-grants-pending.png'), fullPage: true });
  assert.equal(await rows(centre, 'over').count(), 0);

  const clicked = Date.now();
  await chief.page.locator(`[data-grant="${grantId}"] [data-testid="grant-approve"]`).click();
  const row = centre.page.locator(`[data-testid="grants-over"] [data-grant="${grantId}"]`);
  await row.waitFor({ timeout: 10_000 });
  process.stdout.write(`# figure approve click → control centre's row shown (ms): ${Date.now() - clicked}\n`);
  const text = (await row.textContent()) ?? '';
  for (const expected of ['서울시 사회복지 긴급지원팀', '실종', '치매 어르신 실종, 홍대입구역 부근', 'user-seoul-welfare', 'demo:seoul-welfare:supervisor', '300 m']) {
    assert.ok(text.includes(expected), `the row says ${expected}: ${text}`);
  }
  assert.equal(await row.getAttribute('data-status'), 'active');
  assert.match((await row.locator('[data-testid="grant-until"]').textContent()) ?? '', /\d{2}:\d{2}:\d{2}/);
  assert.equal((await row.locator('[data-testid="grant-cameras"]').textContent())?.trim(), '1대', 'one of 마포’s cameras is within 300 m');
  await chief.page.locator(`[data-testid="grants-held"] [data-grant="${grantId}"]`).waitFor();
  assert.equal(await chief.page.locator(`[data-testid="grants-pending"] [data-grant="${grantId}"]`).count(), 0);
  await centre.page.screenshot({ path: join(ARTIFACTS, 'e2e-grants-owner.png'), fullPage: true });

  // English too; and the row goes when the incident closes.
  await centre.page.locator('[data-testid="lang-toggle"]').click();
  await centre.page.getByText('Other agencies’ grants over our cameras').waitFor();
  assert.equal((await t.api(`/api/incidents/${opened.json.incident.id}/close`, welfare, {})).status, 200);
  await row.waitFor({ state: 'detached', timeout: 10_000 });
  await centre.page.locator('[data-testid="grants-over-none"]').waitFor();
  for (const viewer of [centre, chief]) assert.deepEqual(viewer.consoleErrors.filter((e) => !/favicon/.test(e)), []);
  await centre.close();
  await chief.close();
});

test('a police supervisor keeps the watchlist (수배차량) on /grants: adds a plate with reason and expiry, removes it, each audited; an operator sees it without the form', async () => {
  const chief = await openGrants('gangnam-police', true);
  const panel = chief.page.locator('[data-testid="watchlist"]');
  await panel.waitFor({ timeout: 20_000 });
  await chief.page.locator('[data-testid="watch-plate"]').fill('12가 3456');
  await chief.page.locator('[data-testid="watch-reason"]').fill('강도 도주 차량');
  await chief.page.locator('[data-testid="watch-hours"]').selectOption('6');
  const before = Date.now();
  await chief.page.locator('[data-testid="watch-add"] button[type="submit"]').click();
  const row = panel.locator('[data-testid="watch-row"]');
  await row.first().waitFor({ timeout: 10_000 });
  assert.match((await row.first().textContent()) ?? '', /12가3456.*강도 도주 차량/);
  const police = DEMO_AGENCIES.find((a) => a.id === 'gangnam-police')!;
  const token = await t.hub.devIssuer!.sign(police, { audience: 'golden-time-hub', ttlSec: 600, purpose: police.purposes[0]! });
  const { entries } = (await t.api('/api/lpr/watchlist', token)).json as { entries: Array<{ id: string; plate: string; expiresAt: number }> };
  assert.equal(entries.length, 1);
  const expected = before + 6 * 3_600_000;
  assert.ok(Math.abs(entries[0]!.expiresAt - expected) < 60_000, 'wanted for the hours chosen');
  await chief.page.screenshot({ path: join(ARTIFACTS, 'e2e-watchlist.png'), fullPage: true });

  const operator = await openGrants('gangnam-police');
  await operator.page.locator('[data-testid="watch-row"]').first().waitFor({ timeout: 20_000 });
  assert.equal(await operator.page.locator('[data-testid="watch-add"]').count(), 0, 'operators list it; supervisors keep it');
  assert.equal(await (await openGrants('mapo-cctv')).page.locator('[data-testid="watchlist"]').count(), 0, 'no watchlist for a non-police agency');

  await panel.locator('[data-testid="watch-remove"]').first().click();
  await panel.locator('[data-testid="watch-row"]').waitFor({ state: 'detached', timeout: 10_000 });
  await t.hub.auditWriter.flush();
  const actions = t.hub.audit.query({ limit: 500 }).entries.map((e) => e.action);
  assert.ok(actions.includes('watchlist.added') && actions.includes('watchlist.removed'), actions.join(', '));
});
