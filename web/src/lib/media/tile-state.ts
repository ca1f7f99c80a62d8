/**
 * What a tile's badge says. Every tile that holds a camera shows exactly one of these; the
 * wire's `idle` never reaches a tile (a watched camera is at least connecting). `stalled`: the
 * stream is up but the picture has stopped moving (see `StallWatch`); it is not live.
 */
import { accessVerdict, type AppErrorCode } from '$lib/errors/app-error.ts';

export const TILE_STATES = ['connecting', 'live', 'stalled', 'reconnecting', 'offline', 'denied', 'expired', 'unsupported'] as const;
export type TileState = (typeof TILE_STATES)[number];

/**
 * The state a tile stays in after a refusal that retrying will not fix (see `accessVerdict`);
 * a codec that cannot be served is `unsupported`, never `offline`.
 */
export function terminalStateFor(code: AppErrorCode): TileState {
  if (code === 'CODEC_UNSUPPORTED') return 'unsupported';
  return accessVerdict(code) ?? 'offline';
}

/**
 * Refusals that end a subscription for good, whatever the retry policy says: every access
 * verdict (expired, revoked, withdrawn, wrong purpose, no audit record possible …) and a
 * camera the browser can never show.
 */
export function endsSubscription(code: AppErrorCode): boolean {
  return accessVerdict(code) !== null || code === 'CAMERA_UNKNOWN' || code === 'CODEC_UNSUPPORTED';
}

/**
 * The badge of a tile holding a camera: a session-wide condition (signed out, expired,
 * reconnecting to the hub) wins over the tile's own stream state.
 */
export function tileDisplayState(sessionOverride: TileState | null, streamState: TileState | null | undefined): TileState {
  return sessionOverride ?? streamState ?? 'connecting';
}
