/** A shared view as a participant receives it, and its ops, for the manager's unit tests. */
import assert from 'node:assert/strict';
import { openView } from '$protocol/shared-view-fold.ts';
import type { CameraInfo } from '$protocol/events.ts';
import type { UserRef, ViewSnapshot, WireEnvelope, WireOp } from '$protocol/shared-view.ts';
import { RESYNC, type Synced } from './sync.ts';

export const OWNER: UserRef = { subject: 'kim', agency: 'seoul-disaster', name: '김 상황관리' };
export const FIRE: UserRef = { subject: 'lee', agency: 'seoul-119', name: '이 근무자' };

export const camera = (id: string): CameraInfo => ({
  id,
  name: id,
  nameEn: id,
  district: { code: '11680', name: '강남구', nameEn: 'Gangnam-gu' },
  category: '재난재해',
  location: { lat: 37.5, lon: 127 },
  state: 'idle'
});

export function opened(viewId = 'view-1'): ViewSnapshot {
  return openView(viewId, {
    version: 1,
    at: 1_000,
    by: OWNER,
    op: { type: 'open', title: '태풍 대응', incidentId: null, owner: OWNER, invited: { agencies: ['seoul-119', 'seoul-welfare'], users: [] } }
  });
}

/** Envelopes numbered from `from`, one per op, by `by`. */
export function envelopes(from: number, ops: WireOp[], by: UserRef = OWNER): WireEnvelope[] {
  return ops.map((op, i) => ({ version: from + i, at: 1_000 + from + i, by, op }));
}

/** The state, asserting the copy stayed in step (no resync asked). */
export function inStep(value: Synced): ViewSnapshot {
  assert.notEqual(value, RESYNC);
  return value as ViewSnapshot;
}
