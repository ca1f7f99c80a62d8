/** The alarms' words, Korean first (kept beside the alarms so the shared dictionary stays small). */
import type { AlarmAction, AlarmKind, AlarmLevel, AlarmStatus, CloseReason, SosCategory } from '$protocol/alerts.ts';

const ko = {
  queue: '경보',
  queueTitle: '경보 대기열',
  none: '받은 경보가 없습니다',
  mute: '경보음 끄기',
  unmute: '경보음 켜기',
  soundBlocked: '화면을 한 번 클릭하면 경보음이 켜집니다',
  acknowledge: '확인',
  open: '열기',
  ackOpen: '확인 후 열기',
  start: '처리 시작',
  close: '종료',
  closeAs: '종료 사유',
  comment: '메모',
  addComment: '메모 추가',
  history: '처리 기록',
  source: '발생원',
  position: '위치',
  level: '단계',
  priority: '우선순위',
  escalatesAt: '미확인 시 상향',
  escalated: '상향됨',
  recipients: '수신 기관',
  guardian: '보호자 연락처',
  guardianMasked: '보호자 연락처 (비공개)',
  cameras: '관련 카메라',
  panel: '경보 상황',
  follow: '이동 추적 중',
  fixes: '위치 수신',
  devTrigger: '경보 시나리오 (개발용)',
  devStarted: '시나리오 시작',
  hub: '허브',
  seconds: '초',
  handoffs: '화면 전환',
  showHide: '경보 대기열 열기/닫기'
};

const en: typeof ko = {
  queue: 'Alarms',
  queueTitle: 'Alarm queue',
  none: 'No alarms received',
  mute: 'Mute alarm sound',
  unmute: 'Unmute alarm sound',
  soundBlocked: 'Click anywhere once to enable the alarm sound',
  acknowledge: 'Acknowledge',
  open: 'Open',
  ackOpen: 'Acknowledge & open',
  start: 'Start handling',
  close: 'Close',
  closeAs: 'Close reason',
  comment: 'Comment',
  addComment: 'Add comment',
  history: 'History',
  source: 'Source',
  position: 'Position',
  level: 'Level',
  priority: 'Priority',
  escalatesAt: 'Escalates if unacknowledged',
  escalated: 'Escalated',
  recipients: 'Recipients',
  guardian: 'Guardian contact',
  guardianMasked: 'Guardian contact (withheld)',
  cameras: 'Cameras',
  panel: 'Alarm',
  follow: 'Following the walk',
  fixes: 'Fixes',
  devTrigger: 'Alarm scenarios (development)',
  devStarted: 'Scenario started',
  hub: 'hub',
  seconds: 's',
  handoffs: 'Hand-offs',
  showHide: 'Show/hide the alarm queue'
};

export const ALERT_TEXT = { ko, en };

export const KIND_TEXT: Readonly<Record<AlarmKind, { ko: string; en: string }>> = {
  crowd: { ko: '군중밀집', en: 'Crowding' },
  water: { ko: '지하차도 침수', en: 'Underpass water' },
  fire: { ko: '화재', en: 'Fire' },
  bell: { ko: '비상벨', en: 'Emergency bell' },
  sos: { ko: '사회적약자 SOS', en: 'Vulnerable-person SOS' },
  tag: { ko: '전자발찌 위반', en: 'Electronic tag violation' }
};

export const STATUS_TEXT: Readonly<Record<AlarmStatus, { ko: string; en: string }>> = {
  new: { ko: '신규', en: 'New' },
  acknowledged: { ko: '확인', en: 'Acknowledged' },
  in_progress: { ko: '처리 중', en: 'In progress' },
  closed: { ko: '종료', en: 'Closed' }
};

export const LEVEL_EN: Readonly<Record<AlarmLevel, string>> = { 주의: 'Caution', 경계: 'Alert', 심각: 'Severe' };

export const CLOSE_TEXT: Readonly<Record<CloseReason, { ko: string; en: string }>> = {
  found: { ko: '발견', en: 'Found' },
  resolved: { ko: '조치완료', en: 'Resolved' },
  false_alarm: { ko: '오경보', en: 'False alarm' },
  source_ended: { ko: '발생원 종료', en: 'Ended by source' }
};

export const ACTION_TEXT: Readonly<Record<AlarmAction, { ko: string; en: string }>> = {
  raised: { ko: '발생', en: 'Raised' },
  updated: { ko: '갱신', en: 'Updated' },
  acknowledged: { ko: '확인', en: 'Acknowledged' },
  in_progress: { ko: '처리 시작', en: 'Handling started' },
  closed: { ko: '종료', en: 'Closed' },
  comment: { ko: '메모', en: 'Comment' },
  escalated: { ko: '상향', en: 'Escalated' },
  source_ended: { ko: '발생원 종료', en: 'Source ended' }
};

export const SOS_EN: Readonly<Record<SosCategory, string>> = { 아동: 'Child', 치매: 'Dementia', 장애: 'Disability' };

type Pair = { ko: string; en: string };
export const say = (pair: Pair, english: boolean): string => (english ? pair.en : pair.ko);
