/**
 * The camera wall's start in Debian's Chromium against the real stack. A browser that opened the
 * wall once keeps the hub's router capabilities (and what its Device made of them), so the next
 * wall watches its cameras right behind `media:join`, before any answer; with kept capabilities
 * the hub no longer has, the hub refuses that watch (CAPABILITIES_STALE), the page keeps the
 * join's instead and its tile plays all the same.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, openMonitor, useToken, waitForTiles, type TestBrowser } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
let browser: TestBrowser;

before(async () => {
  t = await startTestHub({ cameras: 1 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

interface Frame {
  dir: 'in' | 'out';
  text: string;
}

/** Every Socket.IO frame the page's WebSocket sends and receives, in order (before any page script). */
function recordFrames(): void {
  const frames: Frame[] = [];
  (window as unknown as { __frames: Frame[] }).__frames = frames;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.addEventListener('message', (event: MessageEvent) => frames.push({ dir: 'in', text: typeof event.data === 'string' ? event.data : '' }));
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      frames.push({ dir: 'out', text: typeof data === 'string' ? data : '' });
      super.send(data);
    }
  };
}

const framesOf = (page: Page) => page.evaluate(() => (window as unknown as { __frames: Frame[] }).__frames);
const keptRouterOf = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('gth.router') ?? 'null') as { id: string } | null);

/** The frames from the join on: Socket.IO acks (`43…`) answer requests; the ack id follows. */
function afterJoin(frames: Frame[]): Frame[] {
  const join = frames.findIndex((frame) => frame.dir === 'out' && frame.text.includes('"media:join"'));
  assert.ok(join >= 0, 'the page joined');
  return frames.slice(join);
}

test('a wall opened again watches its camera before the join is answered; with stale kept capabilities, it is refused and plays all the same', async () => {
  const camera = t.cameras[0]!;
  const viewer = await browser.newViewer({ baseURL: t.hub.url });
  await useToken(viewer, await t.token('fire'));
  await viewer.context.addInitScript(recordFrames);

  // First open: nothing kept, the watch waits for the join's answer; the answer is kept.
  await openMonitor(viewer, [camera.id], 1);
  await waitForTiles(viewer.page, { state: 'live' });
  const first = afterJoin(await framesOf(viewer.page));
  const firstWatch = first.findIndex((frame) => frame.dir === 'out' && frame.text.includes('"camera:watch"'));
  assert.ok(first.slice(0, firstWatch).some((frame) => frame.dir === 'in' && frame.text.startsWith('43')), 'the first page watched after an answer');
  const kept = await keptRouterOf(viewer.page);
  assert.ok(kept?.id, 'the router capabilities are kept, with their id');

  // Again, in a new tab of the same browser: the watch goes right behind the join and the transport.
  const again = await viewer.context.newPage();
  await again.goto(`/monitor?layout=1&cams=${encodeURIComponent(camera.id)}`);
  await waitForTiles(again, { state: 'live' });
  const second = afterJoin(await framesOf(again));
  const outs = second.filter((frame) => frame.dir === 'out').map((frame) => frame.text);
  const watch = second.findIndex((frame) => frame.dir === 'out' && frame.text.includes('"camera:watch"'));
  assert.ok(outs[2]?.includes('"camera:watch"') && outs[2].includes(kept.id), `join, transport, then the watch with the kept id: ${outs.slice(0, 3).join(' | ').slice(0, 300)}`);
  assert.ok(!second.slice(0, watch).some((frame) => frame.dir === 'in'), 'sent before any answer came');
  assert.equal(second.filter((frame) => frame.dir === 'out' && frame.text.includes('"camera:watch"')).length, 1, 'watched once');
  await again.close();

  // Kept capabilities the hub does not have (its configuration changed): refused, then watched anew.
  await viewer.page.evaluate(() => {
    const value = JSON.parse(localStorage.getItem('gth.router')!) as { id: string };
    localStorage.setItem('gth.router', JSON.stringify({ ...value, id: '0123456789abcdef' }));
  });
  const stale = await viewer.context.newPage();
  await stale.goto(`/monitor?layout=1&cams=${encodeURIComponent(camera.id)}`);
  await waitForTiles(stale, { state: 'live' });
  const third = afterJoin(await framesOf(stale));
  assert.ok(third.some((frame) => frame.dir === 'in' && frame.text.includes('CAPABILITIES_STALE')), 'the stale watch was refused');
  assert.equal(third.filter((frame) => frame.dir === 'out' && frame.text.includes('"camera:watch"')).length, 2, 'and sent once more with the join\'s capabilities');
  assert.equal((await keptRouterOf(stale))?.id, kept.id, 'the join\'s capabilities are kept again');
  await stale.close();
  await viewer.close();
});
