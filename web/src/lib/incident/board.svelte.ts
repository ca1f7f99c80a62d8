/**
 * The incident board's state and what the operator does with it. An incident is placed on the
 * map (or picked from the list, or followed when another operator opens one); the hub opens it
 * and answers with the nearest cameras in scope, which go on the tiles in that same step, so
 * their watches start at once and in parallel; the dispatch route from the nearest station is
 * drawn with the cameras along it. A flagged jam brings the detour; other operators' flags and
 * routes arrive live (`handleDispatch`, `handleIncidentChanged`). Closing the incident ends the
 * views opened for it (the hub does that; the tiles show it).
 *
 * The page makes the map (it owns the element) and hands it over with `attach`; the board
 * draws on it through the few calls in `BoardMap`.
 */
import { AppError, toAppError } from '$lib/errors/app-error.ts';
import type { GeoApi, IncidentMap, MapClick } from '$lib/map/index.ts';
import type { Dispatch, Incident, IncidentType, LatLon, NearCamera } from '$lib/map/geo-api.ts';
import type { IncidentsChangedEvent } from '$protocol/incidents.ts';
import type { GridManager } from '$lib/state/index.ts';
import { detourOf, drivenChanged, isFlaggedAt, noDetourReason, supersedes } from './dispatch.ts';
import { afterChange, withIncident } from './incident-list.ts';
import { LatestRun, type Run } from './latest-run.ts';
import { nearestWanted, placedElsewhere, wallCameras, type WallSource } from './wall.ts';

export type BoardApi = Pick<
  GeoApi,
  'districts' | 'layers' | 'cameras' | 'incidents' | 'incident' | 'nearest' | 'openIncident' | 'startDispatch' | 'flagCongestion' | 'closeIncident'
>;

export type BoardMap = Pick<IncidentMap, 'setDistricts' | 'setBase' | 'setCameras' | 'setWall' | 'setIncident' | 'setRoute' | 'setDetour' | 'setFlags'>;

/** Which part of the board a failure belongs to: each shows its own. */
export type ProblemPlace = 'incident' | 'nearest' | 'route' | 'flag' | 'close';

export interface BoardProblem {
  where: ProblemPlace;
  error: AppError;
}

export class IncidentBoard {
  incidentType = $state<IncidentType>('화재');
  mapStatus = $state<'loading' | 'ready' | 'error'>('loading');
  mapError = $state.raw<AppError | null>(null);
  cameraCount = $state(0);

  incidents = $state.raw<Incident[]>([]);
  current = $state.raw<Incident | null>(null);
  /** The next click on the map places a new incident (always, while none is shown). */
  placing = $state(false);
  working = $state(false);
  closing = $state(false);
  nearest = $state.raw<NearCamera[]>([]);
  dispatch = $state.raw<Dispatch | null>(null);
  wallSource = $state<WallSource>('nearest');
  /**
   * The incident the tiles watch for: the one whose cameras were last put on them. It changes
   * with the cameras, in the same step, so a tile is never re-watched for a passing state.
   */
  wallIncident = $state<string | null>(null);
  /** The camera (or point) whose flag is on its way. */
  flagging = $state<string | null>(null);
  problem = $state.raw<BoardProblem | null>(null);

  readonly route = $derived(this.dispatch?.route ?? null);
  readonly detour = $derived(detourOf(this.dispatch));
  readonly noDetour = $derived(noDetourReason(this.dispatch));
  readonly armed = $derived(this.placing || this.current === null);

  readonly #api: BoardApi;
  readonly #grid: GridManager;
  readonly #runs = new LatestRun();
  #map: BoardMap | null = null;

  constructor(api: BoardApi, grid: GridManager, incidentType: IncidentType = '화재') {
    this.#api = api;
    this.#grid = grid;
    this.incidentType = incidentType;
  }

  /**
   * Draws on `map` from now on: loads its data and the open incidents, then shows `wanted` (the
   * address's `?id=`). Returns the detach, which also ends every request of the board.
   */
  attach(map: BoardMap, wanted: string | null): () => void {
    this.#map = map;
    const abort = new AbortController();
    const { signal } = abort;
    this.mapStatus = 'loading';
    this.mapError = null;
    Promise.all([this.#api.districts(signal), this.#api.layers(signal), this.#api.cameras(signal), this.#api.incidents(signal)])
      .then(([districts, layers, cameras, open]) => {
        map.setDistricts(districts);
        map.setBase(layers);
        map.setCameras(cameras);
        this.cameraCount = cameras.count;
        this.incidents = open;
        this.mapStatus = 'ready';
        const known = wanted ? open.find((i) => i.id === wanted) : undefined;
        if (known) void this.select(known);
        else if (wanted) void this.selectById(wanted);
      })
      .catch((error: unknown) => {
        if (signal.aborted) return;
        this.mapError = toAppError(error);
        this.mapStatus = 'error';
      });
    return () => {
      abort.abort();
      this.#runs.abort();
      if (this.#map === map) this.#map = null;
    };
  }

  /** The numbered rings on the map for the cameras on the tiles. */
  markWall(slots: ReadonlyArray<string | null>): void {
    if (this.mapStatus === 'ready') this.#map?.setWall(slots);
  }

  /**
   * A click on the map: places the incident while armed, else puts the camera clicked on a tile.
   * While a placement is on its way, clicks open nothing more (a double click is one incident).
   */
  handleMapClick(click: MapClick): void {
    if (this.armed) {
      if (!(this.working && this.current === null)) void this.place(click.at);
    }
    else if (click.cameraId) this.play(click.cameraId);
  }

  /** `incident:dispatch`: this incident's new state is drawn; another one is listed (and maybe followed). */
  handleDispatch(next: Dispatch): void {
    if (this.current?.id === next.incidentId) this.#showDispatch(next);
    else if (!this.incidents.some((i) => i.id === next.incidentId)) {
      this.#api.incidents().then(
        (open) => {
          this.incidents = open;
          const incoming = open.find((i) => i.id === next.incidentId);
          if (incoming) this.#follow(incoming);
        },
        // The list is refreshed again with the next change; nothing on screen depends on this one.
        () => undefined
      );
    }
  }

  /** `incidents:changed`: the list follows; the incident shown is updated; a new one may be followed. */
  handleIncidentChanged(event: IncidentsChangedEvent): void {
    this.incidents = afterChange(this.incidents, event);
    if (this.current?.id === event.incident.id) this.current = event.incident;
    else if (event.change === 'opened') this.#follow(event.incident);
  }

  arm(placing: boolean): void {
    this.placing = placing;
  }

  /**
   * A new incident where the operator clicked. The answer that opens it carries the nearest
   * cameras: they go on the tiles in the same step, so the tiles' watches (for this incident)
   * start together, with no second request in between.
   */
  async place(at: LatLon): Promise<void> {
    const run = this.#begin(at);
    this.working = true;
    this.current = null;
    try {
      const opened = await this.#api.openIncident({ type: this.incidentType, location: at, nearest: nearestWanted(this.#grid.layout) }, run.signal);
      if (run.stale) return;
      this.placing = false;
      this.current = opened.incident;
      this.incidents = withIncident(this.incidents, opened.incident);
      this.#showNearest(opened.nearest);
      if (opened.dispatch) this.#showDispatch(opened.dispatch);
      else if (opened.dispatchError) this.#fail('route', AppError.fromWire(opened.dispatchError));
      else await this.#startDispatch(opened.incident.id, run);
    } catch (error) {
      if (!run.stale) this.#fail('incident', error);
    } finally {
      if (!run.stale) this.working = false;
    }
  }

  /**
   * An incident from the list (or the address bar): its place, its cameras, its dispatch as it
   * stands. With `wall` 'pursuit' the tiles are the pursuit's follow mode's, watched for it.
   */
  async select(incident: Incident, wall: WallSource = 'nearest'): Promise<void> {
    const run = this.#begin(incident.location, wall);
    if (placedElsewhere(wall)) this.wallIncident = incident.id;
    this.current = incident;
    this.placing = false;
    this.working = true;
    try {
      // No answer carries this incident's nearest cameras: ask for them beside its detail.
      const [, detail] = await Promise.all([this.#loadNearest(incident.location, run), this.#api.incident(incident.id, run.signal)]);
      if (run.stale) return;
      this.current = detail.incident;
      if (detail.dispatch) this.#showDispatch(detail.dispatch);
      // An alarm's incident is opened by the hub for one of its recipients: only that one may dispatch.
      else if (detail.incident.status === 'open' && wall !== 'alarm') await this.#startDispatch(incident.id, run);
    } catch (error) {
      if (!run.stale) this.#fail('route', error);
    } finally {
      if (!run.stale) this.working = false;
    }
  }

  async selectById(id: string, wall: WallSource = 'nearest'): Promise<void> {
    const known = this.incidents.find((i) => i.id === id);
    if (known) return this.select(known, wall);
    // On its way to an incident: a board that is working follows no other one meanwhile.
    this.working = true;
    try {
      await this.select((await this.#api.incident(id)).incident, wall);
    } catch (error) {
      this.working = false;
      this.#fail('incident', error);
    }
  }

  /** A pursuit's incident, its wall in follow mode (the incident shown already just switches the wall). */
  followPursuit(incidentId: string): void {
    if (this.current?.id === incidentId) this.showOnWall('pursuit');
    else void this.selectById(incidentId, 'pursuit');
  }

  /**
   * An alarm opened: its cameras go on the tiles at once, watched for its incident (their
   * watches start together), and the board shows that incident; the alarm board keeps the tiles.
   */
  showAlarm(incidentId: string, cameraIds: readonly string[]): void {
    this.wallSource = 'alarm';
    this.wallIncident = incidentId;
    this.#grid.fill(cameraIds);
    if (this.current?.id !== incidentId) void this.selectById(incidentId, 'alarm');
  }

  /** One camera onto a tile (the selected one, else a free one, else the last not pinned). */
  play(cameraId: string): void {
    this.wallIncident = this.current?.id ?? this.wallIncident;
    this.#grid.place(cameraId, { replace: true });
  }

  /** The wall's source; for 'pursuit' the follow mode places the cameras, watched for the incident shown. */
  showOnWall(source: WallSource): void {
    this.wallSource = source;
    if (placedElsewhere(source)) this.wallIncident = this.current?.id ?? this.wallIncident;
    this.#fillWall();
  }

  isFlagged(at: LatLon): boolean {
    return isFlaggedAt(this.dispatch, at);
  }

  /** Flags the route segment at `at` as congested; the answer (and every other board) gets the detour. */
  async flagAt(at: LatLon, key = `${at.lat},${at.lon}`): Promise<Dispatch | null> {
    const incidentId = this.current?.id;
    if (!incidentId || !this.dispatch) return null;
    this.flagging = key;
    this.problem = null;
    try {
      const next = await this.#api.flagCongestion(incidentId, at);
      if (this.current?.id === next.incidentId) this.#showDispatch(next);
      return next;
    } catch (error) {
      this.#fail('flag', error);
      return null;
    } finally {
      if (this.flagging === key) this.flagging = null;
    }
  }

  async closeCurrent(): Promise<void> {
    const incident = this.current;
    if (!incident || this.closing) return;
    this.closing = true;
    try {
      const { incident: closed } = await this.#api.closeIncident(incident.id);
      this.incidents = this.incidents.filter((i) => i.id !== closed.id);
      if (this.current?.id === closed.id) this.current = closed;
    } catch (error) {
      this.#fail('close', error);
    } finally {
      this.closing = false;
    }
  }

  /** A new run (placing or selecting): the one before is dropped, the board is cleared around `at`. */
  #begin(at: LatLon, wall: WallSource = 'nearest'): Run {
    const run = this.#runs.begin();
    this.nearest = [];
    this.dispatch = null;
    this.problem = null;
    this.wallSource = wall;
    this.#map?.setIncident(at);
    this.#draw(null);
    return run;
  }

  async #loadNearest(at: LatLon, run: Run): Promise<void> {
    try {
      const cameras = await this.#api.nearest(at, nearestWanted(this.#grid.layout), run.signal);
      if (!run.stale) this.#showNearest(cameras);
    } catch (error) {
      if (!run.stale) this.#fail('nearest', error);
    }
  }

  #showNearest(cameras: NearCamera[]): void {
    this.nearest = cameras;
    if (this.wallSource === 'nearest') this.#fillWall();
  }

  async #startDispatch(id: string, run: Run): Promise<void> {
    try {
      const started = await this.#api.startDispatch(id, run.signal);
      if (!run.stale && supersedes(this.dispatch, started)) this.#showDispatch(started);
    } catch (error) {
      if (!run.stale) this.#fail('route', error);
    }
  }

  #showDispatch(next: Dispatch): void {
    const before = this.dispatch;
    this.dispatch = next;
    // The view is fitted to a new incident's route only, never moved under the operator after that.
    this.#draw(next, before?.incidentId !== next.incidentId);
    // The wall follows the route only when the route itself changed (a detour): never over the operator's own picks.
    if (this.wallSource === 'route' && drivenChanged(before, next)) this.#fillWall();
  }

  #draw(next: Dispatch | null, fit = true): void {
    const map = this.#map;
    if (!map) return;
    map.setRoute(next?.route ?? null, this.current?.location, fit);
    map.setDetour(detourOf(next));
    map.setFlags(next?.flagged ?? []);
  }

  /** The wall's source into every tile not pinned, watched for the incident shown. */
  #fillWall(): void {
    if (placedElsewhere(this.wallSource)) return;
    this.wallIncident = this.current?.id ?? this.wallIncident;
    this.#grid.fill(wallCameras(this.wallSource, this.nearest, this.dispatch));
  }

  /** A board that shows nothing yet follows the agency's newest incident. */
  #follow(incident: Incident): void {
    if (this.current === null && !this.working && !this.placing) void this.select(incident);
  }

  #fail(where: ProblemPlace, error: unknown): void {
    this.problem = { where, error: toAppError(error) };
  }
}
