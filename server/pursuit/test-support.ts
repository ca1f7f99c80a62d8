/**
 * Shared by the prediction tests and the benchmark (not a test file itself): the two cities they
 * run on and the next-camera hit rate against simulated drivers.
 *
 * - Seoul: the hub's own synthetic road network (seed 1) and its 68,000 synthetic cameras.
 * - Göteborg: a real OpenStreetMap export (© OpenStreetMap contributors, ODbL) with 9,000
 *   poles of 1–3 cameras scattered along and around its roads (it has no camera registry).
 */
import { importCctvStandard } from '../cameras/import/cctv-standard.ts';
import { syntheticSeoulCsv } from '../cameras/import/synthetic.ts';
import { generateRoads, SYNTHETIC_ATTRIBUTION } from '../geo/synthetic-roads/generate.ts';
import { importRoadNetwork } from '../routing/road-network.ts';
import type { RoadGraph } from '../routing/road-graph.ts';
import { goteborg, seededRandom } from '../routing/test-support.ts';
import { driverWorld, scatterCameras, simulateDriver, type DriverWorld } from './driver-simulation.ts';
import type { TargetKind } from './movement-model.ts';
import type { PredictableCamera, Prediction, PursuitPredictor } from './prediction.ts';

export type CityName = 'seoul' | 'goteborg';

export interface TestCity {
  graph: RoadGraph;
  cameras: readonly PredictableCamera[];
  world: DriverWorld<PredictableCamera>;
}

const cities = new Map<CityName, TestCity>();

/** A city's graph, cameras and driver world, built once per process. */
export function testCity(name: CityName): TestCity {
  let city = cities.get(name);
  if (!city) {
    let graph: RoadGraph;
    let cameras: readonly PredictableCamera[];
    if (name === 'seoul') {
      graph = importRoadNetwork(generateRoads({ seed: 1 }), { attribution: SYNTHETIC_ATTRIBUTION });
      const imported = importCctvStandard(syntheticSeoulCsv());
      if (!imported.ok) throw new Error('the synthetic registry did not import');
      cameras = imported.cameras;
    } else {
      graph = goteborg();
      cameras = scatterCameras(graph, seededRandom(5), 9000, 'GBG');
    }
    city = { graph, cameras, world: driverWorld(graph, cameras) };
    cities.set(name, city);
  }
  return city;
}

export interface HitRate {
  /** Runs that passed a camera within the horizon (the others say nothing). */
  driven: number;
  /** Share of those whose next camera was in the top 8 at the sighting, and halfway to it. */
  atSighting: number;
  halfway: number;
}

/**
 * Drivers (or walkers) from random cameras with random turns and speeds; for each, whether the
 * first camera it passes is in the top 8 predicted at the sighting and halfway to that camera.
 */
export function nextCameraHitRate(
  predictor: PursuitPredictor,
  world: DriverWorld<PredictableCamera>,
  options: { target: TargetKind; runs: number; seed: number; startRoad?: 'model' | 'any' }
): HitRate {
  const random = seededRandom(options.seed);
  let driven = 0;
  let atSighting = 0;
  let halfway = 0;
  for (let i = 0; i < options.runs; i++) {
    const run = simulateDriver(world, random, options.target, options.target === 'vehicle' ? 180 : 600, { startRoad: options.startRoad });
    const next = run.passes[0];
    if (!next) continue;
    driven++;
    const ids = new Set(next.cameraIds);
    const inTop8 = (p: Prediction) => p.cameras.some((c) => ids.has(c.cameraId));
    if (inTop8(predictor.predict(run.anchor, run.anchor.at, { limit: 8 }))) atSighting++;
    if (inTop8(predictor.predict(run.anchor, run.anchor.at + (next.atS / 2) * 1000, { limit: 8 }))) halfway++;
  }
  return { driven, atSighting: atSighting / Math.max(1, driven), halfway: halfway / Math.max(1, driven) };
}
