/**
 * The camera list as operators browse it at city scale: one page at a time, per 구 or by a
 * search, with counts per 구 — never the whole registry in one answer. Pure: the caller says
 * which cameras the session may see; nothing here decides access.
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

export const DEFAULT_PAGE = 200;
export const MAX_PAGE = 500;

/**
 * One pass over `cameras` in registry order (landmarks first): counts and the requested page.
 * `visible` is asked once per camera.
 */
export function listPage<C extends ListedCamera>(cameras: Iterable<C>, visible: (camera: C) => boolean, query: ListQuery): ListPage<C> {
  const needle = query.query?.trim().toLowerCase() ?? '';
  const end = query.offset + query.limit;
  const districts = new Map<string, DistrictCount>();
  const page: C[] = [];
  let total = 0;
  let matched = 0;
  for (const camera of cameras) {
    if (!visible(camera)) continue;
    total++;
    if (needle && !matches(camera, needle)) continue;
    const code = camera.district.code;
    let district = districts.get(code);
    if (!district) districts.set(code, (district = { code, name: camera.district.name, nameEn: camera.district.nameEn, count: 0 }));
    district.count++;
    if (query.district !== undefined && code !== query.district) continue;
    if (matched >= query.offset && matched < end) page.push(camera);
    matched++;
  }
  return { total, districts: [...districts.values()].sort((a, b) => a.name.localeCompare(b.name, 'ko')), matched, cameras: page };
}

/** Korean has no case; ids and English names are matched lower-cased. */
export function matches(camera: ListedCamera, needle: string): boolean {
  return camera.name.includes(needle) || camera.nameEn.toLowerCase().includes(needle) || camera.id.toLowerCase().includes(needle);
}
