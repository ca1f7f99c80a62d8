/**
 * Shared by the routing tests and the benchmark (not a test file itself): the real road network
 * they run on, and a seeded random generator so that every run draws the same pairs.
 *
 * The network is an OpenStreetMap export of Göteborg shipped by geojson-path-finder:
 * © OpenStreetMap contributors, ODbL 1.0.
 */
import { fileURLToPath } from 'node:url';
import { readRoadNetworkFile, type RoadGraph } from './road-network.ts';

export const GOTEBORG_PATH = fileURLToPath(new URL('../../node_modules/geojson-path-finder/test/large-network.json', import.meta.url));

let cached: RoadGraph | null = null;

/** The Göteborg graph, imported once per process. */
export function goteborg(): RoadGraph {
  cached ??= readRoadNetworkFile(GOTEBORG_PATH);
  return cached;
}

/** mulberry32: a small seeded PRNG, floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Node ids of the graph's main (largest strongly connected) component: any two are connected. */
export function mainComponentNodes(graph: RoadGraph): number[] {
  const out: number[] = [];
  for (let n = 0; n < graph.nodeCount; n++) if (graph.component[n] === graph.mainComponent) out.push(n);
  return out;
}
