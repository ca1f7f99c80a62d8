/**
 * Revocations on the wire: the supervisor's HTTP API (`/api/admin/revocations…`). A revocation
 * is of a user (subject) of the supervisor's own agency and stands until a supervisor lifts it.
 */
import { z } from 'zod';

const subject = z.string().min(1).max(128);

/** `POST /api/admin/revocations`: the user's sessions end at once and every token of theirs is refused. */
export const revokeRequestSchema = z.object({ subject }).strict();

/** `POST /api/admin/revocations/lift`: tokens issued after the lift work again; the reason goes on the record. */
export const liftRequestSchema = z.object({ subject, reason: z.string().trim().min(1).max(500) }).strict();

export type RevokeRequest = z.infer<typeof revokeRequestSchema>;
export type LiftRequest = z.infer<typeof liftRequestSchema>;

export interface RevocationInfo {
  subject: string;
  agency: string;
  revokedAt: number;
  revokedBy: string;
  /** ms since epoch; null while the revocation stands. */
  liftedAt: number | null;
  liftedBy: string | null;
}

/** `GET /api/admin/revocations`: the agency's standing revocations, newest first. */
export interface RevocationsResponse {
  revocations: RevocationInfo[];
}
