/**
 * The signaling contract between the browser and the hub, in one place. Both sides type
 * their Socket.IO instances with these maps; the server still parses every payload against
 * `schemas.ts`, because a typed client is not the only client that can connect.
 */
import type { types as ms } from 'mediasoup';
import type { AlarmClientEvents, AlarmServerEvents } from './alerts.ts';
import type { LprHitEvent } from './lpr.ts';
import type { Dispatch } from './dispatch.ts';
import type { WireError } from './errors.ts';
import type { GrantsChangedEvent } from './grants.ts';
import type { IncidentsChangedEvent } from './incidents.ts';
import type { PursuitChangedEvent } from './pursuit.ts';
import type { ViewClientEvents, ViewServerEvents } from './shared-view.ts';
import type { RequestName, RequestOf } from './schemas.ts';

export type Result<T> = { ok: true; data: T } | { ok: false; error: WireError };
export type Ack<T> = (result: Result<T>) => void;

/**
 * What a viewer sees of a camera's ingest. `idle`: nobody is watching, so it is not pulled.
 * `stalled`: the camera's session is up but no RTP has come for a second (a tile decides its
 * own `stalled` from the frames it presents; this one is for lists and badges). `unsupported`:
 * the camera answers, but sends a codec the hub cannot serve (not retried; see CODEC_UNSUPPORTED).
 */
export type CameraState = 'idle' | 'connecting' | 'live' | 'stalled' | 'reconnecting' | 'offline' | 'unsupported';

/**
 * How a picture reaches the browser: the camera's own stream (`passthrough`, 원본), or re-encoded
 * by the hub as constrained-baseline H.264 (`transcode`, 변환) — H.265, B-frames, or a browser
 * that does not take the camera's profile.
 */
export type MediaPath = 'passthrough' | 'transcode';

export interface CameraInfo {
  id: string;
  name: string;
  nameEn: string;
  district: { code: string; name: string; nameEn: string };
  /** 설치목적구분: 생활방범, 교통단속, 어린이보호, 재난재해 … */
  category: string;
  location: { lat: number; lon: number };
  /** Set when the picture is a simulated feed standing in for this camera (development): its name, e.g. "sim-03". */
  simulatedFeed?: string;
  state: CameraState;
}

/** A page of cameras (see `cameras:list`); every request type is its schema's (`schemas.ts`). */
export type CameraListRequest = RequestOf<'cameras:list'>;

export interface CameraListResponse {
  /** Every camera this session may see. */
  total: number;
  /** Per 구 in scope: cameras matching the query (the district filter aside), 가나다 order. */
  districts: Array<{ code: string; name: string; nameEn: string; count: number }>;
  /** Cameras matching query and district: what offset/limit page through. */
  matched: number;
  offset: number;
  cameras: CameraInfo[];
}

/** Who is signed in, as the hub understood the token. */
export interface SessionInfo {
  subject: string;
  name: string;
  agency: { id: string; name: string };
  role: string;
  /** Why this session views cameras (the token's `purpose` claim); recorded with every view. */
  purpose: Purpose | null;
  expiresAt: number;
}

/** The platform's lawful purposes for viewing (개인정보 보호법: a stated purpose for every view). */
export const PURPOSES = ['emergency-112', 'dispatch-112', 'dispatch-119', 'disaster', 'vulnerable-person', 'monitoring', 'audit'] as const;
export type Purpose = (typeof PURPOSES)[number];

export interface JoinResponse {
  session: SessionInfo;
  routerRtpCapabilities: ms.RouterRtpCapabilities;
  /**
   * Names `routerRtpCapabilities` (a hash of them): a client may keep both and watch with them
   * before its next session's join is answered (`camera:watch`'s `routerCapabilitiesId`).
   */
  routerCapabilitiesId: string;
}

export interface TransportOptions {
  id: string;
  iceParameters: ms.IceParameters;
  iceCandidates: ms.IceCandidate[];
  dtlsParameters: ms.DtlsParameters;
}

export interface ConsumerOptions {
  cameraId: string;
  id: string;
  producerId: string;
  kind: ms.MediaKind;
  rtpParameters: ms.RtpParameters;
  path: MediaPath;
}

/**
 * `incidentId`: the view is for that incident — an open one the caller's agency opened or holds
 * a grant for (else INCIDENT_NOT_FOUND / INCIDENT_CLOSED); it is audited with the incident and
 * ends with INCIDENT_CLOSED when the incident closes. The agency's scope applies all the same.
 * Without it (monitor tiles), a plain view.
 */
export type WatchRequest = Omit<RequestOf<'camera:watch'>, 'rtpCapabilities'> & {
  /** The device's own, as mediasoup types them (codec parameters `unknown`); the schema narrows them. */
  rtpCapabilities: ms.RtpCapabilities;
};

export interface WatchResponse {
  cameraId: string;
  state: CameraState;
  /** The incident the view is for, as requested. */
  incidentId?: string;
  /** Set when the view is allowed by an incident grant rather than the agency's own scope. */
  grant?: { id: string; incidentId: string; expiresAt: number };
}

/**
 * `camera:still`: the latest keyframe the hub holds of a camera, for a tile to show at once
 * (before live video's first frame, or while the camera is offline). Allowed and recorded
 * exactly like a watch (`view.still` in the audit).
 */
export type StillRequest = RequestOf<'camera:still'>;

export interface StillResponse {
  cameraId: string;
  /** null when the hub holds no keyframe of this camera (never pulled yet, or still connecting). */
  still: Still | null;
}

export interface Still {
  /** WebCodecs codec string from the SPS, e.g. "avc1.42c01f". */
  codec: string;
  /** One H.264 access unit in Annex B: SPS, PPS and the IDR slice(s); a decoder takes it alone. */
  data: ArrayBuffer;
  /** When the hub received it, ms since epoch (the hub's clock). */
  capturedAt: number;
  /** Its age when sent, ms: what a tile shows, whatever the two clocks say. */
  ageMs: number;
}

export interface CameraStateEvent {
  cameraId: string;
  state: CameraState;
  /** While reconnecting/offline: when the next attempt is due (ms since epoch). */
  retryAt?: number;
}

export interface ConsumerClosedEvent {
  cameraId: string;
  consumerId: string;
  /** Why the hub stopped this picture; the tile shows it. */
  reason: WireError;
}

export interface ClientToServerEvents extends ViewClientEvents, AlarmClientEvents {
  /** First request of a session: who am I, and what can the hub's routers send. */
  'media:join': (req: RequestOf<'media:join'>, ack: Ack<JoinResponse>) => void;
  /**
   * One page of the cameras in scope (landmarks first), optionally one 구 and/or a search; with
   * the scope's total and counts per 구. Never the whole registry at once (limit ≤ 500).
   */
  'cameras:list': (req: CameraListRequest, ack: Ack<CameraListResponse>) => void;
  /** Named cameras (deep-linked tiles), at most 64; those out of scope or unknown are left out. */
  'cameras:get': (req: RequestOf<'cameras:get'>, ack: Ack<{ cameras: CameraInfo[] }>) => void;
  /** One receive transport per session; the hub picks its router. */
  'transport:create': (req: RequestOf<'transport:create'>, ack: Ack<TransportOptions>) => void;
  'transport:connect': (req: RequestOf<'transport:connect'>, ack: Ack<Record<string, never>>) => void;
  /**
   * Subscribe to a camera. Pictures arrive as `camera:consumer` whenever the camera's stream
   * (re)starts; the subscription lives until `camera:unwatch`, a refusal, the end of the
   * incident it is for (WatchRequest.incidentId) or the session's end.
   */
  'camera:watch': (req: WatchRequest, ack: Ack<WatchResponse>) => void;
  'camera:unwatch': (req: RequestOf<'camera:unwatch'>, ack: Ack<Record<string, never>>) => void;
  /** The camera's latest keyframe as a still (see StillResponse); checked and audited like a watch. */
  'camera:still': (req: StillRequest, ack: Ack<StillResponse>) => void;
  /** Consumers start paused, so no packet is lost before the browser is ready. */
  'consumer:resume': (req: RequestOf<'consumer:resume'>, ack: Ack<Record<string, never>>) => void;
  /**
   * Hands over a fresh token before the current one expires, without dropping video. It must
   * be for the same subject and agency; views the new token no longer allows are closed.
   */
  'session:refresh': (req: RequestOf<'session:refresh'>, ack: Ack<{ expiresAt: number }>) => void;
}

/** What the hub answers to a request: the type its ack carries. */
export type ResponseOf<N extends RequestName> = Parameters<ClientToServerEvents[N]>[1] extends Ack<infer T> ? T : never;

export interface ServerToClientEvents extends ViewServerEvents, AlarmServerEvents {
  'camera:state': (event: CameraStateEvent) => void;
  'camera:consumer': (event: ConsumerOptions) => void;
  'consumer:closed': (event: ConsumerClosedEvent) => void;
  /** An incident's dispatch changed (route started, a segment flagged, a detour found): redraw it. */
  'incident:dispatch': (event: Dispatch) => void;
  /** An incident of the session's agency was opened, renewed or closed: update the incident list. */
  'incidents:changed': (event: IncidentsChangedEvent) => void;
  /** A grant of the session's agency, or one over the cameras it operates, was asked for, decided, renewed or ended. */
  'grants:changed': (event: GrantsChangedEvent) => void;
  /** A pursuit of the session's agency was opened, sighted, re-predicted, re-granted or closed: the whole state. */
  'pursuit:changed': (event: PursuitChangedEvent) => void;
  /** What this session may see has widened (an incident grant for its agency): list again. */
  'cameras:changed': () => void;
  /** A wanted vehicle (수배차량) was read by a camera in the agency's area: a pursuit alert. */
  'lpr:hit': (event: LprHitEvent) => void;
  /** The session ends (token expired, shutdown); the socket is closed right after. */
  'session:ended': (reason: WireError) => void;
}
