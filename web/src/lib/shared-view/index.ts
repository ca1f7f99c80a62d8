export { FOLLOWING, type FollowState, type MapView } from './follow.ts';
export { ShareLobby, type AgencyChoice, type LobbySources } from './lobby.svelte.ts';
export { installShareProbe, type ShareProbe, type ShareProbeView } from './probe.ts';
export { ShareMapView } from './share-map.ts';
export { sessionPort, SharedView, type AnnotationDraft, type Me, type ShareMap, type ShownTile, type ViewPort, type ViewStatus } from './shared-view.svelte.ts';
export { SHARE_TEXT, type ShareTextKey } from './text.ts';
export { WallCycle, WallDevice } from './wall.svelte.ts';
export { parseWallOptions, wallPages, type WallOptions } from './wall-pages.ts';
export { feedView } from './wire.svelte.ts';
