/** The pursuit's words, Korean first (kept beside the pursuit so the shared dictionary stays small). */
const ko = {
  pursuit: '추적',
  follow: '추적 모드',
  followOn: '추적 모드 켜짐',
  followOff: '추적 모드 꺼짐',
  followHint: '화면이 예측 카메라로 스스로 넘어갑니다 (고정한 화면과 마지막 목격 화면은 그대로).',
  start: '추적 시작',
  sight: '목격',
  sightTitle: '이 카메라에서 지금 목격: 예측을 여기서 다시 시작',
  sighting: '목격 기록 중…',
  lastSeen: '마지막 목격',
  direction: '진행 방향',
  directionUnknown: '모름',
  target: '대상',
  vehicle: '차량',
  person: '사람',
  plate: '번호판',
  colour: '색상',
  vehicleType: '차종',
  description: '인상착의',
  track: '이동 경로',
  lpr: '번호판 인식',
  predicted: '예측 카메라',
  predictedShort: '예측',
  predictedNote: '도착까지 남은 시간',
  noPrediction: '예측 없음',
  lost: '대상 놓침',
  ago: '전',
  passed: '지남',
  grant: '추적 권한',
  grantCameras: '대',
  until: '까지',
  close: '추적 종료',
  closing: '종료 중…',
  closed: '종료된 추적',
  scenario: '추적 시나리오 시작 (개발용)',
  scenarioRunning: '시나리오 진행 중',
  scenarioPlate: '수배 차량',
  scenarioSpeed: '시나리오 차량 속도 (도로 속도의 배수)',
  noticeTitle: '추적 열람',
  noticeCameras: '열람 중인 우리 카메라',
  notOpen: '진행 중인 추적이 없습니다. 타일의 “목격” 버튼으로 추적을 시작합니다.',
  seconds: '초'
};

const en: typeof ko = {
  pursuit: 'Pursuit',
  follow: 'Follow mode',
  followOn: 'Follow mode on',
  followOff: 'Follow mode off',
  followHint: 'Tiles hand off to the predicted cameras by themselves (pinned tiles and the last sighting stay).',
  start: 'Start pursuit',
  sight: 'Seen',
  sightTitle: 'Seen at this camera now: re-anchor the prediction here',
  sighting: 'Recording sighting…',
  lastSeen: 'Last seen',
  direction: 'Direction',
  directionUnknown: 'unknown',
  target: 'Target',
  vehicle: 'Vehicle',
  person: 'Person',
  plate: 'Plate',
  colour: 'Colour',
  vehicleType: 'Type',
  description: 'Description',
  track: 'Track',
  lpr: 'LPR',
  predicted: 'Predicted cameras',
  predictedShort: 'Next',
  predictedNote: 'time to arrival, from now',
  noPrediction: 'no prediction',
  lost: 'Target lost',
  ago: 'ago',
  passed: 'passed',
  grant: 'Pursuit grant',
  grantCameras: 'cameras',
  until: 'until',
  close: 'End pursuit',
  closing: 'Ending…',
  closed: 'Pursuit ended',
  scenario: 'Start pursuit scenario (development)',
  scenarioRunning: 'Scenario running',
  scenarioPlate: 'Wanted vehicle',
  scenarioSpeed: 'Scenario vehicle speed (times road speed)',
  noticeTitle: 'Pursuit views',
  noticeCameras: 'Our cameras viewed',
  notOpen: 'No pursuit open. Press “Seen” on a tile to start one.',
  seconds: 's'
};

export const PURSUIT_TEXT = { ko, en };

/** An arrival window, e.g. "20–45초" / "20–45 s"; minutes from two minutes on ("2–4분"). */
export function formatWindow(minS: number, maxS: number, english: boolean): string {
  const lo = Math.max(0, minS);
  const hi = Math.max(lo, maxS);
  if (hi < 120) return english ? `${Math.round(lo)}–${Math.round(hi)} s` : `${Math.round(lo)}–${Math.round(hi)}초`;
  const a = Math.floor(lo / 60);
  const b = Math.max(a, Math.ceil(hi / 60));
  return english ? `${a}–${b} min` : `${a}–${b}분`;
}

/** How long ago, e.g. "40초" / "3분" ("40 s" / "3 min"): seconds under two minutes, whole minutes on. */
export function formatAge(ms: number, english: boolean): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return english ? `${s} s` : `${s}초`;
  const m = Math.floor(s / 60);
  return english ? `${m} min` : `${m}분`;
}

/** A compass word for a heading: 북/북동/… (N/NE/…). */
export function compass(headingDeg: number, english: boolean): string {
  const names = english ? ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] : ['북', '북동', '동', '남동', '남', '남서', '서', '북서'];
  return names[Math.round((((headingDeg % 360) + 360) % 360) / 45) % 8]!;
}

/** A time of day in Seoul, with seconds (a chase is counted in seconds). */
export function clockTime(ms: number, english: boolean): string {
  return new Date(ms).toLocaleTimeString(english ? 'en-GB' : 'ko-KR', { timeZone: 'Asia/Seoul', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}
