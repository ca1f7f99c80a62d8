/**
 * Debian's Chromium, headless, driven by playwright-core — for e2e tests and benchmarks of
 * the web app. Never downloads a browser. Everything returned has `close()`.
 *
 * Flags (see /work/shared/FACTS.md):
 * - loopback WebRTC: `--allow-loopback-in-peer-connection` and no mDNS host candidates;
 * - no traffic to outside hosts (background networking, component update, sync, QUIC);
 * - full frame rate in every window: no backgrounding/occlusion throttling;
 * - muted autoplay without a gesture;
 * - no vsync pacing, so a 16-tile page keeps every tile at the cameras' frame rate.
 * Each viewer gets its own browser context (tabs of one context paint only the active one at
 * full rate) with camera/microphone permission granted: without it Chromium gathers only the
 * default-route address, and a loopback-only network namespace has none.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TileProbe } from '../../web/src/lib/state/grid.svelte.ts';

export const CHROMIUM_PATH = process.env.GTH_CHROMIUM ?? '/usr/bin/chromium';

/**
 * tsx names functions with a Node-only `__name()` helper: a page that runs functions of the
 * harness (`addInitScript(fn)`, `evaluate(fn)` with named inner functions) needs it too.
 */
export const NAME_SHIM = 'globalThis.__name ??= (fn) => fn;';

/**
 * Headless software compositing paces several <video> elements off one 60 Hz clock and some
 * tiles lose frames (11–13 fps of 15 at 16 tiles); unpaced, every tile shows ≈15 fps (measured
 * with `npm run bench:latency -- --tiles 4,16 --chromium-arg=…`, two runs each). Unpaced, the
 * compositor draws as often as it can, which costs the machine a core's fifth or more: a bench
 * that shares the cores with the hub launches `paced`, as an operator's browser runs.
 */
const UNPACED_ARGS = ['--disable-gpu-vsync', '--disable-frame-rate-limit'];

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  ...UNPACED_ARGS
];

/**
 * Chromium honours only the last `--disable-features=` (and `--enable-features=`) switch, and
 * Playwright puts its own list first: all lists are merged into one switch, placed last. The
 * few Playwright defaults that keep the browser quiet on the network are kept.
 */
const KEPT_PLAYWRIGHT_DISABLED_FEATURES = ['MediaRouter', 'OptimizationHints', 'NetworkTimeServiceQuerying'];

export function mergeFeatureSwitches(args: readonly string[]): string[] {
  const rest: string[] = [];
  const lists = { disable: [...KEPT_PLAYWRIGHT_DISABLED_FEATURES], enable: [] as string[] };
  for (const arg of args) {
    const match = /^--(disable|enable)-features=(.*)$/.exec(arg);
    if (match) lists[match[1] as 'disable' | 'enable'].push(...match[2]!.split(',').filter(Boolean));
    else rest.push(arg);
  }
  rest.push(`--disable-features=${[...new Set(lists.disable)].join(',')}`);
  if (lists.enable.length) rest.push(`--enable-features=${[...new Set(lists.enable)].join(',')}`);
  return rest;
}

export interface ViewerOptions {
  /** The hub's URL, e.g. `http://127.0.0.1:8080` (pages and API are relative to it). */
  baseURL: string;
  viewport?: { width: number; height: number };
  /** `ko` (default) or `en`: stored as the app's language before any page loads. */
  language?: 'ko' | 'en';
  /** Collect the page's console errors (read them from `Viewer.consoleErrors`). */
  captureConsole?: boolean;
}

export interface Viewer {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors, when `captureConsole` was set. */
  consoleErrors: string[];
  close(): Promise<void>;
}

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (its own cookies, storage, and full-rate painting) with one page. */
  newViewer(options: ViewerOptions): Promise<Viewer>;
  /** Closes every viewer and the browser. */
  close(): Promise<void>;
}

/**
 * `args` are added to CHROMIUM_ARGS; `--disable-features=` lists are merged with ours. `paced`:
 * the compositor keeps Chromium's own 60 Hz pacing (see UNPACED_ARGS).
 */
export async function launchBrowser(options: { args?: readonly string[]; slowMo?: number; paced?: boolean } = {}): Promise<TestBrowser> {
  const base = options.paced ? CHROMIUM_ARGS.filter((arg) => !UNPACED_ARGS.includes(arg)) : CHROMIUM_ARGS;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    // The flags above include --headless; Playwright's own headless switch would add a second mode flag.
    headless: false,
    args: mergeFeatureSwitches([...base, ...(options.args ?? [])]),
    ...(options.slowMo ? { slowMo: options.slowMo } : {})
  });
  const viewers = new Set<Viewer>();

  return {
    browser,
    async newViewer(viewerOptions) {
      const viewer = await newViewer(browser, viewerOptions);
      viewers.add(viewer);
      const close = viewer.close;
      viewer.close = async () => {
        viewers.delete(viewer);
        await close();
      };
      return viewer;
    },
    async close() {
      await Promise.allSettled([...viewers].map((viewer) => viewer.close()));
      await browser.close();
    }
  };
}

export async function newViewer(browser: Browser, options: ViewerOptions): Promise<Viewer> {
  const context = await browser.newContext({
    baseURL: options.baseURL,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    permissions: ['camera', 'microphone'],
    locale: options.language === 'en' ? 'en-US' : 'ko-KR'
  });
  let closed = false;
  try {
    const language = options.language ?? 'ko';
    await context.addInitScript((lang) => {
      try {
        localStorage.setItem('gth.locale', lang);
      } catch {
        // Opaque origins (about:blank) have no storage.
      }
    }, language);
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    if (options.captureConsole) {
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
    }
    return {
      context,
      page,
      consoleErrors,
      async close() {
        if (closed) return;
        closed = true;
        await context.close();
      }
    };
  } catch (error) {
    await context.close();
    throw error;
  }
}

/** Puts a token in the page's sessionStorage (as the sign-in page would) for every load. */
export async function useToken(viewer: Viewer, token: string): Promise<void> {
  await viewer.context.addInitScript((value) => {
    try {
      sessionStorage.setItem('gth.token', value);
    } catch {
      // Opaque origins have no storage.
    }
  }, token);
}

/**
 * Signs in on the sign-in page as a person would: picks the demo agency, then the purpose
 * (the agency's default when not given), then 로그인. Resolves once the page the agency lands
 * on is open: `/monitor` with its session ready, or `/audit` for an auditor agency.
 */
export async function signIn(viewer: Viewer, agency: string, options: { purpose?: string; timeoutMs?: number } = {}): Promise<void> {
  const { page } = viewer;
  const timeout = options.timeoutMs ?? 20_000;
  await page.goto('/');
  await page.locator(`[data-agency="${agency}"]`).click();
  if (options.purpose) await page.locator(`[data-testid="purpose-picker"] [data-purpose="${options.purpose}"]`).click();
  await page.locator('[data-testid="signin-submit"]').click();
  await page.waitForURL(/\/(monitor|audit)/, { timeout });
  if (new URL(page.url()).pathname.startsWith('/monitor')) {
    await page.waitForFunction(() => window.__gth?.session().status === 'ready', undefined, { timeout });
  }
}

/** Opens `/monitor?layout=…&cams=…` (the viewer must hold a token, see `useToken`). */
export async function openMonitor(viewer: Viewer, cameraIds: readonly string[], layout?: 1 | 4 | 9 | 16): Promise<void> {
  const size = layout ?? ([1, 4, 9, 16] as const).find((n) => n >= cameraIds.length) ?? 16;
  await viewer.page.goto(`/monitor?layout=${size}&cams=${cameraIds.map(encodeURIComponent).join(',')}`);
  await viewer.page.waitForFunction(() => window.__gth !== undefined);
}

/** `window.__gth.tiles()` of the monitor page. */
export async function readTiles(page: Page): Promise<TileProbe[]> {
  return page.evaluate(() => window.__gth?.tiles() ?? []);
}

/**
 * Waits until `count` tiles (all by default) report `state` (default `live`). If they do not
 * within `timeoutMs`, the error says what each tile showed instead.
 */
export async function waitForTiles(
  page: Page,
  options: { state?: TileProbe['state']; count?: number; timeoutMs?: number } = {}
): Promise<TileProbe[]> {
  const state = options.state ?? 'live';
  const timeout = options.timeoutMs ?? 20_000;
  try {
    await page.waitForFunction(
      ({ state, count }) => {
        const tiles = window.__gth?.tiles() ?? [];
        const matching = tiles.filter((tile) => tile.state === state).length;
        return tiles.length > 0 && matching >= (count ?? tiles.length);
      },
      { state, count: options.count },
      { timeout }
    );
  } catch (error) {
    const shown = await readTiles(page).then(
      (tiles) => tiles.map((tile) => `${tile.cameraId}: ${tile.state}${tile.reason ? ` (${tile.reason})` : ''}`).join(', ') || 'no tiles',
      (cause: unknown) => `unreadable: ${cause instanceof Error ? cause.message : String(cause)}`
    );
    throw new Error(`waiting ${timeout} ms for ${options.count ?? 'all'} tile(s) ${state}; the tiles show ${shown}`, { cause: error });
  }
  return readTiles(page);
}

/** What one row of the audit page's table shows (its `data-*` attributes). */
export interface AuditRow {
  seq: number;
  action: string;
  outcome: string;
  cameraId: string;
  subject: string;
  purpose: string;
  /** The refusal or end code, if the record has one. */
  code: string;
}

/**
 * Fills the audit page's filter form (`name` → value; text fields and selects by their form
 * names: cameraId, subject, agency, incidentId, action, outcome, from, to) and searches.
 * Resolves with the rows once the answer for exactly that filter is shown.
 */
export async function searchAudit(page: Page, filter: Record<string, string>, timeoutMs = 20_000): Promise<AuditRow[]> {
  const form = page.locator('[data-testid="audit-filters"]');
  for (const [name, value] of Object.entries(filter)) {
    const field = form.locator(`[name="${name}"]`);
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await page.locator('[data-testid="audit-search"]').click();
  const expected = new URLSearchParams(Object.entries(filter).filter(([, value]) => value !== '')).toString();
  return readAuditRows(page, timeoutMs, expected);
}

/**
 * The rows of `/audit` once it has answered (`ready`, or `error` which rejects); with `query`,
 * only an answer for that page query (`cameraId=…&action=…`, as the address shows it) counts.
 */
export async function readAuditRows(page: Page, timeoutMs = 20_000, query?: string): Promise<AuditRow[]> {
  await page.waitForFunction(
    (query) => {
      const root = document.querySelector('.audit');
      const answered = ['ready', 'error'].includes(root?.getAttribute('data-status') ?? '');
      if (!answered || query === undefined) return answered;
      const shown = new URLSearchParams(root?.getAttribute('data-query') ?? '');
      const wanted = new URLSearchParams(query);
      return [...wanted].every(([key, value]) => shown.get(key) === value) && [...shown.keys()].every((key) => key === 'offset' || wanted.has(key));
    },
    query,
    { timeout: timeoutMs }
  );
  const failure = await page.$eval('[data-testid="audit-error"]', (el) => el.getAttribute('data-code')).catch(() => null);
  if (failure) throw new Error(`audit page error: ${failure}`);
  return page.$$eval('[data-testid="audit-row"]', (rows) =>
    rows.map((row) => {
      const data = (row as HTMLElement).dataset;
      return {
        seq: Number(data.seq),
        action: data.action ?? '',
        outcome: data.outcome ?? '',
        cameraId: data.camera ?? '',
        subject: data.subject ?? '',
        purpose: data.purpose ?? '',
        code: data.code ?? ''
      };
    })
  );
}

/** Signs in as `agency` on the sign-in page and opens the incident map, ready for clicks. */
export async function openIncidentMap(viewer: Viewer, agency: string): Promise<void> {
  await signIn(viewer, agency);
  await viewer.page.goto('/incident');
  await viewer.page.waitForSelector('.incident-page[data-map-status="ready"]', { timeout: 20_000 });
}
