/**
 * Alerts (경보) on the wire: the events trusted sources POST, the alarms operators work, and the
 * socket requests and pushes between them. Schemas first; the types are derived from them.
 *
 * The flow:
 * 1. A source (an analytics server, a bell controller, the SOS service) POSTs one event to
 *    `POST /api/alerts/events`, bearer = a JWT it signed (`iss` names it, `aud` is the hub's).
 *    The hub checks the signature, the body (`alertEventSchema`), the kinds and 시군구 the source
 *    is bound to, and its rate; a refusal is a typed error and stores nothing.
 * 2. `phase: 'new'` raises an alarm, once per (source, sourceEventId): a retry answers the same
 *    `alarmId` (`result: 'duplicate'`). `update` (level rising, new location fix) changes it;
 *    an update whose `new` was lost raises it. `end` says the cause is gone: an alarm nobody
 *    has acknowledged closes (`source_ended`); one being worked stays with its operators.
 * 3. The routing rules (config `alerts.routes`) name the agencies that receive it, each with a
 *    priority (1 = most urgent). Each is granted exactly the alarm's cameras (the source camera
 *    and the nearest to its latest position) for as long as the alarm lives; an SOS fix moves
 *    them. Every session of a recipient agency gets `alarm:changed` with the whole alarm.
 * 4. Not acknowledged within the rule's `escalateAfterS`: escalated to the rule's `escalateTo`
 *    (another agency, which then receives it and its grant, or the recipients' supervisors).
 * 5. Operators: `alarms:list`, `alarm:ack` (신규 → 확인), `alarm:state` (→ 처리 중, → 종료 with a
 *    reason), `alarm:comment`, and `alarm:open`: the alarm's incident (one per alarm, opened
 *    with it), the map centre and the cameras for the tiles (source first, then the nearest), so
 *    the page can watch them in the same step (`camera:watch` with that `incidentId`).
 * 6. Closing ends the grants and every view opened through them (CAMERA_OUT_OF_SCOPE again).
 */
import { z } from 'zod';
import type { NearCamera } from './dispatch.ts';
import type { Ack } from './events.ts';

export const ALARM_KINDS = ['crowd', 'water', 'fire', 'bell', 'sos', 'tag'] as const;
/** crowd 군중밀집, water 지하차도 수위, fire 화재/연기, bell 비상벨, sos 사회적약자 SOS, tag 전자발찌 위반. */
export type AlarmKind = (typeof ALARM_KINDS)[number];

/** One scale for every kind, stored and sent in Korean (Seoul's crowd grades). */
export const ALARM_LEVELS = ['주의', '경계', '심각'] as const;
export type AlarmLevel = (typeof ALARM_LEVELS)[number];

/** Crowd density (people/m²) at which each level begins: 3 = 주의, 4 = 경계, 5 = 심각. */
export const CROWD_LEVEL_DENSITY: Readonly<Record<AlarmLevel, number>> = { 주의: 3, 경계: 4, 심각: 5 };

export const SOS_CATEGORIES = ['아동', '치매', '장애'] as const;
export type SosCategory = (typeof SOS_CATEGORIES)[number];

export const EVENT_PHASES = ['new', 'update', 'end'] as const;
export type EventPhase = (typeof EVENT_PHASES)[number];

/** 신규 → 확인 → 처리 중 → 종료. */
export const ALARM_STATUSES = ['new', 'acknowledged', 'in_progress', 'closed'] as const;
export type AlarmStatus = (typeof ALARM_STATUSES)[number];

/** found 발견, resolved 조치완료, false_alarm 오경보, source_ended: the source ended it before anyone acknowledged it. */
export const CLOSE_REASONS = ['found', 'resolved', 'false_alarm', 'source_ended'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];
/** What an operator may close with (`source_ended` is the hub's). */
export const OPERATOR_CLOSE_REASONS = ['found', 'resolved', 'false_alarm'] as const;

/** Location fixes one event may carry (an SOS service batches a few at a time). */
export const MAX_FIXES_PER_EVENT = 50;
/** The track an alarm keeps (older fixes drop off the alarm; the audit keeps them). */
export const MAX_TRACK = 500;

const cameraId = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/);
const text = (max: number) => z.string().trim().min(1).max(max);
const at = z.number().int().positive();
const point = z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).strict();

/** The source's own id for the event: (source, sourceEventId) is one alarm. */
export const sourceEventIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'sourceEventId: 1–64 of A–Z a–z 0–9 . _ : -');

/** A position the source measured, with when and how well. */
export const fixSchema = z
  .object({ lat: point.shape.lat, lon: point.shape.lon, at, accuracyM: z.number().min(0).max(10_000).optional() })
  .strict();
export type Fix = z.infer<typeof fixSchema>;

/**
 * What every new/update event carries: the id, when it was observed (ms since epoch), and where —
 * the source camera, a position, or both. The 시군구 is derived from the position (else the
 * camera's); an event that names neither is refused (BAD_REQUEST), except the kinds whose
 * position comes from elsewhere (water: the configured site; sos/tag: the fixes).
 */
const observed = {
  sourceEventId: sourceEventIdSchema,
  phase: z.enum(['new', 'update']),
  at,
  cameraId: cameraId.optional(),
  position: point.optional()
};

export const alertObservationSchema = z.discriminatedUnion('kind', [
  /** 군중밀집: people per m² over the camera's area; the level follows CROWD_LEVEL_DENSITY. */
  z.object({ ...observed, kind: z.literal('crowd'), density: z.number().min(0).max(20), areaName: text(80).optional() }).strict(),
  /** 지하차도 수위: the site (config `alerts.waterSites`: its position, camera and thresholds) and the water depth. */
  z.object({ ...observed, kind: z.literal('water'), siteId: cameraId, levelCm: z.number().min(0).max(2000) }).strict(),
  /** 화재/연기 detected with this confidence (0..1). */
  z.object({ ...observed, kind: z.literal('fire'), detected: z.enum(['fire', 'smoke']), confidence: z.number().min(0).max(1) }).strict(),
  /** 비상벨: the bell, where it is (required), and `cameraId` = its linked camera. */
  z.object({ ...observed, kind: z.literal('bell'), bellId: cameraId, position: point }).strict(),
  /**
   * 사회적약자 SOS: who (아동/치매/장애 and a description), the guardian's contact (shown only to the
   * receiving agencies' operators and supervisors; never logged), and location fixes, oldest
   * first (at least one on `new`; an update may carry new fixes or none).
   */
  z
    .object({
      ...observed,
      kind: z.literal('sos'),
      category: z.enum(SOS_CATEGORIES),
      description: text(500).optional(),
      guardianContact: text(100).optional(),
      fixes: z.array(fixSchema).max(MAX_FIXES_PER_EVENT)
    })
    .strict(),
  /** 전자발찌 위반 (police only): the device, what was violated, location fixes as for an SOS. */
  z
    .object({
      ...observed,
      kind: z.literal('tag'),
      tagId: cameraId,
      violation: text(200).optional(),
      fixes: z.array(fixSchema).max(MAX_FIXES_PER_EVENT)
    })
    .strict()
]);

/** The cause is gone (water receded, the person is safe as the service knows it). */
export const alertEndSchema = z
  .object({ sourceEventId: sourceEventIdSchema, phase: z.literal('end'), kind: z.enum(ALARM_KINDS), at, note: text(500).optional() })
  .strict();

/** The body of `POST /api/alerts/events`: one event. */
export const alertEventSchema = z.discriminatedUnion('phase', [alertObservationSchema, alertEndSchema]);
export type AlertEventInput = z.input<typeof alertEventSchema>;
export type AlertEvent = z.infer<typeof alertEventSchema>;
export type AlertObservation = z.infer<typeof alertObservationSchema>;
export type AlertEnd = z.infer<typeof alertEndSchema>;

/**
 * `POST /api/alerts/events` answers 201 `raised` (a new alarm), or 200: `updated`, `ended` (the
 * end was recorded; the alarm closed if nobody had acknowledged it), `duplicate` (a retried
 * `new`: the same alarm), `closed` (the alarm is already closed; the event changed nothing).
 */
export interface AlertIngestResponse {
  alarmId: string;
  result: 'raised' | 'updated' | 'ended' | 'duplicate' | 'closed';
}

export interface AlarmDistrict {
  code: string;
  name: string;
  nameEn: string;
}

/** What the alarm says about its cause, per kind, as it is now (the latest update). */
export type AlarmDetail =
  | { kind: 'crowd'; density: number; areaName: string | null }
  | { kind: 'water'; siteId: string; siteName: string; levelCm: number; thresholdsCm: Record<AlarmLevel, number> }
  | { kind: 'fire'; detected: 'fire' | 'smoke'; confidence: number }
  | { kind: 'bell'; bellId: string }
  | {
      kind: 'sos';
      category: SosCategory;
      description: string | null;
      /** null when the caller may not see it (`guardianMasked`) or none was sent. */
      guardianContact: string | null;
      guardianMasked: boolean;
      /** Fixes, oldest first (at most MAX_TRACK): the path the map draws; the last is `AlarmView.location`. */
      track: Fix[];
    }
  | { kind: 'tag'; tagId: string; violation: string | null; track: Fix[] };

/** An agency that receives the alarm. */
export interface AlarmRecipient {
  agency: string;
  agencyName: string;
  /** 1 = most urgent. */
  priority: number;
  /** By a routing rule, or added when the alarm escalated to it. */
  via: 'route' | 'escalation';
  since: number;
}

export type AlarmAction = 'raised' | 'updated' | 'acknowledged' | 'in_progress' | 'closed' | 'comment' | 'escalated' | 'source_ended';

/** One line of the alarm's history: who (null: the source or the hub), when, what. */
export interface AlarmHistoryEntry {
  at: number;
  action: AlarmAction;
  by: { subject: string; name: string; agency: string } | null;
  comment: string | null;
  /** `closed`: why. */
  closeReason?: CloseReason;
  /** `escalated`: to which agency, or `supervisor` (the recipients' supervisors). */
  to?: string;
  /** `updated`: the level after it. */
  level?: AlarmLevel;
}

/** An alarm as a recipient agency's session sees it. */
export interface AlarmView {
  id: string;
  kind: AlarmKind;
  level: AlarmLevel;
  /** The caller's agency's priority (1 = most urgent); the queue sorts by it, then by `raisedAt`. */
  priority: number;
  status: AlarmStatus;
  source: { name: string; eventId: string };
  /** The latest position (an SOS's last fix). */
  location: { lat: number; lon: number };
  district: AlarmDistrict;
  /** The source camera (the bell's linked camera, the analytics camera), if any. */
  cameraId: string | null;
  /** The alarm's cameras, source first then nearest its latest position: what the recipients' grants open. */
  cameras: string[];
  detail: AlarmDetail;
  recipients: AlarmRecipient[];
  /** The alarm's incident: `camera:watch` with this id sees `cameras` (the grant) for the alarm's life. */
  incidentId: string;
  /** When the alarm escalates unless acknowledged first (null once acknowledged, escalated or closed). */
  escalateAt: number | null;
  escalated: boolean;
  raisedAt: number;
  updatedAt: number;
  /** When the source said the cause ended. */
  sourceEndedAt: number | null;
  closedAt: number | null;
  closeReason: CloseReason | null;
  /** Oldest first. */
  history: AlarmHistoryEntry[];
}

const alarmId = z.string().regex(/^alarm-[0-9a-f-]{36}$/, 'alarmId: alarm-<uuid>');
const comment = text(1000);

export const alarmRequestSchemas = {
  /** The alarms routed to the caller's agency (default: open ones, at most 200), most urgent first then newest. */
  'alarms:list': z
    .object({ status: z.enum(['open', 'closed', 'all']).optional(), limit: z.number().int().min(1).max(500).optional() })
    .strict(),
  /** 신규 → 확인. */
  'alarm:ack': z.object({ alarmId, comment: comment.optional() }).strict(),
  /** → 처리 중, or → 종료 with a reason (발견 / 조치완료 / 오경보). */
  'alarm:state': z.discriminatedUnion('status', [
    z.object({ alarmId, status: z.literal('in_progress'), comment: comment.optional() }).strict(),
    z.object({ alarmId, status: z.literal('closed'), closeReason: z.enum(OPERATOR_CLOSE_REASONS), comment: comment.optional() }).strict()
  ]),
  'alarm:comment': z.object({ alarmId, comment }).strict(),
  /**
   * The alarm's incident, centre and tile cameras (source first, then the nearest to its latest
   * position, `nearest` of them, default 8); changes no state (acknowledge with `alarm:ack`).
   */
  'alarm:open': z.object({ alarmId, nearest: z.number().int().min(0).max(16).optional() }).strict()
} as const;

export type AlarmRequestName = keyof typeof alarmRequestSchemas;
export type AlarmRequestOf<N extends AlarmRequestName> = z.infer<(typeof alarmRequestSchemas)[N]>;

export interface AlarmResponse {
  alarm: AlarmView;
}

export interface AlarmListResponse {
  alarms: AlarmView[];
}

export interface AlarmOpenResponse {
  alarm: AlarmView;
  incidentId: string;
  /** Where the map centres: the alarm's latest position. */
  center: { lat: number; lon: number };
  /** For the tiles: the source camera first, then the nearest the caller may see (own scope or the alarm's grant). */
  cameras: NearCamera[];
}

/**
 * `alarm:changed`, to every session of each recipient agency (an agency that joins by escalation
 * gets it from then on): the whole alarm as that session sees it.
 */
export interface AlarmChangedEvent {
  change: AlarmAction;
  alarm: AlarmView;
}

export interface AlarmClientEvents {
  'alarms:list': (req: AlarmRequestOf<'alarms:list'>, ack: Ack<AlarmListResponse>) => void;
  'alarm:ack': (req: AlarmRequestOf<'alarm:ack'>, ack: Ack<AlarmResponse>) => void;
  'alarm:state': (req: AlarmRequestOf<'alarm:state'>, ack: Ack<AlarmResponse>) => void;
  'alarm:comment': (req: AlarmRequestOf<'alarm:comment'>, ack: Ack<AlarmResponse>) => void;
  'alarm:open': (req: AlarmRequestOf<'alarm:open'>, ack: Ack<AlarmOpenResponse>) => void;
}

export interface AlarmServerEvents {
  'alarm:changed': (event: AlarmChangedEvent) => void;
}

/** `POST /api/dev/alert-scenario` (development only; 404 in production): runs one simulator with the dev source. */
export const ALERT_SCENARIOS = ['bell', 'crowd', 'water', 'fire', 'sos', 'tag'] as const;
export const alertScenarioRequestSchema = z
  .object({ kind: z.enum(ALERT_SCENARIOS), speedFactor: z.number().min(1).max(20).optional() })
  .strict();
export type AlertScenarioRequest = z.input<typeof alertScenarioRequestSchema>;

export interface AlertScenarioResponse {
  kind: (typeof ALERT_SCENARIOS)[number];
  /** The events the simulator will send (the first is sent before this answer). */
  sourceEventId: string;
  alarmId: string;
  steps: number;
  /** How long the run takes, in seconds at its speed. */
  durationS: number;
}
