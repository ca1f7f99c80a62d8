/**
 * The demo city: a few Seoul districts, the cameras the simulator feeds, and the agencies a
 * newcomer can sign in as. Real deployments load their registry and issuers from config.
 */
import type { DemoAgency } from '../auth/dev-issuer.ts';
import type { GrantSource } from '../auth/grant-policy.ts';
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
    grants: { types: ['범죄', '실종', '구조', '구급'], purposes: ['emergency-112', 'dispatch-112'], maxRadiusM: 500, jurisdiction: ['11680'], maxOpen: 3 },
    districts: ['11680'],
    description: '강남구 / Gangnam-gu only'
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
export const DEMO_GRANT_SOURCES: readonly GrantSource[] = [
  { name: 'cad-119', subject: 'cad-119', agencies: ['seoul-119'], types: ['화재', '구조', '구급', '재난'], purposes: ['dispatch-119', 'disaster'], maxRadiusM: 1000, jurisdiction: ['*'], maxOpen: 50 },
  { name: 'cad-112', subject: 'cad-112', agencies: ['seoul-112'], types: ['범죄', '실종', '구조', '구급'], purposes: ['dispatch-112', 'emergency-112'], maxRadiusM: 500, jurisdiction: ['*'], maxOpen: 50 }
];

type DistrictCode = keyof typeof DEMO_DISTRICTS;

const SITES: ReadonlyArray<[DistrictCode, string, string, string, number, number]> = [
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

/** Demo cameras, fed by `count` simulated RTSP cameras (`rtspUrl(i)` gives each one's URL). */
export function demoCameras(count: number, rtspUrl: (index: number) => string): RegistryCamera[] {
  const cameras: RegistryCamera[] = [];
  for (let i = 0; i < count; i++) {
    const site = SITES[i % SITES.length]!;
    const [code, name, nameEn, category, lat, lon] = site;
    const round = Math.floor(i / SITES.length);
    const district = DEMO_DISTRICTS[code];
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
