// Runs on a real OpenStreetMap export of Göteborg (© OpenStreetMap contributors, ODbL).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RouteError } from './errors.ts';
import type { RoadGraph } from './road-network.ts';
import { Router, type RouteResult } from './router.ts';
import { goteborg, mainComponentNodes, seededRandom } from './test-support.ts';

/** Teatergatan, Göteborg: a one-way residential street (OSM way 4276189, oneway=yes). */
const TEATERGATAN = 'way/4276189';

/** Reference: textbook Dijkstra (array heap of [cost, node]) on the router's current costs. */
function dijkstra(graph: RoadGraph, router: Router, from: number, to: number, blocked = new Set<number>()): number {
  const dist = new Float64Array(graph.nodeCount).fill(Infinity);
  const heap: [number, number][] = [];
  const push = (item: [number, number]) => {
    heap.push(item);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (heap[p]![0] <= heap[i]![0]) break;
      [heap[p], heap[i]] = [heap[i]!, heap[p]!];
      i = p;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]![0] < heap[m]![0]) m = l;
        if (r < heap.length && heap[r]![0] < heap[m]![0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  dist[from] = 0;
  push([0, from]);
  while (heap.length > 0) {
    const [d, u] = pop();
    if (d > dist[u]!) continue;
    if (u === to) return d;
    for (const e of graph.outEdges(u)) {
      if (blocked.has(e)) continue;
      const nd = d + graph.edgeFreeFlowS[e]! * router.costMultiplier(e);
      const v = graph.edgeTo[e]!;
      if (nd < dist[v]!) {
        dist[v] = nd;
        push([nd, v]);
      }
    }
  }
  return Infinity;
}

/** The route is a connected walk along existing directed edges, and its figures add up. */
function assertWellFormed(graph: RoadGraph, router: Router, route: RouteResult): void {
  assert.equal(route.nodeIds.length, route.edgeIds.length + 1);
  assert.equal(route.nodeIds[0], route.fromNode);
  assert.equal(route.nodeIds.at(-1), route.toNode);
  route.edgeIds.forEach((e, i) => {
    assert.equal(graph.edgeFrom[e], route.nodeIds[i], 'edges are traversed in their own direction');
    assert.equal(graph.edgeTo[e], route.nodeIds[i + 1]);
  });
  const eta = router.etaOf(route.edgeIds);
  assert.ok(Math.abs(eta.etaS - route.etaS) < 1e-6 && Math.abs(eta.lengthM - route.lengthM) < 1e-6);
  assert.deepEqual(route.polyline[0], [graph.nodeLon[route.fromNode], graph.nodeLat[route.fromNode]]);
  assert.deepEqual(route.polyline.at(-1), [graph.nodeLon[route.toNode], graph.nodeLat[route.toNode]]);
}

const at = (graph: RoadGraph, node: number) => ({ lat: graph.nodeLat[node]!, lon: graph.nodeLon[node]! });

test('a one-way street is never driven against its direction', () => {
  const graph = goteborg();
  const router = new Router(graph);
  const edges = graph.edgesOfWay(TEATERGATAN);
  const start = graph.edgeFrom[edges[0]!]!;
  const end = graph.edgeTo[edges.at(-1)!]!;

  const along = router.route(at(graph, start), at(graph, end));
  assert.equal(along.fromNode, start);
  assert.deepEqual(along.edgeIds, edges, 'with the flow: straight down Teatergatan');
  assert.equal(along.attribution, graph.attribution);

  const back = router.route(at(graph, end), at(graph, start));
  assertWellFormed(graph, router, back);
  assert.ok(back.edgeIds.every((e) => graph.edge(e).wayId !== TEATERGATAN), 'against the flow: other streets');
  assert.notDeepEqual(back.nodeIds, [...along.nodeIds].reverse());
  assert.ok(back.lengthM > along.lengthM);
});

test('A* gives the same cost as a plain Dijkstra on 30 random pairs, free-flow and congested', () => {
  const graph = goteborg();
  const router = new Router(graph);
  const nodes = mainComponentNodes(graph);
  const rnd = seededRandom(42);
  const pick = () => nodes[Math.floor(rnd() * nodes.length)]!;
  for (let round = 0; round < 2; round++) {
    if (round === 1) {
      // Random congestion on a tenth of the edges, some blocked.
      for (let i = 0; i < graph.edgeCount / 10; i++) router.setCongestion(Math.floor(rnd() * graph.edgeCount), rnd() < 0.05 ? Infinity : 1 + 4 * rnd());
    }
    for (let i = 0; i < 30; i++) {
      const a = pick();
      const b = pick();
      const expected = dijkstra(graph, router, a, b);
      if (expected === Infinity) {
        assert.throws(() => router.routeNodes(a, b), (e: unknown) => e instanceof RouteError && e.code === 'ROUTE_UNREACHABLE');
        continue;
      }
      const route = router.routeNodes(a, b);
      assertWellFormed(graph, router, route);
      assert.ok(Math.abs(route.etaS - expected) < 1e-6, `pair ${a}→${b}: A* ${route.etaS} vs Dijkstra ${expected}`);
      assert.ok(route.etaS >= route.freeFlowEtaS - 1e-9);
    }
  }
});

test('congestion changes the route without rebuilding the graph, and clears', () => {
  const graph = goteborg();
  const router = new Router(graph);
  const nodes = mainComponentNodes(graph);
  const rnd = seededRandom(5);
  let changed = 0;
  for (let i = 0; i < 10; i++) {
    const a = nodes[Math.floor(rnd() * nodes.length)]!;
    const b = nodes[Math.floor(rnd() * nodes.length)]!;
    const before = router.routeNodes(a, b);
    if (before.edgeIds.length < 4) continue;
    const middle = before.edgeIds.slice(1, -1);
    for (const e of middle) router.setCongestion(e, 10);
    assert.equal(router.costMultiplier(middle[0]!), 10);
    const during = router.routeNodes(a, b);
    assert.ok(during.etaS >= before.etaS - 1e-9, 'congestion never speeds a route up');
    assert.ok(during.etaS <= router.etaOf(before.edgeIds).etaS + 1e-9, 'and the router finds the best way round it');
    if (during.edgeIds.join() !== before.edgeIds.join()) changed++;
    assert.equal(router.congestedEdges().length, middle.length);
    for (const e of middle) router.clearCongestion(e);
    assert.equal(router.congestedEdges().length, 0);
    assert.ok(Math.abs(router.routeNodes(a, b).etaS - before.etaS) < 1e-9);
  }
  assert.ok(changed > 0, 'a heavily congested route sends traffic elsewhere');
});

test('detour: flagging a segment on the route avoids it, with both ETAs', () => {
  const graph = goteborg();
  const router = new Router(graph);
  const nodes = mainComponentNodes(graph);
  const rnd = seededRandom(9);
  let detours = 0;
  for (let i = 0; i < 20; i++) {
    const route = router.routeNodes(nodes[Math.floor(rnd() * nodes.length)]!, nodes[Math.floor(rnd() * nodes.length)]!);
    if (route.edgeIds.length === 0) continue;
    const flagged = route.edgeIds[route.edgeIds.length >> 1]!;
    const result = router.detour(route, [flagged]);
    assert.deepEqual(result.flaggedOnRoute, [flagged]);
    assert.ok(Math.abs(result.originalEtaS - route.etaS) < 1e-9);
    const expected = dijkstra(graph, router, route.fromNode, route.toNode, new Set([flagged]));
    if (result.status === 'no-detour') {
      assert.equal(expected, Infinity);
      continue;
    }
    detours++;
    assert.ok(!result.route.edgeIds.includes(flagged), 'the flagged segment is avoided');
    assert.ok(result.detourEtaS >= result.originalEtaS - 1e-9, 'a detour is never faster than the best route');
    assert.ok(Math.abs(result.extraS - (result.detourEtaS - result.originalEtaS)) < 1e-9);
    assert.ok(Math.abs(result.detourEtaS - expected) < 1e-6, 'the detour is the best route avoiding the segment');
    assertWellFormed(graph, router, result.route);
    assert.equal(router.costMultiplier(flagged), 1, 'flagging lasts for the one query');
  }
  assert.ok(detours >= 15, `detours found: ${detours}`);
  // The original route is unchanged by a detour query.
  const route = router.routeNodes(nodes[0]!, nodes[100]!);
  router.detour(route, [route.edgeIds[0]!]);
  assert.deepEqual(router.routeNodes(nodes[0]!, nodes[100]!).edgeIds, route.edgeIds);
});

test('detour: says so clearly when no detour exists', () => {
  const graph = goteborg();
  const router = new Router(graph);
  const nodes = mainComponentNodes(graph);
  const route = router.routeNodes(nodes[10]!, nodes[2000]!);
  // Flag every way into the destination.
  const into: number[] = [];
  for (let e = 0; e < graph.edgeCount; e++) if (graph.edgeTo[e] === route.toNode) into.push(e);
  const result = router.detour(route, into);
  assert.equal(result.status, 'no-detour');
  assert.ok(result.status === 'no-detour');
  assert.match(result.message, /^No detour: No drivable route from node \d+ .* to node \d+ .*segment\(s\) flagged for this query/);
  assert.ok(Math.abs(result.originalEtaS - route.etaS) < 1e-9);
  assert.deepEqual(result.flaggedOnRoute, [route.edgeIds.at(-1)]);
});

test('blocking every exit of a region gives ROUTE_UNREACHABLE, clearing restores the route', () => {
  const graph = goteborg();
  const router = new Router(graph);
  const nodes = mainComponentNodes(graph);
  const centre = nodes[Math.floor(nodes.length / 2)]!;
  // The region: nodes within 3 hops of the centre.
  const region = new Set([centre]);
  let frontier = [centre];
  for (let hop = 0; hop < 3; hop++) {
    const next: number[] = [];
    for (const n of frontier) for (const e of graph.outEdges(n)) if (!region.has(graph.edgeTo[e]!)) region.add(graph.edgeTo[e]!), next.push(graph.edgeTo[e]!);
    frontier = next;
  }
  const exits: number[] = [];
  for (const n of region) for (const e of graph.outEdges(n)) if (!region.has(graph.edgeTo[e]!)) exits.push(e);
  assert.ok(region.size > 5 && exits.length > 0);
  const outside = nodes.find((n) => !region.has(n))!;
  const before = router.route(at(graph, centre), at(graph, outside));

  for (const e of exits) router.setCongestion(e, Infinity);
  assert.throws(
    () => router.route(at(graph, centre), at(graph, outside)),
    (e: unknown) =>
      e instanceof RouteError &&
      e.code === 'ROUTE_UNREACHABLE' &&
      /^No drivable route from node \d+ \(57\.\d+, 11\.\d+\) to node \d+ .*: every path is cut \(\d+ segment\(s\) blocked/.test(e.message) &&
      e.detail.blockedSegments === exits.length
  );
  // Getting in still works: only the exits are blocked.
  assert.equal(router.route(at(graph, outside), at(graph, centre)).toNode, centre);

  for (const e of exits) router.clearCongestion(e);
  assert.ok(Math.abs(router.route(at(graph, centre), at(graph, outside)).etaS - before.etaS) < 1e-9);
});

test('snapping and input errors', () => {
  const graph = goteborg();
  const router = new Router(graph);
  const node = mainComponentNodes(graph)[500]!;
  const near = { lat: graph.nodeLat[node]! + 0.00005, lon: graph.nodeLon[node]! };
  const route = router.route(near, near);
  assert.equal(route.edgeIds.length, 0);
  assert.equal(route.etaS, 0);
  assert.equal(route.polyline.length, 1);
  assert.ok(route.snapped && route.snapped.from.distanceM > 5 && route.snapped.from.distanceM < 6);

  const code = (c: string) => (e: unknown) => e instanceof RouteError && e.code === c;
  assert.throws(() => router.route({ lat: 91, lon: 11.9 }, near), code('ROUTE_INVALID_POINT'));
  assert.throws(() => router.route(near, { lat: Number.NaN, lon: 11.9 }), code('ROUTE_INVALID_POINT'));
  assert.throws(() => router.route({ lat: 37.5665, lon: 126.978 }, near), code('ROUTE_NO_NEARBY_ROAD'), 'Seoul is not in Göteborg');
  assert.throws(() => router.setCongestion(0, 0.5), code('ROUTE_INVALID_CONGESTION'));
  assert.throws(() => router.setCongestion(0, Number.NaN), code('ROUTE_INVALID_CONGESTION'));
  assert.throws(() => router.setCongestion(graph.edgeCount, 2), code('ROUTE_UNKNOWN_EDGE'));
  assert.throws(() => router.detour(route, [-1]), code('ROUTE_UNKNOWN_EDGE'));
});
