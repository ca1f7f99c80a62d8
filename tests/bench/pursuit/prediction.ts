/**
 * The prediction part of `bench:pursuit`: PursuitPredictor on the hub's synthetic Seoul network
 * with its 68,000 synthetic cameras, and on the real Göteborg OSM network (© OpenStreetMap
 * contributors, ODbL) with scattered cameras.
 * - build: the constructor (edge shapes, camera → road attachment), CPU and wall time;
 * - predict: per call, wall and CPU time (the machine is shared: CPU time is the steadier
 *   figure) over sightings at random cameras — vehicles and walkers, heading known or not,
 *   0–120 s after the sighting; aim p95 ≤ 20 ms;
 * - hit rate: the camera a simulated driver passes next is in the top 8 (at the sighting and
 *   halfway to it); aim ≥ 90 %. "any road" starts the drivers on any road within 30 m of the
 *   camera instead of the model's prior (nearest road most likely): a harder test.
 */
import { seededRandom } from '../../../server/geo/random.ts';
import { simulateDriver } from '../../../server/pursuit/driver-simulation.ts';
import { PursuitPredictor, type PursuitAnchor } from '../../../server/pursuit/prediction.ts';
import { nextCameraHitRate, testCity, type CityName, type HitRate } from '../../../server/pursuit/test-support.ts';
import { round, summary } from '../stats.ts';
import type { BenchSection } from '../section.ts';

const AIMS = { predictP95Ms: 20, hitRate: 0.9 };

function timed<T>(fn: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** Prediction latency over `count` sightings at random cameras of the city. */
function latency(name: CityName, predictor: PursuitPredictor, count: number) {
  const { world } = testCity(name);
  const random = seededRandom(7);
  const anchors: Array<{ anchor: PursuitAnchor; now: number }> = [];
  for (let i = 0; i < count + 50; i++) {
    const run = simulateDriver(world, random, i % 5 === 4 ? 'foot' : 'vehicle', 1);
    const anchor = { ...run.anchor, headingDeg: i % 2 === 0 ? run.anchor.headingDeg : null };
    anchors.push({ anchor, now: anchor.at + [0, 30, 60, 120][i % 4]! * 1000 });
  }
  for (const { anchor, now } of anchors.slice(0, 50)) predictor.predict(anchor, now); // warm-up (JIT)
  const wall: number[] = [];
  const cpu: number[] = [];
  let cameras = 0;
  let reach = 0;
  for (const { anchor, now } of anchors.slice(50)) {
    const t = timed(() => predictor.predict(anchor, now, { limit: 16 }));
    wall.push(t.wallMs);
    cpu.push(t.cpuMs);
    cameras += t.value.cameras.length;
    reach += t.value.reach.length;
  }
  return { wallMs: summary(wall, 2), cpuMs: summary(cpu, 2), meanCameras: round(cameras / count), meanReachPieces: round(reach / count) };
}

const pct = (v: number) => `${round(v * 100)} %`;
const rate = (r: HitRate) => `${pct(r.atSighting)} at the sighting, ${pct(r.halfway)} halfway (${r.driven} runs)`;

export async function measurePrediction({ smoke }: { smoke: boolean }): Promise<BenchSection> {
  const runs = smoke ? 40 : 300;
  const calls = smoke ? 100 : 1000;
  const setup = timed(() => testCity('seoul'));
  const seoul = timed(() => new PursuitPredictor(setup.value.graph, setup.value.cameras));
  const gbgCity = testCity('goteborg');
  const goteborg = timed(() => new PursuitPredictor(gbgCity.graph, gbgCity.cameras));
  const seoulLatency = latency('seoul', seoul.value, calls);
  const gbgLatency = latency('goteborg', goteborg.value, calls);
  const hits = {
    seoulVehicle: nextCameraHitRate(seoul.value, setup.value.world, { target: 'vehicle', runs, seed: 101 }),
    goteborgVehicle: nextCameraHitRate(goteborg.value, gbgCity.world, { target: 'vehicle', runs, seed: 102 }),
    seoulFoot: nextCameraHitRate(seoul.value, setup.value.world, { target: 'foot', runs, seed: 103 }),
    seoulVehicleAnyRoad: nextCameraHitRate(seoul.value, setup.value.world, { target: 'vehicle', runs, seed: 104, startRoad: 'any' }),
    goteborgVehicleAnyRoad: nextCameraHitRate(goteborg.value, gbgCity.world, { target: 'vehicle', runs, seed: 105, startRoad: 'any' })
  };
  const p95 = seoulLatency.wallMs.p95 ?? Infinity;
  const worstHit = Math.min(hits.seoulVehicle.atSighting, hits.seoulVehicle.halfway, hits.goteborgVehicle.atSighting, hits.goteborgVehicle.halfway);
  const result = {
    cameras: { seoul: setup.value.cameras.length, goteborg: gbgCity.cameras.length },
    attached: { seoul: seoul.value.attachedCameras, goteborg: goteborg.value.attachedCameras },
    graph: { seoul: { nodes: setup.value.graph.nodeCount, edges: setup.value.graph.edgeCount }, goteborg: { nodes: gbgCity.graph.nodeCount, edges: gbgCity.graph.edgeCount } },
    buildMs: {
      seoul: { cpu: round(seoul.cpuMs, 0), wall: round(seoul.wallMs, 0) },
      goteborg: { cpu: round(goteborg.cpuMs, 0), wall: round(goteborg.wallMs, 0) }
    },
    predict: { seoul: seoulLatency, goteborg: gbgLatency },
    hitRate: Object.fromEntries(Object.entries(hits).map(([k, v]) => [k, { driven: v.driven, atSighting: round(v.atSighting, 3), halfway: round(v.halfway, 3) }])),
    aims: { ...AIMS, predictMet: p95 <= AIMS.predictP95Ms, hitRateMet: worstHit >= AIMS.hitRate }
  };
  const line = (l: ReturnType<typeof latency>) =>
    `wall p50 ${l.wallMs.p50} ms, p95 ${l.wallMs.p95} ms, max ${l.wallMs.max} ms; CPU p50 ${l.cpuMs.p50} ms, p95 ${l.cpuMs.p95} ms (${l.wallMs.n} calls, ${l.meanCameras} cameras, ${l.meanReachPieces} reach pieces)`;
  return {
    name: 'prediction',
    rows: [
      ['prediction build, Seoul', `${result.buildMs.seoul.cpu} ms CPU (${result.buildMs.seoul.wall} ms wall): ${result.cameras.seoul} cameras, ${result.attached.seoul} within 30 m of a road`],
      ['prediction build, Göteborg', `${result.buildMs.goteborg.cpu} ms CPU (${result.buildMs.goteborg.wall} ms wall): ${result.cameras.goteborg} cameras, ${result.attached.goteborg} by a road`],
      ['predict, Seoul 68k cameras', `${line(seoulLatency)} — aim p95 ≤ ${AIMS.predictP95Ms} ms: ${result.aims.predictMet ? 'met' : 'MISSED'}`],
      ['predict, Göteborg', line(gbgLatency)],
      ['next camera in top 8, Seoul', `${rate(hits.seoulVehicle)} — aim ≥ ${pct(AIMS.hitRate)}: ${result.aims.hitRateMet ? 'met' : 'MISSED'} (both cities)`],
      ['next camera in top 8, Göteborg', rate(hits.goteborgVehicle)],
      ['  on foot, Seoul', rate(hits.seoulFoot)],
      ['  started on any road, Seoul', rate(hits.seoulVehicleAnyRoad)],
      ['  started on any road, Göteborg', rate(hits.goteborgVehicleAnyRoad)]
    ],
    result
  };
}
