/**
 * Keeps the sign-in alive: a demo token is fetched again (same agency, same purpose) before it
 * expires and handed to the hub; for a pasted token the page asks the person for a new one
 * (`pasteDue`) and hands over what they paste. Whoever uses the token is injected as
 * `handOver` (the monitor: `session:refresh` on the socket; the audit page: nothing to tell),
 * so the keeper never reaches for the session.
 *
 * A token the hub accepted is stored at once, so a Socket.IO reconnect (whose `auth` reads
 * the store) uses it. A renewal that failed for a passing reason (socket down, hub slow) is
 * tried again until expiry, and its fresh token is stored anyway: the next handshake carries
 * it. A token the hub refused is never stored.
 *
 * Arm it inside an `$effect` and `disarm()` in the cleanup: it owns one timer.
 */
import { untrack } from 'svelte';
import type { Purpose } from '$protocol/events.ts';
import { loadToken, loadTokenSource, peekClaims, requestDemoToken, saveToken, type IssuedToken, type TokenSource } from '$lib/auth/index.ts';
import { pasteDue, refreshAt, retryAt } from '$lib/auth/refresh-policy.ts';
import { AppError, toAppError, type AppErrorCode } from '$lib/errors/app-error.ts';

export type RenewStatus = 'idle' | 'renewing' | 'renewed' | 'failed';

export interface TokenKeeperOptions {
  /** Gives a fresh token to whoever uses it; resolves with the expiry they accepted (ms). */
  handOver: (token: string) => Promise<number>;
  /** A fresh demo token (the dev API by default). */
  issue?: (agency: string, purpose: Purpose | undefined, supervisor: boolean) => Promise<IssuedToken>;
  now?: () => number;
}

/** Failures after which the same renewal can work a little later. */
const PASSING: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>([
  'CONNECTION_LOST',
  'CLIENT_CLOSED',
  'REQUEST_TIMEOUT',
  'HTTP',
  'RATE_LIMITED',
  'INTERNAL',
  'SHUTTING_DOWN',
  'NOT_JOINED'
]);

export class TokenKeeper {
  source = $state.raw<TokenSource>({ kind: 'pasted' });
  /** Expiry of the token in use (ms since epoch); null while not armed. */
  expiresAt = $state<number | null>(null);
  status = $state<RenewStatus>('idle');
  /** Why the last renewal failed. */
  error = $state.raw<AppError | null>(null);
  /** Renewals the hub accepted (tests and the probe read it). */
  renewals = $state(0);

  readonly #handOver: (token: string) => Promise<number>;
  readonly #issue: NonNullable<TokenKeeperOptions['issue']>;
  readonly #now: () => number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armed = $state(false);
  #busy = false;

  constructor(options: TokenKeeperOptions) {
    this.#handOver = options.handOver;
    this.#issue = options.issue ?? ((agency, purpose, supervisor) => requestDemoToken(agency, purpose, fetch, supervisor ? 'supervisor' : 'operator'));
    this.#now = options.now ?? Date.now;
  }

  /** Keeps the stored token, valid until `expiresAt`. Call again whenever the expiry changes. */
  arm(expiresAt: number): void {
    this.#armed = true;
    this.source = loadTokenSource();
    this.expiresAt = expiresAt;
    this.#schedule();
  }

  /** Stops renewing (the session ended, the page is left). Idempotent. */
  disarm(): void {
    this.#armed = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Whether the person must paste a new token now (pasted tokens, two minutes before expiry). */
  pasteDue(now: number): boolean {
    return this.#armed && this.source.kind === 'pasted' && this.expiresAt !== null && pasteDue(now, this.expiresAt);
  }

  get busy(): boolean {
    return this.status === 'renewing';
  }

  /** A token the person pasted; resolves true when it was accepted. */
  async submit(text: string): Promise<boolean> {
    const token = text.trim();
    const claims = peekClaims(token);
    if (!claims) return this.#failed(new AppError('AUTH_INVALID_TOKEN', 'not a JWT'));
    if (claims.expiresAt !== null && claims.expiresAt <= this.#now()) return this.#failed(new AppError('AUTH_TOKEN_EXPIRED', 'token already expired'));
    return this.#renew(token, { kind: 'pasted' });
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#armed || this.source.kind !== 'demo' || this.expiresAt === null) return;
    const issuedAt = peekClaims(loadToken() ?? '')?.issuedAt ?? this.#now();
    this.#after(refreshAt(issuedAt, this.expiresAt), () => void this.#renewDemo());
  }

  #after(at: number, run: () => void): void {
    clearTimeout(this.#timer);
    // setTimeout overflows past ~24.8 days; such a token is scheduled again on the next arm.
    const wait = Math.max(0, at - this.#now());
    if (wait > 2 ** 31 - 1) return;
    this.#timer = setTimeout(run, wait);
  }

  async #renewDemo(): Promise<void> {
    const source = this.source;
    if (source.kind !== 'demo' || this.#busy) return;
    this.#busy = true;
    this.status = 'renewing';
    let issued: IssuedToken;
    try {
      issued = await this.#issue(source.agency, source.purpose, source.supervisor === true);
    } catch (cause) {
      this.#busy = false;
      this.#failed(toAppError(cause));
      this.#retryIfPassing();
      return;
    }
    this.#busy = false;
    await this.#renew(issued.token, source);
  }

  async #renew(token: string, source: TokenSource): Promise<boolean> {
    if (this.#busy) return false;
    this.#busy = true;
    this.status = 'renewing';
    try {
      const expiresAt = await this.#handOver(token);
      saveToken(token, source);
      this.source = source;
      this.expiresAt = expiresAt;
      this.error = null;
      this.status = 'renewed';
      this.renewals++;
      this.#schedule();
      return true;
    } catch (cause) {
      const error = toAppError(cause);
      // Not refused, only not delivered: the next handshake carries the fresh token.
      if (PASSING.has(error.code)) saveToken(token, source);
      this.#failed(error);
      if (source.kind === 'demo') this.#retryIfPassing();
      return false;
    } finally {
      this.#busy = false;
    }
  }

  #retryIfPassing(): void {
    if (!this.#armed || !this.error || !PASSING.has(this.error.code) || this.expiresAt === null) return;
    const at = retryAt(this.#now(), this.expiresAt);
    if (at !== null) this.#after(at, () => void this.#renewDemo());
  }

  #failed(error: AppError): false {
    this.error = error;
    this.status = 'failed';
    return false;
  }
}

/**
 * Keeps a live session's token fresh (call during a page's set-up): the keeper is armed with
 * the hub's expiry (from join or refresh) and disarmed when the session ends.
 */
export function keepSessionFresh(session: { readonly live: boolean; readonly info: { expiresAt: number } | null }, keeper: TokenKeeper): void {
  $effect(() => {
    const until = session.info?.expiresAt ?? null;
    if (!session.live || until === null) return;
    // The keeper's own state is not this effect's dependency.
    untrack(() => keeper.arm(until));
    return () => keeper.disarm();
  });
}
