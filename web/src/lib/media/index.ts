export { CameraFeed, type FeedStatus } from './camera-feed.ts';
export { warmDevice } from './device.ts';
export { joinAndCreate, type JoinStart } from './join.ts';
export { MediaSession, type FeedLease } from './media-session.ts';
export { BackoffRetryPolicy, type RetryPolicy } from './retry-policy.ts';
export type { ReceiverStats } from './receiver-stats.ts';
export { StripReader } from './strip-reader.ts';
export { TILE_STATES, terminalStateFor, tileDisplayState, type TileState } from './tile-state.ts';
export { TileStream, type TileBrief, type TileStats, type TileStatus } from './tile-stream.ts';
