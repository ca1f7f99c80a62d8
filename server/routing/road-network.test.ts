// Runs on a real OpenStreetMap export of Göteborg (© OpenStreetMap contributors, ODbL).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { RoadNetworkError } from './errors.ts';
import { haversineM } from './geo.ts';
import { DEFAULT_SPEEDS_KMH, OSM_ATTRIBUTION, importRoadNetwork, parseMaxspeedKmh, readRoadNetworkFile } from './road-network.ts';
import { GOTEBORG_PATH, goteborg, seededRandom } from './test-support.ts';

/** Teatergatan, Göteborg: a one-way residential street (OSM way 4276189, oneway=yes). */
const TEATERGATAN = 'way/4276189';

type Props = Record<string, unknown>;
const road = (coordinates: unknown[][], properties: Props, id?: string) => ({
  type: 'Feature',
  ...(id ? { id } : {}),
  properties: { highway: 'residential', ...properties },
  geometry: { type: 'LineString', coordinates }
});
const collection = (features: unknown[]) => ({ type: 'FeatureCollection', features });

test('imports the Göteborg network: stats, a compact graph, consistent arrays', (t) => {
  const started = performance.now();
  const graph = readRoadNetworkFile(GOTEBORG_PATH);
  const ms = performance.now() - started;
  const s = graph.stats;
  t.diagnostic(`read+parse+import ${ms.toFixed(0)} ms (import ${s.importMs.toFixed(0)} ms): ${s.nodes} nodes, ${s.edges} edges, ${s.segments} segments, ${s.roadKm.toFixed(0)} km, ${(graph.byteLength / 1e6).toFixed(1)} MB typed arrays`);

  assert.equal(s.features, 20227);
  assert.equal(s.drivableWays, 9935, 'drivable LineStrings (footways, cycleways, areas … skipped)');
  assert.equal(s.skipped.nonDrivableClass + s.skipped.nonLinear + s.drivableWays, s.features);
  assert.equal(s.skipped.nonLinear, 13, 'area=yes polygons of drivable classes');
  assert.equal(graph.nodeCount, s.nodes);
  assert.equal(graph.edgeCount, s.edges);
  assert.ok(s.nodes > 14_000 && s.nodes < 16_000, `nodes ${s.nodes}`);
  assert.ok(s.edges > 30_000 && s.edges < 33_000, `edges ${s.edges}`);
  assert.ok(s.mainComponentNodes > 0.95 * s.nodes, 'almost every node is in the main component');
  assert.equal(graph.attribution, OSM_ATTRIBUTION);

  // CSR: edges sorted by origin; every edge has length, time and a real twin or none.
  assert.equal(graph.firstOut[0], 0);
  assert.equal(graph.firstOut[graph.nodeCount], graph.edgeCount);
  let oneWay = 0;
  for (let n = 0; n < graph.nodeCount; n++) {
    for (let e = graph.firstOut[n]!; e < graph.firstOut[n + 1]!; e++) assert.equal(graph.edgeFrom[e], n);
  }
  for (let e = 0; e < graph.edgeCount; e++) {
    assert.notEqual(graph.edgeFrom[e], graph.edgeTo[e], 'no self-loops');
    assert.ok(graph.edgeLengthM[e]! > 0 && graph.edgeFreeFlowS[e]! > 0);
    const twin = graph.edgeTwin[e]!;
    if (twin === -1) oneWay++;
    else {
      assert.equal(graph.edgeTwin[twin], e);
      assert.equal(graph.edgeFrom[twin], graph.edgeTo[e]);
      assert.equal(graph.edgeLengthM[twin], graph.edgeLengthM[e]);
    }
  }
  assert.equal(graph.edgeCount, 2 * s.segments - oneWay, 'two edges per two-way segment, one per one-way');

  // Geometry: starts and ends at the edge's nodes, and its length is the edge length.
  const rnd = seededRandom(7);
  for (let i = 0; i < 500; i++) {
    const e = Math.floor(rnd() * graph.edgeCount);
    const geom = graph.edgeGeometry(e);
    const from = graph.edgeFrom[e]!;
    const to = graph.edgeTo[e]!;
    assert.deepEqual(geom[0], [graph.nodeLon[from], graph.nodeLat[from]]);
    assert.deepEqual(geom.at(-1), [graph.nodeLon[to], graph.nodeLat[to]]);
    let length = 0;
    for (let k = 1; k < geom.length; k++) length += haversineM(geom[k - 1]![1], geom[k - 1]![0], geom[k]![1], geom[k]![0]);
    assert.ok(Math.abs(length - graph.edgeLengthM[e]!) < 1e-6);
  }
});

test('a known one-way street (Teatergatan) has edges in its drawing direction only', () => {
  const graph = goteborg();
  const edges = graph.edgesOfWay(TEATERGATAN);
  assert.ok(edges.length >= 2);
  for (const e of edges) {
    const info = graph.edge(e);
    assert.equal(info.name, 'Teatergatan');
    assert.equal(info.twin, -1);
    assert.match(info.key, /^way\/4276189:\d+:f$/);
  }
  // …and a two-way street has both directions.
  const twoWay = graph.edge(graph.edgesOfWay('way/4040439')[0]!);
  assert.equal(twoWay.highway, 'motorway', 'motorway: implied one-way');
  assert.equal(twoWay.twin, -1);
});

test('edge ids and keys are stable: the same input gives the same edges', () => {
  const a = goteborg();
  const b = importRoadNetwork(JSON.parse(readFileSync(GOTEBORG_PATH, 'utf8')));
  assert.equal(a.edgeCount, b.edgeCount);
  const rnd = seededRandom(3);
  for (let i = 0; i < 200; i++) {
    const e = Math.floor(rnd() * a.edgeCount);
    assert.deepEqual(a.edge(e), b.edge(e));
    assert.equal(b.edgeIdByKey(a.edgeKey(e)), e);
  }
  assert.equal(a.edgeIdByKey('way/0:0:f'), -1);
});

test('nearestNode (grid index) agrees with a linear scan', () => {
  const graph = goteborg();
  const rnd = seededRandom(11);
  for (let i = 0; i < 300; i++) {
    // Around and a little beyond the city's extent.
    const lat = 57.6 + rnd() * 0.2;
    const lon = 11.8 + rnd() * 0.35;
    const main = i % 2 === 0;
    let best = -1;
    let bestD = Infinity;
    for (let n = 0; n < graph.nodeCount; n++) {
      if (main && graph.component[n] !== graph.mainComponent) continue;
      const d = haversineM(lat, lon, graph.nodeLat[n]!, graph.nodeLon[n]!);
      if (d < bestD) {
        bestD = d;
        best = n;
      }
    }
    const hit = graph.nearestNode(lat, lon, { mainComponentOnly: main });
    assert.ok(hit);
    assert.equal(hit.distanceM, bestD, `point ${lat},${lon}`);
    assert.equal(hit.node, best);
  }
});

test('splits ways where they share a vertex, snaps identical coordinates, reads oneway variants', () => {
  // A west–east street crossed in its middle by a north–south one; side streets of each oneway kind.
  const graph = importRoadNetwork(
    collection([
      road([[10, 50], [10.001, 50], [10.002, 50]], { name: 'Main' }, 'way/1'),
      road([[10.001, 49.999], [10.001, 50], [10.001, 50.001]], { oneway: 'yes' }, 'way/2'),
      road([[10.002, 50], [10.003, 50]], { oneway: '-1' }, 'way/3'),
      road([[10.003, 50], [10.004, 50]], { oneway: true }, 'way/4'),
      road([[10.004, 50], [10.005, 50]], { oneway: 1, maxspeed: '30 mph' }, 'way/5'),
      road([[10.005, 50], [10.006, 50]], { oneway: 'no', maxspeed: 70 }, 'way/6'),
      road([[10.006, 50], [10.006, 50], [10.007, 50]], { junction: 'roundabout', maxspeed: 'none' }, 'way/7'),
      road([[10.007, 50], [10.008, 50]], { oneway: 'reversible' }, 'way/8'),
      road([[10.007, 50], [10.009, 50]], { highway: 'footway' }, 'way/9'),
      { type: 'Feature', properties: { highway: 'service', area: 'yes' }, geometry: { type: 'Polygon', coordinates: [[[10, 50], [10, 50.1], [10.1, 50], [10, 50]]] } }
    ])
  );
  const s = graph.stats;
  assert.equal(s.drivableWays, 7);
  assert.equal(s.skipped.timeDependentOneway, 1);
  assert.equal(s.skipped.nonDrivableClass, 1);
  assert.equal(s.skipped.nonLinear, 1);
  // Nodes: 10,50 | 10.001,50 (crossing) | 10.002 | 10.001,49.999 | 10.001,50.001 | 10.003 … 10.007.
  assert.equal(graph.nodeCount, 10);
  const keys = Array.from({ length: graph.edgeCount }, (_, e) => graph.edgeKey(e)).sort();
  assert.deepEqual(keys, [
    'way/1:0:b', 'way/1:0:f', 'way/1:1:b', 'way/1:1:f', // split at the crossing, both directions
    'way/2:0:f', 'way/2:1:f', // oneway=yes, split too
    'way/3:0:b', // oneway=-1: against the drawing direction only
    'way/4:0:f',
    'way/5:0:f',
    'way/6:0:b', 'way/6:0:f',
    'way/7:0:f' // roundabout ⇒ one-way; the repeated position is dropped
  ]);
  const byKey = (k: string) => graph.edge(graph.edgeIdByKey(k));
  assert.equal(byKey('way/1:0:f').name, 'Main');
  assert.equal(byKey('way/1:0:f').speedKmh, DEFAULT_SPEEDS_KMH.residential);
  assert.ok(Math.abs(byKey('way/5:0:f').speedKmh - 48.28) < 0.01, '30 mph');
  assert.equal(byKey('way/6:0:f').speedKmh, 70);
  assert.equal(byKey('way/7:0:f').speedKmh, DEFAULT_SPEEDS_KMH.residential, 'maxspeed=none → class default');
  const e = byKey('way/1:0:f');
  assert.ok(Math.abs(e.freeFlowS - e.lengthM / (30 / 3.6)) < 1e-9);
  assert.equal(graph.nearestNode(50.0004, 10.0012)?.node, e.to, 'the crossing');
});

test('refuses bad features with feature-level errors and imports nothing', () => {
  const good = road([[10, 50], [10.001, 50]], {}, 'way/1');
  const input = collection([
    good,
    road([[10, 50], [10.001, 95]], {}, 'way/2'), // latitude out of range
    road([[10, 50], [10.001, 50]], { oneway: 'maybe' }, 'way/3'),
    road([[10, 50]], {}, 'way/4'), // one position
    { type: 'Feature', properties: { name: 'no highway' }, geometry: { type: 'LineString', coordinates: [[10, 50], [10.1, 50]] } },
    road([[10, 50], ['x', 50]], { maxspeed: -5 }, 'way/6'),
    { type: 'Feature', properties: { highway: 'residential' }, geometry: { type: 'Circle', coordinates: [] } },
    road([[10, 50], [10.001, Number.NaN]], { highway: 'footway' }, 'way/8') // not imported: not checked in depth
  ]);
  const err = (() => {
    try {
      importRoadNetwork(input);
    } catch (e) {
      return e;
    }
    assert.fail('the import should have been refused');
  })();
  assert.ok(err instanceof RoadNetworkError);
  assert.equal(err.code, 'ROAD_NETWORK_INVALID');
  const found = err.issues.map((i) => `${i.featureIndex} ${i.featureId} ${i.field}: ${i.reason}`);
  assert.deepEqual(found, [
    '1 way/2 geometry.coordinates.1.1: latitude must be within [-90, 90]',
    '2 way/3 properties.oneway: oneway must be yes/true/1, -1/reverse, no/false/0 or reversible/alternating',
    '3 way/4 geometry.coordinates: a line needs at least 2 positions',
    '4 null properties.highway: highway tag is missing or not a string',
    '5 way/6 properties.maxspeed: maxspeed must be a positive number (km/h)',
    '5 way/6 geometry.coordinates.1.0: longitude must be a finite number',
    '6 null geometry.type: geometry type must be one of Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon, GeometryCollection'
  ]);
  assert.equal(err.issueCount, 7);
  assert.match(err.message, /nothing imported — 7 issue\(s\): feature #1 \(way\/2\) geometry\.coordinates\.1\.1: latitude/);

  // The real city with one broken feature: refused as a whole, the culprit named.
  const city = JSON.parse(readFileSync(GOTEBORG_PATH, 'utf8')) as { features: { properties: Props }[] };
  const index = city.features.findIndex((f) => f.properties['@id'] === 'way/4276189');
  city.features[index]!.properties.oneway = 'sometimes';
  assert.throws(
    () => importRoadNetwork(city),
    (e: unknown) => e instanceof RoadNetworkError && e.issueCount === 1 && e.issues[0]!.featureIndex === index && e.issues[0]!.featureId === 'way/4276189'
  );

  // Not a collection, or nothing drivable.
  assert.throws(() => importRoadNetwork({ type: 'Feature' }), (e: unknown) => e instanceof RoadNetworkError && e.code === 'ROAD_NETWORK_INVALID' && e.issues[0]?.field === 'type');
  assert.throws(
    () => importRoadNetwork(collection([road([[10, 50], [10.1, 50]], { highway: 'cycleway' })])),
    (e: unknown) => e instanceof RoadNetworkError && e.code === 'ROAD_NETWORK_EMPTY'
  );
});

test('parseMaxspeedKmh reads OSM maxspeed values', () => {
  assert.equal(parseMaxspeedKmh('50'), 50);
  assert.equal(parseMaxspeedKmh(70), 70);
  assert.equal(parseMaxspeedKmh('30 km/h'), 30);
  assert.ok(Math.abs(parseMaxspeedKmh('50 mph')! - 80.4672) < 1e-9);
  assert.ok(Math.abs(parseMaxspeedKmh('10 knots')! - 18.52) < 1e-9);
  assert.equal(parseMaxspeedKmh('50;70'), 50);
  for (const v of ['none', 'signals', 'SE:urban', 'walk', '', '0', '-5', '9999', null, undefined, {}]) assert.equal(parseMaxspeedKmh(v), null, String(v));
});
