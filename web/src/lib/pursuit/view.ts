/**
 * What the board shows of a pursuit, pure: the map's drawing, the ranking follow mode hands the
 * tiles off by, and the label each tile carries (last sighting, predicted rank and window).
 */
import type { PredictedCameraView, Pursuit, PursuitTarget, Sighting } from '$protocol/pursuit.ts';
import type { PursuitDrawing } from '$lib/map/pursuit-layers.ts';
import type { RankedCamera } from './handoff.ts';
import { clockTime, formatAge, formatWindow, PURSUIT_TEXT } from './text.ts';

/** Predicted cameras whose window and 구 are written on the map (the rest are numbered dots). */
export const LABELLED = 8;

export function lastSighting(pursuit: Pursuit | null): Sighting | null {
  return pursuit?.track.at(-1) ?? null;
}

/** The predicted cameras a tile can play: held by the pursuit's grant, or in the agency's own scope. */
export function playable(pursuit: Pursuit | null, inScope: (cameraId: string) => boolean): PredictedCameraView[] {
  if (!pursuit || pursuit.status !== 'open' || !pursuit.prediction) return [];
  return pursuit.prediction.cameras.filter((c) => c.granted || inScope(c.cameraId));
}

export function ranking(cameras: readonly PredictedCameraView[]): RankedCamera[] {
  return cameras.map((c) => ({ cameraId: c.cameraId, score: c.probability }));
}

export function districtName(district: { name: string; nameEn: string }, english: boolean): string {
  return english ? district.nameEn : district.name;
}

/**
 * A predicted camera's arrival window counted down from `now` (seconds; the prediction's are
 * after its anchor, the last sighting); null once the window is over.
 */
export function windowFromNow(camera: Pick<PredictedCameraView, 'etaMinS' | 'etaMaxS'>, anchorAt: number, now: number): { minS: number; maxS: number } | null {
  const elapsedS = (now - anchorAt) / 1000;
  const maxS = camera.etaMaxS - elapsedS;
  return maxS < 0 ? null : { minS: Math.max(0, camera.etaMinS - elapsedS), maxS };
}

/** The window as the panel and the tiles say it: "12–37초" from now, or 지남 once over. */
export function countdown(camera: Pick<PredictedCameraView, 'etaMinS' | 'etaMaxS'>, anchorAt: number, now: number, english: boolean): string {
  const left = windowFromNow(camera, anchorAt, now);
  return left ? formatWindow(left.minS, left.maxS, english) : (english ? PURSUIT_TEXT.en : PURSUIT_TEXT.ko).passed;
}

/**
 * An open pursuit that predicts no camera any more (the target unseen too long, or off the
 * cameras' roads): "마지막 목격 12분 전, 예측 없음" rather than an empty list; null while it predicts.
 */
export function lostNote(pursuit: Pursuit | null, now: number, english: boolean): string | null {
  const last = lastSighting(pursuit);
  if (!pursuit || pursuit.status !== 'open' || !last || (pursuit.prediction?.cameras.length ?? 0) > 0) return null;
  const tx = english ? PURSUIT_TEXT.en : PURSUIT_TEXT.ko;
  return `${tx.lastSeen} ${formatAge(now - last.at, english)} ${tx.ago}, ${tx.noPrediction}`;
}

/** The track, the predicted cameras (their windows and 구 on the first LABELLED) and the reach. */
export function drawingOf(pursuit: Pursuit, english: boolean): PursuitDrawing {
  const prediction = pursuit.status === 'open' ? pursuit.prediction : null;
  return {
    track: pursuit.track.map((s) => ({
      lat: s.location.lat,
      lon: s.location.lon,
      kind: s.lpr ? 'lpr' : 'sighting',
      label: s.lpr ? `${clockTime(s.at, english)} · ${s.lpr.plate}` : clockTime(s.at, english)
    })),
    predicted: (prediction?.cameras ?? []).map((c, i) => ({
      cameraId: c.cameraId,
      lat: c.location.lat,
      lon: c.location.lon,
      rank: i + 1,
      // The map is not redrawn each second: its windows are clock times, true without a countdown.
      label: i < LABELLED && prediction ? `${clockWindow(prediction.anchorAt, c.etaMinS, c.etaMaxS, english)} · ${districtName(c.district, english)}` : ''
    })),
    reach: prediction?.reach ?? []
  };
}

/** "14:03:40–04:05": when the target may pass, as times of day (the end's hour left out when it is the same). */
function clockWindow(anchorAt: number, etaMinS: number, etaMaxS: number, english: boolean): string {
  const from = clockTime(anchorAt + etaMinS * 1000, english);
  const to = clockTime(anchorAt + etaMaxS * 1000, english);
  return from.slice(0, 3) === to.slice(0, 3) ? `${from}–${to.slice(3)}` : `${from}–${to}`;
}

/** A tile's pursuit label, by camera: "목격 14:03:21" on the last sighting's, "예측 1 · 12–37초" (from `now`) on a predicted one. */
export function tileTags(pursuit: Pursuit | null, english: boolean, now: number): Map<string, string> {
  const tags = new Map<string, string>();
  if (!pursuit) return tags;
  const tx = english ? PURSUIT_TEXT.en : PURSUIT_TEXT.ko;
  const prediction = pursuit.status === 'open' ? pursuit.prediction : null;
  prediction?.cameras.forEach((c, i) => tags.set(c.cameraId, `${tx.predictedShort} ${i + 1} · ${countdown(c, prediction.anchorAt, now, english)}`));
  const last = lastSighting(pursuit);
  if (last) tags.set(last.cameraId, `${tx.lastSeen} ${clockTime(last.at, english)}`);
  return tags;
}

/** The target as the panel's fields describe it: blank fields are left out. */
export function targetOf(fields: { kind: PursuitTarget['kind']; plate: string; colour: string; vehicleType: string; description: string }): PursuitTarget {
  const text = (value: string): string | undefined => value.trim() || undefined;
  const description = text(fields.description);
  if (fields.kind === 'person') return { kind: 'person', ...(description ? { description } : {}) };
  const plate = text(fields.plate)?.replace(/\s+/g, '');
  const colour = text(fields.colour);
  const vehicleType = text(fields.vehicleType);
  return { kind: 'vehicle', ...(plate ? { plate } : {}), ...(colour ? { colour } : {}), ...(vehicleType ? { vehicleType } : {}), ...(description ? { description } : {}) };
}
