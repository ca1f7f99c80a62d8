/**
 * Where an alarm goes: its level from what the source measured, and the agencies the routing
 * rules (config `alerts.routes`) send it to, each with its priority, and when it escalates. Pure.
 */
import { CITY_WIDE } from '../auth/principal.ts';
import { ALARM_LEVELS, CROWD_LEVEL_DENSITY, type AlarmKind, type AlarmLevel, type AlertObservation } from '../protocol/alerts.ts';
import type { AlertRoute, AlertsConfig, WaterSite } from './config.ts';

export interface RoutedAlarm {
  kind: AlarmKind;
  level: AlarmLevel;
  /** 시군구 code. */
  district: string;
}

export interface Recipient {
  agency: string;
  priority: number;
}

export interface Routing {
  /** Most urgent first (then by agency id). */
  recipients: Recipient[];
  /** The soonest escalation of the rules that matched, if any. */
  escalation: { afterS: number; to: string } | null;
}

export function levelRank(level: AlarmLevel): number {
  return ALARM_LEVELS.indexOf(level);
}

/** The rules that match the alarm decide: each agency at the most urgent priority any rule gives it. */
export function routeAlarm(alarm: RoutedAlarm, rules: readonly AlertRoute[]): Routing {
  const priorities = new Map<string, number>();
  let escalation: Routing['escalation'] = null;
  for (const rule of rules) {
    if (!rule.kinds.includes(alarm.kind) || levelRank(alarm.level) < levelRank(rule.minLevel)) continue;
    if (!rule.districts.includes(CITY_WIDE) && !rule.districts.includes(alarm.district)) continue;
    for (const { agency, priority } of rule.to) priorities.set(agency, Math.min(priority, priorities.get(agency) ?? Infinity));
    if (rule.escalateAfterS !== undefined && rule.escalateTo !== undefined && (!escalation || rule.escalateAfterS < escalation.afterS)) {
      escalation = { afterS: rule.escalateAfterS, to: rule.escalateTo };
    }
  }
  const recipients = [...priorities].map(([agency, priority]) => ({ agency, priority }));
  recipients.sort((a, b) => a.priority - b.priority || a.agency.localeCompare(b.agency));
  return { recipients, escalation };
}

/** The highest level whose threshold `value` reaches; an event below the first is still 주의 (the source raised it). */
function graded(value: number, thresholds: Readonly<Record<AlarmLevel, number>>): AlarmLevel {
  let level: AlarmLevel = '주의';
  for (const candidate of ALARM_LEVELS) if (value >= thresholds[candidate]) level = candidate;
  return level;
}

/**
 * The level an observation says: crowd by density (3/4/5 per m²), water by the site's
 * thresholds, fire by confidence; a bell and an SOS are 심각 (a person asked for help), a tag
 * violation 경계.
 */
export function levelOf(event: AlertObservation, context: { site?: WaterSite; fireLevels: AlertsConfig['fireLevels'] }): AlarmLevel {
  switch (event.kind) {
    case 'crowd':
      return graded(event.density, CROWD_LEVEL_DENSITY);
    case 'water':
      return context.site ? graded(event.levelCm, context.site.thresholdsCm) : '주의';
    case 'fire':
      return graded(event.confidence, { 주의: 0, ...context.fireLevels });
    case 'bell':
    case 'sos':
      return '심각';
    case 'tag':
      return '경계';
  }
}
