/**
 * The demo cities — Seoul (the default) and Gwangju (`GTH_REGION=gwangju`): their landmark
 * cameras the simulator feeds, the size of their synthetic registry, and the agencies a newcomer
 * can sign in as. Real deployments load their registry and issuers from config.
 */
import type { DemoAgency } from '../auth/dev-issuer.ts';
import type { GrantSource } from '../auth/grant-policy.ts';
import { GWANGJU_DISTRICTS, SEOUL_DISTRICTS } from '../geo/districts.ts';
import type { RegistryCamera } from './registry.ts';

export const DEMO_DISTRICTS = {
  '11680': { name: '강남구', nameEn: 'Gangnam-gu' },
  '11650': { name: '서초구', nameEn: 'Seocho-gu' },
  '11440': { name: '마포구', nameEn: 'Mapo-gu' },
  '11110': { name: '종로구', nameEn: 'Jongno-gu' }
} as const;

export const DEMO_AGENCIES: readonly DemoAgency[] = [
  {
    id: 'seoul-119',
    name: '서울종합방재센터 119상황실',
    nameEn: 'Seoul 119 Fire & Rescue Situation Room',
    role: 'operator',
    purposes: ['dispatch-119', 'disaster'],
    categories: {},
    districts: ['*'],
    description: '서울 전역 / city-wide'
  },
  {
    id: 'seoul-112',
    name: '서울경찰청 112치안종합상황실',
    nameEn: 'Seoul Police 112 Situation Room',
    role: 'operator',
    purposes: ['emergency-112', 'dispatch-112', 'vulnerable-person'],
    categories: {},
    lpr: { alerts: ['*'] },
    districts: ['*'],
    description: '서울 전역 / city-wide'
  },
  {
    id: 'gangnam-police',
    name: '강남경찰서',
    nameEn: 'Gangnam Police Station',
    role: 'operator',
    purposes: ['emergency-112', 'dispatch-112'],
    categories: {},
    // Scenes in its own 구; a grant reaches at most 500 m past them.
    grants: { types: ['범죄', '추적', '실종', '구조', '구급'], purposes: ['emergency-112', 'dispatch-112'], maxRadiusM: 500, jurisdiction: ['11680'], maxOpen: 3 },
    // A pursuit that starts in its 구 follows the target anywhere: the 8 predicted next cameras, 2 minutes ahead, 1.5 km either side.
    pursuits: { purposes: ['emergency-112', 'dispatch-112'], jurisdiction: ['11680'], maxCameras: 8, horizonS: 120, corridorWidthM: 1500, minProbability: 0.02, overlapMs: 10_000, ttlMs: 180_000, maxOpen: 3 },
    lpr: { alerts: ['11680'] },
    districts: ['11680'],
    description: '강남구 / Gangnam-gu only'
  },
  {
    id: 'seocho-cctv',
    name: '서초구 CCTV통합관제센터',
    nameEn: 'Seocho-gu CCTV Control Centre',
    role: 'operator',
    purposes: ['monitoring', 'emergency-112', 'disaster'],
    categories: {},
    // It operates 서초구's cameras: it sees, live, who views them under a grant or a pursuit.
    owns: ['11650'],
    districts: ['11650'],
    description: '서초구 / Seocho-gu only'
  },
  {
    id: 'mapo-cctv',
    name: '마포구 CCTV통합관제센터',
    nameEn: 'Mapo-gu CCTV Control Centre',
    role: 'operator',
    purposes: ['monitoring', 'emergency-112', 'disaster'],
    categories: {},
    // It operates 마포구's cameras: its grants page shows who else holds grants over them.
    owns: ['11440'],
    districts: ['11440'],
    description: '마포구 / Mapo-gu only'
  },
  {
    id: 'seoul-disaster',
    name: '서울시 재난안전상황실',
    nameEn: 'Seoul Disaster Safety Situation Room',
    role: 'operator',
    purposes: ['disaster'],
    // Everything marked for disasters, city-wide.
    categories: { include: ['재난재해'] },
    districts: ['*'],
    description: '재난재해 카메라 전역 / disaster cameras city-wide'
  },
  {
    id: 'seoul-welfare',
    name: '서울시 사회복지 긴급지원팀',
    nameEn: 'Seoul Social-Welfare Emergency Team',
    role: 'operator',
    purposes: ['vulnerable-person'],
    categories: {},
    // Missing persons anywhere in the city, 500 m at most, two at a time, each approved by a supervisor.
    grants: { types: ['실종'], purposes: ['vulnerable-person'], maxRadiusM: 500, jurisdiction: ['*'], maxOpen: 2 },
    // Nothing by default: only what an approved incident grant opens.
    districts: [],
    description: '사건 권한으로만 / incident grants only'
  },
  {
    id: 'seoul-audit',
    name: '서울시 영상정보 감사관',
    nameEn: 'Seoul CCTV Auditor',
    role: 'auditor',
    purposes: ['audit'],
    categories: { include: [] },
    districts: [],
    description: '열람 기록 감사 / audit trail only'
  }
];

/**
 * The demo's trusted sources: each room's CAD system (a token with subject `cad-119` / `cad-112`)
 * mints grants at once, for a real call's scene, within these rules. The city-wide rooms' own
 * operators need none: their scope already holds every camera.
 */
function cadSources(fire: string, police: string): readonly GrantSource[] {
  return [
    { name: 'cad-119', subject: 'cad-119', agencies: [fire], types: ['화재', '구조', '구급', '재난'], purposes: ['dispatch-119', 'disaster'], maxRadiusM: 1000, jurisdiction: ['*'], maxOpen: 50 },
    { name: 'cad-112', subject: 'cad-112', agencies: [police], types: ['범죄', '추적', '실종', '구조', '구급'], purposes: ['dispatch-112', 'emergency-112'], maxRadiusM: 500, jurisdiction: ['*'], maxOpen: 50 }
  ];
}

/** A landmark: 시군구 code, name, English name, 설치목적구분, lat, lon. */
type Site = readonly [code: string, name: string, nameEn: string, category: string, lat: number, lon: number];

const SEOUL_SITES: readonly Site[] = [
  ['11680', '강남역 사거리', 'Gangnam Stn. crossing', '교통단속', 37.4979, 127.0276],
  ['11680', '테헤란로 역삼역', 'Teheran-ro, Yeoksam Stn.', '생활방범', 37.5006, 127.0364],
  ['11680', '선릉역 교차로', 'Seolleung Stn. junction', '교통단속', 37.5045, 127.0489],
  ['11680', '대치동 초등학교 앞', 'Daechi-dong school zone', '어린이보호', 37.4946, 127.0634],
  ['11650', '서초역 교차로', 'Seocho Stn. junction', '교통단속', 37.4919, 127.0076],
  ['11650', '반포한강공원', 'Banpo Hangang Park', '재난재해', 37.5109, 126.9959],
  ['11650', '양재역 사거리', 'Yangjae Stn. crossing', '교통단속', 37.4846, 127.0342],
  ['11650', '방배동 주택가', 'Bangbae-dong residential', '생활방범', 37.4813, 126.9975],
  ['11440', '홍대입구역', 'Hongik Univ. Stn.', '생활방범', 37.5572, 126.9245],
  ['11440', '합정역 교차로', 'Hapjeong Stn. junction', '교통단속', 37.5495, 126.9139],
  ['11440', '망원한강공원', 'Mangwon Hangang Park', '재난재해', 37.5551, 126.8957],
  ['11440', '공덕역 오거리', 'Gongdeok Stn. five-way', '교통단속', 37.5443, 126.9516],
  ['11110', '광화문광장', 'Gwanghwamun Square', '생활방범', 37.5725, 126.9769],
  ['11110', '종각역 사거리', 'Jonggak Stn. crossing', '교통단속', 37.5702, 126.9831],
  ['11110', '혜화동 로터리', 'Hyehwa rotary', '교통단속', 37.5862, 127.0018],
  ['11110', '청운초등학교 앞', 'Cheongun school zone', '어린이보호', 37.5869, 126.9677]
];

const GWANGJU_SITES: readonly Site[] = [
  ['29110', '5·18민주광장', '5·18 Democracy Square', '생활방범', 35.1466, 126.9197],
  ['29140', '광주광역시청 앞', 'Gwangju City Hall', '생활방범', 35.1601, 126.8514],
  ['29200', '광주송정역', 'Gwangju Songjeong Stn.', '교통단속', 35.1376, 126.7904],
  ['29170', '광주역 광장', 'Gwangju Stn. square', '교통단속', 35.1652, 126.9092],
  ['29155', '양림동 골목', 'Yangnim-dong lanes', '생활방범', 35.138, 126.914],
  ['29110', '충장로 입구', 'Chungjang-ro entrance', '생활방범', 35.149, 126.9145],
  ['29140', '상무지구 교차로', 'Sangmu district junction', '교통단속', 35.153, 126.848],
  ['29200', '수완지구 사거리', 'Suwan district crossing', '교통단속', 35.19, 126.822],
  ['29170', '전남대 정문', 'Chonnam Natl. Univ. main gate', '생활방범', 35.1728, 126.9112],
  ['29155', '봉선동 학원가', 'Bongseon-dong school zone', '어린이보호', 35.123, 126.915],
  ['29140', '풍암호수공원', 'Pungam Lake Park', '재난재해', 35.126, 126.88],
  ['29110', '증심사 입구', 'Jeungsimsa entrance (Mudeungsan)', '재난재해', 35.129, 126.97],
  ['29140', '유스퀘어 터미널', 'U-Square bus terminal', '교통단속', 35.1605, 126.8795],
  ['29200', '첨단지구 초등학교 앞', 'Cheomdan school zone', '어린이보호', 35.2205, 126.844],
  ['29155', '백운광장', 'Baegun Square', '교통단속', 35.133, 126.902],
  ['29110', '조선대 정문', 'Chosun Univ. main gate', '생활방범', 35.141, 126.929]
];

const GWANGJU_AGENCIES: readonly DemoAgency[] = [
  {
    id: 'gwangju-119',
    name: '광주소방안전본부 119종합상황실',
    nameEn: 'Gwangju 119 Fire & Rescue Situation Room',
    role: 'operator',
    purposes: ['dispatch-119', 'disaster'],
    categories: {},
    districts: ['*'],
    description: '광주 전역 / city-wide'
  },
  {
    id: 'gwangju-112',
    name: '광주경찰청 112치안종합상황실',
    nameEn: 'Gwangju Police 112 Situation Room',
    role: 'operator',
    purposes: ['emergency-112', 'dispatch-112', 'vulnerable-person'],
    categories: {},
    lpr: { alerts: ['*'] },
    districts: ['*'],
    description: '광주 전역 / city-wide'
  },
  {
    id: 'gwangju-seobu-police',
    name: '광주서부경찰서',
    nameEn: 'Gwangju Seobu Police Station',
    role: 'operator',
    purposes: ['emergency-112', 'dispatch-112'],
    categories: {},
    grants: { types: ['범죄', '추적', '실종', '구조', '구급'], purposes: ['emergency-112', 'dispatch-112'], maxRadiusM: 500, jurisdiction: ['29140'], maxOpen: 3 },
    lpr: { alerts: ['29140'] },
    districts: ['29140'],
    description: '서구 / Seo-gu only'
  },
  {
    id: 'gwangsan-cctv',
    name: '광산구 CCTV통합관제센터',
    nameEn: 'Gwangsan-gu CCTV Control Centre',
    role: 'operator',
    purposes: ['monitoring', 'emergency-112', 'disaster'],
    categories: {},
    // It operates 광산구's cameras: its grants page shows who else holds grants over them.
    owns: ['29200'],
    districts: ['29200'],
    description: '광산구 / Gwangsan-gu only'
  },
  {
    id: 'gwangju-disaster',
    name: '광주광역시 재난안전상황실',
    nameEn: 'Gwangju Disaster Safety Situation Room',
    role: 'operator',
    purposes: ['disaster'],
    categories: { include: ['재난재해'] },
    districts: ['*'],
    description: '재난재해 카메라 전역 / disaster cameras city-wide'
  },
  {
    id: 'gwangju-audit',
    name: '광주광역시 영상정보 감사관',
    nameEn: 'Gwangju CCTV Auditor',
    role: 'auditor',
    purposes: ['audit'],
    categories: { include: [] },
    districts: [],
    description: '열람 기록 감사 / audit trail only'
  }
];

/** A demo pursuit's drive: from, to, and the plate-reading cameras on its way (lat, lon, 구). */
export interface LprDemoRoute {
  from: { name: string; lat: number; lon: number };
  to: { name: string; lat: number; lon: number };
  sites: ReadonlyArray<readonly [lat: number, lon: number, code: string]>;
}

/**
 * 선릉역 (강남구) → 방배동 (서초구): 7.0 km, ≈6 min on the synthetic network's trunk and primary
 * roads. The synthetic registry places cameras without regard to roads, so few 교통단속 cameras
 * stand within 25 m of one (one in the 2.4 km from 강남역 to 서초역): too few for a pursuit. These
 * stand every 500 m on this drive's fastest route (5 in 강남구, 8 in 서초구);
 * server/lpr/sim/vehicle.test.ts checks they stay on it.
 */
const SEOUL_LPR_ROUTE: LprDemoRoute = {
  from: { name: '선릉역', lat: 37.5045, lon: 127.0489 },
  to: { name: '방배동', lat: 37.4813, lon: 126.9975 },
  sites: [
    [37.501967, 127.047671, '11680'], [37.499002, 127.045582, '11680'], [37.49907, 127.039914, '11680'], [37.499096, 127.034247, '11680'],
    [37.499085, 127.028579, '11680'], [37.499042, 127.022912, '11650'], [37.498955, 127.017245, '11650'], [37.49884, 127.011579, '11650'],
    [37.498684, 127.005915, '11650'], [37.496768, 127.002419, '11650'], [37.492279, 127.002117, '11650'], [37.487791, 127.001769, '11650'],
    [37.483302, 127.001429, '11650']
  ]
};

/** A demo city: what `GTH_REGION=<id>` starts in development. */
export interface DemoCity {
  id: 'seoul' | 'gwangju';
  name: string;
  /** Its 시도 code. */
  sido: string;
  agencies: readonly DemoAgency[];
  /** Its trusted grant sources (the rooms' CAD systems). */
  grantSources: readonly GrantSource[];
  sites: readonly Site[];
  /** Synthetic cameras by default (of the order of the city's public CCTV count). */
  syntheticCameras: number;
  /** The vehicle simulator's demo drive and the plate-reading cameras along it. */
  lprRoute?: LprDemoRoute;
}

export const DEMO_CITIES: Readonly<Record<DemoCity['id'], DemoCity>> = {
  seoul: { id: 'seoul', name: '서울특별시', sido: '11', agencies: DEMO_AGENCIES, grantSources: cadSources('seoul-119', 'seoul-112'), sites: SEOUL_SITES, syntheticCameras: 68_000, lprRoute: SEOUL_LPR_ROUTE },
  gwangju: { id: 'gwangju', name: '광주광역시', sido: '29', agencies: GWANGJU_AGENCIES, grantSources: cadSources('gwangju-119', 'gwangju-112'), sites: GWANGJU_SITES, syntheticCameras: 10_000 }
};

const OFFICIAL: Readonly<Record<string, { name: string; nameEn: string }>> = { ...SEOUL_DISTRICTS, ...GWANGJU_DISTRICTS };

/** Every demo city's agencies (for tools that sign as any of them). */
export const ALL_DEMO_AGENCIES: readonly DemoAgency[] = Object.values(DEMO_CITIES).flatMap((c) => c.agencies);

/** Demo cameras, fed by `count` simulated RTSP cameras (`rtspUrl(i)` gives each one's URL). */
export function demoCameras(count: number, rtspUrl: (index: number) => string, city: DemoCity = DEMO_CITIES.seoul): RegistryCamera[] {
  const cameras: RegistryCamera[] = [];
  for (let i = 0; i < count; i++) {
    const [code, name, nameEn, category, lat, lon] = city.sites[i % city.sites.length]!;
    const round = Math.floor(i / city.sites.length);
    const district = OFFICIAL[code]!;
    cameras.push({
      id: `cam-${code}-${String(i + 1).padStart(3, '0')}`,
      name: round ? `${name} ${round + 1}` : name,
      nameEn: round ? `${nameEn} ${round + 1}` : nameEn,
      district: { code, name: district.name, nameEn: district.nameEn },
      category,
      location: { lat, lon },
      source: rtspUrl(i)
    });
  }
  return cameras;
}

/** The plate-reading (교통단속) cameras of the city's demo drive, `lpr-<구>-NN`; sources are the caller's. */
export function demoLprCameras(city: DemoCity): Array<Omit<RegistryCamera, 'source'>> {
  return (city.lprRoute?.sites ?? []).map(([lat, lon, code], i) => {
    const district = OFFICIAL[code]!;
    const n = String(i + 1).padStart(2, '0');
    return {
      id: `lpr-${code}-${n}`,
      name: `${district.name} 번호판인식 ${n}`,
      nameEn: `${district.nameEn} LPR ${n}`,
      district: { code, name: district.name, nameEn: district.nameEn },
      category: '교통단속',
      location: { lat, lon }
    };
  });
}
