import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GrantRecord, GrantsOverview, GrantView } from '$protocol/grants.ts';
import type { Incident } from '$protocol/incidents.ts';
import { applyGrantChange } from './merge.ts';

const incident: Incident = {
  id: 'inc-1', type: '실종', location: { lat: 37.55, lon: 126.92 }, address: null, description: null, externalRef: null,
  agency: 'seoul-welfare', openedBy: 'u', purpose: 'vulnerable-person', status: 'open', openedAt: 0, closedAt: null
};
const view = (id: string, status: GrantRecord['status'], expiresAt: number | null = null): GrantView => ({
  grant: { id, incidentId: 'inc-1', agency: 'seoul-welfare', center: incident.location, radiusM: 200, status, source: 'agency', requestedBy: 'u', requestedAt: 0, decidedBy: null, decidedAt: null, expiresAt, endedAt: null, endReason: null },
  incident,
  agencyName: '복지팀'
});
const empty: GrantsOverview = { owns: [{ code: '11440', name: '마포구', nameEn: 'Mapo-gu' }], overOwnCameras: [], pending: [], held: [], canDecide: true };
const ids = (list: GrantView[]) => list.map((v) => v.grant.id);

test('an own grant moves from pending to held when approved, and leaves when it ends', () => {
  let o = applyGrantChange(empty, { change: 'requested', list: 'own', view: view('g1', 'pending') });
  assert.deepEqual([ids(o.pending), ids(o.held)], [['g1'], []]);
  o = applyGrantChange(o, { change: 'approved', list: 'own', view: view('g1', 'active', 9000) });
  assert.deepEqual([ids(o.pending), ids(o.held)], [[], ['g1']]);
  o = applyGrantChange(o, { change: 'ended', list: 'own', view: view('g1', 'ended', 9000) });
  assert.deepEqual([ids(o.pending), ids(o.held)], [[], []]);
});

test('a control centre’s list holds the grants in force over its cameras, soonest to expire first', () => {
  let o = applyGrantChange(empty, { change: 'approved', list: 'overOwnCameras', view: view('late', 'active', 9000) });
  o = applyGrantChange(o, { change: 'issued', list: 'overOwnCameras', view: view('soon', 'active', 5000) });
  assert.deepEqual(ids(o.overOwnCameras), ['soon', 'late']);
  o = applyGrantChange(o, { change: 'renewed', list: 'overOwnCameras', view: view('soon', 'active', 12000) });
  assert.deepEqual(ids(o.overOwnCameras), ['late', 'soon'], 'renewed: its new expiry orders it');
  o = applyGrantChange(o, { change: 'ended', list: 'overOwnCameras', view: view('late', 'ended', 9000) });
  assert.deepEqual(ids(o.overOwnCameras), ['soon']);
  assert.deepEqual([o.pending, o.held], [[], []], 'the agency’s own lists are untouched');
});
