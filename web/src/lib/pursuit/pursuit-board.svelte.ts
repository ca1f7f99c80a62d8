/**
 * The pursuit on the incident board: the agency's open pursuits, the one shown (its track,
 * prediction and grant, kept current by `pursuit:changed`), the sighting controls and the
 * development scenario. One click on a tile's 목격 records a sighting at that camera now (it
 * opens the pursuit when none is open, with the target described in the panel); the roads
 * leaving that camera are then offered as its direction of travel, and picking one records the
 * sighting again with it, which re-anchors the prediction.
 *
 * The map is drawn through `PursuitMap`; the tiles are handed off by the follow mode
 * (`follow.svelte.ts`), which this manager feeds with each new prediction.
 */
import type { OpenPursuitRequest, Pursuit, PursuitChangedEvent, PursuitScenarioState, PursuitTarget } from '$protocol/pursuit.ts';
import { toAppError, type AppError } from '$lib/errors/app-error.ts';
import type { IncidentMap } from '$lib/map/index.ts';
import type { PursuitApi, Road } from './api.ts';
import type { FollowMode } from './follow.svelte.ts';
import { drawingOf, lastSighting, playable, ranking, targetOf } from './view.ts';

export type PursuitMap = Pick<IncidentMap, 'setPursuit' | 'cameraAt'>;

const CLOCK_MS = 1_000;

/** What the board around the pursuit manager does for it. */
export interface PursuitHost {
  /** Shows the pursuit's incident with the wall in follow mode (views for that incident). */
  showIncident(incidentId: string): void;
  /** The open incident of the operator's own agency shown now, which a new pursuit would belong to. */
  ownIncident(): string | undefined;
  english(): boolean;
}

export class PursuitBoard {
  pursuits = $state.raw<Pursuit[]>([]);
  current = $state.raw<Pursuit | null>(null);
  /** The camera whose sighting is on its way. */
  sighting = $state<string | null>(null);
  /** The roads leaving the last sighting's camera (its direction of travel is picked from them). */
  roads = $state.raw<Road[]>([]);
  closing = $state(false);
  problem = $state.raw<AppError | null>(null);
  /** The development scenario: null where the hub offers none. */
  scenario = $state.raw<PursuitScenarioState | null>(null);
  /** The scenario's vehicle drives this many times faster than road speeds. */
  scenarioSpeed = $state(1);
  /** The clock the arrival windows count down by and the time since the last sighting is told by (a second's steps). */
  now = $state(Date.now());

  /** The target as described in the panel, for a pursuit opened from a tile. */
  targetKind = $state<PursuitTarget['kind']>('vehicle');
  plate = $state('');
  colour = $state('');
  vehicleType = $state('');
  description = $state('');

  readonly #api: PursuitApi;
  readonly #follow: FollowMode;
  readonly #host: PursuitHost;
  #map: PursuitMap | null = null;
  /** The sighting whose roads are offered: a direction picked is recorded for this camera and time. */
  #anchor: { cameraId: string; at: number } | null = null;

  constructor(api: PursuitApi, follow: FollowMode, host: PursuitHost) {
    this.#api = api;
    this.#follow = follow;
    this.#host = host;
  }

  /** Draws on `map` from now on and loads the open pursuits and the scenario control; returns the detach. */
  attach(map: PursuitMap): () => void {
    this.#map = map;
    const abort = new AbortController();
    const clock = setInterval(() => (this.now = Date.now()), CLOCK_MS);
    Promise.all([this.#api.list(abort.signal), this.#api.scenario(abort.signal)])
      .then(([open, scenario]) => {
        this.pursuits = open;
        this.scenario = scenario;
        this.#redraw();
      })
      .catch((error: unknown) => {
        if (!abort.signal.aborted) this.problem = toAppError(error);
      });
    return () => {
      abort.abort();
      clearInterval(clock);
      if (this.#map === map) this.#map = null;
    };
  }

  /** `pursuit:changed`: the list follows; the pursuit shown is redrawn; a board following no open one takes a new one. */
  handleChanged(event: PursuitChangedEvent): void {
    const { pursuit } = event;
    this.pursuits = pursuit.status === 'open' ? [pursuit, ...this.pursuits.filter((p) => p.id !== pursuit.id)] : this.pursuits.filter((p) => p.id !== pursuit.id);
    if (this.current?.id === pursuit.id) this.#apply(pursuit);
    else if (this.current?.status !== 'open' && pursuit.status === 'open') this.show(pursuit);
    if (this.scenario?.running && this.scenario.pursuitId === null && event.change === 'opened') this.scenario = { ...this.scenario, pursuitId: pursuit.id };
  }

  /** Shows a pursuit: its incident on the board, the wall in follow mode, its track and prediction on the map. */
  show(pursuit: Pursuit): void {
    this.roads = [];
    this.#anchor = null;
    this.#apply(pursuit, true);
    if (pursuit.status === 'open') this.#host.showIncident(pursuit.incidentId);
  }

  /**
   * 목격 on a tile: a sighting at `cameraId` now, with the direction unknown until one of the
   * roads leaving it is picked. Opens a pursuit when the board shows none that is open.
   */
  async sight(cameraId: string): Promise<void> {
    if (this.sighting) return;
    const at = Date.now();
    this.sighting = cameraId;
    this.problem = null;
    try {
      const current = this.current?.status === 'open' ? this.current : null;
      const next = current ? await this.#api.sight(current.id, { cameraId, at, headingDeg: null }) : await this.#api.open(this.#openRequest(cameraId, at));
      if (!current) this.show(next);
      else if (this.current?.id === next.id) this.#apply(next);
      this.#anchor = { cameraId, at };
      const roads = await this.#api.roads(cameraId);
      if (this.#anchor?.cameraId === cameraId && this.#anchor.at === at) this.roads = roads;
    } catch (error) {
      this.problem = toAppError(error);
    } finally {
      this.sighting = null;
    }
  }

  /** The direction of travel for the last sighting from a tile: recorded again with it, which re-anchors the prediction. */
  async setDirection(road: Road): Promise<void> {
    const anchor = this.#anchor;
    const pursuit = this.current;
    if (!anchor || !pursuit || pursuit.status !== 'open' || this.sighting) return;
    this.sighting = anchor.cameraId;
    this.problem = null;
    try {
      const next = await this.#api.sight(pursuit.id, { cameraId: anchor.cameraId, at: anchor.at, headingDeg: road.headingDeg });
      this.roads = [];
      this.#anchor = null;
      if (this.current?.id === next.id) this.#apply(next);
    } catch (error) {
      this.problem = toAppError(error);
    } finally {
      this.sighting = null;
    }
  }

  async close(): Promise<void> {
    const pursuit = this.current;
    if (!pursuit || pursuit.status !== 'open' || this.closing) return;
    this.closing = true;
    try {
      const closed = await this.#api.close(pursuit.id);
      if (this.current?.id === closed.id) this.#apply(closed);
      this.pursuits = this.pursuits.filter((p) => p.id !== closed.id);
    } catch (error) {
      this.problem = toAppError(error);
    } finally {
      this.closing = false;
    }
  }

  async startScenario(): Promise<void> {
    this.problem = null;
    try {
      this.scenario = await this.#api.startScenario({ speedFactor: this.scenarioSpeed });
    } catch (error) {
      this.problem = toAppError(error);
    }
  }

  /** Redraws in the page's language. */
  redraw(): void {
    this.#redraw();
  }

  /** The prediction again for follow mode, e.g. once the map knows which cameras are in the agency's scope. */
  refollow(): void {
    this.#feedFollow();
  }

  /** `fit`: a pursuit newly shown; the map moves to it. */
  #apply(pursuit: Pursuit, fit = false): void {
    this.current = pursuit;
    if (pursuit.status !== 'open') this.roads = [];
    this.#redraw(fit);
    this.#feedFollow();
  }

  #redraw(fit = false): void {
    this.#map?.setPursuit(this.current ? drawingOf(this.current, this.#host.english()) : null, fit);
  }

  #feedFollow(): void {
    const pursuit = this.current;
    const last = lastSighting(pursuit);
    this.#follow.update(ranking(playable(pursuit, (id) => this.#map?.cameraAt(id) != null)), new Set(last ? [last.cameraId] : []));
  }

  #openRequest(cameraId: string, at: number): OpenPursuitRequest {
    const incidentId = this.#host.ownIncident();
    return { ...(incidentId ? { incidentId } : {}), target: this.#target(), sighting: { cameraId, at, headingDeg: null } };
  }

  #target(): PursuitTarget {
    return targetOf({ kind: this.targetKind, plate: this.plate, colour: this.colour, vehicleType: this.vehicleType, description: this.description });
  }
}
