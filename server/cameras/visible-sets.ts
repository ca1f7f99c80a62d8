/**
 * The visible set of each principal, made once and shared: keyed by what decides it — agency,
 * role, purpose, the token's scope and the agency's active grants — so the sessions of one
 * agency share one set, and a new grant makes a new key, as does one that expired (the key holds
 * only the grants still running). Sets with the same cameras are one object, so
 * what is derived from a set (the map layer's JSON) survives a grant that changes nothing.
 */
import type { AgencyPolicies } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import { grantApplies, type Grant } from '../auth/scope.ts';
import type { ScopeIndex, VisibleSet } from './scope-index.ts';

export interface VisibleSetsOptions {
  policies: AgencyPolicies;
  /** Active grants of an agency. */
  grants: (agency: string) => readonly Grant[];
  now?: () => number;
  /** Keys kept (least recently used dropped first). Default 64. */
  capacity?: number;
}

export class VisibleSets {
  readonly #index: ScopeIndex;
  readonly #options: Required<VisibleSetsOptions>;
  readonly #sets = new Map<string, VisibleSet>();
  /** The principal's part of the key, made once per principal object. */
  readonly #principalKeys = new WeakMap<Principal, string>();

  constructor(index: ScopeIndex, options: VisibleSetsOptions) {
    this.#index = index;
    this.#options = { now: Date.now, capacity: 64, ...options };
  }

  of(principal: Principal): VisibleSet {
    const now = this.#options.now();
    const grants = this.#options.grants(principal.agency.id).filter((g) => grantApplies(principal, g) && now < g.expiresAt);
    // A corridor grant keeps its id while its cameras move with the pursuit: they are part of the key.
    const key = `${this.#principalKey(principal)}|${grants.map((g) => (g.cameras ? `${g.id}[${g.cameras.join(',')}]` : g.id)).sort().join(',')}`;
    let set = this.#sets.get(key);
    this.#sets.delete(key);
    if (!set) {
      const made = this.#index.visible(principal, { policies: this.#options.policies, grants, now });
      set = this.#same(made) ?? made;
      if (this.#sets.size >= this.#options.capacity) this.#sets.delete(this.#sets.keys().next().value!);
    }
    // Newest last: the first key is the least recently used.
    this.#sets.set(key, set);
    return set;
  }

  /** A kept set with the same cameras, if any. */
  #same(made: VisibleSet): VisibleSet | undefined {
    for (const set of this.#sets.values()) if (set.equals(made)) return set;
    return undefined;
  }

  #principalKey(principal: Principal): string {
    let key = this.#principalKeys.get(principal);
    if (key === undefined) {
      const { scope } = principal;
      const districts = scope.cityWide ? '*' : [...scope.districts].sort().join(',');
      key = [principal.agency.id, principal.role, principal.purpose ?? '', districts, [...scope.cameras].sort().join(',')].join('|');
      this.#principalKeys.set(principal, key);
    }
    return key;
  }
}
