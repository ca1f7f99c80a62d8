/**
 * Error codes that cross the wire. Stable strings: clients switch on `code`, never on the
 * message, and a message is written for the person at the screen (no stack traces).
 */
export const ErrorCodes = [
  'AUTH_REQUIRED',
  'AUTH_INVALID_TOKEN',
  'AUTH_TOKEN_EXPIRED',
  'AUTH_UNTRUSTED_ISSUER',
  'BAD_REQUEST',
  'NOT_FOUND',
  'CAMERA_UNKNOWN',
  'CAMERA_OUT_OF_SCOPE',
  'CAMERA_OFFLINE',
  'NOT_JOINED',
  /** A watch made with router capabilities kept from an earlier session that this session's router does not have: join, load them, watch again. */
  'CAPABILITIES_STALE',
  'TRANSPORT_UNKNOWN',
  'CONSUMER_UNKNOWN',
  'CODEC_UNSUPPORTED',
  'PURPOSE_REQUIRED',
  'PURPOSE_NOT_ALLOWED',
  'GRANT_ENDED',
  'GRANT_NOT_ALLOWED',
  'GRANT_LIMIT_REACHED',
  'GRANT_NOT_PENDING',
  'GRANT_PENDING',
  'INCIDENT_NOT_FOUND',
  'INCIDENT_CLOSED',
  'PURSUIT_NOT_FOUND',
  'PURSUIT_CLOSED',
  'TOKEN_REVOKED',
  'KEY_WITHDRAWN',
  'AUDIT_UNAVAILABLE',
  'FORBIDDEN',
  'ROUTE_UNREACHABLE',
  /** An LPR read the hub already stored (same system, same readId). */
  'DUPLICATE_READ',
  'RATE_LIMITED',
  /** Alert sources: a kind the source is not bound to report, or a place outside its 시군구. */
  'EVENT_KIND_NOT_ALLOWED',
  'OUT_OF_REGION',
  /** Alarms: unknown, or not routed to the caller's agency (the same answer). */
  'ALARM_NOT_FOUND',
  'ALARM_CLOSED',
  /** A state change the alarm's current state does not allow (e.g. acknowledging one in progress). */
  'ALARM_INVALID_TRANSITION',
  /** Shared views: an unknown view, or one the caller is not invited to (the same answer). */
  'VIEW_NOT_FOUND',
  'VIEW_CLOSED',
  /** The caller may not make this change (edit rights, owner-only, a wall). */
  'VIEW_READ_ONLY',
  /** An op named an annotation someone removed before it arrived. */
  'ANNOTATION_REMOVED',
  'SHUTTING_DOWN',
  'INTERNAL'
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

export interface WireError {
  code: ErrorCode;
  message: string;
  /** CODEC_UNSUPPORTED: what cannot be served, named for people ("H.265 Main 10"). */
  codec?: string;
}

/** The one error type the hub throws on purpose; anything else becomes INTERNAL at the edge. */
export class HubError extends Error {
  readonly code: ErrorCode;
  readonly codec: string | undefined;

  constructor(code: ErrorCode, message: string, options: { codec?: string } = {}) {
    super(message);
    this.name = 'HubError';
    this.code = code;
    this.codec = options.codec;
  }

  toWire(): WireError {
    return this.codec === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, codec: this.codec };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ErrorCodes as readonly string[]).includes(value);
}
