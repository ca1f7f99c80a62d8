/**
 * The demo cities' alert routing, underpass sites and simulator places (development only; a
 * deployment configures `alerts.routes` and `alerts.waterSites`). Seoul: fire → 119 + 재난상황실;
 * crowd 주의 → 재난상황실, 경계 → + 112, 심각 → + 119 (all at priority 1); underpass water likewise;
 * bell → 112 + the 구's control centre (강남 → 강남경찰서, 마포 → 마포구 관제센터, 서초 → 서초구
 * 관제센터); SOS → 112 + 사회복지 긴급지원팀; electronic tag → 112 only. Gwangju the same with its
 * agencies (it has no welfare team: SOS goes to 112).
 */
import type { AlarmKind } from '../protocol/alerts.ts';
import { alertRouteSchema, type AlertRouteInput, type AlertsConfig, type WaterSite } from './config.ts';

export interface DemoAlerts {
  routes: AlertRouteInput[];
  waterSites: WaterSite[];
  /** Where each simulator runs: a point (an SOS/tag: its walk, first to last). */
  places: Record<AlarmKind, Array<{ lat: number; lon: number }>>;
}

/** Unacknowledged this long, an alarm goes to the recipients' supervisors. */
const ESCALATE_S = { bell: 30, sos: 60, other: 120 } as const;

function cityRoutes(a: { fire: string; police: string; disaster: string; welfare?: string; bellCentres: Record<string, string> }): AlertRouteInput[] {
  const supervisor = (afterS: number) => ({ escalateAfterS: afterS, escalateTo: 'supervisor' });
  return [
    { kinds: ['fire'], to: [{ agency: a.fire, priority: 1 }, { agency: a.disaster, priority: 2 }], ...supervisor(ESCALATE_S.other) },
    { kinds: ['crowd', 'water'], minLevel: '주의', to: [{ agency: a.disaster, priority: 3 }] },
    { kinds: ['crowd', 'water'], minLevel: '경계', to: [{ agency: a.disaster, priority: 2 }, { agency: a.police, priority: 2 }], ...supervisor(ESCALATE_S.other) },
    { kinds: ['crowd', 'water'], minLevel: '심각', to: [{ agency: a.disaster, priority: 1 }, { agency: a.police, priority: 1 }, { agency: a.fire, priority: 1 }] },
    { kinds: ['bell'], to: [{ agency: a.police, priority: 1 }], ...supervisor(ESCALATE_S.bell) },
    ...Object.entries(a.bellCentres).map(([district, agency]): AlertRouteInput => ({ kinds: ['bell'], districts: [district], to: [{ agency, priority: 1 }] })),
    { kinds: ['sos'], to: [{ agency: a.police, priority: 1 }, ...(a.welfare ? [{ agency: a.welfare, priority: 1 }] : [])], ...supervisor(ESCALATE_S.sos) },
    { kinds: ['tag'], to: [{ agency: a.police, priority: 1 }] }
  ];
}

/** A walk from `from` to `to` in `n` fixes. */
function walk(from: { lat: number; lon: number }, to: { lat: number; lon: number }, n: number): Array<{ lat: number; lon: number }> {
  return Array.from({ length: n }, (_, i) => ({ lat: from.lat + ((to.lat - from.lat) * i) / (n - 1), lon: from.lon + ((to.lon - from.lon) * i) / (n - 1) }));
}

export const DEMO_ALERTS: Readonly<Record<'seoul' | 'gwangju', DemoAlerts>> = {
  seoul: {
    routes: cityRoutes({ fire: 'seoul-119', police: 'seoul-112', disaster: 'seoul-disaster', welfare: 'seoul-welfare', bellCentres: { '11680': 'gangnam-police', '11440': 'mapo-cctv', '11650': 'seocho-cctv' } }),
    waterSites: [{ id: 'seocho-gangnamdaero-underpass', name: '강남대로 지하차도 (서초구)', lat: 37.4979, lon: 127.0276, thresholdsCm: { 주의: 10, 경계: 20, 심각: 30 } }],
    places: {
      // 역삼역 부근 (강남구).
      bell: [{ lat: 37.499, lon: 127.033 }],
      // 홍대입구 (마포구).
      crowd: [{ lat: 37.5563, lon: 126.9236 }],
      water: [{ lat: 37.4979, lon: 127.0276 }],
      // 종로구.
      fire: [{ lat: 37.5704, lon: 126.992 }],
      // 경의선숲길, 연남동 → 공덕 (마포구).
      sos: walk({ lat: 37.566, lon: 126.923 }, { lat: 37.545, lon: 126.95 }, 12),
      tag: walk({ lat: 37.501, lon: 127.04 }, { lat: 37.505, lon: 127.048 }, 6)
    }
  },
  gwangju: {
    routes: cityRoutes({ fire: 'gwangju-119', police: 'gwangju-112', disaster: 'gwangju-disaster', bellCentres: { '29140': 'gwangju-seobu-police', '29200': 'gwangsan-cctv' } }),
    waterSites: [{ id: 'gwangju-seogu-underpass', name: '상무 지하차도 (서구)', lat: 35.1595, lon: 126.8526, thresholdsCm: { 주의: 15, 경계: 30, 심각: 50 } }],
    places: {
      bell: [{ lat: 35.152, lon: 126.89 }],
      // 충장로 (동구).
      crowd: [{ lat: 35.1467, lon: 126.917 }],
      water: [{ lat: 35.1595, lon: 126.8526 }],
      fire: [{ lat: 35.16, lon: 126.851 }],
      // 중외공원 (북구).
      sos: walk({ lat: 35.182, lon: 126.887 }, { lat: 35.176, lon: 126.896 }, 12),
      tag: walk({ lat: 35.153, lon: 126.888 }, { lat: 35.156, lon: 126.894 }, 6)
    }
  }
};

/** The configured alerts with a demo city's routes and sites added (development); configured sites win on the same id. */
export function withDemoAlerts(config: AlertsConfig, demo: DemoAlerts | undefined): AlertsConfig {
  if (!demo) return config;
  const sites = new Set(config.waterSites.map((site) => site.id));
  return {
    ...config,
    routes: [...alertRouteSchema.array().parse(demo.routes), ...config.routes],
    waterSites: [...config.waterSites, ...demo.waterSites.filter((site) => !sites.has(site.id))]
  };
}
