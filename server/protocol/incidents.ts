/**
 * Incidents on the wire: what the HTTP API (`/api/incidents…`) answers and what the hub pushes
 * as `incidents:changed`. Shared with the web through `$protocol`, like the dispatch types.
 */
import type { Dispatch, NearCamera } from './dispatch.ts';
import type { Purpose } from './events.ts';
import type { WireError } from './errors.ts';
import type { GrantRecord } from './grants.ts';

/** 사건 종류, stored and sent in Korean. */
export const INCIDENT_TYPES = ['화재', '구조', '구급', '범죄', '재난', '실종'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** English codes a CAD system may send instead (`fire` → 화재); answers always carry the Korean type. */
export const INCIDENT_TYPE_CODES = { fire: '화재', rescue: '구조', ems: '구급', crime: '범죄', disaster: '재난', missing: '실종' } as const satisfies Record<string, IncidentType>;

export const INCIDENT_STATUSES = ['open', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface Incident {
  id: string;
  type: IncidentType;
  location: { lat: number; lon: number };
  address: string | null;
  /** Free text from the reporting room or the CAD system. */
  description: string | null;
  /** The CAD system's own id for this incident (caller reference), if it sent one. */
  externalRef: string | null;
  /** The reporting agency (from the token). */
  agency: string;
  openedBy: string;
  purpose: Purpose;
  status: IncidentStatus;
  openedAt: number;
  closedAt: number | null;
}

/**
 * A time-limited right of one agency to view the cameras around an incident: those within
 * `radiusM` of `center`, or — a pursuit's corridor grant — exactly the cameras listed.
 */
export interface Grant {
  id: string;
  incidentId: string;
  agency: string;
  center: { lat: number; lon: number };
  radiusM: number;
  expiresAt: number;
  /** A camera-set grant (a pursuit's corridor, an alarm's cameras): the cameras it opens (in place of the circle). */
  cameras?: readonly string[];
  /** The camera-set grant's owner: a pursuit or an alarm. */
  pursuitId?: string;
  alarmId?: string;
}

/**
 * POST /api/incidents: 201 with the new incident, or 200 with the open incident the agency already
 * reported under the same `externalRef` (a CAD retry). `dispatch` is set when the hub started the
 * dispatch at once (or, on a retry, the dispatch as it is now).
 */
export interface OpenIncidentResponse {
  incident: Incident;
  /**
   * The grant in force now (a trusted source's, within its rules). null when the grant waits for a
   * supervisor (`pendingGrant`), when the policy allows none (`grantError`), or on a retry whose
   * grant has expired (renew it).
   */
  grant: Grant | null;
  /** An operator's grant: asked for, opening no camera until a supervisor of the agency approves it. */
  pendingGrant?: GrantRecord;
  /** Why the incident carries no grant (GRANT_NOT_ALLOWED, GRANT_LIMIT_REACHED); it is open all the same. */
  grantError?: WireError;
  dispatch: Dispatch | null;
  /**
   * The in-scope cameras nearest the scene, nearest first (facing ones preferred), as many as the
   * request's `nearest` asked for (default 8, 0 for none): the board puts them on its tiles in
   * the same step that opens the incident, without a second round trip.
   */
  nearest: NearCamera[];
  /** Why the automatic dispatch could not start (the incident is open all the same). */
  dispatchError?: WireError;
}

/** GET /api/incidents/:id. `dispatch` is the last state (history once the incident is closed). */
export interface IncidentDetail {
  incident: Incident;
  dispatch: Dispatch | null;
}

/** Socket.IO `incidents:changed`: an incident of the session's agency was opened, renewed or closed. */
export interface IncidentsChangedEvent {
  change: 'opened' | 'renewed' | 'closed';
  incident: Incident;
}
