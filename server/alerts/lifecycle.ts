/**
 * The alarm's states and the changes people may make: 신규 → 확인 → 처리 중 → 종료. An alarm may
 * be taken straight to 처리 중 or closed from any open state; nothing leaves 종료. Pure.
 */
import type { AlarmStatus } from '../protocol/alerts.ts';
import { HubError } from '../protocol/errors.ts';

export type AlarmMove = 'acknowledged' | 'in_progress' | 'closed';

const ALLOWED: Readonly<Record<AlarmStatus, readonly AlarmMove[]>> = {
  new: ['acknowledged', 'in_progress', 'closed'],
  acknowledged: ['in_progress', 'closed'],
  in_progress: ['closed'],
  closed: []
};

/** The status after `move`, or ALARM_CLOSED / ALARM_INVALID_TRANSITION. */
export function transition(from: AlarmStatus, move: AlarmMove): AlarmMove {
  if (from === 'closed') throw new HubError('ALARM_CLOSED', '이미 종료된 경보입니다 (alarm closed)');
  if (!ALLOWED[from].includes(move)) throw new HubError('ALARM_INVALID_TRANSITION', `'${from}' 상태의 경보는 '${move}'(으)로 바꿀 수 없습니다 (cannot go from ${from} to ${move})`);
  return move;
}

/** Whether the alarm still waits for someone to take it (escalation, and the source's end closing it). */
export function unattended(status: AlarmStatus): boolean {
  return status === 'new';
}
