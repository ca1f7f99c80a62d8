/**
 * The pool of simulated feeds in development: a few simulated RTSP cameras stand in for every
 * registry camera. The mapping is stable (the same camera always shows the same feed): landmark
 * `i` gets feed `i`, every other camera a feed chosen by a hash of its id.
 */

export interface SimulatedFeed {
  /** Shown to operators ("sim-03"); never the URL. */
  name: string;
  /** Where the hub pulls it from. */
  url: string;
}

/** Feed names, `sim-01` … (two digits: the simulator runs at most 64). */
export function feedNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `sim-${String(i + 1).padStart(2, '0')}`);
}

/** The feed a landmark (by its index) or any other camera (by its id) is mapped onto. */
export function feedFor(feeds: readonly SimulatedFeed[], camera: { id: string } | number): SimulatedFeed {
  if (feeds.length === 0) throw new Error('no simulated feeds to map cameras onto');
  const index = typeof camera === 'number' ? camera : fnv1a(camera.id);
  return feeds[index % feeds.length]!;
}

/** FNV-1a, 32-bit: stable across runs and platforms, unlike anything seeded per process. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
