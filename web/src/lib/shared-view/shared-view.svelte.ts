/**
 * One shared situation view (상황 공유) as this browser holds it: the view's state (the fold of
 * its ops, as the hub sent them to this participant), who is in it, this person's follow state,
 * and what they do in it (push cameras, draw, note, present, hand over, extend a grant).
 *
 * The hub is the order: a change is sent as an op with the version it was made at and shows
 * once the hub has applied it (its answer, or `view:ops` for everyone else's). Every
 * (re)connect of the session joins again from the version held, so a reconnect gets only the
 * ops it missed (or a snapshot), and a late joiner the whole view at once.
 *
 * Wiring is injected: `port` asks the hub, `grid` shows the tiles, and the page hands over its
 * map with `attach` (the manager draws the view's map and annotations on it). Pushes arrive
 * through the `handle*` methods; the session's state through `handleSession`.
 */
import type { ClientOp, EditRights, Invitee, Participant, TileView, UserRef, ViewLayout, ViewRequestName, ViewServerEvents, ViewSnapshot, WireEnvelope } from '$protocol/shared-view.ts';
import { rightsOf, sameUser, undoOp, type ViewRights } from '$protocol/shared-view-fold.ts';
import { AppError, toAppError } from '$lib/errors/app-error.ts';
import type { AnnotationShape, LatLon, MapAnnotation } from '$lib/map/index.ts';
import type { RequestPayload, ResponseOf } from '$lib/signaling/index.ts';
import type { GridManager } from '$lib/state/grid.svelte.ts';
import type { SessionManager } from '$lib/state/session.svelte.ts';
import { annotationId, geometryOf, toMapAnnotation } from './annotations.ts';
import { FOLLOWING, leave, ownMove, sameMapView, shownLayout, type FollowState, type MapView } from './follow.ts';
import { afterJoin, foldIn, RESYNC, resumeFrom, withTiles, type Synced } from './sync.ts';

type PushOf<E extends keyof ViewServerEvents> = Parameters<ViewServerEvents[E]>[0];

/** How the manager asks the hub (the page's session). */
export interface ViewPort {
  request<E extends ViewRequestName>(event: E, payload: RequestPayload<E>): Promise<ResponseOf<E>>;
}

/** What the manager draws on the page's map. */
export interface ShareMap {
  /** Loads what the map shows under the view (districts, roads, this participant's cameras). */
  load(signal: AbortSignal): Promise<void>;
  setView(view: MapView): void;
  viewState(): MapView | null;
  setAnnotations(annotations: readonly MapAnnotation[]): void;
  /** Numbered rings on the map for the cameras on the tiles. */
  setWall(slots: ReadonlyArray<string | null>): void;
  startDrawing(shape: AnnotationShape, kind: string, done: (points: LatLon[]) => void): void;
  stopDrawing(): void;
}

export interface Me {
  subject: string;
  agency: string;
  name: string;
  role: string;
}

export type ViewStatus =
  /** Waiting for the session. */
  | 'idle'
  /** Joining for the first time. */
  | 'joining'
  | 'live'
  /** The session dropped or the copy fell out of step: joining again from the version held. */
  | 'resyncing'
  | 'closed'
  /** No such view, or not one this person is invited to (the hub gives the same answer). */
  | 'missing';

/** A tile as shown: a camera, withheld (권한 없음, no name), or empty. */
export type ShownTile = { kind: 'camera'; camera: Extract<TileView, { camera: unknown }>['camera'] } | { kind: 'withheld' } | { kind: 'empty' };

export interface AnnotationDraft {
  kind: '통제구역' | '대피경로' | '집결지' | '위험';
  shape: AnnotationShape;
  label: string;
}

const NO_RIGHTS: ViewRights = { content: false, map: false, owner: false };
/** Wait before joining again after a failure that was not the connection's. */
const RETRY_MS = 2_000;

export class SharedView {
  readonly viewId: string;
  state = $state.raw<ViewSnapshot | null>(null);
  participants = $state.raw<Participant[]>([]);
  status = $state<ViewStatus>('idle');
  /** Why the view is closed or missing, or the last failure while joining. */
  error = $state.raw<AppError | null>(null);
  /** The last change the hub refused (edit rights, a removed annotation …). */
  problem = $state.raw<AppError | null>(null);
  follow = $state.raw<FollowState>(FOLLOWING);
  me = $state.raw<Me | null>(null);
  draft = $state<AnnotationDraft>({ kind: '통제구역', shape: 'polygon', label: '' });
  drawing = $state(false);
  mapStatus = $state<'loading' | 'ready' | 'error'>('loading');
  mapError = $state.raw<AppError | null>(null);
  /** The agency whose grant extension is on its way. */
  extending = $state<string | null>(null);

  readonly rights: ViewRights = $derived(this.state && this.me ? rightsOf(this.state, this.me) : NO_RIGHTS);
  /** This person presents: their map is the view's. A wall never does. */
  readonly presenting = $derived(this.state !== null && this.me !== null && this.me.role !== 'wall' && sameUser(this.state.presenter, this.me));
  readonly layout: ViewLayout = $derived(shownLayout(this.follow, this.state, this.presenting));
  readonly tiles: ShownTile[] = $derived((this.state?.tiles ?? []).slice(0, this.layout).map(shownTile));
  readonly mine = $derived(this.state && this.me ? this.state.annotations.filter((a) => sameUser(a.author, this.me!)) : []);
  readonly canUndo = $derived(this.rights.content && this.mine.length > 0);
  /**
   * The incident the tiles watch for: only where it gives this participant something (its own
   * agency's incident, or a grant extended to it); the hub refuses a watch for another agency's.
   */
  readonly watchFor = $derived.by(() => {
    const state = this.state;
    const agency = this.me?.agency;
    if (!state?.incidentId || !agency) return null;
    return agency === state.owner.agency || state.grants.some((g) => g.agency === agency) ? state.incidentId : null;
  });

  readonly #port: ViewPort;
  readonly #grid: GridManager;
  #map: ShareMap | null = null;
  #drawn: ViewSnapshot['annotations'] | null = null;
  /** Bumped on every join and on close: an answer from an older join is dropped. */
  #epoch = 0;
  /** Ops pushed while a join is on its way: folded in after its answer. */
  #early: WireEnvelope[] = [];
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(viewId: string, port: ViewPort, grid: GridManager) {
    this.viewId = viewId;
    this.#port = port;
    this.#grid = grid;
  }

  /** Draws on `map` from now on (once its own data is in); returns the detach, which ends the loading too. */
  attach(map: ShareMap): () => void {
    this.#map = map;
    this.#drawn = null;
    const abort = new AbortController();
    this.mapStatus = 'loading';
    this.mapError = null;
    map.load(abort.signal).then(
      () => {
        if (abort.signal.aborted) return;
        this.mapStatus = 'ready';
        this.#drawn = null;
        this.#render();
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        this.mapError = toAppError(error);
        this.mapStatus = 'error';
      }
    );
    this.#render();
    return () => {
      abort.abort();
      map.stopDrawing();
      if (this.#map === map) this.#map = null;
    };
  }

  /** The session's state: every time it is ready (again) the view is joined from the version held. */
  handleSession(ready: boolean, me: Me | null): void {
    if (this.#closed) return;
    if (!ready) {
      this.#epoch++;
      clearTimeout(this.#retry);
      if (this.status === 'live') this.status = 'resyncing';
      return;
    }
    this.me = me;
    if (this.status !== 'closed' && this.status !== 'missing') void this.#join();
  }

  handleOps(event: PushOf<'view:ops'>): void {
    if (event.viewId !== this.viewId || this.#closed) return;
    if (this.status === 'live') this.#take(foldIn(this.state!, event.ops));
    else this.#early.push(...event.ops);
  }

  /**
   * What this participant may see changed (a grant extended or ended): its tiles, re-resolved.
   * A tile whose incident then changes (the grant's op follows) watches anew; the hub takes the
   * unwatch and the watch in the order sent.
   */
  handleTiles(event: PushOf<'view:tiles'>): void {
    if (event.viewId !== this.viewId || !this.state || this.status !== 'live') return;
    this.#take(withTiles(this.state, event));
  }

  handleParticipants(event: PushOf<'view:participants'>): void {
    if (event.viewId === this.viewId) this.participants = event.participants;
  }

  handleEnded(event: PushOf<'view:ended'>): void {
    if (event.viewId !== this.viewId) return;
    this.#epoch++;
    this.error = AppError.fromWire(event.reason);
    this.status = event.reason.code === 'VIEW_CLOSED' ? 'closed' : 'missing';
    if (this.state && this.status === 'closed' && this.state.status === 'open') this.state = { ...this.state, status: 'closed' };
    this.#stopDrawing();
  }

  /** A move of the person's own map: the presenter's goes to everyone; anyone else is looking around. */
  handleOwnMove(view: MapView): void {
    if (!this.state || this.me?.role === 'wall') return;
    const { follow, broadcast } = ownMove(this.follow, this.presenting, view);
    this.follow = follow;
    if (broadcast && !sameMapView(this.state.map, view)) void this.#send({ type: 'map.view', center: view.center, zoom: view.zoom });
  }

  /** A click on the map: a camera clicked goes onto a tile for everyone (with edit rights). */
  handleMapClick(cameraId: string | null): void {
    if (cameraId && !this.drawing && this.rights.content) void this.pushCamera(cameraId);
  }

  /** 둘러보기: stop following where the view is now. */
  leaveFollow(): void {
    this.follow = leave(this.follow, this.state, this.#map?.viewState() ?? null);
  }

  /** 따라가기: back to the presenter's map and the view's layout, at once. */
  rejoinFollow(): void {
    this.follow = FOLLOWING;
    this.#render();
  }

  /** The view's layout for everyone (with edit rights, following); else this person's own. */
  setLayout(layout: ViewLayout): void {
    if (this.rights.content && (this.follow.following || this.presenting)) void this.#send({ type: 'layout', layout });
    else {
      this.follow = { following: false, map: this.follow.map ?? this.#map?.viewState() ?? null, layout };
      this.#render();
    }
  }

  /** Puts a camera on the selected tile, else the first empty one, else the last. */
  async pushCamera(cameraId: string): Promise<boolean> {
    const slots = this.tiles;
    const selected = this.#grid.selected;
    const empty = slots.findIndex((tile) => tile.kind === 'empty');
    const slot = selected ?? (empty >= 0 ? empty : this.layout - 1);
    this.#grid.select(null);
    return this.#send({ type: 'tile.set', slot, cameraId });
  }

  clearTile(slot: number): Promise<boolean> {
    return this.#send({ type: 'tile.clear', slot });
  }

  highlight(slot: number | null): Promise<boolean> {
    return this.#send({ type: 'highlight', slot: this.state?.highlight === slot ? null : slot });
  }

  /** The person draws the draft's shape on the map; it is added for everyone when done. */
  startDrawing(): void {
    const map = this.#map;
    if (!map || !this.rights.content) return;
    this.drawing = true;
    const { shape, kind } = this.draft;
    map.startDrawing(shape, kind, (points) => {
      this.drawing = false;
      void this.addAnnotation(shape, points);
    });
  }

  cancelDrawing(): void {
    this.#stopDrawing();
  }

  async addAnnotation(shape: AnnotationShape, points: readonly LatLon[]): Promise<boolean> {
    const geometry = geometryOf(shape, points);
    if (!geometry) return false;
    const label = this.draft.label.trim();
    return this.#send({ type: 'annotation.add', id: annotationId(), kind: this.draft.kind, label, geometry });
  }

  /** Undoes this person's latest annotation still on the map. */
  undo(): Promise<boolean> {
    const op = this.state && this.me ? undoOp(this.state, this.me) : undefined;
    return op ? this.#send(op) : Promise.resolve(false);
  }

  removeAnnotation(id: string): Promise<boolean> {
    return this.#send({ type: 'annotation.remove', id });
  }

  addNote(text: string): Promise<boolean> {
    const trimmed = text.trim();
    return trimmed ? this.#send({ type: 'note', text: trimmed }) : Promise.resolve(false);
  }

  handOver(to: UserRef): Promise<boolean> {
    return this.#send({ type: 'presenter', to: { subject: to.subject, agency: to.agency } });
  }

  setRights(edit: EditRights): Promise<boolean> {
    return this.#send({ type: 'rights', edit });
  }

  invite(agencies: string[], users: Invitee[] = []): Promise<boolean> {
    return this.#send({ type: 'invite', agencies, users });
  }

  closeView(): Promise<boolean> {
    return this.#send({ type: 'close' });
  }

  /** The owner extends the incident's grant to a participating agency: its withheld tiles then play. */
  async extendGrant(agency: string): Promise<boolean> {
    if (this.extending) return false;
    this.extending = agency;
    this.problem = null;
    try {
      await this.#port.request('view:extend-grant', { viewId: this.viewId, agency });
      return true;
    } catch (error) {
      this.problem = toAppError(error);
      return false;
    } finally {
      this.extending = null;
    }
  }

  /** Leaves the view (the page goes): the hub is told, every timer ends. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#epoch++;
    clearTimeout(this.#retry);
    this.#stopDrawing();
    if (this.status === 'live') void this.#port.request('view:leave', { viewId: this.viewId }).catch(() => undefined);
  }

  /** Joins from the version held (or, holding nothing of this view, for a snapshot). */
  async #join(): Promise<void> {
    const epoch = ++this.#epoch;
    clearTimeout(this.#retry);
    this.status = this.state ? 'resyncing' : 'joining';
    this.#early = [];
    const since = resumeFrom(this.state, this.viewId);
    try {
      const answer = await this.#port.request('view:join', { viewId: this.viewId, ...(since !== undefined ? { sinceVersion: since } : {}) });
      if (epoch !== this.#epoch) return;
      this.participants = answer.participants;
      let next = afterJoin(this.state, answer);
      if (next !== RESYNC) next = foldIn(next, this.#early);
      this.#early = [];
      if (next === RESYNC) {
        // Out of step: the whole view, once.
        this.state = null;
        void this.#join();
        return;
      }
      this.error = null;
      this.status = next.status === 'closed' ? 'closed' : 'live';
      this.#set(next);
    } catch (cause) {
      if (epoch !== this.#epoch) return;
      const error = toAppError(cause);
      if (error.code === 'VIEW_NOT_FOUND' || error.code === 'VIEW_CLOSED') {
        this.error = error;
        this.status = error.code === 'VIEW_CLOSED' ? 'closed' : 'missing';
        return;
      }
      // The session's next ready joins again after a lost connection; anything else is tried again here.
      this.error = error;
      this.status = this.state ? 'resyncing' : 'joining';
      if (error.code !== 'CONNECTION_LOST' && error.code !== 'CLIENT_CLOSED') this.#retry = setTimeout(() => void this.#join(), RETRY_MS);
    }
  }

  async #send(op: ClientOp): Promise<boolean> {
    const state = this.state;
    if (!state || this.status !== 'live') return false;
    this.problem = null;
    try {
      const { applied } = await this.#port.request('view:op', { viewId: this.viewId, baseVersion: state.version, op });
      if (this.state && this.status === 'live') this.#take(foldIn(this.state, [applied]));
      return true;
    } catch (error) {
      this.problem = toAppError(error);
      return false;
    }
  }

  #take(next: Synced): void {
    if (next === RESYNC) void this.#join();
    else if (next !== this.state) this.#set(next);
  }

  #set(next: ViewSnapshot): void {
    this.state = next;
    this.#render();
  }

  /** The grid and the map show what this person sees of the view now. */
  #render(): void {
    const state = this.state;
    if (!state) return;
    const slots = state.tiles.slice(0, this.layout).map((tile) => (tile && 'camera' in tile ? tile.camera.id : null));
    this.#grid.show(this.layout, slots);
    const map = this.#map;
    if (!map) return;
    if (this.#drawn !== state.annotations) {
      this.#drawn = state.annotations;
      map.setAnnotations(state.annotations.map(toMapAnnotation));
    }
    map.setWall(slots);
    // Followers see the presenter's map; the presenter's own is never moved by the echo of their moves.
    if (!this.presenting && this.follow.following && state.map) map.setView(state.map);
  }

  #stopDrawing(): void {
    this.drawing = false;
    this.#map?.stopDrawing();
  }
}

function shownTile(tile: TileView | null): ShownTile {
  if (!tile) return { kind: 'empty' };
  return 'camera' in tile ? { kind: 'camera', camera: tile.camera } : { kind: 'withheld' };
}

/** The port of a page's session: its socket asks the hub. */
export function sessionPort(session: { request: SessionManager['request'] }): ViewPort {
  return { request: (event, payload) => session.request(event, payload) };
}
