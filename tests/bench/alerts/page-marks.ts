/**
 * The bench's marks inside an operator's page (installed before any page script runs): a DOM
 * observer that stamps, on the page's wall clock (`performance.timeOrigin + now()`, the same
 * clock as the bench's `Date.now()`), the moment an alarm the page has not shown before appears
 * in its queue; on the page armed as the opener it opens that alarm at once (a click on its open
 * control, as an operator would) and stamps the moment the alarm's source camera is live on a
 * tile (the tile reports `live` only once its `<video>` presented a decoded frame).
 */
import type { Page } from 'playwright-core';
import { NAME_SHIM } from '../../support/browser.ts';

/** Where the web app shows what the bench watches (web/src/lib/alerts/, Tile.svelte). */
export interface AlarmDom {
  /** One element per alarm in the queue, carrying its id in `alarmIdAttribute`. */
  alarm: string;
  alarmIdAttribute: string;
  /** Inside an alarm's element: what opens it (the element itself is clicked when absent). */
  open: string;
  /** A tile on the board's wall, carrying `data-camera-id` and `data-state`. */
  tile: string;
}

export interface AlarmMark {
  alarmId: string;
  shownAt: number;
  /** The source camera's tile live (null until it is, or when the page only watches). */
  liveAt: number | null;
}

interface PageMarks {
  arm(options: { open: boolean; cameraId: string | null }): void;
  mark(): AlarmMark | null;
  /** What the page shows now, for an error that says where it stopped. */
  state(): { alarms: string[]; tiles: Array<{ cameraId: string; state: string; reason: string }> };
}

declare global {
  interface Window {
    __alarmBench?: PageMarks;
  }
}

/** Runs in the page: self-contained (Playwright serialises it). */
function installMarks(dom: AlarmDom): void {
  const known = new Set<string>();
  let armed: { open: boolean; cameraId: string | null; alarmId?: string; shownAt?: number; liveAt?: number } | null = null;
  const scan = () => {
    const now = performance.timeOrigin + performance.now();
    for (const element of document.querySelectorAll(dom.alarm)) {
      const id = element.getAttribute(dom.alarmIdAttribute);
      if (!id || known.has(id)) continue;
      known.add(id);
      if (armed && armed.alarmId === undefined) {
        armed.alarmId = id;
        armed.shownAt = now;
        if (armed.open) ((element.querySelector(dom.open) ?? element) as HTMLElement).click();
      }
    }
    if (armed?.alarmId !== undefined && armed.cameraId !== null && armed.liveAt === undefined) {
      const live = document.querySelector(`${dom.tile}[data-camera-id="${CSS.escape(armed.cameraId)}"][data-state="live"]`);
      if (live) armed.liveAt = now;
    }
  };
  window.__alarmBench = {
    arm: (options) => {
      armed = { ...options };
    },
    mark: () => (armed?.alarmId !== undefined ? { alarmId: armed.alarmId, shownAt: armed.shownAt!, liveAt: armed.liveAt ?? null } : null),
    state: () => ({
      alarms: [...document.querySelectorAll(dom.alarm)].map((element) => element.getAttribute(dom.alarmIdAttribute) ?? ''),
      tiles: [...document.querySelectorAll(dom.tile)].map((tile) => ({ cameraId: tile.getAttribute('data-camera-id') ?? '', state: tile.getAttribute('data-state') ?? '', reason: tile.getAttribute('data-reason') ?? '' }))
    })
  };
  new MutationObserver(scan).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: [dom.alarmIdAttribute, 'data-state', 'data-camera-id'] });
}

/** Installs the marks in every page the context opens from now on. */
export async function addAlarmMarks(page: Page, dom: AlarmDom): Promise<void> {
  await page.context().addInitScript({ content: NAME_SHIM });
  await page.context().addInitScript(installMarks, dom);
}

/** Arms the page for the next alarm it has not shown before (call before the event is sent). */
export async function armForNextAlarm(page: Page, options: { open: boolean; cameraId: string | null }): Promise<void> {
  await page.evaluate((options) => window.__alarmBench!.arm(options), options);
}

/**
 * Waits until the armed page has shown the alarm (and, for the opener, its source camera live).
 * Polls from the bench: the stamps were taken in the page when the DOM changed.
 */
export async function waitForMark(page: Page, options: { live: boolean; timeoutMs: number }): Promise<AlarmMark> {
  try {
    const handle = await page.waitForFunction(
      (live) => {
        const mark = window.__alarmBench?.mark() ?? null;
        return mark && (!live || mark.liveAt !== null) ? mark : null;
      },
      options.live,
      { timeout: options.timeoutMs, polling: 50 }
    );
    return (await handle.jsonValue()) as AlarmMark;
  } catch (error) {
    const seen = await page.evaluate(() => ({ mark: window.__alarmBench?.mark() ?? null, ...window.__alarmBench?.state() })).catch(() => null);
    throw new Error(`no ${options.live ? 'alarm with its camera live' : 'alarm'} on ${page.url()} in ${options.timeoutMs} ms; the page: ${JSON.stringify(seen)}`, { cause: error });
  }
}
