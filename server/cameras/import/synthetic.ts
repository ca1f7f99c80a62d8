/**
 * A SYNTHETIC CCTV registry of a city (Seoul by default; any set of 시군구) in the
 * 전국CCTV표준데이터 CSV format, for tests, benchmarks and demos at city scale. None of it
 * describes real cameras: ids start with "SYN-", addresses are on "합성데이터로" / in "합성동",
 * 촬영방면정보 starts with "[합성]", and the phone number is the area code then 0000-0000. Only
 * 관리기관명 names the real 구청 (so scope rules by district can be tried).
 *
 * ~68,000 cameras for Seoul (its public CCTV count is of that order; Gwangju's ≈10,000) are
 * shared among the 구 half by population, half by area, and placed inside the real (simplified)
 * boundaries: on poles of one to four cameras facing different ways, poles clustered around a few
 * centres per 구 plus a uniform spread. Everything follows from the seed.
 */
import { seoulDistrictSet, type District, type DistrictSet } from '../../geo/districts.ts';
import { SIDO } from '../../geo/sido.ts';
import { formatCsv } from './csv.ts';
import { EXTRA_COLUMNS, STANDARD_COLUMNS } from './types.ts';
import { seededRandom } from '../../geo/random.ts';

export const SYNTHETIC_NOTICE = '합성 데이터 — 실제 CCTV가 아닙니다 (SYNTHETIC data: not real cameras)';

export interface SyntheticOptions {
  /** Default 20240112. */
  seed?: number;
  /** Cameras in all. Default 68,000. */
  total?: number;
  /** The 시군구 to fill. Default Seoul's 25 자치구. */
  region?: DistrictSet;
  /** 데이터기준일자. Default 2025-06-30. */
  dataDate?: string;
}

/**
 * Residents per 구, thousands (주민등록인구, 2024, rounded) — only to share the synthetic cameras
 * out plausibly (Seoul, then Gwangju; a 구 not listed is shared out by area alone).
 */
const POPULATION_K: Readonly<Record<string, number>> = {
  '11110': 139, '11140': 121, '11170': 209, '11200': 279, '11215': 335,
  '11230': 338, '11260': 378, '11290': 428, '11305': 285, '11320': 301,
  '11350': 491, '11380': 461, '11410': 306, '11440': 369, '11470': 428,
  '11500': 556, '11530': 400, '11545': 229, '11560': 373, '11590': 381,
  '11620': 489, '11650': 407, '11680': 557, '11710': 654, '11740': 466,
  '29110': 103, '29140': 276, '29155': 210, '29170': 418, '29200': 391
};

/** 지역번호 for the phone column, by 시도. */
const AREA_CODES: Readonly<Record<string, string>> = { '11': '02', '26': '051', '27': '053', '28': '032', '29': '062', '30': '042', '31': '052' };

/** Share of poles by 설치목적구분 (생활방범 most, as in the published Seoul files). */
const CATEGORY_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['생활방범', 0.62],
  ['어린이보호', 0.13],
  ['교통단속', 0.07],
  ['쓰레기단속', 0.06],
  ['시설물관리', 0.05],
  ['재난재해', 0.03],
  ['다목적', 0.03],
  ['교통정보수집', 0.01]
];

/** Cameras per pole: 1 to 4. */
const POLE_SIZE_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [1, 0.4],
  [2, 0.3],
  [3, 0.2],
  [4, 0.1]
];

const DIRECTIONS = ['북', '북동', '동', '남동', '남', '남서', '서', '북서'] as const;

/** How many cameras each 구 gets (largest remainder, so they add up to `total`). */
export function districtQuotas(total: number, districts: readonly District[] = seoulDistrictSet().districts): Map<string, number> {
  const popSum = districts.reduce((s, d) => s + (POPULATION_K[d.code] ?? 0), 0);
  const areaSum = districts.reduce((s, d) => s + d.areaKm2, 0);
  const popShare = (d: District) => (popSum > 0 ? (POPULATION_K[d.code] ?? 0) / popSum : d.areaKm2 / areaSum);
  const exact = districts.map((d) => ({
    code: d.code,
    value: total * (0.5 * popShare(d) + 0.5 * (d.areaKm2 / areaSum))
  }));
  const quotas = new Map(exact.map((e) => [e.code, Math.floor(e.value)]));
  let left = total - [...quotas.values()].reduce((s, n) => s + n, 0);
  const byRemainder = [...exact].sort((a, b) => b.value - Math.floor(b.value) - (a.value - Math.floor(a.value)) || a.code.localeCompare(b.code));
  for (let i = 0; left > 0; i = (i + 1) % byRemainder.length, left--) {
    const code = byRemainder[i]!.code;
    quotas.set(code, quotas.get(code)! + 1);
  }
  return quotas;
}

/** Header and rows of the synthetic registry (standard columns, then 카메라ID, 방향각, 화각). */
export function syntheticRows(options: SyntheticOptions = {}): string[][] {
  const random = seededRandom(options.seed ?? 20240112);
  const total = options.total ?? 68_000;
  const dataDate = options.dataDate ?? '2025-06-30';
  const region = options.region ?? seoulDistrictSet();
  const districts = region.districts;
  const quotas = districtQuotas(total, districts);
  const rows: string[][] = [[...STANDARD_COLUMNS, ...EXTRA_COLUMNS]];

  const pick = <T>(weights: ReadonlyArray<readonly [T, number]>): T => {
    let x = random();
    for (const [value, w] of weights) {
      if ((x -= w) < 0) return value;
    }
    return weights[weights.length - 1]![0];
  };
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

  for (const d of districts) {
    const quota = quotas.get(d.code)!;
    const [minLon, minLat, maxLon, maxLat] = d.bbox;
    const inside = (lat: number, lon: number) => region.at(lat, lon)?.code === d.code;
    const sido = SIDO.get(d.code.slice(0, 2))?.name ?? '';
    const phone = `${AREA_CODES[d.code.slice(0, 2)] ?? '000'}-0000-0000`;
    const uniformPoint = (): [number, number] => {
      for (;;) {
        const lat = round6(minLat + random() * (maxLat - minLat));
        const lon = round6(minLon + random() * (maxLon - minLon));
        if (inside(lat, lon)) return [lat, lon];
      }
    };
    // A few busy centres per 구 (stations, markets), each with its own spread.
    const centres = Array.from({ length: 6 + int(0, 4) }, () => ({ at: uniformPoint(), sigmaM: 250 + random() * 450 }));
    const polePoint = (): [number, number] => {
      if (random() < 0.35) return uniformPoint();
      const c = centres[int(0, centres.length - 1)]!;
      for (let tries = 0; tries < 50; tries++) {
        const lat = round6(c.at[0] + (gauss() * c.sigmaM) / 111_195);
        const lon = round6(c.at[1] + (gauss() * c.sigmaM) / 88_200);
        if (inside(lat, lon)) return [lat, lon];
      }
      return uniformPoint();
    };

    let made = 0;
    let pole = 0;
    while (made < quota) {
      pole++;
      const [lat, lon] = polePoint();
      const size = Math.min(pick(POLE_SIZE_WEIGHTS), quota - made);
      const category = pick(CATEGORY_WEIGHTS);
      const rotating = category === '재난재해' ? random() < 0.6 : category === '생활방범' ? random() < 0.08 : false;
      const base = random() * 360;
      const road = `${sido} ${d.name} 합성데이터로${int(1, 120)}길 ${int(1, 300)}`;
      const lot = `${sido} ${d.name} 합성동 ${int(1, 999)}-${int(1, 60)}`;
      const pixels = pick([['200', 0.7], ['500', 0.15], ['130', 0.1], ['41', 0.05]] as const);
      const installed = `${int(2008, 2024)}-${String(int(1, 12)).padStart(2, '0')}`;
      const retention = pick([['30', 0.85], ['14', 0.05], ['60', 0.1]] as const);
      for (let k = 0; k < size; k++) {
        made++;
        const facing = Math.round((base + (k * 360) / size + (random() - 0.5) * 20 + 360) % 360) % 360;
        const fov = rotating ? 360 : category === '교통단속' || category === '교통정보수집' ? int(40, 70) : int(60, 110);
        const view = rotating ? '[합성] 360도 회전형' : `[합성] ${DIRECTIONS[Math.round(facing / 45) % 8]} 방향`;
        rows.push([
          `${sido} ${d.name}청`,
          road,
          lot,
          category,
          '1',
          pixels,
          view,
          retention,
          installed,
          phone,
          lat.toFixed(6),
          lon.toFixed(6),
          dataDate,
          `SYN-${d.code}-${String(made).padStart(6, '0')}`,
          String(facing),
          String(fov)
        ]);
      }
    }
  }
  return rows;
}

/** The synthetic registry as CSV text (RFC 4180, CRLF). Write it as UTF-8, with a BOM for Excel if wanted. */
export function syntheticCsv(options: SyntheticOptions = {}): string {
  return formatCsv(syntheticRows(options));
}

/** Seoul's (the default): `syntheticRows` without a region. */
export const syntheticSeoulRows = (options: Omit<SyntheticOptions, 'region'> = {}): string[][] => syntheticRows(options);
export const syntheticSeoulCsv = (options: Omit<SyntheticOptions, 'region'> = {}): string => syntheticCsv(options);

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

