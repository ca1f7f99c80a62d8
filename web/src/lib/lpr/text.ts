/** The watchlist's words, Korean first (kept beside it so the shared dictionary stays small). */
const ko = {
  title: '수배차량',
  lead: '번호판 인식 카메라가 이 차량을 읽으면 관할 경찰과 112 상황실에 알리고 추적을 엽니다.',
  plate: '번호판',
  reason: '사유',
  expires: '만료',
  hours: '시간 후',
  addedBy: '등록',
  add: '등록',
  adding: '등록 중…',
  remove: '삭제',
  none: '등록된 수배차량이 없습니다.',
  supervisorOnly: '수배차량은 상황관리자가 등록·삭제합니다.',
  masked: '번호판은 권한에 따라 일부만 보입니다.'
};

const en: typeof ko = {
  title: 'Wanted vehicles',
  lead: 'When a plate-reading camera reads one of these, the police of the area and the 112 room are alerted and a pursuit opens.',
  plate: 'Plate',
  reason: 'Reason',
  expires: 'Expires',
  hours: 'hours from now',
  addedBy: 'Listed by',
  add: 'Add',
  adding: 'Adding…',
  remove: 'Remove',
  none: 'No wanted vehicles listed.',
  supervisorOnly: 'Supervisors add and remove wanted vehicles.',
  masked: 'Plates are partly hidden for your role.'
};

export const WATCHLIST_TEXT = { ko, en };

/** How long a new entry may be wanted for, in hours (the hub takes up to a year). */
export const EXPIRY_HOURS = [1, 6, 24, 72, 168] as const;
