import assert from 'node:assert/strict';
import { test } from 'node:test';
import { landingFor, signInPath } from './landing.ts';

test('operators land on the monitor, keeping a monitor deep link', () => {
  assert.equal(landingFor('operator', null), '/monitor');
  assert.equal(landingFor('operator', '/monitor?layout=4&cams=a,b'), '/monitor?layout=4&cams=a,b');
  assert.equal(landingFor('supervisor', '/audit?cameraId=a'), '/monitor');
});

test('operators and supervisors may also come back to the incident board or the grants page', () => {
  assert.equal(landingFor('operator', '/incident?id=inc-1'), '/incident?id=inc-1');
  assert.equal(landingFor('supervisor', '/grants'), '/grants');
  assert.equal(landingFor('auditor', '/grants'), '/audit');
  assert.equal(landingFor('operator', '/grantsx'), '/monitor');
});

test('a shared view link brings an operator back to that view', () => {
  assert.equal(landingFor('operator', '/share/view-0b6f4a36-6c1f-4f43-9a55-3f2f0d2b7e11'), '/share/view-0b6f4a36-6c1f-4f43-9a55-3f2f0d2b7e11');
  assert.equal(landingFor('operator', '/share?incident=inc-1'), '/share?incident=inc-1');
  assert.equal(landingFor('auditor', '/share/view-0b6f4a36-6c1f-4f43-9a55-3f2f0d2b7e11'), '/audit');
  assert.equal(landingFor('operator', '/sharex'), '/monitor');
});

test('auditors land on the audit page, keeping an audit deep link', () => {
  assert.equal(landingFor('auditor', '/monitor?layout=4'), '/audit');
  assert.equal(landingFor('auditor', '/audit?cameraId=cam-1'), '/audit?cameraId=cam-1');
});

test('a link elsewhere is not followed', () => {
  assert.equal(landingFor(null, 'https://example.com/monitor'), '/monitor');
  assert.equal(landingFor('operator', '/monitorx'), '/monitor');
  assert.equal(landingFor('operator', '//evil/monitor'), '/monitor');
});

test('the way to sign in keeps the page asked for, query and all', () => {
  assert.equal(signInPath({ pathname: '/incident', search: '?id=inc-1' }), '/?next=%2Fincident%3Fid%3Dinc-1');
  assert.equal(signInPath({ pathname: '/monitor', search: '?layout=4&cams=a,b' }), '/?next=%2Fmonitor%3Flayout%3D4%26cams%3Da%2Cb');
  assert.equal(signInPath({ pathname: '/audit', search: '' }), '/?next=%2Faudit');
});

test('a person sent to sign in comes back to the page and query they asked for', () => {
  const next = new URL(signInPath({ pathname: '/monitor', search: '?layout=9&cams=a,,c' }), 'http://hub').searchParams.get('next');
  assert.equal(landingFor('operator', next), '/monitor?layout=9&cams=a,,c');
});
