/**
 * The alarm queue of an operator's page: the alarms routed to the agency, live. Listed on each
 * (re)join of the session (`alarms:list`, open and recently closed), kept current by
 * `alarm:changed`; sorted most urgent then newest (`queue.ts`). A new (신규) alarm not heard yet
 * sounds the cue and opens the queue; it blinks until someone acknowledges it. Acknowledging,
 * starting, closing and commenting go to the hub; the queue shows what the hub answers and
 * pushes (no optimistic state: who and when are the hub's).
 */
import type { AlarmChangedEvent, AlarmRequestOf, AlarmView } from '$protocol/alerts.ts';
import { toAppError, type AppError } from '$lib/errors/app-error.ts';
import type { SessionManager } from '$lib/state/index.ts';
import { AlarmSound } from './sound.svelte.ts';
import { cueKey, mergeListed, openCount, sortQueue, toCue, upsertAlarm } from './queue.ts';

export type AlarmSession = Pick<SessionManager, 'request' | 'on'>;

/** Closed alarms the queue keeps listing below the open ones. */
const CLOSED_SHOWN = 20;

export class AlarmQueue {
  alarms = $state.raw<AlarmView[]>([]);
  loaded = $state(false);
  /** The queue's list is shown (opened by the operator, or by a new alarm). */
  expanded = $state(false);
  /** The alarm whose detail (history, comment, controls) is unfolded. */
  detail = $state<string | null>(null);
  /** The alarm whose request is on its way. */
  working = $state<string | null>(null);
  problem = $state.raw<{ alarmId: string | null; error: AppError } | null>(null);
  /** When this page first learned of each alarm (the bench and e2e read the arrival). */
  readonly seenAt = new Map<string, number>();

  readonly count = $derived(openCount(this.alarms));
  readonly unacknowledged = $derived(this.alarms.filter((a) => a.status === 'new').length);

  /** The sound cue, owned by the queue (closed with it). */
  readonly sound: AlarmSound;
  readonly #session: AlarmSession;
  readonly #cued = new Set<string>();
  /** Changes that arrived while a listing was on its way: merged into it. */
  #arrivedDuringList: AlarmView[] | null = null;

  constructor(session: AlarmSession, sound: AlarmSound = new AlarmSound()) {
    this.#session = session;
    this.sound = sound;
    session.on('alarm:changed', (event) => this.handleChanged(event));
  }

  /** Lists the queue (after each join of the session: pushes missed while away are in it). */
  async load(): Promise<void> {
    this.#arrivedDuringList = [];
    try {
      const [open, closed] = await Promise.all([
        this.#session.request('alarms:list', { status: 'open' }),
        this.#session.request('alarms:list', { status: 'closed', limit: CLOSED_SHOWN })
      ]);
      this.#take(mergeListed([...open.alarms, ...closed.alarms], this.#arrivedDuringList ?? []));
      this.loaded = true;
      this.problem = null;
    } catch (error) {
      this.problem = { alarmId: null, error: toAppError(error) };
    } finally {
      this.#arrivedDuringList = null;
    }
  }

  /** The page goes: its audio context closes (the session's listeners go with the session). */
  close(): void {
    this.sound.close();
  }

  handleChanged(event: AlarmChangedEvent): void {
    this.#arrivedDuringList?.push(event.alarm);
    this.#take(upsertAlarm(this.alarms, event.alarm));
  }

  find(alarmId: string): AlarmView | undefined {
    return this.alarms.find((a) => a.id === alarmId);
  }

  toggle(): void {
    this.expanded = !this.expanded;
  }

  unfold(alarmId: string): void {
    this.detail = this.detail === alarmId ? null : alarmId;
  }

  acknowledge(alarmId: string, comment?: string): Promise<AlarmView | null> {
    return this.#send(alarmId, () => this.#session.request('alarm:ack', { alarmId, ...(comment ? { comment } : {}) }));
  }

  setState(request: AlarmRequestOf<'alarm:state'>): Promise<AlarmView | null> {
    return this.#send(request.alarmId, () => this.#session.request('alarm:state', request));
  }

  comment(alarmId: string, comment: string): Promise<AlarmView | null> {
    const text = comment.trim();
    if (!text) return Promise.resolve(null);
    return this.#send(alarmId, () => this.#session.request('alarm:comment', { alarmId, comment: text }));
  }

  async #send(alarmId: string, call: () => Promise<{ alarm: AlarmView }>): Promise<AlarmView | null> {
    if (this.working) return null;
    this.working = alarmId;
    this.problem = null;
    try {
      const { alarm } = await call();
      this.#take(upsertAlarm(this.alarms, alarm));
      return alarm;
    } catch (error) {
      this.problem = { alarmId, error: toAppError(error) };
      return null;
    } finally {
      this.working = null;
    }
  }

  #take(next: AlarmView[]): void {
    const now = Date.now();
    for (const alarm of next) if (!this.seenAt.has(alarm.id)) this.seenAt.set(alarm.id, now);
    const due = toCue(next, this.#cued);
    for (const alarm of due) this.#cued.add(cueKey(alarm));
    this.alarms = sortQueue(next);
    if (due.length) {
      this.expanded = true;
      this.sound.cue(Math.min(...due.map((a) => a.priority)));
    }
  }
}
