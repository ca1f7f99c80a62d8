/**
 * Incident grants on the wire: the grant pages (`/grants`: a control centre's view of who holds
 * grants over its cameras, a supervisor's approvals) read these from `GET /api/grants` and keep
 * them current from `grants:changed`. Shared with the web through `$protocol`.
 */
import type { Incident } from './incidents.ts';

/**
 * `pending`: asked for by an operator, waiting for a supervisor of the same agency (it opens no
 * camera yet); `active`: in force until `expiresAt`; `denied` and `ended`: over.
 */
export const GRANT_STATUSES = ['pending', 'active', 'denied', 'ended'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

/** Why a grant ended. */
export type GrantEndReason = 'expired' | 'incident-closed' | 'pursuit-closed';

/** A grant's full record: who asked, who decided, and its time in force. */
export interface GrantRecord {
  id: string;
  incidentId: string;
  /** The agency it widens the view of. */
  agency: string;
  center: { lat: number; lon: number };
  radiusM: number;
  status: GrantStatus;
  /** `agency` (an operator asked; a supervisor decides) or the trusted source's name (a CAD system). */
  source: string;
  /** The subject of the operator (or the source's account) that asked. */
  requestedBy: string;
  requestedAt: number;
  /** The supervisor who approved or denied it (null for a trusted source's grant and while pending). */
  decidedBy: string | null;
  decidedAt: number | null;
  /** Until when it is in force; null while pending or once denied. */
  expiresAt: number | null;
  endedAt: number | null;
  endReason: GrantEndReason | null;
  /** A pursuit's corridor grant: the pursuit it is for. */
  pursuitId?: string;
  /** An alarm's grant (its cameras, for the alarm's life): the alarm it is for. */
  alarmId?: string;
  /** A pursuit's corridor grant opens these cameras (any 구), not a circle; `center`/`radiusM` then say where the corridor starts and how far it reaches. */
  cameras?: string[];
}

/** A grant as a page shows it: with its incident (why) and the names a person reads. */
export interface GrantView {
  grant: GrantRecord;
  incident: Incident;
  agencyName: string;
  /** On a control centre's list: how many of its own cameras the grant covers. */
  cameras?: number;
  /** On a control centre's list, for a pursuit's corridor grant: which of its own cameras. */
  cameraIds?: string[];
}

/** GET /api/grants: what the caller's agency may see of grants. */
export interface GrantsOverview {
  /** The 구 whose cameras the caller's agency operates (a 관제센터); empty for others. */
  owns: Array<{ code: string; name: string; nameEn: string }>;
  /** Active grants of other agencies that cover at least one of those cameras. */
  overOwnCameras: GrantView[];
  /** The agency's own grants waiting for a supervisor. */
  pending: GrantView[];
  /** The agency's own grants in force. */
  held: GrantView[];
  /** Whether the caller may approve or deny (a supervisor of the agency). */
  canDecide: boolean;
}

/** POST /api/grants/:id/approve · …/deny: the grant as it is now. */
export interface GrantDecisionResponse {
  grant: GrantRecord;
}

/**
 * Socket.IO `grants:changed`: a grant the session's agency asked for changed, or one of another
 * agency over its own cameras. `view.grant.status` says which list it now belongs to (or none).
 */
export interface GrantsChangedEvent {
  change: 'requested' | 'approved' | 'denied' | 'issued' | 'renewed' | 'ended';
  /** `held`/`pending` for the grant's own agency; `overOwnCameras` for a control centre. */
  list: 'own' | 'overOwnCameras';
  view: GrantView;
}
