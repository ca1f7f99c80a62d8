/**
 * An alarm as one session sees it: its agency's priority, and the guardian's contact only for
 * the operators and supervisors of a receiving agency (a wall or an auditor sees it masked).
 */
import type { Principal } from '../auth/principal.ts';
import type { AlarmDetail, AlarmView } from '../protocol/alerts.ts';
import type { WaterSite } from './config.ts';
import type { AlarmRecord, StoredDetail } from './store.ts';

const GUARDIAN_ROLES: ReadonlySet<Principal['role']> = new Set(['operator', 'supervisor']);

export interface AlarmViewDeps {
  site: (id: string) => WaterSite | undefined;
}

/** Whether this session may see an SOS's guardian contact. */
export function seesGuardian(principal: Pick<Principal, 'role' | 'agency'>, alarm: AlarmRecord): boolean {
  return GUARDIAN_ROLES.has(principal.role) && alarm.recipients.some((r) => r.agency === principal.agency.id);
}

export function alarmView(alarm: AlarmRecord, principal: Pick<Principal, 'role' | 'agency'>, deps: AlarmViewDeps): AlarmView {
  const own = alarm.recipients.find((r) => r.agency === principal.agency.id);
  return {
    id: alarm.id,
    kind: alarm.kind,
    level: alarm.level,
    priority: own?.priority ?? Math.min(...alarm.recipients.map((r) => r.priority)),
    status: alarm.status,
    source: { name: alarm.source, eventId: alarm.sourceEventId },
    location: alarm.location,
    district: alarm.district,
    cameraId: alarm.cameraId,
    cameras: alarm.cameras,
    detail: detailView(alarm.detail, seesGuardian(principal, alarm), deps),
    recipients: alarm.recipients,
    // Only alarms with recipients are ever shown, and each of those has its incident.
    incidentId: alarm.incidentId ?? '',
    escalateAt: alarm.escalateAt,
    escalated: alarm.escalated,
    raisedAt: alarm.raisedAt,
    updatedAt: alarm.updatedAt,
    sourceEndedAt: alarm.sourceEndedAt,
    closedAt: alarm.closedAt,
    closeReason: alarm.closeReason,
    history: alarm.history
  };
}

function detailView(detail: StoredDetail, guardian: boolean, deps: AlarmViewDeps): AlarmDetail {
  switch (detail.kind) {
    case 'water': {
      const site = deps.site(detail.siteId);
      return { ...detail, siteName: site?.name ?? detail.siteId, thresholdsCm: site?.thresholdsCm ?? { 주의: 0, 경계: 0, 심각: 0 } };
    }
    case 'sos':
      return { ...detail, guardianContact: guardian ? detail.guardianContact : null, guardianMasked: !guardian && detail.guardianContact !== null };
    default:
      return detail;
  }
}
