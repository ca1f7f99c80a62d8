// The synthetic Seoul network (합성 데이터 — 실제 도로망 아님) on the real importer and router.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { districtAt, districtByCode, seoulDistricts } from '../districts.ts';
import { pointInRings } from '../geometry.ts';
import { importRoadNetwork, type RoadGraph } from '../../routing/road-network.ts';
import { Router } from '../../routing/router.ts';
import { BRIDGE_ID_PREFIX, SYNTHETIC_ATTRIBUTION, SYNTHETIC_NOTE, generateRoads, type RoadsCollection } from './generate.ts';
import { HAN_BRIDGES, hanRiver, isSouthBankDistrict } from './river.ts';
import { seededRandom } from '../random.ts';

let cached: { roads: RoadsCollection; graph: RoadGraph } | null = null;
function network(): { roads: RoadsCollection; graph: RoadGraph } {
  if (cached === null) {
    const roads = generateRoads({ seed: 1 });
    cached = { roads, graph: importRoadNetwork(roads, { attribution: SYNTHETIC_ATTRIBUTION }) };
  }
  return cached;
}

const isBridgeEdge = (graph: RoadGraph, e: number) => graph.edge(e).wayId.startsWith(BRIDGE_ID_PREFIX);

function mainNodesBySide(graph: RoadGraph): { north: number[]; south: number[] } {
  const river = hanRiver();
  const north: number[] = [];
  const south: number[] = [];
  for (let n = 0; n < graph.nodeCount; n++) {
    if (graph.component[n] !== graph.mainComponent) continue;
    const side = river.sideAt(graph.nodeLat[n]!, graph.nodeLon[n]!);
    if (side === 'north') north.push(n);
    else if (side === 'south') south.push(n);
  }
  return { north, south };
}

test('generation and import: sizes and timing (printed, not asserted)', (t) => {
  hanRiver(); // the districts and the river once, outside the timing
  const t0 = performance.now();
  const roads = generateRoads({ seed: 1 });
  const t1 = performance.now();
  const graph = importRoadNetwork(roads, { attribution: SYNTHETIC_ATTRIBUTION });
  const t2 = performance.now();
  const s = graph.stats;
  t.diagnostic(
    `generate ${(t1 - t0).toFixed(0)} ms, import ${(t2 - t1).toFixed(0)} ms: ${roads.features.length} ways (${roads.properties.bridges.length} bridges), ` +
      `${s.nodes} nodes, ${s.edges} edges, ${s.roadKm.toFixed(0)} km, main component ${s.mainComponentNodes} nodes, JSON ${(JSON.stringify(roads).length / 1e6).toFixed(1)} MB`
  );
  assert.equal(s.skipped.nonDrivableClass + s.skipped.degenerate + s.skipped.selfLoops, 0, 'everything generated is imported');
  assert.ok(s.edges >= 20_000 && s.edges <= 60_000, `edges ${s.edges}`);
  assert.ok(s.mainComponentNodes > 0.98 * s.nodes, `main component ${s.mainComponentNodes} of ${s.nodes}`);
  assert.equal(graph.attribution, SYNTHETIC_ATTRIBUTION);
  const classes = new Set(roads.features.map((f) => f.properties.highway));
  for (const c of ['trunk', 'primary', 'secondary', 'tertiary', 'residential']) assert.ok(classes.has(c as never), `has ${c}`);
});

test('deterministic from the seed', () => {
  const strip = (c: RoadsCollection) => JSON.stringify({ ...c, properties: { ...c.properties, generatedMs: 0 } });
  const a = strip(network().roads);
  assert.equal(strip(generateRoads({ seed: 1 })), a);
  assert.notEqual(strip(generateRoads({ seed: 2 })), a);
  assert.throws(() => generateRoads({ seed: 1.5 }), RangeError);
});

test('labelled synthetic: every feature and the collection', () => {
  const { roads } = network();
  assert.equal(roads.properties.synthetic, true);
  assert.equal(roads.properties.note, SYNTHETIC_NOTE);
  assert.match(SYNTHETIC_NOTE, /합성 데이터/);
  for (const f of roads.features) {
    assert.equal(f.properties.synthetic, true);
    assert.ok(f.properties.name.length > 0, `${f.id} has a Korean name`);
  }
});

test('every vertex lies inside Seoul; only bridges have vertices in the river', () => {
  const { roads } = network();
  const river = hanRiver();
  let vertices = 0;
  for (const f of roads.features) {
    const bridge = f.properties.bridge === 'yes';
    for (const [lon, lat] of f.geometry.coordinates) {
      vertices++;
      assert.notEqual(districtAt(lat, lon), null, `${f.id} vertex ${lon},${lat} is outside Seoul`);
      if (!bridge) assert.notEqual(river.sideAt(lat, lon), 'river', `${f.id} vertex ${lon},${lat} is in the Han`);
    }
  }
  assert.ok(vertices > 10_000);
});

test('the river derived from the boundaries separates the north-bank and south-bank 구', () => {
  const river = hanRiver();
  const random = seededRandom(7);
  for (const d of seoulDistricts()) {
    const rings = d.polygons.flat();
    let land = 0;
    let expected = 0;
    while (land < 200) {
      const lon = d.bbox[0] + random() * (d.bbox[2] - d.bbox[0]);
      const lat = d.bbox[1] + random() * (d.bbox[3] - d.bbox[1]);
      if (!pointInRings(lon, lat, rings)) continue;
      const side = river.sideAt(lat, lon);
      if (side === 'river') continue;
      land++;
      if ((side === 'south') === isSouthBankDistrict(d.code)) expected++;
    }
    assert.ok(expected >= 0.97 * land, `${d.name}: ${expected}/${land} points on its bank`);
  }
});

test('the bridges are named ways at their real places and the only links across the Han', () => {
  const { roads, graph } = network();
  assert.deepEqual(roads.properties.bridges, HAN_BRIDGES.map((b) => b.name), 'every listed bridge was built');
  for (const name of ['양화대교', '마포대교', '한강대교', '동작대교', '반포대교', '한남대교', '동호대교', '성수대교', '영동대교', '잠실대교']) {
    const way = roads.features.find((f) => f.properties.name === name && f.properties.bridge === 'yes');
    assert.ok(way, `${name} exists`);
    assert.ok(graph.edgesOfWay(way.id).length > 0, `${name} is in the graph`);
  }
  // Structural: any edge whose ends are on opposite banks is a bridge.
  const river = hanRiver();
  for (let e = 0; e < graph.edgeCount; e++) {
    const a = river.sideAt(graph.nodeLat[graph.edgeFrom[e]!]!, graph.nodeLon[graph.edgeFrom[e]!]!);
    const b = river.sideAt(graph.nodeLat[graph.edgeTo[e]!]!, graph.nodeLon[graph.edgeTo[e]!]!);
    if (a !== b) assert.ok(isBridgeEdge(graph, e), `edge ${graph.edgeKey(e)} links ${a} and ${b} but is no bridge`);
  }
});

test('routes across the river exist, and every one uses a bridge', () => {
  const { graph } = network();
  const router = new Router(graph);
  const { north, south } = mainNodesBySide(graph);
  assert.ok(north.length > 1000 && south.length > 1000);
  const random = seededRandom(11);
  const used = new Set<string>();
  for (let k = 0; k < 30; k++) {
    const n = north[Math.floor(random() * north.length)]!;
    const s = south[Math.floor(random() * south.length)]!;
    const [from, to] = k % 2 === 0 ? [n, s] : [s, n];
    const route = router.routeNodes(from, to);
    const bridges = route.edgeIds.filter((e) => isBridgeEdge(graph, e));
    assert.ok(bridges.length > 0, `route ${from} → ${to} crosses the Han without a bridge`);
    for (const e of bridges) used.add(graph.edge(e).name ?? '');
  }
  // A named example: 종로구청 area → 강남역 area.
  const route = router.route({ lat: 37.5735, lon: 126.979 }, { lat: 37.498, lon: 127.0276 });
  assert.ok(route.edgeIds.some((e) => isBridgeEdge(graph, e)));
  assert.ok(used.size >= 3, `routes spread over several bridges: ${[...used].join(', ')}`);
});

test('a route inside one 구 stays inside Seoul', () => {
  const { graph } = network();
  const router = new Router(graph);
  const gangnam = districtByCode('11680')!;
  const random = seededRandom(3);
  const inGangnam: number[] = [];
  for (let n = 0; n < graph.nodeCount; n++) {
    if (graph.component[n] === graph.mainComponent && districtAt(graph.nodeLat[n]!, graph.nodeLon[n]!)?.code === gangnam.code) inGangnam.push(n);
  }
  for (let k = 0; k < 10; k++) {
    const a = inGangnam[Math.floor(random() * inGangnam.length)]!;
    const b = inGangnam[Math.floor(random() * inGangnam.length)]!;
    const route = router.routeNodes(a, b);
    for (const [lon, lat] of route.polyline) assert.notEqual(districtAt(lat, lon), null, `route leaves Seoul at ${lon},${lat}`);
    assert.ok(!route.edgeIds.some((e) => isBridgeEdge(graph, e)), 'no river crossing inside 강남구');
  }
});

test('one-way locals and dual carriageways are driven one way only', () => {
  const { roads, graph } = network();
  const router = new Router(graph);
  const oneWays = roads.features.filter((f) => f.properties.oneway === 'yes');
  assert.ok(oneWays.some((f) => f.properties.highway === 'residential'));
  assert.ok(oneWays.some((f) => f.properties.highway === 'trunk'));
  for (const f of oneWays) for (const e of graph.edgesOfWay(f.id)) assert.match(graph.edgeKey(e), /:f$/, `${f.id} has a backward edge`);
  // Against the flow, the router goes round: the reverse trip never uses the street's edge.
  const random = seededRandom(5);
  let checked = 0;
  for (const f of oneWays.filter((w) => w.properties.highway === 'residential')) {
    if (checked === 10 || random() < 0.5) continue;
    const e = graph.edgesOfWay(f.id).find((x) => graph.component[graph.edgeFrom[x]!] === graph.mainComponent && graph.component[graph.edgeTo[x]!] === graph.mainComponent);
    if (e === undefined) continue;
    const back = router.routeNodes(graph.edgeTo[e]!, graph.edgeFrom[e]!);
    assert.ok(!back.edgeIds.includes(e));
    assert.ok(back.lengthM > graph.edgeLengthM[e]!, `${f.properties.name}: the way back is a detour`);
    checked++;
  }
  assert.equal(checked, 10);
});
