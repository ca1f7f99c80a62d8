import assert from 'node:assert/strict';
import { test } from 'node:test';
import { landingFor } from './landing.ts';

test('operators land on the monitor, keeping a monitor deep link', () => {
  assert.equal(landingFor('operator', null), '/monitor');
  assert.equal(landingFor('operator', '/monitor?layout=4&cams=a,b'), '/monitor?layout=4&cams=a,b');
  assert.equal(landingFor('supervisor', '/audit?cameraId=a'), '/monitor');
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
