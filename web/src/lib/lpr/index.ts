export { WatchlistApi } from './api.ts';
export { EXPIRY_HOURS, WATCHLIST_TEXT } from './text.ts';
export { WatchlistManager } from './watchlist.svelte.ts';
