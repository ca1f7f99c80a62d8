/**
 * The audit trail's public types, shared with the web through `$protocol`: what the hub records
 * (an AuditInput), what it reads back (an AuditEntry: the input plus its place in the hash
 * chain), how it asks (AuditFilter) and what a verification finds (VerifyResult).
 */

export const AUDIT_ACTIONS = [
  'session.start',
  'session.end',
  'auth.refused',
  'view.start',
  'view.stop',
  'view.refused',
  /** A still (the camera's latest keyframe) was shown: a view of one picture. */
  'view.still',
  'token.refreshed',
  'grant.issued',
  'grant.renewed',
  'grant.ended',
  'grant.requested',
  'grant.approved',
  'grant.denied',
  'incident.opened',
  'incident.closed',
  /** A pursuit opened, a sighting (or LPR hit) on its track, its close: with its incident and `detail.pursuitId`. */
  'pursuit.opened',
  'pursuit.sighting',
  'pursuit.closed',
  /** A shared situation view (상황 공유): opened, closed, a session joined or left, presenter handed over, a camera pushed onto a tile. */
  'share.opened',
  'share.closed',
  'share.joined',
  'share.left',
  'share.presenter',
  'share.camera',
  /** The owner of a shared view extended the incident's grant to a participating agency. */
  'grant.extended',
  'revocation',
  'revocation.lifted',
  'issuers.reloaded',
  /** LPR reads refused (counted per system, source address and code, like auth.refused). */
  'lpr.refused',
  /** A plate read matched the watchlist (수배차량): an alert went out. */
  'lpr.hit',
  'watchlist.added',
  'watchlist.removed',
  /**
   * Alerts: an event a source sent (accepted), events refused (counted per source, address and
   * code), and an alarm's life — raised, routed (to whom), acknowledged, its state changed,
   * commented, escalated, opened by an operator, closed — each with `detail.alarmId`.
   */
  'alert.received',
  'alert.refused',
  'alarm.raised',
  'alarm.routed',
  'alarm.acknowledged',
  'alarm.state',
  'alarm.comment',
  'alarm.escalated',
  'alarm.opened',
  'alarm.closed'
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = ['allowed', 'refused', 'info'] as const;

export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export interface AuditInput {
  /** ms since epoch; default Date.now(). */
  at?: number;
  action: AuditAction;
  outcome: AuditOutcome;
  /** Error code for refusals, e.g. CAMERA_OUT_OF_SCOPE. */
  code?: string;
  subject?: string;
  agency?: string;
  purpose?: string;
  role?: string;
  incidentId?: string;
  cameraId?: string;
  clientAddress?: string;
  /** How long a view lasted (view.stop). */
  durationMs?: number;
  /** Small JSON (reason text, grant id, …); at most MAX_DETAIL_BYTES once serialised. */
  detail?: Record<string, unknown>;
}

type AuditEntryFields = Required<Pick<AuditInput, 'at' | 'action' | 'outcome'>> & Omit<AuditInput, 'at' | 'action' | 'outcome'>;

/** A stored record. Optional fields that were not given are absent (never null). */
export interface AuditEntry extends AuditEntryFields {
  /** 1, 2, 3, … in append order, without gaps. */
  seq: number;
  /** The previous record's hash (GENESIS_HASH for seq 1). */
  prevHash: string;
  /** sha256(prevHash + '\n' + canonicalJson(record fields incl. seq)), hex. */
  hash: string;
}

export interface AuditFilter {
  cameraId?: string;
  subject?: string;
  agency?: string;
  incidentId?: string;
  action?: AuditAction;
  outcome?: AuditOutcome;
  /** Inclusive lower bound on `at` (ms). */
  from?: number;
  /** Exclusive upper bound on `at` (ms): [from, to) windows tile without overlap. */
  to?: number;
  /** Default 200, at most 5000. */
  limit?: number;
  offset?: number;
}

export const QUERY_DEFAULT_LIMIT = 200;
export const QUERY_MAX_LIMIT = 5000;

/** Why a record breaks the chain. */
export type BreakKind =
  /** The record's content no longer matches its hash: it was edited. */
  | 'hash-mismatch'
  /** prev_hash is not the previous record's hash: records removed, inserted or reordered. */
  | 'prev-hash-mismatch'
  /** A seq is missing (or out of order): records were removed. */
  | 'seq-gap'
  /** Records at the end are gone: this process appended them, or a checkpoint covered them, and the file was edited in place. */
  | 'truncated'
  /** The log holds no records, but a checkpoint covered some. */
  | 'emptied'
  /** The file ends before the latest checkpoint and was not edited in place: an older copy replaced it. */
  | 'rolled-back'
  /** A checkpointed record's hash differs from the signed one: records were edited and the chain recomputed. */
  | 'rewritten'
  /** The stored row cannot be read back as a record (e.g. detail is not JSON). */
  | 'malformed';

export interface VerifyResult {
  ok: boolean;
  /** Records whose hash was recomputed before the walk stopped (all of them when ok). */
  checked: number;
  /** The first record that breaks the chain, with what it claims (its content may be forged). */
  firstBroken?: { seq: number; reason: string; kind: BreakKind; at?: number; action?: string };
  /** The last intact record: note its hash somewhere else to detect a later cut of the tail. */
  head?: { seq: number; hash: string };
}
