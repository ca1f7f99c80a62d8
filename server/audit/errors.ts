/**
 * The audit trail fails closed: when it cannot record or read, it throws one of these and the
 * caller refuses what it was about to do. Both carry the wire code AUDIT_UNAVAILABLE; the
 * underlying SQLite error (if any) is in `cause`, for the server log.
 */
import { HubError } from '../protocol/errors.ts';

/** The log cannot be opened or read (closed, missing schema, I/O error). */
export class AuditUnavailableError extends HubError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('AUDIT_UNAVAILABLE', message);
    this.name = 'AuditUnavailableError';
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** append() did not store the record: nothing was written, the chain is unchanged. */
export class AuditWriteError extends AuditUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditWriteError';
  }
}
