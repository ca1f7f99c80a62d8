/**
 * Tiles that tell the truth, in Debian's Chromium against the real stack, driven by the
 * simulator's own faults:
 * - stall (RTP stops, the RTSP session stays up): live → stalled (영상 끊김) → live;
 * - stop + restart (the camera reboots: a new RTP session): live → reconnecting/offline with
 *   the last picture greyed → live on the new stream.
 * A recorder in the page notes every state the tile shows (its `data-state`) and samples the
 * picture the tile shows on every animation frame (the held still when it is shown, else the
 * video), so a single black frame fails the test. The hub runs with its own retry defaults.
 * Prints the measured times and one JSON line; screenshots go to artifacts/:
 * - stalledShownMs: stall fault → the tile shows 영상 끊김; liveAfterStallMs: frames flow → live;
 * - dropShownMs: camera stopped → the tile shows reconnecting/offline;
 * - pictureBackMs: the camera's RTSP port listens again → first new frame on the tile, split
 *   into ingestBackMs (→ the hub has the camera's new stream: RTSP set-up, the camera's own
 *   pipeline start and the hub's retry wait) and producerToPictureMs (new producer → consumer →
 *   keyframe request → first frame presented).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, openMonitor, useToken, waitForTiles, type TestBrowser, type Viewer } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const ARTIFACTS = process.env.GTH_ARTIFACTS ?? 'artifacts';
mkdirSync(ARTIFACTS, { recursive: true });

/** Faults of each kind per run; more give steadier medians (`GTH_FAULT_ROUNDS=5`). */
const ROUNDS = Math.max(1, Number(process.env.GTH_FAULT_ROUNDS ?? 2));
const FAULT_MS = 4_000;
/** Mean luma (0–255) below which a sampled picture counts as black; the simulated pictures sit far above it. */
const BLACK_LUMA = 16;

let t: TestHub;
let browser: TestBrowser;
let viewer: Viewer;
let faulty: string;
let steady: string;
const measured = { stalledShownMs: [] as number[], liveAfterStallMs: [] as number[], pictureBackMs: [] as number[], ingestBackMs: [] as number[], producerToPictureMs: [] as number[], dropShownMs: [] as number[] };

/** What the page recorder kept: states as the tile showed them, and picture samples. */
interface Recording {
  states: Array<{ state: string; at: number }>;
  samples: number;
  black: Array<{ at: number; state: string; source: string; luma: number }>;
  stillSamples: number;
  minLuma: number;
}

type RecorderWindow = Window & { __faults?: { stop(): Recording } };

before(async () => {
  // Only the idle grace is shortened; the retry schedule is the hub's default.
  t = await startTestHub({ cameras: 2, config: { ingest: { idleGraceMs: 500 } } });
  [faulty, steady] = t.cameras.map((camera) => camera.id) as [string, string];
  browser = await launchBrowser();
  viewer = await browser.newViewer({ baseURL: t.hub.url, captureConsole: true });
  await useToken(viewer, await t.token('fire'));
  await openMonitor(viewer, [faulty, steady], 4);
  await waitForTiles(viewer.page, { state: 'live', timeoutMs: 30_000 });
});

after(async () => {
  await browser?.close();
  await t?.close();
  const median = (values: number[]) => (values.length ? [...values].sort((a, b) => a - b)[values.length >> 1]! : null);
  const summary = Object.fromEntries(Object.entries(measured).map(([key, values]) => [key, { median: median(values), runs: values }]));
  console.log('tile faults (ms):');
  for (const [key, { median: m, runs }] of Object.entries(summary)) console.log(`  ${key.padEnd(18)} median ${m}  runs ${runs.join(', ')}`);
  console.log(JSON.stringify({ bench: 'tile-faults', faultMs: FAULT_MS, rounds: ROUNDS, ...summary }));
});

/** Starts the recorder on the faulty camera's tile. */
async function record(cameraId: string): Promise<void> {
  await viewer.page.evaluate(
    ({ cameraId, blackLuma }) => {
      const tile = document.querySelector<HTMLElement>(`.tile[data-camera-id="${cameraId}"]`)!;
      const video = tile.querySelector('video')!;
      const still = tile.querySelector<HTMLCanvasElement>('canvas.still')!;
      const probe = document.createElement('canvas');
      probe.width = 64;
      probe.height = 36;
      const context = probe.getContext('2d', { willReadFrequently: true })!;
      const recording = { states: [{ state: tile.dataset.state ?? '', at: Date.now() }], samples: 0, black: [], stillSamples: 0, minLuma: 255 } as {
        states: Array<{ state: string; at: number }>;
        samples: number;
        black: Array<{ at: number; state: string; source: string; luma: number }>;
        stillSamples: number;
        minLuma: number;
      };
      const observer = new MutationObserver(() => {
        const state = tile.dataset.state ?? '';
        if (recording.states.at(-1)?.state !== state) recording.states.push({ state, at: Date.now() });
      });
      observer.observe(tile, { attributes: true, attributeFilter: ['data-state'] });
      // Methods, not arrow functions bound to names: tsx's keepNames would wrap those in a
      // helper that does not exist in the page.
      const sampler = {
        last: 0,
        handle: 0,
        sample(now: number) {
          this.handle = requestAnimationFrame((next) => this.sample(next));
          if (now - this.last < 15) return; // Unpaced rAF (no vsync in tests): about 60 samples a second is enough.
          this.last = now;
          // What is on top: the held still when shown, else the video (no frame = the tile's dark background).
          const source = still.hidden ? 'video' : 'still';
          let luma = 0;
          if (source === 'still' || video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
            context.drawImage(source === 'still' ? still : video, 0, 0, probe.width, probe.height);
            const pixels = context.getImageData(0, 0, probe.width, probe.height).data;
            let sum = 0;
            for (let i = 0; i < pixels.length; i += 4) sum += 0.299 * pixels[i]! + 0.587 * pixels[i + 1]! + 0.114 * pixels[i + 2]!;
            luma = sum / (pixels.length / 4);
          }
          recording.samples++;
          if (source === 'still') recording.stillSamples++;
          recording.minLuma = Math.min(recording.minLuma, luma);
          if (luma < blackLuma) recording.black.push({ at: Date.now(), state: tile.dataset.state ?? '', source, luma: Math.round(luma) });
        },
        stop() {
          cancelAnimationFrame(this.handle);
          observer.disconnect();
          return recording;
        }
      };
      sampler.handle = requestAnimationFrame((now) => sampler.sample(now));
      (window as RecorderWindow).__faults = sampler;
    },
    { cameraId, blackLuma: BLACK_LUMA }
  );
}

async function stopRecording(): Promise<Recording> {
  return viewer.page.evaluate(() => (window as RecorderWindow).__faults!.stop());
}

/** Waits until the tile shows one of `states`; the recorder keeps when exactly. */
async function shown(cameraId: string, states: readonly string[], timeoutMs = 30_000): Promise<void> {
  await viewer.page.waitForFunction(
    ({ cameraId, states }) => states.includes(document.querySelector<HTMLElement>(`.tile[data-camera-id="${cameraId}"]`)?.dataset.state ?? ''),
    { cameraId, states },
    { timeout: timeoutMs, polling: 50 }
  );
}

/** When the recording first shows `state` at or after `since` (ms since epoch). */
function firstAt(recording: Recording, state: string, since: number): number {
  const entry = recording.states.find((s) => s.state === state && s.at >= since);
  assert.ok(entry, `the tile showed ${state} after ${since}`);
  return entry.at;
}

/** The distinct states in order (consecutive repeats folded). */
function sequence(recording: Recording): string[] {
  return recording.states.map((s) => s.state).filter((state, i, all) => i === 0 || all[i - 1] !== state);
}

function tileOf(cameraId: string) {
  return viewer.page.locator(`.tile[data-camera-id="${cameraId}"]`);
}

test('a stalled camera: the tile says 영상 끊김 within moments, holds its picture, and is live again when frames flow', async () => {
  for (let round = 1; round <= ROUNDS; round++) {
    await waitForTiles(viewer.page, { state: 'live', timeoutMs: 30_000 });
    await record(faulty);
    const stalledAt = Date.now();
    const stall = t.farm.stall(faulty, FAULT_MS);
    await shown(faulty, ['stalled']);
    if (round === 1) {
      await tileOf(faulty).screenshot({ path: join(ARTIFACTS, 'e2e-tile-stalled.png') });
      assert.equal(await tileOf(faulty).locator('.notice .headline').textContent(), '영상 끊김');
      assert.equal(await tileOf(faulty).locator('[data-badge]').getAttribute('data-badge'), 'stalled');
    }
    await stall;
    const resumedAt = Date.now();
    await shown(faulty, ['live']);
    const recording = await stopRecording();
    const stalledShown = firstAt(recording, 'stalled', stalledAt);
    const liveAgain = firstAt(recording, 'live', stalledShown);

    assert.deepEqual(sequence(recording), ['live', 'stalled', 'live'], `round ${round}: the tile's states`);
    assert.deepEqual(recording.black, [], `round ${round}: no black picture`);
    assert.equal(recording.stillSamples, 0, 'a stall holds the video itself (same stream): no still needed');
    const steadyTile = await tileOf(steady).getAttribute('data-state');
    assert.equal(steadyTile, 'live', 'the other camera stayed live');
    measured.stalledShownMs.push(stalledShown - stalledAt);
    measured.liveAfterStallMs.push(liveAgain - resumedAt);
    console.log(`stall round ${round}: stalled shown ${stalledShown - stalledAt} ms after the fault; live ${liveAgain - resumedAt} ms after frames resumed; ${recording.samples} samples, min luma ${Math.round(recording.minLuma)}`);
  }
  await tileOf(faulty).screenshot({ path: join(ARTIFACTS, 'e2e-tile-after-stall.png') });
});

test('a camera that reboots: the last picture stays, greyed, while reconnecting; live on the new stream, no black frame', async () => {
  for (let round = 1; round <= ROUNDS; round++) {
    await waitForTiles(viewer.page, { state: 'live', timeoutMs: 30_000 });
    await record(faulty);
    const droppedAt = Date.now();
    await t.farm.stop(faulty);
    await shown(faulty, ['reconnecting', 'offline']);
    if (round === 1) await tileOf(faulty).screenshot({ path: join(ARTIFACTS, 'e2e-tile-reconnecting.png') });
    const holding = await viewer.page.evaluate((id) => window.__gth?.tiles().find((tile) => tile.cameraId === id)?.holding, faulty);
    assert.equal(holding, true, 'the last picture is held on the tile');
    assert.match(
      await tileOf(faulty).locator('canvas.still').evaluate((canvas) => getComputedStyle(canvas).filter),
      /grayscale\(1\)/,
      'and greyed'
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, droppedAt + FAULT_MS - Date.now())));
    // The camera answers again once its RTSP port listens.
    const back = new Promise<number>((resolve) => t.farm.once('ready', () => resolve(Date.now())));
    // The hub's side of the recovery: when its ingest has the camera's stream again.
    const ingestLive = new Promise<number>((resolve) => {
      const onState = (label: string, state: string) => {
        if (label !== faulty || state !== 'live') return;
        t.hub.streams.observer.off('state', onState);
        resolve(Date.now());
      };
      t.hub.streams.observer.on('state', onState);
    });
    await t.farm.restart(faulty);
    const backAt = await back;
    const ingestLiveAt = await ingestLive;
    await shown(faulty, ['live']);
    const recording = await stopRecording();
    const dropShown = recording.states.find((s) => s.state !== 'live')!.at;
    const liveAgain = firstAt(recording, 'live', dropShown);

    const states = sequence(recording);
    assert.equal(states[0], 'live');
    assert.equal(states.at(-1), 'live');
    const between = states.slice(1, -1);
    assert.ok(between.length > 0 && between.every((s) => ['reconnecting', 'offline', 'connecting'].includes(s)), `round ${round}: states ${states.join(' → ')}`);
    assert.ok(['reconnecting', 'offline'].includes(between[0]!), 'the drop is shown as reconnecting or offline');
    assert.deepEqual(recording.black, [], `round ${round}: no black picture`);
    assert.ok(recording.stillSamples > 0, 'the held still was on screen during the drop');
    const after = await viewer.page.evaluate((id) => window.__gth?.tiles().find((tile) => tile.cameraId === id), faulty);
    assert.equal(after?.holding, false, 'the still gives way to the new stream');
    measured.dropShownMs.push(dropShown - droppedAt);
    measured.pictureBackMs.push(liveAgain - backAt);
    measured.ingestBackMs.push(ingestLiveAt - backAt);
    measured.producerToPictureMs.push(liveAgain - ingestLiveAt);
    console.log(`reboot round ${round}: ${states.join(' → ')}; drop shown ${dropShown - droppedAt} ms; picture back ${liveAgain - backAt} ms after the camera listened again (its stream reached the hub after ${ingestLiveAt - backAt} ms, the picture ${liveAgain - ingestLiveAt} ms later); ${recording.samples} samples (${recording.stillSamples} of the still), min luma ${Math.round(recording.minLuma)}`);
  }
  await tileOf(faulty).screenshot({ path: join(ARTIFACTS, 'e2e-tile-after-reboot.png') });
  assert.deepEqual(viewer.consoleErrors.filter((e) => !/favicon/.test(e)), []);
});
