/**
 * What the board shows of a pursuit, pure: the map's drawing, the ranking follow mode hands the
 * tiles off by, and the label each tile carries (last sighting, predicted rank and window).
 */
import type { PredictedCameraView, Pursuit, PursuitTarget, Sighting } from '$protocol/pursuit.ts';
import type { PursuitDrawing } from '$lib/map/pursuit-layers.ts';
import type { RankedCamera } from './handoff.ts';
import { clockTime, formatWindow, PURSUIT_TEXT } from './text.ts';

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
      label: i < LABELLED ? `${formatWindow(c.etaMinS, c.etaMaxS, english)} · ${districtName(c.district, english)}` : ''
    })),
    reach: prediction?.reach ?? []
  };
}

/** A tile's pursuit label, by camera: "목격 14:03:21" on the last sighting's, "예측 1 · 20–45초" on a predicted one. */
export function tileTags(pursuit: Pursuit | null, english: boolean): Map<string, string> {
  const tags = new Map<string, string>();
  if (!pursuit) return tags;
  const tx = english ? PURSUIT_TEXT.en : PURSUIT_TEXT.ko;
  if (pursuit.status === 'open') {
    pursuit.prediction?.cameras.forEach((c, i) => tags.set(c.cameraId, `${tx.predictedShort} ${i + 1} · ${formatWindow(c.etaMinS, c.etaMaxS, english)}`));
  }
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
