export { GrantsApi, type GrantDecision } from './api.ts';
export { GrantsBoard, type GrantsStatus } from './grants-board.svelte.ts';
export { applyGrantChange } from './merge.ts';
export { GRANTS_TEXT } from './text.ts';
