/**
 * `window.__gth`: what tests and benchmarks read from a running monitor page. Installed by the
 * monitor page inside an `$effect` and removed when the page goes.
 */
import type { GridManager, SessionManager, TileProbe } from '$lib/state/index.ts';

export interface GthProbe {
  /** One entry per tile that holds a camera, in grid order. */
  tiles(): TileProbe[];
  /** The session's status (`ready` once media is set up) and the error code if any. */
  session(): { status: string; error: string | null; agency: string | null; expiresAt: number | null };
  /** Forgets every tile's delay samples (e.g. after warm-up). */
  resetSamples(): void;
}

export function installProbe(session: SessionManager, grid: GridManager): () => void {
  const probe: GthProbe = {
    tiles: () => grid.probe(session.tileOverride),
    session: () => ({
      status: session.status,
      error: session.error?.code ?? null,
      agency: session.info?.agency.id ?? null,
      expiresAt: session.info?.expiresAt ?? null
    }),
    resetSamples: () => grid.resetSamples()
  };
  window.__gth = probe;
  return () => {
    if (window.__gth === probe) delete window.__gth;
  };
}
