/**
 * Deterministic randomness for generators and tests (synthetic Seoul data, benchmarks): a sequential PRNG for things drawn in
 * order, and a position hash for things that must not depend on the order they are visited in
 * (a lattice node's jitter is the same whichever way the generator walks the grid).
 */

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

/** A float in [0, 1) from a seed and up to three integers (order-independent noise). */
export function hashUnit(seed: number, a: number, b = 0, c = 0): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  for (const v of [a, b, c]) {
    h = Math.imul(h ^ Math.imul(v | 0, 0xcc9e2d51), 0x1b873593);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return (h >>> 0) / 4294967296;
}
