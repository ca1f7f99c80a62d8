/** Where `bench:alerts` puts its events: registry cameras as an agency's map loads them. */
import { distanceM } from '../../../server/auth/scope.ts';
import type { MapCameras } from '../../../server/protocol/map.ts';
import type { HubProcess } from '../../support/hub-process.ts';

export interface Place {
  id: string;
  lat: number;
  lon: number;
}

/** The cameras `agency` sees on its map (`GET /api/geo/cameras`: its scope). */
export async function cameraPlaces(hub: HubProcess, agency: string): Promise<Place[]> {
  const response = await fetch(`${hub.url}/api/geo/cameras`, { headers: { authorization: `Bearer ${await hub.token(agency)}` } });
  if (!response.ok) throw new Error(`GET /api/geo/cameras as ${agency}: ${response.status}`);
  const cameras = (await response.json()) as MapCameras;
  return cameras.ids.map((id, i) => ({ id, lat: cameras.lat[i]!, lon: cameras.lon[i]! }));
}

/** The first `count` places each at least `minM` from those before it (fails if there are not enough). */
export function spreadApart(places: readonly Place[], count: number, minM: number): Place[] {
  const picked: Place[] = [];
  for (const place of places) {
    if (picked.length === count) break;
    if (picked.every((p) => distanceM(p, place) >= minM)) picked.push(place);
  }
  if (picked.length < count) throw new Error(`only ${picked.length} cameras ${minM} m apart (wanted ${count})`);
  return picked;
}

/** `count` places taken evenly through the list (the registry's order spreads them over the city). */
export function evenlyThrough(places: readonly Place[], count: number): Place[] {
  const step = Math.max(1, Math.floor(places.length / count));
  return places.filter((_, i) => i % step === 0).slice(0, count);
}
