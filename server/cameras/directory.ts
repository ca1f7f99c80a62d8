/**
 * The camera list as operators browse it at city scale: one page at a time, per 구 or by a
 * search, with counts per 구 — never the whole registry in one answer. Nothing here decides
 * access: the caller hands in the set of cameras the session may see (server/cameras/scope-index.ts).
 *
 * A search runs over one string holding every camera's searchable text, so one `indexOf` per
 * match finds the cameras instead of three `includes` per camera; its answers (registry
 * positions, for everyone alike) are kept for the most recent searches. A listing without a
 * search pages a set grouped by 구 once per set (a city-wide set is 68k cameras: walking it on
 * every page held the event loop for tens of ms).
 */

export interface ListQuery {
  /** Only this 구 (its code). */
  district?: string | undefined;
  /** Case-insensitive substring of the name (Korean or English; the name holds the short address) or the id. */
  query?: string | undefined;
  offset: number;
  limit: number;
}

export interface DistrictCount {
  code: string;
  name: string;
  nameEn: string;
  /** Visible cameras in this 구 that match the query. */
  count: number;
}

export interface ListPage<C> {
  /** Every camera the session may see. */
  total: number;
  /** Per 구, the visible cameras matching the query (before the district filter); 가나다 order. */
  districts: DistrictCount[];
  /** Visible cameras matching query and district: what `offset`/`limit` page through. */
  matched: number;
  cameras: C[];
}

export interface ListedCamera {
  id: string;
  name: string;
  nameEn: string;
  district: { code: string; name: string; nameEn: string };
}

/** Cameras by their position in the registry (see ScopeIndex): what a session may see. */
export interface PositionSet {
  readonly count: number;
  /** Ascending: registry order. */
  readonly positions: Uint32Array;
  has(position: number): boolean;
}

/** Searches whose answers are kept (the newest; an answer is at most 4 bytes per camera). */
const KEPT_SEARCHES = 32;
/** Between fields and between cameras: a query holding it matches nothing, so no match spans two. */
const SEPARATOR = '\u0000';

export class CameraDirectory<C extends ListedCamera> {
  readonly #cameras: readonly C[];
  /** Every camera's searchable text, lower-cased, one after another in registry order. */
  readonly #text: string;
  /** Where camera i's text starts in #text (and #starts[n] = its length). */
  readonly #starts: Uint32Array;
  readonly #searches = new Map<string, Uint32Array>();
  /** Each position set's cameras by 구 and its counts, made on its first listing (sets do not change). */
  readonly #grouped = new WeakMap<PositionSet, Grouped>();
  /** Every 구 of the registry, and each camera's (an index into it): grouping a set is then counting. */
  readonly #districts: Array<Omit<DistrictCount, 'count'>> = [];
  readonly #districtOf: Uint16Array;

  constructor(cameras: readonly C[]) {
    this.#cameras = cameras;
    this.#starts = new Uint32Array(cameras.length + 1);
    const parts: string[] = [];
    let at = 0;
    cameras.forEach((camera, i) => {
      const text = `${camera.name}${SEPARATOR}${camera.nameEn}${SEPARATOR}${camera.id}${SEPARATOR}`.toLowerCase();
      this.#starts[i] = at;
      parts.push(text);
      at += text.length;
    });
    this.#starts[cameras.length] = at;
    this.#text = parts.join('');
    const slots = new Map<string, number>();
    this.#districtOf = Uint16Array.from(cameras, ({ district: { code, name, nameEn } }) => {
      let slot = slots.get(code);
      if (slot === undefined) slots.set(code, (slot = this.#districts.push({ code, name, nameEn }) - 1));
      return slot;
    });
  }

  /** The positions of the cameras whose name, English name or id holds `needle` (trimmed, any case), ascending. */
  search(query: string): Uint32Array {
    const needle = normalise(query);
    let found = this.#searches.get(needle);
    if (found) {
      // Newest last: the first key is the one to drop.
      this.#searches.delete(needle);
    } else {
      found = this.#scan(needle);
      if (this.#searches.size >= KEPT_SEARCHES) this.#searches.delete(this.#searches.keys().next().value!);
    }
    this.#searches.set(needle, found);
    return found;
  }

  /** One page of the visible cameras matching the query, with the counts (see ListPage). */
  list(visible: PositionSet, query: ListQuery): ListPage<C> {
    const needle = normalise(query.query ?? '');
    const end = query.offset + query.limit;
    if (!needle) {
      const { districts, byDistrict } = this.#groupedOf(visible);
      const candidates = query.district === undefined ? visible.positions : (byDistrict.get(query.district) ?? NONE);
      return {
        total: visible.count,
        districts: districts.map((district) => ({ ...district })),
        matched: candidates.length,
        cameras: Array.from(candidates.subarray(query.offset, end), (position) => this.#cameras[position]!)
      };
    }
    const candidates = this.search(needle);
    const districts = new Map<string, DistrictCount>();
    const page: C[] = [];
    let matched = 0;
    for (const position of candidates) {
      if (!visible.has(position)) continue;
      const camera = this.#cameras[position]!;
      const code = camera.district.code;
      let district = districts.get(code);
      if (!district) districts.set(code, (district = { code, name: camera.district.name, nameEn: camera.district.nameEn, count: 0 }));
      district.count++;
      if (query.district !== undefined && code !== query.district) continue;
      if (matched >= query.offset && matched < end) page.push(camera);
      matched++;
    }
    return { total: visible.count, districts: [...districts.values()].sort(byName), matched, cameras: page };
  }

  #groupedOf(visible: PositionSet): Grouped {
    let grouped = this.#grouped.get(visible);
    if (grouped) return grouped;
    const districtOf = this.#districtOf;
    const counts = new Uint32Array(this.#districts.length);
    for (const position of visible.positions) counts[districtOf[position]!]!++;
    const lists = Array.from(counts, (count) => new Uint32Array(count));
    const filled = new Uint32Array(counts.length);
    for (const position of visible.positions) {
      const slot = districtOf[position]!;
      lists[slot]![filled[slot]!++] = position;
    }
    const districts: DistrictCount[] = [];
    const byDistrict = new Map<string, Uint32Array>();
    this.#districts.forEach((district, slot) => {
      if (counts[slot] === 0) return;
      districts.push({ ...district, count: counts[slot]! });
      byDistrict.set(district.code, lists[slot]!);
    });
    grouped = { districts: districts.sort(byName), byDistrict };
    this.#grouped.set(visible, grouped);
    return grouped;
  }

  #scan(needle: string): Uint32Array {
    if (!needle) return Uint32Array.from(this.#cameras.keys());
    if (needle.includes(SEPARATOR)) return new Uint32Array(0);
    const found: number[] = [];
    let camera = 0;
    for (let at = this.#text.indexOf(needle); at >= 0; at = this.#text.indexOf(needle, this.#starts[camera]!)) {
      camera = this.#cameraAt(at, camera);
      found.push(camera);
      camera++;
    }
    return Uint32Array.from(found);
  }

  /** The camera whose text holds offset `at`, searching from camera `from` on (matches come in order). */
  #cameraAt(at: number, from: number): number {
    let lo = from;
    let hi = this.#cameras.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.#starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

interface Grouped {
  /** 가나다 order. */
  districts: DistrictCount[];
  /** 구 code → its positions, ascending. */
  byDistrict: Map<string, Uint32Array>;
}

const NONE = new Uint32Array(0);

const byName = (a: DistrictCount, b: DistrictCount) => a.name.localeCompare(b.name, 'ko');

/** Korean has no case; ids and English names are matched lower-cased. */
function normalise(query: string): string {
  return query.trim().toLowerCase();
}
