/**
 * `window.__gth`: what tests and benchmarks read from a running monitor page. Installed by the
 * monitor page inside an `$effect` and removed when the page goes.
 */
import type { GridManager, SessionManager, TileProbe, TokenKeeper } from '$lib/state/index.ts';

export interface GthProbe {
  /** One entry per tile that holds a camera, in grid order; `reason` is a wire code when not live. */
  tiles(): TileProbe[];
  /** The session's status (`ready` once media is set up), the error code if any, and who/why. */
  session(): { status: string; error: string | null; agency: string | null; purpose: string | null; expiresAt: number | null };
  /** The token keeper: where the token came from, renewals the hub accepted, the last failure. */
  token(): { source: 'demo' | 'pasted'; expiresAt: number | null; renewals: number; status: string; error: string | null };
  /** Forgets every tile's delay samples (e.g. after warm-up). */
  resetSamples(): void;
}

export function installProbe(session: SessionManager, grid: GridManager, keeper: TokenKeeper): () => void {
  const probe: GthProbe = {
    tiles: () => grid.probe(session.tileOverride, session.error?.code ?? null),
    session: () => ({
      status: session.status,
      error: session.error?.code ?? null,
      agency: session.info?.agency.id ?? null,
      purpose: session.info?.purpose ?? null,
      expiresAt: session.info?.expiresAt ?? null
    }),
    token: () => ({
      source: keeper.source.kind,
      expiresAt: keeper.expiresAt,
      renewals: keeper.renewals,
      status: keeper.status,
      error: keeper.error?.code ?? null
    }),
    resetSamples: () => grid.resetSamples()
  };
  window.__gth = probe;
  return () => {
    if (window.__gth === probe) delete window.__gth;
  };
}
