export { takeEarlyConnection, type EarlyConnection } from './early-connection.ts';
export { Clock } from './clock.svelte.ts';
export { GridManager, type PlaceResult, type TileProbe } from './grid.svelte.ts';
export { DEFAULT_LAYOUT, formatGridQuery, isLayout, layoutFor, LAYOUTS, parseGridQuery, type GridQuery, type Layout } from './grid-query.ts';
export { SessionManager, type SessionManagerOptions, type SessionStatus } from './session.svelte.ts';
export { keepSessionFresh, TokenKeeper, type RenewStatus, type TokenKeeperOptions } from './token-keeper.svelte.ts';
