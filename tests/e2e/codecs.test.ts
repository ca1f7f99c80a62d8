/**
 * Cameras of real-world codecs in Debian's Chromium against the real stack: a High-profile and
 * a Main-profile H.264 camera play as they are (원본), an H.265 camera plays through the hub's
 * transcode (변환), and an H.265 Main 10 camera shows the typed unsupported state naming its
 * codec. Decoded frames are asserted per tile (requestVideoFrameCallback in the tile and the
 * video's getVideoPlaybackQuality). Prints the glass-to-glass delay of each path and one JSON
 * line; the screenshot goes to artifacts/e2e-codecs.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { SimCodec } from '../../media/sim/camera-farm.ts';
import { launchBrowser, openMonitor, readTiles, useToken, waitForTiles, type TestBrowser, type Viewer } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const ARTIFACTS = process.env.GTH_ARTIFACTS ?? 'artifacts';
mkdirSync(ARTIFACTS, { recursive: true });

const KINDS: readonly SimCodec[] = ['h264-high', 'h264-main', 'h265', 'h265-main10'];
const MIN_FRAMES = 45;
const MIN_SAMPLES = 10;

let t: TestHub;
let browser: TestBrowser;
let viewer: Viewer;

before(async () => {
  t = await startTestHub({ cameras: KINDS.length, codecs: KINDS });
  browser = await launchBrowser();
  viewer = await browser.newViewer({ baseURL: t.hub.url, captureConsole: true });
  await useToken(viewer, await t.token('fire'));
});
after(async () => {
  await browser?.close();
  await t?.close();
});

const median = (values: number[]) => (values.length ? [...values].sort((a, b) => a - b)[values.length >> 1]! : null);

test('High and Main H.264 play as they are, H.265 through the transcode, and H.265 Main 10 is shown as unsupported', async () => {
  const ids = t.cameras.map((camera) => camera.id);
  const cameraOf = (kind: SimCodec) => ids[KINDS.indexOf(kind)]!;
  await openMonitor(viewer, ids, 4);
  await waitForTiles(viewer.page, { state: 'unsupported', count: 1, timeoutMs: 30_000 });
  // Every playing tile has decoded a few seconds of video and read its timestamp strip (a loaded
  // machine takes longer: this waits, it does not time).
  await viewer.page.waitForFunction(
    ({ playing, frames, samples }) => {
      const tiles = (window.__gth?.tiles() ?? []).filter((tile) => playing.includes(tile.cameraId));
      return tiles.length === playing.length && tiles.every((tile) => tile.framesDecoded >= frames && tile.delays.length >= samples);
    },
    { playing: ids.filter((id) => id !== cameraOf('h265-main10')), frames: MIN_FRAMES, samples: MIN_SAMPLES },
    { timeout: 120_000 }
  );

  const tiles = new Map((await readTiles(viewer.page)).map((tile) => [tile.cameraId, tile]));
  const quality = new Map(
    await viewer.page.$$eval('[data-camera-id] video[data-tile]', (videos) =>
      (videos as HTMLVideoElement[]).map((video) => {
        const q = video.getVideoPlaybackQuality();
        return [video.closest('[data-camera-id]')!.getAttribute('data-camera-id')!, { total: q.totalVideoFrames, dropped: q.droppedVideoFrames, width: video.videoWidth }] as const;
      })
    )
  );
  const pathShown = new Map(
    await viewer.page.$$eval('.tile[data-camera-id]', (els) => els.map((el) => [el.getAttribute('data-camera-id')!, el.querySelector('[data-testid="tile-path"]')?.textContent?.trim() ?? ''] as const))
  );

  const report: Record<string, { path: string | null | undefined; delayMs: number | null; receiveDelayMs: number | null; fps: number; frames: number }> = {};
  for (const [kind, path, label] of [
    ['h264-high', 'passthrough', '원본'],
    ['h264-main', 'passthrough', '원본'],
    ['h265', 'transcode', '변환']
  ] as const) {
    const tile = tiles.get(cameraOf(kind));
    assert.ok(tile, `${kind}: no tile in ${JSON.stringify([...tiles.values()].map((t) => [t.cameraId, t.state, t.reason]))}`);
    assert.ok(['live', 'stalled'].includes(tile.state), `${kind} plays (${tile.state})`);
    assert.equal(tile.path, path, `${kind} takes the ${path} path`);
    assert.equal(pathShown.get(cameraOf(kind)), label, `${kind}'s tile says ${label}`);
    assert.ok(tile.framesDecoded >= MIN_FRAMES, `${kind}: ${tile.framesDecoded} frames decoded`);
    const q = quality.get(cameraOf(kind));
    assert.ok(q && q.total >= MIN_FRAMES, `${kind}: the video presented ${q?.total} frames`);
    assert.equal(q?.width, 640, `${kind}: 640 px wide`);
    report[kind] = { path: tile.path, delayMs: median(tile.delays), receiveDelayMs: median(tile.receiveDelays), fps: Math.round(tile.fps * 10) / 10, frames: tile.framesDecoded };
  }

  const main10 = viewer.page.locator(`.tile[data-camera-id="${cameraOf('h265-main10')}"]`);
  assert.equal(await main10.getAttribute('data-state'), 'unsupported');
  assert.equal(await main10.getAttribute('data-reason'), 'CODEC_UNSUPPORTED');
  assert.equal(await main10.getAttribute('data-codec'), 'H.265 Main 10');
  assert.equal((await main10.locator('[data-testid="tile-codec"]').textContent())?.trim(), 'CODEC_UNSUPPORTED: H.265 Main 10');
  assert.match((await main10.locator('.headline').textContent()) ?? '', /지원 안 되는 코덱/);
  assert.equal(await main10.locator('[data-testid="tile-path"]').count(), 0, 'no path: nothing plays');

  await viewer.page.screenshot({ path: join(ARTIFACTS, 'e2e-codecs.png') });
  console.log('codec paths in Chromium (glass-to-glass and receive delay, median ms):');
  for (const [kind, r] of Object.entries(report)) console.log(`  ${kind.padEnd(10)} ${String(r.path).padEnd(11)} glass ${r.delayMs?.toFixed(0)}  receive ${r.receiveDelayMs?.toFixed(0)}  ${r.fps} fps`);
  console.log(JSON.stringify({ bench: 'e2e-codecs', ...report }));
});
