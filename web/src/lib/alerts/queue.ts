/**
 * The alarm queue's order and what is new in it, pure. The queue shows every alarm routed to
 * the agency: open ones first, the most urgent priority (1) on top, then the newest; closed
 * ones below, newest closed first. An alarm arrives once: a later change of the same alarm
 * (a level rising, a fix, someone acknowledging) replaces it in place, an older copy never
 * overwrites a newer one.
 */

/** What ordering and arrivals need of an alarm (the wire's alarm has more). */
export interface Queued {
  id: string;
  priority: number;
  status: string;
  raisedAt: number;
  updatedAt: number;
  escalated?: boolean;
}

const closed = (alarm: Queued): boolean => alarm.status === 'closed';

export function compareQueued(a: Queued, b: Queued): number {
  if (closed(a) !== closed(b)) return closed(a) ? 1 : -1;
  if (closed(a)) return b.updatedAt - a.updatedAt || a.id.localeCompare(b.id);
  return a.priority - b.priority || b.raisedAt - a.raisedAt || a.id.localeCompare(b.id);
}

export function sortQueue<T extends Queued>(alarms: readonly T[]): T[] {
  return [...alarms].sort(compareQueued);
}

/** `next` into the queue: replaces its older copy, or is added; a copy older than the one held is dropped. */
export function upsertAlarm<T extends Queued>(alarms: readonly T[], next: T): T[] {
  const held = alarms.find((a) => a.id === next.id);
  if (held && held.updatedAt > next.updatedAt) return [...alarms];
  return sortQueue([...alarms.filter((a) => a.id !== next.id), next]);
}

/** The listed queue merged with what arrived while the list was on its way (the newer copy wins). */
export function mergeListed<T extends Queued>(listed: readonly T[], held: readonly T[]): T[] {
  return held.reduce<T[]>((queue, alarm) => upsertAlarm(queue, alarm), sortQueue(listed));
}

/** Open alarms: the badge's count. */
export function openCount(alarms: readonly Queued[]): number {
  return alarms.filter((a) => !closed(a)).length;
}

/**
 * The alarms in `next` that call for the sound: new (신규) ones this page has not cued yet, and
 * once more when one escalates still unacknowledged (the supervisors it escalated to hear it).
 * The first listing after sign-in cues too — an alarm waiting unacknowledged must be heard.
 */
export function toCue<T extends Queued>(next: readonly T[], cued: ReadonlySet<string>): T[] {
  return next.filter((a) => a.status === 'new' && !cued.has(cueKey(a)));
}

/** What `cued` holds for an alarm once its cue sounded. */
export function cueKey(alarm: Queued): string {
  return alarm.escalated ? `${alarm.id}:escalated` : alarm.id;
}
