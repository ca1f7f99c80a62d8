export { default as AppHeader } from './AppHeader.svelte';
export { default as CameraList } from './CameraList.svelte';
export { default as LanguageToggle } from './LanguageToggle.svelte';
export { default as LayoutSelector } from './LayoutSelector.svelte';
export { default as SessionBanner } from './SessionBanner.svelte';
export { default as StateBadge } from './StateBadge.svelte';
export { default as Tile } from './Tile.svelte';
export { CAMERA_DRAG_TYPE } from './drag.ts';
