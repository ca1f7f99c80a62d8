/**
 * What one user, and one agency, may ask of the hub per second — counted across every socket
 * and the HTTP API alike, so opening more sockets buys nothing. Requests cost what they make the
 * hub do (a search over the registry costs more than a resume); a request over budget is refused
 * at once, before any work. Token buckets with an injectable clock.
 */
import { z } from 'zod';
import type { Principal } from './auth/principal.ts';
import { DEFAULT_PAGE, type RequestName, type RequestOf } from './protocol/schemas.ts';

/** `perSecond`: cost units refilled per second (one unit ≈ one cheap request); `burst`: most units one may spend at once. */
export const rateSchema = z.object({ perSecond: z.number().min(1), burst: z.number().min(1) }).strict();
export type Rate = z.infer<typeof rateSchema>;

/** Buckets kept before full ones (idle keys) are swept. */
const SWEEP_FROM = 4096;

/** One token bucket per key. */
export class TokenBuckets {
  readonly #rate: Rate;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(rate: Rate, now: () => number = Date.now) {
    this.#rate = rate;
    this.#now = now;
  }

  /** Units `key` may spend now. */
  available(key: string): number {
    const bucket = this.#buckets.get(key);
    return bucket ? this.#refill(bucket) : this.#rate.burst;
  }

  /** Ms until `key` holds `cost` units (0 if it does now). */
  waitMs(key: string, cost: number): number {
    return (Math.max(0, cost - this.available(key)) / this.#rate.perSecond) * 1000;
  }

  /** Spends `cost` if `key` has it; false (nothing spent) otherwise. */
  take(key: string, cost: number): boolean {
    if (this.available(key) < cost) return false;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= SWEEP_FROM) this.#sweep();
      this.#buckets.set(key, (bucket = { tokens: this.#rate.burst, at: this.#now() }));
    }
    bucket.tokens -= cost;
    return true;
  }

  #refill(bucket: { tokens: number; at: number }): number {
    const now = this.#now();
    bucket.tokens = Math.min(this.#rate.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#rate.perSecond);
    bucket.at = now;
    return bucket.tokens;
  }

  /** A full bucket is the same as none. */
  #sweep(): void {
    for (const [key, bucket] of this.#buckets) if (this.#refill(bucket) >= this.#rate.burst) this.#buckets.delete(key);
  }
}

/** The user's and the agency's buckets: a request is served only when both can pay. */
export class Budget {
  readonly #users: TokenBuckets;
  readonly #agencies: TokenBuckets;

  constructor(rates: { user: Rate; agency: Rate }, now: () => number = Date.now) {
    this.#users = new TokenBuckets(rates.user, now);
    this.#agencies = new TokenBuckets(rates.agency, now);
  }

  spend(principal: Principal, cost: number): boolean {
    const user = userKey(principal);
    const agency = principal.agency.id;
    if (this.#users.available(user) < cost || this.#agencies.available(agency) < cost) return false;
    return this.#users.take(user, cost) && this.#agencies.take(agency, cost);
  }

  /** Ms until `principal` could spend `cost` (0 if it can now). */
  waitMs(principal: Principal, cost: number): number {
    return Math.max(this.#users.waitMs(userKey(principal), cost), this.#agencies.waitMs(principal.agency.id, cost));
  }
}

/** One user: the same subject of the same agency from the same issuer, however many sessions. */
export function userKey(principal: Principal): string {
  return `${principal.issuer}\u0000${principal.agency.id}\u0000${principal.subject}`;
}

/** Units per request: a search reads every camera's text, a long page is serialised camera by camera. */
export const COST = {
  request: 1,
  search: 10,
  /** A route, an incident opened (grant, audit, route, nearest), the map's camera layer, an audit export. */
  compute: 10,
  /** Per 100 cameras of a page. */
  pageOf100: 1
} as const;

export function requestCost<N extends RequestName>(name: N, request: RequestOf<N>): number {
  if (name === 'cameras:list') {
    const { query, limit } = request as RequestOf<'cameras:list'>;
    return COST.request + (query?.trim() ? COST.search : 0) + Math.ceil((limit ?? DEFAULT_PAGE) / 100) * COST.pageOf100;
  }
  if (name === 'cameras:get') return COST.request + Math.ceil((request as RequestOf<'cameras:get'>).ids.length / 100) * COST.pageOf100;
  return COST.request;
}
