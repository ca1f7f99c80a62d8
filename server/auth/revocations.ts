/**
 * Revoked users. A revocation is of a subject of an agency, not of a token: while it stands every
 * token of that subject is refused, whatever its identity provider issues next. It stands until a
 * supervisor lifts it; even then only tokens issued after the lift are honoured, so one minted
 * before (or during) the revocation never comes back. Kept in the hub's SQLite store; revoking and
 * lifting flush their own commit (`durably`), so neither comes undone by a power loss while its
 * audit record (flushed) stays.
 */
import { durably, type Db } from '../db.ts';
import type { RevocationInfo } from '../protocol/revocations.ts';
import type { Principal } from './principal.ts';

export class Revocations {
  readonly #db: Db;
  readonly #cache = new Map<string, RevocationInfo>();

  constructor(db: Db) {
    this.#db = db;
    const rows = db.prepare('SELECT subject, agency, revoked_at AS revokedAt, revoked_by AS revokedBy, lifted_at AS liftedAt, lifted_by AS liftedBy FROM revocations').all();
    for (const row of rows as RevocationInfo[]) this.#remember(row);
  }

  revoke(subject: string, agency: string, by: string, at = Date.now()): RevocationInfo {
    // Never undone by a power loss: a revoked user must stay out after a restart.
    durably(this.#db, () =>
      this.#db
        .prepare(
          `INSERT INTO revocations (subject, agency, revoked_at, revoked_by, lifted_at, lifted_by) VALUES (?, ?, ?, ?, NULL, NULL)
           ON CONFLICT(subject, agency) DO UPDATE SET revoked_at = excluded.revoked_at, revoked_by = excluded.revoked_by, lifted_at = NULL, lifted_by = NULL`
        )
        .run(subject, agency, at, by)
    );
    return this.#remember({ subject, agency, revokedAt: at, revokedBy: by, liftedAt: null, liftedBy: null });
  }

  /** Lifts a standing revocation; undefined when none stands. */
  lift(subject: string, agency: string, by: string, at = Date.now()): RevocationInfo | undefined {
    const standing = this.#cache.get(key(subject, agency));
    if (!standing || standing.liftedAt !== null) return undefined;
    durably(this.#db, () => this.#db.prepare('UPDATE revocations SET lifted_at = ?, lifted_by = ? WHERE subject = ? AND agency = ?').run(at, by, subject, agency));
    return this.#remember({ ...standing, liftedAt: at, liftedBy: by });
  }

  /** The agency's revocations that stand, newest first. */
  standing(agency: string): RevocationInfo[] {
    return [...this.#cache.values()].filter((r) => r.agency === agency && r.liftedAt === null).sort((a, b) => b.revokedAt - a.revokedAt);
  }

  /** Refused: any token while the revocation stands; after it was lifted, a token issued before the lift (`iat` is in whole seconds). */
  isRevoked(principal: Principal): boolean {
    const revocation = this.#cache.get(key(principal.subject, principal.agency.id));
    if (!revocation) return false;
    return revocation.liftedAt === null || principal.issuedAt <= revocation.liftedAt;
  }

  #remember(revocation: RevocationInfo): RevocationInfo {
    this.#cache.set(key(revocation.subject, revocation.agency), revocation);
    return revocation;
  }
}

const key = (subject: string, agency: string) => `${agency}\u0000${subject}`;
