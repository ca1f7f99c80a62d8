/**
 * Road-network importer: OSM-tagged road GeoJSON → a compact directed graph for travel-time
 * routing (the graph: road-graph.ts; the search: router.ts).
 *
 * Input: a FeatureCollection whose features carry OSM tags as properties (`highway`, `oneway`,
 * `maxspeed`, `name`, `junction`, `@id`), as exported by overpass-turbo or osmtogeojson. Roads
 * are LineStrings or MultiLineStrings, coordinates [lon, lat].
 *
 * - Validation first (zod), import second: a feature that cannot be read refuses the whole
 *   import with a RoadNetworkError listing feature index, field and reason. Nothing is half
 *   imported — the graph is a new immutable object or nothing.
 * - Only drivable classes are kept (DRIVABLE_CLASSES); footways, cycleways, areas (polygons),
 *   construction etc. are counted as skipped. Only kept features are checked in depth (a
 *   footway's odd tag cannot block the import of a city).
 * - Nodes are the coordinates where ways meet (identical coordinates are one node) and the ends
 *   of ways; ways are split there into segments. Inner vertices stay as edge geometry.
 * - Each drivable direction of a segment is one directed edge with length (haversine, metres),
 *   free-flow speed (maxspeed when it parses, else a default per class), free-flow travel time,
 *   the way's name and class, and a stable key `<way id>:<segment>:f|b` (f = along the way's
 *   drawing direction) that an operator can flag. Edge ids are dense integers, assigned in a
 *   deterministic order (by origin node), so the same input gives the same ids.
 *
 * Map data built from OpenStreetMap is © OpenStreetMap contributors, ODbL 1.0; the graph keeps
 * the attribution (`graph.attribution`) so whatever shows a route can credit it.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { RoadNetworkError, type FeatureIssue } from './errors.ts';
import { haversineM } from './geo.ts';
import { DRIVABLE_CLASSES, RoadGraph, type HighwayClass, type ImportStats } from './road-graph.ts';

export { DRIVABLE_CLASSES, RoadGraph, type EdgeInfo, type HighwayClass, type ImportStats } from './road-graph.ts';

/** Free-flow speed (km/h) of a class when `maxspeed` is missing or does not parse. */
export const DEFAULT_SPEEDS_KMH: Readonly<Record<HighwayClass, number>> = {
  motorway: 100,
  trunk: 80,
  primary: 60,
  secondary: 50,
  tertiary: 40,
  unclassified: 30,
  residential: 30,
  living_street: 10,
  service: 20,
  motorway_link: 60,
  trunk_link: 50,
  primary_link: 40,
  secondary_link: 40,
  tertiary_link: 30
};

export const OSM_ATTRIBUTION = '© OpenStreetMap contributors (ODbL)';

export interface ImportOptions {
  /** Credit shown with anything derived from the data. Default: OSM_ATTRIBUTION. */
  attribution?: string;
  /** Overrides of DEFAULT_SPEEDS_KMH. */
  defaultSpeedsKmh?: Partial<Record<HighwayClass, number>>;
  /** Cell side of the nearest-node grid, metres (default 250). */
  gridCellM?: number;
  /** How many issues a refusal lists at most (default 50; all are counted). */
  maxIssues?: number;
}

// ——— validation ———

const GEOMETRY_TYPES = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'] as const;

/** What every feature must be, drivable or not. */
const envelopeSchema = z.object({
  type: z.literal('Feature', { error: 'type must be "Feature"' }),
  id: z.union([z.string(), z.number()], { error: 'id must be a string or a number' }).nullish(),
  properties: z.looseObject(
    {
      highway: z.string({ error: 'highway tag is missing or not a string' }).min(1, { error: 'highway tag is empty' }),
      '@id': z.string({ error: '@id must be a string' }).optional()
    },
    { error: 'properties must be an object with OSM tags' }
  ),
  geometry: z
    .looseObject({ type: z.enum(GEOMETRY_TYPES, { error: `geometry type must be one of ${GEOMETRY_TYPES.join(', ')}` }) }, { error: 'geometry must be an object or null' })
    .nullable()
});

const longitude = z
  .number({ error: 'longitude must be a finite number' })
  .min(-180, { error: 'longitude must be within [-180, 180]' })
  .max(180, { error: 'longitude must be within [-180, 180]' });
const latitude = z
  .number({ error: 'latitude must be a finite number' })
  .min(-90, { error: 'latitude must be within [-90, 90]' })
  .max(90, { error: 'latitude must be within [-90, 90]' });
const position = z.tuple([longitude, latitude], z.number({ error: 'extra position members (elevation) must be numbers' }), {
  error: 'a position must be [lon, lat]'
});
const line = z.array(position, { error: 'coordinates must be an array of [lon, lat] positions' }).min(2, { error: 'a line needs at least 2 positions' });

const ONEWAY_FORWARD = new Set<unknown>(['yes', 'true', '1', true, 1]);
const ONEWAY_BACKWARD = new Set<unknown>(['-1', 'reverse', -1]);
const ONEWAY_BOTH = new Set<unknown>(['no', 'false', '0', false, 0]);
const ONEWAY_TIME_DEPENDENT = new Set<unknown>(['reversible', 'alternating']);
const ONEWAY_STRINGS = ['yes', 'true', '1', '-1', 'reverse', 'no', 'false', '0', 'reversible', 'alternating'] as const;

/** What a feature that will be imported must be. */
const roadSchema = z.object({
  properties: z.looseObject({
    highway: z.enum(DRIVABLE_CLASSES),
    oneway: z
      .union([z.enum(ONEWAY_STRINGS), z.boolean(), z.literal([1, 0, -1])], {
        error: 'oneway must be yes/true/1, -1/reverse, no/false/0 or reversible/alternating'
      })
      .nullish(),
    maxspeed: z
      .union([z.string(), z.number().positive({ error: 'maxspeed must be a positive number (km/h)' })], { error: 'maxspeed must be a string (e.g. "50", "30 mph") or a positive number' })
      .nullish(),
    name: z.string({ error: 'name must be a string' }).nullish(),
    junction: z.string({ error: 'junction must be a string' }).nullish()
  }),
  geometry: z.discriminatedUnion('type', [
    z.object({ type: z.literal('LineString'), coordinates: line }),
    z.object({ type: z.literal('MultiLineString'), coordinates: z.array(line, { error: 'coordinates must be an array of lines' }).min(1) })
  ])
});

type RoadFeature = z.infer<typeof roadSchema>;

const DRIVABLE = new Set<string>(DRIVABLE_CLASSES);
const CLASS_INDEX = new Map<string, number>(DRIVABLE_CLASSES.map((c, i) => [c, i]));

/**
 * km/h from an OSM maxspeed value: a number, "50", "50 km/h", "30 mph", "10 knots", the first of
 * "50;70". Null for anything else ("none", "signals", "SE:urban", …) or implausible values.
 */
export function parseMaxspeedKmh(value: unknown): number | null {
  let kmh: number;
  if (typeof value === 'number') kmh = value;
  else if (typeof value === 'string') {
    const first = value.split(';')[0]!.trim().toLowerCase();
    const m = /^(\d+(?:[.,]\d+)?)\s*(km\/h|kmh|kph|mph|knots)?$/.exec(first);
    if (m === null) return null;
    const n = Number(m[1]!.replace(',', '.'));
    kmh = m[2] === 'mph' ? n * 1.609344 : m[2] === 'knots' ? n * 1.852 : n;
  } else return null;
  return Number.isFinite(kmh) && kmh > 0 && kmh <= 300 ? kmh : null;
}

type Direction = 'forward' | 'backward' | 'both' | 'time-dependent';

function directionOf(props: RoadFeature['properties']): Direction {
  const v = props.oneway;
  if (ONEWAY_TIME_DEPENDENT.has(v)) return 'time-dependent';
  if (ONEWAY_BACKWARD.has(v)) return 'backward';
  if (ONEWAY_FORWARD.has(v)) return 'forward';
  if (ONEWAY_BOTH.has(v)) return 'both';
  // Implied one-way (OSM convention): roundabouts and motorways.
  if (props.junction === 'roundabout' || props.junction === 'circular' || props.highway === 'motorway') return 'forward';
  return 'both';
}

function issueFrom(featureIndex: number, featureId: string | null, error: z.ZodError, prefix: string[] = []): FeatureIssue[] {
  return error.issues.map((issue) => ({
    featureIndex,
    featureId,
    field: [...prefix, ...issue.path.map(String)].join('.') || '(feature)',
    reason: issue.message
  }));
}

function featureIdOf(feature: unknown): string | null {
  if (typeof feature !== 'object' || feature === null) return null;
  const f = feature as { id?: unknown; properties?: { '@id'?: unknown } | null };
  const id = (typeof f.properties === 'object' && f.properties !== null ? f.properties['@id'] : undefined) ?? f.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}

function refuse(issues: FeatureIssue[], count: number): never {
  const shown = issues
    .slice(0, 5)
    .map((i) => (i.featureIndex < 0 ? `${i.field}: ${i.reason}` : `feature #${i.featureIndex}${i.featureId ? ` (${i.featureId})` : ''} ${i.field}: ${i.reason}`));
  const more = count > shown.length ? `; … ${count - shown.length} more` : '';
  throw new RoadNetworkError('ROAD_NETWORK_INVALID', `Road network refused, nothing imported — ${count} issue(s): ${shown.join('; ')}${more}`, issues, count);
}

interface ValidRoad {
  index: number;
  wayId: string;
  feature: RoadFeature;
  direction: Exclude<Direction, 'time-dependent'>;
}

function validate(input: unknown, maxIssues: number): { roads: ValidRoad[]; stats: Pick<ImportStats, 'features' | 'skipped'> } {
  if (typeof input !== 'object' || input === null || (input as { type?: unknown }).type !== 'FeatureCollection') {
    refuse([{ featureIndex: -1, featureId: null, field: 'type', reason: 'input must be a GeoJSON FeatureCollection' }], 1);
  }
  const features = (input as { features?: unknown }).features;
  if (!Array.isArray(features)) refuse([{ featureIndex: -1, featureId: null, field: 'features', reason: 'features must be an array' }], 1);

  const issues: FeatureIssue[] = [];
  let issueCount = 0;
  const add = (found: FeatureIssue[]) => {
    issueCount += found.length;
    for (const f of found) if (issues.length < maxIssues) issues.push(f);
  };
  const skipped = { nonDrivableClass: 0, nonLinear: 0, timeDependentOneway: 0, degenerate: 0, selfLoops: 0 };
  const roads: ValidRoad[] = [];

  for (let index = 0; index < features.length; index++) {
    const raw: unknown = features[index];
    const featureId = featureIdOf(raw);
    const envelope = envelopeSchema.safeParse(raw);
    if (!envelope.success) {
      add(issueFrom(index, featureId, envelope.error));
      continue;
    }
    const { properties, geometry } = envelope.data;
    if (!DRIVABLE.has(properties.highway)) {
      skipped.nonDrivableClass++;
      continue;
    }
    if (geometry === null || (geometry.type !== 'LineString' && geometry.type !== 'MultiLineString')) {
      skipped.nonLinear++;
      continue;
    }
    const road = roadSchema.safeParse(raw);
    if (!road.success) {
      add(issueFrom(index, featureId, road.error));
      continue;
    }
    const direction = directionOf(road.data.properties);
    if (direction === 'time-dependent') {
      skipped.timeDependentOneway++;
      continue;
    }
    roads.push({ index, wayId: featureId ?? `feature#${index}`, feature: road.data, direction });
  }
  if (issueCount > 0) refuse(issues, issueCount);
  return { roads, stats: { features: features.length, skipped } };
}

/** Growable typed-array builders (the build appends tens of thousands of values). */
class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  finish(): Int32Array {
    return this.data.slice(0, this.length);
  }
}
class FloatList {
  data: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  finish(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Imports an OSM road FeatureCollection. Throws RoadNetworkError (ROAD_NETWORK_INVALID with
 * feature-level issues, or ROAD_NETWORK_EMPTY when no drivable road remains).
 */
export function importRoadNetwork(input: unknown, options: ImportOptions = {}): RoadGraph {
  const startedAt = performance.now();
  const speeds = { ...DEFAULT_SPEEDS_KMH, ...options.defaultSpeedsKmh };
  for (const [cls, v] of Object.entries(speeds)) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`defaultSpeedsKmh.${cls} must be a positive number`);
  }
  const { roads, stats: base } = validate(input, options.maxIssues ?? 50);

  // Pass 1: one id per distinct coordinate; count how often each is used, mark way ends.
  const vertexOf = new Map<string, number>();
  const vertexLon = new FloatList(1 << 16);
  const vertexLat = new FloatList(1 << 16);
  const uses = new IntList(1 << 16);
  const parts: { road: number; vertices: Int32Array }[] = [];
  const skipped = { ...base.skipped };
  for (let r = 0; r < roads.length; r++) {
    const geometry = roads[r]!.feature.geometry;
    const lines = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates;
    let kept = 0;
    for (const coordinates of lines) {
      const ids = new IntList(coordinates.length);
      for (const p of coordinates) {
        const key = `${p[0]},${p[1]}`;
        let v = vertexOf.get(key);
        if (v === undefined) {
          v = vertexLon.length;
          vertexOf.set(key, v);
          vertexLon.push(p[0]);
          vertexLat.push(p[1]);
          uses.push(0);
        }
        if (ids.length > 0 && ids.data[ids.length - 1] === v) continue; // repeated position
        ids.push(v);
      }
      if (ids.length < 2) continue;
      const vertices = ids.finish();
      for (const v of vertices) uses.data[v]!++;
      uses.data[vertices[0]!]! += 2; // way ends are always nodes
      uses.data[vertices[vertices.length - 1]!]! += 2;
      parts.push({ road: r, vertices });
      kept++;
    }
    if (kept === 0) skipped.degenerate++;
  }

  // Pass 2: split at nodes into segments; one or two directed edges per segment.
  const nodeOfVertex = new Int32Array(vertexLon.length).fill(-1);
  const nodeLat = new FloatList(1 << 14);
  const nodeLon = new FloatList(1 << 14);
  const nodeOf = (v: number): number => {
    let n = nodeOfVertex[v]!;
    if (n === -1) {
      n = nodeLat.length;
      nodeOfVertex[v] = n;
      nodeLat.push(vertexLat.data[v]!);
      nodeLon.push(vertexLon.data[v]!);
    }
    return n;
  };
  const geomStart = new IntList(1 << 14);
  const geomCoords = new FloatList(1 << 17);
  const segmentIndexInWay = new IntList(1 << 14);
  const eFrom = new IntList(1 << 15);
  const eTo = new IntList(1 << 15);
  const eSegment = new IntList(1 << 15);
  const eReversed = new IntList(1 << 15);
  const eTwin = new IntList(1 << 15);
  const eWay = new IntList(1 << 15);
  const eLength = new FloatList(1 << 15);
  const eSpeed = new FloatList(1 << 15);
  const wayIds: string[] = [];
  const wayNames: (string | null)[] = [];
  const wayClass: number[] = [];
  const segmentCounter: number[] = [];
  let maxspeedParsed = 0;
  let maxspeedDefaulted = 0;
  let oneWayWays = 0;
  let roadM = 0;
  const waySpeed: number[] = [];
  for (const road of roads) {
    const props = road.feature.properties;
    const parsed = parseMaxspeedKmh(props.maxspeed);
    if (parsed !== null) maxspeedParsed++;
    else if (props.maxspeed !== undefined && props.maxspeed !== null) maxspeedDefaulted++;
    waySpeed.push(parsed ?? speeds[props.highway]);
    wayIds.push(road.wayId);
    wayNames.push(props.name ?? null);
    wayClass.push(CLASS_INDEX.get(props.highway)!);
    segmentCounter.push(0);
    if (road.direction !== 'both') oneWayWays++;
  }

  const addEdge = (from: number, to: number, segment: number, reversed: boolean, way: number, lengthM: number, speedKmh: number): number => {
    const id = eFrom.length;
    eFrom.push(from);
    eTo.push(to);
    eSegment.push(segment);
    eReversed.push(reversed ? 1 : 0);
    eTwin.push(-1);
    eWay.push(way);
    eLength.push(lengthM);
    eSpeed.push(speedKmh);
    return id;
  };

  for (const part of parts) {
    const way = part.road;
    const { direction } = roads[way]!;
    const speed = waySpeed[way]!;
    const vs = part.vertices;
    let startNode = nodeOf(vs[0]!);
    let segStartCoord = geomCoords.length / 2;
    geomCoords.push(vertexLon.data[vs[0]!]!);
    geomCoords.push(vertexLat.data[vs[0]!]!);
    let length = 0;
    for (let i = 1; i < vs.length; i++) {
      const a = vs[i - 1]!;
      const b = vs[i]!;
      length += haversineM(vertexLat.data[a]!, vertexLon.data[a]!, vertexLat.data[b]!, vertexLon.data[b]!);
      geomCoords.push(vertexLon.data[b]!);
      geomCoords.push(vertexLat.data[b]!);
      if (uses.data[b]! < 2) continue; // inner vertex
      const endNode = nodeOf(b);
      const indexInWay = segmentCounter[way]!++;
      if (endNode === startNode) {
        skipped.selfLoops++;
        geomCoords.length = segStartCoord * 2; // drop its geometry
      } else {
        const segment = geomStart.length;
        geomStart.push(segStartCoord);
        segmentIndexInWay.push(indexInWay);
        roadM += length;
        const f = direction === 'backward' ? -1 : addEdge(startNode, endNode, segment, false, way, length, speed);
        const r = direction === 'forward' ? -1 : addEdge(endNode, startNode, segment, true, way, length, speed);
        if (f !== -1 && r !== -1) {
          eTwin.data[f] = r;
          eTwin.data[r] = f;
        }
      }
      // The next segment starts at this node.
      startNode = endNode;
      segStartCoord = geomCoords.length / 2;
      geomCoords.push(vertexLon.data[b]!);
      geomCoords.push(vertexLat.data[b]!);
      length = 0;
    }
    geomCoords.length -= 2; // the part's last node opened a segment that has no second position
  }
  geomStart.push(geomCoords.length / 2);

  const nodeCount = nodeLat.length;
  const edgeCount = eFrom.length;
  if (edgeCount === 0) {
    throw new RoadNetworkError('ROAD_NETWORK_EMPTY', `Road network refused: no drivable road in ${base.features} features (classes kept: ${DRIVABLE_CLASSES.join(', ')})`);
  }

  // Renumber edges by origin node (counting sort, stable): CSR adjacency, cache-friendly search.
  const firstOut = new Int32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) firstOut[eFrom.data[e]! + 1]!++;
  for (let n = 0; n < nodeCount; n++) firstOut[n + 1]! += firstOut[n]!;
  const fill = firstOut.slice(0, nodeCount);
  const newId = new Int32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) newId[e] = fill[eFrom.data[e]!]!++;
  const permute = <T extends Int32Array | Float64Array | Float32Array | Uint8Array>(src: ArrayLike<number>, dst: T): T => {
    for (let e = 0; e < edgeCount; e++) dst[newId[e]!] = src[e]!;
    return dst;
  };
  const edgeTwin = new Int32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    const t = eTwin.data[e]!;
    edgeTwin[newId[e]!] = t === -1 ? -1 : newId[t]!;
  }
  const edgeLengthM = permute(eLength.data, new Float64Array(edgeCount));
  const edgeSpeedKmh = permute(eSpeed.data, new Float32Array(edgeCount));
  const edgeFreeFlowS = new Float64Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) edgeFreeFlowS[newId[e]!] = eLength.data[e]! / (eSpeed.data[e]! / 3.6);

  const graph = new RoadGraph(
    {
      nodeLat: nodeLat.finish(),
      nodeLon: nodeLon.finish(),
      firstOut,
      edgeFrom: permute(eFrom.data, new Int32Array(edgeCount)),
      edgeTo: permute(eTo.data, new Int32Array(edgeCount)),
      edgeLengthM,
      edgeFreeFlowS,
      edgeSpeedKmh,
      edgeWay: permute(eWay.data, new Int32Array(edgeCount)),
      edgeSegment: permute(eSegment.data, new Int32Array(edgeCount)),
      edgeReversed: permute(eReversed.data, new Uint8Array(edgeCount)),
      edgeTwin,
      geomStart: geomStart.finish(),
      geomCoords: geomCoords.finish(),
      segmentIndexInWay: segmentIndexInWay.finish(),
      wayIds,
      wayNames,
      wayClass: Uint8Array.from(wayClass)
    },
    {
      features: base.features,
      drivableWays: roads.length,
      oneWayWays,
      skipped,
      maxspeedParsed,
      maxspeedDefaulted,
      nodes: nodeCount,
      edges: edgeCount,
      segments: geomStart.length - 1,
      roadKm: roadM / 1000
    },
    { attribution: options.attribution ?? OSM_ATTRIBUTION, gridCellM: options.gridCellM ?? 250, startedAt }
  );
  return graph;
}

/** Reads and imports a GeoJSON file (JSON syntax errors become ROAD_NETWORK_INVALID). */
export function readRoadNetworkFile(path: string, options: ImportOptions = {}): RoadGraph {
  const text = readFileSync(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RoadNetworkError('ROAD_NETWORK_INVALID', `Road network refused: ${path} is not valid JSON (${(err as Error).message})`, [
      { featureIndex: -1, featureId: null, field: '(file)', reason: 'not valid JSON' }
    ]);
  }
  return importRoadNetwork(json, options);
}
