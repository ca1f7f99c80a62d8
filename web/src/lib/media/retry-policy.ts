/**
 * When to ask the hub again after a refused request. A policy is an object, so tests can
 * swap in one that returns 0 or null instead of waiting.
 */
import type { AppErrorCode } from '$lib/errors/app-error.ts';

export interface RetryContext {
  /** 0 for the first retry. */
  attempt: number;
  code: AppErrorCode;
}

export interface RetryPolicy {
  /** Milliseconds until the next attempt, or null to give up. */
  nextRetryDelayMs(context: RetryContext): number | null;
}

/** Codes where asking again later can succeed (the hub or the camera may come back). */
const RETRYABLE: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>([
  'CAMERA_OFFLINE',
  'RATE_LIMITED',
  'INTERNAL',
  'NOT_JOINED',
  'REQUEST_TIMEOUT',
  'MEDIA_FAILED'
]);

export class BackoffRetryPolicy implements RetryPolicy {
  constructor(
    private readonly baseMs = 1_000,
    private readonly maxMs = 15_000
  ) {}

  nextRetryDelayMs({ attempt, code }: RetryContext): number | null {
    if (!RETRYABLE.has(code)) return null;
    const delay = Math.min(this.maxMs, this.baseMs * 2 ** attempt);
    // ±20 % jitter so a wall of tiles does not retry in lockstep.
    return Math.round(delay * (0.8 + Math.random() * 0.4));
  }
}
