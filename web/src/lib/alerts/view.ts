/**
 * What the page shows of an alarm, pure: its title and one-line cause, who did what last, which
 * controls its state allows, how the map draws it and which close reasons fit its kind.
 */
import type { AlarmHistoryEntry, AlarmStatus, AlarmView, CloseReason, Fix } from '$protocol/alerts.ts';
import type { AlarmDrawing } from '$lib/map/alarm-layer.ts';
import { clockTime } from '../pursuit/text.ts';
import { ACTION_TEXT, CLOSE_TEXT, KIND_TEXT, LEVEL_EN, say, SOS_EN } from './text.ts';

/** "비상벨 · 경계" / "Emergency bell · Alert". */
export function alarmTitle(alarm: Pick<AlarmView, 'kind' | 'level'>, english: boolean): string {
  return `${say(KIND_TEXT[alarm.kind], english)} · ${english ? LEVEL_EN[alarm.level] : alarm.level}`;
}

/** The cause as it stands: density, depth, confidence, the bell, who is missing. */
export function alarmCause(alarm: Pick<AlarmView, 'detail'>, english: boolean): string {
  const d = alarm.detail;
  switch (d.kind) {
    case 'crowd':
      return [english ? `${d.density.toFixed(1)} people/m²` : `${d.density.toFixed(1)}명/㎡`, d.areaName].filter(Boolean).join(' · ');
    case 'water':
      return `${d.siteName} · ${Math.round(d.levelCm)} cm`;
    case 'fire':
      return `${d.detected === 'fire' ? (english ? 'Fire' : '불꽃') : english ? 'Smoke' : '연기'} ${Math.round(d.confidence * 100)}%`;
    case 'bell':
      return d.bellId;
    case 'sos':
      return [english ? SOS_EN[d.category] : d.category, d.description].filter(Boolean).join(' · ');
    case 'tag':
      return [d.tagId, d.violation].filter(Boolean).join(' · ');
  }
}

/** The walked path of a moving alarm (SOS, tag), oldest first; empty for a fixed place. */
export function trackOf(alarm: Pick<AlarmView, 'detail'>): readonly Fix[] {
  return alarm.detail.kind === 'sos' || alarm.detail.kind === 'tag' ? alarm.detail.track : [];
}

/** A person on foot whose tiles follow the latest fix. */
export function isWalking(alarm: Pick<AlarmView, 'kind'>): boolean {
  return alarm.kind === 'sos' || alarm.kind === 'tag';
}

/** The last thing someone did, with who and when: "확인 · 김관제 (seoul-112) 14:03:21". */
export function lastAction(alarm: Pick<AlarmView, 'history'>, english: boolean): string {
  const entry = alarm.history.at(-1);
  return entry ? historyLine(entry, english) : '';
}

export function historyLine(entry: AlarmHistoryEntry, english: boolean): string {
  const what = entry.action === 'closed' && entry.closeReason ? `${say(ACTION_TEXT.closed, english)} (${say(CLOSE_TEXT[entry.closeReason], english)})` : say(ACTION_TEXT[entry.action], english);
  const level = entry.level ? ` → ${english ? LEVEL_EN[entry.level] : entry.level}` : '';
  const to = entry.to ? ` → ${entry.to}` : '';
  const who = entry.by ? ` · ${entry.by.name} (${entry.by.agency})` : '';
  return `${clockTime(entry.at, english)} ${what}${level}${to}${who}`;
}

export type AlarmControl = 'acknowledge' | 'start' | 'close';

/** What the operator may do next: 신규 → 확인 → 처리 중 → 종료 (a confirmed alarm may be closed at once). */
export function controlsFor(status: AlarmStatus): AlarmControl[] {
  switch (status) {
    case 'new':
      return ['acknowledge'];
    case 'acknowledged':
      return ['start', 'close'];
    case 'in_progress':
      return ['close'];
    case 'closed':
      return [];
  }
}

/** The reasons an operator closes with, the likeliest first: 발견 for a missing person. */
export function closeReasonsFor(kind: AlarmView['kind']): Array<Exclude<CloseReason, 'source_ended'>> {
  return kind === 'sos' || kind === 'tag' ? ['found', 'resolved', 'false_alarm'] : ['resolved', 'false_alarm'];
}

/** Ring colours by priority: 1 red, 2 orange, else yellow. */
export function priorityColor(priority: number): string {
  return priority <= 1 ? '#ff4d4f' : priority === 2 ? '#ff922b' : '#fcc419';
}

export function drawingOf(alarm: AlarmView, english: boolean): AlarmDrawing {
  return {
    at: alarm.location,
    label: alarmTitle(alarm, english),
    color: priorityColor(alarm.priority),
    path: trackOf(alarm).map((fix) => ({ lat: fix.lat, lon: fix.lon, label: clockTime(fix.at, english) }))
  };
}
