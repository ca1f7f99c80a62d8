/** Revoked users: a token of a revoked subject issued before the revocation is no longer honoured. */
import { durably, type Db } from '../db.ts';
import type { Principal } from './principal.ts';

export class Revocations {
  readonly #db: Db;
  readonly #cache = new Map<string, number>();

  constructor(db: Db) {
    this.#db = db;
    const rows = db.prepare('SELECT subject, agency, revoked_at FROM revocations').all() as Array<{ subject: string; agency: string; revoked_at: number }>;
    for (const row of rows) this.#cache.set(key(row.subject, row.agency), row.revoked_at);
  }

  revoke(subject: string, agency: string, by: string, at = Date.now()): void {
    // Never undone by a power loss: a revoked user must stay out after a restart.
    durably(this.#db, () =>
      this.#db
        .prepare('INSERT INTO revocations (subject, agency, revoked_at, revoked_by) VALUES (?, ?, ?, ?) ON CONFLICT(subject, agency) DO UPDATE SET revoked_at = excluded.revoked_at, revoked_by = excluded.revoked_by')
        .run(subject, agency, at, by)
    );
    this.#cache.set(key(subject, agency), at);
  }

  /** Tokens issued at or before the revocation are dead; a token issued later (re-enabled user) lives. */
  isRevoked(principal: Principal): boolean {
    const at = this.#cache.get(key(principal.subject, principal.agency.id));
    return at !== undefined && principal.issuedAt <= at;
  }
}

const key = (subject: string, agency: string) => `${agency}\u0000${subject}`;
