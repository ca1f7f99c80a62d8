/**
 * decideView applied to the whole registry at once. The registry is indexed the way scope is
 * given — by 구 and by category (설치목적구분) — and grants are looked up in the spatial index, so
 * a principal's visible set costs the groups it may see, not 68,000 decisions. Which cameras are
 * visible is still decided by the pieces of server/auth/scope.ts that decideView is made of (a
 * unit test holds both to the same answers). A VisibleSet is a bitmap over registry positions.
 */
import type { Principal } from '../auth/principal.ts';
import { districtInScope, grantApplies, grantBoundAllows, grantCovers, principalRefusal, type Grant, type ViewContext } from '../auth/scope.ts';
import type { CameraIndex } from '../geo/camera-index.ts';
import type { PositionSet } from './directory.ts';
import type { RegistryCamera } from './registry.ts';

/** The spatial index measures distance its own (equirectangular) way; search a little wider, then let grantCovers decide. */
const GRANT_SEARCH_SLACK = 1.01;

export class VisibleSet implements PositionSet {
  readonly count: number;
  readonly positions: Uint32Array;
  readonly #bits: Uint8Array;
  readonly #position: ReadonlyMap<string, number>;
  readonly #memos = new Map<string, unknown>();

  constructor(bits: Uint8Array, position: ReadonlyMap<string, number>) {
    this.#bits = bits;
    this.#position = position;
    let count = 0;
    for (const bit of bits) count += bit;
    this.count = count;
    this.positions = new Uint32Array(count);
    for (let i = 0, k = 0; i < bits.length; i++) if (bits[i]) this.positions[k++] = i;
  }

  has(position: number): boolean {
    return this.#bits[position] === 1;
  }

  /** Whether the session may see this camera (the filter every scoped answer applies). */
  readonly includes = (camera: { id: string }): boolean => {
    const position = this.#position.get(camera.id);
    return position !== undefined && this.#bits[position] === 1;
  };

  equals(other: VisibleSet): boolean {
    return this === other || (this.count === other.count && Buffer.from(this.#bits.buffer, this.#bits.byteOffset, this.#bits.byteLength).equals(other.#bits));
  }

  /** Something derived from this set alone (e.g. the map's camera layer as gzip), made once. */
  memo<T>(name: string, make: () => T): T {
    if (!this.#memos.has(name)) this.#memos.set(name, make());
    return this.#memos.get(name) as T;
  }
}

export class ScopeIndex {
  readonly cameras: readonly RegistryCamera[];
  readonly #position = new Map<string, number>();
  /** 구 code → category → positions, ascending. */
  readonly #groups = new Map<string, Map<string, number[]>>();
  readonly #spatial: CameraIndex<RegistryCamera>;

  /** `cameras` in registry order; `spatial` indexes the same cameras. */
  constructor(cameras: readonly RegistryCamera[], spatial: CameraIndex<RegistryCamera>) {
    this.cameras = cameras;
    this.#spatial = spatial;
    cameras.forEach((camera, i) => {
      this.#position.set(camera.id, i);
      let byCategory = this.#groups.get(camera.district.code);
      if (!byCategory) this.#groups.set(camera.district.code, (byCategory = new Map()));
      let group = byCategory.get(camera.category);
      if (!group) byCategory.set(camera.category, (group = []));
      group.push(i);
    });
  }

  position(id: string): number | undefined {
    return this.#position.get(id);
  }

  /** Every camera decideView allows this principal, in this context. */
  visible(principal: Principal, context: ViewContext): VisibleSet {
    const bits = new Uint8Array(this.cameras.length);
    if (!principalRefusal(principal, context.policies)) {
      const agency = principal.agency.id;
      const allowed = (category: string) => context.policies.allowsCategory(agency, category);
      for (const [code, byCategory] of this.#groups) {
        if (!districtInScope(principal, code)) continue;
        for (const [category, group] of byCategory) if (allowed(category)) for (const i of group) bits[i] = 1;
      }
      for (const id of principal.scope.cameras) {
        const i = this.#position.get(id);
        if (i !== undefined && allowed(this.cameras[i]!.category)) bits[i] = 1;
      }
      for (const grant of context.grants) {
        if (!grantApplies(principal, grant) || context.now >= grant.expiresAt) continue;
        this.#eachOpened(grant, allowed, context.policies, context.now, (i) => (bits[i] = 1));
      }
    }
    return new VisibleSet(bits, this.#position);
  }

  /**
   * The cameras of these 구 a grant opens for its agency, whatever its time: its list or its
   * circle, in that agency's categories and within the grant's bound (what `visible` adds for it).
   * The grants page shows a control centre this count, not the circle's raw one.
   */
  openedBy(grant: Omit<Grant, 'expiresAt'>, districts: readonly string[], policies: ViewContext['policies']): string[] {
    const ids: string[] = [];
    this.#eachOpened({ ...grant, expiresAt: Infinity }, (category) => policies.allowsCategory(grant.agency, category), policies, 0, (i) => {
      const camera = this.cameras[i]!;
      if (districts.includes(camera.district.code)) ids.push(camera.id);
    });
    return ids;
  }

  #eachOpened(grant: Grant, allowed: (category: string) => boolean, policies: ViewContext['policies'], now: number, visit: (position: number) => void): void {
    if (grant.cameras) {
      for (const id of grant.cameras) {
        const i = this.#position.get(id);
        if (i !== undefined && allowed(this.cameras[i]!.category) && grantBoundAllows(grant, this.cameras[i]!, policies)) visit(i);
      }
      return;
    }
    for (const { camera } of this.#spatial.withinRadius(grant.center.lat, grant.center.lon, grant.radiusM * GRANT_SEARCH_SLACK)) {
      if (allowed(camera.category) && grantCovers(grant, camera, now) && grantBoundAllows(grant, camera, policies)) visit(this.#position.get(camera.id)!);
    }
  }
}
