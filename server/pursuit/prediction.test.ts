// Runs on the hub's synthetic Seoul network with its 68,000 synthetic cameras, and on a real
// OpenStreetMap export of Göteborg (© OpenStreetMap contributors, ODbL) with cameras scattered
// along its roads. No assertion depends on speed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { angleBetweenDeg, bearingDeg, distanceM } from '../geo/geometry.ts';
import { seededRandom } from '../routing/test-support.ts';
import { simulateDriver, type DriverRun } from './driver-simulation.ts';
import { EdgeGeometry } from './edge-geometry.ts';
import { PursuitPredictor, type PredictableCamera, type Prediction, type PursuitAnchor } from './prediction.ts';
import { nextCameraHitRate, testCity, type CityName, type TestCity } from './test-support.ts';

interface City extends TestCity {
  predictor: PursuitPredictor;
}

const predictors = new Map<CityName, City>();
function city(name: CityName): City {
  let c = predictors.get(name);
  if (!c) {
    const base = testCity(name);
    c = { ...base, predictor: new PursuitPredictor(base.graph, base.cameras) };
    predictors.set(name, c);
  }
  return c;
}

for (const name of ['seoul', 'goteborg'] as const) {
  test(`${name}: the camera a simulated vehicle passes next is in the top 8 in ≥ 90 % of runs`, () => {
    const { predictor, world } = city(name);
    const rate = nextCameraHitRate(predictor, world, { target: 'vehicle', runs: 200, seed: 11 });
    assert.ok(rate.driven >= 180, `most runs pass a camera within the horizon (${rate.driven})`);
    assert.ok(rate.atSighting >= 0.9, `at the sighting: ${rate.atSighting}`);
    assert.ok(rate.halfway >= 0.9, `halfway to it: ${rate.halfway}`);
  });
}

test('on foot: the camera a simulated walker passes next is in the top 8 in ≥ 90 % of runs (Seoul)', () => {
  const { predictor, world } = city('seoul');
  const rate = nextCameraHitRate(predictor, world, { target: 'foot', runs: 150, seed: 12 });
  assert.ok(rate.driven >= 120, `most walks pass a camera within the horizon (${rate.driven})`);
  assert.ok(rate.atSighting >= 0.9, `at the sighting: ${rate.atSighting}`);
  assert.ok(rate.halfway >= 0.9, `halfway to it: ${rate.halfway}`);
});

/** Runs that start mid-block on a two-way road (so both directions exist). */
function twoWayRuns(name: CityName, count: number, seed: number): DriverRun[] {
  const { world, graph } = city(name);
  const geometry = world.geometry;
  const random = seededRandom(seed);
  const runs: DriverRun[] = [];
  while (runs.length < count) {
    const run = simulateDriver(world, random, 'vehicle', 120);
    const hit = geometry.nearest(run.anchor.lat, run.anchor.lon, 30);
    if (!hit || graph.edgeTwin[hit.edge] === -1) continue;
    const len = geometry.lengthM(hit.edge);
    if (hit.alongM < 40 || len - hit.alongM < 40) continue;
    runs.push(run);
  }
  return runs;
}

/**
 * Share of the predicted probability lying ahead (bearing from the anchor within 90° of the
 * heading), over the cameras more than 60 m away (nearer, a bearing says little about the road).
 */
function aheadShare(p: Prediction, cameras: Map<string, PredictableCamera>, heading: number): number {
  let ahead = 0;
  let total = 0;
  for (const c of p.cameras) {
    const cam = cameras.get(c.cameraId)!;
    if (distanceM(p.anchor.lat, p.anchor.lon, cam.location.lat, cam.location.lon) < 60) continue;
    const b = bearingDeg(p.anchor.lat, p.anchor.lon, cam.location.lat, cam.location.lon);
    total += c.probability;
    if (angleBetweenDeg(b, heading) < 90) ahead += c.probability;
  }
  return total > 0 ? ahead / total : 0.5;
}

test('the heading weights the two directions; an unknown heading weighs them evenly', () => {
  const { predictor, cameras } = city('seoul');
  const byId = new Map(cameras.map((c) => [c.id, c]));
  const runs = twoWayRuns('seoul', 40, 21);
  let forward = 0;
  let backward = 0;
  let even = 0;
  for (const run of runs) {
    const heading = run.anchor.headingDeg!;
    const reversed = (heading + 180) % 360;
    forward += aheadShare(predictor.predict(run.anchor, 0, { limit: 8 }), byId, heading);
    backward += aheadShare(predictor.predict({ ...run.anchor, headingDeg: reversed }, 0, { limit: 8 }), byId, heading);
    even += aheadShare(predictor.predict({ ...run.anchor, headingDeg: null }, 0, { limit: 8 }), byId, heading);
  }
  forward /= runs.length;
  backward /= runs.length;
  even /= runs.length;
  assert.ok(forward > 0.75, `heading given: mostly ahead (${forward})`);
  assert.ok(backward < 0.25, `heading reversed: mostly behind (${backward})`);
  assert.ok(even > 0.3 && even < 0.7, `heading unknown: both ways (${even})`);
});

test('elapsed time moves the horizon: the reach and the predicted cameras move outwards', () => {
  const { predictor, world } = city('goteborg');
  const random = seededRandom(31);
  let grew = 0;
  const runs = 30;
  for (let i = 0; i < runs; i++) {
    const run = simulateDriver(world, random, 'vehicle', 60);
    const at = [0, 30, 90].map((s) => predictor.predict(run.anchor, run.anchor.at + s * 1000, { limit: 8 }));
    assert.deepEqual(at.map((p) => p.elapsedS), [0, 30, 90]);
    // At the sighting the target is where it was seen.
    assert.ok(at[0]!.reach.every((r) => r.path.length === 1));
    const reachM = at.map((p) => p.reach.reduce((sum, r) => sum + pathLengthM(r.path), 0));
    const meanDistance = at.map((p) => p.cameras.reduce((sum, c) => sum + c.distanceM, 0) / Math.max(1, p.cameras.length));
    if (reachM[2]! > reachM[1]! && reachM[1]! > 0 && meanDistance[2]! > meanDistance[1]! && meanDistance[1]! > meanDistance[0]!) grew++;
  }
  assert.ok(grew >= 0.9 * runs, `the reach and the cameras moved out in ${grew} of ${runs}`);
});

test('a new sighting re-anchors: the prediction starts from it, and its own cameras are not "next"', () => {
  const { predictor, world, cameras } = city('seoul');
  const random = seededRandom(41);
  let checked = 0;
  while (checked < 20) {
    const run = simulateDriver(world, random, 'vehicle', 180);
    const [first, second] = run.passes;
    if (!first || !second) continue;
    checked++;
    const seen = cameras.find((c) => c.id === first.cameraIds[0])!;
    const before = predictor.predict(run.anchor, run.anchor.at + first.atS * 1000);
    const anchor: PursuitAnchor = { ...run.anchor, lat: seen.location.lat, lon: seen.location.lon, at: run.anchor.at + first.atS * 1000 };
    const after = predictor.predict(anchor, anchor.at);
    assert.equal(after.anchor, anchor);
    assert.equal(after.elapsedS, 0);
    // The target is where it was last seen, not where the old sighting's flow had it.
    for (const r of after.reach) assert.ok(distanceM(r.path[0]![1], r.path[0]![0], anchor.lat, anchor.lon) <= 45);
    assert.ok(before.reach.some((r) => r.path.length > 1));
    assert.ok(!after.cameras.some((c) => first.cameraIds.includes(c.cameraId)), 'the cameras at the sighting are behind it');
    // Arrival windows now count from the new sighting.
    for (const c of after.cameras) assert.ok(c.etaMinS >= 0 && c.etaMinS <= c.etaMaxS);
  }
});

test('on foot: any road, both ways — a one-way street is walked against its direction', () => {
  const { predictor, world, graph } = city('seoul');
  const geometry = world.geometry;
  const random = seededRandom(51);
  let checked = 0;
  for (let tries = 0; checked < 10 && tries < 5000; tries++) {
    const run = simulateDriver(world, random, 'vehicle', 60);
    const hit = geometry.nearest(run.anchor.lat, run.anchor.lon, 30);
    if (!hit || graph.edgeTwin[hit.edge] !== -1) continue;
    // Heading against the one-way street.
    const against = (geometry.pointAt(hit.edge, hit.alongM).bearingDeg + 180) % 360;
    const anchor: PursuitAnchor = { ...run.anchor, headingDeg: against };
    const byId = new Map(city('seoul').cameras.map((c) => [c.id, c]));
    const walker = predictor.predict({ ...anchor, target: 'foot' }, 0, { limit: 8 });
    if (walker.cameras.length === 0) continue;
    checked++;
    assert.ok(aheadShare(walker, byId, against) > 0.5, 'the walker goes the way it was heading');
    // Walking pace: windows several times longer than a car's for the same distance.
    for (const c of walker.cameras) assert.ok(c.etaMaxS >= c.distanceM / 1.0 - 1 && c.etaMinS <= c.distanceM / 1.0 + 1);
  }
  assert.equal(checked, 10);
});

test('probabilities and windows are consistent', () => {
  const { predictor, world } = city('goteborg');
  const random = seededRandom(61);
  for (let i = 0; i < 30; i++) {
    const run = simulateDriver(world, random, i % 3 === 0 ? 'foot' : 'vehicle', 60);
    const p = predictor.predict(run.anchor, run.anchor.at + (i % 4) * 20_000, { limit: 40 });
    const ratio = run.anchor.target === 'vehicle' ? 1.2 / 0.6 : 1.8 / 1.0;
    for (const c of p.cameras) {
      assert.ok(c.probability > 0 && c.probability <= 1);
      assert.ok(c.etaMinS <= c.etaMaxS);
      if (c.etaMinS >= 10) assert.ok(Math.abs(c.etaMaxS / c.etaMinS - ratio) < 0.15, `${c.etaMinS}–${c.etaMaxS}`);
      assert.equal(c.district, 'GBG');
    }
    for (const r of p.reach) assert.ok(r.weight > 0 && r.weight <= 1 && r.path.length >= 1);
  }
});

test('limit and horizon: fewer cameras, a shorter look-ahead', () => {
  const { predictor, world } = city('seoul');
  const run = simulateDriver(world, seededRandom(71), 'vehicle', 60);
  const wide = predictor.predict(run.anchor, 0, { limit: 50, horizonS: 300 });
  const short = predictor.predict(run.anchor, 0, { limit: 50, horizonS: 30 });
  assert.equal(predictor.predict(run.anchor, 0, { limit: 3 }).cameras.length, 3);
  assert.ok(short.cameras.every((c) => c.etaMinS <= 30), 'nothing beyond the horizon at the fastest speed');
  assert.ok(Math.max(...wide.cameras.map((c) => c.distanceM)) > Math.max(...short.cameras.map((c) => c.distanceM)));
  assert.throws(() => predictor.predict({ ...run.anchor, lat: Number.NaN }, 0), RangeError);
  assert.throws(() => predictor.predict(run.anchor, 0, { horizonS: 0 }), RangeError);
});

test('a sighting far from any road predicts nothing', () => {
  const { predictor } = city('seoul');
  const p = predictor.predict({ lat: 35.1, lon: 129.0, at: 0, headingDeg: null, target: 'vehicle' }, 0);
  assert.equal(p.snapped, null);
  assert.deepEqual(p.cameras, []);
  assert.deepEqual(predictor.roadsLeaving(35.1, 129.0), []);
});

test('roadsLeaving: a junction offers its arms, a mid-block point the two ways of its road', () => {
  const { graph } = city('seoul');
  const { predictor } = city('seoul');
  const geometry = new EdgeGeometry(graph);
  const random = seededRandom(81);
  let junctions = 0;
  let midBlocks = 0;
  for (let tries = 0; (junctions < 10 || midBlocks < 10) && tries < 10_000; tries++) {
    const node = Math.floor(random() * graph.nodeCount);
    const out = graph.firstOut[node + 1]! - graph.firstOut[node]!;
    if (out === 4 && junctions < 10 && [...graph.outEdges(node)].every((e) => graph.edgeTwin[e] !== -1)) {
      const roads = predictor.roadsLeaving(graph.nodeLat[node]!, graph.nodeLon[node]!);
      // Four two-way arms: each leaves the junction; arriving along one is leaving along the opposite.
      assert.equal(roads.length, 4, JSON.stringify(roads));
      for (const e of graph.outEdges(node)) assert.ok(roads.some((r) => angleBetweenDeg(r.headingDeg, geometry.startBearing[e]!) < 20));
      junctions++;
    }
    const e = graph.firstOut[node]!;
    if (out > 0 && midBlocks < 10 && graph.edgeTwin[e] !== -1 && geometry.lengthM(e) > 120) {
      const mid = geometry.pointAt(e, geometry.lengthM(e) / 2);
      const roads = predictor.roadsLeaving(mid.lat, mid.lon);
      if (roads.length !== 2) continue; // another road within the slack
      assert.ok(Math.abs(angleBetweenDeg(roads[0]!.headingDeg, roads[1]!.headingDeg) - 180) < 2);
      assert.ok(roads.every((r) => !r.wrongWay && r.name === graph.edge(e).name));
      midBlocks++;
    }
  }
  assert.equal(junctions, 10);
  assert.equal(midBlocks, 10);
});

test('every camera of the registry stays a camera of the hub: ids and districts come from it', () => {
  const { predictor, cameras } = city('seoul');
  const ids = new Map(cameras.map((c) => [c.id, c.district.code]));
  const run = simulateDriver(city('seoul').world, seededRandom(91), 'vehicle', 60);
  const p = predictor.predict(run.anchor, 0, { limit: 30 });
  assert.ok(p.cameras.length > 0);
  for (const c of p.cameras) assert.equal(c.district, ids.get(c.cameraId));
  assert.ok(predictor.attachedCameras > cameras.length / 3 && predictor.attachedCameras < cameras.length);
});

function pathLengthM(path: Array<[number, number]>): number {
  let sum = 0;
  for (let i = 1; i < path.length; i++) sum += distanceM(path[i - 1]![1], path[i - 1]![0], path[i]![1], path[i]![0]);
  return sum;
}
