/**
 * Accountability end to end, in Debian's Chromium against the real stack: a 119 operator signs
 * in for a stated purpose and watches a camera; the auditor finds that view in /audit by camera
 * id (who, which purpose, which camera) and downloads it as CSV. Demo tokens here live 20 s, so
 * the wall must renew its token on its own without dropping the picture, and the renewal is
 * itself on the record. A revoked user's wall stops and says why. Screenshots go to artifacts/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, readAuditRows, readTiles, searchAudit, signIn, waitForTiles, type TestBrowser, type Viewer } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { AUDIENCE, createTestIssuer, userClaims, type TestIssuer } from '../support/tokens.ts';

const ARTIFACTS = process.env.GTH_ARTIFACTS ?? 'artifacts';
mkdirSync(ARTIFACTS, { recursive: true });

const TOKEN_TTL_SEC = 20;

let t: TestHub;
/** The 119 room's identity provider (for its supervisor); `config.auth` replaces the test hub's issuers. */
let fireIdp: TestIssuer;
let browser: TestBrowser;
let operator: Viewer;
let auditor: Viewer;

before(async () => {
  fireIdp = await createTestIssuer('https://idp.fire.test', ['seoul-119']);
  // Four cameras, one in each demo district; the 119 room sees the whole city.
  t = await startTestHub({ cameras: 4, config: { auth: { audience: AUDIENCE, issuers: [fireIdp.config], devTokenTtlSec: TOKEN_TTL_SEC } } });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

const nonFavicon = (errors: string[]) => errors.filter((e) => !/favicon/.test(e));

test('a 119 view for a stated purpose is found in the audit by camera id and exported as CSV', async () => {
  const camera = t.cameras[0]!.id;
  operator = await browser.newViewer({ baseURL: t.hub.url, captureConsole: true });
  await signIn(operator, 'seoul-119', { purpose: 'dispatch-119' });
  assert.equal((await operator.page.evaluate(() => window.__gth!.session())).purpose, 'dispatch-119');
  assert.equal(await operator.page.getAttribute('[data-testid="session-purpose"]', 'data-purpose'), 'dispatch-119');
  await operator.page.goto(`/monitor?layout=1&cams=${camera}`);
  await waitForTiles(operator.page, { timeoutMs: 30_000 });
  await operator.page.screenshot({ path: join(ARTIFACTS, 'e2e-audit-operator.png') });

  auditor = await browser.newViewer({ baseURL: t.hub.url, captureConsole: true });
  await signIn(auditor, 'seoul-audit');
  assert.equal(new URL(auditor.page.url()).pathname, '/audit', 'an auditor lands on the audit page');
  const rows = await searchAudit(auditor.page, { cameraId: camera });
  assert.match(auditor.page.url(), new RegExp(`/audit\\?cameraId=${camera}$`), 'the filter is a deep link');
  const view = rows.find((row) => row.action === 'view.start');
  assert.ok(view, `view.start of ${camera} is listed (${JSON.stringify(rows)})`);
  assert.deepEqual(
    { outcome: view.outcome, subject: view.subject, purpose: view.purpose, cameraId: view.cameraId },
    { outcome: 'allowed', subject: 'demo:seoul-119', purpose: 'dispatch-119', cameraId: camera }
  );
  assert.ok(rows.every((row) => row.cameraId === camera), 'only that camera');
  assert.ok(rows.every((row, i) => i === 0 || rows[i - 1]!.seq > row.seq), 'newest first');
  await auditor.page.screenshot({ path: join(ARTIFACTS, 'e2e-audit-found.png') });

  const [download] = await Promise.all([auditor.page.waitForEvent('download'), auditor.page.click('[data-testid="audit-export"]')]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const file = join(ARTIFACTS, 'e2e-audit-export.csv');
  await download.saveAs(file);
  const lines = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  // Every cell is quoted (the formula guard), quotes inside doubled; no value here holds a line break.
  const cellsOf = (l: string) => {
    assert.match(l, /^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/, 'every cell is quoted');
    return [...l.matchAll(/"((?:[^"]|"")*)"/g)].map(([, cell]) => cell!.replaceAll('""', '"'));
  };
  const header = cellsOf(lines[0]!);
  const line = lines.slice(1).find((l) => cellsOf(l)[header.indexOf('seq')] === String(view.seq));
  assert.ok(line, `the CSV holds record ${view.seq}`);
  const cells = cellsOf(line);
  assert.equal(cells[header.indexOf('action')], 'view.start');
  assert.equal(cells[header.indexOf('camera_id')], camera);
  assert.equal(cells[header.indexOf('purpose')], 'dispatch-119');
  assert.ok(lines.slice(1).every((l) => cellsOf(l)[header.indexOf('camera_id')] === camera), 'the export follows the filter');
  assert.deepEqual(nonFavicon(auditor.consoleErrors), []);
});

test('an operator is not shown the audit, and the hub refuses it too', async () => {
  const viewer = await browser.newViewer({ baseURL: t.hub.url, language: 'en' });
  await signIn(viewer, 'seoul-119');
  await viewer.page.goto('/audit');
  await viewer.page.waitForSelector('[data-testid="audit-forbidden"]');
  const answer = await viewer.page.evaluate(async () => {
    const response = await fetch('/api/audit', { headers: { authorization: `Bearer ${sessionStorage.getItem('gth.token')}` } });
    return { status: response.status, body: (await response.json()) as { error?: { code?: string } } };
  });
  assert.equal(answer.status, 403);
  assert.equal(answer.body.error?.code, 'FORBIDDEN');
  await viewer.close();
});

test('the wall renews its demo token before expiry without dropping the picture, on the record', async () => {
  const { page } = operator;
  const start = await page.evaluate(() => window.__gth!.token());
  assert.equal(start.source, 'demo');
  // Renewed at 80 % of a 20 s token: within ~16 s of its issue.
  await page.waitForFunction((n) => window.__gth!.token().renewals > n, start.renewals, { timeout: TOKEN_TTL_SEC * 1000 });
  const renewed = await page.evaluate(() => ({ token: window.__gth!.token(), session: window.__gth!.session() }));
  assert.ok(renewed.token.expiresAt! > start.expiresAt!, 'the expiry moved on');
  assert.equal(renewed.session.expiresAt, renewed.token.expiresAt, 'the header shows the new expiry');
  assert.equal(renewed.session.status, 'ready');
  const before = await readTiles(page);
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const later = await readTiles(page);
  assert.equal(later[0]!.state, 'live');
  assert.ok(later[0]!.framesDecoded > before[0]!.framesDecoded, `still decoding (${before[0]!.framesDecoded} → ${later[0]!.framesDecoded})`);
  // Past the first token's expiry, the session is still the same one.
  await page.waitForFunction((at) => Date.now() > at + 1_000, start.expiresAt!, { timeout: TOKEN_TTL_SEC * 1000 + 5_000 });
  assert.equal((await readTiles(page))[0]!.state, 'live');
  assert.equal((await page.evaluate(() => window.__gth!.session())).status, 'ready');

  const rows = await searchAudit(auditor.page, { cameraId: '', subject: 'demo:seoul-119', action: 'token.refreshed' });
  assert.ok(rows.length >= 1, 'the renewal is on the record');
  assert.deepEqual(nonFavicon(operator.consoleErrors), []);
});

test("a revoked user's wall stops at once and says why", async () => {
  const { page } = operator;
  // A 119 supervisor revokes the demo user of their own agency.
  const supervisor = await fireIdp.sign(userClaims('seoul-119', ['*'], { purpose: 'dispatch-119', role: 'supervisor', sub: 'chief-119' }));
  const response = await fetch(`${t.hub.url}/api/admin/revocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${supervisor}` },
    body: JSON.stringify({ subject: 'demo:seoul-119' })
  });
  assert.equal(response.status, 200, await response.text());
  await page.waitForSelector('[data-testid="session-ended"][data-code="TOKEN_REVOKED"]', { timeout: 10_000 });
  const [tile] = await readTiles(page);
  assert.deepEqual({ state: tile!.state, reason: tile!.reason }, { state: 'denied', reason: 'TOKEN_REVOKED' });
  assert.match(await page.textContent('[data-testid="session-ended"]') ?? '', /토큰 폐기됨/);
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-audit-revoked.png') });

  const rows = await searchAudit(auditor.page, { subject: 'demo:seoul-119', action: 'revocation' });
  assert.equal(rows.length, 1, 'the revocation is on the record');
  await auditor.page.reload();
  assert.ok((await readAuditRows(auditor.page)).length >= 1);
});
