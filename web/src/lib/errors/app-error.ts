/**
 * The one error type of the web app. Its `code` is a wire code from the hub
 * (`$protocol/errors`) or one of the few codes the browser side adds; callers switch on the
 * code, never on the message.
 */
import { isErrorCode, type ErrorCode, type WireError } from '$protocol/errors.ts';

export const CLIENT_ERROR_CODES = [
  /** The hub did not answer a request in time. */
  'REQUEST_TIMEOUT',
  /** The socket dropped while a request was waiting, or was not connected. */
  'CONNECTION_LOST',
  /** The client was closed on purpose (leaving the page, signing out). */
  'CLIENT_CLOSED',
  /** The browser could not set up WebRTC (device load, transport, consume). */
  'MEDIA_FAILED',
  /** A plain HTTP request (sign-in API) failed. */
  'HTTP',
  'UNKNOWN'
] as const;

export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
export type AppErrorCode = ErrorCode | ClientErrorCode;

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** CODEC_UNSUPPORTED: the codec at issue, as the hub named it ("H.265 Main 10"). */
  readonly codec: string | undefined;

  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown; codec?: string }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.codec = options?.codec;
  }

  static fromWire(error: WireError): AppError {
    return new AppError(error.code, error.message, error.codec === undefined ? undefined : { codec: error.codec });
  }
}

/** Reads a `{ code, message }` from anything the wire handed over; null if it is not one. */
export function parseWireError(value: unknown): WireError | null {
  if (typeof value !== 'object' || value === null) return null;
  const { code, message, codec } = value as { code?: unknown; message?: unknown; codec?: unknown };
  if (!isErrorCode(code)) return null;
  return { code, message: typeof message === 'string' ? message : code, ...(typeof codec === 'string' ? { codec } : {}) };
}

/** Anything thrown → an AppError (unknown errors keep their message and become UNKNOWN). */
export function toAppError(error: unknown, fallback: AppErrorCode = 'UNKNOWN'): AppError {
  if (error instanceof AppError) return error;
  const wire = parseWireError(error);
  if (wire) return AppError.fromWire(wire);
  const message = error instanceof Error ? error.message : String(error);
  return new AppError(fallback, message, { cause: error });
}

/**
 * Errors after which the same token will never work again: sign in anew. Beyond the token's
 * own faults, a revoked token, a withdrawn issuer key, a purpose the agency may not use and an
 * ended grant are final for the whole sign-in.
 */
const AUTH_CODES: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>([
  'AUTH_REQUIRED',
  'AUTH_INVALID_TOKEN',
  'AUTH_TOKEN_EXPIRED',
  'AUTH_UNTRUSTED_ISSUER',
  'TOKEN_REVOKED',
  'KEY_WITHDRAWN',
  'PURPOSE_REQUIRED',
  'PURPOSE_NOT_ALLOWED',
  'GRANT_ENDED',
  'FORBIDDEN'
]);

export function isAuthError(code: AppErrorCode): boolean {
  return AUTH_CODES.has(code);
}

/**
 * How access ended, for codes that stop a view for good: `expired` when its time ran out,
 * `denied` when it was refused or taken away (including "the view cannot be recorded, so it
 * is not shown"). null for codes that are not about access (a camera offline, a lost socket).
 */
export type AccessVerdict = 'denied' | 'expired';

const ACCESS_VERDICTS: Partial<Record<AppErrorCode, AccessVerdict>> = {
  AUTH_TOKEN_EXPIRED: 'expired',
  GRANT_ENDED: 'expired',
  INCIDENT_CLOSED: 'expired',
  INCIDENT_NOT_FOUND: 'denied',
  AUTH_REQUIRED: 'denied',
  AUTH_INVALID_TOKEN: 'denied',
  AUTH_UNTRUSTED_ISSUER: 'denied',
  CAMERA_OUT_OF_SCOPE: 'denied',
  TOKEN_REVOKED: 'denied',
  KEY_WITHDRAWN: 'denied',
  PURPOSE_REQUIRED: 'denied',
  PURPOSE_NOT_ALLOWED: 'denied',
  FORBIDDEN: 'denied',
  AUDIT_UNAVAILABLE: 'denied'
};

export function accessVerdict(code: AppErrorCode): AccessVerdict | null {
  return ACCESS_VERDICTS[code] ?? null;
}
