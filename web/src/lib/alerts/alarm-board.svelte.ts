/**
 * The alarm shown on the incident board. Opening it (`alarm:open`) answers with its incident,
 * the map centre and the cameras for the tiles (the source camera first, then the nearest):
 * they go on the tiles in that same step, watched for the alarm's incident (whose grant lets
 * every receiving agency see exactly them while the alarm lives), the map centres on the alarm
 * and the board shows its incident. For a person on foot (SOS, tag) each new fix moves the
 * point (the map keeps it in the middle), the path draws with its times, and the tiles follow the cameras nearest the latest fix
 * by the pursuit's hand-off rule (`follow.ts` ranks, the follow mode moves the tiles). Closing
 * ends the hub's grant and views: the tiles then show that (권한 없음), never a frozen picture.
 */
import type { AlarmChangedEvent, AlarmView } from '$protocol/alerts.ts';
import type { NearCamera } from '$protocol/dispatch.ts';
import { toAppError, type AppError } from '$lib/errors/app-error.ts';
import { AlarmLayer, type IncidentMap, type LatLon } from '$lib/map/index.ts';
import type { FollowMode } from '$lib/pursuit/index.ts';
import type { SessionManager } from '$lib/state/index.ts';
import { rankNear } from './follow.ts';
import { drawingOf, isWalking } from './view.ts';

export type AlarmBoardSession = Pick<SessionManager, 'request' | 'lookup' | 'camera'>;
export type AlarmMap = Pick<IncidentMap, 'mount' | 'setView' | 'zoom'>;

/** What the incident board does for the alarm board. */
export interface AlarmHost {
  /** Puts `cameraIds` on the tiles, watched for `incidentId`, and shows that incident. */
  showAlarm(incidentId: string, cameraIds: readonly string[]): void;
  /** How many cameras the tiles take (nearest asked for). */
  tiles(): number;
  english(): boolean;
}

/** A street-scale view: the alarm and the cameras around it. */
const ALARM_ZOOM = 16;

export class AlarmBoard {
  current = $state.raw<AlarmView | null>(null);
  /** The alarm being opened. */
  opening = $state<string | null>(null);
  problem = $state.raw<AppError | null>(null);
  /** When the open alarm's cameras went on the tiles (ms, this page's clock). */
  openedAt = $state<number | null>(null);

  /** The tiles follow the person: an open alarm of a person on foot. */
  readonly following = $derived(this.current !== null && this.current.status !== 'closed' && isWalking(this.current));

  readonly #session: AlarmBoardSession;
  readonly #follow: FollowMode;
  readonly #host: AlarmHost;
  readonly #layer = new AlarmLayer();
  /** Where the alarm's cameras are (from the open answer, else looked up). */
  readonly #located = new Map<string, LatLon>();
  #map: AlarmMap | null = null;

  constructor(session: AlarmBoardSession, follow: FollowMode, host: AlarmHost) {
    this.#session = session;
    this.#follow = follow;
    this.#host = host;
  }

  /** Draws on `map` from now on; returns the detach. */
  attach(map: AlarmMap): () => void {
    this.#map = map;
    const unmount = map.mount(this.#layer);
    this.#redraw();
    return () => {
      unmount();
      if (this.#map === map) this.#map = null;
    };
  }

  /** Opens an alarm (from the queue, or the address bar's `?alarm=`). */
  async open(alarmId: string): Promise<void> {
    this.opening = alarmId;
    this.problem = null;
    try {
      const opened = await this.#session.request('alarm:open', { alarmId, nearest: this.#host.tiles() });
      this.current = opened.alarm;
      this.#locate(opened.cameras);
      this.#host.showAlarm(opened.incidentId, opened.cameras.map((c) => c.id));
      this.openedAt = Date.now();
      this.#map?.setView({ center: opened.center, zoom: Math.max(ALARM_ZOOM, this.#map.zoom()) });
      this.#redraw();
      this.#feedFollow();
    } catch (error) {
      this.problem = toAppError(error);
    } finally {
      if (this.opening === alarmId) this.opening = null;
    }
  }

  /** `alarm:changed`: the alarm shown moves with its fixes and follows its state. */
  handleChanged(event: AlarmChangedEvent): void {
    const before = this.current;
    if (before?.id !== event.alarm.id || before.updatedAt > event.alarm.updatedAt) return;
    this.current = event.alarm;
    // Following a person, the map keeps the latest fix in the middle.
    const { location } = event.alarm;
    if (this.following && (location.lat !== before.location.lat || location.lon !== before.location.lon)) this.#map?.setView({ center: location, zoom: this.#map.zoom() });
    this.#redraw();
    this.#feedFollow();
  }

  /** Redraws in the page's language. */
  redraw(): void {
    this.#redraw();
  }

  /** What the map draws of the alarm (tests). */
  drawn(): { alarm: number; fixes: number } {
    return this.#layer.counts();
  }

  #redraw(): void {
    this.#layer.set(this.current && this.#map ? drawingOf(this.current, this.#host.english()) : null);
  }

  /** The alarm's cameras ranked by distance to the latest fix, once their places are known. */
  #feedFollow(): void {
    const alarm = this.current;
    if (!alarm || !this.following) return;
    const missing = alarm.cameras.filter((id) => !this.#located.has(id));
    if (missing.length) {
      void this.#session.lookup(missing).then(
        () => {
          for (const id of missing) {
            const at = this.#session.camera(id)?.location;
            if (at) this.#located.set(id, at);
          }
          if (this.current === alarm) this.#rank(alarm);
        },
        () => this.#rank(alarm)
      );
    }
    this.#rank(alarm);
  }

  #rank(alarm: AlarmView): void {
    const placed = alarm.cameras.flatMap((cameraId) => {
      const location = this.#located.get(cameraId);
      return location ? [{ cameraId, location }] : [];
    });
    this.#follow.update(rankNear(placed, alarm.location), new Set());
  }

  #locate(cameras: readonly NearCamera[]): void {
    for (const camera of cameras) this.#located.set(camera.id, { lat: camera.lat, lon: camera.lon });
  }
}
