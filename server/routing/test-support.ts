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

// One seeded PRNG for every test and generator.
export { seededRandom } from '../geo/random.ts';

/** Node ids of the graph's main (largest strongly connected) component: any two are connected. */
export function mainComponentNodes(graph: RoadGraph): number[] {
  const out: number[] = [];
  for (let n = 0; n < graph.nodeCount; n++) if (graph.component[n] === graph.mainComponent) out.push(n);
  return out;
}

/** The box around the graph's nodes, degrees. */
export function nodeBounds(graph: RoadGraph): { minLat: number; maxLat: number; minLon: number; maxLon: number } {
  let minLat = Infinity;
  let maxLat = -Infinity;
  let minLon = Infinity;
  let maxLon = -Infinity;
  for (let n = 0; n < graph.nodeCount; n++) {
    minLat = Math.min(minLat, graph.nodeLat[n]!);
    maxLat = Math.max(maxLat, graph.nodeLat[n]!);
    minLon = Math.min(minLon, graph.nodeLon[n]!);
    maxLon = Math.max(maxLon, graph.nodeLon[n]!);
  }
  return { minLat, maxLat, minLon, maxLon };
}
