/** An alarm as the hub sends it, for the pure modules' tests. */
import type { AlarmView } from '$protocol/alerts.ts';

export function alarmView(over: Partial<AlarmView> = {}): AlarmView {
  return {
    id: 'alarm-00000000-0000-4000-8000-000000000001',
    kind: 'bell',
    level: '경계',
    priority: 1,
    status: 'new',
    source: { name: '강남구 비상벨', eventId: 'bell-1' },
    location: { lat: 37.4979, lon: 127.0276 },
    district: { code: '11680', name: '강남구', nameEn: 'Gangnam-gu' },
    cameraId: 'cam-1',
    cameras: ['cam-1', 'cam-2'],
    detail: { kind: 'bell', bellId: 'BELL-0001' },
    recipients: [{ agency: 'seoul-112', agencyName: '서울경찰청 112', priority: 1, via: 'route', since: 1_000 }],
    incidentId: 'inc-1',
    escalateAt: null,
    escalated: false,
    raisedAt: 1_000,
    updatedAt: 1_000,
    sourceEndedAt: null,
    closedAt: null,
    closeReason: null,
    history: [{ at: 1_000, action: 'raised', by: null, comment: null }],
    ...over
  };
}
