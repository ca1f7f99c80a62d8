/**
 * SYNTHETIC 119 안전센터 and 112 지구대 for the demo — 합성 데이터, 실제 위치 아님.
 *
 * Per 시군구: 2–4 fire stations (`○○소방서 △△119안전센터`) and 2–3 police stations (the 구's
 * `○○경찰서`, then `○○경찰서 △△지구대`), named after real 동 of that 구 (Seoul and Gwangju; 중앙,
 * 동부 … elsewhere) and its real 소방서 and 경찰서 (Gwangju's 광주서부…) but placed at invented
 * spots: spread over the 구 (best of several random candidates, farthest from those already
 * placed) and snapped onto a vertex of the synthetic road network inside the same 구, so every
 * station is on a road and inside its 구. Deterministic from the seed and the roads.
 *
 * `StationDirectory.nearestStation` is by straight-line distance; the router chooses by travel
 * time afterwards.
 */
import { distanceM, pointInRings, type Ring } from '../geometry.ts';
import { seoulDistrictSet, type District, type DistrictSet } from '../districts.ts';
import type { RoadsCollection } from './generate.ts';
import { seededRandom } from '../random.ts';

export type StationKind = 'fire' | 'police';

export interface Station {
  id: string;
  kind: StationKind;
  name: string;
  /** 구 name, e.g. "강남구". */
  district: string;
  districtCode: string;
  location: { lat: number; lon: number };
  synthetic: true;
}

/** Real 동 names per 구, used only to name the invented stations. */
const DONGS: Readonly<Record<string, readonly string[]>> = {
  종로구: ['혜화', '청운', '창신', '종로'],
  중구: ['명동', '신당', '회현', '을지로'],
  용산구: ['이태원', '한남', '후암', '원효로'],
  성동구: ['왕십리', '성수', '금호', '행당'],
  광진구: ['자양', '구의', '화양', '중곡'],
  동대문구: ['청량리', '회기', '장안', '전농'],
  중랑구: ['면목', '상봉', '망우', '신내'],
  성북구: ['돈암', '길음', '정릉', '석관'],
  강북구: ['미아', '수유', '번동', '우이'],
  도봉구: ['창동', '쌍문', '방학', '도봉'],
  노원구: ['상계', '중계', '하계', '공릉'],
  은평구: ['불광', '응암', '진관', '역촌'],
  서대문구: ['신촌', '연희', '홍제', '북가좌'],
  마포구: ['공덕', '망원', '상암', '서교'],
  양천구: ['목동', '신정', '신월', '신목'],
  강서구: ['화곡', '등촌', '발산', '가양'],
  구로구: ['구로', '개봉', '고척', '신도림'],
  금천구: ['가산', '독산', '시흥'],
  영등포구: ['여의도', '당산', '대림', '문래'],
  동작구: ['노량진', '사당', '상도', '대방'],
  관악구: ['신림', '봉천', '낙성대', '난곡'],
  서초구: ['서초', '반포', '방배', '양재'],
  강남구: ['역삼', '삼성', '대치', '논현'],
  송파구: ['잠실', '가락', '문정', '방이'],
  강동구: ['천호', '길동', '암사', '고덕']
};

/** Gwangju's, by code (its 구 names — 동구, 서구 … — are shared with other cities). */
const GWANGJU_DONGS: Readonly<Record<string, readonly string[]>> = {
  '29110': ['충장', '계림', '학동', '산수'],
  '29140': ['치평', '상무', '화정', '풍암'],
  '29155': ['봉선', '주월', '월산', '효덕'],
  '29170': ['용봉', '운암', '두암', '일곡'],
  '29200': ['첨단', '수완', '송정', '하남']
};

/** Gwangju's 소방서 and 경찰서 are named by quarter ("광주서부경찰서"). */
const GWANGJU_STEMS: Readonly<Record<string, string>> = { '29110': '광주동부', '29140': '광주서부', '29155': '광주남부', '29170': '광주북부', '29200': '광산' };

const stemOf = (d: District) => GWANGJU_STEMS[d.code] ?? (d.name === '중구' ? '중부' : sigunguStem(d.name));
const sigunguStem = (name: string) => name.split(/\s+/).pop()!.replace(/[구군시]$/, '');
const dongsOf = (d: District) => (d.code.startsWith('11') ? DONGS[d.name] : GWANGJU_DONGS[d.code]) ?? ['중앙', '동부', '서부', '남부'];

/** Places the stations on a generated network (see generateRoads). */
export function placeStations(roads: RoadsCollection, options: { seed: number; region?: DistrictSet }): Station[] {
  const region = options.region ?? seoulDistrictSet();
  const random = seededRandom(options.seed ^ 0x5157);
  // Road vertices (no bridges) grouped by 구.
  const vertices = new Map<string, { lat: number; lon: number }[]>();
  const seen = new Set<string>();
  for (const f of roads.features) {
    if (f.properties.bridge === 'yes') continue;
    for (const [lon, lat] of f.geometry.coordinates) {
      const key = `${lon},${lat}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const d = region.at(lat, lon);
      if (d === null) continue;
      let list = vertices.get(d.code);
      if (!list) vertices.set(d.code, (list = []));
      list.push({ lat, lon });
    }
  }
  const stations: Station[] = [];
  for (const d of region.districts) {
    const onRoads = vertices.get(d.code) ?? [];
    if (onRoads.length === 0) continue;
    const rings: Ring[] = d.polygons.flat();
    const dongs = dongsOf(d);
    const placed: { lat: number; lon: number }[] = [];
    const pick = (): { lat: number; lon: number } => {
      let best: { lat: number; lon: number } | null = null;
      let bestScore = -1;
      for (let tries = 0, found = 0; found < 12 && tries < 2000; tries++) {
        const lon = d.bbox[0] + random() * (d.bbox[2] - d.bbox[0]);
        const lat = d.bbox[1] + random() * (d.bbox[3] - d.bbox[1]);
        if (!pointInRings(lon, lat, rings)) continue;
        found++;
        const snapped = nearest(onRoads, lat, lon);
        const score = placed.length === 0 ? random() : Math.min(...placed.map((p) => distanceM(p.lat, p.lon, snapped.lat, snapped.lon)));
        if (score > bestScore) {
          bestScore = score;
          best = snapped;
        }
      }
      const location = best ?? onRoads[0]!;
      placed.push(location);
      return location;
    };
    const fireCount = Math.min(dongs.length, 2 + Math.floor(random() * 3));
    for (let k = 0; k < fireCount; k++) {
      stations.push(station('fire', d, k, `${stemOf(d)}소방서 ${dongs[k]}119안전센터`, pick()));
    }
    const policeCount = 2 + Math.floor(random() * 2);
    const police = GWANGJU_STEMS[d.code] === '광산' ? '광주광산' : stemOf(d);
    for (let k = 0; k < policeCount; k++) {
      const name = k === 0 ? `${police}경찰서` : `${police}경찰서 ${dongs[(dongs.length - k) % dongs.length]}지구대`;
      stations.push(station('police', d, k, name, pick()));
    }
  }
  return stations;
}

function station(kind: StationKind, d: District, k: number, name: string, location: { lat: number; lon: number }): Station {
  return { id: `synthetic/${kind}/${d.code}-${k + 1}`, kind, name, district: d.name, districtCode: d.code, location: { ...location }, synthetic: true };
}

function nearest<T extends { lat: number; lon: number }>(list: readonly T[], lat: number, lon: number): T {
  let best = list[0]!;
  let bestD = Infinity;
  for (const p of list) {
    const d = distanceM(lat, lon, p.lat, p.lon);
    if (d < bestD) {
      bestD = d;
      best = p;
    }
  }
  return best;
}

/** The placed stations, looked up by kind and position. */
export class StationDirectory {
  readonly stations: readonly Station[];

  constructor(stations: readonly Station[]) {
    this.stations = stations;
  }

  ofKind(kind: StationKind): Station[] {
    return this.stations.filter((s) => s.kind === kind);
  }

  inDistrict(code: string): Station[] {
    return this.stations.filter((s) => s.districtCode === code);
  }

  /** The station of that kind nearest in a straight line, with its distance; null if none. */
  nearestStation(kind: StationKind, lat: number, lon: number): { station: Station; distanceM: number } | null {
    let best: { station: Station; distanceM: number } | null = null;
    for (const s of this.stations) {
      if (s.kind !== kind) continue;
      const d = distanceM(lat, lon, s.location.lat, s.location.lon);
      if (best === null || d < best.distanceM) best = { station: s, distanceM: d };
    }
    return best;
  }
}
