/** What the map screens load once: every in-scope camera (columnar, for 68k points) and the base layers. */

/**
 * In-scope cameras as parallel arrays (index i is one camera): a 68,000-camera registry is
 * ≈4 MB this way instead of ≈12 MB as objects, and the browser feeds it straight to WebGL.
 */
export interface MapCameras {
  count: number;
  /** 설치목적구분 names; `category[i]` indexes this list. */
  categories: string[];
  ids: string[];
  lat: number[];
  lon: number[];
  category: number[];
  /** Degrees clockwise from north; −1 when unknown (then `fov[i]` is 0). */
  facing: number[];
  fov: number[];
}

export interface MapStation {
  id: string;
  kind: 'fire' | 'police';
  name: string;
  district: string;
  lat: number;
  lon: number;
}

/** `GET /api/geo/districts`: the city's 구 as GeoJSON features (properties: code, name, nameEn). */
export interface DistrictsGeoJson {
  type: 'FeatureCollection';
  features: unknown[];
}

/** Base layers: the same for every caller (no camera in them), so the hub builds them once. */
export interface MapLayers {
  /** Road ways as [lon, lat] lines with their OSM class, name and one-way flag. */
  roads: Array<{ highway: string; name: string; oneway: boolean; line: Array<[number, number]> }>;
  /** Water polygons (rings of [lon, lat]). */
  water: Array<Array<[number, number]>>;
  stations: MapStation[];
  attribution: string;
}
