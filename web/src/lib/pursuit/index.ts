export { PursuitApi, type Road } from './api.ts';
export { FollowMode, type FollowGrid, type FollowOptions } from './follow.svelte.ts';
export { DEFAULT_HANDOFF, handOff, type HandoffPolicy } from './handoff.ts';
export { PursuitBoard, type PursuitHost, type PursuitMap } from './pursuit-board.svelte.ts';
export { clockTime, compass, formatWindow, PURSUIT_TEXT } from './text.ts';
export { countdown, districtName, LABELLED, lastSighting, lostNote, tileTags } from './view.ts';
